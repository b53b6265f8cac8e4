"""XLM, Flaubert, BioGPT and FSMT (Moses + BPE with `</w>`), side by side in one run: ferrotok vs transformers.

Each class's folder is built from a BPE learnt on the multilingual sample (tests/moses_builders.py; needs
`tokenizers` and `sacremoses`). One call encodes a batch with padding and numpy tensors; outputs are checked
equal first. Rounds alternate the implementations; the ratio reported is the median over rounds of
(transformers' time ÷ ferrotok's time in the same round). One thread everywhere.

    python benches/bench_moses.py                        # tests/fixtures/multilingual/sample.txt lines
    python benches/bench_moses.py --corpus ../shared/corpora/english-python-docs.txt --batch 1000
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

os.environ["RAYON_NUM_THREADS"] = "1"
os.environ["RAYON_RS_NUM_THREADS"] = "1"
os.environ["TOKENIZERS_PARALLELISM"] = "false"

from bench_versus import MULTILINGUAL, compare, read_lines

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, default=MULTILINGUAL)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    sys.path.insert(0, str(REPO / "tests"))
    import ferrotok
    import moses_builders
    import transformers

    lines = read_lines(args.corpus)
    texts = [lines[i % len(lines)] for i in range(args.batch)]
    print(f"{len(texts)} texts from {args.corpus.name}; load average {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as tmp:
        for cls in moses_builders.CLASSES:
            directory = moses_builders.build(Path(tmp) / cls, cls, vocab_size=2500)
            ours = ferrotok.AutoTokenizer.from_pretrained(directory)
            theirs = transformers.AutoTokenizer.from_pretrained(str(directory))
            options = {"padding": True, "return_tensors": "np"}
            compare(cls, ours, theirs, texts, options, args.rounds)
        # FSMT (wmt19 shape: a source and a target vocabulary, English to German): encoding, then decoding
        # the batch's ids through the target vocabulary and the German Moses detokenizer.
        directory = moses_builders.fsmt(Path(tmp) / "FSMTTokenizer", vocab_size=2500)
        ours = ferrotok.AutoTokenizer.from_pretrained(directory)
        theirs = transformers.AutoTokenizer.from_pretrained(str(directory))
        compare("FSMTTokenizer", ours, theirs, texts, {"padding": True, "return_tensors": "np"}, args.rounds)
        ids = theirs(texts)["input_ids"]
        compare(
            "FSMTTokenizer batch_decode",
            lambda rows: {"text": ours.batch_decode(rows)},
            lambda rows: {"text": theirs.batch_decode(rows)},
            ids,
            {},
            args.rounds,
        )
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
