"""Models named and built as in `tokenizers.models`, for scripts that assemble a tokenizer by hand:
`Tokenizer(models.BPE(unk_token="[UNK]"))`, then a pre-tokenizer, then `train_from_iterator`. A model read
from a tokenizer (`tok.model`) has its class too. The vocabulary lives in the Rust core."""

from __future__ import annotations

from typing import Any

from .components import Model as Model
from .components import define

_M = __name__


def _bpe(v: dict[str, Any]) -> dict[str, Any]:
    merges = [list(m.split(" ", 1)) if isinstance(m, str) else list(m) for m in v["merges"] or ()]
    return {
        "dropout": v["dropout"],
        "unk_token": v["unk_token"],
        "continuing_subword_prefix": v["continuing_subword_prefix"],
        "end_of_word_suffix": v["end_of_word_suffix"],
        "fuse_unk": bool(v["fuse_unk"]),
        "byte_fallback": bool(v["byte_fallback"]),
        "ignore_merges": bool(v["ignore_merges"]),
        "vocab": dict(v["vocab"] or {}),
        "merges": merges,
    }


def _unigram(v: dict[str, Any]) -> dict[str, Any]:
    if v["alpha"] is not None or v["nbest_size"] is not None:
        raise ValueError("Unigram: alpha / nbest_size (subword sampling) are not supported by ferrotok")
    if v["vocab"] is None:
        return {"unk_id": 0, "vocab": [["<unk>", 0.0]], "byte_fallback": bool(v["byte_fallback"])}
    vocab = [[str(piece), float(score)] for piece, score in v["vocab"]]
    return {"unk_id": v["unk_id"], "vocab": vocab, "byte_fallback": bool(v["byte_fallback"])}


BPE = define(
    Model,
    _M,
    "BPE",
    "BPE",
    (
        ("vocab", None),
        ("merges", None),
        ("cache_capacity", None),  # accepted; ferrotok sizes its own caches
        ("dropout", None),
        ("unk_token", None),
        ("continuing_subword_prefix", None),
        ("end_of_word_suffix", None),
        ("fuse_unk", None),
        ("byte_fallback", False),
        ("ignore_merges", False),
    ),
    _bpe,
)
WordPiece = define(
    Model,
    _M,
    "WordPiece",
    "WordPiece",
    (
        ("vocab", None),
        ("unk_token", "[UNK]"),
        ("max_input_chars_per_word", 100),
        ("continuing_subword_prefix", "##"),
    ),
    lambda v: {
        "unk_token": v["unk_token"],
        "continuing_subword_prefix": v["continuing_subword_prefix"],
        "max_input_chars_per_word": int(v["max_input_chars_per_word"]),
        "vocab": dict(v["vocab"] or {}),
    },
)
WordLevel = define(
    Model,
    _M,
    "WordLevel",
    "WordLevel",
    (("vocab", None), ("unk_token", None)),
    lambda v: {
        "vocab": dict(v["vocab"] or {}),
        "unk_token": "<unk>" if v["unk_token"] is None else v["unk_token"],
    },
)
Unigram = define(
    Model,
    _M,
    "Unigram",
    "Unigram",
    (("vocab", None), ("unk_id", None), ("byte_fallback", None), ("alpha", None), ("nbest_size", None)),
    _unigram,
)

__all__ = ["BPE", "Model", "Unigram", "WordLevel", "WordPiece"]
