"""Instructions per call of bench_threads' cases, at 1 and N threads, split by shared object.

Wall-clock rates on a shared 2-core machine move with its load; instruction counts do not. For each case
and thread count this runs the case under valgrind's callgrind twice: every thread first encodes each
line of the sample once (untimed warm-up, as bench_threads' `--warm`), then the threads make one pass (or
two) over all the lines, split between them, started together. The per-call figure is the difference of
the two runs over the number of lines, so start-up, imports, loading and warm-up cancel out. Costs are
split into ferrotok's `_core`, CPython (`libpython` and the interpreter) and the rest (libc, numpy, ...).
The hash seed is fixed: the probe lengths of dict lookups change with it.

    python benches/callgrind_threads.py --cases "bert pair" --threads 1 4
    python benches/callgrind_threads.py --cases "bert pair" "bert padded np" --json out.json

`--inner`: the process that valgrind runs (not for direct use).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
from collections import defaultdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def inner(case: str, threads: int, passes: int) -> None:
    """Warm every thread on every line, then `passes` passes over the lines split between the threads."""
    sys.path.insert(0, str(HERE))
    import bench_threads

    lines = bench_threads.load_lines()
    cases = bench_threads.make_cases(lines, [case])
    (call,) = (c for name, c in cases.items() if name == case)
    n = len(lines)
    start = threading.Barrier(threads)

    def worker(k: int) -> None:
        for i in range(n):
            call(i)
        start.wait()
        lo, hi = k * n // threads, (k + 1) * n // threads
        for _ in range(passes):
            for i in range(lo, hi):
                call(i)

    pool = [threading.Thread(target=worker, args=(k,)) for k in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()


_NAMED = re.compile(r"^(ob|fl|fi|fe|fn|cob|cfi|cfl|cfn)=\((\d+)\)(?: (.*))?$")
# Callgrind compresses names: `ob=(3) /path` the first time, `ob=(3)` after; `cob=` shares ids with `ob=`,
# `cfn=` with `fn=`.
_SPACE = {"ob": "ob", "cob": "ob", "fn": "fn", "cfn": "fn"}


def self_costs(path: Path) -> tuple[dict[tuple[str, str], int], dict[str, int]]:
    """Self instruction counts of a callgrind output file, by (shared object, function), and the number
    of calls made to each function, by name."""
    names: dict[tuple[str, int], str] = {}
    totals: dict[tuple[str, str], int] = defaultdict(int)
    calls: dict[str, int] = defaultdict(int)
    ob = fn = callee = ""
    skip_next = False  # the line after `calls=` is the inclusive cost of that call, not self cost
    with path.open(encoding="utf-8", errors="replace") as f:
        for line in f:
            if skip_next:
                skip_next = False
                continue
            if line.startswith("calls="):
                calls[callee] += int(line[6:].split()[0])
                skip_next = True
                continue
            c = line[:1]
            if c.isdigit() or c in "+-*":
                parts = line.split()
                if len(parts) >= 2:
                    totals[ob, fn] += int(parts[1])
                continue
            m = _NAMED.match(line.rstrip("\n"))
            if m is None:
                continue
            kind, ident, name = m.group(1), int(m.group(2)), m.group(3)
            space = _SPACE.get(kind)
            if space is None:
                continue
            if name is not None:
                names[space, ident] = name
            if kind == "ob":
                ob = names.get(("ob", ident), "?")
            elif kind == "fn":
                fn = names.get(("fn", ident), "?")
            elif kind == "cfn":
                callee = names.get(("fn", ident), "?")
    return dict(totals), dict(calls)


def group(name: str) -> str:
    base = os.path.basename(name)
    if base.startswith("_core"):
        return "_core"
    if base.startswith("libpython") or base.startswith("python3"):
        return "CPython"
    return "other"


def measure(case: str, threads: int, passes: int) -> tuple[dict[tuple[str, str], int], dict[str, int]]:
    """`self_costs` of one run of `inner`."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        env = {**os.environ, "PYTHONHASHSEED": "0", "OPENBLAS_NUM_THREADS": "1"}
        cmd = [
            "valgrind",
            "--tool=callgrind",
            f"--callgrind-out-file={out}",
            "--dump-line=no",
            sys.executable,
            __file__,
            "--inner",
            case,
            str(threads),
            str(passes),
        ]
        subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return self_costs(out)


def per_call(one: dict[Any, int], two: dict[Any, int], n: int) -> dict[Any, float]:
    """The second pass's counts per call, by key."""
    return {k: (two.get(k, 0) - one.get(k, 0)) / n for k in set(one) | set(two)}


# Calls counted per call: the GIL released and taken again (`PyEval_SaveThread` is what `Py_BEGIN_ALLOW_THREADS`
# and pyo3's `detach` call, `PyGILState_Ensure` what a callback without the GIL calls), allocations of the
# Rust side (mimalloc) and of CPython's object allocator.
WATCHED = (
    "PyEval_SaveThread",
    "PyGILState_Ensure",
    "take_gil",
    "mi_malloc",
    "mi_zalloc",
    "mi_realloc",
    "mi_free",
    "_PyObject_Malloc",
    "_PyObject_Free",
)


def by_group(costs: dict[tuple[str, str], float]) -> dict[str, float]:
    out: dict[str, float] = defaultdict(float)
    for (ob, _), v in costs.items():
        out[group(ob)] += v
    out["total"] = sum(costs.values())
    return dict(out)


def main(argv: list[str] | None = None) -> dict[str, dict[int, dict[str, float]]]:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--inner":
        inner(argv[1], int(argv[2]), int(argv[3]))
        return {}
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", nargs="+", default=["ferrotok bert pair"], help="bench_threads case names")
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 4])
    ap.add_argument("--json", type=Path)
    ap.add_argument("--top", type=int, default=0, help="also list the N costliest functions per call")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(HERE))
    import bench_threads

    n = len(bench_threads.load_lines())
    result: dict[str, dict[int, dict[str, float]]] = {}
    functions: dict[str, dict[int, dict[str, float]]] = {}
    watched: dict[str, dict[int, dict[str, float]]] = {}
    rows = []
    for name in args.cases:
        result[name], functions[name], watched[name] = {}, {}, {}
        for t in args.threads:
            (one, calls_one), (two, calls_two) = measure(name, t, 1), measure(name, t, 2)
            costs = per_call(one, two, n)
            calls = per_call(calls_one, calls_two, n)
            watched[name][t] = {f: calls.get(f, 0.0) for f in WATCHED}
            result[name][t] = per = by_group(costs)
            rows.append(
                f"| {name} | {t} | {per['total']:,.0f} | {per.get('_core', 0):,.0f} "
                f"| {per.get('CPython', 0):,.0f} | {per.get('other', 0):,.0f} |"
            )
            top = sorted(costs.items(), key=lambda kv: -abs(kv[1]))[: args.top]
            functions[name][t] = {f"{os.path.basename(ob)}:{fn}": v for (ob, fn), v in top}
            for key, v in functions[name][t].items():
                print(f"  {name}, {t} threads: {v:9.1f}  {key}", flush=True)
    print(f"\ninstructions per call ({n} lines per pass)\n")
    print("| case | threads | total | _core | CPython | other |")
    print("|---|---:|---:|---:|---:|---:|")
    print("\n".join(rows))
    print("\ncalls per call\n")
    print("| case | threads | " + " | ".join(f"`{f}`" for f in WATCHED) + " |")
    print("|---|---:|" + "---:|" * len(WATCHED))
    for name, by_threads in watched.items():
        for t, got in by_threads.items():
            print(f"| {name} | {t} | " + " | ".join(f"{got[f]:.2f}" for f in WATCHED) + " |")
    if args.json:
        args.json.write_text(
            json.dumps({"lines": n, "per_call": result, "calls": watched, "functions": functions}, indent=1)
        )
    return result


if __name__ == "__main__":
    main()
