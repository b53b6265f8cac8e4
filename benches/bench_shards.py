"""`ferrotok encode --format bin` against the same job done with transformers' tokenizer and numpy, side by side.

Every measurement is a whole command in a fresh process, start-up included, on the same corpus file:

* `transformers`: a script that loads `transformers.AutoTokenizer` (the Rust-backed fast tokenizer, its own
  thread pool left at its default), reads the lines, encodes them in batches of 1000 without special tokens,
  appends EOS to each and writes the uint16 / uint32 stream with numpy: what a user writes by hand.
* `ferrotok`: `ferrotok encode --format bin` with its defaults (one worker per core: threads for text).
* `1 worker` / `2 workers`: `--workers 1` and `--workers 2` with `RAYON_NUM_THREADS=1`, so one worker is one
  core's work.
* `ceiling`: two independent `--workers 1` processes started together on the same file; 2 · t(1 worker) /
  t(slowest of the two) is what two cores give two processes that share nothing at that moment (shared
  caches, memory bandwidth, other load on the machine). The 2-worker speed-up is read against it.

CPU seconds (user + system of the command and its workers) are printed beside the wall-clock times: on a machine
shared with other jobs they show the work each variant does, which the wall clock then hides.

The variants run interleaved, one round after another, and the medians over the rounds are reported, because on
a shared machine the speed of a core drifts within seconds. Every output is checked to be byte-identical to the
transformers stream before any figure is printed.

    python benches/bench_shards.py                                  # benches/sample.txt, GPT-2, 3 rounds
    python benches/bench_shards.py --corpus ../shared/corpora/*.txt --rounds 5
    python benches/bench_shards.py --corpus ../shared/corpora/*.txt --joined 2   # also all of them, twice over

ferrotok's modules are compiled to bytecode first, as an installed package has them: run from a source tree with
PYTHONDONTWRITEBYTECODE set, every command would otherwise compile them again, a cost no user pays.

A whole command includes a fixed start-up (interpreter, imports, tokenizer load, forking the workers), which no
number of workers shortens; it is measured on an empty input and printed, because on a file of a few megabytes it
bounds what a second worker can give.

First, the load alone: `AutoTokenizer.from_pretrained` of the GPT-2 folder as a legacy folder (vocab.json +
merges.txt) and as a tokenizer.json folder (written by transformers' `save_pretrained`), ferrotok beside
transformers, each load in a fresh process with its imports done before the clock starts (`--load-only`: only
this).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

BASELINE = """
import sys
import numpy as np
from transformers import AutoTokenizer

corpus, tokenizer, out = sys.argv[1:4]
tok = AutoTokenizer.from_pretrained(tokenizer, local_files_only=True)
eos = tok.eos_token_id
dtype = np.uint16 if len(tok) <= 1 << 16 else np.uint32
with open(corpus, encoding="utf-8") as f:
    lines = f.read().split("\\n")
if lines and lines[-1] == "":
    lines.pop()
with open(out, "wb") as f:
    for i in range(0, len(lines), 1000):
        rows = tok(lines[i : i + 1000], add_special_tokens=False)["input_ids"]
        np.array([t for row in rows for t in (*row, eos)], dtype=dtype).tofile(f)
"""


LOAD = """
import sys, time
from {module} import AutoTokenizer

start, cpu = time.perf_counter(), time.process_time()
AutoTokenizer.from_pretrained(sys.argv[1], local_files_only=True)
print(time.perf_counter() - start, time.process_time() - cpu)
"""


def bench_load(tokenizer: str, rounds: int, scratch: Path) -> None:
    """Median seconds of one `AutoTokenizer.from_pretrained`, ferrotok and transformers, per folder kind: wall
    clock and CPU (all threads of the process; steadier than the wall clock on a loaded machine)."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    folder_json = scratch / "tokenizer-json"
    save = "from transformers import AutoTokenizer; import sys; "
    save += "AutoTokenizer.from_pretrained(sys.argv[1]).save_pretrained(sys.argv[2])"
    subprocess.run([sys.executable, "-c", save, tokenizer, str(folder_json)], env=env, check=True)
    for name in ("vocab.json", "merges.txt"):  # so that both libraries can only read tokenizer.json
        (folder_json / name).unlink(missing_ok=True)
    folders = {"legacy (vocab.json + merges.txt)": tokenizer, "tokenizer.json": str(folder_json)}
    modules = ("ferrotok", "transformers")
    times: dict[tuple[str, str], list[tuple[float, float]]] = {(f, m): [] for f in folders for m in modules}
    for _ in range(rounds):
        for kind, folder in folders.items():
            for module in modules:
                script = LOAD.format(module=module)
                out = subprocess.run(
                    [sys.executable, "-c", script, folder], env=env, check=True, capture_output=True
                )
                wall, cpu = out.stdout.decode().split()[-2:]
                times[kind, module].append((float(wall), float(cpu)))
    print(
        f"\nAutoTokenizer.from_pretrained of {Path(tokenizer).name}, imports excluded (medians of {rounds})"
    )
    print(f"| {'folder':<34} | {'':<5} | {'ferrotok':>9} | {'transformers':>12} | {'ratio':>6} |")
    print(f"|{'-' * 36}|{'-' * 7}|{'-' * 11}|{'-' * 14}|{'-' * 8}|")
    for kind in folders:
        for i, clock in enumerate(("wall", "CPU")):
            ft, hf = (statistics.median(t[i] for t in times[kind, m]) for m in modules)
            print(f"| {kind:<34} | {clock:<5} | {ft * 1e3:6.1f} ms | {hf * 1e3:9.1f} ms | {hf / ft:5.1f}x |")


def timed(commands: list[list[str]], env: dict[str, str]) -> tuple[float, float]:
    """(seconds until the last of these commands, started together, has finished; their CPU seconds, user +
    system, worker processes included)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    procs = [subprocess.Popen(c, env=env, stderr=subprocess.PIPE) for c in commands]
    for proc, command in zip(procs, commands, strict=True):
        _, err = proc.communicate()
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed:\n{err.decode()}")
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def bench_corpus(corpus: Path, tokenizer: str, rounds: int, scratch: Path) -> dict[str, float]:
    size = corpus.stat().st_size
    py = sys.executable
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    single = {**env, "RAYON_NUM_THREADS": "1"}
    baseline_script = scratch / "baseline.py"
    baseline_script.write_text(BASELINE, encoding="utf-8")

    def cli(out: str, *extra: str) -> list[str]:
        command = [
            py,
            "-m",
            "ferrotok",
            "encode",
            str(corpus),
            "--format",
            "bin",
            "-q",
            "-o",
            str(scratch / out),
        ]
        return [*command, "--tokenizer", tokenizer, *extra]

    empty = scratch / "empty.txt"
    empty.write_bytes(b"")
    startup = [
        py,
        "-m",
        "ferrotok",
        "encode",
        str(empty),
        "--format",
        "bin",
        "-q",
        "-o",
        str(scratch / "e.bin"),
    ]
    startup += ["--tokenizer", tokenizer, "--workers", "1"]
    names = ("transformers", "ferrotok", "w1", "w2", "ceiling", "startup")
    times: dict[str, list[float]] = {k: [] for k in names}
    cpu: dict[str, list[float]] = {k: [] for k in names}
    baseline = [py, str(baseline_script), str(corpus), tokenizer, str(scratch / "hf")]
    for _ in range(rounds):
        runs = {
            "transformers": ([baseline], env),
            "ferrotok": ([cli("ft.bin")], env),
            "w1": ([cli("w1.bin", "--workers", "1")], single),
            "w2": ([cli("w2.bin", "--workers", "2")], single),
            "ceiling": ([cli("c1.bin", "--workers", "1"), cli("c2.bin", "--workers", "1")], single),
            "startup": ([startup], single),
        }
        for name, (commands, environment) in runs.items():
            wall, seconds = timed(commands, environment)
            times[name].append(wall)
            cpu[name].append(seconds)
    reference = (scratch / "hf").read_bytes()
    for name in ("ft.bin", "w1.bin", "w2.bin", "c1.bin", "c2.bin"):
        if (scratch / name).read_bytes() != reference:
            raise SystemExit(f"{name} differs from the transformers stream on {corpus}")
    itemsize = 2 if b"uint16" in (scratch / "ft.bin.json").read_bytes() else 4
    tokens = len(reference) // itemsize
    med = {k: statistics.median(v) for k, v in times.items()}
    speedups = [a / b for a, b in zip(times["w1"], times["w2"], strict=True)]
    ceilings = [2 * a / c for a, c in zip(times["w1"], times["ceiling"], strict=True)]
    return {
        "bytes": size,
        "tokens": tokens,
        **{f"t_{k}": v for k, v in med.items()},
        **{f"cpu_{k}": statistics.median(v) for k, v in cpu.items()},
        "vs_transformers": statistics.median(
            [t / f for t, f in zip(times["transformers"], times["ferrotok"], strict=True)]
        ),
        "speedup_2w": statistics.median(speedups),
        "ceiling": statistics.median(ceilings),
    }


def report(corpus: Path, r: dict[str, float]) -> None:
    mb = r["bytes"] / 1e6
    print(
        f"\n{corpus.name}: {mb:.1f} MB, {r['tokens']:,} tokens (medians; whole commands, start-up included)"
    )
    print(f"| {'command':<36} | {'seconds':>8} | {'MB/s':>7} | {'tokens/s':>12} | {'CPU seconds':>11} |")
    print(f"|{'-' * 38}|{'-' * 10}|{'-' * 9}|{'-' * 14}|{'-' * 13}|")
    rows = [
        ("transformers + numpy, 1 process", "transformers"),
        ("ferrotok encode --format bin", "ferrotok"),
        ("  --workers 1 (RAYON_NUM_THREADS=1)", "w1"),
        ("  --workers 2 (RAYON_NUM_THREADS=1)", "w2"),
    ]
    for label, key in rows:
        t = r[f"t_{key}"]
        print(
            f"| {label:<36} | {t:8.2f} | {mb / t:7.2f} | {r['tokens'] / t:12,.0f} | {r[f'cpu_{key}']:11.2f} |"
        )
    print(
        f"ferrotok vs transformers: {r['vs_transformers']:.1f}x wall clock, "
        f"{r['cpu_transformers'] / r['cpu_ferrotok']:.1f}x CPU seconds; 2 workers vs 1: {r['speedup_2w']:.2f}x; "
        f"ceiling (2 independent 1-worker processes): {r['ceiling']:.2f}x; "
        f"efficiency {r['speedup_2w'] / r['ceiling']:.0%}; start-up (empty input): {r['t_startup']:.2f} s"
    )


def compile_bytecode() -> None:
    import compileall

    import ferrotok

    compileall.compile_dir(Path(ferrotok.__file__).parent, quiet=1)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", nargs="+", type=Path, default=[HERE / "sample.txt"])
    parser.add_argument("--tokenizer", default=str(ROOT / "tests" / "fixtures" / "gpt2"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--joined",
        type=int,
        default=0,
        metavar="N",
        help="also measure the corpora joined in one file, N times over",
    )
    parser.add_argument("--load-rounds", type=int, default=5, help="rounds of the load-time table")
    parser.add_argument("--load-only", action="store_true", help="only the load-time table")
    args = parser.parse_args()
    compile_bytecode()
    print(
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}: on a shared machine read the ratios"
    )
    with tempfile.TemporaryDirectory() as scratch:
        bench_load(args.tokenizer, args.load_rounds, Path(scratch))
    if args.load_only:
        return
    for corpus in args.corpus:
        with tempfile.TemporaryDirectory() as scratch:
            report(corpus, bench_corpus(corpus, args.tokenizer, args.rounds, Path(scratch)))
    if args.joined:
        with tempfile.TemporaryDirectory() as scratch:
            joined = Path(scratch) / f"joined-x{args.joined}.txt"
            with joined.open("wb") as f:
                for _ in range(args.joined):
                    for corpus in args.corpus:
                        data = corpus.read_bytes()
                        f.write(data if data.endswith(b"\n") else data + b"\n")
            report(joined, bench_corpus(joined, args.tokenizer, args.rounds, Path(scratch)))


if __name__ == "__main__":
    main()
