"""LUKE entity inputs, side by side in one run: ferrotok vs transformers' LukeTokenizer.

A LUKE folder is built from the test fixture's GPT-2 vocabulary with a small entity_vocab.json. Each text
gets entity spans over two of its words (and entity names for one of them); one call encodes a batch with
`entity_spans` (+ `entities`), padding and numpy tensors; a second tokenizer with
`task="entity_span_classification"` does the same without names. Outputs are checked equal first. Rounds
alternate the implementations; the ratio reported is the median over rounds of (transformers' time ÷
ferrotok's time in the same round). One thread everywhere.

    python benches/bench_luke.py                        # tests/fixtures/multilingual/sample.txt lines
    python benches/bench_luke.py --corpus ../shared/corpora/english-python-docs.txt --batch 1000
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import tempfile
from pathlib import Path

os.environ["RAYON_NUM_THREADS"] = "1"
os.environ["RAYON_RS_NUM_THREADS"] = "1"
os.environ["TOKENIZERS_PARALLELISM"] = "false"

from bench_versus import MULTILINGUAL, compare

REPO = Path(__file__).resolve().parent.parent
GPT2 = REPO / "tests" / "fixtures" / "gpt2"


def read_lines(path: Path) -> list[str]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if path == MULTILINGUAL and "\t" in line:
            line = line.split("\t", 1)[1]
        line = line.strip()
        if len(line.split(" ")) >= 3:
            out.append(line)
    return out


def folder(root: Path, name: str, **config: object) -> Path:
    directory = root / name
    directory.mkdir()
    shutil.copy(GPT2 / "vocab.json", directory / "vocab.json")
    shutil.copy(GPT2 / "merges.txt", directory / "merges.txt")
    vocab = {"[PAD]": 0, "[UNK]": 1, "[MASK]": 2, "[MASK2]": 3, "Tokyo": 4, "Japan": 5}
    (directory / "entity_vocab.json").write_text(json.dumps(vocab), encoding="utf-8")
    config = {"tokenizer_class": "LukeTokenizer", **config}
    (directory / "tokenizer_config.json").write_text(json.dumps(config), encoding="utf-8")
    return directory


def word_spans(text: str, rng: random.Random) -> list[tuple[int, int]]:
    words, i = [], 0
    for word in text.split(" "):
        if word:
            words.append((i, i + len(word)))
        i += len(word) + 1
    return sorted(rng.sample(words, 2))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, default=MULTILINGUAL)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()

    import ferrotok
    import transformers

    lines = read_lines(args.corpus)
    texts = [lines[i % len(lines)] for i in range(args.batch)]
    rng = random.Random(0)
    spans = [word_spans(t, rng) for t in texts]
    names = [["Tokyo", "nowhere"] for _ in texts]
    calls = {
        "entity_spans + entities": ({}, {"entity_spans": spans, "entities": names}),
        "task=entity_span_classification": ({"task": "entity_span_classification"}, {"entity_spans": spans}),
    }
    print(f"{len(texts)} texts from {args.corpus.name}, 2 spans each; load average {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as tmp:
        for label, (config, kwargs) in calls.items():
            directory = folder(Path(tmp), label.replace(" ", "_").replace("=", "_"), **config)
            ours = ferrotok.AutoTokenizer.from_pretrained(directory)
            theirs = transformers.AutoTokenizer.from_pretrained(str(directory))
            options = {**kwargs, "padding": True, "return_tensors": "np"}
            compare(label, ours, theirs, texts, options, args.rounds)
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
