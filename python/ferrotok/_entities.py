"""LUKE / mLUKE entity inputs (`entity_spans`, `entities`, `task`, ...) with transformers 5's semantics.

`LukeTokenizer` and `MLukeTokenizer` add an entity sequence to the word tokens: one entity id per span (from
`entity_vocab.json`, or the [MASK] entity), the positions of the span's word tokens, and masks / type ids.
The text is cut at every span boundary (a space before a boundary goes with the following piece) and each
piece is encoded on its own without special tokens, so that every span starts and ends on a token; the
pieces of a whole batch are encoded by the core in one call. The rest (special tokens, truncation of words
and of entities, padding, tensors) follows transformers' Python path for these classes, which differs from
the fast path: token type ids are all 0, `return_overflowing_tokens` gives `overflowing_tokens` /
`num_truncated_tokens`, and offsets are refused.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any

from . import _core, _log
from ._arguments import (
    DO_NOT_PAD,
    DO_NOT_TRUNCATE,
    LONGEST,
    LONGEST_FIRST,
    MAX_LENGTH,
    check_side,
    resolve_strategies,
)
from ._config import LUKE_CLASSES
from ._entity_padding import pad_one, padded_arrays, tensors
from .batch_encoding import BatchEncoding

# The `__call__` arguments only these classes take.
ENTITY_ARGUMENTS = ("entity_spans", "entity_spans_pair", "entities", "entities_pair", "max_entity_length")
TASKS = ("entity_classification", "entity_pair_classification", "entity_span_classification")
ENTITY_VOCAB_FILE = "entity_vocab.json"
_SPM_SPACE = "\u2581"
ONLY_FIRST, ONLY_SECOND = "only_first", "only_second"


@dataclass(frozen=True)
class EntitySettings:
    """What a LUKE / mLUKE tokenizer was built with (its config's entries, as the class reads them)."""

    mluke: bool
    task: str | None
    max_entity_length: int
    max_mention_length: int
    vocab: dict[str, int]
    unk_id: int
    pad_id: int
    mask_id: int
    mask2_id: int
    marker_1: str  # the word token put around an entity span by the classification tasks
    marker_2: str


def _token_text(value: Any, default: str) -> str:
    if isinstance(value, dict):  # an AddedToken as the config serialises it
        value = value.get("content", default)
    return default if value is None else str(value)


def _read_vocab(config: dict[str, Any], directory: str, specials: list[str]) -> dict[str, int]:
    given = config.get("entity_vocab")
    if isinstance(given, dict):
        return {str(k): int(v) for k, v in given.items()}
    path = os.path.join(directory, ENTITY_VOCAB_FILE) if directory else ""
    if path and os.path.isfile(path):
        with open(path, encoding="utf-8") as f:
            vocab = json.load(f)
        if not isinstance(vocab, dict):
            raise ValueError(f"{path}: expected a JSON object mapping entity names to ids")
        return vocab
    return {token: i for i, token in enumerate(specials)}  # the class's minimal vocabulary


def load_settings(config: dict[str, Any], directory: str) -> EntitySettings | None:
    """The entity settings of a LUKE / mLUKE tokenizer (None for any other class). Raises ValueError, as the
    class's constructor does, for an unknown `task` or an entity special token missing from the vocabulary."""
    tokenizer_class = str(config.get("tokenizer_class") or "").removesuffix("Fast")
    if tokenizer_class not in LUKE_CLASSES:
        return None
    mluke = tokenizer_class == "MLukeTokenizer"
    names = [
        _token_text(config.get(key), default)
        for key, default in (
            ("entity_unk_token", "[UNK]"),
            ("entity_pad_token", "[PAD]"),
            ("entity_mask_token", "[MASK]"),
            ("entity_mask2_token", "[MASK2]"),
        )
    ]
    vocab = _read_vocab(config, directory, names)
    for name in names:
        if name not in vocab:
            raise ValueError(
                f"entity_vocab: the entity special token {name!r} is not in the entity vocabulary"
            )
    task = config.get("task")
    max_entity_length = int(config.get("max_entity_length", 32))
    if task == "entity_classification":
        max_entity_length = 1
    elif task == "entity_pair_classification":
        max_entity_length = 2
    elif task is not None and task != "entity_span_classification":
        raise ValueError(f"task: {task!r} is not supported; expected None or one of {list(TASKS)}")

    def marker(old: str, key: str, default: str) -> str:
        text = _token_text(config.get(old, config.get(key)), default)
        return _SPM_SPACE + text if mluke else text

    return EntitySettings(
        mluke=mluke,
        task=task,
        max_entity_length=max_entity_length,
        max_mention_length=int(config.get("max_mention_length", 30)),
        vocab=vocab,
        unk_id=vocab[names[0]],
        pad_id=vocab[names[1]],
        mask_id=vocab[names[2]],
        mask2_id=vocab[names[3]],
        marker_1=marker("entity_token_1", "entity_1_token", "<ent>"),
        marker_2=marker("entity_token_2", "entity_2_token", "<ent2>"),
    )


# --- argument checks ---------------------------------------------------------------------------------------
def _check_text(text: Any, text_pair: Any, mluke: bool) -> None:
    single = isinstance(text, str)
    batch = isinstance(text, (list, tuple)) and (not text or isinstance(text[0], (str, list, tuple)))
    if not (single or batch):
        expected = "`str` or `list[str]`" if mluke else "`str`, `list[str]` or `list[tuple]` (pairs)"
        raise ValueError(f"text: expected {expected}, got {type(text).__name__}")
    pair_batch = isinstance(text_pair, (list, tuple)) and (not text_pair or isinstance(text_pair[0], str))
    if not (text_pair is None or isinstance(text_pair, str) or pair_batch):
        raise ValueError(f"text_pair: expected `str` or `list[str]`, got {type(text_pair).__name__}")


def _check_spans(entities: Any, spans: Any, spans_name: str, entities_name: str) -> None:
    if not isinstance(spans, list):
        raise TypeError(f"{spans_name}: expected a list of (start, end) tuples, got {type(spans).__name__}")
    if spans and not isinstance(spans[0], tuple):
        raise ValueError(
            f"{spans_name}: expected a list of (start, end) tuples of character indices, "
            f"got a list of {type(spans[0]).__name__}"
        )
    if entities is None:
        return
    if not isinstance(entities, list):
        raise ValueError(f"{entities_name}: expected a list of entity names, got {type(entities).__name__}")
    if entities and not isinstance(entities[0], str):
        raise ValueError(
            f"{entities_name}: expected a list of entity names (str), got {type(entities[0]).__name__}"
        )
    if len(entities) != len(spans):
        raise ValueError(
            f"{entities_name} and {spans_name} must have the same length, got {len(entities)} and {len(spans)}"
        )


# --- splitting the text at span boundaries -----------------------------------------------------------------
class _Pieces:
    """The text pieces of a whole call, encoded together once they are all known."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.ids: list[list[int]] = []

    def add(self, text: str) -> int:
        self.texts.append(text)
        return len(self.texts) - 1

    def encode(self, tok: Any) -> None:
        if not self.texts:
            return
        request = _core.EncodeRequest(
            add_special_tokens=False, split_special_tokens=tok._split_special_tokens
        )
        data, _ = tok._tokenizer.encode_fields(self.texts, None, request)
        self.ids = [list(row) for row in data["input_ids"]]


@dataclass
class _Side:
    """One sequence of an example before its pieces are encoded: the pieces (indices into `_Pieces`) and,
    with spans, the piece each span boundary starts at."""

    pieces: list[int]
    boundaries: dict[int, int] | None = None  # char position -> index in `pieces` where it starts
    spans: list[tuple[Any, Any]] | None = None

    def resolve(self, pieces: _Pieces) -> tuple[list[int], list[tuple[int, int]] | None]:
        ids: list[int] = []
        starts = []
        for piece in self.pieces:
            starts.append(len(ids))
            ids.extend(pieces.ids[piece])
        starts.append(len(ids))
        if self.spans is None or self.boundaries is None:
            return ids, None
        token_at = {pos: starts[index] for pos, index in self.boundaries.items()}
        return ids, [(token_at[start], token_at[end]) for start, end in self.spans]


def _split(pieces: _Pieces, text: str, spans: list[tuple[Any, Any]] | None) -> _Side:
    if spans is None:
        return _Side([pieces.add(text)])
    side = _Side([], {}, spans)
    assert side.boundaries is not None
    cur = 0
    for position in sorted(frozenset(p for span in spans for p in span)):
        cut = position
        if cut > 0 and text[cut - 1] == " ":  # the space belongs to the token that follows
            cut -= 1
        if cur != cut:
            side.pieces.append(pieces.add(text[cur:cut]))
            cur = cut
        side.boundaries[position] = len(side.pieces)
    side.pieces.append(pieces.add(text[cur:]))
    return side


@dataclass
class _Example:
    first: _Side
    second: _Side | None
    first_entities: list[int] | None
    second_entities: list[int] | None


def _entity_ids(s: EntitySettings, entities: list[str] | None, count: int) -> list[int]:
    if entities is None:
        return [s.mask_id] * count
    return [s.vocab.get(entity, s.unk_id) for entity in entities]


def _example(
    s: EntitySettings,
    pieces: _Pieces,
    text: str,
    text_pair: str | None,
    entities: Any,
    entities_pair: Any,
    spans: Any,
    spans_pair: Any,
) -> _Example:
    if s.task is None:
        first_entities = second_entities = None
        if spans is None:
            first = _split(pieces, text, None)
        else:
            _check_spans(entities, spans, "entity_spans", "entities")
            first = _split(pieces, text, spans)
            first_entities = _entity_ids(s, entities, len(spans))
        second = None
        if text_pair is not None:
            if spans_pair is None:
                second = _split(pieces, text_pair, None)
            else:
                _check_spans(entities_pair, spans_pair, "entity_spans_pair", "entities_pair")
                second = _split(pieces, text_pair, spans_pair)
                second_entities = _entity_ids(s, entities_pair, len(spans_pair))
        return _Example(first, second, first_entities, second_entities)

    # With a task, the entities are the [MASK] entities of the spans, and the pair's spans are ignored.
    def tuples(count: int) -> bool:
        return isinstance(spans, list) and all(isinstance(span, tuple) for span in spans[:count])

    if s.task == "entity_classification":
        if not (tuples(1) and len(spans) == 1):
            raise ValueError(
                "entity_spans: task 'entity_classification' takes a list of one (start, end) tuple"
            )
        ids = [s.mask_id]
    elif s.task == "entity_pair_classification":
        if not (tuples(2) and len(spans) == 2):
            raise ValueError(
                "entity_spans: task 'entity_pair_classification' takes a list of two (start, end) tuples"
            )
        ids = [s.mask_id, s.mask2_id]
    else:
        if not (tuples(1) and len(spans) > 0):
            raise ValueError(
                "entity_spans: task 'entity_span_classification' takes a non-empty list of (start, end) tuples"
            )
        ids = [s.mask_id] * len(spans)
    return _Example(_split(pieces, text, spans), None, ids, None)


def _mark(
    s: EntitySettings, tok: Any, ids: list[int], spans: list[tuple[int, int]]
) -> tuple[list[int], list[tuple[int, int]]]:
    """The classification tasks put marker tokens around their spans (and widen the spans over them)."""
    if s.task == "entity_classification":
        (start, end), marker = spans[0], tok.convert_tokens_to_ids(s.marker_1)
        ids = [*ids[:end], marker, *ids[end:]]
        return [*ids[:start], marker, *ids[start:]], [(start, end + 2)]
    if s.task != "entity_pair_classification":
        return ids, spans
    head, tail = spans
    markers = [(head, tok.convert_tokens_to_ids(s.marker_1)), (tail, tok.convert_tokens_to_ids(s.marker_2))]
    if head[0] < tail[0]:
        spans = [(head[0], head[1] + 2), (tail[0] + 2, tail[1] + 4)]
        markers.reverse()
    else:
        spans = [(head[0] + 2, head[1] + 4), (tail[0], tail[1] + 2)]
    for (start, end), marker in markers:  # the later span first, so that the earlier one's indices hold
        ids = [*ids[:end], marker, *ids[end:]]
        ids = [*ids[:start], marker, *ids[start:]]
    return ids, spans


# --- truncation, special tokens, entity fields -------------------------------------------------------------
def _truncate(
    ids: list[int], pair: list[int] | None, remove: int, strategy: str, stride: int, side: str
) -> tuple[list[int], list[int] | None, list[int]]:
    """transformers' Python-path `truncate_sequences` (the overflow window includes `stride` ids)."""
    if remove <= 0:
        return ids, pair, []
    overflow: list[int] = []
    if strategy == ONLY_FIRST or (strategy == LONGEST_FIRST and pair is None):
        window = min(len(ids), stride + remove)
        if side == "left":
            overflow, ids = ids[:window], ids[remove:]
        else:
            overflow, ids = ids[-window:], ids[:-remove]
    elif strategy == LONGEST_FIRST:
        assert pair is not None
        _log.warning(
            "Be aware, overflowing tokens are not returned for the setting you have chosen, i.e. sequence "
            "pairs with the 'longest_first' truncation strategy. So the returned list will always be empty "
            "even if some tokens have been removed."
        )
        first_remove = min(abs(len(pair) - len(ids)), remove)
        rest = remove - first_remove
        if len(ids) > len(pair):
            from_ids, from_pair = first_remove + rest // 2, rest - rest // 2
        else:
            from_ids, from_pair = rest // 2, first_remove + rest - rest // 2
        if side == "right":
            ids = ids[:-from_ids] if from_ids > 0 else ids
            pair = pair[:-from_pair] if pair and from_pair > 0 else pair
        else:
            ids = ids[from_ids:]
            pair = pair[from_pair:] if pair else None
    elif strategy == ONLY_SECOND and pair:
        window = min(len(pair), stride + remove)
        if side == "right":
            overflow, pair = pair[-window:], pair[:-remove]
        else:
            overflow, pair = pair[:window], pair[remove:]
    return ids, pair, overflow


@dataclass(frozen=True)
class _Options:
    add_special_tokens: bool
    truncation: str
    max_length: int | None
    max_entity_length: int | None
    stride: int
    return_token_type_ids: bool
    return_overflowing_tokens: bool
    return_special_tokens_mask: bool
    return_length: bool
    cls_id: int | None  # the tokenizer's, looked up once per call
    sep_id: int | None


def _prepare(
    tok: Any,
    s: EntitySettings,
    o: _Options,
    ids: list[int],
    pair: list[int] | None,
    entity_ids: list[int] | None,
    pair_entity_ids: list[int] | None,
    spans: list[tuple[int, int]] | None,
    pair_spans: list[tuple[int, int]] | None,
) -> dict[str, Any]:
    """One example's fields before padding, in transformers' order."""
    out: dict[str, Any] = {}
    has_pair = pair is not None
    if o.return_overflowing_tokens and o.truncation == LONGEST_FIRST and has_pair:
        raise ValueError(
            "return_overflowing_tokens: not possible for pairs of sequences with the 'longest_first' truncation "
            "strategy; use 'only_first' or 'only_second'"
        )
    specials = (4 if has_pair else 2) if o.add_special_tokens else 0
    total = len(ids) + (len(pair) if pair is not None else 0) + specials
    overflow: list[int] = []
    if o.truncation != DO_NOT_TRUNCATE and o.max_length and total > o.max_length:
        ids, pair, overflow = _truncate(
            ids, pair, total - o.max_length, o.truncation, o.stride, tok.truncation_side
        )
    if o.return_overflowing_tokens:
        out["overflowing_tokens"] = overflow
        # (transformers fails here without a max_length; nothing was truncated then.)
        out["num_truncated_tokens"] = total - o.max_length if o.max_length is not None else 0
    cls_id, sep_id = o.cls_id, o.sep_id
    if o.add_special_tokens:
        if pair is None:
            sequence = [cls_id, *ids, sep_id]
            mask = [1] + [0] * len(ids) + [1]
        else:
            sequence = [cls_id, *ids, sep_id, sep_id, *pair, sep_id]
            mask = [1] + [0] * len(ids) + [1, 1] + [0] * len(pair) + [1]
        offset, pair_offset = 1, len(ids) + 3  # <s> before the first; <s> A </s></s> before the second
    else:
        sequence = ids + pair if pair is not None else ids
        mask = [0] * len(sequence)
        offset, pair_offset = 0, len(ids)
    out["input_ids"] = sequence
    if o.return_token_type_ids:
        out["token_type_ids"] = [0] * len(sequence)
    if o.return_special_tokens_mask:
        out["special_tokens_mask"] = mask
    if entity_ids is None:
        return out
    max_entity_length = o.max_entity_length or s.max_entity_length
    assert spans is not None
    # Entities whose span was cut by the truncation are dropped.
    kept = [(e, span) for e, span in zip(entity_ids, spans, strict=False) if span[1] <= len(ids)]
    dropped = len(entity_ids) - len(kept)
    kept_pair: list[tuple[int, tuple[int, int]]] | None = None
    if pair_entity_ids is not None and pair_spans is not None:
        pair_len = len(pair) if pair is not None else 0
        kept_pair = [
            (e, span) for e, span in zip(pair_entity_ids, pair_spans, strict=False) if span[1] <= pair_len
        ]
        dropped += len(pair_entity_ids) - len(kept_pair)
    if dropped:
        _log.warning(
            f"{dropped} entities are ignored because their entity spans are invalid due to the truncation of "
            "input tokens"
        )
    total_entities = len(kept) + (len(kept_pair) if kept_pair is not None else 0)
    overflow_entities: list[int] = []
    if o.truncation != DO_NOT_TRUNCATE and total_entities > max_entity_length:
        first, second, overflow_entities = _truncate(
            [e for e, _ in kept],
            [e for e, _ in kept_pair] if kept_pair is not None else None,
            total_entities - max_entity_length,
            o.truncation,
            o.stride,
            tok.truncation_side,
        )
        # The kept spans are the leading ones, whichever side the entity ids were cut from (as transformers).
        kept = list(zip(first, [span for _, span in kept], strict=False))
        if kept_pair is not None:
            kept_pair = list(zip(second or [], [span for _, span in kept_pair], strict=False))
    if o.return_overflowing_tokens:
        # (transformers fails here when no entity was truncated.)
        out["overflowing_entities"] = overflow_entities
        out["num_truncated_entities"] = total_entities - max_entity_length
    out["entity_ids"] = [e for e, _ in kept] + ([e for e, _ in kept_pair] if kept_pair else [])
    width = s.max_mention_length
    positions, starts, ends = [], [], []
    for side_spans, shift in ((kept, offset), (kept_pair, pair_offset)):
        for _, (start, end) in side_spans or ():
            start, end = start + shift, end + shift
            positions.append(list(range(start, end))[:width] + [-1] * (width - end + start))
            starts.append(start)
            ends.append(end - 1)
    out["entity_position_ids"] = positions
    if s.task == "entity_span_classification":
        out["entity_start_positions"] = starts
        out["entity_end_positions"] = ends
    if o.return_token_type_ids:
        out["entity_token_type_ids"] = [0] * len(out["entity_ids"])
    return out


def call(
    tok: Any, text: Any, text_pair: Any, args: dict[str, Any], kwargs: dict[str, Any]
) -> BatchEncoding | None:
    """A LUKE / mLUKE call: the entity fields when entity inputs are given (or the tokenizer has a task);
    None when the call has none, after taking the entity arguments out of `kwargs` (the caller then
    encodes the text as any tokenizer)."""
    s: EntitySettings = tok._entity_settings
    given = {name: kwargs.pop(name, None) for name in ENTITY_ARGUMENTS}
    spans, spans_pair = given["entity_spans"], given["entity_spans_pair"]
    entities, entities_pair = given["entities"], given["entities_pair"]
    max_entity_length = given["max_entity_length"]
    if kwargs.get("text_target") is not None or kwargs.get("text_pair_target") is not None:
        if spans is not None or entities is not None or s.task is not None:
            raise NotImplementedError(
                "text_target / text_pair_target: not supported together with entity inputs or a task "
                "(encode targets with a tokenizer without them)"
            )
        return None
    _check_text(text, text_pair, s.mluke)
    batched = isinstance(text, (list, tuple))
    if batched:
        if spans is None and entities is None and s.task is None:
            return None
    elif all(v is None for v in (spans, spans_pair, entities, entities_pair)) and s.task is None:
        return None
    pad, trunc, max_length = resolve_strategies(
        args["padding"],
        args["truncation"],
        args["max_length"],
        args["pad_to_multiple_of"],
        tok.model_max_length,
        tok.pad_token is not None and (tok.pad_token_id or 0) >= 0,
        bool(args["verbose"]),
    )
    if args["return_offsets_mapping"]:
        raise NotImplementedError("return_offsets_mapping: not available with entity inputs (LUKE / mLUKE)")
    if args["is_split_into_words"]:
        raise NotImplementedError("is_split_into_words: not supported with entity inputs (LUKE / mLUKE)")
    return_token_type_ids = args["return_token_type_ids"]
    if return_token_type_ids and not args["add_special_tokens"]:
        raise ValueError(
            "return_token_type_ids: asking for token type ids with add_special_tokens=False is undefined; set "
            "add_special_tokens=True or leave return_token_type_ids at None"
        )
    if return_token_type_ids is None:
        return_token_type_ids = "token_type_ids" in tok.model_input_names
    attention = args["return_attention_mask"]
    if attention is None:
        attention = "attention_mask" in tok.model_input_names
    options = _Options(
        add_special_tokens=bool(args["add_special_tokens"]),
        truncation=trunc,
        max_length=max_length,
        max_entity_length=max_entity_length,
        stride=int(args["stride"]),
        return_token_type_ids=bool(return_token_type_ids),
        return_overflowing_tokens=bool(args["return_overflowing_tokens"]),
        return_special_tokens_mask=bool(args["return_special_tokens_mask"]),
        return_length=bool(args["return_length"]),
        cls_id=tok.cls_token_id,
        sep_id=tok.sep_token_id,
    )
    pieces = _Pieces()
    if batched:
        examples = _batch_examples(s, pieces, text, text_pair, spans, spans_pair, entities, entities_pair)
    else:
        examples = [_example(s, pieces, text, text_pair, entities, entities_pair, spans, spans_pair)]
    pieces.encode(tok)
    rows = [_row(tok, s, options, pieces, example) for example in examples]
    side = check_side("padding_side", args["padding_side"]) or tok.padding_side
    multiple = args["pad_to_multiple_of"]
    if not batched:
        row = rows[0]
        if pad != DO_NOT_PAD or attention:
            row = pad_one(
                tok,
                s,
                row,
                pad,
                max_length,
                options.max_entity_length or s.max_entity_length,
                multiple,
                side,
                attention,
            )
        if options.return_length:  # after padding and the masks, unlike a batch's rows
            del row["length"]
            row["length"] = len(row["input_ids"])
        return tensors(row, args["return_tensors"], True)
    # A batch pads its entities to the tokenizer's max_entity_length, not the call's (as transformers).
    batch_entity_length = s.max_entity_length
    if pad == LONGEST:
        max_length = max((len(r["input_ids"]) for r in rows), default=0)
        batch_entity_length = max((len(r["entity_ids"]) for r in rows if "entity_ids" in r), default=0)
        pad = MAX_LENGTH
    arrays = padded_arrays(tok, s, rows, pad, max_length, batch_entity_length, multiple, side, attention)
    if arrays is not None and args["return_tensors"] is not None:
        return tensors(arrays, args["return_tensors"], False)
    rows = [pad_one(tok, s, r, pad, max_length, batch_entity_length, multiple, side, attention) for r in rows]
    data: dict[str, list[Any]] = {}
    for r in rows:
        for key, value in r.items():
            data.setdefault(key, []).append(value)
    if any(len(v) != len(rows) for v in data.values()):
        raise ValueError(
            "entity inputs: some examples have entity fields and others not; give spans for each"
        )
    return tensors(data, args["return_tensors"], False)


def _row(tok: Any, s: EntitySettings, o: _Options, pieces: _Pieces, example: _Example) -> dict[str, Any]:
    ids, spans = example.first.resolve(pieces)
    pair, pair_spans = example.second.resolve(pieces) if example.second is not None else (None, None)
    if s.task in ("entity_classification", "entity_pair_classification") and spans is not None:
        ids, spans = _mark(s, tok, ids, spans)
    row = _prepare(tok, s, o, ids, pair, example.first_entities, example.second_entities, spans, pair_spans)
    if o.return_length:
        row["length"] = len(row["input_ids"])
    return row


def _batch_examples(
    s: EntitySettings,
    pieces: _Pieces,
    text: Any,
    text_pair: Any,
    spans: Any,
    spans_pair: Any,
    entities: Any,
    entities_pair: Any,
) -> list[_Example]:
    items = list(zip(text, text_pair, strict=False)) if text_pair is not None else list(text)
    batch_entities = (
        None
        if entities is None
        else (list(zip(entities, entities_pair, strict=False)) if entities_pair is not None else entities)
    )
    batch_spans = (
        None
        if spans is None
        else (list(zip(spans, spans_pair, strict=False)) if spans_pair is not None else spans)
    )
    examples = []
    for index, item in enumerate(items):
        first, second = (item, None) if not isinstance(item, (list, tuple)) else item
        ents = ents_pair = None
        if batch_entities is not None:
            value = batch_entities[index]
            if value:
                ents, ents_pair = (value, None) if isinstance(value[0], str) else value
        sp = sp_pair = None
        if batch_spans is not None:
            value = batch_spans[index]
            if len(value) > 0 and isinstance(value[0], list):
                sp, sp_pair = value
            else:
                sp, sp_pair = value, None
        examples.append(_example(s, pieces, first, second, ents, ents_pair, sp, sp_pair))
    return examples


def saved_settings(s: EntitySettings) -> dict[str, Any]:
    """The entries transformers 5 writes into tokenizer_config.json (it writes no entity_vocab.json): the
    entity vocabulary, the task and the lengths in use (1 or 2 entities for the classification tasks)."""
    return {
        "entity_vocab": s.vocab,
        "task": s.task,
        "max_entity_length": s.max_entity_length,
        "max_mention_length": s.max_mention_length,
    }


# The class attributes scripts read (`tok.entity_vocab`, `tok.task`, ...).
ATTRIBUTES = frozenset(
    {
        "entity_vocab",
        "task",
        "max_entity_length",
        "max_mention_length",
        "entity_unk_token_id",
        "entity_pad_token_id",
        "entity_mask_token_id",
        "entity_mask2_token_id",
        "entity_1_token",
        "entity_2_token",
        "entity_1_token_id",
        "entity_2_token_id",
    }
)


def attribute(tok: Any, s: EntitySettings, name: str) -> Any:
    fixed = {
        "entity_vocab": s.vocab,
        "task": s.task,
        "max_entity_length": s.max_entity_length,
        "max_mention_length": s.max_mention_length,
        "entity_unk_token_id": s.unk_id,
        "entity_pad_token_id": s.pad_id,
        "entity_mask_token_id": s.mask_id,
        "entity_mask2_token_id": s.mask2_id,
        "entity_1_token": s.marker_1,
        "entity_2_token": s.marker_2,
    }
    if name in fixed:
        return fixed[name]
    return tok.convert_tokens_to_ids(s.marker_1 if name == "entity_1_token_id" else s.marker_2)
