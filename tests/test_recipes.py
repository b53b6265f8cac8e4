"""The corpus recipes of docs/corpora.md: `datasets.Dataset.map` with ferrotok (same rows for any num_proc, a
fingerprint stable across processes so a rerun hits the cache) and Ray Data on a local two-CPU cluster (same
output as one process)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import ferrotok
import transformers
from conftest import FIXTURES, multilingual_lines

GPT2 = str(FIXTURES / "gpt2")
TEXTS = [line for _, line in multilingual_lines()] + ["", "short", "text with <|endoftext|> inside"]


@pytest.fixture(scope="module")
def tok():
    return ferrotok.AutoTokenizer.from_pretrained(GPT2)


@pytest.fixture(scope="module")
def hf_rows():
    hf = transformers.AutoTokenizer.from_pretrained(GPT2, local_files_only=True)
    return hf(TEXTS)["input_ids"]


# --- datasets -----------------------------------------------------------------------------------------------
def test_dataset_map_same_rows_for_any_num_proc(tok, hf_rows, tmp_path):
    datasets = pytest.importorskip("datasets", reason="the datasets recipe is an optional extra")
    ds = datasets.Dataset.from_dict({"text": TEXTS})

    def tokenize(batch):
        return tok(batch["text"])

    one = ds.map(tokenize, batched=True, num_proc=1, remove_columns=["text"])
    two = ds.map(tokenize, batched=True, batch_size=16, num_proc=2, remove_columns=["text"])
    assert one["input_ids"] == two["input_ids"] == hf_rows
    assert one["attention_mask"] == two["attention_mask"] == [[1] * len(r) for r in hf_rows]


# The map of docs/corpora.md, run twice in fresh processes: the same fingerprint both times, and the second run
# loads the cache instead of calling the function (it appends to CALLS each time it runs).
MAP_SCRIPT = textwrap.dedent(
    """
    import json, sys
    import datasets
    from ferrotok import AutoTokenizer

    SAVED, CALLS = sys.argv[1], sys.argv[2]
    tok = AutoTokenizer.from_pretrained(sys.argv[3])

    def tokenize(batch):
        with open(CALLS, "a") as f:
            f.write("x")
        return tok(batch["text"])

    ds = datasets.load_from_disk(SAVED)
    out = ds.map(tokenize, batched=True, batch_size=16, num_proc=2, remove_columns=["text"])
    print(json.dumps({"fingerprint": out._fingerprint, "files": [f["filename"] for f in out.cache_files]}))
    """
)


def test_dataset_map_fingerprint_is_stable_and_cached(tmp_path):
    datasets = pytest.importorskip("datasets", reason="the datasets recipe is an optional extra")
    saved = tmp_path / "saved"
    datasets.Dataset.from_dict({"text": TEXTS}).save_to_disk(str(saved))
    calls = tmp_path / "calls"
    script = tmp_path / "map.py"
    script.write_text(MAP_SCRIPT, encoding="utf-8")

    def run() -> dict:
        result = subprocess.run(
            [sys.executable, str(script), str(saved), str(calls), GPT2],
            capture_output=True,
            text=True,
            timeout=300,
            env={**os.environ, "HF_DATASETS_CACHE": str(tmp_path / "cache")},
        )
        assert result.returncode == 0, result.stderr
        assert (
            "couldn't be hashed properly" not in result.stderr
        )  # datasets' warning for a random fingerprint
        return json.loads(result.stdout.strip().splitlines()[-1])

    first = run()
    called = calls.read_text()
    assert called  # the first run tokenized
    second = run()
    assert second == first  # same fingerprint and cache files from a fresh process
    assert calls.read_text() == called  # ... and the second run did not tokenize again
    reloaded = datasets.load_from_disk(str(saved))
    assert len(reloaded) == len(TEXTS)


def test_tokenizer_hash_is_deterministic(tok):
    """What `datasets` fingerprints: the tokenizer's pickle, equal across loads and after use."""
    fingerprint = pytest.importorskip(
        "datasets.fingerprint", reason="the datasets recipe is an optional extra"
    )
    first = fingerprint.Hasher.hash(tok)
    again = ferrotok.AutoTokenizer.from_pretrained(GPT2)
    again(["a text long enough " * 2000])  # warnings and caches do not change the state that is hashed
    assert fingerprint.Hasher.hash(again) == first


# --- Ray Data -----------------------------------------------------------------------------------------------
@pytest.mark.slow
def test_ray_data_matches_one_process(tok, hf_rows, tmp_path):
    ray = pytest.importorskip("ray", reason="the Ray recipe is an optional extra")
    pq = pytest.importorskip("pyarrow.parquet", reason="Ray writes Parquet with pyarrow")
    source = tmp_path / "in.txt"
    source.write_text("\n".join(TEXTS) + "\n", encoding="utf-8")

    padded = ferrotok.AutoTokenizer.from_pretrained(GPT2)
    padded.pad_token = padded.eos_token

    def tokenize(batch: dict) -> dict:
        return {"input_ids": tok(list(batch["text"]))["input_ids"]}

    def fixed_width(batch: dict) -> dict:
        enc = padded(
            list(batch["text"]), truncation=True, max_length=16, padding="max_length", return_tensors="np"
        )
        return {"input_ids": enc["input_ids"]}

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    try:
        ray.data.DataContext.get_current().execution_options.preserve_order = True
        texts = ray.data.read_text(str(source), drop_empty_lines=False, override_num_blocks=2)
        texts.map_batches(tokenize, batch_size=16).write_parquet(str(tmp_path / "ids"))
        texts.map_batches(fixed_width, batch_size=16, batch_format="numpy").write_numpy(
            str(tmp_path / "fixed"), column="input_ids"
        )
    finally:
        ray.shutdown()
    # Files are named by Ray; compare the rows as multisets (each row is a whole document's ids).
    rows = pq.read_table(tmp_path / "ids").column("input_ids").to_pylist()
    assert sorted(rows) == sorted(hf_rows)
    fixed = np.concatenate([np.load(f) for f in (tmp_path / "fixed").glob("*.npy")])
    expected = padded(TEXTS, truncation=True, max_length=16, padding="max_length", return_tensors="np")
    assert sorted(map(tuple, fixed.tolist())) == sorted(map(tuple, expected["input_ids"].tolist()))
