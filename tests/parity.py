"""Field-by-field comparison of a ferrotok result with Hugging Face's for the same call, and the checks the
parity suites share."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
from adversarial import random_cases
from conftest import multilingual_lines

# Every optional per-token field, so that a call compares all of them.
# The fields of a tokenizers `Encoding` (and ferrotok's) compared one by one.
ENCODING_FIELDS = (
    "ids",
    "type_ids",
    "tokens",
    "offsets",
    "attention_mask",
    "special_tokens_mask",
    "word_ids",
    "sequence_ids",
)
ALL_FIELDS = {"return_special_tokens_mask": True, "return_offsets_mapping": True, "return_length": True}
LINES = multilingual_lines()  # (language, line) pairs of the committed multilingual sample
TEXTS = [line for _, line in LINES]
LANGS = sorted({lang for lang, _ in LINES})
SAMPLE = [next(line for code, line in LINES if code == lang) for lang in LANGS]  # one line per language


def plain(value: Any) -> Any:
    """Arrays / tensors / tuples → nested lists, so both sides compare as Python data."""
    if hasattr(value, "detach"):
        value = value.detach().cpu().numpy()
    if isinstance(value, np.ndarray):
        if value.dtype == object:
            return [plain(v) for v in value]
        return value.tolist()
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def assert_same_encoding(ours: Any, theirs: Any, context: object = "") -> None:
    """Same keys in the same order, same values, same kinds of container, same alignment per row."""
    assert list(ours.keys()) == list(theirs.keys()), context
    for key in theirs:
        a, b = ours[key], theirs[key]
        assert type(a).__name__ == type(b).__name__, (context, key, type(a), type(b))
        if hasattr(b, "dtype"):
            assert a.dtype == b.dtype and tuple(a.shape) == tuple(b.shape), (context, key, a.dtype, b.dtype)
        assert plain(a) == plain(b), (context, key)
    encodings = theirs.encodings or []
    for row in range(len(encodings)):
        assert ours.tokens(row) == theirs.tokens(row), (context, "tokens", row)
        assert ours.word_ids(row) == theirs.word_ids(row), (context, "word_ids", row)
        assert ours.sequence_ids(row) == theirs.sequence_ids(row), (context, "sequence_ids", row)
        assert plain(ours[row].offsets) == plain(theirs[row].offsets), (context, "offsets", row)
        assert ours[row].special_tokens_mask == theirs[row].special_tokens_mask, (context, "stm", row)
        assert ours[row].type_ids == theirs[row].type_ids, (context, "type_ids", row)


def assert_same_settings(ours: Any, theirs: Any) -> None:
    """Special tokens and ids, padding / truncation sides, model input names and length equal."""
    assert ours.special_tokens_map == theirs.special_tokens_map
    assert ours.all_special_tokens == theirs.all_special_tokens
    assert ours.all_special_ids == theirs.all_special_ids
    assert (ours.padding_side, ours.truncation_side) == (theirs.padding_side, theirs.truncation_side)
    assert ours.model_input_names == theirs.model_input_names
    assert len(ours) == len(theirs)


def compare_fields_call(ours_tok: Any, theirs_tok: Any, *args: Any, **kwargs: Any) -> None:
    """The same call on both: every field equal, keys in any order (transformers' Python classes order them
    their own way)."""
    got, expected = ours_tok(*args, **kwargs), theirs_tok(*args, **kwargs)
    assert sorted(got.keys()) == sorted(expected.keys())
    for key in expected:
        assert plain(got[key]) == plain(expected[key]), (key, args, kwargs)


def compare_decode_and_save(
    ours: Any, theirs: Any, lines: list[str], directory: Any, fields: dict[str, Any], *more_reloaded: Any
) -> None:
    """Decode (batch and single rows, special tokens kept and skipped), ids → tokens → string, then
    `save_pretrained` to a folder beside `directory` reloaded by both libraries (and `more_reloaded`), each
    equal to transformers' tokenizer: vocabulary, `fields` of a call, decode."""
    from ferrotok import AutoTokenizer
    from transformers import AutoTokenizer as TheirAutoTokenizer

    rows = theirs(lines)["input_ids"]
    for skip in (False, True):
        assert ours.batch_decode(rows, skip_special_tokens=skip) == theirs.batch_decode(
            rows, skip_special_tokens=skip
        ), skip
        for row in rows[:40]:
            assert ours.decode(row, skip_special_tokens=skip) == theirs.decode(row, skip_special_tokens=skip)
    for row in rows[:40]:
        tokens = theirs.convert_ids_to_tokens(row)
        assert ours.convert_ids_to_tokens(row) == tokens
        assert ours.convert_tokens_to_string(tokens) == theirs.convert_tokens_to_string(tokens)
    saved = directory.parent / f"{directory.name}-saved"
    ours.save_pretrained(saved)
    for reloaded in (
        AutoTokenizer.from_pretrained(saved),
        TheirAutoTokenizer.from_pretrained(str(saved)),
        *more_reloaded,
    ):
        assert reloaded.get_vocab() == theirs.get_vocab()
        compare_fields_call(reloaded, theirs, lines, **fields)
        assert reloaded.batch_decode(rows) == theirs.batch_decode(rows)


def compare_call(ours_tok: Any, theirs_tok: Any, *args: Any, **kwargs: Any) -> Any:
    """Run the same call on both tokenizers; both raise the same exception type or agree field by field."""
    try:
        expected = theirs_tok(*args, **kwargs)
    except Exception as exc:  # the reference refuses: so must we, with the same kind of error
        try:
            ours_tok(*args, **kwargs)
        except Exception as ours_exc:
            assert isinstance(ours_exc, (type(exc), ValueError, TypeError)), (exc, ours_exc)
            return None
        raise AssertionError(f"HF raised {exc!r} but ferrotok did not for {args} {kwargs}") from exc
    got = ours_tok(*args, **kwargs)
    assert_same_encoding(got, expected, (args, kwargs))
    return got


def compare_template_calls(
    ours_tok: Any, theirs_tok: Any, first: Any, second: Any, truncated: tuple[Any, Any], max_length: int
) -> None:
    """Texts, pairs and a truncated pair (`truncated`) through both tokenizers, with type ids, special-tokens
    masks and offsets: what a post-processor's template decides."""
    extra = {
        "return_token_type_ids": True,
        "return_special_tokens_mask": True,
        "return_offsets_mapping": True,
    }
    compare_call(ours_tok, theirs_tok, first, **extra)
    compare_call(ours_tok, theirs_tok, first, second, **extra)
    compare_call(ours_tok, theirs_tok, *truncated, truncation=True, max_length=max_length, **extra)


def check_decode(ours: Any, theirs: Any, batch_ids: list[list[int]]) -> None:
    """batch_decode and decode agree, with and without special tokens."""
    for skip in (False, True):
        assert ours.batch_decode(batch_ids, skip_special_tokens=skip) == theirs.batch_decode(
            batch_ids, skip_special_tokens=skip
        ), skip
        for ids in batch_ids[:8]:
            assert ours.decode(ids, skip_special_tokens=skip) == theirs.decode(ids, skip_special_tokens=skip)


def check_general(ours: Any, theirs: Any, texts: list[str], random_rows: int) -> None:
    """Vocabulary and special tokens; every text alone (all fields and `tokenize`); a batch of the multilingual
    sample and one of `random_rows` random adversarial strings; decode strings."""
    assert ours.get_vocab() == theirs.get_vocab()
    assert len(ours) == len(theirs)
    assert ours.all_special_tokens == theirs.all_special_tokens
    assert ours.all_special_ids == theirs.all_special_ids
    for text in texts:
        compare_call(ours, theirs, text, **ALL_FIELDS)
        assert ours.tokenize(text) == theirs.tokenize(text), text
    compare_call(ours, theirs, TEXTS[::6], **ALL_FIELDS)
    compare_call(ours, theirs, random_cases(random_rows), **ALL_FIELDS)
    check_decode(ours, theirs, theirs(texts + TEXTS[::40])["input_ids"])


def pipeline(tok: Any) -> dict:
    """A transformers-style tokenizer's stages as tokenizer.json writes them, without vocab and merges."""
    document = json.loads(tok.backend_tokenizer.to_str())
    model = {k: v for k, v in document["model"].items() if k not in ("vocab", "merges")}
    stages = ("normalizer", "pre_tokenizer", "decoder", "post_processor")
    return {"model": model, **{k: document[k] for k in stages}}


def check_save_round_trip(ours: Any, theirs: Any, folder: Path, texts: list[str]) -> None:
    """`ours.save_pretrained(folder)` reloads, in ferrotok and in transformers, as `theirs` encodes and decodes."""
    from ferrotok import AutoTokenizer
    from transformers import AutoTokenizer as HFAutoTokenizer

    ours.save_pretrained(folder)
    reloaded = AutoTokenizer.from_pretrained(folder)
    hf_reloaded = HFAutoTokenizer.from_pretrained(str(folder))
    compare_call(reloaded, theirs, texts, **ALL_FIELDS)
    compare_call(hf_reloaded, theirs, texts, **ALL_FIELDS)
    ids = theirs(texts)["input_ids"]
    assert reloaded.batch_decode(ids) == theirs.batch_decode(ids)
