"""The encoding phase of `ferrotok encode --format bin` alone: one thread, two threads of one process, and two
processes at once, side by side.

`bench_shards.py` times whole commands, whose start-up (interpreter, imports, tokenizer load) is serial in one
process but runs in parallel in its `ceiling` (two independent processes). This one loads the tokenizer first
and times only what a worker does: the corpus cut into ~1 MB blocks at line ends, each block given to
`_core.encode_stream_lines` as a worker thread calls it (GIL released, on the calling thread). It tells whether
threads of one process scale as well as processes do, apart from the start-up.

    python benches/bench_shard_threads.py --corpus ../shared/corpora/*.txt --rounds 5

Each variant runs in a fresh process with RAYON_NUM_THREADS=1, interleaved round by round; medians are printed
with the ratios against one thread.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BLOCK = 1 << 20


def worker(corpus: str, tokenizer: str, threads: int) -> None:
    """Encode `corpus` on `threads` threads; print the wall seconds of the encoding alone."""
    from concurrent.futures import ThreadPoolExecutor

    from ferrotok import _core, shards
    from ferrotok.cli import _load_tokenizer

    tok = _load_tokenizer(tokenizer)
    separator = shards._separator_id(tok, None, tokenizer)[1]
    itemsize = shards._itemsize(tok)
    data = Path(corpus).read_bytes()
    blocks, start = [], 0
    while start < len(data):
        end = min(start + BLOCK, len(data))
        if end < len(data):
            found = data.find(b"\n", end)
            end = len(data) if found < 0 else found + 1
        blocks.append(data[start:end])
        start = end

    def encode(block: bytes) -> int:
        return _core.encode_stream_lines(tok._tokenizer, block, separator, itemsize, False)[1]

    begin = time.perf_counter()
    if threads == 1:
        tokens = sum(map(encode, blocks))
    else:
        with ThreadPoolExecutor(threads) as pool:
            tokens = sum(pool.map(encode, blocks))
    print(f"{time.perf_counter() - begin:.6f} {tokens}")


def run(corpus: Path, tokenizer: str, counts: list[int]) -> list[tuple[float, int]]:
    """Start one process per entry of `counts` (its thread count) at once; their (seconds, tokens)."""
    env = {**os.environ, "RAYON_NUM_THREADS": "1"}
    command = [sys.executable, __file__, "--worker", str(corpus), tokenizer]
    procs = [subprocess.Popen([*command, str(n)], env=env, stdout=subprocess.PIPE, text=True) for n in counts]
    out = []
    for proc in procs:
        text, _ = proc.communicate()
        if proc.returncode != 0:
            raise SystemExit(f"worker failed on {corpus}")
        seconds, tokens = text.split()
        out.append((float(seconds), int(tokens)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", nargs="+", type=Path, default=[HERE / "sample.txt"])
    parser.add_argument("--tokenizer", default=str(ROOT / "tests" / "fixtures" / "gpt2"))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        corpus, tokenizer, threads = args.worker
        worker(corpus, tokenizer, int(threads))
        return
    print(
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}: on a shared machine read the ratios"
    )
    print(
        "| corpus | 1 thread | 2 threads | 2 processes at once (each) | 2 threads vs 1 | 2 processes vs 1 |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for corpus in args.corpus:
        times: dict[str, list[float]] = {"one": [], "threads": [], "processes": []}
        for _ in range(args.rounds):
            ((one, tokens),) = run(corpus, args.tokenizer, [1])
            ((two, tokens2),) = run(corpus, args.tokenizer, [2])
            pair = run(corpus, args.tokenizer, [1, 1])
            if not tokens == tokens2 == pair[0][1] == pair[1][1]:
                raise SystemExit(f"token counts differ on {corpus}")
            times["one"].append(one)
            times["threads"].append(two)
            times["processes"].append(max(t for t, _ in pair))
        m = {k: statistics.median(v) for k, v in times.items()}
        print(
            f"| {corpus.name} | {m['one']:.3f} s | {m['threads']:.3f} s | {m['processes']:.3f} s | "
            f"{m['one'] / m['threads']:.2f}× | {2 * m['one'] / m['processes']:.2f}× |"
        )


if __name__ == "__main__":
    main()
