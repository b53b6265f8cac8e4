"""Training speed and memory: ferrotok against Hugging Face, side by side in one run.

Each (engine, model) pair trains in a fresh subprocess with one thread (RAYON_NUM_THREADS=1), so its peak
RSS (`ru_maxrss`) is its own; HF runs through transformers' `train_new_from_iterator`, ferrotok through
`FerroTokenizer.train_new_from_iterator`, both fed by the same generator over lines read before the
clock starts (the time to read the files is not the trainers'). The engines alternate per repeat; the
best time of each is kept.
Word counting alone (byte-level pipeline) is timed on 1 and 2 threads through both entry points: an
iterator (`train_from_iterator`: the core pulls texts from a Python generator) and files (`train(files)`:
the core reads them). As in bench_interleaved.py, each round times the 1-thread run t1, the 2-thread run
t2 and two 1-thread runs started together tc (independent processes: what the machine gives two jobs
that share nothing), and reports the speed-up t1/t2 beside the machine's ceiling 2·t1/tc, medians over
`--count-rounds` rounds, with the load average. `--stream-mb N` trains on N MB of shuffled, repeated
corpus lines fed from a generator, to show memory does not grow with the corpus.

    python benches/bench_train.py                          # bundled text (benches/sample.txt)
    python benches/bench_train.py --corpus ../shared/corpora/*.txt --vocab-size 8000 --stream-mb 1000

Timings on a shared machine are noisy: compare the ratios of one run, not figures across runs.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
MODELS = ("bpe", "wordpiece", "wordlevel", "unigram")


def read_lines(paths: list[str]) -> list[str]:
    lines: list[str] = []
    for p in paths:
        lines.extend(line for line in Path(p).read_text(encoding="utf-8").splitlines() if line.strip())
    return lines


def texts_for(args: argparse.Namespace, lines: list[str]):
    """The corpus as a generator (lines, or shuffled repeats up to --stream-mb)."""
    if not args.stream_mb:
        yield from lines
        return
    rng = random.Random(0)
    budget = args.stream_mb << 20
    while budget > 0:
        order = list(range(len(lines)))
        rng.shuffle(order)
        for i in order:
            yield lines[i]
            budget -= len(lines[i]) + 1
            if budget <= 0:
                return


def child(args: argparse.Namespace) -> None:
    """One measurement, in its own process; prints a JSON line."""
    sys.path.insert(0, str(HERE.parent / "python"))
    from ferrotok.training import default_pipeline

    doc, specials = default_pipeline(args.model)
    # Read before the clock starts: both engines get the same generator over these lines.
    lines = read_lines(args.corpus)
    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0, c0 = time.perf_counter(), time.process_time()
    if args.engine == "hf":
        from tokenizers import Tokenizer
        from transformers import PreTrainedTokenizerFast

        tok = PreTrainedTokenizerFast(tokenizer_object=Tokenizer.from_str(json.dumps(doc)), **specials)
        base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        t0, c0 = time.perf_counter(), time.process_time()
        new = tok.train_new_from_iterator(texts_for(args, lines), args.vocab_size)
        size = len(new)
    else:
        from ferrotok import FerroTokenizer, _core, trainers

        if args.count_only:
            model = {"type": "BPE", "vocab": {}, "merges": []}
            core = _core.Tokenizer.from_str(json.dumps({**doc, "model": model, "post_processor": None}))
            trainer = trainers.BpeTrainer(vocab_size=args.vocab_size)
            run = _core.TrainingRun(core, trainer.to_json())
            # Started together with other children: wait for the driver's go.
            print("ready", flush=True)
            sys.stdin.readline()
            base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            t0, c0 = time.perf_counter(), time.process_time()
            if args.entry == "files":
                run.feed_files(args.corpus)
            else:
                run.feed_iter(texts_for(args, lines))
            size = run.word_count()
        else:
            tok = FerroTokenizer(_core.Tokenizer.from_str(json.dumps(doc)), **specials)
            base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            t0, c0 = time.perf_counter(), time.process_time()
            new = tok.train_new_from_iterator(texts_for(args, lines), args.vocab_size, show_progress=False)
            size = len(new)
    seconds = time.perf_counter() - t0
    cpu = time.process_time() - c0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "seconds": seconds,
                "cpu": cpu,
                "size": size,
                "peak_mb": rss / 1024,
                "delta_mb": (rss - base_rss) / 1024,
            }
        )
    )


def child_cmd(args: argparse.Namespace, engine: str, model: str) -> list[str]:
    cmd = [sys.executable, __file__, "--child", "--engine", engine, "--model", model]
    options = ["--vocab-size", str(args.vocab_size), "--stream-mb", str(args.stream_mb)]
    return [*cmd, *options, "--corpus", *args.corpus]


def thread_env(threads: int) -> dict[str, str]:
    env = dict(os.environ, RAYON_NUM_THREADS=str(threads), RAYON_RS_NUM_CPUS=str(threads))
    env["TOKENIZERS_PARALLELISM"] = "true" if threads > 1 else "false"
    return env


def measure(args: argparse.Namespace, engine: str, model: str) -> dict:
    cmd = child_cmd(args, engine, model)
    out = subprocess.run(cmd, env=thread_env(1), capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"{engine} {model} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def count_together(args: argparse.Namespace, entry: str, threads: list[int]) -> list[dict]:
    """Word counting in one child per entry of `threads` (its thread count), started at the same moment."""
    cmd = [*child_cmd(args, "ferrotok", "bpe"), "--count-only", "--entry", entry]
    children = [
        subprocess.Popen(cmd, env=thread_env(n), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        for n in threads
    ]
    for c in children:
        assert c.stdout is not None and c.stdout.readline().strip() == "ready"
    for c in children:
        assert c.stdin is not None
        c.stdin.write("go\n")
        c.stdin.flush()
    results = []
    for c in children:
        out, _ = c.communicate()
        if c.returncode != 0:
            raise SystemExit(f"counting ({entry}) failed")
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


def counting_scaling(args: argparse.Namespace) -> None:
    print("\nword counting (byte-level pipeline), 1 vs 2 threads; ceiling = 2·t1/tc:")
    for entry in ("iterator", "files"):
        load0 = os.getloadavg()[0]
        t1s, t2s, tcs = [], [], []
        for _ in range(args.count_rounds):
            t1s.append(count_together(args, entry, [1])[0]["seconds"])
            t2s.append(count_together(args, entry, [2])[0]["seconds"])
            tcs.append(max(r["seconds"] for r in count_together(args, entry, [1, 1])))
        speedup = statistics.median(a / b for a, b in zip(t1s, t2s, strict=True))
        ceiling = statistics.median(2 * a / c for a, c in zip(t1s, tcs, strict=True))
        print(
            f"{entry:<9} t1 {statistics.median(t1s):.3f} s, t2 {statistics.median(t2s):.3f} s:"
            f" {speedup:.2f}x (best {min(t1s) / min(t2s):.2f}x); ceiling {ceiling:.2f}x"
            f" (best {2 * min(t1s) / min(tcs):.2f}x); load {load0:.1f} -> {os.getloadavg()[0]:.1f}",
            flush=True,
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", nargs="+", default=[str(HERE / "sample.txt")])
    ap.add_argument("--models", nargs="+", default=list(MODELS), choices=MODELS)
    ap.add_argument("--vocab-size", type=int, default=8000)
    ap.add_argument("--repeat", type=int, default=2, help="runs per engine and model (best kept)")
    ap.add_argument(
        "--stream-mb", type=int, default=0, help="train on this many MB of repeated, shuffled lines"
    )
    ap.add_argument("--ferrotok-only", action="store_true", help="skip HF (e.g. for a long --stream-mb run)")
    ap.add_argument("--no-counting", action="store_true", help="skip the 1 vs 2 threads counting check")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--engine", choices=("hf", "ferrotok"), help=argparse.SUPPRESS)
    ap.add_argument("--model", choices=MODELS, help=argparse.SUPPRESS)
    ap.add_argument("--count-only", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--entry", choices=("iterator", "files"), default="iterator", help=argparse.SUPPRESS)
    ap.add_argument("--count-rounds", type=int, default=5, help="rounds of the 1 vs 2 threads counting check")
    ap.add_argument("--only-counting", action="store_true", help="only the 1 vs 2 threads counting check")
    args = ap.parse_args()
    if args.child:
        child(args)
        return
    size = sum(os.path.getsize(p) for p in args.corpus) if not args.stream_mb else args.stream_mb << 20
    print(
        f"corpus: {', '.join(Path(p).name for p in args.corpus)} ({size / 1e6:.1f} MB), vocab {args.vocab_size}"
    )
    models = [] if args.only_counting else args.models
    if models:
        print(
            "one thread each; best of", args.repeat, "runs (by wall time); CPU time of the training process;"
        )
        print("peak RSS of the training process\n")
        head = f"{'model':<10} {'HF s':>7} {'ours s':>7} {'wall':>6} {'HF cpu':>7} {'ours cpu':>8} {'cpu':>6}"
        print(f"{head} {'HF MB':>6} {'ours MB':>7}")
    nan = {"seconds": float("nan"), "cpu": float("nan"), "peak_mb": float("nan")}
    for model in models:
        best: dict[str, dict] = {}
        engines = ("ferrotok",) if args.ferrotok_only else ("hf", "ferrotok")
        for _ in range(args.repeat):
            for engine in engines:
                r = measure(args, engine, model)
                if engine not in best or r["seconds"] < best[engine]["seconds"]:
                    best[engine] = r
        ft, hf = best["ferrotok"], best.get("hf", nan)
        print(
            f"{model:<10} {hf['seconds']:>7.2f} {ft['seconds']:>7.2f} {hf['seconds'] / ft['seconds']:>5.1f}x"
            f" {hf['cpu']:>7.2f} {ft['cpu']:>8.2f} {hf['cpu'] / ft['cpu']:>5.1f}x"
            f" {hf['peak_mb']:>6.0f} {ft['peak_mb']:>7.0f}",
            flush=True,
        )
    if not args.no_counting:
        counting_scaling(args)


if __name__ == "__main__":
    main()
