"""ferrotok against the other tokenizers in interleaved sweeps, one thread each.

The grid in compare.py runs one implementation after another, each in its own worker, minutes apart. On a
shared two-vCPU VM the speed of a core drifts by tens of percent over that time, so a ratio of two such
figures also measures the drift (the same GPT-2 case gave 15x in one run and 20x in the next). Here one
worker per implementation stays loaded and the driver alternates them over the same batches, each
competitor's sweep between two of ferrotok's:

    ferrotok, A, ferrotok, B, ferrotok, ...

and each round gives, per competitor, its sweep time over the mean of the two ferrotok sweeps around it.
Reported: the median of those ratios over the rounds, and the ratio of the best sweeps.

    python benches/compare.py --only versus --models gpt2 --rounds 40
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_scaling import Worker  # noqa: E402

# Shortest sweep (seconds) a worker times: fast tokenizers repeat the batches up to it.
MIN_SWEEP_S = 0.1


def measure(spec: dict, others: list[str], rounds: int, env_for: Any) -> dict:
    """Interleaved rounds of ferrotok (`spec`) and each implementation in `others`, one thread each."""
    spec = dict(spec, min_sweep_s=MIN_SWEEP_S)
    workers: dict[str, Worker] = {}
    try:
        for impl in ["ferrotok", *others]:
            workers[impl] = Worker(dict(spec, impl=impl), 1, env_for(1))
        ours = workers["ferrotok"]
        t_ours: list[float] = []
        t_other: dict[str, list[float]] = {o: [] for o in others}
        ratios: dict[str, list[float]] = {o: [] for o in others}
        for _ in range(rounds):
            before = ours.sweep()
            t_ours.append(before)
            for o in others:
                theirs = workers[o].sweep()
                after = ours.sweep()
                t_ours.append(after)
                t_other[o].append(theirs)
                ratios[o].append(theirs / ((before + after) / 2))
                before = after
    finally:
        for w in workers.values():
            w.close()
    nbytes = ours.sweep_bytes
    return {
        "rounds": rounds,
        "mbps_best": nbytes / min(t_ours) / 1e6,
        "mbps_median": nbytes / statistics.median(t_ours) / 1e6,
        "vs": {
            o: {
                "ratio_median": statistics.median(ratios[o]),
                "ratio_best": min(t_other[o]) / min(t_ours),
                "mbps_best": nbytes / min(t_other[o]) / 1e6,
                "spread": [min(ratios[o]), max(ratios[o])],
            }
            for o in others
        },
    }
