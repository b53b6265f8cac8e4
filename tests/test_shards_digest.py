"""`ferrotok encode --format bin`: the tokenizer's hash for the sidecar, computed by the main thread while the
workers have blocks queued (after the last block with one worker), gives the same sidecar either way, and a
failure there fails the run with nothing left behind."""

from __future__ import annotations

import hashlib
import json
import os

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
def test_when_the_hash_is_computed(tmp_path, monkeypatch, source, workers):
    """Two workers: while blocks are still being written; one worker: after the last block."""
    events: list[str] = []
    real_hash, real_write = shards._tokenizer_hash, shards._Writer.write

    def spy_hash(tokenizer):
        events.append("hash")
        return real_hash(tokenizer)

    def spy_write(self, data):
        events.append("write")
        return real_write(self, data)

    monkeypatch.setattr(shards, "_tokenizer_hash", spy_hash)
    monkeypatch.setattr(shards._Writer, "write", spy_write)
    out = tmp_path / "o.bin"
    assert run_bin(str(source), "-o", str(out), "--workers", workers) == 0
    assert events.count("hash") == 1 and events.count("write") > 8
    if workers == "2":
        assert events.index("hash") < len(events) // 2
    else:
        assert events[-1] == "hash"
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
