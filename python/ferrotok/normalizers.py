"""Normalizers named and built as in `tokenizers.normalizers`; each runs in the Rust core
(`normalize_str`) and can be set on a `ferrotok.Tokenizer` (`tok.normalizer = Sequence([NFC(), Lowercase()])`)."""

from __future__ import annotations

import base64
from typing import Any

from .components import REQUIRED, Regex, SizedMembers, define, pattern_json, sequence_json
from .components import Normalizer as Normalizer

_M = __name__


BertNormalizer = define(
    Normalizer,
    _M,
    "BertNormalizer",
    "BertNormalizer",
    (("clean_text", True), ("handle_chinese_chars", True), ("strip_accents", None), ("lowercase", True)),
)
NFC = define(Normalizer, _M, "NFC", "NFC", ())
NFD = define(Normalizer, _M, "NFD", "NFD", ())
NFKC = define(Normalizer, _M, "NFKC", "NFKC", ())
NFKD = define(Normalizer, _M, "NFKD", "NFKD", ())
Lowercase = define(Normalizer, _M, "Lowercase", "Lowercase", ())
StripAccents = define(Normalizer, _M, "StripAccents", "StripAccents", ())
Nmt = define(Normalizer, _M, "Nmt", "Nmt", ())
Strip = define(
    Normalizer,
    _M,
    "Strip",
    "Strip",
    (("left", True), ("right", True)),
    lambda v: {"strip_left": bool(v["left"]), "strip_right": bool(v["right"])},
)
Replace = define(
    Normalizer,
    _M,
    "Replace",
    "Replace",
    (("pattern", REQUIRED), ("content", REQUIRED)),
    lambda v: {"pattern": pattern_json(v["pattern"]), "content": v["content"]},
)
Prepend = define(Normalizer, _M, "Prepend", "Prepend", (("prepend", REQUIRED),))
Precompiled = define(
    Normalizer,
    _M,
    "Precompiled",
    "Precompiled",
    (("precompiled_charsmap", REQUIRED),),
    lambda v: {"precompiled_charsmap": base64.b64encode(bytes(v["precompiled_charsmap"])).decode("ascii")},
)
ByteLevel = define(Normalizer, _M, "ByteLevel", "ByteLevel", ())
Sequence = define(
    Normalizer,
    _M,
    "Sequence",
    "Sequence",
    (("normalizers", REQUIRED),),
    sequence_json("normalizers"),
    SizedMembers,
)

# The Unicode normal forms by name, as tokenizers.normalizers.NORMALIZERS.
NORMALIZERS: dict[str, Any] = {"nfc": NFC, "nfd": NFD, "nfkc": NFKC, "nfkd": NFKD}


def unicode_normalizer_from_str(normalizer: str) -> Normalizer:
    """The Unicode normalizer named "nfc", "nfd", "nfkc" or "nfkd"."""
    if normalizer not in NORMALIZERS:
        raise ValueError(
            f"{normalizer} is not a known unicode normalizer. Available are {NORMALIZERS.keys()}"
        )
    made: Normalizer = NORMALIZERS[normalizer]()
    return made


__all__ = [
    "NFC",
    "NFD",
    "NFKC",
    "NFKD",
    "NORMALIZERS",
    "BertNormalizer",
    "ByteLevel",
    "Lowercase",
    "Nmt",
    "Normalizer",
    "Precompiled",
    "Prepend",
    "Regex",
    "Replace",
    "Sequence",
    "Strip",
    "StripAccents",
    "unicode_normalizer_from_str",
]
