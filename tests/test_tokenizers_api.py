"""`ferrotok.Tokenizer` against `tokenizers.Tokenizer` (Hugging Face's raw library, run at test time): the same
calls on both, every field of every `Encoding` compared, on the BERT (WordPiece) and GPT-2 (byte-level BPE)
fixtures. The behaviours are those tokenizers' own Python binding tests check (loading and saving, single
texts, pairs, pre-tokenized input, batches mixing both, padding and truncation settings, overflow with
stride, added tokens, decoding, the alignment methods of `Encoding`), written here side by side.
"""

from __future__ import annotations

import itertools
import json
import pickle
from pathlib import Path

import ferrotok
import pytest
from adversarial import fixed_cases, random_cases
from conftest import FIXTURES, multilingual_lines
from parity import ENCODING_FIELDS

tokenizers = pytest.importorskip("tokenizers")

FIELDS = (*ENCODING_FIELDS, "n_sequences")


def gpt2_json() -> str:
    """The GPT-2 fixture (vocab.json + merges.txt) as a tokenizer.json, built by transformers."""
    transformers = pytest.importorskip("transformers")
    hf = transformers.AutoTokenizer.from_pretrained(str(FIXTURES / "gpt2"))
    return hf.backend_tokenizer.to_str()


@pytest.fixture(scope="module", params=["bert", "gpt2"])
def document(request: pytest.FixtureRequest) -> str:
    if request.param == "bert":
        return (FIXTURES / "bert-uncased" / "tokenizer.json").read_text(encoding="utf-8")
    return gpt2_json()


@pytest.fixture
def pair(document: str) -> tuple[ferrotok.Tokenizer, tokenizers.Tokenizer]:
    """A fresh (ferrotok, tokenizers) pair from the same document; tests may change their settings."""
    return ferrotok.Tokenizer.from_str(document), tokenizers.Tokenizer.from_str(document)


def assert_same(ours: object, theirs: object, where: str = "", nested: bool = True) -> None:
    """Every field of two encodings (and of their overflowing windows) is equal. The windows' own
    `overflowing` lists (which tokenizers fills for pairs) are not compared: see the README."""
    for field in FIELDS:
        a, b = getattr(ours, field), getattr(theirs, field)
        assert a == b, f"{where}{field}: {a!r} != {b!r}"
    assert len(ours) == len(theirs)
    if not nested:
        return
    a_over, b_over = ours.overflowing, theirs.overflowing
    assert len(a_over) == len(b_over), f"{where}overflowing: {len(a_over)} != {len(b_over)}"
    for k, (x, y) in enumerate(zip(a_over, b_over, strict=True)):
        assert_same(x, y, f"{where}overflowing[{k}].", nested=False)


def assert_same_batch(ours: list, theirs: list) -> None:
    assert len(ours) == len(theirs)
    for i, (a, b) in enumerate(zip(ours, theirs, strict=True)):
        assert_same(a, b, f"[{i}].")


def texts() -> list[str]:
    lines = [line for _, line in multilingual_lines()]
    return lines[:40] + fixed_cases()[:30] + random_cases(20)


def test_loading_forms_agree(document: str, tmp_path: Path) -> None:
    path = tmp_path / "tokenizer.json"
    path.write_text(document, encoding="utf-8")
    made = [
        ferrotok.Tokenizer.from_file(str(path)),
        ferrotok.Tokenizer.from_file(path),
        ferrotok.Tokenizer.from_str(document),
        ferrotok.Tokenizer.from_buffer(document.encode()),
    ]
    ref = tokenizers.Tokenizer.from_file(str(path)).encode("Hello there, tokenizers!")
    for tok in made:
        assert_same(tok.encode("Hello there, tokenizers!"), ref)


def test_save_and_to_str_round_trip(pair, tmp_path: Path) -> None:
    ours, theirs = pair
    ours.enable_truncation(16, stride=2)
    theirs.enable_truncation(16, stride=2)
    ours.enable_padding(length=20, pad_id=3, pad_token="<pad>")
    theirs.enable_padding(length=20, pad_id=3, pad_token="<pad>")
    path = tmp_path / "saved.json"
    ours.save(str(path))
    document = json.loads(path.read_text(encoding="utf-8"))
    expected = json.loads(theirs.to_str())
    assert document["truncation"] == expected["truncation"]
    assert document["padding"] == expected["padding"]
    # Both libraries read back what ferrotok wrote, with the same settings and the same outputs.
    again, theirs_again = ferrotok.Tokenizer.from_file(str(path)), tokenizers.Tokenizer.from_file(str(path))
    assert again.padding == theirs_again.padding == theirs.padding
    assert again.truncation == theirs_again.truncation == theirs.truncation
    text = "a rather long sentence that will need to be cut into several windows of tokens"
    assert_same(again.encode(text), theirs_again.encode(text))
    assert json.loads(ours.to_str(pretty=True)) == json.loads(ours.to_str())
    assert_same(pickle.loads(pickle.dumps(ours)).encode(text), theirs.encode(text))


def test_encode_single_texts(pair) -> None:
    ours, theirs = pair
    ours.no_padding(), ours.no_truncation(), theirs.no_padding(), theirs.no_truncation()
    for text in texts():
        for special in (True, False):
            assert_same(
                ours.encode(text, add_special_tokens=special),
                theirs.encode(text, add_special_tokens=special),
                text,
            )


def test_encode_pairs(pair) -> None:
    ours, theirs = pair
    ours.no_padding(), ours.no_truncation(), theirs.no_padding(), theirs.no_truncation()
    lines = texts()
    for a, b in itertools.pairwise(lines):
        assert_same(ours.encode(a, b), theirs.encode(a, b), f"{a!r} / {b!r}: ")
        assert_same(
            ours.encode(a, pair=b, add_special_tokens=False), theirs.encode(a, b, add_special_tokens=False)
        )


def test_encode_pretokenized(pair) -> None:
    ours, theirs = pair
    ours.no_padding(), theirs.no_padding()
    words = ["Hello", "wörld", "!", "tokenizers", "are", "fun"]
    assert_same(ours.encode(words, is_pretokenized=True), theirs.encode(words, is_pretokenized=True))
    assert_same(
        ours.encode(words, ["and", "a", "pair"], is_pretokenized=True),
        theirs.encode(words, ["and", "a", "pair"], is_pretokenized=True),
    )
    batch = [words, (["one"], ["two", "three"]), ["x"]]
    assert_same_batch(
        ours.encode_batch(batch, is_pretokenized=True), theirs.encode_batch(batch, is_pretokenized=True)
    )


def test_encode_batch_forms(pair) -> None:
    ours, theirs = pair
    ours.no_padding(), ours.no_truncation(), theirs.no_padding(), theirs.no_truncation()
    lines = texts()
    singles = lines[:20]
    pairs = list(zip(lines[:20], lines[20:40], strict=True))
    lists = [list(p) for p in pairs[:5]]
    mixed = [singles[0], pairs[0], singles[1], pairs[1]]
    for batch in (singles, pairs, lists, mixed, []):
        assert_same_batch(ours.encode_batch(batch), theirs.encode_batch(batch))
        assert_same_batch(
            ours.encode_batch(batch, add_special_tokens=False),
            theirs.encode_batch(batch, add_special_tokens=False),
        )


def test_encode_batch_fast_has_no_offsets(pair) -> None:
    ours, theirs = pair
    batch = ["Hello world", ("a pair", "of texts")]
    for a, b in zip(ours.encode_batch_fast(batch), theirs.encode_batch_fast(batch), strict=True):
        assert a.ids == b.ids
        assert a.offsets == b.offsets
        assert a.attention_mask == b.attention_mask
        assert a.type_ids == b.type_ids


@pytest.mark.parametrize(
    "settings",
    [
        {},
        {"direction": "left"},
        {"length": 48},
        {"length": 48, "direction": "left", "pad_id": 7, "pad_type_id": 1, "pad_token": "<pad>"},
        {"pad_to_multiple_of": 8},
    ],
)
def test_padding_settings(pair, settings: dict) -> None:
    ours, theirs = pair
    ours.no_truncation(), theirs.no_truncation()
    ours.enable_padding(**settings)
    theirs.enable_padding(**settings)
    assert ours.padding == theirs.padding
    lines = texts()[:12]
    assert_same_batch(ours.encode_batch(lines), theirs.encode_batch(lines))
    assert_same(ours.encode(lines[0]), theirs.encode(lines[0]))
    ours.no_padding(), theirs.no_padding()
    assert ours.padding is None and theirs.padding is None
    assert_same_batch(ours.encode_batch(lines), theirs.encode_batch(lines))


@pytest.mark.parametrize(
    "settings",
    [
        {"max_length": 12},
        {"max_length": 12, "stride": 3},
        {"max_length": 12, "stride": 2, "direction": "left"},
        {"max_length": 10, "strategy": "only_first"},
        {"max_length": 10, "strategy": "only_second", "stride": 1},
    ],
)
def test_truncation_and_overflow(pair, settings: dict) -> None:
    ours, theirs = pair
    ours.no_padding(), theirs.no_padding()
    ours.enable_truncation(**settings)
    theirs.enable_truncation(**settings)
    assert ours.truncation == theirs.truncation
    strategy = settings.get("strategy")
    # The side that is not cut must fit (else both libraries refuse, differently: see the README).
    long_a = "this is a rather long first sentence, with many words in it to cut " * 2
    long_b = "and the second one is long as well, so that both sides overflow"
    if strategy == "only_second":
        long_a = "short"
    if strategy == "only_first":
        long_b = "short"
    if strategy != "only_second":
        assert_same(ours.encode(long_a), theirs.encode(long_a))
    assert_same(ours.encode(long_a, long_b), theirs.encode(long_a, long_b))
    # Overflowing windows are padded like their encoding.
    ours.enable_padding(length=14)
    theirs.enable_padding(length=14)
    assert_same(ours.encode(long_a, long_b), theirs.encode(long_a, long_b))
    ours.no_truncation(), theirs.no_truncation()
    assert ours.truncation is None and theirs.truncation is None


def test_bad_settings_raise_value_errors(pair) -> None:
    ours, theirs = pair
    for tok in (ours, theirs):
        with pytest.raises(ValueError, match="direction"):
            tok.enable_padding(direction="up")
        with pytest.raises(ValueError, match="strategy"):
            tok.enable_truncation(8, strategy="nope")
        added = tok.num_special_tokens_to_add(False)
        with pytest.raises(ValueError, match="stride"):
            tok.enable_truncation(4 + added, stride=5)
        tok.enable_truncation(4 + added, stride=4)
        assert tok.truncation["stride"] == 4


def test_encoding_alignment_methods(pair) -> None:
    ours, theirs = pair
    ours.no_padding(), theirs.no_padding()
    a, b = "Hello wörld, naïve café owners!", "Second sequence here."
    x, y = ours.encode(a, b), theirs.encode(a, b)
    n = len(y)
    for t in range(n + 1):
        assert x.token_to_sequence(t) == y.token_to_sequence(t), t
        assert x.token_to_word(t) == y.token_to_word(t), t
        assert x.token_to_chars(t) == y.token_to_chars(t), t
    for seq, text in ((0, a), (1, b)):
        for c in range(len(text) + 1):
            assert x.char_to_token(c, seq) == y.char_to_token(c, seq), (seq, c)
            assert x.char_to_word(c, seq) == y.char_to_word(c, seq), (seq, c)
        for w in range(12):
            assert x.word_to_tokens(w, seq) == y.word_to_tokens(w, seq), (seq, w)
            assert x.word_to_chars(w, seq) == y.word_to_chars(w, seq), (seq, w)
    assert x.words == y.words
    assert repr(x).startswith("Encoding(num_tokens=")


def test_encoding_pad_truncate_merge(pair) -> None:
    ours, theirs = pair
    ours.no_padding(), ours.no_truncation(), theirs.no_padding(), theirs.no_truncation()
    text = "one two three four five six seven eight nine ten"
    x, y = ours.encode(text), theirs.encode(text)
    x.truncate(5, stride=1)
    y.truncate(5, stride=1)
    assert_same(x, y)
    x.pad(8, direction="left", pad_id=1, pad_type_id=1, pad_token="<p>")
    y.pad(8, direction="left", pad_id=1, pad_type_id=1, pad_token="<p>")
    assert_same(x, y)
    parts = [ours.encode("first part"), ours.encode("second part")]
    refs = [theirs.encode("first part"), theirs.encode("second part")]
    for growing in (True, False):
        assert_same(
            ferrotok.Encoding.merge(parts, growing_offsets=growing),
            tokenizers.Encoding.merge(refs, growing_offsets=growing),
        )
    z, r = ours.encode(text), theirs.encode(text)
    z.set_sequence_id(1)
    r.set_sequence_id(1)
    assert z.sequence_ids == r.sequence_ids


def test_post_process(pair) -> None:
    ours, theirs = pair
    ours.no_padding(), ours.no_truncation(), theirs.no_padding(), theirs.no_truncation()
    a, b = "hello world", "the pair"
    x = ours.post_process(ours.encode(a, add_special_tokens=False))
    y = theirs.post_process(theirs.encode(a, add_special_tokens=False))
    assert_same(x, y)
    ours.enable_truncation(6)
    theirs.enable_truncation(6)
    ours.enable_padding(length=8)
    theirs.enable_padding(length=8)
    x = ours.post_process(ours.encode(a, add_special_tokens=False), ours.encode(b, add_special_tokens=False))
    y = theirs.post_process(
        theirs.encode(a, add_special_tokens=False), theirs.encode(b, add_special_tokens=False)
    )
    for field in ("ids", "type_ids", "tokens", "offsets", "attention_mask", "special_tokens_mask"):
        assert getattr(x, field) == getattr(y, field), field


def test_decode(pair) -> None:
    ours, theirs = pair
    ours.no_padding(), theirs.no_padding()
    lines = texts()[:20]
    batch = [theirs.encode(t).ids for t in lines]
    for ids in batch:
        assert ours.decode(ids) == theirs.decode(ids)
        assert ours.decode(ids, skip_special_tokens=False) == theirs.decode(ids, skip_special_tokens=False)
    assert ours.decode_batch(batch) == theirs.decode_batch(batch)
    assert ours.decode_batch(batch, skip_special_tokens=False) == theirs.decode_batch(
        batch, skip_special_tokens=False
    )


def test_vocabulary(pair) -> None:
    ours, theirs = pair
    assert ours.get_vocab() == theirs.get_vocab()
    assert ours.get_vocab(with_added_tokens=False) == theirs.get_vocab(with_added_tokens=False)
    assert ours.get_vocab_size() == theirs.get_vocab_size()
    assert ours.get_vocab_size(with_added_tokens=False) == theirs.get_vocab_size(with_added_tokens=False)
    for token in ("hello", "Ġthe", "[CLS]", "<|endoftext|>", "not-a-token-at-all"):
        assert ours.token_to_id(token) == theirs.token_to_id(token)
    for i in (0, 1, 100, 101, 50256, 10**6):
        assert ours.id_to_token(i) == theirs.id_to_token(i)
    for is_pair in (False, True):
        assert ours.num_special_tokens_to_add(is_pair) == theirs.num_special_tokens_to_add(is_pair)
    assert ours.model.type == type(theirs.model).__name__


def test_added_tokens(pair) -> None:
    ours, theirs = pair
    ours.no_padding(), theirs.no_padding()
    plain = ["newword", ferrotok.AddedToken("multi word", single_word=True)]
    plain_ref = ["newword", tokenizers.AddedToken("multi word", single_word=True)]
    assert ours.add_tokens(plain) == theirs.add_tokens(plain_ref)
    special = ["<extra>", ferrotok.AddedToken("<strip>", lstrip=True, rstrip=True)]
    special_ref = ["<extra>", tokenizers.AddedToken("<strip>", lstrip=True, rstrip=True)]
    assert ours.add_special_tokens(special) == theirs.add_special_tokens(special_ref)
    assert ours.get_vocab() == theirs.get_vocab()
    decoder, ref = ours.get_added_tokens_decoder(), theirs.get_added_tokens_decoder()
    assert sorted(decoder) == sorted(ref)
    for i, token in ref.items():
        assert repr(decoder[i]) == repr(token), i
    text = "a newword and multi word then <extra> and  <strip>  end"
    assert_same(ours.encode(text), theirs.encode(text))
    assert ours.decode(ours.encode(text).ids) == theirs.decode(theirs.encode(text).ids)


def test_added_token_object() -> None:
    for kwargs in ({}, {"special": True}, {"single_word": True, "lstrip": True, "normalized": False}):
        ours, theirs = ferrotok.AddedToken("tok", **kwargs), tokenizers.AddedToken("tok", **kwargs)
        for attr in ("content", "single_word", "lstrip", "rstrip", "normalized", "special"):
            assert getattr(ours, attr) == getattr(theirs, attr), (kwargs, attr)
        assert repr(ours) == repr(theirs)
        assert str(ours) == str(theirs)
        assert pickle.loads(pickle.dumps(ours)) == ours


def test_bad_inputs_raise_type_errors(pair) -> None:
    ours, theirs = pair
    for tok in (ours, theirs):
        with pytest.raises(TypeError):
            tok.encode(3)
        with pytest.raises(TypeError):
            tok.encode_batch(["ok", 3])
        with pytest.raises(TypeError):
            tok.encode_batch("not a batch")
    with pytest.raises(TypeError):
        ferrotok.Tokenizer("not a model")
    with pytest.raises(OSError):
        ferrotok.Tokenizer.from_pretrained("/no/such/folder")


def test_backend_tokenizer_of_the_transformers_drop_in() -> None:
    tok = ferrotok.AutoTokenizer.from_pretrained(str(FIXTURES / "bert-uncased"))
    backend = tok.backend_tokenizer
    assert isinstance(backend, ferrotok.Tokenizer)
    ref = tokenizers.Tokenizer.from_file(str(FIXTURES / "bert-uncased" / "tokenizer.json"))
    assert_same(backend.encode("Hello world"), ref.encode("Hello world"))
    # The encodings of a call are tokenizers-style Encoding objects.
    enc = tok(["Hello world", "a"], padding=True).encodings
    assert all(isinstance(e, ferrotok.Encoding) for e in enc)
    ref.enable_padding(length=4)
    assert_same(enc[0], ref.encode("Hello world"))
