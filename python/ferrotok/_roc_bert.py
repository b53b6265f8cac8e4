"""RoCBert's extra columns: `input_shape_ids` and `input_pronunciation_ids`, one per token.

`RoCBertTokenizer` reads `word_shape.json` and `word_pronunciation.json` ({token: id}) beside its vocab.txt.
Each token of a call gets the id its text has in each table (the table's id of the unknown token when it
has none); the `[CLS]` / `[SEP]` the template adds get the table's id of the literal `[UNK]`, and padding
gets the pad token's id, as transformers' class fills them. Words, ids, truncation and padding come from
the core; the columns are looked up here from each row's ids, its sequence ids (None for the template's
tokens) and its attention mask (0 for padding).
"""

from __future__ import annotations

import json
import os
from itertools import chain
from typing import Any

from .batch_encoding import BatchEncoding, check_tensor_type, to_tensor

CLASSES = frozenset({"RoCBertTokenizer"})
SHAPE_FILE = "word_shape.json"
PRONUNCIATION_FILE = "word_pronunciation.json"
COLUMNS = ("input_shape_ids", "input_pronunciation_ids")
# The config entries that carry the tables when a tokenizer is pickled.
_CONFIG_KEYS = ("word_shape", "word_pronunciation")
ATTRIBUTES = frozenset(
    {"word_shape", "word_pronunciation", "convert_tokens_to_shape_ids", "convert_tokens_to_pronunciation_ids"}
)
# The marker `__call__` is given by `call` to run the plain call (popped before anything reads kwargs).
INNER = "_roc_bert_inner"


class Tables:
    """The two tables and, per table, the column value of each id (filled as ids are seen).

    A plain class rather than a dataclass: every tokenizer imports this module, and `dataclasses` (with the
    `inspect` and `ast` it imports) cost `ferrotok encode --format bin` 33 M instructions of serial start-up."""

    __slots__ = ("by_id", "word_pronunciation", "word_shape")

    def __init__(self, word_shape: dict[str, Any], word_pronunciation: dict[str, Any]) -> None:
        self.word_shape = word_shape
        self.word_pronunciation = word_pronunciation
        self.by_id: dict[str, list[Any]] = {}


def _read(directory: str, name: str) -> dict[str, Any]:
    path = os.path.join(directory, name) if directory else name
    if not os.path.isfile(path):
        raise FileNotFoundError(f"{path}: RoCBertTokenizer needs {name} beside its vocab.txt")
    with open(path, encoding="utf-8") as f:
        table = json.load(f)
    if not isinstance(table, dict):
        raise ValueError(f"{path}: expected a JSON object mapping tokens to ids")
    return table


def load_tables(config: dict[str, Any], directory: str) -> Tables | None:
    """The tables of a RoCBert tokenizer (None for any other class): the config's (a pickled tokenizer's),
    else the folder's files."""
    if str(config.get("tokenizer_class") or "").removesuffix("Fast") not in CLASSES:
        return None
    given = [config.get(key) for key in _CONFIG_KEYS]
    if all(isinstance(table, dict) for table in given):
        return Tables(dict(given[0]), dict(given[1]))  # type: ignore[arg-type]
    return Tables(_read(directory, SHAPE_FILE), _read(directory, PRONUNCIATION_FILE))


def pickled_config(tables: Tables) -> dict[str, Any]:
    return {"word_shape": tables.word_shape, "word_pronunciation": tables.word_pronunciation}


def save(tables: Tables, directory: str, prefix: str | None = None) -> tuple[str, str]:
    """Write both tables as the class writes them (indented, non-ASCII kept); returns their paths."""
    stem = f"{prefix}-" if prefix else ""
    paths = []
    for name, table in ((SHAPE_FILE, tables.word_shape), (PRONUNCIATION_FILE, tables.word_pronunciation)):
        path = os.path.join(directory, stem + name)
        with open(path, "w", encoding="utf-8") as f:
            json.dump(table, f, ensure_ascii=False, indent=4, separators=(", ", ": "))
        paths.append(path)
    return paths[0], paths[1]


def _lookup(table: dict[str, Any], tokens: Any, unk: Any) -> list[Any]:
    fallback = table.get(unk)
    return [table.get(token, fallback) for token in tokens]


def attribute(tokenizer: Any, tables: Tables, name: str) -> Any:
    """The class's own attributes: the two tables and their token lookups."""
    if name in _CONFIG_KEYS:
        return getattr(tables, name)
    table = tables.word_shape if name == "convert_tokens_to_shape_ids" else tables.word_pronunciation

    def convert(tokens: Any) -> Any:
        if tokens is None:
            return None
        return _lookup(table, tokens, tokenizer.unk_token)

    return convert


def _values(tokenizer: Any, tables: Tables, key: str, table: dict[str, Any], upto: int) -> list[Any]:
    """The column value of each id below `upto` (the token's entry, else the unknown token's)."""
    known = tables.by_id.get(key)
    if known is None or len(known) < upto or tables.by_id.get("unk") != [tokenizer.unk_token]:
        size = max(upto, len(tokenizer))
        tokens = tokenizer.convert_ids_to_tokens(list(range(size)))
        known = _lookup(table, tokens, tokenizer.unk_token)
        tables.by_id[key] = known
        tables.by_id["unk"] = [tokenizer.unk_token]
    return known


def _as_array(value: Any) -> Any:
    import numpy as np

    return value.detach().cpu().numpy() if hasattr(value, "detach") else np.asarray(value)


def _array_columns(
    tokenizer: Any, tables: Tables, data: dict[str, Any], single: bool, kind: str | None
) -> Any:
    """The two columns computed with numpy from the ids, the special-tokens mask (1 for the template's
    tokens and padding) and the attention mask (0 for padding); None when a table value is not an int
    (the per-token path then copies whatever the tables hold)."""
    import numpy as np

    ids, special, attention = (data[k] for k in ("input_ids", "special_tokens_mask", "attention_mask"))
    tensor = hasattr(ids, "shape")
    if tensor:
        ids, special, attention = _as_array(ids), _as_array(special), _as_array(attention)
        lengths = None
    else:
        rows = [ids] if single else ids
        lengths = [len(r) for r in rows]
        total = sum(lengths)

        def flat(v: Any) -> Any:
            return np.fromiter(chain.from_iterable([v] if single else v), dtype=np.int64, count=total)

        ids, special, attention = flat(ids), flat(special), flat(attention)
    upto = int(ids.max()) + 1 if ids.size else 1
    pad = tokenizer.pad_token_id
    columns = {}
    for key, table in zip(COLUMNS, (tables.word_shape, tables.word_pronunciation), strict=True):
        values = _values(tokenizer, tables, key, table, upto)
        fills = (table.get("[UNK]"), pad)
        if not all(type(v) is int for v in (*values, *fills)):
            return None
        column = np.where(special == 0, np.asarray(values, dtype=np.int64)[ids], 0)
        column = np.where(special == 0, column, np.where(attention == 0, fills[1], fills[0]))
        if lengths is None:
            columns[key] = column if kind is None else to_tensor(column, kind, key)
        else:
            rows = [r.tolist() for r in np.split(column, np.cumsum(lengths)[:-1])] if lengths else []
            columns[key] = rows[0] if single else rows
    return columns


def add_columns(
    tokenizer: Any, tables: Tables, result: BatchEncoding, tensor_type: str | None
) -> BatchEncoding:
    """`result` with the two columns after `input_ids`, in its layout (one row, rows, or a tensor)."""
    encodings = result.encodings or []
    ids = result["input_ids"]
    single = not encodings or (not hasattr(ids, "shape") and (not ids or not isinstance(ids[0], list)))
    if hasattr(ids, "shape"):
        single = len(ids.shape) == 1
    kind = check_tensor_type(tensor_type)
    columns = _array_columns(tokenizer, tables, result.data, single, kind) if encodings else None
    if columns is None:
        columns = _row_columns(tokenizer, tables, encodings, single, kind if hasattr(ids, "shape") else None)
    data = {"input_ids": ids, **columns}
    data.update((k, v) for k, v in result.data.items() if k != "input_ids")
    result.data = data
    return result


def _row_columns(
    tokenizer: Any, tables: Tables, encodings: Any, single: bool, kind: str | None
) -> dict[str, Any]:
    """The two columns token by token, from each row's ids, sequence ids and attention mask."""
    pad = tokenizer.pad_token_id
    rows_of = [(e.ids, e.sequence_ids, e.attention_mask) for e in encodings]
    upto = 1 + max((max(r[0], default=0) for r in rows_of), default=0)
    columns = {}
    for key, table in zip(COLUMNS, (tables.word_shape, tables.word_pronunciation), strict=True):
        values = _values(tokenizer, tables, key, table, upto)
        special = table.get("[UNK]")
        rows = [
            [pad if m == 0 else special if s is None else values[i] for i, s, m in zip(*row, strict=True)]
            for row in rows_of
        ]
        column: Any = (rows[0] if rows else []) if single else rows
        columns[key] = column if kind is None else to_tensor(column, kind, key)
    return columns


def call(tokenizer: Any, args: tuple[Any, ...], arguments: dict[str, Any], kwargs: dict[str, Any]) -> Any:
    """The class's `__call__`: the plain call, then the two columns."""
    # The masks tell the template's tokens and the padding apart; dropped again unless asked for.
    masks = {"return_special_tokens_mask": True, "return_attention_mask": True}
    result = tokenizer(*args, **{**arguments, **masks}, **kwargs, **{INNER: True})
    result = add_columns(tokenizer, tokenizer._roc_bert, result, arguments.get("return_tensors"))
    if not arguments.get("return_special_tokens_mask"):
        result.data.pop("special_tokens_mask", None)
    if "overflowing_tokens" in result.data:  # the class sets its overflow fields before the others
        rest = {
            k: v for k, v in result.data.items() if k not in ("overflowing_tokens", "num_truncated_tokens")
        }
        overflow = {k: result.data[k] for k in ("overflowing_tokens", "num_truncated_tokens")}
        result.data.clear()
        result.data.update({**overflow, **rest})
    wanted = arguments.get("return_attention_mask")
    if wanted is False or (wanted is None and "attention_mask" not in tokenizer.model_input_names):
        result.data.pop("attention_mask", None)
    return result
