"""`text_target`, `src_lang` / `tgt_lang` and the language templates of the translation classes (NLLB in
both `legacy_behaviour` modes, mBART, mBART-50, M2M100, PLBart) against transformers 5 at test time.

Folders are built from SentencePiece models trained here (tests/spm_folders.py); each test runs the same
sequence of calls and attribute changes on a ferrotok tokenizer and a transformers one and compares every
field, the language attributes, and the decoded labels.
"""

from __future__ import annotations

import json
import pickle
import random
import shutil
from pathlib import Path
from typing import Any

import pytest
import spm_folders as builders
from adversarial import fixed_cases
from parity import SAMPLE, TEXTS, plain

transformers = pytest.importorskip("transformers")
pytest.importorskip("sentencepiece")
pytest.importorskip("google.protobuf")
from ferrotok import AutoTokenizer  # noqa: E402
from sentencepiece import sentencepiece_model_pb2 as model_pb2  # noqa: E402

# (case id, class, trained model, tokenizer_config entries)
CASES = [
    ("nllb", "NllbTokenizer", "unigram", {}),
    ("nllb-src", "NllbTokenizer", "bpe_fallback", {"src_lang": "fra_Latn", "tgt_lang": "deu_Latn"}),
    ("nllb-legacy", "NllbTokenizer", "unigram", {"legacy_behaviour": True, "src_lang": "fra_Latn"}),
    ("mbart", "MBartTokenizer", "unigram", {}),
    ("mbart-src", "MBartTokenizer", "unigram", {"src_lang": "fr_XX", "tgt_lang": "de_DE"}),
    ("mbart50", "MBart50Tokenizer", "unigram", {}),
    ("mbart50-src", "MBart50Tokenizer", "unigram", {"src_lang": "de_DE", "tgt_lang": "ro_RO"}),
    ("m2m", "M2M100Tokenizer", "unigram", {"tgt_lang": "fr"}),
    (
        "m2m-wmt21",
        "M2M100Tokenizer",
        "unigram",
        {"language_codes": "wmt21", "src_lang": "de", "tgt_lang": "en"},
    ),
    ("plbart", "PLBartTokenizer", "unigram", {}),
    ("plbart-src", "PLBartTokenizer", "unigram", {"src_lang": "python", "tgt_lang": "en_XX"}),
    ("plbart-multi", "PLBartTokenizer", "unigram", {"language_codes": "multi", "tgt_lang": "__go__"}),
]
# A source and a target language each class knows (the second spelled as the class spells its codes).
LANGS = {
    "NllbTokenizer": ("deu_Latn", "spa_Latn"),
    "MBartTokenizer": ("ro_RO", "ja_XX"),
    "MBart50Tokenizer": ("sl_SI", "uk_UA"),
    "M2M100Tokenizer": ("de", "ja"),
    "PLBartTokenizer": ("java", "__python__"),
}
ADVERSARIAL = [text for text in fixed_cases() if len(text) < 300][:40]


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return builders.train_all(tmp_path_factory.mktemp("target-models"))


def fairseq_vocab(model: Path) -> dict[str, int]:
    """M2M100's vocab.json: fairseq's four specials, then the pieces in another order than the model's."""
    proto = model_pb2.ModelProto()
    proto.ParseFromString(model.read_bytes())
    pieces = [p.piece for p in proto.pieces if p.piece not in ("<unk>", "<s>", "</s>")]
    random.Random(0).shuffle(pieces)
    vocab = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}
    for piece in pieces:
        vocab.setdefault(piece, len(vocab))
    return vocab


def make(models: dict[str, Path], root: Path, case: tuple[str, str, str, dict[str, Any]]) -> Path:
    name, cls, model, config = case
    if cls == "PLBartTokenizer":
        directory = root / name
        shutil.rmtree(directory, ignore_errors=True)
        directory.mkdir(parents=True)
        shutil.copy(models[model], directory / "sentencepiece.bpe.model")
    elif cls == "M2M100Tokenizer":
        directory = root / name
        shutil.rmtree(directory, ignore_errors=True)
        directory.mkdir(parents=True)
        shutil.copy(models[model], directory / "sentencepiece.bpe.model")
        (directory / "vocab.json").write_text(json.dumps(fairseq_vocab(models[model])), encoding="utf-8")
    else:
        return builders.folder(root, models[model], cls, name, **config)
    config = {"tokenizer_class": cls, **config}
    (directory / "tokenizer_config.json").write_text(json.dumps(config), encoding="utf-8")
    return directory


def pair(models, tmp_path, case) -> tuple[Any, Any]:
    directory = make(models, tmp_path, case)
    return AutoTokenizer.from_pretrained(directory), transformers.AutoTokenizer.from_pretrained(
        str(directory)
    )


def same_call(ours: Any, theirs: Any, **call: Any) -> None:
    got, expected = ours(**call), theirs(**call)
    assert sorted(got.keys()) == sorted(expected.keys()), call
    for key in expected:
        if (
            key == "token_type_ids"
            and call.get("text_pair")
            and theirs.__class__.__name__ == "M2M100Tokenizer"
        ):
            continue  # the Python class's type ids of a pair (README, "Where ferrotok differs")
        assert plain(got[key]) == plain(expected[key]), (call, key)
    assert ours.src_lang == theirs.src_lang, call
    assert ours.tgt_lang == theirs.tgt_lang, call
    assert ours.encode("check the mode") == theirs.encode("check the mode"), call
    if "labels" in expected:
        labels = plain(expected["labels"])
        rows = labels if labels and isinstance(labels[0], list) else [labels]
        for skip in (False, True):
            got_text = ours.batch_decode(rows, skip_special_tokens=skip)
            assert got_text == theirs.batch_decode(rows, skip_special_tokens=skip), call


CALLS: list[dict[str, Any]] = [
    {"text": "hello world", "text_target": "bonjour le monde"},
    {"text_target": "bonjour le monde"},
    {"text_target": ["x", "y z w"], "padding": True},
    {"text": ["a b", "c"], "text_target": ["x", "y z w"], "padding": True, "return_tensors": "np"},
    {"text": ["a b", "c"], "text_target": ["x", "y z w"], "padding": "max_length", "max_length": 12},
    {"text": "a b c d e f", "text_target": "a b c d e f g h", "truncation": True, "max_length": 5},
    {
        "text": "a b c d e f",
        "text_target": "a b c d e f g h",
        "truncation": True,
        "max_length": 5,
        "max_target_length": 7,
    },
    {"text": "a b c d e f", "text_target": "a b c d e f g h i j", "max_target_length": 4},
    {"text": "a b c d e f", "text_target": "a b c d e f g h", "max_length": 6, "max_target_length": 3},
    {
        "text": "one",
        "text_pair": "two",
        "text_target": "un",
        "text_pair_target": "deux",
        "return_token_type_ids": True,
        "return_special_tokens_mask": True,
    },
    {"text": "hello", "text_target": "hallo", "src_lang": "xx_YY", "tgt_lang": "yy_ZZ"},  # ignored
    {"text": ["a", "b c"], "text_target": ["d e f", "g"], "padding": True, "return_tensors": "pt"},
    {"text": "hello", "text_target": "hallo", "add_special_tokens": False},
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_target_calls_match_transformers(models, tmp_path, case):
    ours, theirs = pair(models, tmp_path, case)
    assert ours.src_lang == theirs.src_lang and ours.tgt_lang == theirs.tgt_lang
    for call in CALLS:
        same_call(ours, theirs, **call)


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_language_attributes_and_setters(models, tmp_path, case):
    """Setting `src_lang` / `tgt_lang` (and transformers' template methods) changes the templates as in
    transformers; the language attributes that exist in transformers 5 agree."""
    ours, theirs = pair(models, tmp_path, case)
    source, target = LANGS[case[1]]
    names = ("prefix_tokens", "suffix_tokens", "cur_lang_code", "cur_lang_code_id", "cur_lang_id")
    names += ("lang_code_to_id", "id_to_lang_code", "lang_token_to_id", "lang_code_to_token")
    names += ("id_to_lang_token", "legacy_behaviour")

    def same_attributes() -> None:
        for name in names:
            assert hasattr(ours, name) == hasattr(theirs, name), name
            if hasattr(theirs, name):
                assert getattr(ours, name) == getattr(theirs, name), name

    same_attributes()
    for tok in (ours, theirs):
        tok.src_lang = source
    same_attributes()
    same_call(ours, theirs, text="hello there", text_target="bonjour")
    for tok in (ours, theirs):
        tok.tgt_lang = target
    same_call(ours, theirs, text="hello there", text_target="bonjour")
    same_call(
        ours, theirs, text=SAMPLE, text_target=SAMPLE[::-1], padding=True, truncation=True, max_length=24
    )
    same_attributes()
    for tok in (ours, theirs):
        tok.set_tgt_lang_special_tokens(source)
    assert ours.encode("a b") == theirs.encode("a b")
    same_attributes()
    same_call(ours, theirs, text="a b")  # back to the source template
    for tok in (ours, theirs):
        tok._switch_to_target_mode()
    assert ours.encode("a b") == theirs.encode("a b")
    for tok in (ours, theirs):
        tok._switch_to_input_mode()
    assert ours.encode("a b") == theirs.encode("a b")
    if case[1] == "M2M100Tokenizer":
        assert ours.get_lang_id(target) == theirs.get_lang_id(target)
        assert ours.get_lang_token(target) == theirs.get_lang_token(target)


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_multilingual_and_adversarial_targets(models, tmp_path, case):
    """The multilingual sample and adversarial strings as inputs and targets. transformers' Python classes
    (M2M100, PLBart) are given the sample only: they already read control characters differently for plain
    text (README, "Where ferrotok differs")."""
    ours, theirs = pair(models, tmp_path, case)
    python_class = case[1] in ("M2M100Tokenizer", "PLBartTokenizer")
    for texts in (TEXTS[:60],) if python_class else (TEXTS[:60], ADVERSARIAL):
        targets = texts[::-1]
        same_call(ours, theirs, text=texts, text_target=targets)
        same_call(
            ours,
            theirs,
            text=texts,
            text_target=targets,
            padding="longest",
            truncation=True,
            max_length=40,
            max_target_length=20,
            return_tensors="np",
            return_attention_mask=True,
        )
        if not python_class:
            same_call(
                ours, theirs, text_target=targets, text_pair_target=texts, truncation=True, max_length=30
            )
        same_call(ours, theirs, text_target=targets, text_pair_target=texts)


@pytest.mark.parametrize(
    ("case", "which", "code"),
    [
        (("m2m", "M2M100Tokenizer", "unigram", {"tgt_lang": "fr"}), "src_lang", "xx"),
        (("m2m", "M2M100Tokenizer", "unigram", {"tgt_lang": "fr"}), "tgt_lang", "fr_XX"),
        (("plbart", "PLBartTokenizer", "unigram", {}), "src_lang", "cobol"),
        (("plbart", "PLBartTokenizer", "unigram", {}), "tgt_lang", "go"),  # a `multi` code, not in `base`
    ],
)
def test_unknown_language_code_raises_key_error(models, tmp_path, case, which, code):
    """Classes that look codes up in their own table raise KeyError as transformers does, naming the code
    (`src_lang` when set, `tgt_lang` when the target template is built)."""
    ours, theirs = pair(models, tmp_path, case)
    for tok in (theirs, ours):
        with pytest.raises(KeyError, match=code):
            setattr(tok, which, code)
            tok("hello", text_target="bonjour")


def test_m2m100_target_without_tgt_lang_raises_key_error(models, tmp_path):
    ours, theirs = pair(models, tmp_path, ("m2m", "M2M100Tokenizer", "unigram", {}))
    for tok in (theirs, ours):
        with pytest.raises(KeyError):
            tok("hello", text_target="bonjour")
    same_call(ours, theirs, text="hello")


@pytest.mark.parametrize("case", [CASES[0], CASES[2], CASES[3], CASES[5]], ids=lambda c: c[0])
def test_unknown_code_in_fast_classes_is_the_unk_id(models, tmp_path, case):
    """NLLB and mBART(-50) look codes up in the vocabulary: an unknown one is the unk id, as in transformers."""
    ours, theirs = pair(models, tmp_path, case)
    for tok in (ours, theirs):
        tok.src_lang = "xx_YY"
        tok.tgt_lang = "zz_ZZ"
    same_call(ours, theirs, text="hello", text_target="bonjour")
    assert ours.unk_token_id in ours("hello")["input_ids"]


def test_saved_fast_folders_keep_their_language_modes(models, tmp_path):
    """A folder transformers saved (tokenizer.json + config) behaves as the SentencePiece folder."""
    for case in (CASES[1], CASES[2], CASES[4], CASES[6]):
        _, theirs = pair(models, tmp_path, case)
        saved = tmp_path / f"{case[0]}-saved"
        theirs.save_pretrained(str(saved))
        ours = AutoTokenizer.from_pretrained(saved)
        theirs = transformers.AutoTokenizer.from_pretrained(str(saved))
        for call in CALLS[:6]:
            same_call(ours, theirs, **call)


@pytest.fixture(scope="module")
def marian_target_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A second model for Marian's target side (another vocabulary size, so other pieces)."""
    import sentencepiece as spm

    root = tmp_path_factory.mktemp("marian-target")
    corpus = root / "corpus.txt"
    corpus.write_text("\n".join(TEXTS) + "\n", encoding="utf-8")
    options = {"model_type": "unigram", "vocab_size": 1200, "character_coverage": 1.0}
    spm.SentencePieceTrainer.train(
        input=str(corpus), model_prefix=str(root / "target"), minloglevel=2, num_threads=1, **options
    )
    return root / "target.model"


def marian_folder(root: Path, source: Path, target: Path) -> Path:
    """An OPUS-MT style folder: source.spm, target.spm and one vocab.json holding both models' pieces
    (`</s>`, `<unk>` first, `<pad>` last, the pieces in between in another order than either model's)."""
    directory = root / "marian"
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    shutil.copy(source, directory / "source.spm")
    shutil.copy(target, directory / "target.spm")
    pieces: list[str] = []
    for model in (source, target):
        proto = model_pb2.ModelProto()
        proto.ParseFromString(model.read_bytes())
        pieces += [p.piece for p in proto.pieces if p.piece not in ("<unk>", "<s>", "</s>")]
    random.Random(0).shuffle(pieces)
    vocab = {"</s>": 0, "<unk>": 1}
    for piece in pieces:
        vocab.setdefault(piece, len(vocab))
    vocab["<pad>"] = len(vocab)
    (directory / "vocab.json").write_text(json.dumps(vocab), encoding="utf-8")
    config = {"tokenizer_class": "MarianTokenizer"}
    (directory / "tokenizer_config.json").write_text(json.dumps(config), encoding="utf-8")
    return directory


def test_marian_targets_use_the_target_model(models, marian_target_model, tmp_path):
    """Targets are segmented by target.spm (ids from the shared vocab.json), inputs by source.spm."""
    directory = marian_folder(tmp_path, models["unigram"], marian_target_model)
    ours = AutoTokenizer.from_pretrained(directory)
    theirs = transformers.AutoTokenizer.from_pretrained(str(directory))
    # Marian's special-tokens mask also marks special tokens spelled in the text (README): plain lines only.
    specials = set(theirs.all_special_ids)
    lines = [
        line for line in TEXTS if not specials & set(theirs(line, add_special_tokens=False)["input_ids"])
    ]
    targets = lines[::-1][:60]
    assert theirs(text_target=targets)["input_ids"] != theirs(targets)["input_ids"]  # the sides differ
    for call in [
        {"text": lines[:60], "text_target": targets},
        {"text_target": targets},
        {"text": lines[:8], "text_target": targets[:8], "padding": True, "return_tensors": "np"},
        {"text": lines[:8], "text_target": targets[:8], "truncation": True, "max_length": 12},
        {"text": lines[:8], "text_target": targets[:8], "max_length": 12, "max_target_length": 6},
        {"text": lines[:8], "text_target": targets[:8], "padding": "max_length", "max_target_length": 64},
        {"text": "one", "text_target": "un", "text_pair_target": "deux"},
    ]:
        got, expected = ours(**call), theirs(**call)
        assert sorted(got.keys()) == sorted(expected.keys()), call
        for key in expected:
            assert plain(got[key]) == plain(expected[key]), (call, key)
        labels = plain(expected["labels"] if "labels" in expected else expected["input_ids"])
        rows = labels if labels and isinstance(labels[0], list) else [labels]
        # With special tokens kept, transformers' Python decoder puts a space between two of them (README):
        # padded rows are compared without them.
        for skip in (True,) if call.get("padding") else (False, True):
            got_text = ours.batch_decode(rows, skip_special_tokens=skip)
            assert got_text == theirs.batch_decode(rows, skip_special_tokens=skip)
    assert ours("hello")["input_ids"] == theirs("hello")["input_ids"]  # back on the source side


def test_marian_targets_need_the_sentencepiece_folder(models, marian_target_model, tmp_path):
    """A saved Marian folder keeps both sides (save_pretrained writes source.spm, target.spm and vocab.json,
    as transformers does); a Marian tokenizer.json without target.spm has no target model: text_target is
    refused by name rather than given the source side's pieces."""
    directory = marian_folder(tmp_path, models["unigram"], marian_target_model)
    original = AutoTokenizer.from_pretrained(directory)
    saved = tmp_path / "saved"
    written = {Path(p).name for p in original.save_pretrained(saved)}
    assert {"vocab.json", "source.spm", "target.spm"} <= written
    call = {"text": ["a b", "c"], "text_target": ["d", "e f"], "padding": True}
    reloaded = AutoTokenizer.from_pretrained(saved)
    assert plain(reloaded(**call)) == plain(original(**call))
    theirs = transformers.AutoTokenizer.from_pretrained(str(saved))
    assert plain(dict(theirs(**call))) == plain(dict(original(**call)))
    # The folder as a Marian tokenizer.json without the models (save_pretrained writes no tokenizer.json for
    # transformers' Python classes, as transformers does).
    for name in ("source.spm", "target.spm"):
        (saved / name).unlink()
    (saved / "tokenizer.json").write_text(original.backend_tokenizer.to_str(), encoding="utf-8")
    ours = AutoTokenizer.from_pretrained(saved)
    with pytest.raises(NotImplementedError, match=r"target\.spm"):
        ours("a", text_target="b")
    assert ours("a")["input_ids"] == original("a")["input_ids"]


def separate_folder(root: Path, source: Path, target: Path) -> Path:
    """An OPUS-MT folder with `separate_vocabs`: vocab.json holds source.spm's pieces and target_vocab.json
    target.spm's (`</s>`, `<unk>` first, `<pad>` last, so `<pad>` has another id on each side)."""
    directory = marian_folder(root, source, target)
    for name, model, seed in (("vocab.json", source, 1), ("target_vocab.json", target, 2)):
        proto = model_pb2.ModelProto()
        proto.ParseFromString(model.read_bytes())
        pieces = [p.piece for p in proto.pieces if p.piece not in ("<unk>", "<s>", "</s>")]
        random.Random(seed).shuffle(pieces)
        vocab = {"</s>": 0, "<unk>": 1, **{piece: i + 2 for i, piece in enumerate(pieces)}}
        vocab["<pad>"] = len(vocab)
        (directory / name).write_text(json.dumps(vocab), encoding="utf-8")
    config = {"tokenizer_class": "MarianTokenizer", "separate_vocabs": True}
    (directory / "tokenizer_config.json").write_text(json.dumps(config), encoding="utf-8")
    return directory


def same_marian(ours: Any, theirs: Any, lines: list[str]) -> None:
    targets = lines[::-1]
    for call in [
        {"text": lines, "text_target": targets},
        {"text_target": targets},
        {"text": lines[:8], "text_target": targets[:8], "padding": True, "return_tensors": "np"},
        {"text": lines[:8], "text_target": targets[:8], "padding": True, "return_tensors": "pt"},
        {"text": lines[:8], "text_target": targets[:8], "max_length": 12, "max_target_length": 6},
        {"text": lines[:8], "text_target": targets[:8], "padding": "max_length", "max_target_length": 64},
        {"text": "one <pad> two", "text_target": "un </s> <pad> deux", "text_pair_target": "trois"},
    ]:
        got, expected = ours(**call), theirs(**call)
        assert sorted(got.keys()) == sorted(expected.keys()), call
        for key in expected:
            assert type(got[key]).__name__ == type(expected[key]).__name__, (call, key)
            assert plain(got[key]) == plain(expected[key]), (call, key)
        labels = plain(expected["labels"] if "labels" in expected else expected["input_ids"])
        rows = labels if labels and isinstance(labels[0], list) else [labels]
        assert ours.convert_ids_to_tokens(rows[-1]) == theirs.convert_ids_to_tokens(rows[-1]), call
        assert ours.convert_ids_to_tokens(rows[0][0]) == theirs.convert_ids_to_tokens(rows[0][0]), call
        for options in (
            {"skip_special_tokens": True},
            {"skip_special_tokens": True, "use_source_tokenizer": True},
        ):
            got_text = ours.batch_decode(rows, **options)
            assert got_text == theirs.batch_decode(rows, **options), (call, options)
            assert ours.decode(rows[0], **options) == theirs.decode(rows[0], **options), call
        # transformers puts a space after each kept special token (README): rows with one special only.
        specials = set(theirs.all_special_ids)
        plain_rows = [row for row in rows if not specials & set(row[:-1])]
        got_text = ours.batch_decode(plain_rows)
        assert got_text == theirs.batch_decode(plain_rows), call
    for name in ("vocab_size", "pad_token_id", "eos_token_id", "unk_token_id", "all_special_ids"):
        assert getattr(ours, name) == getattr(theirs, name), name
    assert len(ours) == len(theirs)
    assert ours.get_vocab() == theirs.get_vocab()
    assert ours("hello")["input_ids"] == theirs("hello")["input_ids"]  # back on the source side


def test_marian_separate_vocabularies(models, marian_target_model, tmp_path):
    """`separate_vocabs`: source ids from vocab.json, targets through target.spm and target_vocab.json, the
    special tokens with their vocab.json ids on both sides; decoding (labels) through target_vocab.json."""
    directory = separate_folder(tmp_path, models["unigram"], marian_target_model)
    ours = AutoTokenizer.from_pretrained(directory)
    theirs = transformers.AutoTokenizer.from_pretrained(str(directory))
    assert theirs.separate_vocabs and ours.separate_vocabs
    assert theirs.target_encoder["<pad>"] != theirs.pad_token_id  # `<pad>` differs between the sides
    assert ours.target_encoder == theirs.target_encoder and ours.encoder == theirs.encoder
    for name in ("source_lang", "target_lang", "spm_files", "supported_language_codes", "sp_model_kwargs"):
        assert getattr(ours, name) == getattr(theirs, name), name
        assert name in dir(ours) and name in dir(theirs), name
    assert ours.get_src_vocab() == theirs.get_src_vocab()
    for text in (">>fra<< bonjour", ">>fra bonjour", "a >>fra<<", ">><<", ""):
        assert ours.remove_language_code(text) == theirs.remove_language_code(text), text
    assert {k: v for k, v in ours.get_tgt_vocab().items() if k not in ours.added_tokens_encoder} == {
        k: v for k, v in theirs.target_encoder.items() if k not in ours.added_tokens_encoder
    }
    specials = set(theirs.all_special_ids)
    lines = [
        line for line in TEXTS if not specials & set(theirs(line, add_special_tokens=False)["input_ids"])
    ][:60]
    same_marian(ours, theirs, lines)
    # Adversarial strings without control characters, which the Python class reads differently (README).
    printable = [t for t in ADVERSARIAL if t.strip() and t.isprintable() and ">>" not in t]
    same_marian(ours, theirs, printable)

    # save_pretrained writes both vocabularies, as transformers' class does; both read the folder back.
    saved = tmp_path / "saved"
    written = {Path(p).name for p in ours.save_pretrained(saved)}
    assert {"vocab.json", "target_vocab.json", "source.spm", "target.spm"} <= written
    for name in ("vocab.json", "target_vocab.json"):
        assert json.loads((saved / name).read_text()) == json.loads((directory / name).read_text())
    theirs.save_pretrained(str(tmp_path / "theirs"))
    configs = [json.loads((d / "tokenizer_config.json").read_text()) for d in (saved, tmp_path / "theirs")]
    for key in ("source_lang", "target_lang", "separate_vocabs", "sp_model_kwargs", "model_max_length"):
        assert configs[0][key] == configs[1][key], key
    same_marian(
        AutoTokenizer.from_pretrained(saved), transformers.AutoTokenizer.from_pretrained(str(saved)), lines
    )
    same_marian(pickle.loads(pickle.dumps(ours)), pickle.loads(pickle.dumps(theirs)), lines[:10])


def test_marian_separate_vocabularies_need_target_vocab_json(models, marian_target_model, tmp_path):
    """transformers opens target_vocab.json when `separate_vocabs` is set: without it, its TypeError (the
    message names the file)."""
    directory = separate_folder(tmp_path, models["unigram"], marian_target_model)
    (directory / "target_vocab.json").unlink()
    with pytest.raises(TypeError):
        transformers.AutoTokenizer.from_pretrained(str(directory))
    with pytest.raises(TypeError, match=r"target_vocab\.json"):
        AutoTokenizer.from_pretrained(directory)


@pytest.mark.parametrize("case", CASES[::2], ids=[c[0] for c in CASES[::2]])
def test_translation_pipeline_inputs(models, tmp_path, case):
    """`_build_translation_inputs`, what transformers' translation pipeline calls: inputs in the source
    template and `forced_bos_token_id`, the target language's id."""
    ours, theirs = pair(models, tmp_path, case)
    source, target = LANGS[case[1]]
    for return_tensors in (None, "np"):
        got, expected = (
            tok._build_translation_inputs(
                ["hello there", "x"], return_tensors=return_tensors, src_lang=source, tgt_lang=target
            )
            for tok in (ours, theirs)
        )
        assert sorted(got.keys()) == sorted(expected.keys())
        for key in expected:
            assert plain(got[key]) == plain(expected[key]), key
        assert (ours.src_lang, ours.tgt_lang) == (theirs.src_lang, theirs.tgt_lang)
    for tok in (ours, theirs):
        with pytest.raises(ValueError, match="src_lang"):
            tok._build_translation_inputs("a", return_tensors=None, src_lang=None, tgt_lang=target)
