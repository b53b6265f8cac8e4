"""`pad` for already-encoded features (what `DataCollatorWithPadding` calls), and `pad_rows`, the array
kernel it shares with the `ferrotok encode` command.

The inputs here are lists of ids built earlier; rows that become arrays are padded by numpy, the rest in
plain Python. The fast path for raw text is `__call__`, where the Rust core pads.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import chain
from typing import TYPE_CHECKING, Any

from ._arguments import DO_NOT_PAD, LONGEST, MAX_LENGTH, check_optional_int, check_side, resolve_strategies
from .batch_encoding import BatchEncoding

if TYPE_CHECKING:  # numpy is imported where it is used: `import ferrotok` stays light
    import numpy as np


def _to_list(value: Any) -> Any:
    """numpy arrays / torch tensors (and lists of them) → Python lists."""
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, (list, tuple)) and value and hasattr(value[0], "tolist"):
        return [v.tolist() for v in value]
    return value


def _detect_tensor_type(first: Any) -> str | None:
    import numpy as np

    if isinstance(first, (np.ndarray, np.generic)):
        return "np"
    if type(first).__module__.startswith("torch"):
        return "pt"
    return None


def gather_features(
    tokenizer: Any, encoded_inputs: Any, return_attention_mask: bool | None, return_tensors: str | None
) -> tuple[dict[str, Any] | BatchEncoding, str | None]:
    """The features `pad` is given, as a dict of python lists (one example, or a batch from a dict of lists,
    a BatchEncoding or a list of dicts), and the tensor type to return (that of the input when none is
    asked). An empty batch comes back as its BatchEncoding, ready to return."""
    if (
        isinstance(encoded_inputs, (list, tuple))
        and encoded_inputs
        and isinstance(encoded_inputs[0], Mapping)
    ):
        keys = list(encoded_inputs[0].keys())
        encoded_inputs = {key: [example[key] for example in encoded_inputs] for key in keys}
    if not isinstance(encoded_inputs, Mapping):
        raise TypeError(
            f"encoded_inputs: expected a dict, a BatchEncoding or a list of dicts, got {type(encoded_inputs).__name__}"
        )
    main = tokenizer.model_input_names[0]
    if main not in encoded_inputs:
        raise ValueError(
            "You should supply an encoding or a list of encodings to this method "
            f"that includes {main}, but you provided {list(encoded_inputs.keys())}"
        )
    features = {key: encoded_inputs[key] for key in encoded_inputs}
    required = features[main]
    if required is None or (hasattr(required, "__len__") and len(required) == 0):
        if return_attention_mask:
            features["attention_mask"] = []
        return BatchEncoding(features), return_tensors

    first = required[0]
    if isinstance(first, (list, tuple)):
        first = next((row[0] for row in required if len(row)), first)
    if not isinstance(first, (int, list, tuple)):
        detected = _detect_tensor_type(first) or _detect_tensor_type(required)
        if detected is None:
            raise ValueError(
                f"type of {first} unknown: {type(first)}. Should be one of a python, numpy, or pytorch object."
            )
        return_tensors = detected if return_tensors is None else return_tensors
        features = {key: _to_list(value) for key, value in features.items()}
    elif _detect_tensor_type(required) is not None:
        return_tensors = _detect_tensor_type(required) if return_tensors is None else return_tensors
        features = {key: _to_list(value) for key, value in features.items()}

    return features, return_tensors


def round_up(length: int | None, multiple: int | None) -> int | None:
    """`length` rounded up to a multiple of `multiple` (either may be None: then `length` as it is)."""
    if length is not None and multiple is not None and length % multiple != 0:
        return (length // multiple + 1) * multiple
    return length


def pad_settings(
    tokenizer: Any,
    padding: object,
    max_length: int | None,
    pad_to_multiple_of: int | None,
    padding_side: str | None,
    return_attention_mask: bool | None,
    verbose: bool,
) -> tuple[str, int | None, int | None, str, bool]:
    """How `pad` pads, from its arguments and the tokenizer's defaults: strategy, length, multiple, side and
    whether to add attention masks (the one reading of them for `pad_features` and LUKE's `pad`)."""
    strategy, _, max_length = resolve_strategies(
        padding, None, max_length, None, tokenizer.model_max_length, tokenizer.pad_token is not None, verbose
    )
    multiple = check_optional_int("pad_to_multiple_of", pad_to_multiple_of, 1)
    side = check_side("padding_side", padding_side) or tokenizer.padding_side
    if return_attention_mask is None:
        return_attention_mask = "attention_mask" in tokenizer.model_input_names
    return strategy, max_length, multiple, side, bool(return_attention_mask)


def check_rows(features: dict[str, Any], main: str) -> int:
    """The batch size: the rows of `main`, which every other field must have too."""
    size = len(features[main])
    for key, value in features.items():
        if len(value) != size:
            raise ValueError(f"{key}: has {len(value)} rows but {main} has {size}")
    return size


def pad_features(
    tokenizer: Any,
    encoded_inputs: Any,
    padding: object = True,
    max_length: int | None = None,
    pad_to_multiple_of: int | None = None,
    padding_side: str | None = None,
    return_attention_mask: bool | None = None,
    return_tensors: str | None = None,
    verbose: bool = True,
) -> BatchEncoding:
    """Pad encoded features (one example, or a batch as a dict of lists, a BatchEncoding or a list of dicts)
    to a common length, as `DataCollatorWithPadding` calls it: `FerroTokenizer.pad`."""
    features, return_tensors = gather_features(
        tokenizer, encoded_inputs, return_attention_mask, return_tensors
    )
    if isinstance(features, BatchEncoding):
        return features
    main = tokenizer.model_input_names[0]
    strategy, max_length, multiple, side, return_attention_mask = pad_settings(
        tokenizer, padding, max_length, pad_to_multiple_of, padding_side, return_attention_mask, verbose
    )
    required = features[main]
    settings = (tokenizer, main, multiple, side, return_attention_mask)

    if required and not isinstance(required[0], (list, tuple)):
        padded = _pad_one(features, strategy, max_length, settings)
        return BatchEncoding(padded, tensor_type=return_tensors)

    batch_size = check_rows(features, main)
    if strategy == LONGEST:
        max_length = max(len(row) for row in required)
        strategy = MAX_LENGTH
    if return_tensors is not None and strategy == MAX_LENGTH and max_length is not None:
        arrays = _pad_to_arrays(features, max_length, settings)
        if arrays is not None:
            return BatchEncoding(arrays, tensor_type=return_tensors)
    rows = [
        _pad_one({k: v[i] for k, v in features.items()}, strategy, max_length, settings)
        for i in range(batch_size)
    ]
    out: dict[str, list[Any]] = {}
    for row in rows:
        for key, value in row.items():
            out.setdefault(key, []).append(value)
    return BatchEncoding(out, tensor_type=return_tensors)


def pad_rows(flat: Any, lengths: Any, width: int, fill: int, side: str, dtype: Any = "int64") -> np.ndarray:
    """Rows given as one flat array of their values and their lengths (none longer than `width`) → a
    (rows, width) array, each row padded with `fill` on `side` ("right" or "left")."""
    import numpy as np

    lengths = np.asarray(lengths)
    columns = np.arange(width)
    # Row-major order of the mask's True cells is exactly the flat order of the values.
    mask = columns >= (width - lengths)[:, None] if side == "left" else columns < lengths[:, None]
    out = np.full((len(lengths), width), fill, dtype=dtype)
    out[mask] = flat
    return out


def _fills(tokenizer: Any, main: str) -> dict[str, Any]:
    """The value each padded field is filled with (the layout classes' boxes, labels and xpaths too)."""
    fills = {
        main: tokenizer.pad_token_id,
        "attention_mask": 0,
        "token_type_ids": tokenizer.pad_token_type_id,
        "special_tokens_mask": 1,
        # RoCBert's extra columns are padded with the pad token's id, as its class pads them.
        "input_shape_ids": tokenizer.pad_token_id,
        "input_pronunciation_ids": tokenizer.pad_token_id,
    }
    layout = tokenizer.__dict__.get("_layout_settings")
    if layout is not None:
        from ._layout import pad_fills

        fills.update(pad_fills(layout))
    return fills


def _pad_to_arrays(
    features: dict[str, Any], max_length: int, settings: tuple[Any, ...]
) -> dict[str, Any] | None:
    """A batch padded to `max_length` as int64 arrays, the same values as `_pad_one` row by row gives; None
    when the rows do not all fit (then they stay ragged, as transformers leaves them) or hold non-ints."""
    import numpy as np

    tokenizer, main, multiple, side, return_attention_mask = settings
    max_length = round_up(max_length, multiple) or 0
    lengths = [len(row) for row in features[main]]
    if not lengths or max(lengths) > max_length:
        return None
    out = dict(features)
    if return_attention_mask and "attention_mask" not in features:
        out["attention_mask"] = [[1] * n for n in lengths]
    total = sum(lengths)
    for key, fill in _fills(tokenizer, main).items():
        if key not in out or (key == "attention_mask" and not return_attention_mask):
            continue
        rows = out[key]
        first = next((row[0] for row in rows if len(row)), 0)
        if type(first) is not int or [len(row) for row in rows] != lengths:
            return None
        flat = np.fromiter(chain.from_iterable(rows), dtype=np.int64, count=total)
        out[key] = pad_rows(flat, lengths, max_length, fill, side)
    return out


def _pad_one(
    features: dict[str, Any], strategy: str, max_length: int | None, settings: tuple[Any, ...]
) -> dict[str, Any]:
    tokenizer, main, multiple, side, return_attention_mask = settings
    ids: Sequence[int] = features[main]
    if strategy == LONGEST:
        max_length = len(ids)
    max_length = round_up(max_length, multiple)
    if return_attention_mask and "attention_mask" not in features:
        features["attention_mask"] = [1] * len(ids)
    if strategy == DO_NOT_PAD or max_length is None or len(ids) >= max_length:
        return features
    gap = max_length - len(ids)
    for key, fill in _fills(tokenizer, main).items():
        if key not in features or (key == "attention_mask" and not return_attention_mask):
            continue
        value = list(features[key])
        features[key] = value + [fill] * gap if side == "right" else [fill] * gap + value
    return features
