"""The components ferrotok added after the first set, against tokenizers' (run at test time):
`normalizers.ByteLevel`, `pre_tokenizers.FixedLength`, `pre_tokenizers.UnicodeScripts`, `normalizers.NORMALIZERS`.
Each one's own method on every code point, the multilingual sample and the adversarial strings; a full
tokenizer using it (every field of every encoding, and decoding); the tokenizer.json value both ways."""

from __future__ import annotations

import json
from typing import Any

import ferrotok
import pytest
from adversarial import fixed_cases, random_cases
from conftest import FIXTURES, multilingual_lines
from parity import ENCODING_FIELDS

tokenizers = pytest.importorskip("tokenizers")
transformers = pytest.importorskip("transformers")


def texts() -> list[str]:
    return [line for _, line in multilingual_lines()] + fixed_cases() + random_cases(40)


def every_code_point(chunk: int = 2048) -> list[str]:
    """All scalar values (surrogates excluded), in runs of consecutive code points."""
    points = [c for c in range(0x110000) if not 0xD800 <= c < 0xE000]
    return ["".join(map(chr, points[i : i + chunk])) for i in range(0, len(points), chunk)]


def both(module: str, name: str, *args: Any, **kwargs: Any) -> tuple[Any, Any]:
    ours = getattr(getattr(ferrotok, module), name)(*args, **kwargs)
    theirs = getattr(getattr(tokenizers, module), name)(*args, **kwargs)
    return ours, theirs


def same_component(ours: Any, theirs: Any) -> None:
    assert type(ours).__name__ == type(theirs).__name__
    assert json.loads(ours.__getstate__()) == json.loads(theirs.__getstate__())
    assert repr(ours) == repr(theirs)


def gpt2_document() -> dict[str, Any]:
    hf = transformers.AutoTokenizer.from_pretrained(str(FIXTURES / "gpt2"))
    return json.loads(hf.backend_tokenizer.to_str())


def bert_document() -> dict[str, Any]:
    return json.loads((FIXTURES / "bert-uncased" / "tokenizer.json").read_text(encoding="utf-8"))


def same_tokenizer(document: dict[str, Any], texts: list[str]) -> None:
    """ferrotok and tokenizers load `document` and encode and decode `texts` alike, every field; the
    document written back by ferrotok loads in tokenizers with the same stages."""
    text = json.dumps(document)
    ours, theirs = ferrotok.Tokenizer.from_str(text), tokenizers.Tokenizer.from_str(text)
    for i, t in enumerate(texts):
        a, b = ours.encode(t), theirs.encode(t)
        for field in ENCODING_FIELDS:
            assert getattr(a, field) == getattr(b, field), (i, field, t)
        assert ours.decode(b.ids) == theirs.decode(b.ids), (i, t)
    pairs = list(zip(texts[::2], texts[1::2], strict=False))
    for a, b in zip(ours.encode_batch(pairs), theirs.encode_batch(pairs), strict=True):
        assert a.ids == b.ids and a.offsets == b.offsets
    back = json.loads(ours.to_str())
    for stage in ("normalizer", "pre_tokenizer", "decoder"):
        assert back[stage] == json.loads(theirs.to_str())[stage], stage
    assert tokenizers.Tokenizer.from_str(ours.to_str()).encode(texts[0]).ids == theirs.encode(texts[0]).ids


# --- normalizers.ByteLevel ------------------------------------------------------------------------------


def test_byte_level_normalizer() -> None:
    ours, theirs = both("normalizers", "ByteLevel")
    same_component(ours, theirs)
    for text in texts() + every_code_point():
        assert ours.normalize_str(text) == theirs.normalize_str(text), repr(text[:20])


def test_byte_level_normalizer_in_a_tokenizer() -> None:
    """GPT-2's BPE behind a ByteLevel normalizer and no pre-tokenizer (offsets of split characters)."""
    document = gpt2_document()
    document["normalizer"] = {"type": "ByteLevel"}
    document["pre_tokenizer"] = {"type": "WhitespaceSplit"}
    same_tokenizer(document, texts())


# --- pre_tokenizers.FixedLength -------------------------------------------------------------------------


@pytest.mark.parametrize("length", [None, 1, 3, 64])
def test_fixed_length(length: int | None) -> None:
    kwargs = {} if length is None else {"length": length}
    ours, theirs = both("pre_tokenizers", "FixedLength", **kwargs)
    same_component(ours, theirs)
    assert ours.length == theirs.length
    for text in texts() + every_code_point(300):
        assert ours.pre_tokenize_str(text) == theirs.pre_tokenize_str(text), repr(text[:20])


def test_fixed_length_in_a_tokenizer() -> None:
    """FixedLength after GPT-2's byte-level mapping (a chunk may end inside a character's bytes) and on
    BERT's WordPiece."""
    document = gpt2_document()
    document["normalizer"] = {"type": "ByteLevel"}
    document["pre_tokenizer"] = {"type": "FixedLength", "length": 4}
    same_tokenizer(document, texts())
    document = bert_document()
    document["pre_tokenizer"] = {"type": "FixedLength", "length": 3}
    same_tokenizer(document, texts())


def test_fixed_length_zero_is_refused() -> None:
    # tokenizers accepts it and panics on the first text; ferrotok refuses it when it is built or loaded.
    with pytest.raises(ValueError, match="length"):
        ferrotok.pre_tokenizers.FixedLength(length=0)
    document = bert_document()
    document["pre_tokenizer"] = {"type": "FixedLength", "length": 0}
    with pytest.raises(ValueError, match=r"pre_tokenizer\.length"):
        ferrotok.Tokenizer.from_str(json.dumps(document))


# --- pre_tokenizers.UnicodeScripts ---------------------------------------------------------------------


def test_unicode_scripts() -> None:
    ours, theirs = both("pre_tokenizers", "UnicodeScripts")
    same_component(ours, theirs)
    for text in texts() + every_code_point(512):
        assert ours.pre_tokenize_str(text) == theirs.pre_tokenize_str(text), repr(text[:20])


@pytest.mark.parametrize("neighbour", ["a", "α", "ж", "日", "ア", "0", " ", "\u0301"])
def test_unicode_scripts_every_code_point_beside(neighbour: str) -> None:
    """Each code point between two copies of a neighbour: where its script (or its lack of one) differs
    from tokenizers' table, the pieces differ."""
    ours, theirs = ferrotok.pre_tokenizers.UnicodeScripts(), tokenizers.pre_tokenizers.UnicodeScripts()
    points = [c for c in range(0x110000) if not 0xD800 <= c < 0xE000]
    for start in range(0, len(points), 1024):
        text = "".join(neighbour + chr(c) for c in points[start : start + 1024]) + neighbour
        assert ours.pre_tokenize_str(text) == theirs.pre_tokenize_str(text), hex(points[start])


def test_unicode_scripts_in_a_tokenizer() -> None:
    """BERT's WordPiece behind UnicodeScripts (no BERT pre-tokenizer), and in a Sequence after Whitespace."""
    document = bert_document()
    document["pre_tokenizer"] = {"type": "UnicodeScripts"}
    same_tokenizer(document, texts())
    document["pre_tokenizer"] = {
        "type": "Sequence",
        "pretokenizers": [{"type": "WhitespaceSplit"}, {"type": "UnicodeScripts"}],
    }
    same_tokenizer(document, texts())


# --- normalizers.NORMALIZERS ----------------------------------------------------------------------------


def test_normalizers_mapping() -> None:
    ours, theirs = ferrotok.normalizers.NORMALIZERS, tokenizers.normalizers.NORMALIZERS
    assert list(ours) == list(theirs)
    for name in theirs:
        assert ours[name].__name__ == theirs[name].__name__
        made = ferrotok.normalizers.unicode_normalizer_from_str(name)
        same_component(made, tokenizers.normalizers.unicode_normalizer_from_str(name))
    with pytest.raises(ValueError, match="nfx is not a known unicode normalizer"):
        ferrotok.normalizers.unicode_normalizer_from_str("nfx")


# --- every component name ---------------------------------------------------------------------------------


@pytest.mark.parametrize("module", ["normalizers", "pre_tokenizers", "decoders", "processors", "models"])
def test_every_component_of_tokenizers_is_offered(module: str) -> None:
    import importlib

    def public(m: object) -> set[str]:
        return {n for n in dir(m) if not n.startswith("_")}

    theirs = importlib.import_module(f"tokenizers.{module}")
    ours = importlib.import_module(f"ferrotok.{module}")
    # tokenizers' modules also show their compiled submodule under the module's own name.
    assert public(theirs) - public(ours) - {module} == set()
