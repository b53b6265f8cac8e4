"""Models named and built as in `tokenizers.models`, for scripts that assemble a tokenizer by hand:
`Tokenizer(models.BPE(unk_token="[UNK]"))`, then a pre-tokenizer, then `train_from_iterator`. A model read
from a tokenizer (`tok.model`) has its class too. The vocabulary lives in the Rust core."""

from __future__ import annotations

import os
from typing import Any

from . import _vocab_files
from .components import UNIGRAM_SAMPLING, define
from .components import Model as Model

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
        raise ValueError(UNIGRAM_SAMPLING)
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


# tokenizers' file readers on the model classes: `read_file` gives the vocabulary (and merges) as Python
# values, `from_file` builds the model from them with the other arguments.
def _bpe_read_file(vocab: str | os.PathLike[str], merges: str | os.PathLike[str]) -> tuple[Any, Any]:
    """The vocabulary of `vocab.json` and the merges of `merges.txt`."""
    return _vocab_files.read_vocab_json(vocab), _vocab_files.read_merges(merges)


def _bpe_from_file(vocab: str | os.PathLike[str], merges: str | os.PathLike[str], **kwargs: Any) -> Model:
    """A BPE model from `vocab.json` + `merges.txt` and BPE's other arguments."""
    v, m = _bpe_read_file(vocab, merges)
    return BPE(v, m, **kwargs)


def _wordpiece_from_file(vocab: str | os.PathLike[str], **kwargs: Any) -> Model:
    """A WordPiece model from `vocab.txt` and WordPiece's other arguments."""
    return WordPiece(_vocab_files.read_vocab_txt(vocab), **kwargs)


def _wordlevel_from_file(vocab: str | os.PathLike[str], unk_token: str | None = None) -> Model:
    """A WordLevel model from `vocab.json`."""
    return WordLevel(_vocab_files.read_vocab_json(vocab), unk_token=unk_token)


def _wordpiece_read_file(vocab: str | os.PathLike[str]) -> dict[str, int]:
    """The vocabulary of `vocab.txt` (tokenizers' argument name: `vocab`)."""
    return _vocab_files.read_vocab_txt(vocab)


def _wordlevel_read_file(vocab: str | os.PathLike[str]) -> dict[str, int]:
    """The vocabulary of `vocab.json` (tokenizers' argument name: `vocab`)."""
    return _vocab_files.read_vocab_json(vocab)


for _cls, _read, _from in (
    (BPE, _bpe_read_file, _bpe_from_file),
    (WordPiece, _wordpiece_read_file, _wordpiece_from_file),
    (WordLevel, _wordlevel_read_file, _wordlevel_from_file),
):
    _cls.read_file = staticmethod(_read)  # type: ignore[attr-defined]
    _cls.from_file = staticmethod(_from)  # type: ignore[attr-defined]

__all__ = ["BPE", "Model", "Unigram", "WordLevel", "WordPiece"]
