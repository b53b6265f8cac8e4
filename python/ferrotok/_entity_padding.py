"""Padding and arrays of LUKE / mLUKE's word and entity fields (`_entities`' calls and `pad`).

Word fields pad to `max_length` and entity fields to `max_entity_length`, each with its own pad value, on
the tokenizer's (or the call's) side, as transformers' Python path for these classes pads them; a batch of
equal-length rows becomes arrays without numpy's nested-list discovery.
"""

from __future__ import annotations

import math
from itertools import chain
from typing import TYPE_CHECKING, Any

from ._arguments import DO_NOT_PAD, LONGEST, MAX_LENGTH
from ._padding import check_rows, gather_features, pad_settings, round_up
from .batch_encoding import BatchEncoding

if TYPE_CHECKING:
    from ._entities import EntitySettings


def pad_one(
    tok: Any,
    s: EntitySettings,
    row: dict[str, Any],
    strategy: str,
    max_length: int | None,
    max_entity_length: int | None,
    multiple: int | None,
    side: str,
    attention: bool,
) -> dict[str, Any]:
    entities = "entity_ids" in row
    if strategy == LONGEST:
        max_length = len(row["input_ids"])
        if entities:
            max_entity_length = len(row["entity_ids"])
    max_length = round_up(max_length, multiple)
    if entities:
        max_entity_length = round_up(max_entity_length, multiple)
    if attention and "attention_mask" not in row:
        row["attention_mask"] = [1] * len(row["input_ids"])
    if entities and attention and "entity_attention_mask" not in row:
        row["entity_attention_mask"] = [1] * len(row["entity_ids"])
    needed = strategy != DO_NOT_PAD and (
        len(row["input_ids"]) != max_length or (entities and len(row["entity_ids"]) != max_entity_length)
    )
    if not needed:
        return row
    assert max_length is not None
    n = max_length - len(row["input_ids"])
    m = (max_entity_length or 0) - len(row["entity_ids"]) if entities else 0
    # (field, pad value, length to pad): the word fields, then the entity fields.
    fields: list[tuple[str, Any, int]] = []
    if attention:
        fields.append(("attention_mask", 0, n))
        if entities:
            fields.append(("entity_attention_mask", 0, m))
    if "token_type_ids" in row:
        fields.append(("token_type_ids", 0, n))
        if entities:
            fields.append(("entity_token_type_ids", 0, m))
    if "special_tokens_mask" in row:
        fields.append(("special_tokens_mask", 1, n))
    fields.append(("input_ids", tok.pad_token_id, n))
    if entities:
        fields.append(("entity_ids", s.pad_id, m))
        fields.append(("entity_position_ids", [-1] * s.max_mention_length, m))
        if s.task == "entity_span_classification":
            fields.append(("entity_start_positions", 0, m))
            fields.append(("entity_end_positions", 0, m))
    for name, value, count in fields:
        padding = [value] * count
        row[name] = row[name] + padding if side == "right" else padding + row[name]
    return row


def padded_arrays(
    tok: Any,
    s: EntitySettings,
    rows: list[dict[str, Any]],
    strategy: str,
    max_length: int | None,
    max_entity_length: int | None,
    multiple: int | None,
    side: str,
    attention: bool,
) -> dict[str, Any] | None:
    """A padded batch straight into int64 arrays (the fill comes from `np.full`, each row is one slice
    assignment): what `pad_one` and the conversion of its lists give, without building the padded lists.
    None when a row is longer than the padding length or fields differ between rows (the list path
    decides those)."""
    import numpy as np

    if strategy != MAX_LENGTH or max_length is None or not rows:
        return None
    keys = list(rows[0])
    if any(list(r) != keys for r in rows):
        return None
    width = round_up(max_length, multiple) or 0
    entities = "entity_ids" in rows[0]
    entity_width = (round_up(max_entity_length, multiple) or 0) if entities else 0
    lengths = np.fromiter((len(r["input_ids"]) for r in rows), dtype=np.int64, count=len(rows))
    entity_lengths = np.fromiter(
        (len(r.get("entity_ids", ())) for r in rows), dtype=np.int64, count=len(rows)
    )
    if lengths.max(initial=0) > width or entity_lengths.max(initial=0) > entity_width:
        return None
    depth = s.max_mention_length
    if entities and any(len(p) != depth for r in rows for p in r["entity_position_ids"]):
        return None
    fills = {
        "input_ids": tok.pad_token_id,
        "token_type_ids": 0,
        "special_tokens_mask": 1,
        "entity_ids": s.pad_id,
        "entity_token_type_ids": 0,
        "entity_start_positions": 0,
        "entity_end_positions": 0,
        "entity_position_ids": -1,
    }
    entity_keys = {"entity_ids", "entity_token_type_ids", "entity_start_positions", "entity_end_positions"}
    out: dict[str, Any] = {}
    for key in keys:
        values = [r[key] for r in rows]
        if key not in fills:
            out[key] = values  # not padded (length, overflow fields)
            continue
        if key == "entity_position_ids" and entity_width == 0:
            array = np.zeros((len(rows), 0), dtype=np.int64)  # numpy sees no third axis in empty rows
        elif key == "entity_position_ids":
            array = np.full((len(rows), entity_width, depth), -1, dtype=np.int64)
        else:
            cols = entity_width if key in entity_keys else width
            array = np.full((len(rows), cols), fills[key], dtype=np.int64)
        cols = array.shape[1]
        for i, value in enumerate(values):
            if value:
                if side == "right":
                    array[i, : len(value)] = value
                else:
                    array[i, cols - len(value) :] = value
        out[key] = array
    if attention:
        for key, counts, cols in (
            ("attention_mask", lengths, width),
            ("entity_attention_mask", entity_lengths, entity_width),
        ):
            if key == "entity_attention_mask" and not entities:
                continue
            columns = np.arange(cols)
            mask = columns < counts[:, None] if side == "right" else columns >= (cols - counts)[:, None]
            out[key] = mask.astype(np.int64)
    return out


def rectangular(rows: list[Any]) -> Any:
    """Padded rows of ints (2-D) or of position lists (3-D) as an int64 array, flattened by `chain` (much
    quicker than numpy's discovery of nested lists); None for anything else (ragged, empty, not ints)."""
    import numpy as np

    width = len(rows[0]) if rows and isinstance(rows[0], list) else 0
    if width == 0 or any(len(row) != width for row in rows):
        return None
    head = rows[0][0]
    if type(head) is int:
        flat = chain.from_iterable(rows)
        shape: tuple[int, ...] = (len(rows), width)
    elif isinstance(head, list) and head and type(head[0]) is int:
        depth = len(head)
        if any(len(item) != depth for row in rows for item in row):
            return None
        flat = chain.from_iterable(chain.from_iterable(rows))
        shape = (len(rows), width, depth)
    else:
        return None
    try:
        return np.fromiter(flat, dtype=np.int64, count=math.prod(shape)).reshape(shape)
    except (TypeError, ValueError):  # a non-int inside: the general conversion decides
        return None


def tensors(data: dict[str, Any], tensor_type: Any, batch_axis: bool) -> BatchEncoding:
    if tensor_type is None:
        return BatchEncoding(data)
    if batch_axis:
        data = {key: [value] for key, value in data.items()}
    if tensor_type in ("np", "pt") or getattr(tensor_type, "value", None) in ("np", "pt"):
        for key, value in data.items():
            array = rectangular(value) if isinstance(value, list) else None
            if array is not None:
                data[key] = array
    return BatchEncoding(data, tensor_type=tensor_type)


def pad(
    tok: Any,
    encoded_inputs: Any,
    padding: Any = True,
    max_length: int | None = None,
    max_entity_length: int | None = None,
    pad_to_multiple_of: int | None = None,
    padding_side: str | None = None,
    return_attention_mask: bool | None = None,
    return_tensors: str | None = None,
    verbose: bool = True,
) -> BatchEncoding:
    """LUKE / mLUKE's `pad`: the word fields and the entity fields (to `max_entity_length`, else the
    tokenizer's), as `DataCollatorWithPadding` calls it."""
    s: EntitySettings = tok._entity_settings
    features, return_tensors = gather_features(tok, encoded_inputs, return_attention_mask, return_tensors)
    if isinstance(features, BatchEncoding):
        return features
    main = tok.model_input_names[0]
    strategy, max_length, multiple, side, attention = pad_settings(
        tok, padding, max_length, pad_to_multiple_of, padding_side, return_attention_mask, verbose
    )
    if max_entity_length is None:
        max_entity_length = s.max_entity_length
    required = features[main]
    settings = (multiple, side, attention)
    if not isinstance(required[0], (list, tuple)):
        row = pad_one(tok, s, features, strategy, max_length, max_entity_length, *settings)
        return BatchEncoding(row, tensor_type=return_tensors)
    size = check_rows(features, main)
    if strategy == LONGEST:
        max_length = max(len(row) for row in required)
        max_entity_length = max((len(row) for row in features.get("entity_ids", ())), default=0)
        strategy = MAX_LENGTH
    out: dict[str, list[Any]] = {}
    for i in range(size):
        row = pad_one(
            tok, s, {k: v[i] for k, v in features.items()}, strategy, max_length, max_entity_length, *settings
        )
        for key, value in row.items():
            out.setdefault(key, []).append(value)
    return BatchEncoding(out, tensor_type=return_tensors)
