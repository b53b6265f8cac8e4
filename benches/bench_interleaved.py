"""The interleaved measurements of compare.py, as plain functions: workers stay loaded side by side
(bench_worker.py --serve) and the driver alternates them, one sweep over the same batches at a time.

On a shared VM with two vCPUs the speed of a core drifts by tens of percent within seconds (other guests on
the host), so two figures taken a minute apart, in separate workers, compare two different machines (the same
GPT-2 case gave 15x in one run and 20x in the next). Alternating sweeps takes the drift out of the ratios.

`measure_scaling`: thread scaling next to what the machine gives independent processes. Each round times
1. the 1-thread worker alone: t1;
2. the N-thread worker alone: tN;
3. N single-thread workers at once, independent processes that share nothing but the hardware: tc (the
   slowest of them);
and gives the speed-up t1 / tN and the machine's ceiling at that moment, N · t1 / tc: what N independent
copies of the same work get out of N cores (shared caches, memory bandwidth, the host's other guests). Their
quotient is the efficiency of the pool itself. Reported: medians over the rounds, and the ratio of the best
sweeps.

`measure_versus`: ferrotok against the other tokenizers, one thread each, each competitor's sweep between two
of ferrotok's (ferrotok, A, ferrotok, B, ferrotok, ...); each round gives, per competitor, its sweep time over
the mean of the two ferrotok sweeps around it. Reported: the median of those ratios over the rounds, and the
ratio of the best sweeps.

    python benches/compare.py --only scaling --rounds 60 --models gpt2
    python benches/compare.py --only versus --models gpt2 --rounds 40
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

# Shortest sweep (seconds) a worker times in `measure_versus`: fast tokenizers repeat the batches up to it.
MIN_SWEEP_S = 0.1


class Worker:
    """A loaded worker process (bench_worker.py --serve) for one implementation, model and thread count."""

    def __init__(self, spec: dict, threads: int, env: dict[str, str]) -> None:
        # Kept for the message when the worker fails to start (a traceback, or nothing when it was killed).
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 (closed in close())
        self.p = subprocess.Popen(
            [sys.executable, str(HERE / "bench_worker.py"), "--serve"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
            env=env,
        )
        self._send(json.dumps(dict(spec, threads=threads)))
        line = self._read().split()
        if len(line) != 2 or line[0] != "ready":
            self.close()
            self._stderr.seek(0)
            tail = self._stderr.read().decode(errors="replace").strip().splitlines()[-3:]
            raise RuntimeError(f"interleaved worker did not start ({' '.join(line)!r}; stderr: {tail!r})")
        self.sweep_bytes = int(line[1])

    def _send(self, line: str) -> None:
        assert self.p.stdin is not None
        self.p.stdin.write(line + "\n")
        self.p.stdin.flush()

    def _read(self) -> str:
        assert self.p.stdout is not None
        return self.p.stdout.readline().strip()

    def start(self) -> None:
        self._send("go")

    def finish(self) -> float:
        return float(self._read())

    def sweep(self) -> float:
        self.start()
        return self.finish()

    def close(self) -> None:
        if self.p.stdin:
            self.p.stdin.close()
        try:
            self.p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.p.kill()
        self._stderr.close()


def sweep(*workers: Worker) -> list[float]:
    """One sweep on each worker, all started before any is awaited (so several run at once)."""
    for w in workers:
        w.start()
    return [w.finish() for w in workers]


def measure_scaling(spec: dict, threads: int, rounds: int, env_for: Any) -> dict:
    """Interleaved rounds of (1 thread, `threads` threads, `threads` independent 1-thread processes)."""
    singles = [Worker(spec, 1, env_for(1)) for _ in range(threads)]
    multi = Worker(spec, threads, env_for(threads))
    t1s: list[float] = []
    tns: list[float] = []
    tcs: list[float] = []
    try:
        for _ in range(rounds):
            t1s += sweep(singles[0])
            tns += sweep(multi)
            tcs.append(max(sweep(*singles)))
    finally:
        for w in [*singles, multi]:
            w.close()
    speedup = [a / b for a, b in zip(t1s, tns, strict=True)]
    ceiling = [threads * a / c for a, c in zip(t1s, tcs, strict=True)]
    return {
        "threads": threads,
        "rounds": rounds,
        "speedup_median": statistics.median(speedup),
        "speedup_best": min(t1s) / min(tns),
        "ceiling_median": statistics.median(ceiling),
        "ceiling_best": threads * min(t1s) / min(tcs),
        "efficiency_median": statistics.median(s / c for s, c in zip(speedup, ceiling, strict=True)),
        "mbps_1t_best": multi.sweep_bytes / min(t1s) / 1e6,
        "mbps_nt_best": multi.sweep_bytes / min(tns) / 1e6,
    }


def measure_versus(spec: dict, others: list[str], rounds: int, env_for: Any) -> dict:
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
