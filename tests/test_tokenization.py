"""FerroTokenizer's API contract: argument checking, bad input, settings, special tokens, persistence."""

from __future__ import annotations

import logging
import os
import pickle
import select
import signal
import time
from typing import Any

import ferrotok
import numpy as np
import pytest
from adversarial import huge_word, lone_surrogates
from ferrotok import FerroTokenizer, FerrotokError

CLS, SEP, UNK, PAD = 101, 102, 100, 0


# --- bad input -----------------------------------------------------------------------------------------
def test_none_text_is_a_value_error_like_hf(ft):
    with pytest.raises(ValueError, match="text"):
        ft(None)


@pytest.mark.parametrize("bad", [5, 3.5, b"bytes", object(), {"a": 1}])
def test_non_str_text_is_a_type_error_naming_the_argument(ft, bad):
    with pytest.raises(TypeError, match=r"^text"):
        ft(bad)


@pytest.mark.parametrize("bad", [None, 7, b"x", ["nested"]])
def test_bad_batch_element_names_its_index(ft, bad):
    with pytest.raises(TypeError, match=r"text\[2\]"):
        ft(["ok", "fine", bad, "later"])


def test_bad_text_pair_is_a_type_error(ft):
    with pytest.raises(TypeError, match="text_pair"):
        ft("a", 5)
    with pytest.raises(TypeError, match=r"text_pair\[1\]"):
        ft(["a", "b"], ["c", None])
    with pytest.raises(TypeError, match="text_pair"):
        ft(["a", "b"], "c")
    with pytest.raises(ValueError, match="batch length"):
        ft(["a", "b"], ["c"])


def test_bad_words_name_the_argument(ft):
    with pytest.raises(TypeError, match="text"):
        ft("not a list", is_split_into_words=True)
    with pytest.raises(TypeError, match=r"text\[1\]"):
        ft([["a"], ["b", 3]], is_split_into_words=True)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"padding": "sideways"}, ValueError, "PaddingStrategy"),
        ({"truncation": "middle"}, ValueError, "TruncationStrategy"),
        ({"padding": 3}, TypeError, "padding"),
        ({"max_length": "10", "truncation": True}, TypeError, "max_length"),
        ({"max_length": -1, "truncation": True}, ValueError, "max_length"),
        ({"stride": -1}, ValueError, "stride"),
        ({"padding": True, "pad_to_multiple_of": 0}, ValueError, "pad_to_multiple_of"),
        ({"padding": True, "padding_side": "middle"}, ValueError, "padding_side"),
        ({"return_tensors": "tf"}, ValueError, "return_tensors"),
        ({"truncation": True, "max_length": 8, "stride": 6}, ValueError, "stride"),
        (
            {"truncation": True, "max_length": 4, "stride": 4, "return_overflowing_tokens": True},
            ValueError,
            "stride",
        ),
        (
            {"padding": True, "truncation": True, "max_length": 10, "pad_to_multiple_of": 4},
            ValueError,
            "multiple",
        ),
    ],
)
def test_bad_arguments(ft, kwargs, error, match):
    with pytest.raises(error, match=match):
        ft(["some text", "more"], **kwargs)


def test_transformers_enums_mean_their_strings(ft):
    # Scripts written for transformers pass its PaddingStrategy / TruncationStrategy / TensorType enums.
    from transformers.tokenization_utils_base import TruncationStrategy
    from transformers.utils import PaddingStrategy, TensorType

    texts = ["some text", "more text than that"]
    by_enum = ft(
        texts,
        padding=PaddingStrategy.MAX_LENGTH,
        truncation=TruncationStrategy.ONLY_FIRST,
        max_length=6,
        return_tensors=TensorType.NUMPY,
    )
    by_str = ft(texts, padding="max_length", truncation="only_first", max_length=6, return_tensors="np")
    assert by_enum.keys() == by_str.keys()
    assert all((by_enum[k] == by_str[k]).all() for k in by_str)
    assert ft(texts, padding=PaddingStrategy.DO_NOT_PAD).data == ft(texts).data


def test_lone_surrogates_encode_like_replacement_char(ft):
    for text in lone_surrogates():
        replaced = "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in text)
        got = ft(text, return_offsets_mapping=True)
        want = ft(replaced, return_offsets_mapping=True)
        assert got["input_ids"] == want["input_ids"]
        assert got["offset_mapping"] == want["offset_mapping"]
    assert ft("\ud800")["input_ids"] == ft("\ufffd")["input_ids"]
    assert (
        ft(["ok", "\ud800"], padding=True)["input_ids"][1]
        == ft(["ok", "\ufffd"], padding=True)["input_ids"][1]
    )


def test_empty_string_and_empty_batch(ft):
    assert ft("")["input_ids"] == [CLS, SEP]
    empty = ft([])
    assert empty["input_ids"] == []
    assert ft([], return_tensors="np")["input_ids"].size == 0
    assert ft.decode([]) == ""
    assert ft.batch_decode([]) == []


def test_million_char_word_is_one_unk_and_fast(ft):
    word = huge_word()
    start = time.perf_counter()
    ids = ft(word)["input_ids"]
    elapsed = time.perf_counter() - start
    assert ids == [CLS, UNK, SEP]
    assert elapsed < 5.0, elapsed  # linear time; a quadratic scan would take minutes


def test_malformed_tokenizer_json_is_a_value_error(tmp_path):
    for content in ("{not json", '{"model": 5}', "[]", '{"model": {"type": "NoSuchModel"}}'):
        path = tmp_path / "tokenizer.json"
        path.write_text(content, encoding="utf-8")
        with pytest.raises(ValueError):
            ferrotok.Tokenizer.from_file(str(path))
        with pytest.raises(ValueError):
            FerroTokenizer.from_pretrained(tmp_path)
    assert issubclass(FerrotokError, ValueError)


def test_padding_without_pad_token_is_refused(fresh_pair):
    ours, _ = fresh_pair
    ours.pad_token = None
    with pytest.raises(ValueError, match="padding token"):
        ours(["a", "b c"], padding=True)
    assert ours(["a", "b c"])["input_ids"][0] == [CLS, 1037, SEP]


def test_target_text_gives_labels_as_transformers(ft, hf):
    """BERT has no target mode: `text_target` is encoded as text and returned as `labels`."""
    for call in (
        {"text": "a b", "text_target": "hello world"},
        {"text_target": ["x", "y z"], "padding": True},
        {
            "text": ["a"],
            "text_target": ["b c d e"],
            "truncation": True,
            "max_length": 3,
            "max_target_length": 4,
        },
    ):
        got, expected = ft(**call), hf(**call)
        assert {k: list(v) for k, v in got.items()} == {k: list(v) for k, v in expected.items()}, call


# --- behaviour ------------------------------------------------------------------------------------------
def test_single_is_flat_batch_is_nested(ft):
    single = ft("hello world", return_length=True)
    assert single["input_ids"] == [CLS, 7592, 2088, SEP]
    assert single["length"] == [4]  # transformers keeps `length` as a one-element list
    batch = ft(["hello world"])
    assert batch["input_ids"] == [[CLS, 7592, 2088, SEP]]


@pytest.mark.parametrize("model", ["bert", "gpt2"])
def test_plain_calls_match_the_general_path(model_dir, model, caplog):
    # `tok(text)` and `tok(list_of_str)` without padding, truncation or extra outputs skip the argument
    # checks (tokenization.py, `_call_plain`; `encode` too); `padding="do_not_pad"` means the same and takes the general path.
    from pathlib import Path

    from ferrotok import AutoTokenizer

    path = model_dir if model == "bert" else Path(__file__).parent / "fixtures" / "gpt2"
    tok = AutoTokenizer.from_pretrained(str(path), model_max_length=8)
    texts = [
        "",
        " ",
        "hello world",
        "naïve café 東京 🤗",
        "a" * 300,
        "one two three four five six seven eight",
    ]
    texts += lone_surrogates()
    general = {"padding": "do_not_pad"}

    def same(fast: Any, slow: Any, label: Any) -> None:
        assert list(fast.items()) == list(slow.items()), label
        assert fast.tokens() == slow.tokens() and fast.word_ids() == slow.word_ids()
        assert fast.char_to_token(0) == slow.char_to_token(0)

    with caplog.at_level(logging.WARNING, logger="ferrotok"):
        for text in texts:
            same(tok(text), tok(text, **general), text)
            same(tok(text, truncation=False), tok(text, **general), text)
            same(tok([text]), tok([text], **general), text)
            assert tok.encode(text) == tok.encode(text, **general), text
        same(tok(texts), tok(texts, **general), texts)
        assert tok.encode(texts) == tok.encode(texts, **general)
        # Items the core does not take as str fall back to the general path: pairs, and its errors.
        same(tok([("one", "two")]), tok([("one", "two")], **general), "pair")
        with pytest.raises(TypeError):
            tok(["one", 2])
    # The too-long warning comes once, from whichever path saw the long text first.
    assert sum("longer than the specified" in r.getMessage() for r in caplog.records) == 1
    assert tok([]).data == tok([], **general).data
    tok.model_input_names = ["input_ids"]
    assert list(tok("hello")) == list(tok(["hello"])) == list(tok("hello", **general)) == ["input_ids"]


def test_list_rows_are_independent_objects(ft):
    # Rows of one value (attention masks, type ids) are made by repeating a one-item list in C: every row
    # must still be a fresh list that the caller may change without touching other rows or later results.
    texts = ["one two three four five six"] * 3
    first = ft(texts)
    want = ft(texts)
    for key in ("attention_mask", "token_type_ids"):
        rows = first[key]
        assert len({id(r) for r in rows}) == len(rows)
        rows[0].append(7)
        rows[0][0] = 9
        assert rows[1] == want[key][1] and rows[1][0] != 9
    assert ft(texts)["attention_mask"] == want["attention_mask"]
    assert all(isinstance(v, int) for r in want["attention_mask"] for v in r)


@pytest.mark.parametrize("tensors", [None, "np"])
def test_too_long_warning_once_like_transformers(model_dir, caplog, tensors):
    # The longest row (lists: measured in the core; arrays: their width) is checked against
    # model_max_length without truncation, and the warning is given once per tokenizer, as transformers does.
    from ferrotok import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(str(model_dir), model_max_length=6)
    kwargs = {"padding": True, "return_tensors": tensors} if tensors else {}
    with caplog.at_level(logging.WARNING, logger="ferrotok"):
        tok(["one two", "three"], **kwargs)
        assert not caplog.records
        tok(["one two", "one two three four five six"], **kwargs)
        tok(["one two three four five six seven eight"], **kwargs)
    msgs = [r.getMessage() for r in caplog.records]
    assert msgs == [
        "Token indices sequence length is longer than the specified maximum sequence length for this model "
        "(8 > 6). Running this sequence through the model will result in indexing errors"
    ]


def test_tuple_pairs_in_a_batch(ft):
    assert ft([("a", "b")])["input_ids"] == ft(["a"], ["b"])["input_ids"]


def test_tensor_path_returns_int64_arrays(ft):
    out = ft(["hello world", "hi"], padding=True, return_tensors="np", return_offsets_mapping=True)
    assert out["input_ids"].dtype == np.int64 and out["input_ids"].shape == (2, 4)
    assert out["input_ids"].flags["C_CONTIGUOUS"]
    assert out["offset_mapping"].shape == (2, 4, 2)


def test_torch_tensors(ft):
    torch = pytest.importorskip("torch")
    out = ft(["hello world", "hi"], padding=True, return_tensors="pt")
    assert isinstance(out["input_ids"], torch.Tensor) and out["input_ids"].dtype == torch.int64
    assert out.to("cpu")["attention_mask"].tolist() == [[1, 1, 1, 1], [1, 1, 1, 0]]


def test_padding_side_and_multiple(ft):
    out = ft(["hello world", "hi"], padding=True, padding_side="left", pad_to_multiple_of=8)
    assert out["input_ids"][1] == [PAD] * 5 + [CLS, 7632, SEP]
    assert all(len(row) == 8 for row in out["input_ids"])


def test_special_token_attributes(fresh_pair):
    ours, _ = fresh_pair
    assert (ours.cls_token, ours.cls_token_id, ours.sep_token_id, ours.pad_token_id) == (
        "[CLS]",
        CLS,
        SEP,
        PAD,
    )
    assert ours.bos_token is None and ours.bos_token_id is None
    ours.bos_token = ours.cls_token
    assert ours.bos_token_id == CLS
    ours.eos_token_id = SEP
    assert ours.eos_token == "[SEP]"
    assert "[CLS]" in ours.all_special_tokens and PAD in ours.all_special_ids
    assert ours.special_tokens_map["pad_token"] == "[PAD]"


def test_add_special_tokens_named(fresh_pair):
    ours, _ = fresh_pair
    added = ours.add_special_tokens({"pad_token": "<pad2>"})
    assert added == 1 and ours.pad_token == "<pad2>" and ours.pad_token_id == len(ours) - 1
    assert ours("a <pad2>")["input_ids"] == [CLS, 1037, ours.pad_token_id, SEP]
    with pytest.raises(ValueError, match="valid special token"):
        ours.add_special_tokens({"weird_token": "x"})


def test_settings_and_sizes(ft):
    assert ft.model_max_length == 512
    assert ft.model_input_names == ["input_ids", "token_type_ids", "attention_mask"]
    assert ft.vocab_size == 30522 and len(ft) == 30522
    assert ft.num_special_tokens_to_add() == 2 and ft.num_special_tokens_to_add(pair=True) == 3
    assert ft.max_len_single_sentence == 510
    assert ft.is_fast
    with pytest.raises(ValueError):
        ft.padding_side = "up"


def test_kwargs_override_config(model_dir):
    tok = FerroTokenizer.from_pretrained(model_dir, model_max_length=16, padding_side="left")
    assert tok.model_max_length == 16 and tok.padding_side == "left"
    assert len(tok("word " * 50, truncation=True)["input_ids"]) == 16


def test_pickle_keeps_settings_and_added_tokens(fresh_pair):
    ours, _ = fresh_pair
    ours.add_tokens(["zzpickle"])
    ours.padding_side = "left"
    clone = pickle.loads(pickle.dumps(ours))
    assert clone.padding_side == "left"
    assert clone("zzpickle")["input_ids"] == ours("zzpickle")["input_ids"]
    assert clone.get_vocab() == ours.get_vocab()


def test_save_pretrained_writes_two_files(tmp_path, ft):
    paths = ft.save_pretrained(tmp_path / "out")
    assert sorted(p.rsplit("/", 1)[1] for p in paths) == [
        "tokenizer.json",
        "tokenizer_config.json",
    ]
    again = FerroTokenizer.from_pretrained(tmp_path / "out")
    assert again("Hello there")["input_ids"] == ft("Hello there")["input_ids"]


def test_repr_and_version(ft):
    text = repr(ft)  # the class transformers names it (the folder's config says BertTokenizer)
    assert text.startswith("BertTokenizer(") and "vocab_size=30522" in text and "[CLS]" in text
    assert isinstance(ferrotok.__version__, str) and ferrotok.__version__


def test_decode_accepts_arrays_and_batches(ft):
    ids = ft(["hello world", "hi"], padding=True, return_tensors="np")["input_ids"]
    assert ft.decode(ids[0], skip_special_tokens=True) == "hello world"
    assert ft.decode(ids, skip_special_tokens=True) == ["hello world", "hi"]
    assert ft.batch_decode(ids, skip_special_tokens=True) == ["hello world", "hi"]
    with pytest.raises(TypeError, match="token_ids"):
        ft.decode("not ids")


def test_get_special_tokens_mask(ft):
    assert ft.get_special_tokens_mask([CLS, 7592, SEP, PAD], already_has_special_tokens=True) == [1, 0, 1, 1]


def test_encoding_in_a_forked_child(ft):
    """DataLoader workers fork after the parent has used the thread pool: the child must not hang."""
    batch = ["some text to encode in parallel"] * 4000
    expected = int(ft(batch, padding=True, return_tensors="np")["input_ids"].sum())
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: encode, report, exit without running pytest's teardown
        try:
            total = int(ft(batch, padding=True, return_tensors="np")["input_ids"].sum())
            os.write(write_end, str(total).encode())
        finally:
            os._exit(0)
    os.close(write_end)
    try:
        ready, _, _ = select.select([read_end], [], [], 60)
        if not ready:
            os.kill(pid, signal.SIGKILL)
            pytest.fail("encoding in a forked child hung for 60 s")
        assert int(os.read(read_end, 64).decode() or -1) == expected
    finally:
        os.close(read_end)
        os.waitpid(pid, 0)
