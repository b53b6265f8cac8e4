"""`encode(text)`'s fast path for one str (`encode_ids`, the commonest call of a serving thread) against
Hugging Face's fast tokenizer, run at test time: real multilingual lines, adversarial strings, lone
surrogates, the empty text and texts long enough to be encoded with the GIL released."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from adversarial import fixed_cases, lone_surrogates, random_cases
from ferrotok import AutoTokenizer

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE = FIXTURES / "multilingual" / "sample.txt"
MODELS = {"bert": FIXTURES / "bert-uncased", "gpt2": FIXTURES / "gpt2"}


def _texts() -> list[str]:
    lines = [line.split("\t", 1)[-1] for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
    long = " ".join(lines)  # tens of KiB: past the size from which the GIL is released
    return ["", " ", *lines, *fixed_cases(), *random_cases(200), long, long[:5000]]


@pytest.fixture(scope="module", params=sorted(MODELS))
def pair(request):
    transformers = pytest.importorskip("transformers")
    path = str(MODELS[request.param])
    return AutoTokenizer.from_pretrained(path), transformers.AutoTokenizer.from_pretrained(path), path


def test_encode_one_text_matches_transformers(pair):
    ours, theirs, _ = pair
    for text in _texts():
        assert ours.encode(text) == theirs.encode(text), repr(text[:80])
        assert ours.encode(text) == ours(text)["input_ids"], repr(text[:80])


def test_encode_lone_surrogates_like_the_general_path(pair):
    ours, _, _ = pair
    for text in lone_surrogates():
        assert ours.encode(text) == ours.encode(text, truncation=False, padding=False, max_length=None)


def test_encode_one_long_text_warns_once(pair, caplog):
    tok = AutoTokenizer.from_pretrained(pair[2])
    tok.model_max_length = 8
    with caplog.at_level(logging.WARNING, logger="ferrotok"):
        tok.encode("one two three four five six seven eight nine ten")
        tok.encode("one two three four five six seven eight nine ten eleven")
    warnings = [r for r in caplog.records if "longer than the specified maximum" in r.getMessage()]
    assert len(warnings) == 1
