"""Dynamic padding for training loops, in the manner of transformers' `DataCollatorWithPadding`.

Each batch is padded only to its own longest row (or a multiple of `pad_to_multiple_of`), through the
tokenizer's `pad`, so pad id, padding side and model input names follow the tokenizer. Labels are taken out
before padding and returned as `labels`, whatever their shape (class ids, multi-label vectors, floats).

Worker safety: the collator keeps no threads, locks, open files or process-bound state, so a copy made by
`fork` (DataLoader workers on Linux) works as is, and it pickles as long as its tokenizer does (`spawn`
workers). ferrotok's Rust thread pool notices a fork and builds a fresh pool in the child.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["DataCollatorWithPadding"]

_LABEL_KEYS = ("label", "labels", "label_ids")


def _labels_to(values: list[Any], return_tensors: str | None) -> Any:
    if return_tensors == "pt":
        import torch

        if isinstance(values[0], torch.Tensor):
            return torch.stack(values)
        if isinstance(values[0], np.ndarray):
            return torch.from_numpy(np.stack(values))
        # Like transformers: Python ints become int64, floats float32.
        return torch.tensor(values)
    if return_tensors == "np":
        return np.asarray(values)
    return values


@dataclass
class DataCollatorWithPadding:
    """Collate a list of tokenized examples (mappings with `input_ids` and friends, optionally a `label`,
    `labels` or `label_ids`) into one padded batch.

    tokenizer: a ferrotok or transformers tokenizer. padding: True / "longest" (default), "max_length" (pad to
    `max_length`) or False. max_length, pad_to_multiple_of: as in `tokenizer.pad`. return_tensors: "pt"
    (default), "np", or None for lists.
    """

    tokenizer: Any
    padding: bool | str = True
    max_length: int | None = None
    pad_to_multiple_of: int | None = None
    return_tensors: str | None = "pt"

    def __call__(self, features: Sequence[Mapping[str, Any]]) -> Any:
        if not features:
            raise ValueError("cannot collate an empty list of examples")
        rows: list[dict[str, Any]] = []
        labels: list[Any] = []
        label_key: str | None = None
        for i, feature in enumerate(features):
            row = dict(feature)
            found = [k for k in _LABEL_KEYS if k in row]
            if len(found) > 1:
                raise ValueError(f"example {i} has several label fields {found}; keep one")
            key = found[0] if found else None
            if i == 0:
                label_key = key
            elif key != label_key:
                raise ValueError(f"example {i} has label field {key!r} but example 0 has {label_key!r}")
            if key is not None:
                labels.append(row.pop(key))
            rows.append(row)
        batch = self.tokenizer.pad(
            rows,
            padding=self.padding,
            max_length=self.max_length,
            pad_to_multiple_of=self.pad_to_multiple_of,
            return_tensors=self.return_tensors,
        )
        if label_key is not None:
            batch["labels"] = _labels_to(labels, self.return_tensors)
        return batch
