"""Folders of the hub models' shape for RoCBert, MyT5 and GPTNeoXJapanese, written at test time from the
committed multilingual sample and BERT's vocabulary (tests/fixtures): small, no network.

- RoCBert: BERT's vocab.txt, and `word_shape.json` / `word_pronunciation.json` mapping part of its tokens
  (and `[UNK]`, which the class reads for its special tokens) to ids of their own.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

from conftest import FIXTURES, multilingual_lines


def write_roc_bert_folder(directory: Path, **config: object) -> Path:
    """RoCBert's folder: every third vocabulary token gets a shape id and every fifth a pronunciation id,
    both derived from the token's id; `[UNK]` gets its own, `[CLS]` one different from `[UNK]`'s."""
    directory.mkdir(parents=True, exist_ok=True)
    vocab = (FIXTURES / "bert-uncased" / "vocab.txt").read_text(encoding="utf-8").splitlines()
    (directory / "vocab.txt").write_text("".join(f"{t}\n" for t in vocab), encoding="utf-8")
    shape = {t: 7 + (i * 31) % 4000 for i, t in enumerate(vocab) if i % 3 == 0}
    pronunciation = {t: 3 + (i * 17) % 900 for i, t in enumerate(vocab) if i % 5 == 0}
    shape |= {"[UNK]": 1, "[CLS]": 2}
    pronunciation |= {"[UNK]": 2}
    for name, table in (("word_shape.json", shape), ("word_pronunciation.json", pronunciation)):
        (directory / name).write_text(json.dumps(table, ensure_ascii=False), encoding="utf-8")
    settings = {"tokenizer_class": "RoCBertTokenizer", **config}
    (directory / "tokenizer_config.json").write_text(json.dumps(settings), encoding="utf-8")
    return directory


def _hex(data: bytes) -> str:
    return " ".join(f"{b:02x}" for b in data)


def myt5_byte_maps() -> dict[str, dict[str, str]]:
    """MyT5's `byte_maps.json` in its hub shape, its rules made from the multilingual sample: the
    decompose map spells the sample's first 60 non-ASCII chars as a lead byte from 0x80..0x85 and a
    code, the merge map joins 40 frequent ASCII letter pairs into two-byte codes, and a few rules test
    the rewriter's corners (a one-byte rule over the plain byte, a rule whose prefix has no rule, rules
    of different lengths on one prefix)."""
    chars: list[str] = []
    for _, line in multilingual_lines():
        for c in line:
            if ord(c) > 0x7F and c not in chars:
                chars.append(c)
    decompose = {
        _hex(c.encode("utf-8")): _hex(bytes([0x80 + i % 6, 0x90 + i // 6])) for i, c in enumerate(chars[:60])
    }
    pairs: dict[str, int] = {}
    for _, line in multilingual_lines():
        for a, b in itertools.pairwise(line):
            if a.isascii() and b.isascii() and a.isalpha() and b.isalpha():
                pairs[a + b] = pairs.get(a + b, 0) + 1
    frequent = sorted(pairs, key=lambda p: (-pairs[p], p))[:40]
    merge = {_hex(p.encode()): _hex(bytes([0xF8, 0x80 + i])) for i, p in enumerate(frequent)}
    merge |= {"7a": "7a 7a", "71 75 69 63 6b": "f9 01", "71 75": "f9 02", "78 79 7a": "f9 03"}
    return {"decompose_map": decompose, "merge_map": merge}


def write_myt5_folder(directory: Path, **config: object) -> Path:
    """MyT5's folder: byte_maps.json (`myt5_byte_maps`) and tokenizer_config.json."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "byte_maps.json").write_text(json.dumps(myt5_byte_maps(), indent=2), encoding="utf-8")
    settings = {"tokenizer_class": "MyT5Tokenizer", **config}
    (directory / "tokenizer_config.json").write_text(json.dumps(settings), encoding="utf-8")
    return directory


NEOX_TAGS = ["<SP>", "<BR>", "<TAB>", "<URL>", "<EMAIL>", "<TEL>", "<DATE>", "<PRICE>", "<BLOCK>", "<KIGOU>"]
NEOX_TAGS += ["<U2000U2BFF>", "<|endoftext|>", "<|startoftext|>"]
NEOX_EMOJI = ["😀", "👍", "👍🏽", "🇫🇷", "❤️", "❤", "☺"]


def write_gpt_neox_japanese_folder(directory: Path, **config: object) -> Path:
    """GPTNeoXJapanese's folder: vocab.txt holds the class's tags, emoji tags and byte tokens, then the
    sample's chars and its most frequent two- and three-char pieces (some lines give variants separated by
    commas, one id for all); emoji.json maps a few emoji (one a prefix of another) to their tags."""
    directory.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for _, line in multilingual_lines():
        for n in (1, 2, 3):
            for i in range(len(line) - n + 1):
                piece = line[i : i + n]
                if "," not in piece and "\n" not in piece and " " not in piece:
                    counts[piece] = counts.get(piece, 0) + 1
    singles = sorted((p for p in counts if len(p) == 1), key=lambda p: (-counts[p], p))[:900]
    longer = sorted((p for p in counts if len(p) > 1), key=lambda p: (-counts[p], p))[:1500]
    lines = [
        *NEOX_TAGS,
        *(f"<|emoji{i}|>" for i in range(len(NEOX_EMOJI))),
        *(f"<|byte{b}|>" for b in range(256)),
    ]
    # Pieces interleaved so that a longer piece often has a larger id than its first char (the class picks
    # the smallest id among the pieces that match, not the longest).
    for i in range(max(len(singles), len(longer))):
        lines += [
            p for p in (longer[i : i + 1] if i % 2 else []) + singles[i : i + 1] + longer[i : i + 1] if p
        ]
    lines += ["慶応,慶應", "<SP><SP>,<SP><SP><SP>", ","]
    seen: set[str] = set()
    vocab = [p for p in lines if not (p in seen or seen.add(p))]
    (directory / "vocab.txt").write_text("".join(f"{t}\n" for t in vocab), encoding="utf-8")
    emoji = {"emoji": {e: f"<|emoji{i}|>" for i, e in enumerate(NEOX_EMOJI)}}
    emoji["emoji_inv"] = {v: k for k, v in emoji["emoji"].items()}
    (directory / "emoji.json").write_text(json.dumps(emoji, ensure_ascii=False), encoding="utf-8")
    settings = {"tokenizer_class": "GPTNeoXJapaneseTokenizer", **config}
    (directory / "tokenizer_config.json").write_text(json.dumps(settings), encoding="utf-8")
    return directory
