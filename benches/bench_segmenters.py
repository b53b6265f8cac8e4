"""Word-segmenting classes side by side in one run: ferrotok vs transformers' RoFormerTokenizer (jieba).

A RoFormer folder is built from the test fixture's BERT vocabulary with the Chinese words jieba finds in the
corpus appended (as the hub's RoFormer vocabularies hold Chinese words); transformers loads the tokenizer.json
folder it saves from it (the shape in which it keeps vocabulary words whole, as ferrotok does). One call encodes a batch of the
corpus's Chinese lines (all lines with `--all-languages`) with padding and numpy tensors; outputs are checked
equal first. Rounds alternate the implementations; the ratio reported is the median over rounds of
(transformers' time ÷ ferrotok's time in the same round). One thread everywhere; the load average is printed
before and after.

    python benches/bench_segmenters.py
    python benches/bench_segmenters.py --all-languages --batch 2000
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from collections import Counter
from pathlib import Path

os.environ["RAYON_NUM_THREADS"] = "1"
os.environ["RAYON_RS_NUM_THREADS"] = "1"
os.environ["TOKENIZERS_PARALLELISM"] = "false"

from bench_versus import compare, read_lines

REPO = Path(__file__).resolve().parent.parent
BERT_VOCAB = REPO / "tests" / "fixtures" / "bert-uncased" / "vocab.txt"


def roformer_folder(root: Path, lines: list[str]) -> Path:
    import rjieba

    directory = root / "roformer"
    directory.mkdir()
    vocab = BERT_VOCAB.read_text(encoding="utf-8").splitlines()
    known = set(vocab)
    words = Counter(w for line in lines for w in rjieba.cut(line.lower(), False) if len(w) > 1)
    vocab += [w for w, _ in words.most_common(2000) if w not in known]
    (directory / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    config = {"tokenizer_class": "RoFormerTokenizer"}
    (directory / "tokenizer_config.json").write_text(json.dumps(config), encoding="utf-8")
    return directory


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--all-languages", action="store_true")
    args = parser.parse_args()

    import ferrotok
    import transformers

    lines = read_lines(languages=None if args.all_languages else {"zh"})
    texts = [lines[i % len(lines)] for i in range(args.batch)]
    print(f"{len(texts)} texts ({sum(map(len, texts))} chars); load average {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as tmp:
        directory = roformer_folder(Path(tmp), lines)
        start = time.perf_counter()
        ours = ferrotok.AutoTokenizer.from_pretrained(directory)
        ours("预热")  # builds jieba's dictionary, once per process
        ours_load = time.perf_counter() - start
        # transformers from the tokenizer.json folder it saves: from vocab.txt alone its jieba stage keeps no
        # word whole (README, "Where ferrotok differs").
        saved = Path(tmp) / "roformer-saved"
        transformers.AutoTokenizer.from_pretrained(str(directory)).save_pretrained(str(saved))
        theirs = transformers.AutoTokenizer.from_pretrained(str(saved))
        print(f"ferrotok load + first call (jieba's dictionary built): {ours_load * 1e3:.0f} ms")
        options = {"padding": True, "return_tensors": "np"}
        compare("RoFormerTokenizer (jieba)", ours, theirs, texts, options, args.rounds)
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
