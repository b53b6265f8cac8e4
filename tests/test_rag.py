"""RAG's tokenizer (a question-encoder tokenizer and a generator tokenizer in subfolders) against
transformers' `RagTokenizer`: calls, decoding, the target mode, saving, and a model id from the cache."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from conftest import multilingual_lines
from parity import plain
from test_class_coverage import write_rag_folder

transformers = pytest.importorskip("transformers")
import ferrotok  # noqa: E402
from ferrotok import AutoTokenizer  # noqa: E402

LINES = [*[line for _, line in multilingual_lines()][:40], "", "  spaces  ", "naïve café 東京 🎉"]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    directory = tmp_path / "rag"
    directory.mkdir()
    write_rag_folder(directory)
    (directory / "tokenizer_config.json").write_text('{"tokenizer_class": "RagTokenizer"}')
    return directory


def same_outputs(ours, theirs) -> None:
    for call in (
        {"text": LINES},
        {"text": LINES[:8], "padding": True, "return_tensors": "np"},
        {"text": LINES[:8], "text_pair": LINES[8:16], "truncation": True, "max_length": 21},
        {"text": LINES[0]},
    ):
        got, expected = ours(**call), theirs(**call)
        assert sorted(got.keys()) == sorted(expected.keys()), call
        for key in expected:
            assert plain(got[key]) == plain(expected[key]), (call, key)


def test_rag_folder_loads_as_transformers_rag_tokenizer(folder):
    ours = AutoTokenizer.from_pretrained(folder)
    theirs = transformers.AutoTokenizer.from_pretrained(str(folder))
    assert type(ours).__name__ == type(theirs).__name__ == "RagTokenizer"
    assert isinstance(ours, ferrotok.RagTokenizer)
    same_outputs(ours, theirs)
    # Decoding is the generator's (GPT-2's byte-level BPE here), whatever the current tokenizer.
    rows = theirs.generator(LINES)["input_ids"]
    for skip in (False, True):
        assert ours.batch_decode(rows, skip_special_tokens=skip) == theirs.batch_decode(
            rows, skip_special_tokens=skip
        )
        assert ours.decode(rows[0], skip_special_tokens=skip) == theirs.decode(
            rows[0], skip_special_tokens=skip
        )
    # The target mode calls the generator; the input mode the question encoder again.
    ours._switch_to_target_mode()
    theirs._switch_to_target_mode()
    same_outputs(ours, theirs)
    ours._switch_to_input_mode()
    theirs._switch_to_input_mode()
    assert plain(ours(LINES[1])["input_ids"]) == plain(theirs(LINES[1])["input_ids"])


def test_saved_folders_load_in_either_library(folder, tmp_path):
    ours = AutoTokenizer.from_pretrained(folder)
    theirs = transformers.AutoTokenizer.from_pretrained(str(folder))
    ours.save_pretrained(tmp_path / "ours")
    theirs.save_pretrained(tmp_path / "theirs")
    for saved in ("ours", "theirs"):
        # transformers' RagTokenizer needs the model's config.json, which neither library's save writes.
        (tmp_path / saved / "config.json").write_bytes((folder / "config.json").read_bytes())
        reloaded_ours = ferrotok.RagTokenizer.from_pretrained(tmp_path / saved)
        reloaded_theirs = transformers.RagTokenizer.from_pretrained(str(tmp_path / saved))
        same_outputs(reloaded_ours, reloaded_theirs)
    with pytest.raises(ValueError, match="should be a directory"):
        ours.save_pretrained(folder / "config.json")


def test_rag_model_id_from_the_cache(folder, tmp_path):
    """A RAG model in a hub-style cache: both subfolders come with the id, offline. (transformers' RagTokenizer
    does not pass `cache_dir` on to the config it reads, so it loads the same files from the folder.)"""
    cache = tmp_path / "cache"
    commit = "c" * 40
    repo = cache / "models--org--rag"
    snapshot = repo / "snapshots" / commit
    for source in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = source.read_bytes()
        blob = repo / "blobs" / hashlib.sha256(data).hexdigest()
        blob.parent.mkdir(parents=True, exist_ok=True)
        blob.write_bytes(data)
        link = snapshot / source.relative_to(folder)
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(os.path.relpath(blob, link.parent))
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(commit)
    ours = AutoTokenizer.from_pretrained("org/rag", cache_dir=str(cache), local_files_only=True)
    theirs = transformers.AutoTokenizer.from_pretrained(str(folder))
    assert type(ours).__name__ == "RagTokenizer"
    same_outputs(ours, theirs)
