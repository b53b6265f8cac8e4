"""EsmTokenizer folders (a protein vocab.txt and a tokenizer_config.json), against transformers' Python
class at test time: every vocabulary token is cut out of the text (leftmost, longest), the rest split on
whitespace, each piece one token or `<unk>`; `<cls> A <eos>` around the text. The vocabulary is ESM-2's
layout, written here.
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

ESM2_VOCAB = [
    *("<cls>", "<pad>", "<eos>", "<unk>"),
    *"LAGVSERTIDPKQNFYMHWCXBUZO",
    *(".", "-", "<null_1>", "<mask>"),
]
LINES = [
    *[line for _, line in multilingual_lines()][:40],
    *fixed_cases(),
    "MKTAYIAKQRQISFVKSHFSRQ",
    "mkt ay",
    "MK JJ<mask>A <cls>x<eos><eos>",
    "  A  G  ",
    "L.-<null_1><null_1 <mask",
    "MKT<pad>AYI<unk>AK",
]


def folder(root: Path, name: str, vocab: list[str], **config: object) -> Path:
    directory = root / name
    directory.mkdir()
    (directory / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    config = {"tokenizer_class": "EsmTokenizer", **config}
    (directory / "tokenizer_config.json").write_text(json.dumps(config), encoding="utf-8")
    return directory


CASES = [
    ("esm2", ESM2_VOCAB, {}),
    # A multi-letter token overlapping single letters: the longest match wins.
    ("overlap", [*ESM2_VOCAB, "MK", "MKT"], {"mask_token": "<null_1>"}),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c[0])
def test_esm_folder_matches_transformers(tmp_path, case):
    name, vocab, config = case
    directory = folder(tmp_path, name, vocab, **config)
    ours = AutoTokenizer.from_pretrained(directory)
    theirs = transformers.AutoTokenizer.from_pretrained(str(directory))
    assert_same_settings(ours, theirs)
    assert ours.get_vocab() == theirs.get_vocab()
    for line in LINES:
        expected = theirs.tokenize(line)
        # The Python class names an unknown piece by its text, ferrotok by `<unk>` (README).
        if expected == theirs.convert_ids_to_tokens(theirs.encode(line, add_special_tokens=False)):
            assert ours.tokenize(line) == expected, line

    fields = {"return_special_tokens_mask": True, "return_token_type_ids": True}
    compare_call(ours, theirs, LINES, return_length=True, **fields)
    compare_call(ours, theirs, LINES[:30], LINES[30:60], **fields)
    # An odd room for the two texts: a tie is cut from the second text, as transformers' Python classes do.
    pair_length = 17 + theirs.num_special_tokens_to_add(pair=True)
    compare_call(
        ours, theirs, LINES[:30], LINES[30:60], truncation=True, max_length=pair_length, padding=True
    )
    compare_call(ours, theirs, LINES, padding="max_length", max_length=40, truncation=True, **fields)
    ids = theirs(LINES)["input_ids"]
    for skip in (False, True):
        assert ours.batch_decode(ids, skip_special_tokens=skip) == theirs.batch_decode(
            ids, skip_special_tokens=skip
        ), skip


def test_esm_special_token_missing_from_vocab(tmp_path):
    """A named token vocab.txt lacks gets the next id, as transformers adds it; a missing `<unk>` (every
    unknown piece would have no id) is refused with the file named."""
    directory = folder(tmp_path, "no-cls", [t for t in ESM2_VOCAB if t != "<cls>"])
    ours = AutoTokenizer.from_pretrained(directory)
    theirs = transformers.AutoTokenizer.from_pretrained(str(directory))
    assert ours(LINES)["input_ids"] == theirs(LINES)["input_ids"]
    assert len(ours) == len(theirs)
    directory = folder(tmp_path, "no-unk", [t for t in ESM2_VOCAB if t != "<unk>"])
    with pytest.raises(ValueError, match=r"vocab\.txt"):
        AutoTokenizer.from_pretrained(directory)


def test_esm_save_pretrained_round_trip(tmp_path):
    """The saved folder (tokenizer.json and vocab.txt) loads back in ferrotok and transformers alike."""
    ours = AutoTokenizer.from_pretrained(folder(tmp_path, "esm2", ESM2_VOCAB))
    saved = tmp_path / "saved"
    ours.save_pretrained(saved)
    again = AutoTokenizer.from_pretrained(saved)
    theirs = transformers.AutoTokenizer.from_pretrained(str(saved))
    assert type(theirs).__name__ == "EsmTokenizer"
    assert again.special_tokens_map == theirs.special_tokens_map
    expected = theirs(LINES)["input_ids"]
    assert ours(LINES)["input_ids"] == expected
    assert again(LINES)["input_ids"] == expected
