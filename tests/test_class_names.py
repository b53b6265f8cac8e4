"""transformers' class names (`PreTrainedTokenizerFast`, `BertTokenizerFast`, `T5Tokenizer`, ...) against
transformers 5 at test time: every mapped name exists, `X.from_pretrained` on a folder of X's kind (the
coverage test's builders) and on a folder whose config names another class, the Hugging Face course's
chapter-6 flow (a tokenizer trained with the tokenizers API, wrapped with `tokenizer_object=`, saved and
reloaded by both libraries), constructors from files, and the errors of wrong arguments.
"""

from __future__ import annotations

import json
import pickle
import shutil
from pathlib import Path
from typing import Any

import pytest
import test_class_coverage as coverage
from conftest import FIXTURES, multilingual_lines
from parity import ALL_FIELDS, assert_same_settings, compare_call

transformers = pytest.importorskip("transformers")
tokenizers = pytest.importorskip("tokenizers")
import ferrotok  # noqa: E402
from ferrotok import classes  # noqa: E402

LINES = [line for _, line in multilingual_lines()]
TEXTS = [*LINES[:12], "Hello, world! It's 2024; don't panic.", "  spaces   and\ttabs\nnewline ", ""]
PAIRS = (LINES[:6], LINES[6:12])


def transformers_names() -> list[str]:
    """The mapped names and the `Fast` names transformers exports for them."""
    names = set(coverage.mapped_classes()) | {"PreTrainedTokenizerFast"}
    names |= {f"{n}Fast" for n in names if hasattr(transformers, f"{n}Fast")}
    return sorted(names)


def test_class_table_holds_transformers_names():
    mapped = {n.removesuffix("Fast") for n in coverage.mapped_classes()}
    assert mapped - {"RagTokenizer", "TokenizersBackend"} <= classes.CLASS_NAMES
    for name in classes.CLASS_NAMES:  # the extra names are transformers' classes too
        assert hasattr(transformers, name), name


@pytest.mark.parametrize("name", transformers_names())
def test_every_name_exists_with_transformers_hierarchy(name):
    ours, theirs = getattr(ferrotok, name), getattr(transformers, name)
    if name.endswith("Fast") and theirs is getattr(transformers, name.removesuffix("Fast"), None):
        assert ours is getattr(ferrotok, name.removesuffix("Fast"))  # `XFast` is `X`, as there
    assert ours.__name__ == theirs.__name__
    generic = (ferrotok.PreTrainedTokenizerFast, transformers.PreTrainedTokenizerFast)
    assert issubclass(ours, generic[0]) == issubclass(theirs, generic[1])


def test_named_class_hierarchy_and_unknown_names():
    assert ferrotok.PreTrainedTokenizerFast is ferrotok.TokenizersBackend
    assert issubclass(ferrotok.DistilBertTokenizerFast, ferrotok.BertTokenizer)
    assert issubclass(ferrotok.BertTokenizer, ferrotok.FerroTokenizer)
    for name in ("NoSuchTokenizer", "NoSuchTokenizerFast", "BasicTokenizer"):
        with pytest.raises(AttributeError):
            getattr(ferrotok, name)


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return coverage.spm_folders.train_all(tmp_path_factory.mktemp("class-name-models"))


SAME = sorted(n for n, (status, _) in coverage.COVERAGE.items() if status == "same" and n != "RagTokenizer")


def settings(tok: Any) -> tuple[Any, ...]:
    return (
        type(tok).__name__,
        tok.special_tokens_map,  # the classes' own named tokens too (CodeLlama's infilling, TAPAS's `[EMPTY]`)
        list(tok.model_input_names),
        tok.padding_side,
        tok.truncation_side,
        tok.model_max_length,
        isinstance(
            tok,
            ferrotok.PreTrainedTokenizerFast
            if "ferrotok" in type(tok).__module__
            else transformers.PreTrainedTokenizerFast,
        ),
    )


@pytest.mark.parametrize("name", SAME)
def test_class_from_pretrained_on_its_own_folder(models, tmp_path, name):
    directory, _ = coverage.build_folder(tmp_path, models, name)
    theirs = getattr(transformers, name).from_pretrained(str(directory))
    ours_class = getattr(ferrotok, name)
    if hasattr(transformers, f"{name}Fast"):  # `XFast.from_pretrained` too, where it is another class there
        try:
            expected = settings(getattr(transformers, f"{name}Fast").from_pretrained(str(directory)))
        except ValueError:  # CpmTokenizerFast needs a tokenizer.json: so does ferrotok's
            with pytest.raises(ValueError):
                getattr(ferrotok, f"{name}Fast").from_pretrained(directory)
        else:
            assert settings(getattr(ferrotok, f"{name}Fast").from_pretrained(directory)) == expected
    ours = ours_class.from_pretrained(directory)
    assert settings(ours) == settings(theirs)
    got = [coverage.encode_line(ours, name, line) for line in coverage.LINES]
    assert got == [coverage.encode_line(theirs, name, line) for line in coverage.LINES]


@pytest.mark.parametrize("name", SAME)
def test_auto_tokenizer_gives_transformers_class(models, tmp_path, name):
    directory, _ = coverage.build_folder(tmp_path, models, name)
    theirs = transformers.AutoTokenizer.from_pretrained(str(directory))
    ours = ferrotok.AutoTokenizer.from_pretrained(directory)
    assert type(ours).__name__ == type(theirs).__name__
    assert isinstance(ours, ferrotok.PreTrainedTokenizerFast) == isinstance(
        theirs, transformers.PreTrainedTokenizerFast
    )


def test_auto_tokenizer_on_a_lone_tokenizer_json_gives_the_generic_class(tmp_path):
    (tmp_path / "tokenizer.json").write_bytes((FIXTURES / "bert-uncased" / "tokenizer.json").read_bytes())
    theirs = transformers.AutoTokenizer.from_pretrained(str(tmp_path))
    ours = ferrotok.AutoTokenizer.from_pretrained(tmp_path)
    assert type(ours).__name__ == type(theirs).__name__ == "TokenizersBackend"
    assert type(pickle.loads(pickle.dumps(ours))) is type(ours)


# (folder, class asked for): the folder's config names another class of the same kind; the class asked for
# applies its own defaults (special tokens, model input names) and pipeline, as in transformers.
OTHER_CLASS = [
    ("bert-uncased", "PreTrainedTokenizerFast"),
    ("bert-uncased", "TokenizersBackend"),
    ("bert-uncased", "DistilBertTokenizerFast"),
    ("bert-uncased", "MPNetTokenizer"),
    ("bert-uncased", "FunnelTokenizer"),
    ("gpt2", "RobertaTokenizerFast"),
    ("gpt2", "BartTokenizer"),
    ("gpt2", "CLIPTokenizer"),
    ("gpt2", "CodeGenTokenizer"),
]


@pytest.mark.parametrize(("folder", "name"), OTHER_CLASS)
def test_class_from_pretrained_on_another_class_folder(tmp_path, folder, name):
    directory = tmp_path / folder
    shutil.copytree(FIXTURES / folder, directory)
    theirs = getattr(transformers, name).from_pretrained(str(directory))
    ours = getattr(ferrotok, name).from_pretrained(directory)
    assert settings(ours) == settings(theirs)
    assert_same_settings(ours, theirs)
    compare_call(ours, theirs, TEXTS, **ALL_FIELDS)
    compare_call(ours, theirs, *PAIRS, **ALL_FIELDS)


def test_generic_class_refuses_a_folder_without_tokenizer_json():
    with pytest.raises(ValueError):
        transformers.PreTrainedTokenizerFast.from_pretrained(str(FIXTURES / "gpt2"))
    with pytest.raises(ValueError, match="backend tokenizer"):
        ferrotok.PreTrainedTokenizerFast.from_pretrained(FIXTURES / "gpt2")


# --- the Hugging Face course, chapter 6: a tokenizer trained from scratch, then wrapped ---------------------
CORPUS = LINES * 3


def train_wordpiece(lib: Any) -> Any:
    tok = lib.Tokenizer(lib.models.WordPiece(unk_token="[UNK]"))
    tok.normalizer = lib.normalizers.BertNormalizer(lowercase=True)
    tok.pre_tokenizer = lib.pre_tokenizers.BertPreTokenizer()
    specials = ["[UNK]", "[PAD]", "[CLS]", "[SEP]", "[MASK]"]
    tok.train_from_iterator(
        CORPUS, trainer=lib.trainers.WordPieceTrainer(vocab_size=2500, special_tokens=specials)
    )
    cls, sep = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    tok.post_processor = lib.processors.TemplateProcessing(
        single="[CLS]:0 $A:0 [SEP]:0",
        pair="[CLS]:0 $A:0 [SEP]:0 $B:1 [SEP]:1",
        special_tokens=[("[CLS]", cls), ("[SEP]", sep)],
    )
    tok.decoder = lib.decoders.WordPiece(prefix="##")
    return tok


def train_byte_level(lib: Any) -> Any:
    tok = lib.Tokenizer(lib.models.BPE())
    tok.pre_tokenizer = lib.pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.train_from_iterator(
        CORPUS, trainer=lib.trainers.BpeTrainer(vocab_size=1500, special_tokens=["<|endoftext|>"])
    )
    tok.post_processor = lib.processors.ByteLevel(trim_offsets=False)
    tok.decoder = lib.decoders.ByteLevel()
    return tok


def train_unigram(lib: Any) -> Any:
    tok = lib.Tokenizer(lib.models.Unigram())
    tok.normalizer = lib.normalizers.Sequence(
        [
            lib.normalizers.Replace("``", '"'),
            lib.normalizers.Replace("''", '"'),
            lib.normalizers.NFKD(),
            lib.normalizers.StripAccents(),
            lib.normalizers.Replace(lib.Regex(" {2,}"), " "),
        ]
    )
    tok.pre_tokenizer = lib.pre_tokenizers.Metaspace()
    specials = ["<cls>", "<sep>", "<unk>", "<pad>", "<mask>", "<s>", "</s>"]
    trainer = lib.trainers.UnigramTrainer(vocab_size=2500, special_tokens=specials, unk_token="<unk>")
    tok.train_from_iterator(CORPUS, trainer=trainer)
    cls, sep = tok.token_to_id("<cls>"), tok.token_to_id("<sep>")
    tok.post_processor = lib.processors.TemplateProcessing(
        single="$A:0 <sep>:0 <cls>:2",
        pair="$A:0 <sep>:0 $B:1 <sep>:1 <cls>:2",
        special_tokens=[("<sep>", sep), ("<cls>", cls)],
    )
    tok.decoder = lib.decoders.Metaspace()
    return tok


# (trainer, class, constructor arguments), as the course wraps each trained tokenizer.
COURSE = [
    (
        train_wordpiece,
        "PreTrainedTokenizerFast",
        dict(unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]", sep_token="[SEP]", mask_token="[MASK]"),
    ),
    (train_wordpiece, "BertTokenizerFast", {}),
    (train_wordpiece, "PreTrainedTokenizerFast", {}),
    (train_byte_level, "PreTrainedTokenizerFast", dict(bos_token="<|endoftext|>", eos_token="<|endoftext|>")),
    (train_byte_level, "GPT2TokenizerFast", {}),
    (
        train_unigram,
        "PreTrainedTokenizerFast",
        dict(
            bos_token="<s>",
            eos_token="</s>",
            unk_token="<unk>",
            pad_token="<pad>",
            cls_token="<cls>",
            sep_token="<sep>",
            mask_token="<mask>",
            padding_side="left",
        ),
    ),
]


@pytest.mark.parametrize(("train", "name", "arguments"), COURSE, ids=lambda v: getattr(v, "__name__", None))
def test_course_flow_wraps_saves_and_reloads(tmp_path, train, name, arguments):
    backend = train(ferrotok)
    if train is train_byte_level:  # trained the same (tokenizers' WordPiece alphabet order varies by run)
        assert json.loads(backend.to_str()) == json.loads(train(tokenizers).to_str())
    hf_backend = tokenizers.Tokenizer.from_str(backend.to_str())
    theirs = getattr(transformers, name)(tokenizer_object=hf_backend, **arguments)
    ours = getattr(ferrotok, name)(tokenizer_object=backend, **arguments)
    for wrapped in (ours, getattr(ferrotok, name)(tokenizer_object=hf_backend, **arguments)):
        assert settings(wrapped) == settings(theirs)
        assert_same_settings(wrapped, theirs)
        assert wrapped.get_vocab() == theirs.get_vocab()
        compare_call(wrapped, theirs, TEXTS, **ALL_FIELDS)
        compare_call(wrapped, theirs, *PAIRS, **ALL_FIELDS)
        compare_call(wrapped, theirs, TEXTS, padding=True, return_tensors="np")
    assert backend.get_vocab_size() == hf_backend.get_vocab_size()  # the wrapped object is left as it was
    ids = theirs(TEXTS)["input_ids"]
    assert ours.batch_decode(ids) == theirs.batch_decode(ids)
    ours.save_pretrained(tmp_path / "ours")
    theirs.save_pretrained(tmp_path / "theirs")
    ours_config = json.loads((tmp_path / "ours" / "tokenizer_config.json").read_text(encoding="utf-8"))
    theirs_config = json.loads((tmp_path / "theirs" / "tokenizer_config.json").read_text(encoding="utf-8"))
    assert ours_config["tokenizer_class"] == theirs_config["tokenizer_class"]
    for key in (*classes.SPECIAL_TOKENS_ATTRIBUTES, "model_max_length"):
        assert ours_config.get(key) == theirs_config.get(key), key
    for folder in ("ours", "theirs"):
        for reloaded in (
            ferrotok.AutoTokenizer.from_pretrained(tmp_path / folder),
            getattr(ferrotok, name).from_pretrained(tmp_path / folder),
            transformers.AutoTokenizer.from_pretrained(str(tmp_path / folder)),
        ):
            assert_same_settings(reloaded, theirs)
            compare_call(reloaded, theirs, TEXTS, **ALL_FIELDS)
            compare_call(reloaded, theirs, *PAIRS, **ALL_FIELDS)


# Named classes whose `X(tokenizer_object=...)` equals transformers' for the WordPiece, byte-level BPE and
# Unigram tokenizers above (the classes transformers runs in Python refuse it, in both libraries). The others
# (MBart, NLLB, Funnel, LUKE, CamemBERT, XGLM, ... whose constructors add tokens ferrotok does not add around the
# object) differ for at least one of them: README, deliberate differences.
OBJECT_SAME = [
    *["AlbertTokenizer", "BartTokenizer", "BarthezTokenizer", "BartphoTokenizer", "BertGenerationTokenizer"],
    *["BertJapaneseTokenizer", "BertTokenizer", "BertweetTokenizer", "BigBirdTokenizer", "BioGptTokenizer"],
    *["BlenderbotSmallTokenizer", "BlenderbotTokenizer", "ByT5Tokenizer", "CTRLTokenizer", "ClvpTokenizer"],
    *["CodeGenTokenizer", "CodeLlamaTokenizer", "CohereTokenizer", "ConvBertTokenizer", "CpmAntTokenizer"],
    *["CpmTokenizer", "DPRContextEncoderTokenizer", "DPRQuestionEncoderTokenizer", "DebertaTokenizer"],
    *["DebertaV2Tokenizer", "DiaTokenizer", "DistilBertTokenizer", "EsmTokenizer", "FNetTokenizer"],
    *["FlaubertTokenizer", "GPT2Tokenizer", "GPTNeoXJapaneseTokenizer", "GPTNeoXTokenizer"],
    *["GPTSw3Tokenizer", "GemmaTokenizer", "HerbertTokenizer", "LEDTokenizer", "LayoutLMv2Tokenizer"],
    *["LayoutLMv3Tokenizer", "LayoutXLMTokenizer", "LlamaTokenizer", "LxmertTokenizer", "M2M100Tokenizer"],
    *["MPNetTokenizer", "MarianTokenizer", "MarkupLMTokenizer", "MgpstrTokenizer", "MobileBertTokenizer"],
    *["MvpTokenizer", "MyT5Tokenizer", "NougatTokenizer", "OpenAIGPTTokenizer", "PLBartTokenizer"],
    *["ParakeetTokenizer", "PerceiverTokenizer", "PhobertTokenizer", "ProphetNetTokenizer", "Qwen2Tokenizer"],
    *["Qwen3_5Tokenizer", "ReformerTokenizer", "RemBertTokenizer", "RoCBertTokenizer", "RoFormerTokenizer"],
    *["RobertaTokenizer", "SiglipTokenizer", "Speech2TextTokenizer", "SpeechT5Tokenizer"],
    *["SplinterTokenizer", "SqueezeBertTokenizer", "T5Tokenizer", "TapasTokenizer", "Tipsv2Tokenizer"],
    *["UdopTokenizer", "VitsTokenizer", "Wav2Vec2CTCTokenizer", "Wav2Vec2PhonemeCTCTokenizer"],
    *["WhisperTokenizer", "XLMRobertaTokenizer", "XLMTokenizer", "XLNetTokenizer"],
]


@pytest.fixture(scope="module")
def backends() -> dict[str, tuple[Any, Any]]:
    """Each course tokenizer trained with ferrotok, and the same in the tokenizers library."""
    trained = {}
    for train in (train_wordpiece, train_byte_level, train_unigram):
        ours = train(ferrotok)
        trained[train.__name__] = (ours, tokenizers.Tokenizer.from_str(ours.to_str()))
    return trained


@pytest.mark.parametrize("backend", ["train_wordpiece", "train_byte_level", "train_unigram"])
@pytest.mark.parametrize("name", OBJECT_SAME)
def test_named_class_wraps_a_tokenizer_object(backends, backend, name):
    ours_backend, hf_backend = backends[backend]
    try:
        theirs = getattr(transformers, name)(tokenizer_object=hf_backend)
    except TypeError:  # a class built from its vocabulary files only
        with pytest.raises(TypeError):
            getattr(ferrotok, name)(tokenizer_object=ours_backend)
        return
    ours = getattr(ferrotok, name)(tokenizer_object=ours_backend)
    assert settings(ours) == settings(theirs)
    assert ours.get_vocab() == theirs.get_vocab()
    if name not in coverage.WORDS_WITH_BOXES and name != "MarkupLMTokenizer":
        assert [ours.encode(t) for t in TEXTS] == [theirs.encode(t) for t in TEXTS]


# Classes that transformers builds with no file (an empty or default vocabulary) and ferrotok builds too.
DEFAULT_VOCABULARY = [
    *["BertTokenizerFast", "DistilBertTokenizer", "ConvBertTokenizer", "DPRContextEncoderTokenizer"],
    *["DPRQuestionEncoderTokenizerFast", "MobileBertTokenizer", "RobertaTokenizer", "BartTokenizer"],
    *["GPT2TokenizerFast", "LlamaTokenizerFast", "BlenderbotTokenizer", "GemmaTokenizer", "ByT5Tokenizer"],
    *["PerceiverTokenizer", "DiaTokenizer", "Siglip2Tokenizer"],
]


@pytest.mark.parametrize("name", DEFAULT_VOCABULARY)
def test_class_without_files_builds_the_default_vocabulary(name):
    for arguments in ({}, {"unk_token": "<u>", "model_max_length": 32}):
        theirs, ours = getattr(transformers, name)(**arguments), getattr(ferrotok, name)(**arguments)
        assert settings(ours) == settings(theirs)
        assert ours.get_vocab() == theirs.get_vocab()
        assert [ours.encode(t) for t in TEXTS] == [theirs.encode(t) for t in TEXTS]
    if isinstance(
        theirs, transformers.PreTrainedTokenizerFast
    ):  # then trained from scratch, as in the course
        trained = ours.train_new_from_iterator(LINES, 3000)
        expected = theirs.train_new_from_iterator(LINES, 3000)
        assert settings(trained) == settings(expected)
        assert len(trained) == len(expected)
        if json.loads(ours.backend_tokenizer.to_str())["model"]["type"] != "WordPiece":
            # (tokenizers' WordPiece alphabet order varies by run)
            assert [trained.encode(t) for t in TEXTS] == [expected.encode(t) for t in TEXTS]


def test_python_classes_without_files_raise_type_error():
    for name in ("XLMTokenizer", "MarianTokenizer", "Wav2Vec2CTCTokenizer"):
        with pytest.raises(TypeError):
            getattr(transformers, name)()
        with pytest.raises(TypeError):
            getattr(ferrotok, name)()


def test_tokenizer_file_constructor(tmp_path):
    backend = train_wordpiece(ferrotok)
    backend.save(str(tmp_path / "tokenizer.json"))
    path = str(tmp_path / "tokenizer.json")
    for name, arguments in (
        ("PreTrainedTokenizerFast", dict(unk_token="[UNK]", pad_token="[PAD]", model_max_length=64)),
        ("BertTokenizerFast", {}),
    ):
        theirs = getattr(transformers, name)(tokenizer_file=path, **arguments)
        ours = getattr(ferrotok, name)(tokenizer_file=path, **arguments)
        assert settings(ours) == settings(theirs)
        compare_call(ours, theirs, TEXTS, **ALL_FIELDS)
        compare_call(ours, theirs, TEXTS, padding="max_length", truncation=True, max_length=64)
    theirs = transformers.PreTrainedTokenizerFast.from_pretrained(path)
    ours = ferrotok.PreTrainedTokenizerFast.from_pretrained(path)
    assert settings(ours) == settings(theirs)
    compare_call(ours, theirs, TEXTS, **ALL_FIELDS)


# --- constructors from vocabulary files ----------------------------------------------------------------------
def test_positional_vocabulary_files():
    vocab_txt = str(FIXTURES / "bert-uncased" / "vocab.txt")
    vocab_json, merges = str(FIXTURES / "gpt2" / "vocab.json"), str(FIXTURES / "gpt2" / "merges.txt")
    for name, files in (
        ("BertTokenizerFast", (vocab_txt,)),
        ("DistilBertTokenizer", (vocab_txt,)),
        ("GPT2TokenizerFast", (vocab_json, merges)),
        ("RobertaTokenizer", (vocab_json, merges)),
    ):
        theirs, ours = getattr(transformers, name)(*files), getattr(ferrotok, name)(*files)
        assert settings(ours) == settings(theirs), name
        assert_same_settings(ours, theirs)
        compare_call(ours, theirs, TEXTS, **ALL_FIELDS)
        compare_call(ours, theirs, *PAIRS, **ALL_FIELDS)


@pytest.mark.parametrize(
    ("name", "model"),
    [("T5Tokenizer", "unigram"), ("LlamaTokenizerFast", "bpe_fallback"), ("AlbertTokenizer", "albert")],
)
def test_vocab_file_keyword_reads_the_file(models, tmp_path, name, model):
    """transformers 5.24 ignores `vocab_file=` (it builds its empty default vocabulary); ferrotok reads the file,
    as `from_pretrained` reads a folder holding it (README, deliberate differences)."""
    base = name.removesuffix("Fast")
    directory = coverage.spm_folders.folder(
        tmp_path, models[model], base, coverage.spm_folders.MODEL_FILE[base]
    )
    theirs = getattr(transformers, name).from_pretrained(str(directory))
    ours = getattr(ferrotok, name)(vocab_file=models[model])
    assert settings(ours) == settings(theirs)
    assert ours.get_vocab() == theirs.get_vocab()
    compare_call(ours, theirs, TEXTS, **ALL_FIELDS)


# --- errors ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "make",
    [
        lambda lib: lib.PreTrainedTokenizerFast(),
        lambda lib: lib.TokenizersBackend(tokenizer_file="/nonexistent/tokenizer.json"),
        lambda lib: lib.PreTrainedTokenizerFast(3),
        lambda lib: lib.BertTokenizerFast.from_pretrained("/nonexistent/folder"),
    ],
)
def test_wrong_arguments_raise_transformers_exceptions(make):
    with pytest.raises(Exception) as expected:
        make(transformers)
    with pytest.raises(expected.type):
        make(ferrotok)


@pytest.mark.parametrize(
    "name", ["BertTokenizerFast", "ByT5Tokenizer", "XLMTokenizer", "PreTrainedTokenizerFast"]
)
def test_named_class_pickles_copies_and_trains_anew(models, tmp_path, name):
    import copy
    import pickle

    folder = "TokenizersBackend" if name == "PreTrainedTokenizerFast" else name.removesuffix("Fast")
    directory, _ = coverage.build_folder(tmp_path, models, folder)
    ours = getattr(ferrotok, name).from_pretrained(directory)
    for clone in (pickle.loads(pickle.dumps(ours)), copy.deepcopy(ours), copy.copy(ours)):
        assert type(clone) is type(ours)
        assert settings(clone) == settings(ours)
        assert [clone.encode(t) for t in TEXTS] == [ours.encode(t) for t in TEXTS]
    if name in ("BertTokenizerFast", "PreTrainedTokenizerFast"):  # transformers trains fast tokenizers only
        theirs = getattr(transformers, name).from_pretrained(str(directory))
        trained = ours.train_new_from_iterator(LINES, 3000)
        expected = theirs.train_new_from_iterator(LINES, 3000)
        assert type(trained) is type(ours) and type(expected) is type(theirs)
        assert settings(trained) == settings(expected)  # (tokenizers' trained ids vary by run: the class's
        assert len(trained) == len(expected)  # pipeline and settings are what is compared here)
