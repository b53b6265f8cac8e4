"""Decoders named and built as in `tokenizers.decoders`; each runs in the Rust core (`decode`) and can be
set on a `ferrotok.Tokenizer` (`tok.decoder = WordPiece()`)."""

from __future__ import annotations

import operator
from collections.abc import Iterable
from typing import Any

from . import _core
from .components import REQUIRED, Regex, define, pattern_json, sequence_json
from .components import Decoder as Decoder

_M = __name__


WordPiece = define(Decoder, _M, "WordPiece", "WordPiece", (("prefix", "##"), ("cleanup", True)))
# tokenizers' ByteLevel decoder takes no argument but writes the pre-tokenizer's fields.
ByteLevel = define(
    Decoder,
    _M,
    "ByteLevel",
    "ByteLevel",
    (),
    lambda v: {"add_prefix_space": True, "trim_offsets": True, "use_regex": True},
)
BPEDecoder = define(Decoder, _M, "BPEDecoder", "BPEDecoder", (("suffix", "</w>"),))
Metaspace = define(
    Decoder,
    _M,
    "Metaspace",
    "Metaspace",
    (("replacement", "▁"), ("prepend_scheme", "always"), ("split", True)),
)
Replace = define(
    Decoder,
    _M,
    "Replace",
    "Replace",
    (("pattern", REQUIRED), ("content", REQUIRED)),
    lambda v: {"pattern": pattern_json(v["pattern"]), "content": v["content"]},
)
Fuse = define(Decoder, _M, "Fuse", "Fuse", ())
Strip = define(
    Decoder,
    _M,
    "Strip",
    "Strip",
    (("content", " "), ("left", 0), ("right", 0)),
    lambda v: {"content": v["content"], "start": int(v["left"]), "stop": int(v["right"])},
)
ByteFallback = define(Decoder, _M, "ByteFallback", "ByteFallback", ())
CTC = define(
    Decoder,
    _M,
    "CTC",
    "CTC",
    (("pad_token", "<pad>"), ("word_delimiter_token", "|"), ("cleanup", True)),
)
Sequence = define(Decoder, _M, "Sequence", "Sequence", (("decoders", REQUIRED),), sequence_json("decoders"))


class DecodeStream:
    """Incremental decoding for generation, as tokenizers' `DecodeStream`: feed ids as they are generated
    and print what each `step` returns. A step returns None while its ids do not yet complete any text (a
    character split across byte-level or byte-fallback tokens); the text comes out with a later step.

    `ids` are ids already shown (a prompt): they give the context of the first tokens without being
    yielded again."""

    __slots__ = ("_core",)

    def __init__(self, ids: Iterable[int] | None = None, skip_special_tokens: bool = False) -> None:
        self._core = _core.DecodeStream(
            _ids(ids, "ids") if ids is not None else [], bool(skip_special_tokens)
        )

    def step(self, tokenizer: Any, id: int | Iterable[int]) -> str | None:
        """Add the next id (or a list of ids) decoded by `tokenizer` (a `ferrotok.Tokenizer`); the new
        text, or None."""
        core = getattr(tokenizer, "_tokenizer", None)
        if not isinstance(core, _core.Tokenizer):
            raise TypeError(f"tokenizer: expected a ferrotok.Tokenizer, got {type(tokenizer).__name__}")
        try:
            ids = [operator.index(id)]  # type: ignore[arg-type]
        except TypeError:
            ids = _ids(id, "id")  # type: ignore[arg-type]
        return self._core.step(core, ids)

    def __repr__(self) -> str:
        return "DecodeStream()"


def _ids(values: Iterable[int], argument: str) -> list[int]:
    if isinstance(values, (str, bytes)):
        raise TypeError(f"{argument}: expected an int or a list of int, got {type(values).__name__}")
    try:
        return [operator.index(v) for v in values]
    except TypeError:
        raise TypeError(f"{argument}: expected an int or a list of int") from None


__all__ = [
    "CTC",
    "BPEDecoder",
    "ByteFallback",
    "ByteLevel",
    "DecodeStream",
    "Decoder",
    "Fuse",
    "Metaspace",
    "Regex",
    "Replace",
    "Sequence",
    "Strip",
    "WordPiece",
]
