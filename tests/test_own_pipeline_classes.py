"""SentencePiece classes that transformers 5.24 builds with a pipeline of their own, against it at test time.

- `Qwen3_5Tokenizer` and `Tipsv2Tokenizer` (fast tokenizers): a BPE of the model's pieces (the extractor's
  vocabulary and merges), then the class's own normalizer, pre-tokenizer and decoder. Every field is compared,
  offsets included, for texts, pairs and truncated pairs, with decoding and special tokens.
- `Speech2TextTokenizer` (transformers runs it in Python over the `sentencepiece` library): the model's pieces
  mapped through a fairseq-style vocab.json. Every field its Python class returns (it has no offsets).

Folders are built here: SentencePiece models trained at test time (spm_folders) on the committed multilingual
sample, and a tokenizer_config.json naming the class.
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest
import spm_folders
from adversarial import random_cases
from conftest import multilingual_lines
from parity import ALL_FIELDS, assert_same_settings, compare_call, compare_fields_call

transformers = pytest.importorskip("transformers")
spm = pytest.importorskip("sentencepiece")
pytest.importorskip("google.protobuf")
from ferrotok import AutoTokenizer  # noqa: E402
from sentencepiece import sentencepiece_model_pb2 as model_pb2  # noqa: E402

LINES = [
    *[line for _, line in multilingual_lines()][:120],
    "",
    " ",
    "  x  y ",
    "1234 ☃ \U0001f600 <s> a</s>",
    "Hello, world! It's 2024; don't panic. WE'RE LOUD",
    "a<pad>b <unk> <|endoftext|>x",
    "tabs\tand\nnew lines\r\n end ",
    "e\u0301 combining marks: \u0915\u093f \u0646\u064e",
]
SPM_MODELS = ["unigram", "bpe_fallback", "albert", "bpe_user"]


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return spm_folders.train_all(tmp_path_factory.mktemp("own-pipeline-models"))


def class_folder(root: Path, model: Path, tokenizer_class: str, file_name: str, **config) -> Path:
    directory = root / tokenizer_class
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    shutil.copy(model, directory / file_name)
    config = {"tokenizer_class": tokenizer_class, **config}
    (directory / "tokenizer_config.json").write_text(json.dumps(config), encoding="utf-8")
    return directory


def both(directory: Path):
    return AutoTokenizer.from_pretrained(directory), transformers.AutoTokenizer.from_pretrained(
        str(directory)
    )


def assert_same_fast(directory: Path) -> None:
    """Every field of a fast class (offsets included): texts, pairs, truncation, padding, decoding."""
    ours, theirs = both(directory)
    assert_same_settings(ours, theirs)
    assert ours.get_vocab() == theirs.get_vocab()
    assert ours.added_tokens_decoder.keys() == theirs.added_tokens_decoder.keys()
    texts = LINES + random_cases(60, seed=7)
    for text in texts[:40]:
        assert ours.tokenize(text) == theirs.tokenize(text), text
    extra = {**ALL_FIELDS, "return_token_type_ids": True}
    compare_call(ours, theirs, texts, **extra)
    compare_call(ours, theirs, texts[:40], texts[40:80], **extra)
    compare_call(
        ours, theirs, texts[:40], texts[40:80], truncation=True, max_length=24, padding=True, **extra
    )
    compare_call(ours, theirs, texts[:40], padding="max_length", max_length=48, truncation=True, **extra)
    ids = theirs(texts)["input_ids"]
    for skip in (False, True):
        assert ours.batch_decode(ids, skip_special_tokens=skip) == theirs.batch_decode(
            ids, skip_special_tokens=skip
        )


@pytest.mark.parametrize("model", SPM_MODELS)
@pytest.mark.parametrize(
    "config", [{}, {"add_prefix_space": True}, {"add_bos_token": True, "add_eos_token": True}], ids=str
)
def test_qwen3_5_from_tokenizer_model_matches_transformers(models, tmp_path, model, config):
    directory = class_folder(tmp_path, models[model], "Qwen3_5Tokenizer", "tokenizer.model", **config)
    assert_same_fast(directory)


@pytest.mark.parametrize("model", SPM_MODELS)
@pytest.mark.parametrize("config", [{}, {"do_lower_case": False}, {"add_eos_token": True}], ids=str)
def test_tipsv2_from_tokenizer_model_matches_transformers(models, tmp_path, model, config):
    directory = class_folder(tmp_path, models[model], "Tipsv2Tokenizer", "tokenizer.model", **config)
    assert_same_fast(directory)


def fairseq_vocab(model: Path) -> dict[str, int]:
    """fairseq's dictionary: its four specials, then every other piece in a shuffled order."""
    proto = model_pb2.ModelProto()
    proto.ParseFromString(model.read_bytes())
    pieces = [p.piece for p in proto.pieces if p.piece not in ("<unk>", "<s>", "</s>")]
    random.Random(0).shuffle(pieces)
    vocab = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}
    for piece in pieces:
        vocab.setdefault(piece, len(vocab))
    return vocab


def speech2text_folder(root: Path, model: Path, **config) -> Path:
    directory = class_folder(root, model, "Speech2TextTokenizer", "sentencepiece.bpe.model", **config)
    (directory / "vocab.json").write_text(json.dumps(fairseq_vocab(model)), encoding="utf-8")
    return directory


def assert_same_python_class(directory: Path, lines: list[str] = LINES) -> None:
    """Every field a pure-Python class returns (no offsets), tokens, decoding and settings."""
    ours, theirs = both(directory)
    assert_same_settings(ours, theirs)
    for line in lines:
        # The pure-Python class names a piece outside the vocabulary by its text, ferrotok by the unk token.
        # ferrotok's `tokenize` gives a special token with the spaces it strips (`</s> `), as the fast
        # tokenizers do (README, "Where ferrotok differs").
        if theirs.unk_token_id not in theirs(line)["input_ids"]:
            assert [t.strip() for t in ours.tokenize(line)] == theirs.tokenize(line), line
    fields = {"return_special_tokens_mask": True, "return_length": True}
    compare_fields_call(ours, theirs, lines, return_token_type_ids=True, **fields)
    # (Pairs' type ids differ, as for every Python class: README, "Where ferrotok differs".)
    compare_fields_call(ours, theirs, lines[:40], lines[40:80], **fields)
    compare_fields_call(ours, theirs, lines[:40], padding="max_length", max_length=40, truncation=True)
    ids = theirs(lines)["input_ids"]
    assert ours.batch_decode(ids, skip_special_tokens=True) == theirs.batch_decode(
        ids, skip_special_tokens=True
    )
    specials = set(theirs.all_special_ids)
    plain_rows = [row for row in ids if sum(i in specials for i in row) == 1]  # only the template's eos
    assert len(plain_rows) > 100
    assert ours.batch_decode(plain_rows) == theirs.batch_decode(plain_rows)


# Models with SentencePiece's default normalization, as Speech2Text checkpoints have.
@pytest.mark.parametrize("model", ["unigram", "albert", "bpe_user"])
@pytest.mark.parametrize("config", [{}, {"do_lower_case": True}], ids=str)
def test_speech2text_folder_matches_transformers(models, tmp_path, model, config):
    assert_same_python_class(speech2text_folder(tmp_path, models[model], **config))


@pytest.mark.parametrize("option", [{"do_upper_case": True}, {"lang_codes": "mustc"}], ids=str)
def test_speech2text_options_without_a_stage_are_refused(models, tmp_path, option):
    directory = speech2text_folder(tmp_path, models["unigram"], **option)
    with pytest.raises(ValueError, match=next(iter(option))):
        AutoTokenizer.from_pretrained(directory)


# SigLIP's canonicalization at work: punctuation, case, whitespace runs, "▁" in the text, added tokens.
SIGLIP_LINES = [
    # (Not a text ending in `</s>`, nor punctuation right after an added token: below.)
    *[line for line in LINES if not line.rstrip().endswith("</s>") and "<unk> <|" not in line],
    "A photo of a CAT!!! (on a mat), 50% off... #tags @you",
    " leading space, trailing space ",
    "...  punctuation first",
    "▁already▁spaced▁ text",
    "a </s> b<unk>c </s>d",
    "</s> first",
    "!!!",
    "x\u00a0y\u3000z\x1cw\x1fv\u2028u",
    "İstanbul ΣΊΣΥΦΟΣ Straße",
]


@pytest.mark.parametrize("model", ["unigram", "albert"])
@pytest.mark.parametrize("config", [{}, {"do_lower_case": False}], ids=str)
def test_siglip_folder_matches_transformers(models, tmp_path, model, config):
    directory = class_folder(tmp_path, models[model], "SiglipTokenizer", "spiece.model", **config)
    assert_same_python_class(directory, SIGLIP_LINES)
    ours, theirs = both(directory)
    assert ours.model_max_length == theirs.model_max_length == 64
    compare_fields_call(ours, theirs, SIGLIP_LINES, truncation=True, padding="max_length")


def test_siglip_differences_on_purpose(models, tmp_path):
    """transformers' class adds no `</s>` after a text whose tokens already end with it (ferrotok's template
    always does), and gives no "▁" to text after an added token that starts with punctuation (ferrotok
    does): README, "Where ferrotok differs"."""
    directory = class_folder(tmp_path, models["unigram"], "SiglipTokenizer", "spiece.model")
    ours, theirs = both(directory)
    expected = theirs("a cat </s>")["input_ids"]
    assert ours("a cat </s>")["input_ids"] == [*expected, theirs.eos_token_id]
    tokens = ours.convert_ids_to_tokens(ours("a <unk> !x")["input_ids"])
    assert theirs.convert_ids_to_tokens(theirs("a <unk> !x")["input_ids"]) == [*tokens[:2], "x", "</s>"]
    assert tokens[2:] in (["▁x", "</s>"], ["▁", "x", "</s>"])


def test_siglip_model_keeping_extra_whitespace_is_refused(models, tmp_path):
    directory = class_folder(tmp_path, models["bpe_fallback"], "SiglipTokenizer", "spiece.model")
    with pytest.raises(ValueError, match="remove_extra_whitespaces"):
        AutoTokenizer.from_pretrained(directory)


def added_tokens(tokenizer) -> dict[int, tuple]:
    return {
        i: (t.content, t.special, t.lstrip, t.rstrip, t.normalized, t.single_word)
        for i, t in tokenizer.added_tokens_decoder.items()
    }


# (transformers cannot build mLUKE from a BPE model: its Unigram rejects the extractor's BPE vocabulary.)
@pytest.mark.parametrize("model", ["unigram", "albert"])
def test_mluke_word_ids_match_transformers(models, tmp_path, model):
    """mLUKE's word-level pipeline (entity inputs: test_luke_entities.py)."""
    directory = class_folder(tmp_path, models[model], "MLukeTokenizer", "sentencepiece.bpe.model")
    assert_same_fast(directory)
    ours, theirs = both(directory)
    assert added_tokens(ours) == added_tokens(theirs)


def test_mluke_from_a_bpe_model_is_refused(models, tmp_path):
    """transformers cannot build mLUKE from a BPE model (its Unigram rejects the vocabulary): refused."""
    directory = class_folder(tmp_path, models["bpe_user"], "MLukeTokenizer", "sentencepiece.bpe.model")
    with pytest.raises(TypeError):
        transformers.AutoTokenizer.from_pretrained(str(directory))
    with pytest.raises(ValueError, match="model_type"):
        AutoTokenizer.from_pretrained(directory)
