"""Parity with Hugging Face's fast tokenizer (transformers AutoTokenizer) on BERT-uncased, run at test time.

Every comparison checks input_ids, token_type_ids, attention_mask, special_tokens_mask, offsets, tokens,
word_ids and sequence_ids row by row (see parity.assert_same_encoding), plus decode strings.
"""

from __future__ import annotations

import os
import pickle

import numpy as np
import pytest
from adversarial import fixed_cases, random_cases
from conftest import multilingual_lines
from parity import ALL_FIELDS, assert_same_encoding, compare_call, plain

LINES = multilingual_lines()
TEXTS = [line for _, line in LINES]
ENGLISH = [line for lang, line in LINES if lang == "en"][:20]
pytestmark = pytest.mark.usefixtures("fast_paths")


@pytest.fixture(params=["tokenizer.json", "legacy"])
def pair(request, ft, hf, ft_legacy, hf_legacy):
    """Both load paths: a folder with tokenizer.json, and one with only vocab.txt + tokenizer_config.json."""
    return (ft, hf) if request.param == "tokenizer.json" else (ft_legacy, hf_legacy)


def test_both_load_paths_agree_on_vocab(ft, ft_legacy, hf):
    assert ft.get_vocab() == hf.get_vocab()
    assert ft_legacy.get_vocab() == hf.get_vocab()
    assert len(ft) == len(hf) and ft.vocab_size == hf.vocab_size
    assert ft.all_special_ids == hf.all_special_ids
    assert ft.all_special_tokens == hf.all_special_tokens


@pytest.mark.parametrize("lang", sorted({lang for lang, _ in LINES}))
def test_single_texts_multilingual(pair, lang):
    ours, theirs = pair
    for line in [text for code, text in LINES if code == lang][:15]:
        compare_call(ours, theirs, line, **ALL_FIELDS)


def test_batch_multilingual_lists(pair):
    ours, theirs = pair
    compare_call(ours, theirs, TEXTS, **ALL_FIELDS)


def test_adversarial_fixed(pair):
    ours, theirs = pair
    for text in fixed_cases():
        compare_call(ours, theirs, text, **ALL_FIELDS)
    compare_call(ours, theirs, fixed_cases(), **ALL_FIELDS)


def test_adversarial_random(ft, hf):
    compare_call(ft, hf, random_cases(300), **ALL_FIELDS)


@pytest.mark.parametrize("tensors", ["np", "pt"])
@pytest.mark.parametrize("side", ["right", "left"])
def test_padded_truncated_tensors(pair, tensors, side):
    if tensors == "pt":
        pytest.importorskip("torch")
    ours, theirs = pair
    batch = TEXTS[::7]
    for kwargs in (
        {"padding": True},
        {"padding": "longest", "truncation": True, "max_length": 32},
        {"padding": "max_length", "truncation": True, "max_length": 48},
        {"padding": "max_length", "truncation": "longest_first"},  # max_length from model_max_length
        {"padding": True, "truncation": True, "max_length": 40, "pad_to_multiple_of": 8},
        {"padding": True, "pad_to_multiple_of": 16},
    ):
        compare_call(
            ours,
            theirs,
            batch,
            return_tensors=tensors,
            padding_side=side,
            return_attention_mask=True,
            **kwargs,
        )


def test_single_text_tensors_keep_batch_axis(ft, hf):
    got = compare_call(ft, hf, ENGLISH[0], return_tensors="np", return_length=True)
    assert got["input_ids"].ndim == 2 and got["input_ids"].dtype == np.int64


def test_offsets_as_tensors(ft, hf):
    got = compare_call(ft, hf, ENGLISH[:4], padding=True, return_offsets_mapping=True, return_tensors="np")
    assert got["offset_mapping"].shape[-1] == 2


def test_ragged_numpy_is_object_array_like_hf(ft, hf):
    compare_call(ft, hf, ["short", "a much longer sentence here"], return_tensors="np")


def test_ragged_torch_raises_like_hf(ft, hf):
    pytest.importorskip("torch")
    with pytest.raises(ValueError, match="Unable to create tensor"):
        hf(["short", "a much longer sentence here"], return_tensors="pt")
    with pytest.raises(ValueError, match="Unable to create tensor"):
        ft(["short", "a much longer sentence here"], return_tensors="pt")


@pytest.mark.parametrize("strategy", ["longest_first", "only_first", "only_second", True])
@pytest.mark.parametrize("side", ["right", "left"])
def test_pairs_truncation_strategies(fresh_pair, strategy, side):
    ours, theirs = fresh_pair
    ours.padding_side = theirs.padding_side = side
    firsts = ENGLISH[:6]
    seconds = [t[: 20 + 13 * i] for i, t in enumerate(TEXTS[100:106])]
    for max_length in (24, 64):
        compare_call(
            ours,
            theirs,
            firsts,
            seconds,
            truncation=strategy,
            max_length=max_length,
            padding=True,
            **ALL_FIELDS,
        )
        compare_call(
            ours, theirs, firsts[0], seconds[0], truncation=strategy, max_length=max_length, **ALL_FIELDS
        )


def test_truncation_side_left(fresh_pair):
    ours, theirs = fresh_pair
    ours.truncation_side = theirs.truncation_side = "left"
    compare_call(ours, theirs, ENGLISH[:5], truncation=True, max_length=12, padding=True, **ALL_FIELDS)


@pytest.mark.parametrize("stride", [0, 1, 5])
def test_overflow_with_stride(pair, stride):
    ours, theirs = pair
    kwargs = {"truncation": True, "max_length": 16, "stride": stride, "return_overflowing_tokens": True}
    compare_call(ours, theirs, ENGLISH[0], **kwargs, **ALL_FIELDS)
    compare_call(ours, theirs, ENGLISH[:4], **kwargs, **ALL_FIELDS)
    compare_call(ours, theirs, ENGLISH[:4], padding=True, return_tensors="np", **kwargs)
    # Pair overflow rows multiply (first chunks x second chunks): keep the pair texts short.
    compare_call(ours, theirs, [t[:120] for t in ENGLISH[:3]], [t[:60] for t in TEXTS[200:203]], **kwargs)


def test_is_split_into_words(pair):
    ours, theirs = pair
    words = [line.split() for line in TEXTS[::25]]
    compare_call(ours, theirs, words[0], is_split_into_words=True, **ALL_FIELDS)
    compare_call(ours, theirs, words, is_split_into_words=True, padding=True, **ALL_FIELDS)
    compare_call(
        ours, theirs, words[:3], words[3:6], is_split_into_words=True, truncation=True, max_length=30
    )
    compare_call(ours, theirs, words, is_split_into_words=True, padding=True, return_tensors="np")


def test_no_special_tokens_and_flags(pair):
    ours, theirs = pair
    compare_call(ours, theirs, ENGLISH[:3], add_special_tokens=False, **ALL_FIELDS)
    compare_call(ours, theirs, ENGLISH[:3], return_token_type_ids=False, return_attention_mask=False)
    compare_call(ours, theirs, ENGLISH[0], max_length=10)  # max_length alone turns truncation on


def test_empty_string_and_pair_edge_cases(ft, hf):
    compare_call(ft, hf, "", **ALL_FIELDS)
    compare_call(ft, hf, "hello", "", **ALL_FIELDS)  # an empty pair is ignored, as in HF
    compare_call(ft, hf, ["", " ", "a"], padding=True, **ALL_FIELDS)


def test_decode_strings(pair):
    ours, theirs = pair
    batch = theirs(TEXTS[::9] + fixed_cases(), padding=True)["input_ids"]
    for skip in (False, True):
        for clean in (None, True, False):
            assert ours.batch_decode(batch, skip_special_tokens=skip, clean_up_tokenization_spaces=clean) == (
                theirs.batch_decode(batch, skip_special_tokens=skip, clean_up_tokenization_spaces=clean)
            )
        for ids in batch[:10]:
            assert ours.decode(ids, skip_special_tokens=skip) == theirs.decode(ids, skip_special_tokens=skip)
    assert ours.decode(np.array(batch[0])) == theirs.decode(batch[0])
    assert ours.decode(7592) == theirs.decode(7592)


def test_token_conversions(ft, hf):
    for text in ENGLISH[:5] + fixed_cases()[:10]:
        assert ft.tokenize(text) == hf.tokenize(text)
        tokens = hf.tokenize(text)
        assert ft.convert_tokens_to_ids(tokens) == hf.convert_tokens_to_ids(tokens)
        ids = hf.convert_tokens_to_ids(tokens)
        assert ft.convert_ids_to_tokens(ids) == hf.convert_ids_to_tokens(ids)
        assert ft.encode(text) == hf.encode(text)
    assert ft.convert_tokens_to_ids("no-such-token-xyz") == hf.convert_tokens_to_ids("no-such-token-xyz")
    assert ft.convert_ids_to_tokens([101, 7592, 102], skip_special_tokens=True) == hf.convert_ids_to_tokens(
        [101, 7592, 102], skip_special_tokens=True
    )
    assert ft.tokenize("a", "b", add_special_tokens=True) == hf.tokenize("a", "b", add_special_tokens=True)


def test_add_tokens_and_special_tokens(fresh_pair):
    ours, theirs = fresh_pair
    assert ours.add_tokens(["newword", "Another-One"]) == theirs.add_tokens(["newword", "Another-One"])
    assert ours.add_special_tokens(
        {"extra_special_tokens": ["<ent>", "</ent>"]}
    ) == theirs.add_special_tokens({"extra_special_tokens": ["<ent>", "</ent>"]})
    assert len(ours) == len(theirs)
    assert ours.all_special_tokens == theirs.all_special_tokens
    assert ours.all_special_ids == theirs.all_special_ids
    texts = ["a newword b", "<ent>Paris</ent> is NEWWORD", "x<ent>y", "another-one Another-One"]
    compare_call(ours, theirs, texts, **ALL_FIELDS)
    batch = theirs(texts)["input_ids"]
    assert ours.batch_decode(batch, skip_special_tokens=True) == theirs.batch_decode(
        batch, skip_special_tokens=True
    )
    assert ours.batch_decode(batch) == theirs.batch_decode(batch)


def test_normalized_added_token_strings(fresh_pair):
    """A normalized added token reports the matched (normalized) text as its token string, as HF does."""
    ours, theirs = fresh_pair
    ours.add_tokens(["Another-One"])
    theirs.add_tokens(["Another-One"])
    got, want = ours("another-one Another-One"), theirs("another-one Another-One")
    assert got["input_ids"] == want["input_ids"]
    assert got.tokens() == want.tokens()


def test_pad_token_can_be_reassigned(fresh_pair):
    ours, theirs = fresh_pair
    ours.pad_token = ours.mask_token
    theirs.pad_token = theirs.mask_token
    assert ours.pad_token_id == theirs.pad_token_id == 103
    compare_call(ours, theirs, ENGLISH[:3], padding=True, return_tensors="np")


def test_save_pretrained_round_trip(tmp_path, fresh_pair):
    transformers = pytest.importorskip("transformers")
    from ferrotok import AutoTokenizer

    ours, theirs = fresh_pair
    ours.add_tokens(["roundtripword"])
    theirs.add_tokens(["roundtripword"])
    ours.add_special_tokens({"extra_special_tokens": ["<rt>"]})
    theirs.add_special_tokens({"extra_special_tokens": ["<rt>"]})
    ours.save_pretrained(tmp_path)
    assert sorted(os.listdir(tmp_path)) == ["tokenizer.json", "tokenizer_config.json"]
    texts = ["a roundtripword <rt> b", *ENGLISH[:3]]
    reloaded = AutoTokenizer.from_pretrained(tmp_path)
    hf_reloaded = transformers.AutoTokenizer.from_pretrained(str(tmp_path))
    compare_call(reloaded, theirs, texts, **ALL_FIELDS)
    compare_call(hf_reloaded, theirs, texts, **ALL_FIELDS)
    assert reloaded.model_max_length == hf_reloaded.model_max_length == 512
    assert reloaded.all_special_tokens == hf_reloaded.all_special_tokens


def test_pickle_round_trip(ft, hf):
    clone = pickle.loads(pickle.dumps(ft))
    compare_call(clone, hf, ENGLISH[:3], padding=True, **ALL_FIELDS)
    assert repr(clone) == repr(ft)


def test_pad_matches_hf(ft, hf):
    features = [hf(t, **ALL_FIELDS) for t in ENGLISH[:4]]
    features = [{k: v for k, v in f.items() if k not in ("offset_mapping", "length")} for f in features]
    for kwargs in (
        {},
        {"padding": "max_length", "max_length": 80},
        {"pad_to_multiple_of": 8},
        {"return_tensors": "np"},
        {"padding_side": "left"},
    ):
        got = ft.pad([dict(f) for f in features], **kwargs)
        want = hf.pad([dict(f) for f in features], **kwargs)
        assert list(got.keys()) == list(want.keys())
        for key in want:
            assert plain(got[key]) == plain(want[key]), (kwargs, key)


@pytest.mark.parametrize("tensors", ["np", "pt"])
def test_pad_to_arrays_matches_hf(ft, hf, tensors):
    """Batches padded straight to arrays: dtype, shape and values as transformers', every field."""
    features = [hf(t, return_special_tokens_mask=True) for t in ENGLISH[:5]]
    longest = max(len(f["input_ids"]) for f in features)
    for kwargs in (
        {},
        {"padding_side": "left", "pad_to_multiple_of": 8},
        {"padding": "max_length", "max_length": longest + 3},
        {"return_attention_mask": False},
    ):
        for drop in ((), ("attention_mask",), ("attention_mask", "token_type_ids")):
            if kwargs.get("return_attention_mask") is False and not drop:
                continue  # the given masks would stay ragged: no arrays to compare
            rows = [{k: v for k, v in f.items() if k not in drop} for f in features]
            got = ft.pad([dict(r) for r in rows], return_tensors=tensors, **kwargs)
            want = hf.pad([dict(r) for r in rows], return_tensors=tensors, **kwargs)
            assert list(got.keys()) == list(want.keys()), (kwargs, drop)
            for key in want:
                assert got[key].dtype == want[key].dtype, (kwargs, drop, key)
                assert got[key].tolist() == want[key].tolist(), (kwargs, drop, key)
    # Rows longer than max_length stay as they are: object arrays for "np", an error for "pt", as transformers.
    too_short = {"padding": "max_length", "max_length": 3, "return_tensors": tensors}
    if tensors == "pt":
        for tok in (ft, hf):
            with pytest.raises(ValueError):
                tok.pad([dict(f) for f in features], **too_short)
    else:
        got = ft.pad([dict(f) for f in features], **too_short)
        want = hf.pad([dict(f) for f in features], **too_short)
        for key in want:
            assert got[key].dtype == want[key].dtype == object, key
            assert [list(r) for r in got[key]] == [list(r) for r in want[key]], key


def test_data_collator_with_padding(ft, hf):
    transformers = pytest.importorskip("transformers")
    pytest.importorskip("torch")
    features = [hf(t, truncation=True, max_length=40) for t in ENGLISH[:5]]
    ours = transformers.DataCollatorWithPadding(ft)([dict(f) for f in features])
    theirs = transformers.DataCollatorWithPadding(hf)([dict(f) for f in features])
    assert list(ours.keys()) == list(theirs.keys())
    for key in theirs:
        assert plain(ours[key]) == plain(theirs[key]), key


def test_long_input_and_warning_behaviour(ft, hf):
    long_text = " ".join(ENGLISH) * 3
    got = compare_call(ft, hf, long_text)
    assert len(got["input_ids"]) > ft.model_max_length
    compare_call(ft, hf, long_text, truncation=True)  # max_length = model_max_length
    compare_call(ft, hf, [long_text, "short"], truncation=True, padding="max_length", return_tensors="np")


def test_hypothesis_differential(ft, hf):
    hypothesis = pytest.importorskip("hypothesis")
    from hypothesis import strategies as st

    alphabet = st.characters(blacklist_categories=("Cs",))
    texts = st.text(alphabet=alphabet, max_size=60)

    @hypothesis.settings(max_examples=150, deadline=None, derandomize=True)
    @hypothesis.given(
        batch=st.lists(texts, min_size=1, max_size=4),
        pair=st.booleans(),
        max_length=st.one_of(st.none(), st.integers(min_value=6, max_value=40)),
        padding=st.sampled_from([False, True, "max_length"]),
    )
    def check(batch, pair, max_length, padding):
        second = list(reversed(batch)) if pair else None
        if padding == "max_length" and max_length is None:
            max_length = 64
        compare_call(
            ft,
            hf,
            batch,
            second,
            max_length=max_length,
            padding=padding,
            truncation=max_length is not None,
            **ALL_FIELDS,
        )

    check()


def test_word_ids_survive_padding_and_pairs(ft, hf):
    got = ft(ENGLISH[:2], TEXTS[300:302], padding=True)
    want = hf(ENGLISH[:2], TEXTS[300:302], padding=True)
    assert_same_encoding(got, want)
    assert got.word_ids(1) == want.word_ids(1)


def test_fast_paths_option_reaches_the_core(ft, fast_paths):
    """The `fast_paths` fixture really switches the engine (and the option survives a round trip)."""
    assert ft._tokenizer.fast_paths is fast_paths
    ft._tokenizer.fast_paths = not fast_paths
    assert ft._tokenizer.fast_paths is (not fast_paths)
    ft._tokenizer.fast_paths = fast_paths
