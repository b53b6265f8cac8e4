"""The behaviours transformers' own tokenizer test suite (tests/test_tokenization_common.py) checks, written
here in our own words and run side by side on ferrotok and transformers: each test does the same thing to
both and compares every result."""

from __future__ import annotations

import pickle

import ferrotok
import numpy as np
import pytest
import transformers
from conftest import FIXTURES
from parity import assert_same_encoding, plain

TEXT = "Hello world! This is a naïve café, isn't it? 東京 🙂"
PAIR = "A second sentence, a bit shorter."
BATCH = [TEXT, "short", "", "another one with more words in it than the others"]


@pytest.fixture(params=["bert", "gpt2"])
def pair(request, model_dir):
    folder = model_dir if request.param == "bert" else FIXTURES / "gpt2"
    ours, theirs = (
        ferrotok.AutoTokenizer.from_pretrained(folder),
        transformers.AutoTokenizer.from_pretrained(folder),
    )
    if theirs.pad_token is None:
        ours.pad_token = theirs.pad_token = theirs.eos_token
    return ours, theirs


def same(pair, call):
    """Run `call` on both tokenizers and compare the results (or the exception classes)."""
    ours, theirs = pair
    try:
        expected = call(theirs)
    except Exception as exc:
        with pytest.raises(Exception) as info:
            call(ours)
        assert isinstance(info.value, (type(exc), ValueError, TypeError)), (exc, info.value)
        return None
    got = call(ours)
    if hasattr(expected, "encodings"):
        assert_same_encoding(got, expected)
    else:
        assert plain(got) == plain(expected)
    return got


def test_tokenize_convert_and_encode_agree(pair):
    same(pair, lambda t: t.tokenize(TEXT))
    same(pair, lambda t: t.convert_tokens_to_ids(t.tokenize(TEXT)))
    same(pair, lambda t: t.encode(TEXT, add_special_tokens=False))
    ours, _ = pair
    assert ours.convert_tokens_to_ids(ours.tokenize(TEXT)) == ours.encode(TEXT, add_special_tokens=False)


def test_decode_round_trip_and_skip_special_tokens(pair):
    for skip in (False, True):
        same(pair, lambda t, s=skip: t.decode(t.encode(TEXT), skip_special_tokens=s))
        same(
            pair, lambda t, s=skip: t.batch_decode(t(BATCH, padding=True)["input_ids"], skip_special_tokens=s)
        )
    same(pair, lambda t: t.convert_tokens_to_string(t.tokenize(TEXT)))
    same(pair, lambda t: t.convert_ids_to_tokens(t.encode(TEXT), skip_special_tokens=True))


def test_special_tokens_are_added_and_counted(pair):
    for is_pair in (False, True):
        same(pair, lambda t, p=is_pair: t.num_special_tokens_to_add(pair=p))
    same(pair, lambda t: t(TEXT, PAIR, return_special_tokens_mask=True))
    same(pair, lambda t: t.get_special_tokens_mask(t.encode(TEXT, PAIR), already_has_special_tokens=True))
    same(pair, lambda t: (t.max_len_single_sentence, t.max_len_sentences_pair))


def test_added_tokens_are_never_split(pair):
    def add(t):
        n = t.add_tokens(["newtok", "another_tok"]) + t.add_special_tokens({"cls_token": "<cls2>"})
        return (
            n,
            len(t),
            t.tokenize("a newtok b another_tok <cls2>"),
            t.encode("newtok<cls2>"),
            t.cls_token_id,
        )

    same(pair, add)
    same(pair, lambda t: t.decode(t.encode("x newtok y"), skip_special_tokens=True))


def test_save_and_reload_keep_everything(pair, tmp_path):
    ours, theirs = pair
    for t in pair:
        t.add_tokens(["newtok"])
        t.model_max_length = 42
    ours.save_pretrained(tmp_path / "ours")
    theirs.save_pretrained(tmp_path / "theirs")
    for folder in ("ours", "theirs"):
        reloaded = (
            ferrotok.AutoTokenizer.from_pretrained(tmp_path / folder),
            transformers.AutoTokenizer.from_pretrained(tmp_path / folder),
        )
        same(reloaded, lambda t: t([*BATCH, "newtok"], padding=True, truncation=True))
        same(reloaded, lambda t: (t.model_max_length, len(t), t.special_tokens_map))


def test_pickle_round_trip(pair):
    ours, _ = pair
    again = pickle.loads(pickle.dumps(ours))
    assert again(BATCH).data == ours(BATCH).data


@pytest.mark.parametrize("side", ["right", "left"])
def test_padding(pair, side):
    for kwargs in (
        {"padding": True},
        {"padding": "max_length", "max_length": 40},
        {"padding": True, "pad_to_multiple_of": 8},
        {"padding": "longest", "return_tensors": "np"},
    ):
        same(pair, lambda t, k=kwargs: t(BATCH, padding_side=side, **k))
    same(pair, lambda t: t.pad([t(x) for x in BATCH], padding_side=side, return_tensors="np"))


@pytest.mark.parametrize("strategy", ["longest_first", "only_first", "only_second", True])
def test_truncation_strategies_with_pairs(pair, strategy):
    for max_length in (6, 12, 30):
        same(pair, lambda t, m=max_length: t(TEXT, PAIR, truncation=strategy, max_length=m))


def test_overflowing_tokens_with_stride(pair):
    same(
        pair,
        lambda t: t(
            [TEXT, "short"],
            truncation=True,
            max_length=8,
            stride=2,
            return_overflowing_tokens=True,
            return_offsets_mapping=True,
            padding=True,
        ),
    )


def test_pretokenized_input(pair):
    words = TEXT.split()
    same(pair, lambda t: t(words, is_split_into_words=True))
    same(pair, lambda t: t([words, words[:2]], is_split_into_words=True, padding=True))


def test_batch_equals_one_by_one(pair):
    ours, _ = pair
    batched = ours(BATCH)
    for i, text in enumerate(BATCH):
        assert ours(text)["input_ids"] == batched["input_ids"][i]
    same(pair, lambda t: t(BATCH))


def test_offsets_and_word_alignment(pair):
    got = same(pair, lambda t: t(TEXT, return_offsets_mapping=True))
    for token, (start, end) in zip(got.tokens(), got["offset_mapping"], strict=True):
        assert end >= start
        if token not in pair[0].all_special_tokens:
            assert TEXT[start:end]


def test_token_type_ids_for_pairs(pair):
    same(pair, lambda t: t(TEXT, PAIR, return_token_type_ids=True))
    same(pair, lambda t: t([TEXT, "x"], [PAIR, "y"], padding=True, return_tensors="pt"))


def test_vocab_views_agree(pair):
    same(pair, lambda t: (len(t), t.vocab_size, len(t.get_vocab())))
    same(pair, lambda t: sorted(t.get_vocab().items())[:50])
    same(pair, lambda t: t.all_special_tokens)
    same(pair, lambda t: t.all_special_ids)


def test_empty_and_whitespace_inputs(pair):
    for text in ("", " ", "\n\t ", "   a   "):
        same(pair, lambda t, x=text: t(x, return_offsets_mapping=True))


def test_max_length_warning_and_model_max_length(pair, caplog):
    long_text = "word " * 2000
    ours, theirs = pair
    assert ours.model_max_length == theirs.model_max_length
    got = ours(long_text)
    assert len(got["input_ids"]) > ours.model_max_length
    same(pair, lambda t: t(long_text, truncation=True)["input_ids"])
    assert np.asarray(ours(long_text, truncation=True)["input_ids"]).shape[0] == ours.model_max_length


def test_special_token_id_setters(pair):
    def setters(t):
        t.bos_token_id = 5
        t.eos_token = t.convert_ids_to_tokens(7)
        return t.bos_token, t.bos_token_id, t.eos_token_id, t.special_tokens_map

    same(pair, setters)


def test_added_tokens_survive_pickle_and_two_instances_stay_apart(pair):
    ours, _ = pair
    ours.add_tokens(["<pickled>"])
    again = pickle.loads(pickle.dumps(ours))
    assert again.tokenize("a <pickled> b") == ours.tokenize("a <pickled> b")
    fresh = ferrotok.AutoTokenizer.from_pretrained(ours.name_or_path)
    assert "<pickled>" not in fresh.get_vocab() and len(fresh) == len(ours) - 1


def test_added_tokens_longest_first_and_case(pair):
    def add(t):
        t.add_tokens(["abc", "abcdef", "ABC"])
        return t.tokenize("abcdef abc ABC AbC xabcdefx")

    same(pair, add)


def test_added_tokens_decode_with_spaces(pair):
    def run(t):
        t.add_tokens(["[ABC]", "[DEF]"])
        t.add_special_tokens({"extra_special_tokens": ["<SP1>"]})
        ids = t.encode("[ABC] [DEF] [ABC] <SP1> [DEF] hello", add_special_tokens=False)
        return ids, t.decode(ids), t.decode(ids, skip_special_tokens=True)

    same(pair, run)


def test_special_tokens_embedded_in_text(pair):
    special = pair[1].all_special_tokens[0]
    same(pair, lambda t: t(f"hello {special} world {special}", return_special_tokens_mask=True))


def test_sequence_ids_and_alignment_methods(pair):
    got = same(pair, lambda t: t([TEXT, "x y"], [PAIR, "z"], padding=True, return_offsets_mapping=True))
    _, theirs = pair
    expected = theirs([TEXT, "x y"], [PAIR, "z"], padding=True)
    for row in range(2):
        assert got.sequence_ids(row) == expected.sequence_ids(row)
        assert got.word_ids(row) == expected.word_ids(row)
    for args in ((0, 3), (0, 0), (1, 1)):
        assert got.token_to_chars(*args) == expected.token_to_chars(*args)
        assert got.token_to_word(*args) == expected.token_to_word(*args)
        assert got.token_to_sequence(*args) == expected.token_to_sequence(*args)
    for char in (0, 5, len(TEXT) - 1):
        assert got.char_to_token(0, char) == expected.char_to_token(0, char)
        assert got.char_to_word(0, char) == expected.char_to_word(0, char)
    assert got.word_to_tokens(0, 1) == expected.word_to_tokens(0, 1)
    assert got.word_to_chars(0, 1) == expected.word_to_chars(0, 1)


def test_special_tokens_given_at_load_time(pair):
    folder = pair[0].name_or_path
    kwargs = {"extra_special_tokens": ["<extra_1>", "<extra_2>"], "model_max_length": 33}
    loaded = (
        ferrotok.AutoTokenizer.from_pretrained(folder, **kwargs),
        transformers.AutoTokenizer.from_pretrained(folder, **kwargs),
    )
    same(loaded, lambda t: (t.extra_special_tokens, t.all_special_tokens, t.model_max_length))
    same(loaded, lambda t: t("a <extra_1> b <extra_2>", return_special_tokens_mask=True))


def test_clean_up_tokenization_spaces(pair):
    ids_of = "Hello , world ! It 's fine ."
    for clean in (None, True, False):
        same(pair, lambda t, c=clean: t.decode(t.encode(ids_of), clean_up_tokenization_spaces=c))


def test_padding_needs_a_pad_token():
    folder = FIXTURES / "gpt2"
    ours, theirs = (
        ferrotok.AutoTokenizer.from_pretrained(folder),
        transformers.AutoTokenizer.from_pretrained(folder),
    )
    assert ours.pad_token is None and theirs.pad_token is None
    same((ours, theirs), lambda t: t(BATCH, padding=True))
    same((ours, theirs), lambda t: t(BATCH))


def test_transformers_4_batch_names(pair):
    """encode_plus / batch_encode_plus are gone from transformers 5; ferrotok keeps them as the same calls."""
    ours, theirs = pair
    assert not hasattr(theirs, "encode_plus")
    assert_same_encoding(
        ours.encode_plus(TEXT, PAIR, truncation=True, max_length=9),
        theirs(TEXT, PAIR, truncation=True, max_length=9),
    )
    pairs = [(TEXT, PAIR), ("a", "b")]
    assert_same_encoding(
        ours.batch_encode_plus(pairs, padding=True),
        theirs([p[0] for p in pairs], [p[1] for p in pairs], padding=True),
    )
    assert_same_encoding(ours.batch_encode_plus(BATCH), theirs(BATCH))
