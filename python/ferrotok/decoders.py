"""Decoders named and built as in `tokenizers.decoders`; each runs in the Rust core (`decode`) and can be
set on a `ferrotok.Tokenizer` (`tok.decoder = WordPiece()`)."""

from __future__ import annotations

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

__all__ = [
    "CTC",
    "BPEDecoder",
    "ByteFallback",
    "ByteLevel",
    "Decoder",
    "Fuse",
    "Metaspace",
    "Regex",
    "Replace",
    "Sequence",
    "Strip",
    "WordPiece",
]
