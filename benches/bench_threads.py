"""Serving load: one tokenizer shared by N Python threads, each encoding single short lines.

A web service or a thread pool calls the tokenizer from several threads at once, one short text per call.
Every case here is one such call; N threads (1, 2, 4, 8) share one tokenizer object and call it in a loop
on their own slice of benches/sample.txt for a fixed time. Reported: calls per second of all threads
together (best of the rounds), the N-thread rate over the 1-thread rate of the same case, the median over
rounds of that ratio taken within each round, and GPT-2 `encode` over tiktoken's `encode_ordinary`. Two
controls run no tokenizer: a stdlib regex call that holds the GIL for about as long as an encode (what
passing the GIL between threads costs the interpreter itself), three arrays made into torch tensors, and
one tensor from torch's own allocator (no numpy array to drop when it is freed).

Rounds are interleaved (round 1 of every case and thread count, then round 2, ...) so that a slow spell
of a shared machine lands on all cases alike rather than on one.

    python benches/bench_threads.py                         # every case, 1/2/4/8 threads, 3 rounds
    python benches/bench_threads.py --cases gpt2 --seconds 1 --threads 1 4
    python benches/bench_threads.py --warm                  # threads fill their caches first, untimed
    python benches/bench_threads.py --json results.json     # the figures as JSON too
    python benches/bench_threads.py --batches               # batch fairness (below)

`--batches`: the same threads, each sending batches of 1000 lines instead of single lines. Reported: lines
per second of all threads together and over the 1-thread rate (a shared pool cannot add cores, so the goal
is to hold the 1-thread rate, not to multiply it), fairness (the batches of the thread that got fewest over
those of the thread that got most; 1.0 = an even share), the most pool threads seen while running (sampled
from /proc: ferrotok's pool must stay at `ferrotok._core.num_threads()` whatever the number of callers) and the
CPU the process used, in cores (more than the machine has would be oversubscription).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
GPT2_DIR = ROOT / "tests" / "fixtures" / "gpt2"
BERT_DIR = ROOT / "tests" / "fixtures" / "bert-uncased"
SAMPLE = HERE / "sample.txt"
MAX_LENGTH = 64

Call = Callable[[int], Any]  # encodes line i (of a thread's own slice)


def load_lines(n: int = 4000) -> list[str]:
    """Short English lines (prose and code comments of the sample), at most 200 characters each."""
    lines = [s.strip() for s in SAMPLE.read_text(encoding="utf-8").splitlines()]
    return [s for s in lines if 8 <= len(s) <= 200][:n]


def make_cases(lines: list[str], wanted: list[str] | None) -> dict[str, Call]:
    """The calls measured, by name; `wanted` keeps the names containing one of its words."""
    sys.path.insert(0, str(HERE))
    from bench_worker import tiktoken_encoding

    builders: dict[str, Callable[[], Call]] = {}
    pairs = list(zip(lines, lines[1:] + lines[:1], strict=True))

    def ferro(path: Path) -> Any:
        import ferrotok

        return ferrotok.AutoTokenizer.from_pretrained(str(path))

    def hf(path: Path) -> Any:
        import transformers

        return transformers.AutoTokenizer.from_pretrained(str(path))

    def gpt2_encode(tok: Any) -> Call:
        return lambda i: tok.encode(lines[i])

    def call(tok: Any) -> Call:
        return lambda i: tok(lines[i])

    def padded(tok: Any, tensors: str) -> Call:
        return lambda i: tok(
            lines[i], padding="max_length", truncation=True, max_length=MAX_LENGTH, return_tensors=tensors
        )

    def pair(tok: Any) -> Call:
        return lambda i: tok(*pairs[i], truncation=True, max_length=MAX_LENGTH)

    def torch_control() -> Call:
        # What a padded → torch result costs without any tokenizer: three (1, 64) int64 arrays made into
        # tensors and freed, as a BERT result's input_ids, token_type_ids and attention_mask are.
        import numpy as np
        import torch

        def call(i: int) -> Any:
            return [torch.from_numpy(np.full((1, MAX_LENGTH), i, dtype=np.int64)) for _ in range(3)]

        return call

    def torch_empty_control() -> Call:
        # One tensor from torch's own allocator, no numpy: its storage needs no GIL to be freed, as a
        # tensor over a core-owned DLPack capsule would not; what freeing the tensor object costs alone.
        import torch

        return lambda i: torch.empty((3, 1, MAX_LENGTH), dtype=torch.int64)

    def gil_held_control() -> Call:
        # A call of the same length that holds the GIL throughout and involves no tokenizer: the stdlib's C
        # regex engine splitting the line into words and punctuation. Whatever it loses with threads is the
        # interpreter's own cost of passing the GIL around on this machine.
        import re

        words = re.compile(r"\w+|[^\w\s]+")
        return lambda i: words.findall(lines[i])

    def tiktoken_ordinary() -> Call:
        enc = tiktoken_encoding(str(GPT2_DIR / "vocab.json"))
        return lambda i: enc.encode_ordinary(lines[i])

    builders["ferrotok gpt2 encode"] = lambda: gpt2_encode(ferro(GPT2_DIR))
    builders["tiktoken gpt2 encode_ordinary"] = tiktoken_ordinary
    builders["transformers gpt2 encode"] = lambda: gpt2_encode(hf(GPT2_DIR))
    builders["ferrotok gpt2 tok(text)"] = lambda: call(ferro(GPT2_DIR))
    builders["transformers gpt2 tok(text)"] = lambda: call(hf(GPT2_DIR))
    builders["ferrotok bert padded np"] = lambda: padded(ferro(BERT_DIR), "np")
    builders["transformers bert padded np"] = lambda: padded(hf(BERT_DIR), "np")
    builders["ferrotok bert padded pt"] = lambda: padded(ferro(BERT_DIR), "pt")
    builders["transformers bert padded pt"] = lambda: padded(hf(BERT_DIR), "pt")
    builders["control: 3 arrays → torch.from_numpy, no tokenizer"] = torch_control
    builders["control: 1 tensor from torch.empty, no tokenizer"] = torch_empty_control
    builders["control: re.findall holding the GIL, no tokenizer"] = gil_held_control
    builders["ferrotok bert pair"] = lambda: pair(ferro(BERT_DIR))
    builders["transformers bert pair"] = lambda: pair(hf(BERT_DIR))
    names = [n for n in builders if not wanted or any(w in n for w in wanted)]
    return {n: builders[n]() for n in names}


def timed_threads(
    threads: int,
    seconds: float,
    body: Callable[[int, threading.Event], int],
    sample: Callable[[], None] | None = None,
    warm: Callable[[int], None] | None = None,
) -> tuple[list[int], float, Any, Any]:
    """Run `body(k, stop)` on `threads` threads started together for `seconds` (calling `sample` every 50 ms
    meanwhile); each returns how much it did once `stop` is set. Each thread first runs `warm(k)`, untimed.
    Returns those counts, the elapsed time and the process's resource usage before and after."""
    counts = [0] * threads
    start = threading.Barrier(threads + 1)
    stop = threading.Event()

    def worker(k: int) -> None:
        if warm is not None:
            warm(k)
        start.wait()
        counts[k] = body(k, stop)

    pool = [threading.Thread(target=worker, args=(k,)) for k in range(threads)]
    for t in pool:
        t.start()
    start.wait()
    t0 = time.perf_counter()
    r0 = resource.getrusage(resource.RUSAGE_SELF)
    if sample is None:
        time.sleep(seconds)
    else:
        while time.perf_counter() - t0 < seconds:
            sample()
            time.sleep(0.05)
    stop.set()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - t0
    return counts, elapsed, r0, resource.getrusage(resource.RUSAGE_SELF)


def run_threads(
    call: Call, threads: int, n_lines: int, seconds: float, warm: bool
) -> tuple[float, float, float]:
    """Calls per second of `threads` threads calling `call` for `seconds`, each starting on its own slice of
    the lines; the voluntary context switches per call: a thread that blocks (waiting for the GIL, a lock)
    gives up its core, so this counts hand-offs whatever else the machine runs; and the CPU time of the
    process per call (user + system, all threads): work done, not time spent waiting for a core or the GIL.
    `warm`: each thread first encodes every line once, untimed, as a server's long-lived threads have
    (per-thread caches filled)."""

    def body(k: int, stop: threading.Event) -> int:
        i = k * n_lines // threads
        n = 0
        while not stop.is_set():
            # Checking the event costs a little; 16 calls between checks keep the loop about the calls.
            for _ in range(16):
                call(i)
                i = i + 1 if i + 1 < n_lines else 0
            n += 16
        return n

    def warm_up(k: int) -> None:
        for i in range(n_lines):
            call(i)

    counts, elapsed, r0, r1 = timed_threads(threads, seconds, body, warm=warm_up if warm else None)
    # The main thread's own few switches (sleep, joins) are in the count too: negligible per call.
    calls = max(sum(counts), 1)
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    return calls / elapsed, (r1.ru_nvcsw - r0.ru_nvcsw) / calls, cpu / calls


BATCH = 1000  # lines per batch in --batches mode


def make_batch_cases(lines: list[str], wanted: list[str] | None) -> dict[str, Call]:
    """Batch calls by name: call(i) encodes the i-th batch of `BATCH` lines (cycling over the lines)."""
    sys.path.insert(0, str(HERE))
    from bench_worker import tiktoken_encoding

    batches = [[lines[(j + k) % len(lines)] for k in range(BATCH)] for j in range(0, len(lines), BATCH // 4)]
    builders: dict[str, Callable[[], Call]] = {}

    def ferro(path: Path) -> Any:
        import ferrotok

        return ferrotok.AutoTokenizer.from_pretrained(str(path))

    def hf(path: Path) -> Any:
        import transformers

        return transformers.AutoTokenizer.from_pretrained(str(path))

    def padded(tok: Any) -> Call:
        return lambda i: tok(
            batches[i % len(batches)],
            padding=True,
            truncation=True,
            max_length=MAX_LENGTH,
            return_tensors="np",
        )

    def plain(tok: Any) -> Call:
        return lambda i: tok(batches[i % len(batches)])

    def tiktoken_batch() -> Call:
        enc = tiktoken_encoding(str(GPT2_DIR / "vocab.json"))
        cores = os.cpu_count() or 1
        return lambda i: enc.encode_ordinary_batch(batches[i % len(batches)], num_threads=cores)

    builders["ferrotok bert padded np"] = lambda: padded(ferro(BERT_DIR))
    builders["transformers bert padded np"] = lambda: padded(hf(BERT_DIR))
    builders["ferrotok gpt2 tok(batch)"] = lambda: plain(ferro(GPT2_DIR))
    builders["transformers gpt2 tok(batch)"] = lambda: plain(hf(GPT2_DIR))
    builders["tiktoken gpt2 encode_ordinary_batch"] = tiktoken_batch
    names = [n for n in builders if not wanted or any(w in n for w in wanted)]
    return {n: builders[n]() for n in names}


def thread_names() -> list[str]:
    """Names of this process's threads (Linux /proc; empty elsewhere)."""
    names = []
    try:
        for tid in os.listdir("/proc/self/task"):
            with open(f"/proc/self/task/{tid}/comm", encoding="utf-8") as f:
                names.append(f.read().strip())
    except OSError:
        pass
    return names


def run_batch_threads(call: Call, threads: int, seconds: float) -> dict[str, float]:
    """`threads` threads each sending batches for `seconds`: lines per second of all of them, fairness
    (fewest batches of a thread over most), the most ferrotok pool threads and process threads seen, and
    the CPU used in cores."""
    most = {"pool": 0, "threads": 0}

    def body(k: int, stop: threading.Event) -> int:
        i, n = k, 0
        while not stop.is_set():
            call(i)
            i += threads
            n += 1
        return n

    def sample() -> None:
        names = thread_names()
        most["pool"] = max(most["pool"], sum(n.startswith("ferrotok-") for n in names))
        most["threads"] = max(most["threads"], len(names))

    counts, elapsed, r0, r1 = timed_threads(threads, seconds, body, sample)
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    return {
        "lines_per_s": sum(counts) * BATCH / elapsed,
        "fairness": min(counts) / max(max(counts), 1),
        "pool_threads": most["pool"],
        "process_threads": most["threads"],
        "cores_used": cpu / elapsed,
    }


def main_batches(args: argparse.Namespace) -> dict[str, dict[int, dict[str, float]]]:
    lines = load_lines()
    cases = make_batch_cases(lines, args.cases)
    for call in cases.values():  # warm-up: the pools start, caches fill
        for i in range(3):
            call(i)
    best: dict[str, dict[int, dict[str, float]]] = {n: {} for n in cases}
    print(f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {machine()}", flush=True)
    from ferrotok import _core

    print(f"# batches of {BATCH} lines; ferrotok._core.num_threads() = {_core.num_threads()}", flush=True)
    for r in range(args.rounds):
        for threads in args.threads:
            for name, call in cases.items():
                got = run_batch_threads(call, threads, args.seconds)
                old = best[name].get(threads)
                if old is None or got["lines_per_s"] > old["lines_per_s"]:
                    best[name][threads] = got
        print(f"# round {r + 1}/{args.rounds} done", file=sys.stderr, flush=True)

    lines_per_s = {name: {t: res[t]["lines_per_s"] for t in args.threads} for name, res in best.items()}
    print_rates("lines/s", lines_per_s, args.threads, "")
    head = " | ".join(f"{t} thr" for t in args.threads)
    for label, key, fmt in [
        ("fairness (fewest / most batches of a thread)", "fairness", "{:.2f}"),
        ("ferrotok pool threads (most seen)", "pool_threads", "{:.0f}"),
        ("process threads (most seen)", "process_threads", "{:.0f}"),
        ("CPU used (cores)", "cores_used", "{:.2f}"),
    ]:
        print(f"\n| {label} | {head} |")
        print("|---|" + "---:|" * len(args.threads))
        for name, res in best.items():
            print(f"| {name} | " + " | ".join(fmt.format(res[t][key]) for t in args.threads) + " |")
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), "batches": best}, indent=1))
    return best


def print_rates(label: str, rates: dict[str, dict[int, float]], threads: list[int], unit: str) -> None:
    """A markdown table of rates (thousands) by thread count, and the worst rate over the first count's."""
    head = " | ".join(f"{t} thr" for t in threads)
    print(f"\n| {label} | {head} | worst N-thread / {threads[0]}-thread |")
    print("|---|" + "---:|" * (len(threads) + 1))
    for name, by_threads in rates.items():
        cells = " | ".join(f"{by_threads[t] / 1e3:.0f}k{unit}" for t in threads)
        base = by_threads[threads[0]]
        worst = min((by_threads[t] / base for t in threads[1:]), default=1.0) if base else float("nan")
        print(f"| {name} | {cells} | {worst:.2f} |")


def print_ratios(ratios: dict[str, dict[int, list[float]]], threads: list[int], what: str = "rate") -> None:
    """A markdown table of the median over rounds of each round's N-thread / first-count ratio of `what`,
    with the lowest and highest of the rounds."""
    head = " | ".join(f"{t} thr" for t in threads[1:])
    print(
        f"\n| median of rounds: N-thread / {threads[0]}-thread {what} in the same round (min – max) | {head} |"
    )
    print("|---|" + "---:|" * (len(threads) - 1))
    for name, by_threads in ratios.items():
        cells = " | ".join(
            f"{statistics.median(by_threads[t]):.2f} ({min(by_threads[t]):.2f} – {max(by_threads[t]):.2f})"
            for t in threads[1:]
        )
        print(f"| {name} | {cells} |")


def machine() -> str:
    try:
        load = os.getloadavg()[0]
    except OSError:
        load = float("nan")
    return (
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} logical CPUs, "
        f"load average {load:.1f} at start, Python {platform.python_version()}"
    )


def main(argv: list[str] | None = None) -> dict[str, dict[int, float]]:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2, 4, 8])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=0.5, help="length of one measurement")
    ap.add_argument("--cases", nargs="+", help="keep cases whose name contains one of these words")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    ap.add_argument(
        "--warm", action="store_true", help="single calls: each new thread first encodes every line, untimed"
    )
    ap.add_argument("--batches", action="store_true", help=f"threads send batches of {BATCH} lines")
    args = ap.parse_args(argv)
    if args.batches:
        return main_batches(args)  # type: ignore[return-value]

    lines = load_lines()
    cases = make_cases(lines, args.cases)
    for call in cases.values():  # warm-up: caches, first-call imports
        for i in range(200):
            call(i)
    best: dict[str, dict[int, float]] = {n: {} for n in cases}
    switches: dict[str, dict[int, float]] = {n: {} for n in cases}
    # Per round, each thread count's rate over the first count's rate of the same round: a slow spell of
    # the machine then lands on both sides of a ratio, which best-of rates across rounds do not ensure.
    ratios: dict[str, dict[int, list[float]]] = {n: {t: [] for t in args.threads} for n in cases}
    # The same for the CPU time per call: above 1, a call does more work (or the same work slower) when
    # threads share the tokenizer; near 1 while the rate falls, the time lost is time no thread ran.
    cpu_ratios: dict[str, dict[int, list[float]]] = {n: {t: [] for t in args.threads} for n in cases}
    cpu_per_call: dict[str, dict[int, list[float]]] = {n: {t: [] for t in args.threads} for n in cases}
    rounds_versus: dict[int, list[float]] = {}  # GPT-2 encode / tiktoken in each round
    print(f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {machine()}", flush=True)
    for r in range(args.rounds):
        this_round: dict[str, dict[int, float]] = {n: {} for n in cases}
        cpu_round: dict[str, dict[int, float]] = {n: {} for n in cases}
        for threads in args.threads:
            for name, call in cases.items():
                rate, sw, cpu = run_threads(call, threads, len(lines), args.seconds, args.warm)
                this_round[name][threads] = rate
                cpu_round[name][threads] = cpu
                cpu_per_call[name][threads].append(cpu)
                best[name][threads] = max(best[name].get(threads, 0.0), rate)
                switches[name][threads] = min(switches[name].get(threads, sw), sw)
        if "ferrotok gpt2 encode" in this_round and "tiktoken gpt2 encode_ordinary" in this_round:
            for t in args.threads:
                rounds_versus.setdefault(t, []).append(
                    this_round["ferrotok gpt2 encode"][t] / this_round["tiktoken gpt2 encode_ordinary"][t]
                )
        for name, rates in this_round.items():
            for t in args.threads:
                ratios[name][t].append(rates[t] / rates[args.threads[0]])
                cpu_ratios[name][t].append(cpu_round[name][t] / max(cpu_round[name][args.threads[0]], 1e-12))
        print(f"# round {r + 1}/{args.rounds} done", file=sys.stderr, flush=True)

    print_rates("case", best, args.threads, "/s")
    print_ratios(ratios, args.threads)
    head = " | ".join(f"{t} thr" for t in args.threads)
    print(f"\n| median CPU µs per call (user + system, all threads) | {head} |")
    print("|---|" + "---:|" * len(args.threads))
    for name, by_threads in cpu_per_call.items():
        cells = " | ".join(f"{1e6 * statistics.median(by_threads[t]):.2f}" for t in args.threads)
        print(f"| {name} | {cells} |")
    print_ratios(cpu_ratios, args.threads, "CPU time per call")
    head = " | ".join(f"{t} thr" for t in args.threads)
    print(f"\n| voluntary context switches per call | {head} |")
    print("|---|" + "---:|" * len(args.threads))
    for name, sws in switches.items():
        print(f"| {name} | " + " | ".join(f"{sws[t]:.2f}" for t in args.threads) + " |")
    ours, theirs = best.get("ferrotok gpt2 encode"), best.get("tiktoken gpt2 encode_ordinary")
    if ours and theirs:
        versus = ", ".join(f"{t}: {ours[t] / theirs[t]:.2f}" for t in args.threads)
        print(f"\nferrotok gpt2 encode / tiktoken encode_ordinary by threads (best of rounds): {versus}")
        versus = ", ".join(f"{t}: {min(rounds_versus[t]):.2f}" for t in args.threads if rounds_versus.get(t))
        print(f"the same, lowest ratio of a round: {versus}")
    print(f"# end: {machine()}")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "machine": machine(),
                    "calls_per_s": best,
                    "switches_per_call": switches,
                    "ratios": ratios,
                    "cpu_per_call": cpu_per_call,
                    "cpu_ratios": cpu_ratios,
                },
                indent=1,
            )
        )
    return best


if __name__ == "__main__":
    main()
