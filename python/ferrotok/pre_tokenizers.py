"""Pre-tokenizers named and built as in `tokenizers.pre_tokenizers`; each runs in the Rust core
(`pre_tokenize_str`) and can be set on a `ferrotok.Tokenizer` (`tok.pre_tokenizer = Whitespace()`)."""

from __future__ import annotations

from .components import REQUIRED, Members, Regex, define, pattern_json, sequence_json
from .components import PreTokenizer as PreTokenizer

_M = __name__
# tokenizers' argument spelling → tokenizer.json's.
_BEHAVIORS = {
    "removed": "Removed",
    "isolated": "Isolated",
    "merged_with_previous": "MergedWithPrevious",
    "merged_with_next": "MergedWithNext",
    "contiguous": "Contiguous",
}


def _behavior(value: object) -> str:
    if value not in _BEHAVIORS:
        raise ValueError(f"behavior: expected one of {', '.join(_BEHAVIORS)}, got {value!r}")
    return _BEHAVIORS[value]  # type: ignore[index]


BertPreTokenizer = define(PreTokenizer, _M, "BertPreTokenizer", "BertPreTokenizer", ())
Whitespace = define(PreTokenizer, _M, "Whitespace", "Whitespace", ())
WhitespaceSplit = define(PreTokenizer, _M, "WhitespaceSplit", "WhitespaceSplit", ())
ByteLevel = define(
    PreTokenizer,
    _M,
    "ByteLevel",
    "ByteLevel",
    (("add_prefix_space", True), ("trim_offsets", True), ("use_regex", True)),
)


def _byte_level_alphabet() -> list[str]:
    """The 256 characters byte-level BPE writes bytes as (GPT-2's table: printable Latin-1 bytes stand
    for themselves, the others take the code points from U+0100 on, in byte order); a trainer's
    `initial_alphabet`, so that every byte has a token."""
    printable = {
        *range(ord("!"), ord("~") + 1),
        *range(ord("¡"), ord("¬") + 1),
        *range(ord("®"), ord("ÿ") + 1),
    }
    shifted = iter(range(256, 512))
    return [chr(b) if b in printable else chr(next(shifted)) for b in range(256)]


ByteLevel.alphabet = staticmethod(_byte_level_alphabet)  # type: ignore[attr-defined]
Split = define(
    PreTokenizer,
    _M,
    "Split",
    "Split",
    (("pattern", REQUIRED), ("behavior", REQUIRED), ("invert", False)),
    lambda v: {
        "pattern": pattern_json(v["pattern"]),
        "behavior": _behavior(v["behavior"]),
        "invert": bool(v["invert"]),
    },
)
CharDelimiterSplit = define(
    PreTokenizer, _M, "CharDelimiterSplit", "CharDelimiterSplit", (("delimiter", REQUIRED),)
)
Digits = define(PreTokenizer, _M, "Digits", "Digits", (("individual_digits", False),))
Punctuation = define(
    PreTokenizer,
    _M,
    "Punctuation",
    "Punctuation",
    (("behavior", "isolated"),),
    lambda v: {"behavior": _behavior(v["behavior"])},
)
Metaspace = define(
    PreTokenizer,
    _M,
    "Metaspace",
    "Metaspace",
    (("replacement", "▁"), ("prepend_scheme", "always"), ("split", True)),
)
FixedLength = define(PreTokenizer, _M, "FixedLength", "FixedLength", (("length", 5),))
UnicodeScripts = define(PreTokenizer, _M, "UnicodeScripts", "UnicodeScripts", ())
Sequence = define(
    PreTokenizer,
    _M,
    "Sequence",
    "Sequence",
    (("pretokenizers", REQUIRED),),
    sequence_json("pretokenizers"),
    Members,
)

__all__ = [
    "BertPreTokenizer",
    "ByteLevel",
    "CharDelimiterSplit",
    "Digits",
    "FixedLength",
    "Metaspace",
    "PreTokenizer",
    "Punctuation",
    "Regex",
    "Sequence",
    "Split",
    "UnicodeScripts",
    "Whitespace",
    "WhitespaceSplit",
]
