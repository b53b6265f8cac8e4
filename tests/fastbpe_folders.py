"""Folders in fastBPE's format (PhoBERT, BERTweet), learned at test time from the committed multilingual
sample: `bpe.codes` holds one merge `left right count` per line (an end of word spelled `</w>`), and
`vocab.txt` one `token count` per line, the tokens of the sample split by those merges with `@@` ending
every piece but a word's last, most frequent first, as fastBPE's `learnbpe` and `getvocab` write them."""

from __future__ import annotations

import collections
import itertools
import json
import re
from pathlib import Path

from conftest import FIXTURES, multilingual_lines

END = "</w>"


def corpus_words() -> collections.Counter[str]:
    """Whitespace-separated words of the multilingual sample, counted."""
    words: collections.Counter[str] = collections.Counter()
    for _, line in multilingual_lines():
        words.update(line.split())
    return words


def learn_codes(words: collections.Counter[str], merges: int) -> list[tuple[str, str, int]]:
    """`merges` merges, the most frequent pair first (ties: the smallest pair), as fastBPE learns them."""
    split = {w: [*w[:-1], w[-1] + END] for w in words}
    pairs: collections.Counter[tuple[str, str]] = collections.Counter()
    where: dict[tuple[str, str], set[str]] = collections.defaultdict(set)
    for word, symbols in split.items():
        for pair in itertools.pairwise(symbols):
            pairs[pair] += words[word]
            where[pair].add(word)
    codes: list[tuple[str, str, int]] = []
    for _ in range(merges):
        best = min(((p, n) for p, n in pairs.items() if n > 0), key=lambda kv: (-kv[1], kv[0]), default=None)
        if best is None:
            break
        (a, b), count = best
        codes.append((a, b, count))
        for word in list(where[(a, b)]):
            symbols, count = split[word], words[word]
            for pair in itertools.pairwise(symbols):
                pairs[pair] -= count
            out, i = [], 0
            while i < len(symbols):
                if i + 1 < len(symbols) and symbols[i] == a and symbols[i + 1] == b:
                    out.append(a + b)
                    i += 2
                else:
                    out.append(symbols[i])
                    i += 1
            split[word] = out
            for pair in itertools.pairwise(out):
                pairs[pair] += count
                where[pair].add(word)
    return codes


def apply_codes(word: str, ranks: dict[tuple[str, str], int]) -> list[str]:
    symbols = [*word[:-1], word[-1] + END]
    while len(symbols) > 1:
        pairs = [(ranks.get(p, len(ranks)), i) for i, p in enumerate(itertools.pairwise(symbols))]
        rank, i = min(pairs)
        if rank == len(ranks):
            break
        symbols[i : i + 2] = [symbols[i] + symbols[i + 1]]
    return [s + "@@" for s in symbols[:-1]] + [symbols[-1][: -len(END)]]


def piece_counts(
    words: collections.Counter[str], codes: list[tuple[str, str, int]]
) -> collections.Counter[str]:
    """How often each fastBPE piece occurs when `codes` segment the counted `words`."""
    ranks = {(a, b): i for i, (a, b, _) in enumerate(codes)}
    tokens: collections.Counter[str] = collections.Counter()
    for word, count in words.items():
        for piece in apply_codes(word, ranks):
            tokens[piece] += count
    return tokens


def write_folder(directory: Path, merges: int = 400, min_count: int = 1, **config: object) -> Path:
    """A fastBPE folder (vocab.txt, bpe.codes, tokenizer_config.json with `config`) in `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    words = corpus_words()
    codes = learn_codes(words, merges)
    tokens = piece_counts(words, codes)
    vocab = sorted((kv for kv in tokens.items() if kv[1] >= min_count), key=lambda kv: (-kv[1], kv[0]))
    (directory / "bpe.codes").write_text("".join(f"{a} {b} {n}\n" for a, b, n in codes), encoding="utf-8")
    (directory / "vocab.txt").write_text("".join(f"{t} {n}\n" for t, n in vocab), encoding="utf-8")
    (directory / "tokenizer_config.json").write_text(json.dumps(config), encoding="utf-8")
    return directory


def write_openai_folder(directory: Path, merges: int = 400, **config: object) -> Path:
    """An OpenAI GPT folder (vocab.json + merges.txt, `</w>` ending a word's last symbol) learned from the
    lower-cased sample: every char alone and word-final, every merge's result, `<unk>` first."""
    directory.mkdir(parents=True, exist_ok=True)
    words: collections.Counter[str] = collections.Counter()
    for word, count in corpus_words().items():
        words[word.lower()] += count
    codes = learn_codes(words, merges)
    vocab = {"<unk>": 0}
    for char in sorted({c for w in words for c in w}):
        vocab.setdefault(char, len(vocab))
        vocab.setdefault(char + END, len(vocab))
    for a, b, _ in codes:
        vocab.setdefault(a + b, len(vocab))
    (directory / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    lines = "".join(f"{a} {b}\n" for a, b, _ in codes)
    (directory / "merges.txt").write_text("#version: 0.2\n" + lines, encoding="utf-8")
    (directory / "tokenizer_config.json").write_text(json.dumps(config), encoding="utf-8")
    return directory


def write_ctrl_folder(directory: Path, merges: int = 400, **config: object) -> Path:
    """A CTRL folder in the shape of the hub's: vocab.json of the sample's pieces (fastBPE's, `@@` ending every
    piece but a word's last, case kept) most frequent first, `<unk>` last; merges.txt a `#version` line, then
    one `left right` line per merge (`</w>` ending a word's last symbol)."""
    directory.mkdir(parents=True, exist_ok=True)
    words = corpus_words()
    codes = learn_codes(words, merges)
    tokens = piece_counts(words, codes)
    order = sorted(tokens.items(), key=lambda kv: (-kv[1], kv[0]))
    vocab = {token: i for i, (token, _) in enumerate(order)}
    vocab["<unk>"] = len(vocab)
    (directory / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    lines = "".join(f"{a} {b}\n" for a, b, _ in codes)
    (directory / "merges.txt").write_text("#version: 0.2\n" + lines, encoding="utf-8")
    (directory / "tokenizer_config.json").write_text(json.dumps(config), encoding="utf-8")
    return directory


# The special tokens of Funnel Transformer's vocab.txt, first, as its hub models have them.
FUNNEL_SPECIALS = ["<pad>", "<unk>", "<cls>", "<sep>", "<mask>", "<s>", "</s>"]


def write_funnel_folder(directory: Path, **config: object) -> Path:
    """A Funnel Transformer folder: vocab.txt with the class's special tokens first, then the committed BERT
    uncased vocabulary's word pieces (its own `[PAD]`-style tokens left out)."""
    directory.mkdir(parents=True, exist_ok=True)
    bert = (FIXTURES / "bert-uncased" / "vocab.txt").read_text(encoding="utf-8").splitlines()
    pieces = [t for t in bert if t not in {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"}]
    (directory / "vocab.txt").write_text("\n".join([*FUNNEL_SPECIALS, *pieces]) + "\n", encoding="utf-8")
    (directory / "tokenizer_config.json").write_text(json.dumps(config), encoding="utf-8")
    return directory


# Blenderbot-90M's vocab.json starts with the class's special tokens and its newline word.
BLENDERBOT_SMALL_SPECIALS = ["__null__", "__start__", "__end__", "__unk__", "__newln__"]


def blenderbot_small_words() -> collections.Counter[str]:
    """The sample's words as BlenderbotSmallTokenizer cuts them: lower-cased, a space put before each of
    `.,!?()` and around each apostrophe."""
    words: collections.Counter[str] = collections.Counter()
    for word, count in corpus_words().items():
        spaced = re.sub("'", " ' ", re.sub("([.,!?()])", r" \1", word.lower()))
        words.update({w: count for w in spaced.split()})
    return words


def write_blenderbot_small_folder(directory: Path, merges: int = 400, **config: object) -> Path:
    """A BlenderbotSmall folder in the shape of the hub's: vocab.json with the special tokens first, then the
    pieces (fastBPE's, `@@` ending every piece but a word's last) of the sample's lower-cased words, most
    frequent first; merges.txt a `#version` line, then one `left right` line per merge."""
    directory.mkdir(parents=True, exist_ok=True)
    words = blenderbot_small_words()
    codes = learn_codes(words, merges)
    tokens = piece_counts(words, codes)
    vocab = {token: i for i, token in enumerate(BLENDERBOT_SMALL_SPECIALS)}
    for token, _ in sorted(tokens.items(), key=lambda kv: (-kv[1], kv[0])):
        vocab.setdefault(token, len(vocab))
    (directory / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    lines = "".join(f"{a} {b}\n" for a, b, _ in codes)
    (directory / "merges.txt").write_text("#version: 0.2\n" + lines, encoding="utf-8")
    (directory / "tokenizer_config.json").write_text(json.dumps(config), encoding="utf-8")
    return directory
