"""SentencePiece classes that transformers 5.24 runs in Python (no fast tokenizer), against it at test time.

M2M100Tokenizer runs the `sentencepiece` model and looks the pieces up in vocab.json. Its folders are built
the way fairseq checkpoints are laid out: a SentencePiece model trained at test time, a vocab.json with
`<s> <pad> </s> <unk>` first and the pieces in another order than the model's (fairseq orders them by
frequency), and a tokenizer_config.json naming the class. BertGenerationTokenizer uses the model's own ids.
Every field transformers' pure-Python tokenizer returns is compared (it has no offsets), with decoding,
special tokens and class defaults.
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest
import spm_folders
from conftest import multilingual_lines
from parity import plain

transformers = pytest.importorskip("transformers")
spm = pytest.importorskip("sentencepiece")
pytest.importorskip("google.protobuf")
from ferrotok import AutoTokenizer  # noqa: E402
from sentencepiece import sentencepiece_model_pb2 as model_pb2  # noqa: E402

LINES = [
    *[line for _, line in multilingual_lines()][:150],
    "",
    " ",
    "  x  y ",
    "1234 ☃ \U0001f600 <s> a</s>",
    "__fr__ spelled in the text __en__",
    "a<pad>b <unk>",
    "[CLS] control [SEP] pieces [MASK] <::::>",
]


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("spm-vocab-json")
    out = spm_folders.train_all(root)
    corpus = root / "corpus.txt"
    options = {"model_type": "bpe", "vocab_size": 1500, "character_coverage": 0.9995}
    spm.SentencePieceTrainer.train(
        input=str(corpus), model_prefix=str(root / "bpe"), minloglevel=2, num_threads=1, **options
    )
    out["bpe"] = root / "bpe.model"
    # A character-level model, as SpeechT5's `spm_char.model`.
    options = {"model_type": "char", "vocab_size": 300, "character_coverage": 0.9995}
    spm.SentencePieceTrainer.train(
        input=str(corpus), model_prefix=str(root / "char"), minloglevel=2, num_threads=1, **options
    )
    out["char"] = root / "char.model"
    return out


def fairseq_vocab(model: Path, drop: str | None = None) -> dict[str, int]:
    """fairseq's dictionary: its four specials, then every other piece in a shuffled order."""
    proto = model_pb2.ModelProto()
    proto.ParseFromString(model.read_bytes())
    pieces = [p.piece for p in proto.pieces if p.piece not in ("<unk>", "<s>", "</s>") and p.piece != drop]
    random.Random(0).shuffle(pieces)
    vocab = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}
    for piece in pieces:
        vocab.setdefault(piece, len(vocab))
    return vocab


def m2m_folder(root: Path, model: Path, name: str, vocab: dict[str, int] | None = None, **config) -> Path:
    directory = root / name
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    shutil.copy(model, directory / "sentencepiece.bpe.model")
    (directory / "vocab.json").write_text(json.dumps(vocab or fairseq_vocab(model)), encoding="utf-8")
    config = {"tokenizer_class": "M2M100Tokenizer", **config}
    (directory / "tokenizer_config.json").write_text(json.dumps(config), encoding="utf-8")
    return directory


def compare_call(ours, theirs, *args, **kwargs) -> None:
    """Every field equal. (transformers' pure-Python classes order the keys their own way, e.g. the
    attention mask last; ferrotok keeps the fast tokenizers' order.)"""
    got, expected = ours(*args, **kwargs), theirs(*args, **kwargs)
    assert sorted(got.keys()) == sorted(expected.keys())
    for key in expected:
        assert plain(got[key]) == plain(expected[key]), (key, args, kwargs)


CASES = [
    ("unigram", {}),
    ("bpe", {"src_lang": "fr"}),
    ("unigram", {"language_codes": "wmt21", "src_lang": "de"}),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c[0] + "".join(f"-{k}={v}" for k, v in c[1].items()))
def test_m2m100_folder_matches_transformers(models, tmp_path, case):
    model, config = case
    directory = m2m_folder(tmp_path, models[model], "m2m", **config)
    assert_same_tokenizer(directory)


@pytest.mark.parametrize("model", ["unigram", "bpe", "albert"])
def test_bert_generation_folder_matches_transformers(models, tmp_path, model):
    directory = tmp_path / "bert-generation"
    directory.mkdir()
    shutil.copy(models[model], directory / "spiece.model")
    config = {"tokenizer_class": "BertGenerationTokenizer"}
    (directory / "tokenizer_config.json").write_text(json.dumps(config), encoding="utf-8")
    assert_same_tokenizer(directory)


def assert_same_tokenizer(directory: Path, lines: list[str] = LINES, min_plain: int = 100) -> None:
    LINES = lines  # the module's lines, unless a class needs fewer
    ours = AutoTokenizer.from_pretrained(directory)
    theirs = transformers.AutoTokenizer.from_pretrained(str(directory))
    assert ours.special_tokens_map == theirs.special_tokens_map
    assert ours.all_special_ids == theirs.all_special_ids
    assert (ours.padding_side, ours.truncation_side) == (theirs.padding_side, theirs.truncation_side)
    assert ours.model_input_names == theirs.model_input_names
    for line in LINES:
        # The pure-Python class names a piece outside vocab.json by its text, ferrotok by the unk token.
        if theirs.unk_token_id not in theirs(line)["input_ids"]:
            assert ours.tokenize(line) == theirs.tokenize(line), line
    fields = {"return_special_tokens_mask": True, "return_length": True}
    compare_call(ours, theirs, LINES, return_token_type_ids=True, **fields)
    # (Pairs' type ids differ: README, "Where ferrotok differs".)
    compare_call(ours, theirs, LINES[:30], LINES[30:60], **fields)
    # An odd room for the two texts: a tie is cut from the second text, as transformers' Python classes do.
    pair_length = 17 + theirs.num_special_tokens_to_add(pair=True)
    compare_call(
        ours, theirs, LINES[:30], LINES[30:60], truncation=True, max_length=pair_length, padding=True
    )
    compare_call(ours, theirs, LINES[:30], padding="max_length", max_length=40, truncation=True)
    ids = theirs(LINES)["input_ids"]
    assert ours.batch_decode(ids, skip_special_tokens=True) == theirs.batch_decode(
        ids, skip_special_tokens=True
    )
    # With the special tokens kept, rows with none inside the text (README, "Where ferrotok differs").
    specials = set(theirs.all_special_ids)
    around = sum(i in specials for i in theirs("")["input_ids"])  # the template's own special tokens
    plain_rows = [row for row in ids if sum(i in specials for i in row) == around]
    assert len(plain_rows) > min_plain
    assert ours.batch_decode(plain_rows) == theirs.batch_decode(plain_rows)


def test_m2m100_piece_missing_from_vocab_json_is_refused(models, tmp_path):
    """transformers maps such a piece to <unk>, which a model document cannot express: refused by name."""
    model = models["unigram"]
    proto = model_pb2.ModelProto()
    proto.ParseFromString(model.read_bytes())
    piece = next(p.piece for p in proto.pieces if p.type == 1 and len(p.piece) > 3)
    directory = m2m_folder(tmp_path, model, "missing", vocab=fairseq_vocab(model, drop=piece))
    with pytest.raises(ValueError, match=r"vocab\.json") as info:
        AutoTokenizer.from_pretrained(directory)
    assert piece in str(info.value)


def test_m2m100_unknown_src_lang_is_refused(models, tmp_path):
    directory = m2m_folder(tmp_path, models["unigram"], "bad-lang", src_lang="xx")
    with pytest.raises(KeyError):
        transformers.AutoTokenizer.from_pretrained(str(directory))
    with pytest.raises(ValueError, match="src_lang"):
        AutoTokenizer.from_pretrained(directory)


def test_bert_generation_legacy_false_is_refused(models, tmp_path):
    """`legacy: false` changes how transformers strips the dummy prefix around added tokens; not offered."""
    shutil.copy(models["unigram"], tmp_path / "spiece.model")
    config = {"tokenizer_class": "BertGenerationTokenizer", "legacy": False}
    (tmp_path / "tokenizer_config.json").write_text(json.dumps(config), encoding="utf-8")
    with pytest.raises(ValueError, match="legacy"):
        AutoTokenizer.from_pretrained(tmp_path)


PLBART_LINES = [
    "def maximum(a,b,c):NEW_LINE_INDENTreturn max([a,b,c])",
    "__java__ spelled in the text __python__ <mask> end",
    "x <mask>y",
    "a , b . c ! d ? e n't f 's g 'm h 've i 're",
]


@pytest.mark.parametrize(
    "config",
    [
        {},
        {"src_lang": "python"},
        {"language_codes": "multi"},
        {"language_codes": "multi", "src_lang": "__go__"},
    ],
    ids=lambda c: "-".join(f"{k}={v}" for k, v in c.items()) or "default",
)
@pytest.mark.parametrize("model", ["unigram", "bpe"])
def test_plbart_folder_matches_transformers(models, tmp_path, model, config):
    directory = tmp_path / "plbart"
    directory.mkdir()
    shutil.copy(models[model], directory / "sentencepiece.bpe.model")
    config = {"tokenizer_class": "PLBartTokenizer", **config}
    (directory / "tokenizer_config.json").write_text(json.dumps(config), encoding="utf-8")
    if config.get("language_codes") == "multi":
        # `multi` has no `<mask>` in its vocabulary: transformers gives it `<unk>`'s id, ferrotok its own
        # id after the vocabulary (README, "Where ferrotok differs").
        ours = AutoTokenizer.from_pretrained(directory)
        theirs = transformers.AutoTokenizer.from_pretrained(str(directory))
        assert theirs.mask_token_id == theirs.unk_token_id
        assert ours.mask_token_id == len(theirs)
        assert ours.mask_token == theirs.mask_token
        lines = [line for line in LINES if "<mask>" not in line]
        compare_call(ours, theirs, lines, return_token_type_ids=True, return_special_tokens_mask=True)
        pair_length = 16 + theirs.num_special_tokens_to_add(pair=True)
        compare_call(
            ours, theirs, lines[:30], lines[30:60], truncation=True, max_length=pair_length, padding=True
        )
        ids = theirs(lines)["input_ids"]
        for skip in (False, True):
            assert ours.batch_decode(ids, skip_special_tokens=skip) == theirs.batch_decode(
                ids, skip_special_tokens=skip
            )
        return
    assert_same_tokenizer(directory)
    ours = AutoTokenizer.from_pretrained(directory)
    theirs = transformers.AutoTokenizer.from_pretrained(str(directory))
    compare_call(ours, theirs, PLBART_LINES, return_special_tokens_mask=True)
    for line in PLBART_LINES:
        # (transformers' Python classes name a piece outside the vocabulary by its text, and the mask
        # token without the space it strips: README, "Where ferrotok differs".)
        if theirs.unk_token_id not in theirs(line)["input_ids"] and "<mask>" not in line:
            assert ours.tokenize(line) == theirs.tokenize(line), line
    assert ours.get_vocab() == theirs.get_vocab()


def test_plbart_unknown_src_lang_is_refused(models, tmp_path):
    shutil.copy(models["unigram"], tmp_path / "sentencepiece.bpe.model")
    config = {"tokenizer_class": "PLBartTokenizer", "src_lang": "cobol"}
    (tmp_path / "tokenizer_config.json").write_text(json.dumps(config), encoding="utf-8")
    with pytest.raises(KeyError):
        transformers.AutoTokenizer.from_pretrained(str(tmp_path))
    with pytest.raises(ValueError, match="src_lang"):
        AutoTokenizer.from_pretrained(tmp_path)


def marian_folder(root: Path, model: Path, vocab: dict[str, int] | None = None, **config) -> Path:
    """An OPUS-MT style folder: source.spm and target.spm (here the same model) and one vocab.json
    (`</s>`, `<unk>` first, `<pad>` last, the pieces in between in another order than the model's)."""
    directory = root / "marian"
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    shutil.copy(model, directory / "source.spm")
    shutil.copy(model, directory / "target.spm")
    if vocab is None:
        vocab = {"</s>": 0, "<unk>": 1}
        for piece in fairseq_vocab(model):
            vocab.setdefault(piece, len(vocab))
        vocab.pop("<pad>")
        vocab.pop("<s>")
        vocab = {piece: i for i, piece in enumerate(vocab)}
        vocab["<pad>"] = len(vocab)
    (directory / "vocab.json").write_text(json.dumps(vocab), encoding="utf-8")
    config = {"tokenizer_class": "MarianTokenizer", **config}
    (directory / "tokenizer_config.json").write_text(json.dumps(config), encoding="utf-8")
    return directory


@pytest.mark.parametrize("model", ["unigram", "bpe"])
def test_marian_folder_matches_transformers(models, tmp_path, model):
    directory = marian_folder(tmp_path, models[model])
    # Marian's special-tokens mask also marks special tokens inside the text, `<unk>` included (README,
    # "Where ferrotok differs"); the ids are the same.
    theirs = transformers.AutoTokenizer.from_pretrained(str(directory))
    specials = set(theirs.all_special_ids)
    plain_lines = [
        line for line in LINES if not specials & set(theirs(line, add_special_tokens=False)["input_ids"])
    ]
    assert len(plain_lines) > 120
    assert_same_tokenizer(directory, plain_lines)
    ours = AutoTokenizer.from_pretrained(directory)
    assert ours(LINES)["input_ids"] == theirs(LINES)["input_ids"]
    assert ours.model_max_length == theirs.model_max_length
    assert ours.get_vocab() == theirs.get_vocab()


def test_marian_language_codes_are_refused(models, tmp_path):
    """transformers takes a `>>lang<<` code only at the start of a text; not offered, refused by name."""
    vocab = {"</s>": 0, "<unk>": 1, ">>fr<<": 2}
    for piece in fairseq_vocab(models["unigram"]):
        vocab.setdefault(piece, len(vocab))
    directory = marian_folder(tmp_path, models["unigram"], vocab=vocab)
    transformers.AutoTokenizer.from_pretrained(str(directory))  # transformers builds it
    with pytest.raises(ValueError, match=">>fr<<"):
        AutoTokenizer.from_pretrained(directory)


GPT_SW3_LINES = [
    "tab\there, form\x0cfeed, nul\x00 and\u200bzero width, nbsp\u00a0and soft\u00adhyphen",
    "en\u2002em\u2003thin\u2009hair\u200anarrow\u202fideographic\u3000object\ufffcend",
    "decomposed e\u0301 and composed \u00e9",
]


@pytest.mark.parametrize("model", ["unigram", "bpe"])
def test_gpt_sw3_folder_matches_transformers(models, tmp_path, model):
    directory = tmp_path / "gpt-sw3"
    directory.mkdir()
    shutil.copy(models[model], directory / "spiece.model")
    (directory / "tokenizer_config.json").write_text(json.dumps({"tokenizer_class": "GPTSw3Tokenizer"}))
    # `</s>` is a control piece of these models but no special token of GPT-Sw3: the `sentencepiece`
    # library never produces it, a Unigram model document does where the text spells it (README).
    lines = [line for line in [*LINES, *GPT_SW3_LINES] if "</s>" not in line]
    assert_same_tokenizer(directory, lines)


def test_speecht5_folder_matches_transformers(models, tmp_path):
    directory = tmp_path / "speecht5"
    directory.mkdir()
    shutil.copy(models["char"], directory / "spm_char.model")
    config = {"tokenizer_class": "SpeechT5Tokenizer"}
    (directory / "tokenizer_config.json").write_text(json.dumps(config), encoding="utf-8")
    # (A small character vocabulary: many lines have an unknown char, a special id when decoding.)
    assert_same_tokenizer(directory, min_plain=50)


def test_char_model_is_refused_for_other_classes(models, tmp_path):
    """transformers has no converter for a character-level model outside SpeechT5."""
    shutil.copy(models["char"], tmp_path / "spiece.model")
    (tmp_path / "tokenizer_config.json").write_text(json.dumps({"tokenizer_class": "T5Tokenizer"}))
    with pytest.raises(ValueError, match="model_type") as info:
        AutoTokenizer.from_pretrained(tmp_path)
    assert "spiece.model" in str(info.value)


@pytest.mark.parametrize("model", ["unigram", "bpe"])
def test_marian_targets_see_tokens_added_after_load(models, tmp_path, model):
    """transformers' added tokens serve both sides: `text_target` after `add_tokens` finds them too."""
    directory = marian_folder(tmp_path, models[model])
    ours = AutoTokenizer.from_pretrained(directory)
    theirs = transformers.AutoTokenizer.from_pretrained(str(directory))
    lines = ["a newtok b<x>c", "plain text", "<y> at the start newtok"]
    # A first call reads the target side before the tokens are added.
    assert ours(lines, text_target=lines)["labels"] == theirs(lines, text_target=lines)["labels"]
    for tok in (ours, theirs):
        assert tok.add_tokens(["newtok", "<x>"]) == 2
        assert tok.add_tokens(["<y>"], special_tokens=True) == 1
    got, expected = ours(lines, text_target=lines), theirs(lines, text_target=lines)
    assert got["input_ids"] == expected["input_ids"]
    assert got["labels"] == expected["labels"]
    assert any(ours.convert_tokens_to_ids("newtok") in row for row in got["labels"])
