"""AutoTokenizer: local folders only; anything else explains that there is no hub access."""

from __future__ import annotations

import shutil

import pytest
from ferrotok import AutoTokenizer, FerroTokenizer


def test_loads_a_folder(model_dir):
    tok = AutoTokenizer.from_pretrained(model_dir)
    assert isinstance(tok, FerroTokenizer)
    assert tok.name_or_path == str(model_dir)
    assert tok("hello")["input_ids"] == [101, 7592, 102]


def test_loads_a_legacy_folder(legacy_dir):
    tok = AutoTokenizer.from_pretrained(str(legacy_dir))
    assert tok("Hello [SEP] World")["input_ids"] == [101, 7592, 102, 2088, 102]
    assert tok.model_max_length == 512 and tok.pad_token == "[PAD]"


def test_loads_a_tokenizer_json_file(model_dir):
    tok = AutoTokenizer.from_pretrained(model_dir / "tokenizer.json")
    assert tok("hello")["input_ids"] == [101, 7592, 102]
    assert tok.pad_token is None  # no config files next to a bare tokenizer.json are read


def test_model_id_missing_from_the_cache_is_an_oserror_naming_it(tmp_path):
    # Model ids go through huggingface_hub (tests/test_hub.py); offline, a missing one is an OSError.
    with pytest.raises(OSError, match="'bert-base-uncased'"):
        AutoTokenizer.from_pretrained("bert-base-uncased", cache_dir=tmp_path, local_files_only=True)


def test_missing_files_in_folder(tmp_path):
    with pytest.raises((OSError, ValueError)):
        AutoTokenizer.from_pretrained(tmp_path)


def test_transformers_only_kwargs_are_ignored(model_dir):
    tok = AutoTokenizer.from_pretrained(model_dir, use_fast=True, revision="main", trust_remote_code=False)
    assert tok.vocab_size == 30522


def test_not_instantiable():
    with pytest.raises(OSError):
        AutoTokenizer()


def test_special_tokens_map_overrides_config(tmp_path, model_dir):
    for name in ("tokenizer.json", "tokenizer_config.json"):
        shutil.copy(model_dir / name, tmp_path / name)
    (tmp_path / "special_tokens_map.json").write_text('{"pad_token": "[MASK]"}', encoding="utf-8")
    tok = AutoTokenizer.from_pretrained(tmp_path)
    assert tok.pad_token == "[MASK]" and tok.pad_token_id == 103
