"""Words with bounding boxes: LayoutLMv2 (WordPiece), LayoutLMv3 (byte-level BPE), LayoutXLM and UDOP
(SentencePiece).

Their `__call__` takes words (and a question before them), one box per word and optional word labels. The
core encodes the words as pre-tokenized input (truncation, stride, overflow and padding included) and
returns each token's word and sequence in flat arrays (`Encodings.alignment`); the `bbox` and `labels`
columns are then gathered from the word-level tables with numpy, never token by token in Python.

transformers' behaviour kept: the question's tokens get `pad_token_box`; tokens of no word get the cls /
sep / pad box by their id (LayoutLMv3 gives any other such token the sep box, the others refuse it);
labels go to a word's first token (LayoutLMv2 / LayoutXLM: also only where it starts at the word's first
character; UDOP: every token that starts at its word's first character unless the word token before it in
the row decodes to nothing), `pad_token_label` elsewhere; a single example loses its batch axis unless
tensors or overflowing windows were asked for. UDOP has no cls box (its template has no cls token), takes
`text_target` / `text_pair_target` as plain text (their ids become `labels`; transformers encodes them
without the call's padding and truncation) and its `encode` takes plain text.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from itertools import chain
from typing import Any, NamedTuple

import numpy as np

from ._targets import TARGET_KEYS
from .batch_encoding import BatchEncoding, check_tensor_type, to_tensor


class _Class(NamedTuple):
    sep_box: list[int]  # the sep box's default
    other_ids_take_sep_box: bool  # a word-less token of another id takes the sep box (else refused)
    label_rule: str  # "first" token of a word, "first_at_start" (and at its first character), "udop"
    question_words_kept: bool  # a question given as words is kept (else split on whitespace)
    lower_case_messages: bool  # transformers' messages say `list[str]`
    has_cls_box: bool = True
    text_targets: bool = False  # `text_target` / `text_pair_target` and a plain-text `encode`


_CLASSES = {
    "LayoutLMv2Tokenizer": _Class([1000, 1000, 1000, 1000], False, "first_at_start", False, False),
    "LayoutLMv3Tokenizer": _Class([0, 0, 0, 0], True, "first", True, False),
    "LayoutXLMTokenizer": _Class([1000, 1000, 1000, 1000], False, "first_at_start", False, True),
    "UdopTokenizer": _Class([1000, 1000, 1000, 1000], False, "udop", False, True, False, True),
}
CLASSES = tuple(_CLASSES)

_WORDS_MESSAGE = (
    "Words must be of type `List[str]` (single pretokenized example), "
    "or `List[List[str]]` (batch of pretokenized examples)."
)
# LayoutXLM's own wording (lower-case `list`, "words" for the pair's words).
_XLM_WORDS_MESSAGE = (
    "{} must of type `list[str]` (single pretokenized example), "
    "or `list[list[str]]` (batch of pretokenized examples)."
)
_TEXT_MESSAGE = "text input must of type `str` (single example) or `{}[str]` (batch of examples). "


@dataclass
class LayoutSettings:
    cls_token_box: list[Any]
    sep_token_box: list[Any]
    pad_token_box: list[Any]
    pad_token_label: int
    only_label_first_subword: bool
    other_ids_take_sep_box: bool
    label_rule: str
    question_words_kept: bool
    lower_case_messages: bool
    has_cls_box: bool
    text_targets: bool


def load_settings(config: dict[str, Any]) -> Any:
    """The class's settings (`LayoutSettings`, MarkupLM's `_markup.MarkupSettings`), or None."""
    name = str(config.get("tokenizer_class") or "").removesuffix("Fast")
    if name == "MarkupLMTokenizer":
        from . import _markup

        return _markup.load_settings(config)
    if name not in _CLASSES:
        return None
    c = _CLASSES[name]
    return LayoutSettings(
        cls_token_box=list(config.get("cls_token_box", [0, 0, 0, 0])),
        sep_token_box=list(config.get("sep_token_box", c.sep_box)),
        pad_token_box=list(config.get("pad_token_box", [0, 0, 0, 0])),
        pad_token_label=int(config.get("pad_token_label", -100)),
        only_label_first_subword=bool(config.get("only_label_first_subword", True)),
        other_ids_take_sep_box=c.other_ids_take_sep_box,
        label_rule=c.label_rule,
        question_words_kept=c.question_words_kept,
        lower_case_messages=c.lower_case_messages,
        has_cls_box=c.has_cls_box,
        text_targets=c.text_targets,
    )


ATTRIBUTES = (
    "cls_token_box",
    "sep_token_box",
    "pad_token_box",
    "pad_token_label",
    "only_label_first_subword",
)


# UDOP's own names for its calls (transformers' `UdopTokenizer`).
BOX_METHODS = ("call_boxes", "encode_plus_boxes", "batch_encode_plus_boxes", "encode_boxes")


def attribute_names(settings: Any) -> tuple[str, ...]:
    if isinstance(settings, LayoutSettings):
        if settings.text_targets:
            return ATTRIBUTES[1:] + BOX_METHODS
        return ATTRIBUTES if settings.has_cls_box else ATTRIBUTES[1:]
    from . import _markup

    return _markup.ATTRIBUTES


def attribute(tok: Any, settings: Any, name: str) -> Any:
    """One of `attribute_names`: a setting, or UDOP's box calls bound to `tok`."""
    if name in BOX_METHODS:
        return partial(globals()[f"_{name}"], tok)
    return getattr(settings, name)


def _call_boxes(
    tok: Any, text: Any, text_pair: Any = None, boxes: Any = None, word_labels: Any = None, **kwargs: Any
) -> BatchEncoding:
    """UDOP's `call_boxes`: the words' call without targets."""
    arguments, kwargs = _split_arguments(kwargs)
    return call_words(tok, text, text_pair, arguments, {**kwargs, "boxes": boxes, "word_labels": word_labels})


def _encode_plus_boxes(
    tok: Any, text: Any, text_pair: Any = None, boxes: Any = None, word_labels: Any = None, **kwargs: Any
) -> BatchEncoding:
    """UDOP's `encode_plus_boxes`: one example, without the call's checks."""
    arguments, kwargs = _split_arguments(kwargs)
    return unbatched(
        encode(tok, *one_example(text, text_pair, boxes, word_labels), arguments, kwargs), arguments
    )


def _encode_boxes(
    tok: Any, text: Any, text_pair: Any = None, boxes: Any = None, word_labels: Any = None, **kwargs: Any
) -> Any:
    return _encode_plus_boxes(tok, text, text_pair, boxes, word_labels, **kwargs)["input_ids"]


def _batch_encode_plus_boxes(
    tok: Any, batch_text_or_text_pairs: Any, is_pair: bool | None = None, **kwargs: Any
) -> BatchEncoding:
    return batch_encode_plus(tok, batch_text_or_text_pairs, is_pair, kwargs)


def _split_arguments(kwargs: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The call's own arguments (with their defaults) and the rest."""
    arguments = {name: kwargs.pop(name) for name in list(kwargs) if name in _DEFAULTS}
    return {**_DEFAULTS, **arguments}, kwargs


def pad_fills(settings: Any) -> dict[str, Any]:
    """What `pad` fills the class's own columns with."""
    if isinstance(settings, LayoutSettings):
        return {"bbox": settings.pad_token_box, "labels": settings.pad_token_label}
    return {
        "xpath_tags_seq": settings.pad_xpath_tags_seq,
        "xpath_subs_seq": settings.pad_xpath_subs_seq,
        "labels": settings.pad_token_label,
    }


def dispatch(tok: Any, text: Any, text_pair: Any, arguments: dict[str, Any], kwargs: dict[str, Any]) -> Any:
    """The call of the tokenizer's layout class (MarkupLM's in `_markup`)."""
    if isinstance(tok._layout_settings, LayoutSettings):
        return call(tok, text, text_pair, arguments, kwargs)
    from . import _markup

    return _markup.call(tok, text, text_pair, arguments, kwargs)


def dispatch_batch(tok: Any, batch: Any, is_pair: bool | None, kwargs: dict[str, Any]) -> Any:
    if isinstance(tok._layout_settings, LayoutSettings):
        return batch_encode_plus(tok, batch, is_pair, kwargs)
    from . import _markup

    return _markup.batch_encode_plus(tok, batch, is_pair, kwargs)


def _is_valid_text(t: Any) -> bool:
    if isinstance(t, str):
        return True
    if isinstance(t, (list, tuple)):
        if len(t) == 0 or isinstance(t[0], str):
            return True
        if isinstance(t[0], (list, tuple)):
            return len(t[0]) == 0 or isinstance(t[0][0], str)
    return False


def check_lengths(
    text: Any,
    text_pair: Any,
    words: Any,
    extras: Any,
    batched: bool,
    error: type[Exception],
    names: tuple[str, str],
) -> None:
    """transformers' checks that each example has one box (xpath) per word (node), with its messages:
    `names` are the plural nouns of the words and their extras ("words", "bounding boxes")."""
    items, extra = names
    if not batched:
        if len(words) != len(extras):
            raise error(f"You must provide as many {items} as there are {extra}")
        return
    if len(words) != len(extras):
        raise error(f"You must provide {items} and {extra.split()[-1]} for an equal amount of examples")
    for words_example, extras_example in zip(words, extras, strict=False):
        if len(words_example) != len(extras_example):
            raise error(f"You must provide as many {items} as there are {extra}")
    if text_pair is not None and len(text) != len(text_pair):
        raise ValueError(
            f"batch length of `text`: {len(text)} does not match batch length of `text_pair`: {len(text_pair)}."
        )


def call(
    tok: Any, text: Any, text_pair: Any, arguments: dict[str, Any], kwargs: dict[str, Any]
) -> BatchEncoding:
    """`tokenizer(text, text_pair=None, boxes=None, word_labels=None, ...)`, as the layout classes take it
    (UDOP's also `text_target=None, text_pair_target=None`)."""
    if not tok._layout_settings.text_targets:
        return call_words(tok, text, text_pair, arguments, kwargs)
    text_target = kwargs.pop("text_target", None)
    text_pair_target = kwargs.pop("text_pair_target", None)
    # `max_target_length`, `src_lang`, ...: transformers ignores them.
    for name in TARGET_KEYS & kwargs.keys():
        del kwargs[name]
    if text is None and text_target is None:
        raise ValueError("You need to specify either `text` or `text_target`.")
    encodings = None
    if text is not None:
        # The words' call leaves `kwargs` as it found them: the targets' call reads them too.
        encodings = call_words(tok, text, text_pair, arguments, dict(kwargs))
    if text_target is None:
        return encodings
    kwargs.pop("boxes", None)
    kwargs.pop("word_labels", None)
    # transformers hands the targets the call's arguments by their own names, where `padding` and
    # `truncation` are no parameters: the targets are never padded nor truncated.
    plain = {**arguments, "padding": False, "truncation": False, "max_length": None}
    targets = tok.__call__(text_target, text_pair_target, **plain, **kwargs, _layout_inner=True)
    if encodings is None:
        return targets
    encodings["labels"] = targets["input_ids"]
    return encodings


def call_words(
    tok: Any, text: Any, text_pair: Any, arguments: dict[str, Any], kwargs: dict[str, Any]
) -> BatchEncoding:
    boxes = kwargs.pop("boxes", None)
    word_labels = kwargs.pop("word_labels", None)
    xlm = tok._layout_settings.lower_case_messages
    if text_pair is not None:
        if not _is_valid_text(text):
            raise ValueError(_TEXT_MESSAGE.format("list" if xlm else "List"))
        if not isinstance(text_pair, (list, tuple)):
            raise ValueError(_XLM_WORDS_MESSAGE.format("words") if xlm else _WORDS_MESSAGE)
        is_batched = isinstance(text, (list, tuple))
    else:
        if not isinstance(text, (list, tuple)):
            raise ValueError(_XLM_WORDS_MESSAGE.format("Words") if xlm else _WORDS_MESSAGE)
        is_batched = bool(text) and isinstance(text[0], (list, tuple))
    words = text if text_pair is None else text_pair
    if boxes is None:
        raise ValueError("You must provide corresponding bounding boxes")
    check_lengths(text, text_pair, words, boxes, is_batched, ValueError, ("words", "bounding boxes"))
    if is_batched:
        batch = list(zip(text, text_pair, strict=False)) if text_pair is not None else list(text)
        return encode(tok, batch, text_pair is not None, boxes, word_labels, arguments, kwargs)
    return unbatched(
        encode(tok, *one_example(text, text_pair, boxes, word_labels), arguments, kwargs), arguments
    )


def one_example(
    text: Any, text_pair: Any, extras: Any, labels: Any
) -> tuple[list[Any], bool, list[Any], Any]:
    """`encode`'s batch, pair flag, extras and labels for a single example."""
    batch = [(text, text_pair)] if text_pair else [text]
    return batch, text_pair is not None, [extras], [labels] if labels is not None else None


def unbatched(out: BatchEncoding, arguments: dict[str, Any]) -> BatchEncoding:
    """A single example loses its batch axis (transformers' `_encode_plus`)."""
    if arguments["return_tensors"] is None and not arguments["return_overflowing_tokens"]:
        out.data = {k: v[0] if len(v) > 0 and isinstance(v[0], list) else v for k, v in out.data.items()}
    return out


def batch_encode_plus(tok: Any, batch: Any, is_pair: bool | None, kwargs: dict[str, Any]) -> BatchEncoding:
    """transformers' `batch_encode_plus(batch_text_or_text_pairs, is_pair=None, boxes=None, word_labels=None)`."""
    if not isinstance(batch, list):
        raise TypeError(f"batch_text_or_text_pairs has to be a list (got {type(batch)})")
    boxes = kwargs.pop("boxes", None)
    word_labels = kwargs.pop("word_labels", None)
    arguments, kwargs = _split_arguments(kwargs)
    return encode(tok, batch, bool(is_pair), boxes, word_labels, arguments, kwargs)


_DEFAULTS: dict[str, Any] = {
    "add_special_tokens": True,
    "padding": False,
    "truncation": None,
    "max_length": None,
    "stride": 0,
    "is_split_into_words": False,
    "pad_to_multiple_of": None,
    "padding_side": None,
    "return_tensors": None,
    "return_token_type_ids": None,
    "return_attention_mask": None,
    "return_overflowing_tokens": False,
    "return_special_tokens_mask": False,
    "return_offsets_mapping": False,
    "return_length": False,
    "verbose": True,
}


def _int_table(flat: list[Any], width: int) -> np.ndarray | None:
    """`flat` (ints, or lists of `width` ints) as an int64 array without numpy's type inference over nested
    lists (the slow part for 10^5 boxes); None for anything else (numpy then decides, as transformers would)."""
    if width:
        if not all(type(b) is list and len(b) == width for b in flat):
            return None
        values = list(chain.from_iterable(flat))
    else:
        values = flat
    if not values or not all(type(v) is int for v in values):
        return None
    try:
        table = np.fromiter(values, dtype=np.int64, count=len(values))
    except OverflowError:
        return None
    return table.reshape(len(flat), width) if width else table


def word_table(rows: list[Any], name: str, width_of: list[Any]) -> tuple[np.ndarray, np.ndarray]:
    """The examples' per-word values end to end, and where each example starts."""
    counts = np.fromiter((len(r) for r in rows), dtype=np.int64, count=len(rows))
    starts = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum(counts, out=starts[1:])
    flat = list(chain.from_iterable(rows))
    fast = _int_table(flat, len(width_of) if isinstance(width_of, list) else 0)
    if fast is not None:
        return fast, starts
    try:
        table = np.asarray(flat) if flat else np.zeros((0, *np.shape(width_of)), dtype=np.int64)
    except ValueError as error:
        raise ValueError(f"{name}: every item must have the same shape ({error})") from None
    if table.dtype == object:
        raise ValueError(f"{name}: every item must have the same shape")
    return table, starts


def encode(
    tok: Any,
    batch: list[Any],
    is_pair: bool,
    boxes: Any,
    word_labels: Any,
    arguments: dict[str, Any],
    kwargs: dict[str, Any],
) -> BatchEncoding:
    s: LayoutSettings = tok._layout_settings
    if is_pair:
        firsts, seconds = [], []
        for question, words in batch:
            if not (s.question_words_kept and not isinstance(question, str)):
                question = question.split()
            firsts.append(list(question))
            seconds.append(list(words))
        words_of = seconds
    else:
        firsts, seconds = [w if type(w) is list else list(w) for w in batch], None
        words_of = firsts
    if boxes is None or len(boxes) < len(words_of):
        raise ValueError("You must provide words and boxes for an equal amount of examples")
    rows = encode_words(tok, firsts, seconds, word_labels is not None, arguments, kwargs)
    _, ids, word, seq, word_start, lengths, sample = rows.parts()
    # Boxes: the word's, the question's tokens and padding the pad box, specials by id.
    box_table, box_starts = word_table(list(boxes[: len(words_of)]), "boxes", s.cls_token_box)
    specials = np.asarray([s.cls_token_box, s.sep_token_box, s.pad_token_box])
    if box_table.ndim != 2 or (len(box_table) and box_table.shape[1] != specials.shape[1]):
        raise ValueError(
            f"boxes: every box must be a list of {specials.shape[1]} numbers like cls_token_box,"
            f" got shape {box_table.shape[1:]}"
        )
    has_word = word >= 0
    if is_pair:
        has_word &= seq != 0
    # One table: the words' boxes, then the cls, sep and pad boxes.
    joined = np.concatenate([box_table.astype(np.result_type(box_table, specials)), specials])
    index = np.full(len(word), len(box_table) + 2, dtype=np.int64)  # the question's tokens, padding
    index[has_word] = box_starts[sample[has_word]] + word[has_word]
    no_word = word < 0
    is_cls = ids == tok.cls_token_id if s.has_cls_box else np.zeros(len(ids), dtype=bool)
    is_sep = ids == tok.sep_token_id
    is_pad = ids == tok.pad_token_id
    index[no_word & is_cls] = len(box_table)
    index[no_word & ~is_cls & is_sep] = len(box_table) + 1
    other = no_word & ~is_cls & ~is_sep & ~is_pad
    if other.any():
        if not s.other_ids_take_sep_box:
            raise ValueError("Id not recognized")
        index[other] = len(box_table) + 1
    columns = {"bbox": joined[index]}
    if word_labels is not None:
        udop_rule = s.label_rule == "udop" and s.only_label_first_subword
        empty = _decodes_to_nothing(tok, ids, word >= 0) if udop_rule else None
        columns["labels"] = labels(s, word_labels, word, word_start, sample, lengths, empty)
    return rows.finish(columns)


class Rows:
    """A call's encoded rows and each token's id, word, sequence and word start (flat), for the columns
    built from word-level data."""

    def __init__(self, out: BatchEncoding, tensor_type: str | None, drop_offsets: bool) -> None:
        self.out = out
        self.tensor_type = tensor_type
        self.drop_offsets = drop_offsets
        self.ids, self.word, self.seq, self.word_start, self.lengths, samples = out._encodings.alignment()
        n_rows = len(self.lengths)
        row_of = np.repeat(np.arange(n_rows), self.lengths)
        self.sample = samples[row_of] if n_rows else np.zeros(0, dtype=np.int64)

    def parts(self) -> tuple[Any, ...]:
        return self.out, self.ids, self.word, self.seq, self.word_start, self.lengths, self.sample

    def finish(self, columns: dict[str, np.ndarray]) -> BatchEncoding:
        """The call's result with `columns` (flat, one item per token) added as rows, lists or tensors."""
        data, lengths, tensor_type = self.out.data, self.lengths, self.tensor_type
        if self.drop_offsets:
            data.pop("offset_mapping", None)
        n_rows = len(lengths)
        rectangular = hasattr(data.get("input_ids"), "shape") and tensor_type is not None
        for key, flat in columns.items():
            if rectangular and n_rows and len(set(lengths.tolist())) == 1:
                value = flat.reshape(n_rows, int(lengths[0]), *flat.shape[1:])
                data[key] = _as_tensor(value, tensor_type, key)
            else:
                rows = np.split(flat, np.cumsum(lengths)[:-1]) if n_rows else []
                value = [r.tolist() for r in rows]
                data[key] = to_tensor(value, tensor_type, key) if tensor_type else value
        return self.out


def encode_words(
    tok: Any,
    firsts: list[Any],
    seconds: list[Any] | None,
    with_labels: bool,
    arguments: dict[str, Any],
    kwargs: dict[str, Any],
) -> Rows:
    """Encode pre-split words (and their questions) with the call's arguments; offsets are asked for when
    labels need them (and dropped again by `Rows.finish` unless the call wanted them)."""
    tensor_type = check_tensor_type(arguments["return_tensors"])
    wants_offsets = arguments["return_offsets_mapping"]
    inner = {**arguments, "is_split_into_words": True, "return_tensors": tensor_type}
    inner["return_offsets_mapping"] = True if with_labels else wants_offsets
    if not firsts:
        inner["return_tensors"] = None
    # transformers' layout classes pass target arguments (`max_target_length`, `src_lang`, ...) on to where
    # nothing reads them (UDOP's `text_target` is taken by `call`).
    kwargs = {k: v for k, v in kwargs.items() if k not in TARGET_KEYS}
    out = tok.__call__(firsts, seconds, **inner, **kwargs, _layout_inner=True)
    return Rows(out, tensor_type, with_labels and not wants_offsets)


def _as_tensor(value: np.ndarray, tensor_type: str, key: str) -> Any:
    if tensor_type == "pt":
        import torch

        return torch.from_numpy(np.ascontiguousarray(value))
    return to_tensor(value, tensor_type, key)


def labels(
    s: Any,
    word_labels: Any,
    word: np.ndarray,
    word_start: np.ndarray,
    sample: np.ndarray,
    lengths: np.ndarray,
    empty: np.ndarray | None = None,
) -> np.ndarray:
    table, starts = word_table(list(word_labels), "word_labels", 0)
    has_word = word >= 0
    take = has_word.copy()
    if s.only_label_first_subword and empty is not None:
        take &= (word_start == 1) & ~_after_empty(empty, has_word, lengths)
    elif s.only_label_first_subword:
        previous = np.empty_like(word)
        if len(word):
            previous[1:] = word[:-1]
            row_starts = np.cumsum(lengths)[:-1]
            previous[0] = -1
            previous[row_starts[row_starts < len(word)]] = -1
        take &= word != previous
        if s.label_rule == "first_at_start":
            take &= word_start == 1
    counts = np.diff(starts)
    if take.any() and ((sample[take] >= len(counts)).any() or (word[take] >= counts[sample[take]]).any()):
        raise IndexError("list index out of range")
    labels = np.full(len(word), s.pad_token_label, dtype=table.dtype if len(table) else np.int64)
    labels[take] = table[starts[sample[take]] + word[take]]
    return labels


def _decodes_to_nothing(tok: Any, ids: np.ndarray, has_word: np.ndarray) -> np.ndarray:
    """Whether each word token's id decodes, alone, to the empty string (UDOP's `▁` pieces): one decode per
    distinct id of the call."""
    distinct = np.unique(ids[has_word])
    texts = tok.batch_decode([[int(i)] for i in distinct.tolist()])
    nothing = distinct[np.fromiter((t == "" for t in texts), dtype=bool, count=len(texts))]
    return has_word & np.isin(ids, nothing)


def _after_empty(empty: np.ndarray, has_word: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Whether the word token before each token in its row decodes to nothing (transformers' UDOP keeps
    that flag across the special tokens between them)."""
    positions = np.flatnonzero(has_word)
    out = np.zeros(len(empty), dtype=bool)
    if len(positions) < 2:
        return out
    row_of = np.repeat(np.arange(len(lengths)), lengths)
    same_row = row_of[positions[1:]] == row_of[positions[:-1]]
    out[positions[1:]] = same_row & empty[positions[:-1]]
    return out
