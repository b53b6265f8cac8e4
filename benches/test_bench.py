"""pytest-benchmark suite: ferrotok next to transformers' fast tokenizer on the main cases.

    pytest benches/test_bench.py --benchmark-only --benchmark-group-by=group

Not part of `make test` (it asserts nothing about speed: only that both produce the same ids). One thread by
default (set RAYON_NUM_THREADS / RAYON_RS_NUM_THREADS yourself to change it); compare.py covers the rest.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

for _var, _val in (
    ("RAYON_NUM_THREADS", "1"),
    ("RAYON_RS_NUM_THREADS", "1"),
    ("TOKENIZERS_PARALLELISM", "false"),
):
    os.environ.setdefault(_var, _val)

import pytest  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_assets as assets  # noqa: E402
from bench_worker import _transformers_like  # noqa: E402

MODELS = {"wordpiece": lambda: str(assets.bert_dir()), "bpe": lambda: str(assets.GPT2_DIR)}


@pytest.fixture(scope="session")
def lines() -> list[str]:
    texts = assets.build_texts(assets.default_corpus(), quick=True)
    return json.loads(texts["short"].read_text(encoding="utf-8"))


def load(impl: str, model: str):
    directory = MODELS[model]()
    if impl == "ferrotok":
        ferrotok = pytest.importorskip("ferrotok")
        tok = ferrotok.AutoTokenizer.from_pretrained(directory)
    else:
        from transformers import AutoTokenizer

        tok = AutoTokenizer.from_pretrained(directory)
    return _transformers_like(tok)


@pytest.mark.parametrize("batch", [1, 1000])
@pytest.mark.parametrize("model", ["wordpiece", "bpe"])
@pytest.mark.parametrize("impl", ["ferrotok", "transformers"])
def test_numpy_padded(benchmark, lines, impl, model, batch):
    call, rows = load(impl, model)
    texts = lines[:batch]
    benchmark.group = f"{model} batch={batch} numpy"
    nbytes = sum(len(t.encode()) for t in texts)
    benchmark.extra_info["bytes_per_call"] = nbytes
    out = benchmark(call, texts, "np", 128)
    assert out["input_ids"].shape[0] == batch
    if impl == "ferrotok":
        ref_call, ref_rows = load("transformers", model)
        assert rows(out, "np") == ref_rows(ref_call(texts, "np", 128), "np")
    stats = benchmark.stats.stats if benchmark.stats else None
    if stats is not None and stats.median:
        benchmark.extra_info["MB_per_s_median"] = nbytes / stats.median / 1e6
