"""Post-processors named and built as in `tokenizers.processors`; each runs in the Rust core (`process`,
`num_special_tokens_to_add`) and can be set on a `ferrotok.Tokenizer` (`tok.post_processor = ...`)."""

from __future__ import annotations

import operator
from typing import Any

from .components import REQUIRED, Members, define, sequence_json
from .components import PostProcessor as PostProcessor

_M = __name__


def _piece(piece: str) -> dict[str, Any]:
    """One template piece ("$A", "$B:1", "$1", "[SEP]:1") → its tokenizer.json value."""
    if not isinstance(piece, str) or not piece:
        raise ValueError(f"template: expected non-empty str pieces, got {piece!r}")
    if piece.startswith("$"):
        rest = piece[1:]
        name, _, type_id = rest.partition(":")
        if not type_id and name.isdigit():
            name, type_id = "", name
        sequence = {"": "A", "A": "A", "a": "A", "B": "B", "b": "B"}.get(name)
        if sequence is None or (type_id and not type_id.isdigit()):
            raise ValueError(f"template: cannot read the sequence piece {piece!r}")
        return {"Sequence": {"id": sequence, "type_id": int(type_id or 0)}}
    token, colon, type_id = piece.rpartition(":")
    if colon and token and type_id.isdigit():
        return {"SpecialToken": {"id": token, "type_id": int(type_id)}}
    return {"SpecialToken": {"id": piece, "type_id": 0}}


def _template(value: object, default: str) -> list[dict[str, Any]]:
    if value is None:
        value = default
    pieces = value.split() if isinstance(value, str) else value
    if not isinstance(pieces, (list, tuple)):
        raise ValueError(f"template: expected a str or a list of str, got {type(value).__name__}")
    return [_piece(p) for p in pieces]


def _special(item: object) -> tuple[str, dict[str, Any]]:
    if isinstance(item, dict):
        return str(item["id"]), {"id": item["id"], "ids": list(item["ids"]), "tokens": list(item["tokens"])}
    if isinstance(item, (tuple, list)) and len(item) == 2:
        token, id = item if isinstance(item[0], str) else (item[1], item[0])
        return token, {"id": token, "ids": [int(id)], "tokens": [token]}
    raise ValueError(f"special_tokens: expected (token, id) tuples or dicts, got {item!r}")


def _template_fields(v: dict[str, Any]) -> dict[str, Any]:
    return {
        "single": _template(v["single"], "$0"),
        "pair": _template(v["pair"], "$A:0 $B:1"),
        "special_tokens": dict(_special(t) for t in v["special_tokens"] or ()),
    }


def _token(value: object, argument: str) -> list[Any]:
    """A (token, id) pair → its tokenizer.json value; the exception classes are tokenizers'."""
    if not isinstance(value, (tuple, list)):
        raise TypeError(f"{argument}: expected a (token, id) tuple, got {type(value).__name__}")
    if len(value) != 2:
        raise ValueError(f"{argument}: expected a (token, id) tuple of length 2, got length {len(value)}")
    token, id = value
    if not isinstance(token, str):
        raise TypeError(f"{argument}: expected a str token, got {type(token).__name__}")
    return [token, operator.index(id)]


def _flags(v: dict[str, Any]) -> dict[str, Any]:
    return {
        k: True if v[k] is None else bool(v[k]) for k in ("add_prefix_space", "trim_offsets", "use_regex")
    }


TemplateProcessing = define(
    PostProcessor,
    _M,
    "TemplateProcessing",
    "TemplateProcessing",
    (("single", None), ("pair", None), ("special_tokens", None)),
    _template_fields,
)
BertProcessing = define(
    PostProcessor,
    _M,
    "BertProcessing",
    "BertProcessing",
    (("sep", REQUIRED), ("cls_token", REQUIRED)),
    lambda v: {"sep": _token(v["sep"], "sep"), "cls": _token(v["cls_token"], "cls_token")},
)
RobertaProcessing = define(
    PostProcessor,
    _M,
    "RobertaProcessing",
    "RobertaProcessing",
    (("sep", REQUIRED), ("cls_token", REQUIRED), ("trim_offsets", True), ("add_prefix_space", True)),
    lambda v: {
        "sep": _token(v["sep"], "sep"),
        "cls": _token(v["cls_token"], "cls_token"),
        "trim_offsets": bool(v["trim_offsets"]),
        "add_prefix_space": bool(v["add_prefix_space"]),
    },
)
ByteLevel = define(
    PostProcessor,
    _M,
    "ByteLevel",
    "ByteLevel",
    (("add_prefix_space", None), ("trim_offsets", None), ("use_regex", None)),
    _flags,
)
Sequence = define(
    PostProcessor,
    _M,
    "Sequence",
    "Sequence",
    (("processors", REQUIRED),),
    sequence_json("processors"),
    Members,
)

__all__ = [
    "BertProcessing",
    "ByteLevel",
    "PostProcessor",
    "RobertaProcessing",
    "Sequence",
    "TemplateProcessing",
]
