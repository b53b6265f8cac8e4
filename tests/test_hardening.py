"""Hardening: bad arguments, odd Unicode, huge inputs and malformed tokenizer files.

Expected values come from Hugging Face (transformers' fast AutoTokenizer, run at test time) wherever its
behaviour is sane; elsewhere the test states ferrotok's contract (an exception class and a message that
names the argument, index, file or field).
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import ferrotok
import pytest
from ferrotok import AutoTokenizer, _core

FIXTURES = Path(__file__).parent / "fixtures"
BERT_DIR = FIXTURES / "bert-uncased"
GPT2_DIR = FIXTURES / "gpt2"
FIELDS = {"return_offsets_mapping": True, "return_special_tokens_mask": True}
# Generous wall-clock bounds: they catch quadratic blow-ups and hangs, not speed regressions.
BOUND_S = 10.0


def _internal_error():
    core = ferrotok._core
    return getattr(ferrotok, "InternalError", None) or core.InternalError


@pytest.fixture(scope="module")
def bert():
    return AutoTokenizer.from_pretrained(str(BERT_DIR))


@pytest.fixture(scope="module")
def hf_bert():
    transformers = pytest.importorskip("transformers")
    return transformers.AutoTokenizer.from_pretrained(str(BERT_DIR))


def _load_gpt2():
    return AutoTokenizer.from_pretrained(str(GPT2_DIR))


@pytest.fixture(scope="module")
def gpt2():
    return _load_gpt2()


@pytest.fixture(scope="module")
def hf_gpt2():
    transformers = pytest.importorskip("transformers")
    return transformers.AutoTokenizer.from_pretrained(str(GPT2_DIR))


@pytest.fixture(params=["bert", "gpt2"])
def pair(request, bert, hf_bert):
    if request.param == "bert":
        return bert, hf_bert
    transformers = pytest.importorskip("transformers")
    return _load_gpt2(), transformers.AutoTokenizer.from_pretrained(str(GPT2_DIR))


def _plain(enc) -> dict:
    return {k: [list(x) if isinstance(x, tuple) else x for x in v] for k, v in enc.items()}


def _assert_offsets_inside(enc, text: str) -> None:
    for start, end in enc["offset_mapping"]:
        assert 0 <= start <= end <= len(text), (start, end, len(text))


# --- 1. wrong argument types ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kwargs", "needle"),
    [
        (5, {}, "text"),
        (b"abc", {}, "text"),
        ({"a": 1}, {}, "text"),
        (3.5, {}, "text"),
        (["ok", None], {}, "text[1]"),
        (["ok", "fine", 7], {}, "text[2]"),
        (["ok", b"bytes"], {}, "text[1]"),
        ([["a", "b"], ["c", 1]], {"is_split_into_words": True}, "text[1]"),
        ([["a", "b"], "c"], {"is_split_into_words": True}, "text[1]"),
        ("just a str", {"is_split_into_words": True}, "text"),
        ([[["too", "deep"]]], {}, "text[0]"),
        (["a", "b"], {"text_pair": "c"}, "text_pair"),
        (["a", "b"], {"text_pair": ["c", 2]}, "text_pair[1]"),
    ],
)
def test_wrong_types_raise_type_error_naming_argument(bert, text, kwargs, needle):
    with pytest.raises(TypeError) as info:
        bert(text, **kwargs)
    assert needle in str(info.value)


def test_none_text_is_a_value_error_like_hf(bert, hf_bert):
    with pytest.raises(ValueError) as ours:
        bert(None)
    with pytest.raises(ValueError) as theirs:
        hf_bert(None)
    assert str(ours.value) == str(theirs.value)


def test_core_rejects_wrong_types_with_index(bert):
    core = bert._tokenizer
    plain = _core.EncodeRequest()
    with pytest.raises(TypeError, match=r"text\[1\]: expected str, got int"):
        core.encode_fields(["a", 3], None, plain)
    with pytest.raises(TypeError, match=r"text: expected a list of str, got str"):
        core.encode_fields("abc", None, plain)
    with pytest.raises(TypeError, match=r"text_pair\[0\]"):
        core.encode_fields(["a"], [None], plain)
    with pytest.raises(TypeError, match=r"text\[0\]\[1\]: expected str, got bytes"):
        core.encode_fields([["a", b"b"]], None, _core.EncodeRequest(is_pretokenized=True))
    with pytest.raises(ValueError, match="text_pair"):
        core.encode_fields(["a", "b"], ["c"], plain)


def test_call_names_the_bad_element_of_a_batch(bert):
    # The wrapper no longer scans a list of str in Python; the core's check must still name the element.
    texts = ["a"] * 600 + [("b", "c")] + ["d"]
    with pytest.raises(TypeError, match=r"text\[600\]: expected str, got tuple"):
        bert(texts)
    with pytest.raises(TypeError, match=r"text_pair\[2\]: expected str, got int"):
        bert(["a", "b", "c"], ["x", "y", 3], padding=True, return_tensors="np")
    # A lone surrogate next to a non-str: the TypeError for the non-str, not one from the surrogate retry.
    with pytest.raises(TypeError, match=r"text\[1\]: expected str, got int"):
        bert(["\ud800", 5])


@pytest.mark.parametrize("bad", [None, "abc", 1.5, {"x": 1}])
def test_decode_wrong_types(bert, bad):
    with pytest.raises(TypeError):
        bert.decode([1, bad] if bad is not None else bad)


@pytest.mark.parametrize("ids", [[-1], [101, -5], [2**32], [2**64], [[1, 2], [3, -1]]])
def test_decode_out_of_range_ids(bert, ids):
    with pytest.raises((ValueError, OverflowError)):
        bert.decode(ids)


def test_decode_unknown_but_valid_u32_id_is_skipped_like_hf(bert, hf_bert):
    ids = [101, 2023, 100000, 102, 2**32 - 1]
    assert bert.decode(ids) == hf_bert.decode(ids)


# --- 1b. odd Unicode ----------------------------------------------------------------------------------------

ODD_TEXTS = [
    "",
    " ",
    "   \t\n  ",
    "\u3000\u3000",
    "\x00",
    "a\x00b",
    "\ufeffhello",
    "zero\u200bwidth\u200cjoin\u200d",
    "rtl \u200f\u202eevil\u202c marks\u200e",
    "e" + "\u0301" * 50,
    "a\u0308\u0323\u0301 combining",
    "\u0301 leading mark",
    "ﬁ ﬀ ﬃ ㎏ ㍿ ½ ① ｈｅｌｌｏ",  # NFKC-expanding
    "\ufdfa \u0390 \u1e9b\u0323",
    "İstanbul ǅ ß ẞ",
    "\ufffd replacement",
    "emoji 😀👍🏽👨‍👩‍👧 flags 🇫🇷",
    "\U0010ffff\U000e0001 private/tags",
    "tab\tnew\nline\rcr\x0bvt\x0cff\x85nel\u2028ls",
]


@pytest.mark.parametrize("text", ODD_TEXTS, ids=range(len(ODD_TEXTS)))
def test_odd_unicode_same_as_hf(pair, text):
    ours, theirs = pair
    a = ours(text, **FIELDS)
    b = theirs(text, **FIELDS)
    assert _plain(a) == _plain(b)
    _assert_offsets_inside(a, text)
    assert ours.decode(a["input_ids"]) == theirs.decode(b["input_ids"])


def test_odd_unicode_batch_and_pairs_same_as_hf(pair):
    ours, theirs = pair
    firsts, seconds = ODD_TEXTS, ODD_TEXTS[::-1]
    a = ours(firsts, seconds, **FIELDS)
    b = theirs(firsts, seconds, **FIELDS)
    assert _plain(a) == _plain(b)


LONE = ["a\ud800b", "\udfff", "x \udc00 y \ud800", "end\ud83d", "\ude00start"]


@pytest.mark.parametrize("text", LONE, ids=range(len(LONE)))
def test_lone_surrogates_behave_like_replacement_char(pair, text):
    ours, theirs = pair
    replaced = "".join("\ufffd" if 0xD800 <= ord(c) < 0xE000 else c for c in text)
    a = ours(text, **FIELDS)
    b = theirs(replaced, **FIELDS)
    assert _plain(a) == _plain(b)
    _assert_offsets_inside(a, text)


@pytest.mark.parametrize(
    ("units", "char"),
    [
        ("\ud83d\ude00", "😀"),
        ("pre \ud83d\udc4d post", "pre 👍 post"),
        ("\ud840\udc00\ud840\udc01 cjk ext b", "\U00020000\U00020001 cjk ext b"),
        ("mix \ud800 and \ud83d\ude00 x", "mix \ufffd and 😀 x"),
    ],
)
def test_surrogate_pair_as_two_code_units_same_ids_as_char(pair, units, char):
    ours, theirs = pair
    a = ours(units, **FIELDS)
    b = theirs(char, **FIELDS)
    assert a["input_ids"] == b["input_ids"]
    assert a["special_tokens_mask"] == b["special_tokens_mask"]
    _assert_offsets_inside(a, units)
    # Offsets point at the same text: every joined pair before an offset adds one code unit.
    widened = [[s + _pairs_before(char, s), e + _pairs_before(char, e)] for s, e in b["offset_mapping"]]
    assert [list(o) for o in a["offset_mapping"]] == widened


def _pairs_before(text: str, pos: int) -> int:
    return sum(1 for c in text[:pos] if ord(c) > 0xFFFF)


def test_surrogate_pairs_in_pairs_and_words(bert, hf_bert):
    a = bert(["x \ud83d\ude00 y"], ["\ud83d\ude00z"], **FIELDS)
    b = hf_bert(["x 😀 y"], ["😀z"], **FIELDS)
    assert a["input_ids"] == b["input_ids"]
    assert a["offset_mapping"][0][2] == (2, 4)
    words = bert(["\ud83d\ude00", "ok"], is_split_into_words=True, **FIELDS)
    ref = hf_bert(["😀", "ok"], is_split_into_words=True, **FIELDS)
    assert words["input_ids"] == ref["input_ids"]
    assert words["offset_mapping"][1] == (0, 2)


def test_empty_inputs_same_as_hf(pair):
    ours, theirs = pair
    for text in ("", [""], ["", "a", ""]):
        assert _plain(ours(text, **FIELDS)) == _plain(theirs(text, **FIELDS))
    empty = ours([])
    assert empty["input_ids"] == []


# --- 1c. huge inputs stay bounded ---------------------------------------------------------------------------

RUNS = {
    "letters": "a",
    "caret": "^",
    "spaces": " ",
    "newlines": "\n",
    "digits": "7",
    "ideographic_space": "\u3000",
    "accented": "é",
    "cjk": "中",
}


def _timed(fn):
    t0 = time.monotonic()
    out = fn()
    return out, time.monotonic() - t0


@pytest.mark.slow
@pytest.mark.parametrize("name", list(RUNS))
def test_million_char_runs_are_bounded(pair, name):
    ours, _ = pair
    text = RUNS[name] * 1_000_000
    enc, took = _timed(lambda: ours(text, return_offsets_mapping=True))
    assert took < BOUND_S, f"{name}: {took:.1f}s"
    assert len(enc["input_ids"]) == len(enc["offset_mapping"])
    _assert_offsets_inside(enc, text)


@pytest.mark.slow
def test_million_char_word_matches_hf_and_is_bounded(pair):
    ours, theirs = pair
    word = "abcdefghij" * 100_000
    enc, took = _timed(lambda: ours(f"start {word} end", return_offsets_mapping=True))
    assert took < BOUND_S
    ref = theirs(f"start {word} end", return_offsets_mapping=True)
    assert _plain(enc) == _plain(ref)


@pytest.mark.slow
def test_ten_megabyte_document_truncated_is_bounded(pair):
    ours, _ = pair
    base = (FIXTURES / "multilingual" / "sample.txt").read_text(encoding="utf-8")
    doc = (base * (10_000_000 // len(base) + 1))[:10_000_000]
    enc, took = _timed(lambda: ours(doc, max_length=512, truncation=True, return_offsets_mapping=True))
    assert took < BOUND_S * 3
    assert len(enc["input_ids"]) == 512
    _assert_offsets_inside(enc, doc)


# --- 1d. malformed tokenizer.json ---------------------------------------------------------------------------


def _bert_json() -> dict:
    return json.loads((BERT_DIR / "tokenizer.json").read_text(encoding="utf-8"))


def _write(tmp_path: Path, content: str | bytes) -> Path:
    path = tmp_path / "tokenizer.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def _load_error(tmp_path: Path, doc: object) -> ValueError:
    content = doc if isinstance(doc, (str, bytes)) else json.dumps(doc)
    path = _write(tmp_path, content)
    with pytest.raises(ValueError) as info:
        ferrotok.FerroTokenizer.from_file(path)
    message = str(info.value)
    assert str(path) in message, message
    return info.value


def _mutated(fn) -> dict:
    doc = _bert_json()
    fn(doc)
    return doc


def _set(path: str, value):
    def apply(doc):
        keys = path.split(".")
        node = doc
        for k in keys[:-1]:
            node = node[int(k)] if isinstance(node, list) else node[k]
        last = keys[-1]
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value

    return apply


def _del(path: str):
    def apply(doc):
        keys = path.split(".")
        node = doc
        for k in keys[:-1]:
            node = node[int(k)] if isinstance(node, list) else node[k]
        del node[keys[-1]]

    return apply


MALFORMED = {
    "not_json": ("this is not json", None),
    "truncated": ((BERT_DIR / "tokenizer.json").read_text(encoding="utf-8")[:5000], None),
    "not_utf8": (b"\xff\xfe{}", None),
    "empty_object": ({}, "model"),
    "array_document": ([1, 2, 3], None),
    "model_not_object": (_mutated(_set("model", 5)), "model"),
    "model_type_number": (_mutated(_set("model.type", 3)), "model.type"),
    "unknown_model": (_mutated(_set("model.type", "Nonexistent")), "model"),
    "unknown_normalizer": (_mutated(_set("normalizer.type", "Nope")), "normalizer"),
    "unknown_pre_tokenizer": (_mutated(_set("pre_tokenizer.type", "Nope")), "pre_tokenizer"),
    "unknown_processor": (_mutated(_set("post_processor.type", "Nope")), "post_processor"),
    "unknown_decoder": (_mutated(_set("decoder.type", "Nope")), "decoder"),
    "vocab_not_object": (_mutated(_set("model.vocab", [1, 2])), "model.vocab"),
    "negative_id": (_mutated(_set("model.vocab.hello", -3)), "vocab"),
    "id_over_u32": (_mutated(_set("model.vocab.hello", 2**32 + 5)), "vocab"),
    "id_float": (_mutated(_set("model.vocab.hello", 1.5)), "vocab"),
    "id_string": (_mutated(_set("model.vocab.hello", "7592")), "vocab"),
    "unk_missing": (_mutated(_set("model.unk_token", "[NOT-IN-VOCAB]")), "unk_token"),
    "added_token_negative_id": (_mutated(_set("added_tokens.0.id", -1)), "added_tokens[0]"),
    "added_token_no_content": (_mutated(_del("added_tokens.0.content")), "added_tokens[0]"),
    "added_tokens_not_list": (_mutated(_set("added_tokens", {"a": 1})), "added_tokens"),
    "template_undeclared_special": (
        _mutated(_set("post_processor.single", [{"SpecialToken": {"id": "[NOPE]", "type_id": 0}}])),
        "post_processor",
    ),
    "template_not_list": (_mutated(_set("post_processor.single", 5)), "post_processor.single"),
    "truncation_wrong_type": (_mutated(_set("truncation", {"max_length": "x"})), "truncation.max_length"),
    "padding_bad_strategy": (_mutated(_set("padding", {"strategy": 12})), "padding.strategy"),
    "bad_regex": (
        _mutated(
            _set(
                "pre_tokenizer", {"type": "Split", "pattern": {"Regex": "(unclosed"}, "behavior": "Isolated"}
            )
        ),
        "regex",
    ),
    "normalizer_bool_as_string": (_mutated(_set("normalizer.lowercase", "yes")), "normalizer.lowercase"),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_malformed_tokenizer_json_value_error_names_file_and_field(tmp_path, case):
    doc, field = MALFORMED[case]
    err = _load_error(tmp_path, doc)
    assert not isinstance(err, _internal_error())
    if field is not None:
        assert field in str(err), str(err)


def test_duplicate_vocab_ids_rejected_or_consistent(tmp_path):
    doc = _bert_json()
    doc["model"]["vocab"]["hello"] = doc["model"]["vocab"]["world"]
    path = _write(tmp_path, json.dumps(doc))
    try:
        tok = ferrotok.FerroTokenizer.from_file(path)
    except ValueError as e:
        assert str(path) in str(e) and "vocab" in str(e)
        return
    # Accepted (as Hugging Face does): the id decodes to one of the two tokens, nothing panics.
    wid = doc["model"]["vocab"]["world"]
    assert tok.convert_ids_to_tokens(wid) in ("hello", "world")
    assert tok("hello world")["input_ids"][1:3] == [wid, wid]


def test_deep_nesting_is_a_value_error_not_a_crash(tmp_path):
    deep = "[" * 10_000 + "]" * 10_000
    _load_error(tmp_path, deep)
    doc = '{"model": ' + '{"a": ' * 10_000 + "1" + "}" * 10_000 + "}"
    _load_error(tmp_path, doc)


def test_from_str_errors_name_string_source(bert):
    with pytest.raises(ValueError, match="<string>"):
        ferrotok.Tokenizer.from_str('{"model": 3}')


def test_missing_files_raise_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        ferrotok.FerroTokenizer.from_file(tmp_path / "nope.json")
    with pytest.raises(FileNotFoundError):
        AutoTokenizer.from_pretrained(str(tmp_path / "no-such-dir"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError):
        AutoTokenizer.from_pretrained(str(tmp_path / "empty"))


def test_malformed_legacy_merges_name_the_file(tmp_path):
    folder = tmp_path / "bpe"
    shutil.copytree(GPT2_DIR, folder)
    lines = (folder / "merges.txt").read_text(encoding="utf-8").splitlines()
    (folder / "merges.txt").write_text("\n".join([*lines[:10], "onlyonetoken", *lines[10:20]]) + "\n")
    try:
        AutoTokenizer.from_pretrained(str(folder))
    except ValueError as e:
        assert "merges.txt" in str(e)
    else:
        pytest.fail("a merges line with one token was accepted")


def test_merges_naming_unknown_tokens(tmp_path):
    doc = {
        "model": {
            "type": "BPE",
            "vocab": {"a": 0, "b": 1, "ab": 2},
            "merges": ["a b", "x y"],
        }
    }
    path = _write(tmp_path, json.dumps(doc))
    try:
        ferrotok.FerroTokenizer.from_file(path)
    except ValueError as e:
        assert str(path) in str(e) and "merges" in str(e)
    else:
        pytest.fail("merges with unknown tokens were accepted")


def test_malformed_vocab_txt_is_not_an_internal_error(tmp_path):
    folder = tmp_path / "bert"
    folder.mkdir()
    (folder / "vocab.txt").write_bytes(b"[PAD]\n\xff\xfe\n[UNK]\n")
    try:
        tok = AutoTokenizer.from_pretrained(str(folder))
    except ValueError as e:
        assert "vocab.txt" in str(e)
    else:
        assert tok("hello")["input_ids"]


# --- 1e. bad call arguments -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [
        {"padding": "bogus"},
        {"truncation": "bogus"},
        {"padding": True, "pad_to_multiple_of": 0},
        {"padding": True, "pad_to_multiple_of": -8},
        {"max_length": -1, "truncation": True},
        {"max_length": 1, "truncation": True},
        {"stride": -1},
        {"padding_side": "middle", "padding": True},
        {"max_length": 8, "truncation": True, "padding": "max_length", "pad_to_multiple_of": 3},
        {"return_tensors": "tf-ish"},
    ],
)
def test_bad_call_arguments_raise_value_error(bert, kwargs):
    with pytest.raises(ValueError):
        bert(["some text", "more"], **kwargs)


@pytest.mark.parametrize(
    "kwargs", [{"padding": 1.5}, {"truncation": 3.0}, {"max_length": "8"}, {"stride": "1"}]
)
def test_bad_call_argument_types_raise_type_error(bert, kwargs):
    with pytest.raises(TypeError):
        bert("text", **kwargs)


@pytest.mark.parametrize(
    ("kwargs", "special"),
    [
        ({"max_length": 2}, True),
        ({"max_length": 3}, True),
        ({"max_length": 0}, False),
        ({"max_length": 1}, False),
    ],
)
def test_max_length_equal_to_special_tokens_keeps_only_them_like_hf(bert, hf_bert, kwargs, special):
    texts = ["a b c", "hello there"]
    a = bert(texts, truncation=True, add_special_tokens=special, **kwargs)
    b = hf_bert(texts, truncation=True, add_special_tokens=special, **kwargs)
    assert _plain(a) == _plain(b)


def test_max_length_below_special_tokens_on_pairs(bert):
    with pytest.raises(ValueError):
        bert(["a b c"], ["d e f"], max_length=2, truncation=True)


def test_core_rejects_bad_strategy_and_side():
    with pytest.raises(ValueError, match="sideways"):
        _core.EncodeRequest(truncation="sideways", max_length=8)
    with pytest.raises(ValueError, match="truncation_side"):
        _core.EncodeRequest(truncation="longest_first", max_length=8, truncation_side="up")
    with pytest.raises(ValueError, match="pad_to_multiple_of"):
        _core.EncodeRequest(padding="longest", pad_to_multiple_of=0)
    with pytest.raises(ValueError, match="max_length"):
        _core.EncodeRequest(truncation="longest_first")
    with pytest.raises(ValueError, match="padding"):
        _core.EncodeRequest(padding="sideways")
    with pytest.raises(ValueError, match="return_tensors"):
        _core.EncodeRequest(return_tensors="pt")
    with pytest.raises(OverflowError):
        _core.EncodeRequest(truncation="longest_first", max_length=-1)
    with pytest.raises(TypeError):
        _core.EncodeRequest(True)  # keyword-only


def test_padding_without_pad_token(gpt2, hf_gpt2):
    with pytest.raises(ValueError) as ours:
        gpt2(["a", "b c"], padding=True)
    with pytest.raises(ValueError) as theirs:
        hf_gpt2(["a", "b c"], padding=True)
    assert str(ours.value) == str(theirs.value)


def test_errors_are_never_panic_exceptions(bert):
    """Everything raised above is a ValueError/TypeError/OSError; an engine bug is an InternalError."""
    internal = _internal_error()
    assert issubclass(internal, RuntimeError)
    assert internal.__name__ == "InternalError"
    assert issubclass(ferrotok.FerrotokError, ValueError)


ABSURD_PADDING = """
import ferrotok
tok = ferrotok.AutoTokenizer.from_pretrained({path!r})
for max_length in (10**12, 2**62, 2**64 - 1):
    for tensors in (None, "np"):
        for multiple in (None, 7):
            try:
                tok(["a", "b c"], padding="max_length", max_length=max_length, pad_to_multiple_of=multiple,
                    return_tensors=tensors)
            except (ValueError, OverflowError, MemoryError) as e:
                continue
            raise SystemExit(f"padding to {{max_length}} succeeded")
print("ok")
"""


def test_absurd_padding_length_is_an_error_not_an_abort():
    """Hugging Face aborts the process here (allocation failure); ferrotok raises. Run in a subprocess so
    that a regression cannot take the test session down."""
    import subprocess
    import sys

    r = subprocess.run(
        [sys.executable, "-c", ABSURD_PADDING.format(path=str(BERT_DIR))],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stderr[-2000:]
