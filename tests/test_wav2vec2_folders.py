"""Wav2Vec2CTCTokenizer folders (a character vocab.json and a tokenizer_config.json), against transformers'
Python class at test time.

The vocabulary is built here the way wav2vec2 checkpoints lay it out: `<pad> <s> </s> <unk>`, the word
delimiter `|`, then upper-case letters and the apostrophe (plus, in one case, multi-char entries, which the
class matches as added tokens). Encoding (spaces as `|`, `do_lower_case` upper-casing the text), pairs,
padding, truncation and the CTC decode (repeated ids merged, pad dropped, delimiter back to a space,
special tokens skipped before merging) are compared field by field.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from adversarial import fixed_cases
from conftest import multilingual_lines
from parity import assert_same_settings
from parity import compare_fields_call as compare_call

transformers = pytest.importorskip("transformers")
from ferrotok import AutoTokenizer  # noqa: E402

LETTERS = "ETAONIHSRDLUMWCFGYPBVK'XJQZ"
LINES = [
    *[line for _, line in multilingual_lines()][:60],
    *fixed_cases(),
    "HELLO WORLD",
    "hello  world ß straße",
    "A <s> B</s>C<unk> <pad> D",
    " X ",
    "NO|PIPE || HERE",
    "THE <laugh> CAT [noise]",
]


def folder(root: Path, name: str, vocab: dict[str, int], **config: object) -> Path:
    directory = root / name
    directory.mkdir()
    (directory / "vocab.json").write_text(json.dumps(vocab), encoding="utf-8")
    config = {"tokenizer_class": "Wav2Vec2CTCTokenizer", **config}
    (directory / "tokenizer_config.json").write_text(json.dumps(config), encoding="utf-8")
    return directory


def letters_vocab(*extra: str) -> dict[str, int]:
    vocab = {"<pad>": 0, "<s>": 1, "</s>": 2, "<unk>": 3, "|": 4}
    for token in [*LETTERS, *extra]:
        vocab[token] = len(vocab)
    return vocab


CASES = [
    ("plain", letters_vocab(), {}),
    ("lower", letters_vocab(), {"do_lower_case": True}),
    ("multi-char", letters_vocab("<laugh>", "[noise]"), {}),
    ("delimiter", letters_vocab(), {"replace_word_delimiter_char": "_"}),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c[0])
def test_wav2vec2_folder_matches_transformers(tmp_path, case):
    name, vocab, config = case
    directory = folder(tmp_path, name, vocab, **config)
    ours = AutoTokenizer.from_pretrained(directory)
    theirs = transformers.AutoTokenizer.from_pretrained(str(directory))
    assert_same_settings(ours, theirs)
    assert ours.get_vocab() == theirs.get_vocab()

    fields = {"return_special_tokens_mask": True, "return_token_type_ids": True}
    compare_call(ours, theirs, LINES, return_length=True, **fields)
    compare_call(ours, theirs, LINES[:30], LINES[30:60], **fields)
    compare_call(ours, theirs, LINES[:30], LINES[30:60], truncation=True, max_length=24, padding=True)
    compare_call(ours, theirs, LINES, padding="max_length", max_length=40, truncation=True, **fields)

    ids = theirs(LINES)["input_ids"]
    # CTC output: each id repeated, blanks (pad) between, special tokens around.
    frames = [[i for token in row for i in (token, token, 0)] + [1, 1, 2] for row in ids]
    for rows in (ids, frames):
        for skip in (False, True):
            assert ours.batch_decode(rows, skip_special_tokens=skip) == theirs.batch_decode(
                rows, skip_special_tokens=skip
            ), skip
        assert ours.decode(rows[0], group_tokens=False) == theirs.decode(rows[0], group_tokens=False)


def test_wav2vec2_multilingual_vocab_needs_target_lang(tmp_path):
    """MMS folders hold one vocabulary per language; `target_lang` picks one."""
    vocab = {"eng": letters_vocab(), "fra": letters_vocab("É", "À")}
    directory = folder(tmp_path, "mms", vocab, target_lang="fra")
    ours = AutoTokenizer.from_pretrained(directory)
    theirs = transformers.AutoTokenizer.from_pretrained(str(directory))
    assert ours(LINES)["input_ids"] == theirs(LINES)["input_ids"]
    bad = folder(tmp_path, "mms-none", vocab)
    with pytest.raises(ValueError, match="target_lang"):
        AutoTokenizer.from_pretrained(bad)


@pytest.mark.parametrize("case", CASES[:3], ids=lambda c: c[0])
def test_wav2vec2_save_pretrained_round_trip(tmp_path, case):
    """The saved folder (tokenizer.json and vocab.json) loads back in ferrotok and transformers alike."""
    name, vocab, config = case
    ours = AutoTokenizer.from_pretrained(folder(tmp_path, name, vocab, **config))
    saved = tmp_path / "saved"
    ours.save_pretrained(saved)
    again = AutoTokenizer.from_pretrained(saved)
    theirs = transformers.AutoTokenizer.from_pretrained(str(saved))
    assert type(theirs).__name__ == "Wav2Vec2CTCTokenizer"
    assert again.special_tokens_map == theirs.special_tokens_map == ours.special_tokens_map
    expected = theirs(LINES)["input_ids"]
    assert ours(LINES)["input_ids"] == expected
    assert again(LINES)["input_ids"] == expected
    assert again.batch_decode(expected) == theirs.batch_decode(expected)
