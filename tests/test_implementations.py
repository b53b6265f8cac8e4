"""tokenizers' ready-made tokenizers (`ferrotok.implementations`), the model file readers and writers
(`Model.read_file` / `from_file` / `save`) and `Tokenizer`'s async calls, against tokenizers at test time."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import ferrotok
import pytest
import tokenizers
from adversarial import fixed_cases
from conftest import FIXTURES, multilingual_lines

CLASSES = [
    "ByteLevelBPETokenizer",
    "CharBPETokenizer",
    "SentencePieceBPETokenizer",
    "SentencePieceUnigramTokenizer",
    "BertWordPieceTokenizer",
]
# Constructor arguments other than the defaults, per class.
OPTIONS = {
    "ByteLevelBPETokenizer": {
        "add_prefix_space": True,
        "lowercase": True,
        "unicode_normalizer": "nfkc",
        "trim_offsets": True,
    },
    "CharBPETokenizer": {
        "suffix": "@@",
        "lowercase": True,
        "unicode_normalizer": "nfd",
        "bert_normalizer": False,
        "split_on_whitespace_only": True,
    },
    "SentencePieceBPETokenizer": {"replacement": "_", "add_prefix_space": False, "fuse_unk": True},
    "SentencePieceUnigramTokenizer": {"replacement": "_", "add_prefix_space": False},
    "BertWordPieceTokenizer": {"strip_accents": True, "lowercase": False, "wordpieces_prefix": "@@"},
}
BENCH_TEXT = (FIXTURES.parent.parent / "benches" / "sample.txt").read_text(encoding="utf-8").splitlines()
TEXTS = [line for _, line in multilingual_lines()] + fixed_cases()


def both(name: str, *args, **kwargs):
    return getattr(ferrotok, name)(*args, **kwargs), getattr(tokenizers, name)(*args, **kwargs)


def document(tok) -> dict:
    return json.loads(tok.to_str())


def assert_same_encodings(ours, theirs, texts: list[str]) -> None:
    got, want = ours.encode_batch(texts), theirs.encode_batch(texts)
    for field in (
        "ids",
        "tokens",
        "offsets",
        "type_ids",
        "attention_mask",
        "special_tokens_mask",
        "word_ids",
    ):
        assert [getattr(e, field) for e in got] == [getattr(e, field) for e in want], field
    ids = [e.ids for e in want]
    assert ours.decode_batch(ids) == theirs.decode_batch(ids)


@pytest.mark.parametrize("name", CLASSES)
@pytest.mark.parametrize("custom", [False, True], ids=["defaults", "options"])
def test_untrained_pipeline_is_tokenizers(name: str, custom: bool) -> None:
    ours, theirs = both(name, **(OPTIONS[name] if custom else {}))
    assert document(ours) == document(theirs)
    if name == "BertWordPieceTokenizer":  # an empty WordPiece holds its unk token in ferrotok (README)
        assert repr(ours) == repr(theirs).replace("vocabulary_size=0", "vocabulary_size=1")
    else:
        assert repr(ours) == repr(theirs)
    text = "Héllo  WORLD ﬁ"
    if theirs.normalizer is None:  # tokenizers raises AttributeError there
        assert ours.normalize(text) == text
    else:
        assert ours.normalize(text) == theirs.normalize(text)


@pytest.fixture(scope="module")
def trained_files(tmp_path_factory) -> dict[str, list[str]]:
    """Each class trained by tokenizers on the bench text, saved with `save_model`."""
    out = {}
    for name in CLASSES:
        theirs = getattr(tokenizers, name)()
        options = {"vocab_size": 1500, "show_progress": False}
        theirs.train_from_iterator(BENCH_TEXT, **options)
        folder = tmp_path_factory.mktemp(name)
        out[name] = theirs.save_model(str(folder), "t")
    return out


@pytest.mark.parametrize("name", [n for n in CLASSES if n != "SentencePieceUnigramTokenizer"])
@pytest.mark.parametrize("custom", [False, True], ids=["defaults", "options"])
def test_from_file_encodes_decodes_and_saves_like_tokenizers(name, custom, trained_files, tmp_path) -> None:
    kwargs = OPTIONS[name] if custom else {}
    if name == "BertWordPieceTokenizer" and custom:
        kwargs = {k: v for k, v in kwargs.items() if k != "wordpieces_prefix"}
    ours = getattr(ferrotok, name).from_file(*trained_files[name], **kwargs)
    theirs = getattr(tokenizers, name).from_file(*trained_files[name], **kwargs)
    assert document(ours) == document(theirs)
    assert_same_encodings(ours, theirs, TEXTS)
    pair = ("Hello world", "and its pair")
    assert ours.encode(*pair).ids == theirs.encode(*pair).ids
    for path, written in zip(trained_files[name], ours.save_model(str(tmp_path), "again"), strict=True):
        assert Path(written).name == Path(path).name.replace("t-", "again-", 1)
        assert Path(written).read_bytes() == Path(path).read_bytes()


def test_byte_level_bpe_trains_like_tokenizers() -> None:
    ours, theirs = both("ByteLevelBPETokenizer", add_prefix_space=True)
    options = {
        "vocab_size": 1200,
        "min_frequency": 2,
        "show_progress": False,
        "special_tokens": ["<s>", "</s>"],
    }
    ours.train_from_iterator(BENCH_TEXT, **options)
    theirs.train_from_iterator(BENCH_TEXT, **options)
    assert document(ours) == document(theirs)
    assert_same_encodings(ours, theirs, TEXTS)


@pytest.mark.parametrize("name", CLASSES[1:])
def test_training_keeps_the_pipeline_and_learns_the_same_vocabulary(name: str, tmp_path) -> None:
    # Where tokenizers breaks ties in hash order (README) its own runs differ, so the documents are compared
    # outside the model, and the vocabularies as sets on text whose alphabet fits `limit_alphabet`.
    ours, theirs = both(name)
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("\n".join(BENCH_TEXT) + "\n", encoding="utf-8")
    options = {"vocab_size": 800, "show_progress": False}
    ours.train(str(corpus), **options)
    theirs.train([str(corpus)], **options)
    got, want = document(ours), document(theirs)
    assert {k: v for k, v in got.items() if k != "model"} == {k: v for k, v in want.items() if k != "model"}
    assert {k: v for k, v in got["model"].items() if k not in ("vocab", "merges")} == {
        k: v for k, v in want["model"].items() if k not in ("vocab", "merges")
    }
    assert ours.get_vocab_size() == theirs.get_vocab_size()
    if name != "SentencePieceUnigramTokenizer":
        overlap = set(ours.get_vocab()) & set(theirs.get_vocab())
        assert len(overlap) >= 0.98 * theirs.get_vocab_size()


def test_bert_wordpiece_needs_its_template_tokens() -> None:
    for lib in (ferrotok, tokenizers):
        with pytest.raises(TypeError, match="sep_token not found"):
            lib.BertWordPieceTokenizer({"[UNK]": 0, "[CLS]": 1, "a": 2})
        with pytest.raises(TypeError, match="cls_token not found"):
            lib.BertWordPieceTokenizer({"[UNK]": 0, "[SEP]": 1, "a": 2})


def test_unknown_unicode_normalizer_is_refused() -> None:
    with pytest.raises(ValueError, match="unicode_normalizer"):
        ferrotok.ByteLevelBPETokenizer(unicode_normalizer="nfx")


def test_from_spm_matches_tokenizers(tmp_path, monkeypatch) -> None:
    spm = pytest.importorskip("sentencepiece")
    pytest.importorskip("google.protobuf")
    from sentencepiece import sentencepiece_model_pb2
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("\n".join(line for _, line in multilingual_lines()) + "\n", encoding="utf-8")
    for name, options in {
        "plain": {},
        "fallback": {"byte_fallback": True},
        "identity": {"normalization_rule_name": "identity"},
    }.items():
        prefix = tmp_path / name
        spm.SentencePieceTrainer.train(
            input=str(corpus),
            model_prefix=str(prefix),
            model_type="unigram",
            vocab_size=2000,
            minloglevel=2,
            num_threads=1,
            **options,
        )
        # tokenizers' from_spm imports `sentencepiece_model_pb2` as a top-level module: the wheel's own
        # module under that name (importing its file a second time would register the proto twice).
        monkeypatch.setitem(sys.modules, "sentencepiece_model_pb2", sentencepiece_model_pb2)
        ours = ferrotok.SentencePieceUnigramTokenizer.from_spm(str(prefix) + ".model")
        theirs = tokenizers.SentencePieceUnigramTokenizer.from_spm(str(prefix) + ".model")
        assert document(ours) == document(theirs), name
        assert_same_encodings(ours, theirs, TEXTS)
    spm.SentencePieceTrainer.train(
        input=str(corpus),
        model_prefix=str(tmp_path / "bpe"),
        model_type="bpe",
        vocab_size=2000,
        minloglevel=2,
    )
    with pytest.raises(ValueError, match=r"bpe\.model.*not a Unigram model"):
        ferrotok.SentencePieceUnigramTokenizer.from_spm(str(tmp_path / "bpe.model"))


@pytest.mark.parametrize(
    "model",
    [
        lambda lib: lib.models.BPE({"a": 0, "b": 1, "ab": 2, 'é\u001f"': 3}, [("a", "b")]),
        lambda lib: lib.models.BPE(),
        lambda lib: lib.models.WordPiece({"[UNK]": 0, "a": 1, "##b": 2}, unk_token="[UNK]"),
        lambda lib: lib.models.WordLevel({"[UNK]": 0, "ü": 1}, unk_token="[UNK]"),
        lambda lib: lib.models.Unigram(
            [("<unk>", 0.0), ("a", -1.5), ("e-05", -1e-05), ("b", -2e20)], 0, True
        ),
    ],
    ids=["bpe", "bpe-empty", "wordpiece", "wordlevel", "unigram"],
)
@pytest.mark.parametrize("prefix", [None, "p"])
def test_model_save_writes_tokenizers_files(model, prefix, tmp_path) -> None:
    (tmp_path / "ours").mkdir()
    (tmp_path / "theirs").mkdir()
    ours = model(ferrotok).save(str(tmp_path / "ours"), prefix)
    theirs = model(tokenizers).save(str(tmp_path / "theirs"), prefix)
    assert [Path(p).name for p in ours] == [Path(p).name for p in theirs]
    for a, b in zip(ours, theirs, strict=True):
        assert Path(a).read_bytes() == Path(b).read_bytes(), Path(a).name
    with pytest.raises(FileNotFoundError, match="missing"):
        model(ferrotok).save(str(tmp_path / "missing"))


def test_model_read_file_and_from_file_match_tokenizers(tmp_path) -> None:
    gpt2 = FIXTURES / "gpt2"
    args = (str(gpt2 / "vocab.json"), str(gpt2 / "merges.txt"))
    assert ferrotok.models.BPE.read_file(*args) == tokenizers.models.BPE.read_file(*args)
    words = ["Hello", "naïve", "東京"]
    ours, theirs = ferrotok.models.BPE.from_file(*args), tokenizers.models.BPE.from_file(*args)
    assert [[t.value for t in ours.tokenize(w)] for w in words] == [
        [t.value for t in theirs.tokenize(w)] for w in words
    ]
    vocab_txt = tmp_path / "vocab.txt"
    vocab_txt.write_text("[UNK]\nhello\n##s\n\nlast", encoding="utf-8")
    assert ferrotok.models.WordPiece.read_file(str(vocab_txt)) == tokenizers.models.WordPiece.read_file(
        str(vocab_txt)
    )
    wp = ferrotok.models.WordPiece.from_file(str(vocab_txt), max_input_chars_per_word=5)
    assert [t.value for t in wp.tokenize("hellos")] == ["[UNK]"]
    assert ferrotok.models.WordLevel.read_file(args[0]) == tokenizers.models.WordLevel.read_file(args[0])
    bad = tmp_path / "bad.txt"
    bad.write_text("#version: 0.2\na b c\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.txt: line 2"):
        ferrotok.models.BPE.read_file(args[0], str(bad))


def test_async_calls_give_the_sync_results() -> None:
    gpt2 = FIXTURES / "gpt2"
    ours = ferrotok.ByteLevelBPETokenizer.from_file(str(gpt2 / "vocab.json"), str(gpt2 / "merges.txt"))
    theirs = tokenizers.ByteLevelBPETokenizer.from_file(str(gpt2 / "vocab.json"), str(gpt2 / "merges.txt"))
    texts = TEXTS[:20]

    async def run(tok):
        batch = await tok.async_encode_batch(texts)
        fast = await tok.async_encode_batch_fast(texts)
        decoded = await tok.async_decode_batch([e.ids for e in batch])
        single = await tok._tokenizer.async_encode(texts[0], texts[1])
        return [e.ids for e in batch], [e.ids for e in fast], decoded, single.ids

    assert asyncio.run(run(ours)) == asyncio.run(run(theirs))
    with pytest.raises(ValueError, match="inputs"):
        asyncio.run(ours.async_encode_batch(None))
