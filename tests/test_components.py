"""The stages of `ferrotok.Tokenizer` (`normalizer`, `pre_tokenizer`, `model`, `post_processor`, `decoder`)
against tokenizers' component objects, run side by side on the same tokenizer.json: BERT (WordPiece),
GPT-2 (byte-level BPE), and SentencePiece models trained here and converted by transformers (ALBERT's
Unigram with Precompiled + Metaspace, Llama's BPE with byte fallback)."""

from __future__ import annotations

import json
import pickle

import ferrotok
import pytest
from adversarial import fixed_cases, random_cases
from conftest import multilingual_lines
from ferrotok import components
from parity import ENCODING_FIELDS

tokenizers = pytest.importorskip("tokenizers")
transformers = pytest.importorskip("transformers")

STAGES = ("normalizer", "pre_tokenizer", "model", "post_processor", "decoder")


def texts() -> list[str]:
    lines = [line for _, line in multilingual_lines()]
    return lines + fixed_cases() + random_cases(40)


@pytest.fixture(params=["bert", "gpt2", "albert_unigram_nfkc_cf", "llama_bpe_byte_fallback"])
def pair(request: pytest.FixtureRequest, documents: dict[str, str]):
    document = documents[request.param]
    return ferrotok.Tokenizer.from_str(document), tokenizers.Tokenizer.from_str(document)


def state(component: object) -> object:
    return json.loads(component.__getstate__())


def test_stages_present_and_same_state(pair) -> None:
    ours, theirs = pair
    for stage in STAGES:
        a, b = getattr(ours, stage), getattr(theirs, stage)
        assert (a is None) == (b is None), stage
        if b is not None:
            assert isinstance(a, components.CLASSES[stage])
            assert state(a) == state(b), stage
            assert a.type == state(b)["type"]
            if stage != "model":  # a model's repr gives its vocabulary size, not the vocabulary (README)
                assert type(a).__name__ == type(b).__name__
                assert repr(a) == repr(b)


def test_normalize_str(pair) -> None:
    ours, theirs = pair
    if theirs.normalizer is None:
        assert ours.normalizer is None
        return
    for text in texts():
        assert ours.normalizer.normalize_str(text) == theirs.normalizer.normalize_str(text), repr(text)


def test_pre_tokenize_str(pair) -> None:
    ours, theirs = pair
    assert theirs.pre_tokenizer is not None
    for text in texts():
        assert ours.pre_tokenizer.pre_tokenize_str(text) == theirs.pre_tokenizer.pre_tokenize_str(text), repr(
            text
        )


def test_decoder_decode(pair) -> None:
    ours, theirs = pair
    for text in texts():
        tokens = theirs.encode(text).tokens
        assert ours.decoder.decode(tokens) == theirs.decoder.decode(tokens), repr(text)
    assert ours.decoder.decode([]) == theirs.decoder.decode([])


def test_post_processor(pair) -> None:
    ours, theirs = pair
    if theirs.post_processor is None:
        assert ours.post_processor is None
        return
    for is_pair in (False, True):
        assert ours.post_processor.num_special_tokens_to_add(
            is_pair
        ) == theirs.post_processor.num_special_tokens_to_add(is_pair)
    ours.no_padding()
    theirs.no_padding()
    sample = texts()[:30]
    for first, second in zip(sample, reversed(sample), strict=True):
        a1, a2 = (ours.encode(t, add_special_tokens=False) for t in (first, second))
        b1, b2 = (theirs.encode(t, add_special_tokens=False) for t in (first, second))
        for add in (True, False):
            x = ours.post_processor.process(a1, add_special_tokens=add)
            y = theirs.post_processor.process(b1, add_special_tokens=add)
            for field in ENCODING_FIELDS:
                assert getattr(x, field) == getattr(y, field), (field, first, add)
            x = ours.post_processor.process(a1, a2, add)
            y = theirs.post_processor.process(b1, b2, add)
            for field in ENCODING_FIELDS:
                if field != "sequence_ids":
                    assert getattr(x, field) == getattr(y, field), (field, first, second, add)
            # tokenizers reports no sequence for the first sequence's tokens of a processed pair (as in its
            # `post_process`); ferrotok reports sequence 0 (README: differences on purpose).
            assert [s for s in x.sequence_ids if s is not None] == [0] * len(a1) + [1] * len(a2)
            assert [s for s in y.sequence_ids if s is not None] == [1] * len(b2)


def test_model_vocabulary_and_tokenize(pair) -> None:
    ours, theirs = pair
    model, reference = ours.model, theirs.model
    size = theirs.get_vocab_size(with_added_tokens=False)
    assert model.get_vocab_size() == size
    assert model.get_vocab() == theirs.get_vocab(with_added_tokens=False)
    for i in [*range(0, size, max(1, size // 200)), size - 1, size, size + 10]:
        assert model.id_to_token(i) == reference.id_to_token(i), i
        token = reference.id_to_token(i)
        if token is not None:
            assert model.token_to_id(token) == reference.token_to_id(token)
    assert model.token_to_id("surely-not-in-any-vocabulary") == reference.token_to_id(
        "surely-not-in-any-vocabulary"
    )
    for attr in ("unk_token", "continuing_subword_prefix", "end_of_word_suffix", "byte_fallback"):
        if hasattr(reference, attr):
            assert getattr(model, attr) == getattr(reference, attr), attr
    # Words as the model sees them: the pre-tokenized (and normalized) pieces.
    for text in texts()[:60]:
        normalized = theirs.normalizer.normalize_str(text) if theirs.normalizer else text
        for word, _ in theirs.pre_tokenizer.pre_tokenize_str(normalized):
            got = [t.as_tuple() for t in model.tokenize(word)]
            want = [(t.id, t.value, t.offsets) for t in reference.tokenize(word)]
            assert got == want, repr(word)


def test_components_pickle_and_rebuild(pair) -> None:
    ours, theirs = pair
    for stage in STAGES:
        component = getattr(ours, stage)
        if component is None:
            continue
        again = pickle.loads(pickle.dumps(component))
        assert type(again) is type(component)
        assert state(again) == state(component)
        # tokenizers' own state builds the same component.
        rebuilt = components.CLASSES[stage].from_json(getattr(theirs, stage).__getstate__())
        assert state(rebuilt) == state(component)
    decoder = pickle.loads(pickle.dumps(ours.decoder))
    tokens = theirs.encode("Hello world, naïve café!").tokens
    assert decoder.decode(tokens) == theirs.decoder.decode(tokens)


def test_setting_stages(pair) -> None:
    ours, theirs = pair
    text = "Hello WORLD, naïve Café 東京!"
    for stage in ("normalizer", "pre_tokenizer", "post_processor", "decoder"):
        setattr(ours, stage, None)
        setattr(theirs, stage, None)
        assert getattr(ours, stage) is None
        assert ours.encode(text).ids == theirs.encode(text).ids, stage
        assert ours.decode(ours.encode(text).ids) == theirs.decode(theirs.encode(text).ids), stage
        assert json.loads(ours.to_str())[stage] is None


def test_setting_from_another_tokenizer(documents: dict[str, str]) -> None:
    ours = ferrotok.Tokenizer.from_str(documents["gpt2"])
    theirs = tokenizers.Tokenizer.from_str(documents["gpt2"])
    bert = ferrotok.Tokenizer.from_str(documents["bert"])
    bert_ref = tokenizers.Tokenizer.from_str(documents["bert"])
    ours.normalizer = bert.normalizer  # a ferrotok component
    theirs.normalizer = bert_ref.normalizer
    ours.post_processor = bert_ref.post_processor  # a tokenizers component, through its state
    theirs.post_processor = bert_ref.post_processor
    for text in texts()[:80]:
        a, b = ours.encode(text, "and a pair"), theirs.encode(text, "and a pair")
        for field in ENCODING_FIELDS:
            assert getattr(a, field) == getattr(b, field), (field, text)
    assert json.loads(ours.to_str())["normalizer"] == json.loads(theirs.to_str())["normalizer"]
    # The change round-trips through to_str, and the source tokenizer is untouched.
    again = ferrotok.Tokenizer.from_str(ours.to_str())
    assert state(again.normalizer) == state(bert.normalizer)
    assert state(bert.normalizer) == state(bert_ref.normalizer)
    ours.model = bert.model
    theirs.model = bert_ref.model
    assert ours.encode("hello there").ids == theirs.encode("hello there").ids


def test_setting_bad_values(documents: dict[str, str]) -> None:
    ours = ferrotok.Tokenizer.from_str(documents["bert"])
    with pytest.raises(TypeError, match="model"):
        ours.model = None
    with pytest.raises(TypeError, match="normalizer"):
        ours.normalizer = ours.decoder
    with pytest.raises(TypeError, match="normalizer"):
        ours.normalizer = "lowercase"
    with pytest.raises(ValueError, match="normalizer"):
        components.Normalizer.from_json('{"type": "NoSuchNormalizer"}')
    with pytest.raises(ValueError, match="JSON"):
        components.Decoder.from_json("{not json")
    with pytest.raises(TypeError):
        components.Normalizer(ours.decoder._core)
    # A failed change leaves the tokenizer as it was.
    assert ours.normalizer is not None and ours.normalizer.lowercase is True


def test_parameters_and_reprs(documents: dict[str, str]) -> None:
    ours = ferrotok.Tokenizer.from_str(documents["bert"])
    theirs = tokenizers.Tokenizer.from_str(documents["bert"])
    assert ours.normalizer.lowercase == theirs.normalizer.lowercase
    assert ours.normalizer.strip_accents == theirs.normalizer.strip_accents
    assert ours.decoder.prefix == theirs.decoder.prefix
    assert ours.model.max_input_chars_per_word == theirs.model.max_input_chars_per_word
    with pytest.raises(AttributeError):
        _ = ours.normalizer.no_such_parameter
    assert repr(ours.pre_tokenizer) == repr(theirs.pre_tokenizer)
    assert repr(ours.model).startswith("WordPiece(") and "vocab_size=30522" in repr(ours.model)
    assert repr(ours.normalizer).startswith("BertNormalizer(")
    assert "Tokenizer(" in repr(ours)


# --- ferrotok.normalizers / pre_tokenizers / decoders / processors against tokenizers' constructors ---------


def _regex(lib: object, pattern: str) -> object:
    return (ferrotok.normalizers.Regex if lib is ferrotok else tokenizers.Regex)(pattern)


NORMALIZERS = [
    lambda m, lib: m.BertNormalizer(),
    lambda m, lib: m.BertNormalizer(
        clean_text=False, handle_chinese_chars=False, strip_accents=True, lowercase=False
    ),
    lambda m, lib: m.NFC(),
    lambda m, lib: m.NFD(),
    lambda m, lib: m.NFKC(),
    lambda m, lib: m.NFKD(),
    lambda m, lib: m.Lowercase(),
    lambda m, lib: m.StripAccents(),
    lambda m, lib: m.Nmt(),
    lambda m, lib: m.Strip(),
    lambda m, lib: m.Strip(left=False),
    lambda m, lib: m.Replace("a", "b"),
    lambda m, lib: m.Replace(_regex(lib, r"\s+"), " "),
    lambda m, lib: m.Prepend("▁"),
    lambda m, lib: m.Sequence([m.NFD(), m.StripAccents(), m.Lowercase()]),
]
PRE_TOKENIZERS = [
    lambda m, lib: m.BertPreTokenizer(),
    lambda m, lib: m.Whitespace(),
    lambda m, lib: m.WhitespaceSplit(),
    lambda m, lib: m.ByteLevel(),
    lambda m, lib: m.ByteLevel(add_prefix_space=False, use_regex=False),
    lambda m, lib: m.Split(" ", "removed"),
    lambda m, lib: m.Split(_regex(lib, r"\d+"), "isolated", invert=False),
    lambda m, lib: m.Split("-", "merged_with_previous"),
    lambda m, lib: m.Split("-", "merged_with_next", invert=True),
    lambda m, lib: m.Split("a", "contiguous"),
    lambda m, lib: m.CharDelimiterSplit("a"),
    lambda m, lib: m.Digits(),
    lambda m, lib: m.Digits(individual_digits=True),
    lambda m, lib: m.Punctuation(),
    lambda m, lib: m.Punctuation("removed"),
    lambda m, lib: m.Metaspace(),
    lambda m, lib: m.Metaspace(replacement="_", prepend_scheme="first", split=False),
    lambda m, lib: m.Metaspace(prepend_scheme="never"),
    lambda m, lib: m.Sequence([m.WhitespaceSplit(), m.Metaspace()]),
]
DECODERS = [
    lambda m, lib: m.WordPiece(),
    lambda m, lib: m.WordPiece(prefix="@@", cleanup=False),
    lambda m, lib: m.ByteLevel(),
    lambda m, lib: m.BPEDecoder(),
    lambda m, lib: m.Metaspace(),
    lambda m, lib: m.Metaspace(prepend_scheme="never"),
    lambda m, lib: m.Replace("▁", " "),
    lambda m, lib: m.Fuse(),
    lambda m, lib: m.Strip(" ", 1, 0),
    lambda m, lib: m.ByteFallback(),
    lambda m, lib: m.CTC(),
    lambda m, lib: m.Sequence([m.Replace("▁", " "), m.ByteFallback(), m.Fuse(), m.Strip(" ", 1, 0)]),
]
PROCESSORS = [
    lambda m, lib: m.TemplateProcessing(
        single="[CLS] $A [SEP]",
        pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", 101), ("[SEP]", 102)],
    ),
    lambda m, lib: m.TemplateProcessing(
        single=["$0", "[SEP]"], pair="$A $b:1 [SEP]:1", special_tokens=[("[SEP]", 102)]
    ),
    lambda m, lib: m.TemplateProcessing(),
    lambda m, lib: m.BertProcessing(("[SEP]", 102), ("[CLS]", 101)),
    lambda m, lib: m.RobertaProcessing(("[SEP]", 102), ("[CLS]", 101)),
    lambda m, lib: m.ByteLevel(),
    lambda m, lib: m.Sequence([m.ByteLevel(), m.BertProcessing(("[SEP]", 102), ("[CLS]", 101))]),
]


def _both(module: str, make) -> tuple[object, object]:
    return make(getattr(ferrotok, module), ferrotok), make(getattr(tokenizers, module), tokenizers)


@pytest.mark.parametrize("make", NORMALIZERS)
def test_named_normalizers(make) -> None:
    ours, theirs = _both("normalizers", make)
    assert type(ours).__name__ == type(theirs).__name__
    assert state(ours) == state(theirs)
    assert repr(ours) == repr(theirs)
    for text in texts():
        assert ours.normalize_str(text) == theirs.normalize_str(text), repr(text)


@pytest.mark.parametrize("make", PRE_TOKENIZERS)
def test_named_pre_tokenizers(make) -> None:
    ours, theirs = _both("pre_tokenizers", make)
    assert type(ours).__name__ == type(theirs).__name__
    assert state(ours) == state(theirs)
    assert repr(ours) == repr(theirs)
    for text in texts():
        assert ours.pre_tokenize_str(text) == theirs.pre_tokenize_str(text), repr(text)


@pytest.mark.parametrize("make", DECODERS)
def test_named_decoders(make, documents: dict[str, str]) -> None:
    ours, theirs = _both("decoders", make)
    assert type(ours).__name__ == type(theirs).__name__
    assert state(ours) == state(theirs)
    assert repr(ours) == repr(theirs)
    for name in ("bert", "gpt2", "llama_bpe_byte_fallback"):
        reference = tokenizers.Tokenizer.from_str(documents[name])
        for text in texts()[:80]:
            tokens = reference.encode(text).tokens
            assert ours.decode(tokens) == theirs.decode(tokens), (name, text)


@pytest.mark.parametrize("make", PROCESSORS)
def test_named_processors(make, documents: dict[str, str]) -> None:
    ours, theirs = _both("processors", make)
    assert type(ours).__name__ == type(theirs).__name__
    assert state(ours) == state(theirs)
    assert repr(ours) == repr(theirs)
    for is_pair in (False, True):
        assert ours.num_special_tokens_to_add(is_pair) == theirs.num_special_tokens_to_add(is_pair)
    a_tok = ferrotok.Tokenizer.from_str(documents["bert"])
    b_tok = tokenizers.Tokenizer.from_str(documents["bert"])
    a_tok.post_processor = ours
    b_tok.post_processor = theirs
    a_tok.no_padding()
    b_tok.no_padding()
    for text in texts()[:40]:
        for pair in (None, "and a second text"):
            x, y = a_tok.encode(text, pair), b_tok.encode(text, pair)
            for field in ENCODING_FIELDS:
                assert getattr(x, field) == getattr(y, field), (field, text, pair)


def test_named_components_pickle_and_set(documents: dict[str, str]) -> None:
    made = [
        ferrotok.normalizers.Sequence([ferrotok.normalizers.NFKC(), ferrotok.normalizers.Lowercase()]),
        ferrotok.pre_tokenizers.Metaspace(),
        ferrotok.decoders.Metaspace(),
    ]
    for component in made:
        again = pickle.loads(pickle.dumps(component))
        assert type(again) is type(component) and state(again) == state(component)
    ours = ferrotok.Tokenizer.from_str(documents["albert_unigram_nfkc_cf"])
    theirs = tokenizers.Tokenizer.from_str(documents["albert_unigram_nfkc_cf"])
    ours.normalizer = made[0]
    theirs.normalizer = tokenizers.normalizers.Sequence(
        [tokenizers.normalizers.NFKC(), tokenizers.normalizers.Lowercase()]
    )
    for text in texts()[:80]:
        assert ours.encode(text).ids == theirs.encode(text).ids, repr(text)
    assert type(ours.normalizer) is ferrotok.normalizers.Sequence


def test_named_constructor_errors() -> None:
    with pytest.raises(TypeError, match="missing required argument 'pattern'"):
        ferrotok.normalizers.Replace()
    with pytest.raises(TypeError, match="unexpected"):
        ferrotok.normalizers.Strip(middle=True)
    with pytest.raises(ValueError, match="behavior"):
        ferrotok.pre_tokenizers.Split("a", "sideways")
    with pytest.raises(ValueError, match="template"):
        ferrotok.processors.TemplateProcessing(single="$C")
    with pytest.raises(TypeError, match="pattern"):
        ferrotok.normalizers.Replace(3, "x")
    with pytest.raises(TypeError, match="normalizers"):
        ferrotok.normalizers.Sequence([object()])


def test_backend_tokenizer_components_match_transformers(model_dir) -> None:
    """transformers code reads `tokenizer.backend_tokenizer.normalizer` / `.pre_tokenizer` directly."""
    ours = ferrotok.AutoTokenizer.from_pretrained(model_dir).backend_tokenizer
    theirs = transformers.AutoTokenizer.from_pretrained(model_dir).backend_tokenizer
    for text in texts()[:100]:
        assert ours.normalizer.normalize_str(text) == theirs.normalizer.normalize_str(text)
        assert ours.pre_tokenizer.pre_tokenize_str(text) == theirs.pre_tokenizer.pre_tokenize_str(text)
    assert ours.model.continuing_subword_prefix == theirs.model.continuing_subword_prefix == "##"


# --- ferrotok.models and Tokenizer(model): tokenizers' way of assembling a tokenizer by hand -------------

MODELS = [
    lambda m: m.BPE(),
    lambda m: m.BPE(
        {"a": 0, "b": 1, "ab": 2, "<unk>": 3}, [("a", "b")], unk_token="<unk>", end_of_word_suffix="</w>"
    ),
    lambda m: m.WordPiece(),
    lambda m: m.WordPiece({"[UNK]": 0, "a": 1, "##b": 2}, max_input_chars_per_word=10),
    lambda m: m.WordLevel(),
    lambda m: m.WordLevel({"a": 0, "[UNK]": 1}, unk_token="[UNK]"),
    lambda m: m.Unigram(),
    lambda m: m.Unigram([("<unk>", 0.0), ("a", -1.0), ("b", -2.0)], 0, True),
]


@pytest.mark.parametrize("make", MODELS)
def test_named_models(make) -> None:
    ours, theirs = make(ferrotok.models), make(tokenizers.models)
    assert type(ours).__name__ == type(theirs).__name__
    assert state(ours) == state(theirs)
    a, b = ferrotok.Tokenizer(ours), tokenizers.Tokenizer(theirs)
    assert type(a.model).__name__ == type(b.model).__name__
    assert json.loads(a.to_str()) == json.loads(b.to_str())
    for word in ("ab", "abab", "b", "zzz", ""):
        got, want = _tokens(ours, word), _tokens(theirs, word)
        if want == "error" and got != "error":
            # An untrained WordPiece: tokenizers refuses every word, ferrotok's model holds its unknown token
            # and gives it (README: differences on purpose).
            assert type(ours).__name__ == "WordPiece" and all(value == "[UNK]" for _, value, _ in got), got
        else:
            assert got == want, word


def _tokens(model: object, word: str) -> object:
    """(id, value, offsets) of each token, or "error" where the model refuses the word (a WordPiece model
    whose vocabulary lacks its unknown token)."""
    try:
        return [(t.id, t.value, t.offsets) for t in model.tokenize(word)]
    except Exception:
        return "error"


@pytest.mark.parametrize(
    ("model", "trainer", "options"),
    [
        ("BPE", "BpeTrainer", {"unk_token": "[UNK]"}),
        ("WordLevel", "WordLevelTrainer", {"unk_token": "[UNK]"}),
    ],
)
def test_tokenizer_assembled_and_trained_by_hand(model: str, trainer: str, options: dict) -> None:
    """tokenizers' quick tour: a model, the stages set one by one, then training; same vocabulary and ids.
    (WordPiece training breaks ties in tokenizers' hash order, so its ids are compared in test_training.py's
    own way, not here.)"""
    lines = [line for _, line in multilingual_lines()]
    out = []
    for lib in (ferrotok, tokenizers):
        tok = lib.Tokenizer(getattr(lib.models, model)(**options))
        tok.normalizer = lib.normalizers.Sequence(
            [lib.normalizers.NFD(), lib.normalizers.Lowercase(), lib.normalizers.StripAccents()]
        )
        tok.pre_tokenizer = lib.pre_tokenizers.Whitespace()
        tok.post_processor = lib.processors.TemplateProcessing(
            single="[CLS] $A [SEP]",
            pair="[CLS] $A [SEP] $B:1 [SEP]:1",
            special_tokens=[("[CLS]", 1), ("[SEP]", 2)],
        )
        tok.decoder = lib.decoders.BPEDecoder()
        special = ["[UNK]", "[CLS]", "[SEP]"]
        tok.train_from_iterator(
            lines, getattr(lib.trainers, trainer)(vocab_size=3000, special_tokens=special)
        )
        encodings = tok.encode_batch(lines[:60] + fixed_cases())
        out.append(
            (
                tok.get_vocab(),
                [e.ids for e in encodings],
                [e.tokens for e in encodings],
                [tok.decode(e.ids) for e in encodings],
            )
        )
    (vocab, ids, tokens, texts_back), (ref_vocab, ref_ids, ref_tokens, ref_texts_back) = out
    assert vocab == ref_vocab
    assert ids == ref_ids
    assert tokens == ref_tokens
    assert texts_back == ref_texts_back


def test_tokenizer_of_a_bad_model() -> None:
    with pytest.raises(TypeError, match="expected a model"):
        ferrotok.Tokenizer("not a model")
    with pytest.raises(ValueError, match="sampling"):
        ferrotok.models.Unigram(alpha=0.1)
