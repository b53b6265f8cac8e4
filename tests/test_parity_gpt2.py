"""Parity on GPT-2 (byte-level BPE, legacy vocab.json + merges.txt folder): the settings that differ from BERT
(no token_type_ids, no pad token, BPE decode without clean-up)."""

from __future__ import annotations

from pathlib import Path

import pytest
from adversarial import fixed_cases
from conftest import multilingual_lines
from parity import compare_call

GPT2 = Path(__file__).parent / "fixtures" / "gpt2"
TEXTS = [line for _, line in multilingual_lines()][::20]
pytestmark = pytest.mark.usefixtures("fast_paths")


@pytest.fixture(scope="module")
def pair():
    transformers = pytest.importorskip("transformers")
    from ferrotok import AutoTokenizer

    return AutoTokenizer.from_pretrained(GPT2), transformers.AutoTokenizer.from_pretrained(str(GPT2))


def test_settings(pair):
    ours, theirs = pair
    assert ours.model_input_names == theirs.model_input_names == ["input_ids", "attention_mask"]
    assert ours.model_max_length == theirs.model_max_length == 1024
    assert ours.eos_token == theirs.eos_token and ours.eos_token_id == theirs.eos_token_id
    assert ours.pad_token is None and theirs.pad_token is None
    assert len(ours) == len(theirs)


def test_texts(pair):
    ours, theirs = pair
    compare_call(ours, theirs, TEXTS, return_offsets_mapping=True, return_special_tokens_mask=True)
    compare_call(ours, theirs, fixed_cases(), return_offsets_mapping=True)


def test_padding_needs_a_pad_token(pair):
    ours, _ = pair
    with pytest.raises(ValueError, match="padding token"):
        ours(["a", "b c"], padding=True)


def test_eos_as_pad_token(pair):
    ours, theirs = pair
    ours.pad_token = ours.eos_token
    theirs.pad_token = theirs.eos_token
    try:
        compare_call(ours, theirs, TEXTS[:6], padding=True, return_tensors="np", padding_side="left")
    finally:
        ours.pad_token = None
        theirs.pad_token = None


def test_decode_skips_clean_up_for_bpe(pair):
    ours, theirs = pair
    ids = theirs("Hello , world . It 's fine !")["input_ids"]
    for clean in (None, True, False):
        assert ours.decode(ids, clean_up_tokenization_spaces=clean) == theirs.decode(
            ids, clean_up_tokenization_spaces=clean
        )
    batch = theirs(TEXTS)["input_ids"]
    assert ours.batch_decode(batch) == theirs.batch_decode(batch)
