"""Words with bounding boxes (and HTML nodes with xpaths), side by side in one run: ferrotok vs transformers'
LayoutLMv2, LayoutLMv3, LayoutXLM, UDOP and MarkupLM tokenizers.

Folders: BERT's fixture vocab.txt (LayoutLMv2), GPT-2's fixture vocab.json + merges.txt (LayoutLMv3),
SentencePiece unigram models trained here on the multilingual fixture (LayoutXLM; UDOP with T5's pad / eos /
unk first), GPT-2's files with a small `tags_dict` (MarkupLM, each word a node with a random xpath). Each
text's words get random boxes and labels; one call encodes a batch with `boxes`, `word_labels`, `padding=True` and numpy
tensors, another with a question before the words, truncation to 128 with stride 32 and overflowing
windows. Outputs are checked equal first (`bench_versus.compare`); rounds interleave the implementations;
the ratio is the median over rounds of transformers' time ÷ ferrotok's in the same round. One thread.

    python benches/bench_layout.py
    python benches/bench_layout.py --corpus benches/sample.txt --batch 1000
    python benches/bench_layout.py --classes UdopTokenizer LayoutXLMTokenizer
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

from bench_versus import MULTILINGUAL, REPO, compare, read_lines

FIXTURES = REPO / "tests" / "fixtures"
TAGS = ["html", "body", "div", "span", "p", "li", "table", "td"]


def folders(root: Path) -> dict[str, Path]:
    import sentencepiece as spm

    out = {}
    for name, files in (
        ("LayoutLMv2Tokenizer", [FIXTURES / "bert-uncased" / "vocab.txt"]),
        ("LayoutLMv3Tokenizer", [FIXTURES / "gpt2" / "vocab.json", FIXTURES / "gpt2" / "merges.txt"]),
        ("LayoutXLMTokenizer", []),
        ("UdopTokenizer", []),
        ("MarkupLMTokenizer", [FIXTURES / "gpt2" / "vocab.json", FIXTURES / "gpt2" / "merges.txt"]),
    ):
        directory = root / name
        directory.mkdir()
        for f in files:
            shutil.copy(f, directory / f.name)
        config: dict[str, object] = {"tokenizer_class": name}
        if name == "MarkupLMTokenizer":
            config["tags_dict"] = {tag: i for i, tag in enumerate(TAGS)}
        (directory / "tokenizer_config.json").write_text(json.dumps(config), encoding="utf-8")
        out[name] = directory
    corpus = root / "corpus.txt"
    corpus.write_text("\n".join(read_lines(MULTILINGUAL)) + "\n", encoding="utf-8")

    def train(prefix: str, **layout: int) -> Path:
        """A Unigram model of the corpus (`layout`: its special pieces' ids), as `root / prefix.model`."""
        spm.SentencePieceTrainer.train(
            input=str(corpus),
            model_prefix=str(root / prefix),
            model_type="unigram",
            vocab_size=2000,
            character_coverage=1.0,
            minloglevel=2,
            num_threads=1,
            **layout,
        )
        return root / f"{prefix}.model"

    shutil.copy(train("unigram"), out["LayoutXLMTokenizer"] / "sentencepiece.bpe.model")
    # T5's layout, as UDOP's checkpoints have it
    shutil.copy(train("t5", pad_id=0, eos_id=1, unk_id=2, bos_id=-1), out["UdopTokenizer"] / "spiece.model")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, default=MULTILINGUAL)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--classes", nargs="*", help="only these classes (e.g. UdopTokenizer)")
    args = parser.parse_args()

    import ferrotok
    import transformers

    lines = [line for line in read_lines(args.corpus) if len(line.split()) >= 3]
    words = [lines[i % len(lines)].split() for i in range(args.batch)]
    rng = random.Random(0)
    boxes = []
    for w in words:
        row = []
        for _ in w:
            x, y = rng.randrange(900), rng.randrange(900)
            row.append([x, y, x + rng.randrange(1, 100), y + rng.randrange(1, 100)])
        boxes.append(row)
    labels = [[rng.randrange(7) for _ in w] for w in words]
    xpaths = [
        [
            "/" + "/".join(f"{rng.choice(TAGS)}[{rng.randrange(5)}]" for _ in range(rng.randrange(2, 9)))
            for _ in w
        ]
        for w in words
    ]
    questions = ["What is the total amount on this page?"] * len(words)
    print(f"{len(words)} texts from {args.corpus.name} as words; load average {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as tmp:
        for name, directory in folders(Path(tmp)).items():
            if args.classes and name not in args.classes:
                continue
            ours = ferrotok.AutoTokenizer.from_pretrained(directory)
            theirs = transformers.AutoTokenizer.from_pretrained(str(directory))
            markup = name == "MarkupLMTokenizer"
            given = (
                {"xpaths": xpaths, "node_labels": labels}
                if markup
                else {"boxes": boxes, "word_labels": labels}
            )
            options = {**given, "padding": True, "return_tensors": "np"}
            compare(f"{name} words+labels", ours, theirs, words, options, args.rounds)
            windows = {
                **({"xpaths": xpaths} if markup else {"boxes": boxes}),
                "truncation": "only_second",
                "max_length": 128,
                "stride": 32,
                "return_overflowing_tokens": True,
                "padding": "max_length",
                "return_tensors": "np",
            }

            def call(tok, texts, **kw):
                return tok(questions, texts, **kw)

            compare(
                f"{name} question+windows",
                lambda texts, tok=ours, **kw: call(tok, texts, **kw),
                lambda texts, tok=theirs, **kw: call(tok, texts, **kw),
                words,
                windows,
                args.rounds,
            )
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
