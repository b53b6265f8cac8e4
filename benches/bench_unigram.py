"""Unigram (SentencePiece) speed, side by side in one run: ferrotok vs the `sentencepiece` library's own
encode (C++, num_threads=1, padded with vectorised numpy) vs transformers' fast tokenizer.

One thread everywhere, batches of 1000 texts → padded int64 numpy, on English and on multilingual text.
The model is a real SentencePiece unigram model (8000 pieces) trained here on the bench texts and
converted by transformers (T5Tokenizer → tokenizer.json); ids are checked equal before timing. Rounds
alternate the implementations and the reported ratio is the median over rounds of (their time ÷
ferrotok's time in the same round). Worst cases: one 1 MB document without whitespace, of one repeated
char, and of CJK, each ÷ the time of 1 MB of prose.

    python benches/bench_unigram.py                      # bundled texts (benches/sample.txt + tests fixture)
    python benches/bench_unigram.py --corpus ../shared/corpora/english-python-docs.txt \
        --multilingual ../shared/corpora/multilingual-handbook.txt
    python benches/bench_unigram.py --per-language       # per language of the multilingual fixture
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import os
import statistics
import sys
import time
from pathlib import Path

os.environ["RAYON_NUM_THREADS"] = "1"
os.environ["RAYON_RS_NUM_THREADS"] = "1"
os.environ["TOKENIZERS_PARALLELISM"] = "false"

import numpy as np

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench-results" / "unigram"
SAMPLE = REPO / "benches" / "sample.txt"
MULTILINGUAL = REPO / "tests" / "fixtures" / "multilingual" / "sample.txt"
BATCH = 1000
MB = 1_000_000


def read_lines(path: Path) -> list[str]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if "\t" in line and path.name == "sample.txt" and path.parent.name == "multilingual":
            line = line.split("\t", 1)[1]  # the fixture's "lang<TAB>text" lines
        line = line.strip()
        if line:
            out.append(line)
    return out


def build_model(train: list[str]) -> tuple[Path, Path]:
    """Train (or reuse) the unigram model; return (sentencepiece file, tokenizer.json folder)."""
    import sentencepiece as spm
    import transformers

    tag = hashlib.sha1("\n".join(train).encode()).hexdigest()[:10]
    raw, conv = RESULTS / tag / "raw", RESULTS / tag / "json"
    model = raw / "spiece.model"
    if not (conv / "tokenizer.json").is_file():
        raw.mkdir(parents=True, exist_ok=True)
        with open(model, "wb") as out:
            spm.SentencePieceTrainer.train(
                sentence_iterator=iter(train),
                model_writer=out,
                vocab_size=8000,
                hard_vocab_limit=False,
                model_type="unigram",
                character_coverage=0.9995,
                input_sentence_size=200_000,
                shuffle_input_sentence=True,
                num_threads=1,
                minloglevel=2,
                pad_id=0,
                eos_id=1,
                unk_id=2,
                bos_id=-1,
            )
        (raw / "tokenizer_config.json").write_text(json.dumps({"tokenizer_class": "T5Tokenizer"}))
        transformers.AutoTokenizer.from_pretrained(str(raw)).save_pretrained(str(conv))
    return model, conv


def pad(rows: list[list[int]]) -> np.ndarray:
    """Right-pad id lists with 0 into an int64 array (vectorised: no Python loop per row)."""
    lengths = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
    width = int(lengths.max()) if len(rows) else 0
    out = np.zeros((len(rows), width), dtype=np.int64)
    flat = np.fromiter(itertools.chain.from_iterable(rows), dtype=np.int64, count=int(lengths.sum()))
    out[np.arange(width) < lengths[:, None]] = flat
    return out


def implementations(model: Path, folder: Path) -> dict:
    import sentencepiece as spm
    import transformers
    from ferrotok import AutoTokenizer

    ours = AutoTokenizer.from_pretrained(folder)
    theirs = transformers.AutoTokenizer.from_pretrained(str(folder))
    sp = spm.SentencePieceProcessor(model_file=str(model))
    return {
        "ferrotok": lambda b: ours(b, padding=True, return_tensors="np")["input_ids"],
        "sentencepiece": lambda b: pad(sp.encode(b, num_threads=1, add_eos=True)),
        "transformers": lambda b: theirs(b, padding=True, return_tensors="np")["input_ids"],
    }


def check(impls: dict, batches: list[list[str]]) -> str:
    a = impls["ferrotok"](batches[0])
    b = impls["transformers"](batches[0])
    if a.dtype != np.int64 or not np.array_equal(a, b):
        sys.exit("ferrotok and transformers disagree: not timing")
    c = impls["sentencepiece"](batches[0])
    same = sum(list(x[x != 0]) == list(y[y != 0]) for x, y in zip(a, c, strict=True))
    return f"{same}/{len(batches[0])} rows equal to sentencepiece's"


def sweep(fn, batches) -> float:
    start = time.perf_counter()
    for b in batches:
        fn(b)
    return time.perf_counter() - start


def head_to_head(impls: dict, batches: list[list[str]], rounds: int) -> dict:
    nbytes = sum(len(t.encode()) for b in batches for t in b)
    for fn in impls.values():  # warm up caches and allocators
        fn(batches[0])
    times: dict[str, list[float]] = {k: [] for k in impls}
    ratios: dict[str, list[float]] = {k: [] for k in impls if k != "ferrotok"}
    for r in range(rounds):
        order = list(impls) if r % 2 == 0 else list(reversed(impls))
        got = {k: sweep(impls[k], batches) for k in order}
        for k, t in got.items():
            times[k].append(t)
        for k in ratios:
            ratios[k].append(got[k] / got["ferrotok"])
    return {
        "mb_per_s": {k: nbytes / min(v) / MB for k, v in times.items()},
        "median_ratio": {k: statistics.median(v) for k, v in ratios.items()},
        "bytes": nbytes,
    }


def cut(text: str, n: int) -> str:
    return text.encode()[:n].decode("utf-8", errors="ignore")


def worst_cases(ours_fn, english: list[str], multilingual: list[str], repeats: int) -> dict:
    prose = cut(" ".join(english * (MB // max(1, len(" ".join(english).encode())) + 1)), MB)
    nows = cut("".join("".join(english).split()) * 3, MB)
    cjk_chars = "".join(c for c in "".join(multilingual) if 0x3040 <= ord(c) <= 0x9FFF)
    cjk = cut((cjk_chars or "漢字仮名交じり文") * (MB // max(1, len(cjk_chars.encode()) or 24) + 1), MB)
    docs = {"prose": prose, "no whitespace": nows, "one char": "a" * MB, "CJK": cjk}
    best = {}
    for name, doc in docs.items():
        best[name] = min(sweep(ours_fn, [[doc]]) for _ in range(repeats))
    return {name: {"seconds": t, "x_prose": t / best["prose"]} for name, t in best.items()}


def per_language(model: Path, folder: Path, rounds: int) -> dict[str, float]:
    """Per language of the multilingual fixture (its lines × 20, as id lists): the median over rounds of
    sentencepiece's time ÷ ferrotok's, the two alternating."""
    import sentencepiece as spm
    from ferrotok import AutoTokenizer

    ours = AutoTokenizer.from_pretrained(folder)
    sp = spm.SentencePieceProcessor(model_file=str(model))
    impls = {
        "ferrotok": lambda b: ours(b)["input_ids"],
        "sentencepiece": lambda b: sp.encode(b, num_threads=1, add_eos=True),
    }
    by_lang: dict[str, list[str]] = {}
    for line in MULTILINGUAL.read_text(encoding="utf-8").splitlines():
        lang, _, text = line.partition("\t")
        if text.strip():
            by_lang.setdefault(lang, []).append(text.strip())
    out = {}
    for lang, lines in sorted(by_lang.items()):
        batches = [lines * 20]
        for fn in impls.values():
            fn(batches[0])
        ratios = []
        for _ in range(rounds):
            t_ours = sweep(impls["ferrotok"], batches)
            ratios.append(sweep(impls["sentencepiece"], batches) / t_ours)
        out[lang] = statistics.median(ratios)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=SAMPLE, help="English text, one document per line")
    ap.add_argument("--multilingual", type=Path, default=MULTILINGUAL, help="multilingual text")
    ap.add_argument("--batches", type=int, default=3, help="batches of 1000 texts per set")
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument(
        "--per-language", action="store_true", help="only: sentencepiece ÷ ferrotok per fixture language"
    )
    args = ap.parse_args()

    english = read_lines(args.corpus)
    multilingual = read_lines(args.multilingual)
    model, folder = build_model(english[:20000] + multilingual[:20000])
    if args.per_language:
        ratios = per_language(model, folder, args.rounds)
        print(
            "sentencepiece's time ÷ ferrotok's (lists): "
            + ", ".join(f"{k} {v:.2f}×" for k, v in ratios.items())
        )
        return
    impls = implementations(model, folder)
    results = {}
    for name, lines in (("English", english), ("multilingual", multilingual)):
        lines = (lines * (BATCH * args.batches // max(1, len(lines)) + 1))[: BATCH * args.batches]
        batches = [lines[i : i + BATCH] for i in range(0, len(lines), BATCH)]
        note = check(impls, batches)
        results[name] = head_to_head(impls, batches, args.rounds) | {"check": note}
    results["worst"] = worst_cases(impls["ferrotok"], english[:2000], multilingual, repeats=3)

    print(
        "| 1 thread, batches of 1000 → padded int64 numpy | ferrotok MB/s | vs sentencepiece | vs transformers |"
    )
    print("|---|---:|---:|---:|")
    for name in ("English", "multilingual"):
        r = results[name]
        print(
            f"| Unigram, {name} | {r['mb_per_s']['ferrotok']:.1f} | {r['median_ratio']['sentencepiece']:.2f}× "
            f"| {r['median_ratio']['transformers']:.1f}× |"
        )
    for name in ("English", "multilingual"):
        r = results[name]
        print(
            f"{name}: {r['check']}; best MB/s " + ", ".join(f"{k} {v:.2f}" for k, v in r["mb_per_s"].items())
        )
    print("worst cases (1 MB, one document, ferrotok) ÷ 1 MB of prose:")
    for name, w in results["worst"].items():
        print(f"  {name}: {w['seconds'] * 1000:.0f} ms, {w['x_prose']:.2f}×")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "results.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
