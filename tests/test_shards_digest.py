"""`ferrotok encode --format bin`: the tokenizer's hash for the sidecar, computed on a thread of its own beside
worker threads and by the main thread otherwise, gives the same sidecar either way, and a failure there fails
the run with nothing left behind."""

from __future__ import annotations

import hashlib
import json
import os
import threading

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import ferrotok
from conftest import FIXTURES, multilingual_lines
from ferrotok import _shard_inputs, shards
from ferrotok.cli import main

GPT2 = str(FIXTURES / "gpt2")


def run_bin(*args: str) -> int:
    return main(["encode", "--format", "bin", "--tokenizer", GPT2, "-q", *args])


@pytest.fixture
def source(tmp_path, monkeypatch):
    monkeypatch.setattr(_shard_inputs, "BLOCK_BYTES", 1024)  # many blocks, so two workers both run
    path = tmp_path / "in.txt"
    path.write_text("\n".join(line for _, line in multilingual_lines()) * 3 + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("workers", ["1", "2"])
def test_where_the_hash_is_computed(tmp_path, monkeypatch, source, workers):
    """Two workers: on a thread named for it, started before the blocks; one worker: on the main thread."""
    where: list[str] = []
    real = shards._tokenizer_hash

    def spy(tokenizer):
        where.append(threading.current_thread().name)
        return real(tokenizer)

    monkeypatch.setattr(shards, "_tokenizer_hash", spy)
    out = tmp_path / "o.bin"
    assert run_bin(str(source), "-o", str(out), "--workers", workers) == 0
    assert where == (["ferrotok-shards-hash"] if workers == "2" else ["MainThread"])
    meta = json.loads((tmp_path / "o.bin.json").read_text(encoding="utf-8"))
    tok = ferrotok.AutoTokenizer.from_pretrained(GPT2)
    expected = hashlib.sha256(tok.backend_tokenizer.to_str(False).encode("utf-8")).hexdigest()
    assert meta["tokenizer"]["sha256"] == expected


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_failing_hash_fails_the_run_and_leaves_nothing(tmp_path, monkeypatch, source, workers):
    def broken(tokenizer):
        raise MemoryError("no room for the serialization")

    monkeypatch.setattr(shards, "_tokenizer_hash", broken)
    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(MemoryError, match="no room"):
        run_bin(str(source), "-o", str(folder / "o.bin"), "--workers", workers)
    assert list(folder.iterdir()) == []
