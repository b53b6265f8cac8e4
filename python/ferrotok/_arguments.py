"""Argument checking and strategy resolution for `FerroTokenizer.__call__` and `pad`: the one place where
a call's arguments become the core's typed request (`plan_call`).

The rules mirror transformers' (defaults, backward-compatibility quirks, error messages) so that code
written for `AutoTokenizer` behaves the same; type checks are cheap (one `set(map(type, ...))` per batch).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any, NamedTuple

# Above this, model_max_length means "no limit" (transformers' LARGE_INTEGER / VERY_LARGE_INTEGER).
LARGE_INTEGER = int(1e20)
VERY_LARGE_INTEGER = int(1e30)

DO_NOT_PAD = "do_not_pad"
LONGEST = "longest"
MAX_LENGTH = "max_length"
PADDING_STRATEGIES = (LONGEST, MAX_LENGTH, DO_NOT_PAD)

DO_NOT_TRUNCATE = "do_not_truncate"
LONGEST_FIRST = "longest_first"
TRUNCATION_STRATEGIES = ("only_first", "only_second", LONGEST_FIRST, DO_NOT_TRUNCATE)

SIDES = ("right", "left")

NO_PAD_TOKEN_MESSAGE = (
    "Asking to pad but the tokenizer does not have a padding token. "
    "Please select a token to use as `pad_token` `(tokenizer.pad_token = tokenizer.eos_token e.g.)` "
    "or add a new pad token via `tokenizer.add_special_tokens({'pad_token': '[PAD]'})`."
)


def merge_tokenizer_kwargs(named: dict[str, Any], kwargs: dict[str, Any]) -> dict[str, Any]:
    """A call's arguments with its `tokenizer_kwargs` dict merged in, as transformers 5 merges them: its
    entries replace the named arguments (even ones given explicitly), and the other keyword arguments
    replace its entries."""
    extra = kwargs.pop("tokenizer_kwargs")
    if extra is None:
        extra = {}
    if not isinstance(extra, dict):
        raise TypeError(f"tokenizer_kwargs: expected a dict, got {type(extra).__name__}")
    return {**named, **extra, **kwargs}


def enum_value(value: object) -> object:
    """Accept transformers' PaddingStrategy / TruncationStrategy / TensorType enums as their string values."""
    if type(value) is str:  # the common case; a missing `.value` fails inside getattr, which is slow
        return value
    inner = getattr(value, "value", None)
    return inner if isinstance(inner, str) else value


def padding_strategy(padding: object) -> str:
    # bool and None first: they skip the enum lookup.
    if padding is False or padding is None:
        return DO_NOT_PAD
    if padding is True:
        return LONGEST
    padding = enum_value(padding)
    if isinstance(padding, str):
        if padding not in PADDING_STRATEGIES:
            raise ValueError(
                f"{padding} is not a valid PaddingStrategy, please select one of {list(PADDING_STRATEGIES)}"
            )
        return padding
    raise TypeError(f"padding: expected bool or str, got {type(padding).__name__}")


def truncation_strategy(truncation: object) -> str:
    if truncation is False or truncation is None:
        return DO_NOT_TRUNCATE
    if truncation is True:
        return LONGEST_FIRST
    truncation = enum_value(truncation)
    if isinstance(truncation, str):
        if truncation not in TRUNCATION_STRATEGIES:
            raise ValueError(
                f"{truncation} is not a valid TruncationStrategy, please select one of "
                f"{list(TRUNCATION_STRATEGIES)}"
            )
        return truncation
    raise TypeError(f"truncation: expected bool or str, got {type(truncation).__name__}")


def check_optional_int(name: str, value: object, minimum: int) -> int | None:
    if type(value) is int and value >= minimum:
        return value
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name}: expected int or None, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name}: must be >= {minimum}, got {value}")
    return int(value)


def check_side(name: str, value: object) -> str | None:
    if value is None:
        return None
    if value not in SIDES:
        raise ValueError(f"{name}: must be 'right' or 'left', got {value!r}")
    return str(value)


def resolve_strategies(
    padding: object,
    truncation: object,
    max_length: object,
    pad_to_multiple_of: object,
    model_max_length: int,
    has_pad_token: bool,
    verbose: bool = True,
) -> tuple[str, str, int | None]:
    """(padding strategy, truncation strategy, max_length) with transformers' defaults and checks."""
    max_length = check_optional_int("max_length", max_length, 0)
    pad_to_multiple_of = check_optional_int("pad_to_multiple_of", pad_to_multiple_of, 1)
    # Only max_length given: it means "truncate to it" (transformers' backward-compatible rule).
    if max_length is not None and padding is False and truncation is None:
        truncation = LONGEST_FIRST
    pad = padding_strategy(padding)
    trunc = truncation_strategy(truncation)
    if (
        padding is True
        and verbose
        and max_length is not None
        and (truncation is None or truncation is False or truncation == DO_NOT_TRUNCATE)
    ):
        warnings.warn(
            "`max_length` is ignored when `padding`=`True` and there is no truncation strategy. "
            "To pad to max length, use `padding='max_length'`.",
            stacklevel=3,
        )
    if max_length is None:
        unlimited = model_max_length > LARGE_INTEGER
        if pad == MAX_LENGTH:
            if unlimited:
                pad = DO_NOT_PAD
            else:
                max_length = model_max_length
        if trunc != DO_NOT_TRUNCATE:
            if unlimited:
                trunc = DO_NOT_TRUNCATE
            else:
                max_length = model_max_length
    if pad != DO_NOT_PAD and not has_pad_token:
        raise ValueError(NO_PAD_TOKEN_MESSAGE)
    if (
        trunc != DO_NOT_TRUNCATE
        and pad != DO_NOT_PAD
        and pad_to_multiple_of is not None
        and max_length is not None
        and max_length % pad_to_multiple_of != 0
    ):
        raise ValueError(
            "Truncation and padding are both activated but "
            f"truncation length ({max_length}) is not a multiple of pad_to_multiple_of ({pad_to_multiple_of})."
        )
    return pad, trunc, max_length


def _bad_element(name: str, index: int, item: object, expected: str) -> TypeError:
    return TypeError(f"{name}[{index}]: expected {expected}, got {type(item).__name__}")


def _check_words(name: str, words: object) -> list[str]:
    """A pre-tokenized sequence: a list/tuple of str."""
    if not isinstance(words, (list, tuple)):
        raise TypeError(
            f"{name}: expected a list of str (is_split_into_words=True), got {type(words).__name__}"
        )
    if set(map(type, words)) - {str}:
        for i, w in enumerate(words):
            if not isinstance(w, str):
                raise _bad_element(name, i, w, "str")
    return list(words)


def _check_texts(name: str, texts: Sequence[Any]) -> list[str]:
    if isinstance(texts, list):
        # The core checks every element as it reads it (TypeError naming `name[i]`); a scan here was a
        # serial ~30 ns per text in front of the parallel encode.
        return texts
    if set(map(type, texts)) - {str}:
        for i, t in enumerate(texts):
            if not isinstance(t, str):
                raise _bad_element(name, i, t, "str")
    return texts if isinstance(texts, list) else list(texts)


def _type_name(value: object) -> str:
    return type(value).__name__


def normalize_inputs(
    text: object, text_pair: object, is_split_into_words: bool
) -> tuple[list[Any], list[Any] | None, bool]:
    """Check `text` / `text_pair` and return (first, second or None, is_batched).

    Batches may also be given as a list of (text, pair) tuples, as transformers accepts.
    """
    if text is None:
        raise ValueError("You need to specify either `text` or `text_target`.")
    if not is_split_into_words:
        if isinstance(text, str):
            if text_pair is not None and not isinstance(text_pair, str):
                raise TypeError(f"text_pair: expected str for a single text, got {_type_name(text_pair)}")
            # transformers ignores an empty pair for a single input.
            return [text], ([text_pair] if text_pair else None), False
        if not isinstance(text, (list, tuple)):
            raise TypeError(f"text: expected str, list[str] or list[list[str]], got {_type_name(text)}")
        if text_pair is not None:
            if isinstance(text_pair, str):
                raise TypeError(
                    "text_pair: when tokenizing batches of text, `text_pair` must be a list or tuple with the"
                    " same length as `text`."
                )
            if not isinstance(text_pair, (list, tuple)):
                raise TypeError(f"text_pair: expected list[str], got {_type_name(text_pair)}")
            if len(text) != len(text_pair):
                raise ValueError(
                    f"batch length of `text`: {len(text)} does not match batch length of `text_pair`:"
                    f" {len(text_pair)}."
                )
            return _check_texts("text", text), _check_texts("text_pair", text_pair), True
        if isinstance(text, list) and (not text or isinstance(text[0], str)):
            return _check_texts("text", text), None, True
        types = set(map(type, text))
        if not types - {str}:
            return list(text), None, True
        if types <= {tuple, list}:
            return _split_pairs(text, words=False)
        return _check_texts("text", text), None, True

    # Pre-tokenized: a single example is a list of words, a batch a list of such lists.
    if not isinstance(text, (list, tuple)):
        raise TypeError(
            f"text: expected list[str] or list[list[str]] with is_split_into_words, got {_type_name(text)}"
        )
    batched = len(text) > 0 and isinstance(text[0], (list, tuple))
    if not batched:
        first = _check_words("text", text)
        if text_pair is not None and len(text_pair) > 0:  # type: ignore[arg-type]
            return [first], [_check_words("text_pair", text_pair)], False
        return [first], None, False
    if text_pair is not None:
        if not isinstance(text_pair, (list, tuple)) or len(text_pair) != len(text):
            raise ValueError("text_pair: must be a batch of word lists with the same length as `text`.")
        firsts = [_check_words(f"text[{i}]", t) for i, t in enumerate(text)]
        seconds = [_check_words(f"text_pair[{i}]", t) for i, t in enumerate(text_pair)]
        return firsts, seconds, True
    if all(isinstance(t, (list, tuple)) and len(t) == 2 and isinstance(t[0], (list, tuple)) for t in text):
        return _split_pairs(text, words=True)
    return [_check_words(f"text[{i}]", t) for i, t in enumerate(text)], None, True


def _split_pairs(batch: Sequence[Any], words: bool) -> tuple[list[Any], list[Any] | None, bool]:
    """A batch of (first, second) tuples → two aligned lists."""
    firsts: list[Any] = []
    seconds: list[Any] = []
    for i, item in enumerate(batch):
        if not isinstance(item, (list, tuple)) or len(item) != 2:
            raise _bad_element("text", i, item, "str or a (text, text_pair) pair")
        a, b = item
        if words:
            firsts.append(_check_words(f"text[{i}][0]", a))
            seconds.append(_check_words(f"text[{i}][1]", b))
        else:
            if not isinstance(a, str) or not isinstance(b, str):
                raise _bad_element("text", i, item, "a pair of str")
            firsts.append(a)
            seconds.append(b)
    return firsts, seconds, True


class CallPlan(NamedTuple):
    """A tokenizer call's arguments, resolved: the core's request and what shapes the result."""

    request: Any  # _core.EncodeRequest
    tensor_type: str | None
    overflow: bool
    fields: list[str]
    # No max_length given: the result is checked against model_max_length (the too-long warning).
    check_length: bool
    # Tensors without padding: the same request for lists, for rows of different lengths.
    lists_request: Any
    # A Python class's `overflowing_tokens`: (truncation strategy, stride, truncated on the left), or None.
    cut: tuple[str, int, bool] | None = None


def plan_call(
    tokenizer: Any,
    is_batched: bool,
    add_special_tokens: bool,
    padding: object,
    truncation: object,
    max_length: object,
    stride: object,
    is_split_into_words: bool,
    pad_to_multiple_of: object,
    padding_side: object,
    return_tensors: object,
    return_token_type_ids: bool | None,
    return_attention_mask: bool | None,
    return_overflowing_tokens: bool,
    return_special_tokens_mask: bool,
    return_offsets_mapping: bool,
    return_length: bool,
    verbose: bool,
    split_special_tokens: bool = False,
) -> CallPlan:
    """Resolve `__call__`'s arguments against the tokenizer's settings, with transformers' defaults and checks."""
    from ._core import EncodeRequest
    from .batch_encoding import check_tensor_type

    pad, trunc, max_length = resolve_strategies(
        padding,
        truncation,
        max_length,
        pad_to_multiple_of,
        tokenizer.model_max_length,
        tokenizer.pad_token is not None,
        verbose,
    )
    stride = check_optional_int("stride", stride, 0) or 0
    multiple = check_optional_int("pad_to_multiple_of", pad_to_multiple_of, 1)
    side = check_side("padding_side", padding_side) or tokenizer.padding_side
    tensor_type = check_tensor_type(return_tensors)
    options: dict[str, Any] = {}
    cut = None
    if tokenizer.__dict__.get("_python_class"):
        # A Python class returns what truncation cut as `overflowing_tokens` (with `stride` tokens of what it
        # kept; none with tensors), never windows of their own: its stride shapes nothing else.
        if return_overflowing_tokens and trunc != DO_NOT_TRUNCATE and max_length:
            cut = (trunc, stride, tokenizer.truncation_side == "left")
        return_overflowing_tokens, stride = False, 0
        if trunc == LONGEST_FIRST:
            trunc = "longest_first_one_by_one"  # a Python class's loop: a tie is cut from the second text
    if trunc != DO_NOT_TRUNCATE and max_length is not None:
        # The stride / max_length rule is checked by the core (TruncationParams::validate).
        options.update(
            truncation=trunc, max_length=max_length, stride=stride, truncation_side=tokenizer.truncation_side
        )
    if pad != DO_NOT_PAD:
        if pad == MAX_LENGTH:
            options["pad_length"] = max_length
        options.update(
            padding=pad,
            pad_to_multiple_of=multiple,
            padding_side=side,
            pad_id=int(tokenizer.pad_token_id or 0),
            pad_type_id=tokenizer.pad_token_type_id,
        )
    names = tokenizer.model_input_names
    if return_token_type_ids is None:
        return_token_type_ids = "token_type_ids" in names
    if return_attention_mask is None:
        return_attention_mask = "attention_mask" in names
    wanted = (
        ("token_type_ids", bool(return_token_type_ids)),
        ("attention_mask", bool(return_attention_mask)),
        ("special_tokens_mask", bool(return_special_tokens_mask)),
        ("offset_mapping", bool(return_offsets_mapping)),
        ("length", bool(return_length)),
    )
    overflow = bool(return_overflowing_tokens)
    options.update(
        split_special_tokens=bool(split_special_tokens),
        is_pretokenized=bool(is_split_into_words),
        add_special_tokens=bool(add_special_tokens),
        return_overflowing_tokens=overflow,
        return_token_type_ids=wanted[0][1],
        return_attention_mask=wanted[1][1],
        return_special_tokens_mask=wanted[2][1],
        return_offsets_mapping=wanted[3][1],
        return_length=wanted[4][1],
        keep_cut_tokens=cut is not None,
    )
    unbatched = not is_batched and tensor_type is None and not overflow
    request = EncodeRequest(
        return_tensors=None if tensor_type is None else "np", unbatched=unbatched, **options
    )
    lists_request = EncodeRequest(**options) if tensor_type is not None and pad == DO_NOT_PAD else None
    fields = [name for name, on in wanted if on]
    return CallPlan(
        request, tensor_type, overflow, fields, max_length is None and bool(verbose), lists_request, cut
    )
