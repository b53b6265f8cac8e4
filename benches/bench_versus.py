"""ferrotok against a transformers tokenizer on one batch, one thread each, shared by the class benchmarks
(bench_luke, bench_moses, bench_segmenters, bench_vocab_classes).

`compare` checks every field of both outputs equal, then times ferrotok, transformers, ferrotok in each round;
a round's ratio is transformers' time over the mean of the two ferrotok times around it, so that a shared
VM's drift lands on both. Printed: ferrotok's median time per batch and the median ratio over the rounds.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
MULTILINGUAL = REPO / "tests" / "fixtures" / "multilingual" / "sample.txt"


def read_lines(path: Path = MULTILINGUAL, languages: set[str] | None = None) -> list[str]:
    """The non-empty lines of `path`, stripped; the multilingual fixture's `lang<TAB>text` lines give their
    text, only those of `languages` when given."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if path == MULTILINGUAL and "\t" in line:
            lang, _, line = line.partition("\t")
            if languages is not None and lang not in languages:
                continue
        if line.strip():
            out.append(line.strip())
    return out


def timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def check_equal(got: Any, expected: Any) -> None:
    """Every field of transformers' output equal in ferrotok's (arrays or lists)."""
    import numpy as np

    assert sorted(got.keys()) == sorted(expected.keys()), (list(got.keys()), list(expected.keys()))
    for key in expected:
        a, b = got[key], expected[key]
        assert a == b if isinstance(b, list) else np.array_equal(a, b), key


def compare(
    label: str, ours: Any, theirs: Any, texts: list[str], options: dict[str, Any], rounds: int
) -> float:
    """Check, time and print one case (see the module's doc); returns the median ratio."""
    check_equal(ours(texts, **options), theirs(texts, **options))
    ratios, ours_times = [], []
    for _ in range(rounds):
        a = timed(lambda: ours(texts, **options))
        b = timed(lambda: theirs(texts, **options))
        c = timed(lambda: ours(texts, **options))
        ours_times.append((a + c) / 2)
        ratios.append(b / ((a + c) / 2))
    ratio = statistics.median(ratios)
    print(
        f"{label:34s} ferrotok {statistics.median(ours_times) * 1e3:8.1f} ms/batch   "
        f"transformers ÷ ferrotok {ratio:5.1f}×"
    )
    return ratio
