"""Offsets of calls that return none: the per-row encodings still give Hugging Face's char offsets.

A call without `return_offsets_mapping` keeps byte offsets and converts a row's only when something asks
for it (`encodings`, `char_to_token`, `word_to_chars`, ...). These tests make such calls on multilingual
text, pairs, overflow windows and left padding, lists and arrays, and compare every alignment accessor
with transformers' fast tokenizer, which computes char offsets eagerly.
"""

from __future__ import annotations

import pytest
import spm_builders as builders
from parity import LINES, TEXTS, compare_call, plain

transformers = pytest.importorskip("transformers")
pytest.importorskip("sentencepiece")
from ferrotok import AutoTokenizer  # noqa: E402

# Every language of the sample, a few lines each, and strings whose offsets are not plain.
MIXED = [line for i, (_, line) in enumerate(LINES) if i % 23 == 0] + [
    "ｆｕｌｌ ｗｉｄｔｈ ﬁ ﬂ ½ combining e\u0301 and 🏳️‍🌈 emoji",
    "",
    "€" * 30,
]


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    root = tmp_path_factory.mktemp("offsets")
    raw = builders.train(root / "raw", "t5_unigram")
    folder = builders.converted(raw, root / "json")
    return AutoTokenizer.from_pretrained(folder), transformers.AutoTokenizer.from_pretrained(str(folder))


def check_alignment(got, expected, texts: list[str]) -> None:
    """Every row's encoding and the BatchEncoding alignment methods agree with transformers'."""
    assert len(got.encodings) == len(expected.encodings)
    for row, (a, b) in enumerate(zip(got.encodings, expected.encodings, strict=True)):
        assert plain(a.offsets) == plain(b.offsets), row
        assert a.word_ids == b.word_ids and a.sequence_ids == b.sequence_ids, row
        for k in range(len(b.ids)):
            assert a.token_to_chars(k) == b.token_to_chars(k), (row, k)
        first_words = {w for w, s in zip(b.word_ids, b.sequence_ids, strict=True) if w is not None and s == 0}
        for w in sorted(first_words):
            assert got.word_to_chars(row, w) == expected.word_to_chars(row, w), (row, w)
    for row, text in enumerate(texts[: len(got.encodings)]):
        for c in range(0, len(text), 7):
            assert got.char_to_token(row, c) == expected.char_to_token(row, c), (row, c)
            assert got.char_to_word(row, c) == expected.char_to_word(row, c), (row, c)


@pytest.mark.parametrize("tensors", [None, "np"])
def test_batch_without_offsets_aligns_like_transformers(pair, tensors):
    ours, theirs = pair
    kwargs = {"padding": True, "return_tensors": tensors}
    got = compare_call(ours, theirs, MIXED, **kwargs)
    check_alignment(got, theirs(MIXED, **kwargs), MIXED)


def test_offsets_asked_later_match_offsets_asked_at_once(pair):
    ours, _ = pair
    later = ours(MIXED)
    now = ours(MIXED, return_offsets_mapping=True)
    want = plain(now["offset_mapping"])
    assert [plain(e.offsets) for e in later.encodings] == want
    # The same row asked twice, and rows asked out of order, give the same offsets.
    assert plain(later[3].offsets) == plain(later.encodings[3].offsets) == want[3]
    assert plain(later[-1].offsets) == want[-1]


@pytest.mark.parametrize("side", ["right", "left"])
def test_pairs_padding_sides(pair, side):
    ours, theirs = pair
    firsts, seconds = TEXTS[::50][:6], TEXTS[7::50][:6]
    kwargs = {"padding": True, "padding_side": side, "return_tensors": "np"}
    got = compare_call(ours, theirs, firsts, seconds, **kwargs)
    check_alignment(got, theirs(firsts, seconds, **kwargs), firsts)
    for row in range(len(firsts)):
        for c in range(0, len(seconds[row]), 11):
            assert got.char_to_token(row, c, sequence_index=1) == theirs(
                firsts, seconds, **kwargs
            ).char_to_token(row, c, sequence_index=1)


@pytest.mark.parametrize("stride", [0, 3])
def test_overflow_windows(pair, stride):
    ours, theirs = pair
    texts = [line for lang, line in LINES if lang in ("zh", "ja", "ru")][:4]
    kwargs = {"truncation": True, "max_length": 12, "stride": stride, "return_overflowing_tokens": True}
    got = compare_call(ours, theirs, texts, **kwargs)
    expected = theirs(texts, **kwargs)
    check_alignment(got, expected, [])


def test_one_text_alone(pair):
    ours, theirs = pair
    for text in (TEXTS[5], "日本語のテキスト、全角！"):
        got, expected = ours(text), theirs(text)
        assert plain(got.encodings[0].offsets) == plain(expected.encodings[0].offsets), text
        for c in range(len(text)):
            assert got.char_to_token(c) == expected.char_to_token(c), (text, c)


def test_surrogates_keep_their_offsets(pair):
    # transformers refuses strings with surrogates; ferrotok joins pairs and counts them as two code
    # units. Such inputs convert at once: both calls give the offsets the offsets field gives.
    ours, _ = pair
    texts = ["a\ud83d\ude00b 日本", "lone \udc00 surrogate", "plain text"]
    later, now = ours(texts), ours(texts, return_offsets_mapping=True)
    assert [plain(e.offsets) for e in later.encodings] == plain(now["offset_mapping"])
