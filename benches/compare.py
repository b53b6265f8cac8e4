"""Compare ferrotok with the other tokenizers side by side, in one run on one machine.

    python benches/compare.py --setup      # once: create .venv-bench4 (transformers 4.x, pure-Python GPT-2)
    python benches/compare.py --quick      # < 2 minutes on an idle 2-core machine
    python benches/compare.py              # the full grid
    python benches/compare.py --write-md   # also replace the results section of BENCHMARKS.md
    python benches/compare.py --only versus --models gpt2 --rounds 40   # one interleaved measurement alone
    python benches/compare.py --only scaling                             # (quick text sets), table printed

Every (implementation, model, thread setting) runs in its own fresh subprocess (benches/bench_worker.py) so
that the thread environment variables take effect and peak RSS belongs to one implementation. Results go to
bench-results/ (results.json, results.md, PNG plots); the markdown table is printed. Thread scaling is also
measured in interleaved sweeps next to the machine's own ceiling, and ferrotok against each other tokenizer
on batches of 1000 head to head, in interleaved sweeps (both in bench_interleaved.py). This is the one
driver: the other files in benches/ are its parts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_assets as assets  # noqa: E402
import bench_report as report  # noqa: E402
from bench_interleaved import measure_scaling, measure_versus  # noqa: E402

FAST = ["ferrotok", "transformers", "tokenizers"]
SUPPORTED = {
    "bert": [*FAST, "bert-legacy"],
    "gpt2": [*FAST, "tiktoken", "gpt2-slow"],
    "qwen": FAST,
}
SLOW = {"bert-legacy", "gpt2-slow"}  # pure Python: one thread, no worst cases
# BERT is used for embeddings: padded, truncated int64 arrays. The BPE models are compared as lists, the
# only output tiktoken has, without truncation.
MAIN_OUTPUT = {"bert": ("np", 128), "gpt2": ("list", None), "qwen": ("list", None)}
# The BPE issue states its goals for batches of 1,000 lines → padded int64 numpy: those cases run as group
# "padded" (padding to the longest row, no truncation; tiktoken's lists are padded with numpy by the worker).
PADDED_MODELS = ("gpt2", "qwen")
WORST = ["prose1m", "nows1m", "punct1m", "a1m"]


def all_threads() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def thread_env(n: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "RAYON_NUM_THREADS": str(n),  # ferrotok
            "RAYON_RS_NUM_THREADS": str(n),  # Hugging Face tokenizers
            "TOKENIZERS_PARALLELISM": "true" if n > 1 else "false",
            "OMP_NUM_THREADS": str(n),
            "MKL_NUM_THREADS": str(n),
        }
    )
    return env


def case(
    model: str, text: str, batch: int, output: str, max_length: int | None, texts: dict, group: str
) -> dict:
    return {
        "id": f"{model}|{text}|b{batch}|{output}|L{max_length or '-'}",
        "group": group,
        "model": model,
        "text": text,
        "batch": batch,
        "output": output,
        "max_length": max_length,
        "texts": str(texts[text]),
    }


def plan(args: argparse.Namespace, models: dict, texts: dict) -> list[dict]:
    """The worker jobs: one per (implementation, model, thread setting), each with its cases."""
    quick = args.quick
    n_all = all_threads()
    thread_settings = [1] + ([n_all] if n_all > 1 and not args.one_thread else [])
    if quick:
        grid = [("short", 1), ("short", 1000), ("para", 1000), ("doc100k", 1)]
        multi = {("short", 1000), ("para", 1000)}
    else:
        grid = [
            (t, b) for t in ("short", "para", "doc100k") for b in (1, 32, 1000) if (t, b) != ("doc100k", 1000)
        ]
        multi = set(grid)
    sweep_models = ["bert"] if quick else ["bert", "gpt2"]
    jobs = []
    for m in args.models:
        output, max_len = MAIN_OUTPUT[m]
        for impl in SUPPORTED[m]:
            if impl not in args.impls:
                continue
            for threads in thread_settings:
                if threads > 1 and impl in SLOW:
                    continue
                cases = []
                for text, batch in grid:
                    if threads > 1 and (text, batch) not in multi:
                        continue
                    if impl in SLOW and quick and batch == 1 and text != "short":
                        continue
                    cases.append(case(m, text, batch, output, max_len, texts, "main"))
                if m in PADDED_MODELS:
                    for text in ("short", "para"):
                        if threads == 1 or (text, 1000) in multi:
                            cases.append(case(m, text, 1000, "np", None, texts, "padded"))
                if threads == 1 and m in sweep_models and impl in FAST:
                    for out in ("list", "np", "pt"):
                        cases.append(case(m, "short", 1000, out, 128, texts, "output"))
                if threads == 1 and impl not in SLOW:
                    for w in WORST if not quick else ["prose1m", "nows1m"]:
                        cases.append(case(m, w, 1, "list", None, texts, "worst"))
                rss_out = output if impl != "tiktoken" else "list"
                job = {
                    "impl": impl,
                    "model": models[m],
                    "threads": threads,
                    "cases": cases,
                    "reloads": 3 if threads == 1 else 0,
                    "rss_case": case(m, "para", 1000, rss_out, max_len, texts, "rss")
                    if threads == 1
                    else None,
                    # torch is imported by the first "pt" case, after the RSS measurement.
                    "preload": ["numpy"],
                }
                jobs.append(job)
    if "bert" in args.models and not args.no_e2e:
        for impl in ("ferrotok", "transformers"):
            if impl not in args.impls:
                continue
            for threads in thread_settings if not quick else [1]:
                jobs.append(
                    {
                        "impl": impl,
                        "model": models["bert"],
                        "threads": threads,
                        "cases": [],
                        "preload": ["numpy", "torch"],
                        "e2e": {
                            "model_dir": models["bert"]["dir"],
                            "texts": str(texts["short"]),
                            "batch": 32,
                            "max_length": 128,
                            "repeats": 10 if quick else 30,
                        },
                    }
                )
    return jobs


def worker_cfg(quick: bool) -> dict:
    if quick:
        # Enough distinct batches (and time per sample) that a second thread's pool and caches are warm:
        # with 128 KB (two batches of short lines) the 2-thread figures swung between 0.75x and 1.6x.
        return {"max_bytes": 512_000, "max_batches": 16, "repeats": 5, "min_time": 0.1, "slow_pass_s": 1.0}
    return {"max_bytes": 2_000_000, "max_batches": 64, "repeats": 7, "min_time": 0.25, "slow_pass_s": 4.0}


def run_job(job: dict, args: argparse.Namespace) -> dict:
    spec = dict(job, cfg=worker_cfg(args.quick), standin=args.standin, sys_path=args.ferrotok_path)
    python = str(assets.slow_python()) if job["impl"] == "gpt2-slow" else sys.executable
    label = f"{job['impl']}/{job['model']['name']}/threads={job['threads']}"
    if job["impl"] == "gpt2-slow" and not assets.slow_python().is_file():
        return {
            "impl": job["impl"],
            "model": job["model"]["name"],
            "threads": job["threads"],
            "error": "no .venv-bench4 (run --setup)",
        }
    t0 = time.perf_counter()
    try:
        p = subprocess.run(
            [python, str(HERE / "bench_worker.py")],
            input=json.dumps(spec),
            capture_output=True,
            text=True,
            env=thread_env(job["threads"]),
            timeout=args.timeout,
        )
    except subprocess.TimeoutExpired:
        print(f"  {label}: timeout after {args.timeout}s", file=sys.stderr)
        return {
            "impl": job["impl"],
            "model": job["model"]["name"],
            "threads": job["threads"],
            "error": "timeout",
        }
    took = time.perf_counter() - t0
    lines = p.stdout.strip().splitlines()
    if p.returncode != 0 or not lines:
        err = (p.stderr.strip().splitlines() or ["?"])[-1]
        print(f"  {label}: FAILED ({err})", file=sys.stderr)
        return {
            "impl": job["impl"],
            "model": job["model"]["name"],
            "threads": job["threads"],
            "error": err[:300],
        }
    print(f"  {label}: {took:.1f}s", file=sys.stderr)
    res = json.loads(lines[-1])
    res["wall_s"] = took
    return res


def paired_cases(args: argparse.Namespace, texts: dict) -> list[dict]:
    """The batches-of-1000 cases whose thread scaling is measured in interleaved pairs (measure_scaling)."""
    out = []
    for m in args.models:
        output, max_len = MAIN_OUTPUT[m]
        for text in ("short", "para"):
            if m in PADDED_MODELS:
                out.append(case(m, text, 1000, "np", None, texts, "padded"))
            if m == "bert" or (m == "gpt2" and text == "short"):
                out.append(case(m, text, 1000, output, max_len, texts, "main"))
    return out


def run_paired(args: argparse.Namespace, models: dict, texts: dict, rounds: int | None = None) -> list[dict]:
    n = all_threads()
    if n < 2 or args.one_thread or "ferrotok" not in args.impls:
        return []
    rounds = rounds or (30 if args.quick else 60)
    return [
        interleaved(
            args,
            models,
            c,
            "paired scaling",
            dict(impl="ferrotok", cfg=worker_cfg(args.quick)),
            lambda spec: measure_scaling(spec, n, rounds, thread_env),
        )
        for c in paired_cases(args, texts)
    ]


def interleaved(
    args: argparse.Namespace, models: dict, c: dict, label: str, extra: dict, measure: Any
) -> dict:
    """One case of an interleaved measurement (`measure(spec)`), its failure kept as a result."""
    spec = {"model": models[c["model"]], "case": c, "standin": args.standin, "sys_path": args.ferrotok_path}
    t0 = time.perf_counter()
    try:
        r = measure(spec | extra)
    except (RuntimeError, OSError, ValueError) as e:
        r = {"error": f"{type(e).__name__}: {e}"[:300]}
    print(f"  {label} {c['id']}: {time.perf_counter() - t0:.1f}s", file=sys.stderr)
    return {"id": c["id"], "case": c, **r}


# The goals' competitors, timed head to head with ferrotok (measure_versus) on batches of 1000 at 1 thread.
VERSUS = {"bert": ["transformers", "tokenizers"], "gpt2": ["transformers", "tiktoken"]}


def versus_cases(args: argparse.Namespace, texts: dict) -> list[dict]:
    """The 1-thread batches-of-1000 cases of the ratio goals: BERT padded arrays, GPT-2 lists and arrays."""
    out = []
    for m in args.models:
        if m not in VERSUS:
            continue
        output, max_len = MAIN_OUTPUT[m]
        for text in ("short", "para"):
            out.append(case(m, text, 1000, output, max_len, texts, "main"))
            if m in PADDED_MODELS:
                out.append(case(m, text, 1000, "np", None, texts, "padded"))
    return out


def run_versus(args: argparse.Namespace, models: dict, texts: dict, rounds: int | None = None) -> list[dict]:
    if "ferrotok" not in args.impls:
        return []
    rounds = rounds or (12 if args.quick else 30)
    out = []
    for c in versus_cases(args, texts):
        others = [o for o in VERSUS[c["model"]] if o in args.impls]
        if others:
            # The quick text sets (512 KB per sweep) in both modes: more rounds, not longer ones.
            out.append(
                interleaved(
                    args,
                    models,
                    c,
                    "head to head",
                    {"cfg": worker_cfg(True)},
                    lambda spec, others=others: measure_versus(spec, others, rounds, thread_env),
                )
            )
    return out


def machine() -> dict:
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        load = os.getloadavg()[0]
    except OSError:
        load = float("nan")
    return {
        "cpu": cpu,
        "cores": all_threads(),
        "load_1min_at_start": load,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small grid, short samples (< 2 minutes)")
    ap.add_argument(
        "--setup", action="store_true", help="create .venv-bench4 for the transformers 4.x tokenizer"
    )
    ap.add_argument("--corpus", type=Path, default=assets.default_corpus(), help="UTF-8 text file")
    ap.add_argument("--models", default="bert,gpt2,qwen", help="comma list of bert,gpt2,qwen")
    ap.add_argument("--impls", default=",".join([*FAST, "tiktoken", "bert-legacy", "gpt2-slow"]))
    ap.add_argument("--one-thread", action="store_true", help="skip the all-cores runs")
    ap.add_argument("--no-e2e", action="store_true", help="skip the MiniLM end-to-end share")
    ap.add_argument("--no-plots", action="store_true")
    ap.add_argument("--write-md", action="store_true", help="replace the results section of BENCHMARKS.md")
    ap.add_argument("--timeout", type=int, default=900, help="seconds per worker process")
    ap.add_argument(
        "--standin",
        choices=["transformers"],
        default=None,
        help="time transformers under the name ferrotok (to test this script without ferrotok)",
    )
    ap.add_argument(
        "--ferrotok-path",
        default=None,
        help="directory put first on sys.path of the workers (e.g. python/ with a built _core extension)",
    )
    ap.add_argument(
        "--render",
        nargs="+",
        type=Path,
        metavar="JSON",
        help="no timing: render saved results.json files together (e.g. runs of different models)",
    )
    ap.add_argument(
        "--only",
        choices=["versus", "scaling"],
        help="run one interleaved measurement alone on the quick text sets and print its table",
    )
    ap.add_argument("--rounds", type=int, default=None, help="rounds of an interleaved measurement")
    args = ap.parse_args(argv)
    args.models = [m for m in args.models.split(",") if m]
    args.impls = [i for i in args.impls.split(",") if i]
    bad = [m for m in args.models if m not in SUPPORTED]
    if bad:
        ap.error(f"unknown model(s) {bad}; choose from {sorted(SUPPORTED)}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.setup:
        assets.setup_slow_venv()
        return 0
    if args.render:
        data = combine([json.loads(p.read_text()) for p in args.render])
        return publish(data, args)
    local = assets.REPO / "python" / "ferrotok"
    if args.ferrotok_path is None and any(local.glob("_core*.so")):
        # A build in this checkout (maturin develop, or the cdylib copied there) wins over an installed one.
        args.ferrotok_path = str(local.parent)
    if args.only:
        return run_only(args)
    t_start = time.perf_counter()
    info = machine()
    print(f"corpus: {args.corpus}", file=sys.stderr)
    texts = assets.build_texts(args.corpus, args.quick)
    models = {k: v for k, v in assets.models(args.corpus, args.quick).items() if k in args.models}
    checks = {}
    if "gpt2" in args.models and "tiktoken" in args.impls:
        checks["tiktoken_vs_hf"] = assets.verify_tiktoken(texts)
        if checks["tiktoken_vs_hf"]["mismatches"]:
            print(
                f"tiktoken differs from Hugging Face: {checks['tiktoken_vs_hf']}; not timed", file=sys.stderr
            )
            args.impls = [i for i in args.impls if i != "tiktoken"]
    jobs = plan(args, models, texts)
    print(f"{len(jobs)} worker processes", file=sys.stderr)
    results = [run_job(j, args) for j in jobs]
    paired = run_paired(args, models, texts)
    head_to_head = run_versus(args, models, texts)
    data = {
        "machine": info,
        "mode": "quick" if args.quick else "full",
        "standin": args.standin,
        "corpus": str(args.corpus),
        "text_stats": assets.text_stats(texts),
        "models": {k: v["label"] for k, v in models.items()},
        "checks": checks,
        "plan": [{k: v for k, v in j.items() if k != "model"} | {"model": j["model"]["name"]} for j in jobs],
        "results": results,
        "paired": paired,
        "versus": head_to_head,
        "total_s": time.perf_counter() - t_start,
        "load_1min_at_end": os.getloadavg()[0],
    }
    assets.RESULTS.mkdir(exist_ok=True)
    (assets.RESULTS / "results.json").write_text(json.dumps(data, indent=1))
    return publish(data, args)


def run_only(args: argparse.Namespace) -> int:
    """One interleaved measurement (head to head, or thread scaling) alone, on the quick text sets."""
    if args.only == "scaling" and all_threads() < 2:
        print("one core: no thread scaling to measure", file=sys.stderr)
        return 1
    args.quick = True
    texts = assets.build_texts(args.corpus, True)
    models = {k: v for k, v in assets.models(args.corpus, True).items() if k in args.models}
    if args.only == "versus":
        print("\n".join(report.versus_table({"versus": run_versus(args, models, texts, args.rounds)})))
    else:
        print("\n".join(report.paired_table({"paired": run_paired(args, models, texts, args.rounds)})))
    return 0


def combine(runs: list[dict]) -> dict:
    """Several saved runs as one (the machine and mode of the first; later runs win for the same worker)."""
    data = dict(runs[0])
    seen: dict[tuple, dict] = {}
    plan: dict[tuple, dict] = {}
    for run in runs:
        for r in run["results"]:
            seen[(r["impl"], r["model"], r["threads"], "e2e" in r)] = r
        for j in run["plan"]:
            plan[(j["impl"], j["model"], j["threads"], "e2e" in j)] = j
        data["models"] = {**data["models"], **run["models"]}
        data["checks"] = {**data.get("checks", {}), **run.get("checks", {})}
    data["results"], data["plan"] = list(seen.values()), list(plan.values())
    data["paired"] = next((r["paired"] for r in reversed(runs) if r.get("paired")), [])
    data["versus"] = next((r["versus"] for r in reversed(runs) if r.get("versus")), [])
    data["total_s"] = sum(r["total_s"] for r in runs)
    return data


def publish(data: dict, args: argparse.Namespace) -> int:
    md = report.render(data)
    (assets.RESULTS / "results.md").write_text(md)
    print(md)
    if not args.no_plots:
        for p in report.plots(data, assets.RESULTS):
            print(f"plot: {p}", file=sys.stderr)
    if args.write_md:
        report.write_benchmarks_md(assets.REPO / "BENCHMARKS.md", md)
    print(f"total {data['total_s']:.0f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
