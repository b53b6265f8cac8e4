"""Parity-aware BPE training speed: ferrotok's `ParityBpeTrainer` against tokenizers', side by side in one run.

The corpus is cut into languages (`lang<TAB>line` files as the multilingual fixture, or plain text whose
lines are labelled by script and function words with the fixture's own classifier), each language into a
training part and a dev part (the last `--dev-share` of its lines). Each (engine, setting) pair trains in a
fresh subprocess with one thread (RAYON_NUM_THREADS=1); engines alternate per repeat and the best time of
each is kept (by wall time; its CPU time is reported too). Both must give the same merges (checked). Reports the ratio HF / ferrotok and the load.

    python benches/bench_parity_train.py                                    # the committed fixture
    python benches/bench_parity_train.py --corpus ../shared/corpora/multilingual-handbook.txt --merges 8000

Timings on a shared machine are noisy: compare the ratios of one run, not figures across runs.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIXTURE = HERE.parent / "tests" / "fixtures" / "multilingual"
SETTINGS = {
    "base+dev": {"variant": "base", "dev": True},
    "window+dev": {"variant": "window", "dev": True},
    "base+ratio": {"variant": "base", "dev": False},
    "window+global": {"variant": "window", "dev": True, "global_merges": 500},
}


def languages(path: Path, min_lines: int) -> dict[str, list[str]]:
    """Lines per language: labelled files as they are, other text through the fixture's classifier."""
    spec = importlib.util.spec_from_file_location("make_sample", FIXTURE / "make_sample.py")
    assert spec is not None and spec.loader is not None
    make_sample = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_sample)
    out: dict[str, list[str]] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        head, tab, rest = raw.partition("\t")
        if tab and len(head) == 2:
            lang, line = head, rest
        else:
            line = raw.strip()
            lang = make_sample.script_of(line) if line else None
        if lang is not None:
            out.setdefault(lang, []).append(line)
    return {k: v for k, v in sorted(out.items()) if len(v) >= min_lines}


def child(args: argparse.Namespace) -> None:
    langs = languages(Path(args.corpus), args.min_lines)
    train, dev = [], []
    for lines in langs.values():
        cut = max(1, int(len(lines) * (1 - args.dev_share)))
        train.append(lines[:cut])
        dev.append(lines[cut:])
    setting = SETTINGS[args.setting]
    options = {"num_merges": args.merges, "variant": setting["variant"], "show_progress": False}
    if "global_merges" in setting:
        options["global_merges"] = setting["global_merges"]
    kwargs = {} if setting["dev"] else {"ratio": [1.0 + 0.25 * (i % 3) for i in range(len(train))]}
    untrained = {"type": "BPE", "vocab": {}, "merges": []}
    doc = {
        "version": "1.0",
        "model": untrained,
        "pre_tokenizer": {
            "type": "ByteLevel",
            "add_prefix_space": False,
            "trim_offsets": True,
            "use_regex": True,
        },
    }
    if args.engine == "hf":
        from tokenizers import Tokenizer, trainers
    else:
        sys.path.insert(0, str(HERE.parent / "python"))
        from ferrotok import Tokenizer, trainers
    tok = Tokenizer.from_str(json.dumps(doc))
    trainer = trainers.ParityBpeTrainer(**options)
    t0, c0 = time.perf_counter(), time.process_time()
    if setting["dev"]:
        kwargs["dev_iterators"] = [iter(d) for d in dev]
    trainer.train_from_iterator(tok, [iter(t) for t in train], **kwargs)
    seconds = time.perf_counter() - t0
    cpu = time.process_time() - c0
    merges = json.loads(tok.to_str())["model"]["merges"]
    digest = hashlib.sha256(json.dumps(merges).encode()).hexdigest()[:12]
    print(
        json.dumps(
            {"seconds": seconds, "cpu": cpu, "merges": len(merges), "digest": digest, "languages": len(train)}
        )
    )


def measure(args: argparse.Namespace, engine: str, setting: str) -> dict:
    cmd = [sys.executable, __file__, "--child", "--engine", engine, "--setting", setting]
    cmd += ["--corpus", args.corpus, "--merges", str(args.merges), "--dev-share", str(args.dev_share)]
    cmd += ["--min-lines", str(args.min_lines)]
    env = dict(os.environ, RAYON_NUM_THREADS="1", RAYON_RS_NUM_CPUS="1", TOKENIZERS_PARALLELISM="false")
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"{engine} {setting} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=str(FIXTURE / "sample.txt"))
    ap.add_argument("--merges", type=int, default=2000)
    ap.add_argument("--dev-share", type=float, default=0.1)
    ap.add_argument("--min-lines", type=int, default=20, help="leave out languages with fewer lines")
    ap.add_argument("--settings", nargs="+", default=list(SETTINGS), choices=list(SETTINGS))
    ap.add_argument("--repeat", type=int, default=2, help="runs per engine and setting (best kept)")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--engine", choices=("hf", "ferrotok"), help=argparse.SUPPRESS)
    ap.add_argument("--setting", choices=list(SETTINGS), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args)
        return
    print(f"corpus {args.corpus}, {args.merges} merges, one thread, best of {args.repeat}")
    for setting in args.settings:
        load0 = os.getloadavg()[0]
        best: dict[str, dict] = {}
        for _ in range(args.repeat):
            for engine in ("hf", "ferrotok"):
                r = measure(args, engine, setting)
                if engine not in best or r["seconds"] < best[engine]["seconds"]:
                    best[engine] = r
        hf, ours = best["hf"], best["ferrotok"]
        same = "same merges" if hf["digest"] == ours["digest"] else "MERGES DIFFER"
        print(
            f"{setting:<14} {hf['languages']} languages, {hf['merges']} merges: HF {hf['seconds']:.3f} s,"
            f" ferrotok {ours['seconds']:.3f} s, {hf['seconds'] / ours['seconds']:.2f}x (CPU time"
            f" {hf['cpu']:.2f} s / {ours['cpu']:.2f} s, {hf['cpu'] / ours['cpu']:.2f}x); {same};"
            f" load {load0:.1f} -> {os.getloadavg()[0]:.1f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
