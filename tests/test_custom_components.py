"""Components written in Python (`Normalizer.custom`, `PreTokenizer.custom`, `Decoder.custom`) and the
`NormalizedString` / `PreTokenizedString` objects they edit, side by side with tokenizers (run at test
time): the same Python classes given to both libraries, every field of every encoding compared."""

from __future__ import annotations

import pickle
import re
import threading

import ferrotok
import pytest
from adversarial import fixed_cases, random_cases
from conftest import FIXTURES
from parity import ENCODING_FIELDS, TEXTS

tokenizers = pytest.importorskip("tokenizers")

BERT = (FIXTURES / "bert-uncased" / "tokenizer.json").read_text(encoding="utf-8")
CASES = [*TEXTS, *fixed_cases(), *random_cases(40)]
BEHAVIORS = ["removed", "isolated", "merged_with_previous", "merged_with_next", "contiguous"]


class Normalize:
    """Uses most of `NormalizedString`'s editing methods, as tokenizers' documentation shows them."""

    def __init__(self, regex: type) -> None:
        self.regex = regex

    def normalize(self, n: object) -> None:
        n.nfkc()
        n.filter(lambda c: not c.isnumeric())
        n.replace(self.regex(r"\s+"), " ")
        n.map(lambda c: "_" if c == "-" else c)
        n.lowercase()
        n.strip()


class WordsAndPairs:
    """Splits with a Python regex, then cuts words longer than four chars in two by slicing."""

    def cut(self, _i: int, n: object) -> list[object]:
        text = str(n)
        pieces = []
        for m in re.finditer(r"\w+|[^\w\s]", text):
            a, b = m.span()
            if b - a > 4:
                pieces += [n[a : a + 2], n[a + 2 : b]]
            else:
                pieces.append(n[a:b])
        return pieces

    def pre_tokenize(self, pretok: object) -> None:
        pretok.split(self.cut)


class Upper:
    def decode_chain(self, tokens: list[str]) -> list[str]:
        return [t.upper() + "|" for t in tokens]


def build(lib: object) -> object:
    tok = lib.Tokenizer.from_str(BERT)
    tok.normalizer = lib.normalizers.Normalizer.custom(Normalize(lib.Regex))
    tok.pre_tokenizer = lib.pre_tokenizers.PreTokenizer.custom(WordsAndPairs())
    tok.decoder = lib.decoders.Decoder.custom(Upper())
    return tok


@pytest.fixture(scope="module")
def both() -> tuple[object, object]:
    return build(ferrotok), build(tokenizers)


def assert_same(ours: object, theirs: object, where: object) -> None:
    for field in ENCODING_FIELDS:
        assert getattr(ours, field) == getattr(theirs, field), (where, field)


def test_encode_every_field(both: tuple[object, object]) -> None:
    ours, theirs = both
    for text in CASES:
        assert_same(ours.encode(text), theirs.encode(text), text)
    for a, b in zip(CASES[::2], CASES[1::2], strict=False):
        assert_same(ours.encode(a, b), theirs.encode(a, b), (a, b))


def test_batches_and_decode(both: tuple[object, object]) -> None:
    ours, theirs = both
    mine, hf = ours.encode_batch(CASES), theirs.encode_batch(CASES)
    for k, (x, y) in enumerate(zip(mine, hf, strict=True)):
        assert_same(x, y, k)
    ids = [e.ids for e in hf]
    assert ours.decode_batch(ids) == theirs.decode_batch(ids)
    assert ours.decode(ids[0], skip_special_tokens=False) == theirs.decode(ids[0], skip_special_tokens=False)


def test_threads_share_a_custom_tokenizer(both: tuple[object, object]) -> None:
    ours, theirs = both
    want = [e.ids for e in theirs.encode_batch(TEXTS)]
    got: dict[int, list[list[int]]] = {}

    def work(k: int) -> None:
        got[k] = [e.ids for e in ours.encode_batch(TEXTS)]

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert all(not t.is_alive() for t in threads)
    assert got == {k: want for k in range(4)}


def test_training_with_a_custom_pre_tokenizer() -> None:
    trained = []
    for lib in (ferrotok, tokenizers):
        tok = lib.Tokenizer(lib.models.BPE(unk_token="[UNK]"))
        tok.pre_tokenizer = lib.pre_tokenizers.PreTokenizer.custom(WordsAndPairs())
        trainer = lib.trainers.BpeTrainer(vocab_size=2000, special_tokens=["[UNK]"], show_progress=False)
        tok.train_from_iterator(TEXTS * 3, trainer)
        trained.append((tok.get_vocab(), [tok.encode(t).ids for t in TEXTS]))
    assert trained[0] == trained[1]


def test_saving_is_refused_as_in_tokenizers(both: tuple[object, object]) -> None:
    ours, theirs = both
    with pytest.raises(Exception, match="cannot be serialized"):
        theirs.to_str()
    with pytest.raises(ferrotok.FerrotokError, match="normalizer: a custom component"):
        ours.to_str()
    with pytest.raises(ferrotok.FerrotokError, match="cannot be serialized"):
        pickle.dumps(ours)
    assert ours.normalizer.type == "Custom"


def test_callback_errors_come_back_unchanged() -> None:
    class Broken:
        def normalize(self, n: object) -> None:
            raise KeyError("broken normalizer")

    tok = ferrotok.Tokenizer.from_str(BERT)
    tok.normalizer = ferrotok.normalizers.Normalizer.custom(Broken())
    with pytest.raises(KeyError, match="broken normalizer"):
        tok.encode("hello")
    with pytest.raises(KeyError):
        tok.encode_batch(["hello"] * 100)


def test_a_string_kept_past_its_callback_is_spent() -> None:
    kept = []

    class Keep:
        def normalize(self, n: object) -> None:
            kept.append(n)

    tok = ferrotok.Tokenizer.from_str(BERT)
    tok.no_padding()
    tok.normalizer = ferrotok.normalizers.Normalizer.custom(Keep())
    assert tok.encode("hello world").tokens == ["[CLS]", "hello", "world", "[SEP]"]
    with pytest.raises(ValueError, match="lent to a callback"):
        kept[0].lowercase()


NS_EDITS = [
    ("nfc", ()),
    ("nfd", ()),
    ("nfkc", ()),
    ("nfkd", ()),
    ("lowercase", ()),
    ("uppercase", ()),
    ("strip", ()),
    ("lstrip", ()),
    ("rstrip", ()),
    ("prepend", ("▁",)),
    ("append", ("</w>",)),
    ("clear", ()),
]


def ns_view(n: object) -> tuple[str, str]:
    return n.normalized, n.original


@pytest.mark.parametrize(("method", "args"), NS_EDITS, ids=[m for m, _ in NS_EDITS])
def test_normalized_string_edits(method: str, args: tuple[str, ...]) -> None:
    for text in CASES:
        ours, theirs = ferrotok.NormalizedString(text), tokenizers.NormalizedString(text)
        getattr(ours, method)(*args)
        getattr(theirs, method)(*args)
        assert ns_view(ours) == ns_view(theirs), text
        # The alignment survives: each char's original, through slices.
        for k in range(min(len(theirs.normalized), 12)):
            a, b = ours[k], theirs[k]
            assert (a is None) == (b is None) and (a is None or ns_view(a) == ns_view(b)), (text, k)


def test_normalized_string_patterns_and_callbacks() -> None:
    for text in CASES:
        for literal, regex in ((" ", None), (None, r"\s+")):
            pattern = literal if literal is not None else tokenizers.Regex(regex)
            mine_pattern = literal if literal is not None else ferrotok.Regex(regex)
            ours, theirs = ferrotok.NormalizedString(text), tokenizers.NormalizedString(text)
            ours.replace(mine_pattern, "<>")
            theirs.replace(pattern, "<>")
            assert ns_view(ours) == ns_view(theirs), text
            for behavior in BEHAVIORS:
                mine = ferrotok.NormalizedString(text).split(mine_pattern, behavior)
                hf = tokenizers.NormalizedString(text).split(pattern, behavior)
                assert [ns_view(n) for n in mine] == [ns_view(n) for n in hf], (text, behavior)
        ours, theirs = ferrotok.NormalizedString(text), tokenizers.NormalizedString(text)
        ours.filter(str.isalpha)
        theirs.filter(str.isalpha)
        ours.map(lambda c: c.swapcase()[:1] or c)
        theirs.map(lambda c: c.swapcase()[:1] or c)
        assert ns_view(ours) == ns_view(theirs), text
        seen: list[list[str]] = [[], []]
        ours.for_each(seen[0].append)
        theirs.for_each(seen[1].append)
        assert seen[0] == seen[1]
        n = len(theirs.normalized)
        for r in [(0, n), (1, max(1, n - 1)), (n, n), (0, n + 1)]:
            a, b = ours.slice(r), theirs.slice(r)
            assert (a is None) == (b is None) and (a is None or ns_view(a) == ns_view(b)), (text, r)


PRE_TOKENIZERS = ["Whitespace", "WhitespaceSplit", "BertPreTokenizer", "Punctuation", "Digits", "Metaspace"]


@pytest.mark.parametrize("name", PRE_TOKENIZERS)
def test_pre_tokenized_string_splits(name: str) -> None:
    ours_p, theirs_p = getattr(ferrotok.pre_tokenizers, name)(), getattr(tokenizers.pre_tokenizers, name)()
    for text in CASES:
        ours, theirs = ferrotok.PreTokenizedString(text), tokenizers.PreTokenizedString(text)
        ours_p.pre_tokenize(ours)
        theirs_p.pre_tokenize(theirs)
        ours.normalize(lambda n: n.lowercase())
        theirs.normalize(lambda n: n.lowercase())
        for referential, kind in (("original", "char"), ("original", "byte"), ("normalized", "byte")):
            got = ours.get_splits(offset_referential=referential, offset_type=kind)
            want = theirs.get_splits(offset_referential=referential, offset_type=kind)
            assert got == want, (text, referential, kind)
        # tokenizers converts normalized byte offsets to chars through the original text's char
        # boundaries, which gives wrong spans once normalization changed the text; ferrotok counts the
        # chars of the normalized splits (see the README).
        at, want = 0, []
        for piece, _, _ in theirs.get_splits(offset_referential="normalized", offset_type="byte"):
            want.append((piece, (at, at + len(piece)), None))
            at += len(piece)
        assert ours.get_splits(offset_referential="normalized", offset_type="char") == want, text


def test_builtin_normalizers_on_normalized_strings() -> None:
    for name in ("NFKC", "Lowercase", "BertNormalizer", "StripAccents", "NFD"):
        ours_n, theirs_n = getattr(ferrotok.normalizers, name)(), getattr(tokenizers.normalizers, name)()
        for text in CASES:
            ours, theirs = ferrotok.NormalizedString(text), tokenizers.NormalizedString(text)
            ours_n.normalize(ours)
            theirs_n.normalize(theirs)
            assert ns_view(ours) == ns_view(theirs), (name, text)
            assert repr(ours) == repr(theirs)


def two_char_tokens(lib: object) -> object:
    """A stand-in model: each split in tokens of two chars (byte offsets into the split), the last
    one also as an empty token at the split's end; ids from the chars."""

    def tokenize(text: str) -> list[object]:
        tokens, at = [], 0
        for k in range(0, len(text), 2):
            piece = text[k : k + 2]
            width = len(piece.encode("utf-8"))
            tokens.append(lib.Token(sum(map(ord, piece)) % 997, piece, (at, at + width)))
            at += width
        tokens.append(lib.Token(7, "", (at, at)))
        return tokens

    return tokenize


def byte_pair_tokens(lib: object) -> object:
    """Tokens over every two bytes, cutting chars in two: offsets that do not fall on char boundaries,
    converted to chars as tokenizers does."""

    def tokenize(text: str) -> list[object]:
        size = len(text.encode("utf-8"))
        return [lib.Token(k, text[:1], (k, min(k + 2, size))) for k in range(0, size, 2)]

    return tokenize


ENCODING_OUT = (*ENCODING_FIELDS, "word_ids", "sequence_ids", "n_sequences")


@pytest.mark.parametrize("model", [two_char_tokens, byte_pair_tokens])
@pytest.mark.parametrize("name", ["Whitespace", "BertPreTokenizer", "Metaspace"])
def test_pre_tokenized_string_tokenize_and_to_encoding(name: str, model: object) -> None:
    ours_p, theirs_p = getattr(ferrotok.pre_tokenizers, name)(), getattr(tokenizers.pre_tokenizers, name)()
    for text in CASES:
        ours, theirs = ferrotok.PreTokenizedString(text), tokenizers.PreTokenizedString(text)
        ours_p.pre_tokenize(ours)
        theirs_p.pre_tokenize(theirs)
        ours.normalize(lambda n: n.lowercase())
        theirs.normalize(lambda n: n.lowercase())
        ours.tokenize(model(ferrotok))
        theirs.tokenize(model(tokenizers))
        got = [(s, o, [t.as_tuple() for t in ts]) for s, o, ts in ours.get_splits()]
        want = [(s, o, [t.as_tuple() for t in ts]) for s, o, ts in theirs.get_splits()]
        assert got == want, text
        for kwargs in ({}, {"type_id": 1}, {"word_idx": 3, "type_id": 2}):
            mine, hers = ours.to_encoding(**kwargs), theirs.to_encoding(**kwargs)
            for field in ENCODING_OUT:
                assert getattr(mine, field) == getattr(hers, field), (text, kwargs, field)


def test_pre_tokenized_string_tokenize_rules() -> None:
    for lib in (ferrotok, tokenizers):
        pretok = lib.PreTokenizedString("abc def")
        pretok.split(lambda _i, n: n.split(" ", "isolated"))
        with pytest.raises(Exception, match="tokenize"):
            pretok.to_encoding()
        # Only splits without tokens are given to the function (an empty list counts as tokens), and
        # tokenized splits are not cut again.
        pretok.tokenize(lambda s, lib=lib: [lib.Token(1, s, (0, len(s)))] if s == " " else [])
        pretok.split(lambda _i, n: [n[:1], n[1:]])
        assert [s for s, _, _ in pretok.get_splits()] == ["abc", " ", "def"]
        pretok.tokenize(lambda s: pytest.fail("no split is left to tokenize"))
        enc = pretok.to_encoding()
        assert (enc.ids, enc.tokens, enc.word_ids, enc.offsets) == ([1], [" "], [1], [(3, 4)]), lib
        pretok = lib.PreTokenizedString("abc def")
        pretok.split(lambda _i, n: [n[:1], n[1:]])
        pretok.tokenize(lambda s, lib=lib: [lib.Token(2, s.upper(), (0, len(s)))])
        enc = pretok.to_encoding(word_idx=7)
        assert (enc.ids, enc.tokens, enc.word_ids) == ([2, 2], ["A", "BC DEF"], [7, 7]), lib
        with pytest.raises(Exception, match="Token"):
            lib.PreTokenizedString("x").tokenize(lambda s: [1, 2])
    # ferrotok also takes tokenizers' own Token objects (and a tuple of them).
    pretok = ferrotok.PreTokenizedString("hé")
    pretok.tokenize(lambda s: (tokenizers.Token(4, s, (0, 3)),))
    enc = pretok.to_encoding()
    assert (enc.ids, enc.tokens, enc.offsets) == ([4], ["hé"], [(0, 2)])
    assert ferrotok.Token(1, "a", (0, 1)).as_tuple() == (1, "a", (0, 1))
