"""Thread scaling measured in interleaved pairs, next to what the machine gives independent processes.

On a shared VM with two vCPUs the speed of a core drifts by tens of percent within seconds (other guests on
the host), so a 1-thread figure and an N-thread figure taken a minute apart, in separate workers, compare two
different machines. Here the workers stay loaded side by side and the driver alternates them, one sweep
over the same batches at a time:

1. the 1-thread worker alone: t1;
2. the N-thread worker alone: tN;
3. N single-thread workers at once, independent processes that share nothing but the hardware: tc (the
   slowest of them).

Each round gives the speed-up t1 / tN and the machine's ceiling at that moment, N · t1 / tc: what N
independent copies of the same work get out of N cores (shared caches, memory bandwidth, the host's other
guests). Their quotient is the efficiency of the pool itself. Reported: medians over the rounds, and the
ratio of the best sweeps.

    python benches/compare.py --only scaling --rounds 60 --models gpt2
    python benches/bench_scaling.py --serve               # a worker: a JSON spec on the first stdin line,
                                                          # then one sweep per "go" line, its seconds printed
"""

from __future__ import annotations

import json
import math
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def serve() -> None:
    spec = json.loads(sys.stdin.readline())
    if spec.get("sys_path"):
        sys.path.insert(0, spec["sys_path"])
    sys.path.insert(0, str(HERE))
    import bench_worker as bw

    call, _rows = bw.IMPLS[spec["impl"]](spec["model"], spec["threads"], spec)
    c, cfg = spec["case"], spec["cfg"]
    batches = bw.make_batches(bw.load_texts(c["texts"]), c["batch"], cfg["max_bytes"], cfg["max_batches"])

    def one_sweep() -> float:
        t0 = time.perf_counter()
        for b in batches:
            call(b, c["output"], c.get("max_length"))
        return time.perf_counter() - t0

    one_sweep()  # warm-up: caches, the pool, numpy
    # A sweep is repeated until it lasts `min_sweep_s` (short sweeps of a fast tokenizer are more exposed
    # to a few milliseconds of preemption); the time printed is per sweep.
    reps = max(1, math.ceil(spec.get("min_sweep_s", 0) / max(one_sweep(), 1e-6)))
    nbytes = sum(len(t.encode()) for b in batches for t in b)
    print(f"ready {nbytes}", flush=True)
    for _line in sys.stdin:
        print(sum(one_sweep() for _ in range(reps)) / reps, flush=True)


class Worker:
    def __init__(self, spec: dict, threads: int, env: dict[str, str]) -> None:
        self.p = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--serve"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=env,
        )
        self._send(json.dumps(dict(spec, threads=threads)))
        line = self._read().split()
        if len(line) != 2 or line[0] != "ready":
            self.close()
            raise RuntimeError(f"scaling worker did not start ({' '.join(line)!r})")
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


def sweep(*workers: Worker) -> list[float]:
    """One sweep on each worker, all started before any is awaited (so several run at once)."""
    for w in workers:
        w.start()
    return [w.finish() for w in workers]


def measure(spec: dict, threads: int, rounds: int, env_for: Any) -> dict:
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


if __name__ == "__main__":
    if sys.argv[1:] != ["--serve"]:
        sys.exit("a worker of benches/compare.py (--serve); run `python benches/compare.py --only scaling`")
    serve()
