"""Classes with vocabulary files of their own, side by side in one run: ferrotok vs transformers' classes.

Folders are built as the tests build them (tests/fastbpe_folders.py): PhoBERT's fastBPE files (vocab.txt +
bpe.codes) and OpenAI GPT's `</w>` BPE, both learned from the multilingual sample, ProphetNet's
prophetnet.tokenizer (the BERT fixture's vocabulary) and MGP-STR's character vocab.json; RoCBert's,
MyT5's and GPT-NeoX-Japanese's folders as tests/quirky_folders.py writes them; BertJapanese with MeCab
(unidic-lite) and Sudachi (core, mode A) as tests/test_bert_japanese_analysers.py writes them. One call encodes
a batch with padding and numpy tensors; outputs are checked equal first. Rounds alternate the
implementations; the ratio reported is the median over rounds of (transformers' time ÷ ferrotok's time in
the same round). One thread everywhere.

    python benches/bench_vocab_classes.py                  # tests/fixtures/multilingual/sample.txt lines
    python benches/bench_vocab_classes.py --batch 2000 --classes PhobertTokenizer
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

os.environ["RAYON_NUM_THREADS"] = "1"
os.environ["RAYON_RS_NUM_THREADS"] = "1"
os.environ["TOKENIZERS_PARALLELISM"] = "false"

from bench_versus import MULTILINGUAL, compare, read_lines

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

import fastbpe_folders  # noqa: E402
import quirky_folders  # noqa: E402


def prophetnet(directory: Path) -> None:
    directory.mkdir()
    shutil.copy(
        REPO / "tests" / "fixtures" / "bert-uncased" / "vocab.txt", directory / "prophetnet.tokenizer"
    )
    (directory / "tokenizer_config.json").write_text(json.dumps({"tokenizer_class": "ProphetNetTokenizer"}))


def mgpstr(directory: Path) -> None:
    directory.mkdir()
    vocab = {"[GO]": 0, "[s]": 1, **{c: 2 + i for i, c in enumerate("0123456789abcdefghijklmnopqrstuvwxyz")}}
    (directory / "vocab.json").write_text(json.dumps(vocab))
    (directory / "tokenizer_config.json").write_text(json.dumps({"tokenizer_class": "MgpstrTokenizer"}))


BUILDERS = {
    "PhobertTokenizer": lambda d: fastbpe_folders.write_folder(d, tokenizer_class="PhobertTokenizer"),
    "OpenAIGPTTokenizer": lambda d: fastbpe_folders.write_openai_folder(
        d, tokenizer_class="OpenAIGPTTokenizer"
    ),
    "ProphetNetTokenizer": prophetnet,
    "MgpstrTokenizer": mgpstr,
    "RoCBertTokenizer": quirky_folders.write_roc_bert_folder,
    "MyT5Tokenizer": quirky_folders.write_myt5_folder,
    "GPTNeoXJapaneseTokenizer": quirky_folders.write_gpt_neox_japanese_folder,
    "BertJapaneseTokenizer-mecab": lambda d: japanese({"word_tokenizer_type": "mecab"}, d),
    "BertJapaneseTokenizer-sudachi": lambda d: japanese({"word_tokenizer_type": "sudachi"}, d),
}


def japanese(config: dict, directory: Path) -> Path:
    from test_bert_japanese_analysers import analyser_folder

    return analyser_folder(directory, config)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, default=MULTILINGUAL)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--classes", nargs="*", default=list(BUILDERS))
    args = parser.parse_args()

    import ferrotok
    import transformers

    lines = read_lines(args.corpus)
    texts = [lines[i % len(lines)] for i in range(args.batch)]
    print(f"{len(texts)} texts from {args.corpus.name}; load average {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.classes:
            directory = Path(tmp) / name
            directory = BUILDERS[name](directory) or directory
            ours = ferrotok.AutoTokenizer.from_pretrained(directory)
            theirs = transformers.AutoTokenizer.from_pretrained(str(directory))
            options = {"padding": True, "return_tensors": "np"} if theirs.pad_token else {}
            compare(name, ours, theirs, texts, options, args.rounds)
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
