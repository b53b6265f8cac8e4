"""Byte- and character-level classes that transformers 5 builds in Python from tokenizer_config.json alone.

ByT5Tokenizer, PerceiverTokenizer and DiaTokenizer cut the text into UTF-8 bytes (ids after their special
tokens), CanineTokenizer into code points. A folder holding only a tokenizer_config.json naming the class
(with and without config entries that change the special tokens) is loaded by transformers and ferrotok,
and every field transformers' Python class returns is compared (it reports no offsets), with decoding,
special tokens, vocabulary and class defaults, on the multilingual sample and the adversarial strings.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from adversarial import fixed_cases, random_cases
from conftest import multilingual_lines
from parity import assert_same_settings
from parity import compare_call as compare_exact
from parity import compare_fields_call as compare_call

transformers = pytest.importorskip("transformers")
from ferrotok import AutoTokenizer  # noqa: E402

LINES = [
    *[line for _, line in multilingual_lines()][:120],
    *fixed_cases(),
    *random_cases(40),
    "a </s> b<pad>c <unk>",
    "x<extra_id_0>y <extra_id_124> <extra_id_125>",
    "[CLS] [SEP] [MASK] [PAD] [BOS] [EOS] [S1] hello [S2] world",
    "\ue000 private use \ue001 \ue002 \ue003 \ue004 mask\ue003",
    "\x00 nul",
]

CASES = [
    ("ByT5Tokenizer", {}),
    ("ByT5Tokenizer", {"extra_ids": 3}),
    ("ByT5Tokenizer", {"eos_token": "<eos>", "extra_ids": 0, "additional_special_tokens": ["<x>", "<y>"]}),
    ("PerceiverTokenizer", {}),
    ("PerceiverTokenizer", {"model_max_length": 64, "additional_special_tokens": ["<extra>"]}),
    ("CanineTokenizer", {}),
    ("DiaTokenizer", {}),
]


def folder(root: Path, class_name: str, **config: object) -> Path:
    directory = root / class_name
    directory.mkdir()
    config = {"tokenizer_class": class_name, **config}
    (directory / "tokenizer_config.json").write_text(json.dumps(config), encoding="utf-8")
    return directory


def same_vocab(ours, theirs) -> None:
    expected = theirs.get_vocab()
    # Lone surrogates are no text in Rust (they cannot reach the tokenizer either).
    expected = {k: v for k, v in expected.items() if not any(0xD800 <= ord(c) < 0xE000 for c in k)}
    assert ours.get_vocab() == expected


def unstripped(ours, tokens: list[str]) -> list[str]:
    """`tokenize` gives a token that strips the spaces around it with those spaces, as the fast
    tokenizers do (ByT5's `</s>`); transformers' Python classes give the bare token."""
    specials = set(ours.all_special_tokens)
    return [t.strip() if t.strip() in specials and t.strip() != t else t for t in tokens]


# Texts ending with an eos token: ByT5 adds no second `</s>` after them (transformers'
# `_add_eos_if_not_present`), in a single text or either text of a pair.
EOS_LINES = ["ends </s>", "x </s> ", "</s>", "a</s>b</s>", "</s> </s>", "[SEP]", "<eos>"]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c[0] + "".join(f"-{k}" for k in c[1]))
def test_folder_matches_transformers(tmp_path, case):
    class_name, config = case
    directory = folder(tmp_path, class_name, **config)
    ours = AutoTokenizer.from_pretrained(directory)
    theirs = transformers.AutoTokenizer.from_pretrained(str(directory))
    assert_same_settings(ours, theirs)
    assert ours.model_max_length == theirs.model_max_length
    same_vocab(ours, theirs)

    lines = [*LINES, *EOS_LINES]
    for line in lines:
        expected = theirs.tokenize(line)
        # The Python classes' `tokenize` gives the raw byte or char where its id has another name (Dia's
        # byte 0 is `<pad>`, CANINE's U+E002 `[BOS]`); ferrotok gives the id's name, as tokenizers does.
        if expected == theirs.convert_ids_to_tokens(theirs.encode(line, add_special_tokens=False)):
            assert unstripped(ours, ours.tokenize(line)) == expected, line
    fields = {"return_special_tokens_mask": True, "return_token_type_ids": True}
    compare_call(ours, theirs, LINES, return_length=True, **fields)
    compare_call(ours, theirs, lines[:40], lines[40:80], return_length=True, **fields)
    # An odd room for the two texts: a tie is cut from the second text, as transformers' Python classes do.
    pair_length = 17 + theirs.num_special_tokens_to_add(pair=True)
    compare_call(
        ours, theirs, lines[:40], lines[40:80], truncation=True, max_length=pair_length, padding=True
    )
    # (No `return_length` once padded: transformers' Python classes count the tokens before padding, the
    # fast tokenizers and ferrotok after.)
    compare_call(ours, theirs, LINES, padding="max_length", max_length=40, truncation=True, **fields)
    compare_call(ours, theirs, lines[:20], padding=True, return_tensors="np")
    # Texts ending with eos: transformers' ByT5 counts the eos it leaves out in the type ids and the
    # special-tokens mask (one entry longer than the ids); ferrotok's match the ids (README).
    compare_call(ours, theirs, EOS_LINES, return_length=True)
    compare_call(ours, theirs, EOS_LINES, EOS_LINES[::-1])
    compare_call(ours, theirs, EOS_LINES, ["b"] * len(EOS_LINES), truncation=True, max_length=6)
    got = ours(EOS_LINES, EOS_LINES[::-1], **fields)
    for ids, types, mask in zip(
        got["input_ids"], got["token_type_ids"], got["special_tokens_mask"], strict=True
    ):
        assert len(types) == len(mask) == len(ids)

    ids = theirs(lines)["input_ids"]
    for skip in (False, True):
        assert ours.batch_decode(ids, skip_special_tokens=skip) == theirs.batch_decode(
            ids, skip_special_tokens=skip
        ), skip
    assert ours.convert_ids_to_tokens(ids[0]) == theirs.convert_ids_to_tokens(ids[0])
    # Any id of the vocabulary, in any order: invalid UTF-8 is dropped or replaced as transformers does.
    every = list(range(min(len(theirs), 600)))
    scrambled = [every[(i * 7919) % len(every)] for i in range(len(every))]
    for row in (every, scrambled, scrambled[:37], [every[-1], every[0]]):
        assert ours.decode(row) == theirs.decode(row)
        assert ours.decode(row, skip_special_tokens=True) == theirs.decode(row, skip_special_tokens=True)
    assert ours.vocab_size == theirs.vocab_size


@pytest.mark.parametrize("class_name", ["ByT5Tokenizer", "PerceiverTokenizer", "CanineTokenizer"])
def test_offsets_cover_the_chars(tmp_path, class_name):
    """transformers' Python classes report no offsets; ferrotok's byte tokens cover their whole char."""
    ours = AutoTokenizer.from_pretrained(folder(tmp_path, class_name))
    text = "aé😀 b"
    enc = ours(text, return_offsets_mapping=True, add_special_tokens=False)
    spans = [text[s:e] for s, e in enc["offset_mapping"]]
    if class_name == "CanineTokenizer":
        assert spans == list(text)
    else:
        assert spans == [c for c in text for _ in c.encode("utf-8")]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c[0] + "".join(f"-{k}" for k in c[1]))
def test_save_pretrained_writes_what_transformers_reads(tmp_path, case):
    """No tokenizer.json (the `Codes` model is ferrotok's own; transformers writes none for these classes):
    the config, with the added tokens, is read back by both libraries, added tokens included."""
    class_name, config = case
    directory = folder(tmp_path, class_name, **config)
    ours = AutoTokenizer.from_pretrained(directory)
    theirs = transformers.AutoTokenizer.from_pretrained(str(directory))
    for tok in (ours, theirs):
        tok.add_tokens(["<new>", "tok2"])
        tok.add_special_tokens({"additional_special_tokens": ["<sp>"]})
    written = ours.save_pretrained(tmp_path / "saved")
    assert not (tmp_path / "saved" / "tokenizer.json").exists()
    assert all(Path(path).exists() for path in written)
    lines = ["hello <new> world tok2 <sp> é ☃", "a<sp>b", *LINES[::7]]
    lines = [*lines, *EOS_LINES]
    expected = theirs(lines)["input_ids"]
    for again in (
        AutoTokenizer.from_pretrained(tmp_path / "saved"),
        transformers.AutoTokenizer.from_pretrained(str(tmp_path / "saved")),
    ):
        assert again(lines)["input_ids"] == expected
        assert again.special_tokens_map == theirs.special_tokens_map
        assert again.all_special_ids == theirs.all_special_ids
        assert len(again) == len(theirs)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c[0] + "".join(f"-{k}" for k in c[1]))
def test_save_pretrained_round_trip(tmp_path, case):
    """The saved folder loads back in ferrotok and in transformers to the same tokenizer."""
    class_name, config = case
    ours = AutoTokenizer.from_pretrained(folder(tmp_path, class_name, **config))
    saved = tmp_path / "saved"
    ours.save_pretrained(saved)
    again = AutoTokenizer.from_pretrained(saved)
    theirs = transformers.AutoTokenizer.from_pretrained(str(saved))
    assert type(theirs).__name__ == class_name
    lines = [*LINES[::3], *EOS_LINES]
    expected = theirs(lines)["input_ids"]
    assert ours(lines)["input_ids"] == expected
    assert again(lines)["input_ids"] == expected
    assert again.special_tokens_map == theirs.special_tokens_map
    assert again.all_special_ids == theirs.all_special_ids
    assert len(again) == len(theirs)


@pytest.mark.parametrize("stride", [0, 1, 3, 8])
def test_byt5_overflowing_tokens_as_the_python_class(tmp_path, stride):
    """With `return_overflowing_tokens`, ByT5 (a Python class in transformers) gives its truncated row and
    `overflowing_tokens` / `num_truncated_tokens`, as transformers does, texts ending with `</s>` included
    (its `</s>` is added only where the text does not end with one), in single texts and pairs."""
    directory = folder(tmp_path, "ByT5Tokenizer")
    ours = AutoTokenizer.from_pretrained(directory)
    theirs = transformers.AutoTokenizer.from_pretrained(str(directory))
    firsts = ["hello world </s>", "abc</s>", "ab</s>cd</s>", "plain text here", "é</s>ü</s>"]
    seconds = ["xy</s>", "q", "</s>"]
    pieces = lambda text: theirs(text, add_special_tokens=False)["input_ids"]  # noqa: E731
    cut = 0
    for max_length in (5, 7, 9):
        for text in firsts:
            kwargs = {"truncation": True, "max_length": max_length, "stride": stride}
            got = compare_exact(ours, theirs, text, return_overflowing_tokens=True, **kwargs)
            cut += "overflowing_tokens" in got
            for second in seconds:
                for strategy, (a, b) in (("only_first", (text, second)), ("only_second", (second, text))):
                    kept = pieces(b) if strategy == "only_first" else pieces(a)
                    if max_length + 4 - theirs.num_special_tokens_to_add(pair=True) - len(kept) <= 0:
                        continue  # the cut text would be emptied: transformers does, ferrotok refuses
                    kwargs = {"truncation": strategy, "max_length": max_length + 4, "stride": stride}
                    got = compare_exact(ours, theirs, a, b, return_overflowing_tokens=True, **kwargs)
                    cut += "overflowing_tokens" in got
    assert cut >= 20
