"""Folders holding only a tokenizer_config.json whose class transformers builds with no vocabulary file (ESM-C,
Gemma, SigLIP 2, XGLM), loaded by both libraries and compared field by field: ids, tokens, masks, type ids,
offsets, pairs, decode, the special tokens and the added-token table. A folder whose class transformers
cannot build that way is still refused with `FileNotFoundError`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from parity import ALL_FIELDS, compare_call

transformers = pytest.importorskip("transformers")
import ferrotok  # noqa: E402

CLASSES = ("EsmcTokenizer", "GemmaTokenizer", "Siglip2Tokenizer", "XGLMTokenizer")
TEXTS = [
    "Hello World  x",
    "ACDEFGHIKLMNPQRSTVWY",
    "MKV|LLA.G-X<mask>",
    "<s> a </s><pad> b<unk><madeupword3> <eos><bos>",
    "  leading and trailing  ",
    "Grüße, 世界 <cls>",
    "",
]
PAIRS = (["MKV", "hello there"], ["LLA|G", " x "])
# Config entries over the class defaults (the second: a pad token outside ESM-C's alphabet, an extra token).
CONFIGS = (
    {},
    {"pad_token": "<p2>", "model_max_length": 16, "additional_special_tokens": ["<x1>"]},
    {"add_prefix_space": False},
)


def write(directory: Path, config: dict[str, Any]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "tokenizer_config.json").write_text(json.dumps(config), encoding="utf-8")
    return directory


def same_tokenizer(ours: Any, theirs: Any) -> None:
    assert type(ours).__name__ == type(theirs).__name__
    assert ours.special_tokens_map == theirs.special_tokens_map
    assert ours.get_vocab() == theirs.get_vocab()
    assert {i: str(t) for i, t in ours.added_tokens_decoder.items()} == {
        i: str(t) for i, t in theirs.added_tokens_decoder.items()
    }
    assert ours.padding_side == theirs.padding_side
    assert ours.model_max_length == theirs.model_max_length
    compare_call(ours, theirs, TEXTS, **ALL_FIELDS)
    compare_call(ours, theirs, *PAIRS, **ALL_FIELDS)
    compare_call(ours, theirs, TEXTS, padding="max_length", truncation=True, max_length=12)
    for text in TEXTS:
        ids = theirs.encode(text)
        assert ours.decode(ids) == theirs.decode(ids)
        assert ours.decode(ids, skip_special_tokens=True) == theirs.decode(ids, skip_special_tokens=True)


@pytest.mark.parametrize("config", CONFIGS, ids=("defaults", "named", "no-prefix-space"))
@pytest.mark.parametrize("name", CLASSES)
def test_config_only_folder_builds_the_class(tmp_path, name, config):
    directory = write(tmp_path / name, {"tokenizer_class": name, **config})
    theirs = transformers.AutoTokenizer.from_pretrained(str(directory))
    ours = ferrotok.AutoTokenizer.from_pretrained(directory)
    same_tokenizer(ours, theirs)
    named = getattr(ferrotok, name).from_pretrained(directory)
    same_tokenizer(named, getattr(transformers, name).from_pretrained(str(directory)))


@pytest.mark.parametrize("name", CLASSES)
def test_named_class_on_an_empty_folder_and_loading_arguments(tmp_path, name):
    directory = tmp_path / "empty"
    directory.mkdir()
    theirs = getattr(transformers, name).from_pretrained(str(directory), pad_token="<p2>")
    ours = getattr(ferrotok, name).from_pretrained(directory, pad_token="<p2>")
    same_tokenizer(ours, theirs)


@pytest.mark.parametrize("name", CLASSES)
def test_saved_and_reloaded(tmp_path, name):
    directory = write(tmp_path / "given", {"tokenizer_class": name})
    ours = ferrotok.AutoTokenizer.from_pretrained(directory)
    ours.add_tokens(["zork"])
    ours.save_pretrained(tmp_path / "saved")
    theirs = transformers.AutoTokenizer.from_pretrained(str(tmp_path / "saved"))
    same_tokenizer(ferrotok.AutoTokenizer.from_pretrained(tmp_path / "saved"), theirs)


def test_folders_transformers_cannot_build_stay_refused(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ValueError):
        transformers.AutoTokenizer.from_pretrained(str(empty))
    with pytest.raises(FileNotFoundError):
        ferrotok.AutoTokenizer.from_pretrained(empty)


@pytest.mark.parametrize("name", CLASSES)
def test_constructor_without_files(name):
    for arguments in ({}, {"pad_token": "<p2>", "model_max_length": 32}):
        same_tokenizer(getattr(ferrotok, name)(**arguments), getattr(transformers, name)(**arguments))
