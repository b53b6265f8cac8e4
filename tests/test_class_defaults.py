"""Special tokens and class defaults for every folder shape, against transformers 5 (run at test time).

Shapes: tokenizer.json alone; tokenizer.json + tokenizer_config.json naming a class; legacy vocab files with or
without special_tokens_map.json (which wins over the config unless the config has `added_tokens_decoder`); and
SentencePiece model files (tests/spm_folders.py). Every attribute transformers resolves from these is compared:
the named special tokens and their ids, extra special tokens, padding and truncation side, model_input_names,
model_max_length and clean_up_tokenization_spaces.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import spm_folders as spm_builders
from conftest import FIXTURES, bert_model_dir

transformers = pytest.importorskip("transformers")
from ferrotok import AutoTokenizer, _core  # noqa: E402

NAMED = ("bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token")
SETTINGS = (
    "add_bos_token",
    "add_eos_token",
    "split_special_tokens",
    "padding_side",
    "truncation_side",
    "model_input_names",
    "model_max_length",
    "clean_up_tokenization_spaces",
    "pad_token_type_id",
)


def assert_same_defaults(directory: Path) -> None:
    ours = AutoTokenizer.from_pretrained(directory)
    theirs = transformers.AutoTokenizer.from_pretrained(str(directory))
    for name in NAMED:
        expected = getattr(theirs, name)
        assert getattr(ours, name) == (None if expected is None else str(expected)), name
        assert getattr(ours, f"{name}_id") == getattr(theirs, f"{name}_id"), f"{name}_id"
    for name in SETTINGS:
        assert getattr(ours, name) == getattr(theirs, name), name
    assert [str(t) for t in ours.extra_special_tokens] == [str(t) for t in theirs.extra_special_tokens]


def assert_same_settings(directory: Path) -> None:
    """The settings ferrotok resolves for a folder, against transformers."""
    from ferrotok import _core
    from ferrotok._arguments import VERY_LARGE_INTEGER
    from ferrotok._config import read_settings

    ours = read_settings(str(directory), _core.load_folder(str(directory))[1])
    theirs = transformers.AutoTokenizer.from_pretrained(str(directory))
    for name in NAMED:
        expected = getattr(theirs, name)
        assert ours.get(name) == (None if expected is None else str(expected)), name
    assert ours["padding_side"] == theirs.padding_side
    assert ours["truncation_side"] == theirs.truncation_side
    assert ours["model_input_names"] == theirs.model_input_names
    assert ours.get("pad_token_type_id", 0) == theirs.pad_token_type_id
    assert ours.get("model_max_length", VERY_LARGE_INTEGER) == theirs.model_max_length
    assert ours.get("extra_special_tokens", []) == [str(t) for t in theirs.extra_special_tokens]


def write_json(path: Path, value: object) -> None:
    path.write_text(json.dumps(value), encoding="utf-8")


def copy_files(source: Path, target: Path, names: list[str]) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(source / name, target / name)
    return target


# --- tokenizer.json folders -----------------------------------------------------------------------------


def test_tokenizer_json_only_takes_pad_from_padding_block(tmp_path):
    source = json.loads((bert_model_dir() / "tokenizer.json").read_text(encoding="utf-8"))
    source["padding"] = {
        "strategy": "BatchLongest",
        "direction": "Left",
        "pad_to_multiple_of": None,
        "pad_id": 0,
        "pad_type_id": 0,
        "pad_token": "[PAD]",
    }
    write_json(tmp_path / "tokenizer.json", source)
    assert_same_defaults(tmp_path)
    ours = AutoTokenizer.from_pretrained(tmp_path)
    assert ours.pad_token == "[PAD]" and ours.model_input_names == ["input_ids", "attention_mask"]
    assert ours(["a b", "a"], padding=True)["input_ids"][1][0] == 0  # left padding, as transformers


def test_tokenizer_json_only_without_padding(tmp_path):
    copy_files(bert_model_dir(), tmp_path, ["tokenizer.json"])
    assert_same_defaults(tmp_path)


@pytest.mark.parametrize("tokenizer_class", ["BertTokenizer", "BertTokenizerFast", "DistilBertTokenizer"])
def test_tokenizer_json_with_config_naming_a_class(tmp_path, tokenizer_class):
    copy_files(bert_model_dir(), tmp_path, ["tokenizer.json"])
    write_json(tmp_path / "tokenizer_config.json", {"tokenizer_class": tokenizer_class})
    assert_same_defaults(tmp_path)


def test_bert_fixture_folder(model_dir):
    assert_same_defaults(model_dir)


# --- legacy vocabulary folders --------------------------------------------------------------------------


def test_vocab_txt_with_config_and_no_map_gets_class_defaults(tmp_path):
    copy_files(FIXTURES / "bert-uncased", tmp_path, ["vocab.txt"])
    write_json(
        tmp_path / "tokenizer_config.json", {"tokenizer_class": "BertTokenizer", "do_lower_case": True}
    )
    assert_same_defaults(tmp_path)
    ours = AutoTokenizer.from_pretrained(tmp_path)
    assert (ours.pad_token, ours.cls_token, ours.mask_token) == ("[PAD]", "[CLS]", "[MASK]")


def test_special_tokens_map_wins_over_config(tmp_path):
    copy_files(FIXTURES / "bert-uncased", tmp_path, ["vocab.txt"])
    write_json(
        tmp_path / "tokenizer_config.json",
        {"tokenizer_class": "BertTokenizer", "pad_token": "[unused1]", "mask_token": "[unused2]"},
    )
    write_json(tmp_path / "special_tokens_map.json", {"pad_token": "[unused3]"})
    assert_same_defaults(tmp_path)
    assert AutoTokenizer.from_pretrained(tmp_path).pad_token == "[unused3]"


def test_config_with_added_tokens_decoder_ignores_the_map(tmp_path):
    copy_files(FIXTURES / "bert-uncased", tmp_path, ["vocab.txt"])
    decoder = {
        "1": {
            "content": "[unused1]",
            "lstrip": False,
            "rstrip": False,
            "normalized": False,
            "single_word": False,
            "special": True,
        },
    }
    write_json(
        tmp_path / "tokenizer_config.json",
        {"tokenizer_class": "BertTokenizer", "pad_token": "[unused1]", "added_tokens_decoder": decoder},
    )
    write_json(tmp_path / "special_tokens_map.json", {"pad_token": "[unused3]"})
    assert_same_defaults(tmp_path)
    assert AutoTokenizer.from_pretrained(tmp_path).pad_token == "[unused1]"


@pytest.mark.parametrize("tokenizer_class", ["GPT2Tokenizer", "RobertaTokenizer", "CLIPTokenizer"])
@pytest.mark.parametrize("with_map", [False, True])
def test_vocab_json_merges_folders(tmp_path, tokenizer_class, with_map):
    copy_files(FIXTURES / "gpt2", tmp_path, ["vocab.json", "merges.txt"])
    write_json(tmp_path / "tokenizer_config.json", {"tokenizer_class": tokenizer_class})
    if with_map:
        write_json(tmp_path / "special_tokens_map.json", {"unk_token": "<|endoftext|>", "pad_token": "!"})
    assert_same_defaults(tmp_path)


# --- SentencePiece folders, and the tokenizer.json + config folders transformers saves from them ----------

SP_CASES = [
    ("T5Tokenizer", "unigram"),
    ("XLMRobertaTokenizer", "unigram"),
    ("XLNetTokenizer", "unigram"),
    ("CamembertTokenizer", "unigram"),
    ("AlbertTokenizer", "albert"),
    ("DebertaV2Tokenizer", "unigram"),
    ("BigBirdTokenizer", "unigram"),
    ("MBartTokenizer", "unigram"),
    ("MBart50Tokenizer", "unigram"),
    ("LlamaTokenizer", "bpe_fallback"),
    ("TokenizersBackend", "bpe_fallback"),
]


# Every trained model loads end to end (BPE and Unigram); the settings are compared on their own as well.
LOADABLE = ("bpe_fallback", "unigram", "albert")


@pytest.fixture(scope="session")
def sp_models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return spm_builders.train_all(tmp_path_factory.mktemp("spm-models-defaults"))


@pytest.mark.parametrize("case", SP_CASES, ids=lambda c: f"{c[0]}-{c[1]}")
def test_sentencepiece_folder_defaults(sp_models, tmp_path, case):
    tokenizer_class, model = case
    directory = spm_builders.folder(tmp_path, sp_models[model], tokenizer_class, "sp")
    assert_same_settings(directory)
    if model in LOADABLE:
        assert_same_defaults(directory)


@pytest.mark.parametrize("case", SP_CASES, ids=lambda c: f"{c[0]}-{c[1]}")
def test_saved_tokenizer_json_folder_defaults(sp_models, tmp_path, case):
    tokenizer_class, model = case
    directory = spm_builders.folder(tmp_path, sp_models[model], tokenizer_class, "sp")
    saved = tmp_path / "saved"
    transformers.AutoTokenizer.from_pretrained(str(directory)).save_pretrained(str(saved))
    for name in spm_builders.MODEL_FILE.values():
        (saved / name).unlink(missing_ok=True)  # tokenizer.json + config only
    config = json.loads((saved / "tokenizer_config.json").read_text(encoding="utf-8"))
    if _core.class_defaults(str(config.get("tokenizer_class"))) is None:
        pytest.skip(f"transformers saved an unmapped class {config.get('tokenizer_class')!r}")
    assert_same_settings(saved)
    if model in LOADABLE:
        assert_same_defaults(saved)


def test_class_table_covers_transformers_classes():
    from transformers.models.auto.tokenization_auto import TOKENIZER_MAPPING_NAMES

    names = {
        n
        for v in TOKENIZER_MAPPING_NAMES.values()
        for n in (v if isinstance(v, (list, tuple)) else (v,))
        if n
    }
    missing = sorted(n for n in names if _core.class_defaults(n) is None and n != "RagTokenizer")
    assert missing == []
    llama = _core.class_defaults("LlamaTokenizerFast")
    assert llama is not None and llama["padding_side"] == "left"


def test_llama_folder_with_bos_and_eos_flags(sp_models, tmp_path):
    directory = spm_builders.folder(
        tmp_path, sp_models["bpe_fallback"], "LlamaTokenizer", "sp", add_bos_token=True, add_eos_token=True
    )
    assert_same_defaults(directory)
    ours = AutoTokenizer.from_pretrained(directory)
    assert ours.add_bos_token and ours.add_eos_token and ours.padding_side == "left"
    assert ours("a b")["input_ids"][0] == ours.bos_token_id


def test_split_special_tokens_from_config(tmp_path):
    copy_files(FIXTURES / "bert-uncased", tmp_path, ["vocab.txt"])
    write_json(
        tmp_path / "tokenizer_config.json", {"tokenizer_class": "BertTokenizer", "split_special_tokens": True}
    )
    assert_same_defaults(tmp_path)
    ours = AutoTokenizer.from_pretrained(tmp_path)
    theirs = transformers.AutoTokenizer.from_pretrained(str(tmp_path))
    assert ours("a [SEP] b")["input_ids"] == theirs("a [SEP] b")["input_ids"]


@pytest.mark.parametrize("shape", ["legacy", "saved"])
def test_xlnet_pads_type_ids_as_transformers(sp_models, tmp_path, shape):
    """XLNetTokenizer's __init__ sets a pad type id of 3, but transformers 5's base __init__, which it calls
    next, resets it to 0: padding writes 0, on pairs and with either side, and ferrotok does the same."""
    from parity import compare_call

    directory = spm_builders.folder(tmp_path, sp_models["unigram"], "XLNetTokenizer", "sp")
    if shape == "saved":
        transformers.AutoTokenizer.from_pretrained(str(directory)).save_pretrained(str(tmp_path / "saved"))
        directory = tmp_path / "saved"
        (directory / "spiece.model").unlink(missing_ok=True)
    ours = AutoTokenizer.from_pretrained(directory)
    theirs = transformers.AutoTokenizer.from_pretrained(str(directory))
    assert ours.pad_token_type_id == theirs.pad_token_type_id == 0
    first, second = ["a b c", "Hello world, this is longer"], ["d", "e f g h i j"]
    for side in ("left", "right"):
        kwargs = {"padding": True, "return_token_type_ids": True, "padding_side": side}
        got = compare_call(ours, theirs, first, second, **kwargs)
        assert got is not None and 1 in got["token_type_ids"][0]
        compare_call(ours, theirs, first, second, return_tensors="np", **kwargs)
        compare_call(
            ours, theirs, first, second, padding="max_length", max_length=24, return_token_type_ids=True
        )
    compare_call(ours, theirs, first, second, padding=True)
    features = [ours(a, b, return_token_type_ids=True) for a, b in zip(first, second, strict=True)]
    expected = [theirs(a, b, return_token_type_ids=True) for a, b in zip(first, second, strict=True)]
    assert ours.pad(features)["token_type_ids"] == theirs.pad(expected)["token_type_ids"]
