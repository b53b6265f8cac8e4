"""Single-text calls: ferrotok against transformers' fast tokenizer, in one process, alternating.

Each case is one call on one short line: `tok(text)`, padded to 128 with truncation → numpy, → torch, and a
pair → numpy, for BERT (WordPiece) and GPT-2 (byte-level BPE, with its eos token as pad token). Each round
times a block of calls of ferrotok, then the same block of transformers, then ferrotok again; the ratio of a
round is transformers' time over the mean of the two ferrotok blocks around it, so the drift of a shared
machine's speed cancels out. Reported per case: µs per call (best block) of each, the median of the rounds'
ratios and the ratio of the best blocks.

    python benches/bench_single.py                   # every case, 15 rounds
    python benches/bench_single.py --rounds 30 --cases gpt2:plain,bert:pt
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_assets import GPT2_DIR, SAMPLE, bert_dir  # noqa: E402

# Calls per timed block: long enough for the clock, short enough to alternate often.
BLOCK = 400


def short_lines(n: int = 64) -> list[str]:
    """Short English lines (the sentence-sized inputs single calls see) from the committed sample."""
    lines = [ln.strip() for ln in SAMPLE.read_text(encoding="utf-8").splitlines()]
    lines = [ln for ln in lines if 40 <= len(ln) <= 160]
    return lines[:n]


def cases(tok: Any) -> dict[str, Callable[[str, str], Any]]:
    return {
        "plain": lambda a, b: tok(a),
        "np": lambda a, b: tok(a, padding="max_length", truncation=True, max_length=128, return_tensors="np"),
        "pt": lambda a, b: tok(a, padding="max_length", truncation=True, max_length=128, return_tensors="pt"),
        "pair_np": lambda a, b: tok(
            a, b, padding="max_length", truncation=True, max_length=128, return_tensors="np"
        ),
    }


def load(model: str) -> tuple[Any, Any]:
    import ferrotok
    import transformers

    folder = str(bert_dir() if model == "bert" else GPT2_DIR)
    hf = transformers.AutoTokenizer.from_pretrained(folder)
    ft = ferrotok.AutoTokenizer.from_pretrained(folder)
    if hf.pad_token is None:
        hf.pad_token = hf.eos_token
        ft.pad_token = ft.eos_token
    return ft, hf


def block(call: Callable[[str, str], Any], lines: list[str]) -> float:
    """Seconds per call over one block."""
    n = len(lines)
    start = time.perf_counter()
    for i in range(BLOCK):
        call(lines[i % n], lines[(i + 1) % n])
    return (time.perf_counter() - start) / BLOCK


def measure(
    ours: Callable[[str, str], Any], theirs: Callable[[str, str], Any], lines: list[str], rounds: int
) -> dict:
    block(ours, lines)
    block(theirs, lines)
    t_ours, t_theirs, ratios = [], [], []
    before = block(ours, lines)
    t_ours.append(before)
    for _ in range(rounds):
        other = block(theirs, lines)
        after = block(ours, lines)
        t_ours.append(after)
        t_theirs.append(other)
        ratios.append(other / ((before + after) / 2))
        before = after
    return {
        "ours_us": min(t_ours) * 1e6,
        "theirs_us": min(t_theirs) * 1e6,
        "ratio_median": statistics.median(ratios),
        "ratio_best": min(t_theirs) / min(t_ours),
        "spread": (min(ratios), max(ratios)),
    }


def check_same(ft: Any, hf: Any, name: str, lines: list[str]) -> None:
    """The two give the same ids for every case (a benchmark of different work would mean nothing)."""
    ours, theirs = cases(ft)[name], cases(hf)[name]
    for a, b in itertools.pairwise(lines[:9]):
        x, y = ours(a, b)["input_ids"], theirs(a, b)["input_ids"]
        x = x.tolist() if hasattr(x, "tolist") else x
        y = y.tolist() if hasattr(y, "tolist") else y
        if x != y:
            raise SystemExit(f"{name}: ferrotok and transformers disagree on {a!r}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--cases", default="", help="comma-separated model:case (default: all)")
    args = parser.parse_args(argv)
    wanted = {c for c in args.cases.split(",") if c}
    lines = short_lines()
    print(f"{'case':<14} {'ferrotok µs':>11} {'transformers µs':>15} {'ratio (median)':>14} {'best/best':>9}")
    for model in ("bert", "gpt2"):
        ft, hf = load(model)
        for name in cases(ft):
            key = f"{model}:{name}"
            if wanted and key not in wanted:
                continue
            check_same(ft, hf, name, lines)
            r = measure(cases(ft)[name], cases(hf)[name], lines, args.rounds)
            print(
                f"{key:<14} {r['ours_us']:>11.2f} {r['theirs_us']:>15.2f} {r['ratio_median']:>13.2f}x"
                f" {r['ratio_best']:>8.2f}x"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
