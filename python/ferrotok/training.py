"""Training: `Tokenizer.train_from_iterator` / `Tokenizer.train` (tokenizers' API) and
`FerroTokenizer.train_new_from_iterator` (transformers' API).

The Rust core pulls texts from the iterator in chunks and normalizes, pre-tokenizes and counts their
words with the GIL released (on the thread pool for large chunks, while the next chunk is read); the
corpus is never held in memory, only its distinct words. Training then runs in the core while this
thread shows progress and answers Ctrl-C.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from . import _core
from ._added_token import AddedToken, special_entry
from .trainers import DEFAULT_TRAINERS, ParityBpeTrainer, Trainer

__all__ = [
    "byte_level_alphabet",
    "train_core",
    "train_files_in_place",
    "train_in_place",
    "train_new_from_iterator",
    "train_parity_in_place",
]


def byte_level_alphabet() -> list[str]:
    """The 256 chars GPT-2's byte-level pre-tokenizer maps bytes to (tokenizers' `ByteLevel.alphabet()`)."""
    printable = [
        *range(ord("!"), ord("~") + 1),
        *range(ord("¡"), ord("¬") + 1),
        *range(ord("®"), ord("ÿ") + 1),
    ]
    chars, extra = [], 0
    for b in range(256):
        if b in printable:
            chars.append(chr(b))
        else:
            chars.append(chr(256 + extra))
            extra += 1
    return chars


class _Progress:
    """tqdm bars (when tqdm is installed and `show` is true): texts counted, then each training stage."""

    def __init__(self, show: bool, length: int | None) -> None:
        self.bar: Any = None
        self.stage = ""
        self.tqdm: Any = None
        if show:
            try:
                from tqdm.auto import tqdm
            except ImportError:  # optional: training works without a bar
                tqdm = None
            self.tqdm = tqdm
        if self.tqdm is not None:
            self.bar = self.tqdm(total=length, desc="Count words", unit=" texts")

    def counted(self, n: int) -> None:
        if self.bar is not None:
            self.bar.update(n)

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.tqdm is None:
            return
        if stage != self.stage:
            self.close()
            self.stage = stage
            self.bar = self.tqdm(total=total or None, desc=stage)
        if self.bar is not None:
            self.bar.total = total or None
            self.bar.n = done
            self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def train_core(
    core: _core.Tokenizer, iterator: Iterable[Any], trainer: Trainer, length: int | None = None
) -> _core.Tokenizer:
    """A new core tokenizer: `core`'s pipeline with a model trained by `trainer` on `iterator`'s texts."""
    _check_trainer(trainer)
    if isinstance(iterator, (str, bytes)) or not hasattr(iterator, "__iter__"):
        raise TypeError(
            f"iterator: expected an iterable of str (or of lists of str), got {type(iterator).__name__}"
        )
    return _train_run(
        core, trainer, length, lambda run, counted: run.feed_iter(iterator, counted), "iterator"
    )


def _check_trainer(trainer: Any) -> None:
    if isinstance(trainer, ParityBpeTrainer):
        # As tokenizers: it is not a `Trainer` of one corpus.
        raise TypeError(
            "trainer: ParityBpeTrainer trains on one corpus per language: call "
            "trainer.train_from_iterator(tokenizer, train_iterators=[...])"
        )
    if not isinstance(trainer, Trainer):
        raise TypeError(f"trainer: expected a ferrotok.trainers trainer, got {type(trainer).__name__}")


def _train_run(
    core: _core.Tokenizer,
    trainer: Trainer,
    length: int | None,
    feed: Callable[[Any, Callable[[int], None] | None], int],
    source: str,
) -> _core.Tokenizer:
    run = _core.TrainingRun(core, trainer.to_json())
    # progress_format="silent" (tokenizers' BpeTrainer option) hides the bars as show_progress=False does.
    show = bool(trainer.show_progress) and getattr(trainer, "progress_format", None) != "silent"
    progress = _Progress(show, length)
    try:
        seen = feed(run, progress.counted if progress.bar is not None else None)
        object.__setattr__(trainer, "_word_count", run.word_count())
        if seen == 0:
            raise ValueError(f"{source}: no text to train on (it was empty)")
        progress.close()
        return run.train(progress if progress.tqdm is not None else None)
    finally:
        progress.close()


def _default_trainer(core: _core.Tokenizer, trainer: Trainer | None) -> Trainer:
    if trainer is not None:
        return trainer
    kind = core.model.type
    if kind not in DEFAULT_TRAINERS:
        raise ValueError(f"trainer: no default trainer for a {kind} model")
    return DEFAULT_TRAINERS[kind]()


def train_in_place(
    core: _core.Tokenizer, iterator: Iterable[Any], trainer: Trainer | None = None, length: int | None = None
) -> None:
    """tokenizers' `Tokenizer.train_from_iterator`: train `core`'s model in place."""
    core._replace_with(train_core(core, iterator, _default_trainer(core, trainer), length))


def train_files_in_place(
    core: _core.Tokenizer, files: Iterable[str | os.PathLike[str]], trainer: Trainer | None = None
) -> None:
    """tokenizers' `Tokenizer.train(files, trainer)`."""
    if isinstance(files, (str, os.PathLike)):
        files = [files]
    files = list(files)
    for path in files:
        if not os.path.isfile(path):
            raise FileNotFoundError(f"files: {os.fspath(path)}: no such file")
    trainer = _default_trainer(core, trainer)
    _check_trainer(trainer)
    paths = [os.fsdecode(p) for p in files]
    # The core reads the files (each line with its ending, as tokenizers' `train`) with the GIL released.
    trained = _train_run(core, trainer, None, lambda run, counted: run.feed_files(paths, counted), "files")
    core._replace_with(trained)


# --- parity-aware BPE: one corpus per language ------------------------------------------------------------


def _iterators(name: str, value: Any) -> list[Any]:
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        raise TypeError(
            f"{name}: expected a list of iterators (one per language), got {type(value).__name__}"
        )
    return list(value)


def _parity_options(trainer: ParityBpeTrainer, languages: int, dev: bool, ratio: Any) -> str:
    """The trainer's options as JSON with `ratio` resolved; RuntimeError (as tokenizers) for options that
    do not fit the languages, checked before any text is read."""
    options = json.loads(trainer.to_json())
    if dev:
        options["ratio"] = None
    elif ratio is not None:
        if isinstance(ratio, (str, bytes)) or not hasattr(ratio, "__iter__"):
            raise TypeError(f"ratio: expected a list of floats, got {type(ratio).__name__}")
        options["ratio"] = list(ratio)
    rates = options.get("ratio")
    if rates is not None:
        if len(rates) != languages:
            raise RuntimeError(
                f"ratio: length ({len(rates)}) does not match the number of languages ({languages})"
            )
        for i, r in enumerate(rates):
            if isinstance(r, bool) or not isinstance(r, (int, float)):
                raise TypeError(f"ratio[{i}]: expected a float, got {type(r).__name__}")
            if not math.isfinite(r) or r <= 0:
                raise RuntimeError(f"ratio[{i}]: must be a positive finite number (got {r})")
        options["ratio"] = [float(r) for r in rates]
    if options["variant"] == "window":
        if options["window_size"] == 0:
            raise RuntimeError("window_size: must be > 0 when variant is 'window'")
        alpha = options["alpha"]
        if not isinstance(alpha, (int, float)) or not math.isfinite(alpha) or alpha <= 0:
            raise RuntimeError(
                f"alpha: must be a positive finite number when variant is 'window' (got {alpha})"
            )
    return json.dumps(options)


def train_parity_in_place(
    tokenizer: Any,
    trainer: ParityBpeTrainer,
    train_iterators: Any,
    dev_iterators: Any = None,
    ratio: Any = None,
) -> None:
    """tokenizers' `ParityBpeTrainer.train_from_iterator`: count each language's words (GIL released),
    train parity-aware BPE in the core, and put the new BPE model into `tokenizer` in place."""
    core = getattr(tokenizer, "_tokenizer", tokenizer)
    if not isinstance(core, _core.Tokenizer):
        raise TypeError(f"tokenizer: expected a ferrotok.Tokenizer, got {type(tokenizer).__name__}")
    train = _iterators("train_iterators", train_iterators)
    if not train:
        raise ValueError("train_iterators must not be empty")
    dev = None if dev_iterators is None else _iterators("dev_iterators", dev_iterators)
    if dev is not None and len(dev) != len(train):
        raise ValueError(
            f"dev_iterators length ({len(dev)}) must match train_iterators length ({len(train)})"
        )
    options = _parity_options(trainer, len(train), dev is not None, ratio)
    progress = _Progress(bool(trainer.show_progress), None)
    try:

        def count(iterators: list[Any]) -> list[_core.TrainingRun]:
            runs = []
            for it in iterators:
                run = _core.TrainingRun(core, options)
                run.feed_iter(it, progress.counted if progress.bar is not None else None)
                runs.append(run)
            return runs

        train_runs = count(train)
        dev_runs = None if dev is None else count(dev)
        progress.close()
        trained = _core.train_parity(
            core, options, train_runs, dev_runs, progress if progress.tqdm is not None else None
        )
    finally:
        progress.close()
    core._replace_with(trained)


# --- transformers' train_new_from_iterator ---------------------------------------------------------------


def _is_byte_level(pre_tokenizer: Mapping[str, Any] | None) -> bool:
    if not pre_tokenizer:
        return False
    if pre_tokenizer.get("type") == "ByteLevel":
        return True
    return pre_tokenizer.get("type") == "Sequence" and any(
        p.get("type") == "ByteLevel" for p in pre_tokenizer.get("pretokenizers", [])
    )


def _fix_post_processor(
    post: dict[str, Any], core: _core.Tokenizer, rename: Callable[[str], str]
) -> dict[str, Any]:
    """Point the post-processor's special tokens at their ids in the new vocabulary (transformers does)."""

    def token_id(token: str) -> int:
        i = core.token_to_id(token)
        if i is None:
            raise ValueError(
                "Attempted to set a token in the post processor that does not exist in the mapping"
            )
        return i

    if "special_tokens" in post:
        for entry in post["special_tokens"].values():
            tokens = [rename(t) for t in entry["tokens"]]
            entry["tokens"] = tokens
            entry["ids"] = [token_id(t) for t in tokens]
    for name in ("cls", "sep"):
        if name in post:
            token = rename(post[name][0])
            post[name] = [token, token_id(token)]
    if post.get("type") == "Sequence":
        post["processors"] = [_fix_post_processor(p, core, rename) for p in post.get("processors", [])]
    return post


def train_new_from_iterator(
    tokenizer: Any,
    text_iterator: Iterable[Any],
    vocab_size: int,
    length: int | None = None,
    new_special_tokens: list[Any] | None = None,
    special_tokens_map: dict[str, str] | None = None,
    **kwargs: Any,
) -> Any:
    """transformers' `train_new_from_iterator` for a FerroTokenizer: same pipeline, new model of the same kind."""
    if not isinstance(vocab_size, int) or isinstance(vocab_size, bool) or vocab_size <= 0:
        raise ValueError(f"vocab_size: expected a positive int, got {vocab_size!r}")
    rename = (lambda t: special_tokens_map.get(t, t)) if special_tokens_map else (lambda t: t)
    doc = json.loads(tokenizer.backend_tokenizer.to_str(False))
    added_tokens = doc.pop("added_tokens", None) or []
    post_processor = doc.pop("post_processor", None)
    model = doc["model"]
    kind = model.get("type")
    if kind not in DEFAULT_TRAINERS:
        raise ValueError(
            f"This method does not support this type of tokenizer (found {kind}) only BPE, Unigram, WordLevel and WordPiece."
        )
    unk_token = None
    if kind == "Unigram" and model.get("unk_id") is not None:
        unk_token = rename(model["vocab"][model["unk_id"]][0])
    if isinstance(model.get("unk_token"), str):
        model["unk_token"] = rename(model["unk_token"])
    base = _core.Tokenizer.from_str(json.dumps(doc))

    special_tokens: list[Any] = []
    for token in added_tokens:
        if kind != "Unigram" and not token.get("special"):
            continue
        # `normalized` False when the document leaves it out, as the trainers read it before.
        entry: dict[str, Any] = {"normalized": False}
        entry.update(
            (k, token[k]) for k in ("content", "single_word", "lstrip", "rstrip", "normalized") if k in token
        )
        entry["content"] = rename(entry["content"])
        special_tokens.append(AddedToken(**entry))
    if new_special_tokens is not None:
        special_tokens.extend(new_special_tokens)

    if kind == "BPE":
        for key in ("continuing_subword_prefix", "end_of_word_suffix"):
            if key not in kwargs and model.get(key) is not None:
                kwargs[key] = model[key]
    if kind == "Unigram" and unk_token is not None:
        kwargs["unk_token"] = unk_token
    if _is_byte_level(doc.get("pre_tokenizer")):
        kwargs["initial_alphabet"] = byte_level_alphabet()
    trainer_class = DEFAULT_TRAINERS[kind]
    trainer = trainer_class(vocab_size=vocab_size, special_tokens=special_tokens, **kwargs)
    core = train_core(base, text_iterator, trainer, length)
    if post_processor is not None:
        trained = json.loads(core.to_str(False))
        trained["post_processor"] = _fix_post_processor(post_processor, core, rename)
        core = _core.Tokenizer.from_str(json.dumps(trained))

    settings = tokenizer._settings()
    for name, value in list(settings.items()):
        if name.endswith("_token") and isinstance(value, str):
            settings[name] = rename(value)
    extra = [rename(t) for t in settings.get("extra_special_tokens") or []]
    for t in new_special_tokens or []:
        extra.append(t if isinstance(t, str) else t.content)
    settings["extra_special_tokens"] = extra
    return type(tokenizer)(core, **settings)


# --- pipelines for `ferrotok train` without --from ----------------------------------------------------------

_BERT_SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def default_pipeline(model: str) -> tuple[dict[str, Any], dict[str, str]]:
    """An untrained tokenizer.json document and its named special tokens for `model`: GPT-2's byte-level
    BPE, BERT's WordPiece, whitespace WordLevel, or Metaspace Unigram."""
    doc: dict[str, Any] = {"version": "1.0", "truncation": None, "padding": None, "normalizer": None}
    if model == "bpe":
        specials = {"bos_token": "<|endoftext|>", "eos_token": "<|endoftext|>", "unk_token": "<|endoftext|>"}
        byte_level = {"add_prefix_space": False, "trim_offsets": True, "use_regex": True}
        doc.update(
            pre_tokenizer={"type": "ByteLevel", **byte_level},
            post_processor={"type": "ByteLevel", **byte_level},
            decoder={"type": "ByteLevel", **byte_level},
            model={"type": "BPE", "vocab": {}, "merges": []},
        )
    elif model == "wordpiece":
        specials = {
            "pad_token": "[PAD]",
            "unk_token": "[UNK]",
            "cls_token": "[CLS]",
            "sep_token": "[SEP]",
            "mask_token": "[MASK]",
        }

        def piece(kind: str, name: str, type_id: int) -> dict[str, Any]:
            return {kind: {"id": name, "type_id": type_id}}

        doc.update(
            normalizer={
                "type": "BertNormalizer",
                "clean_text": True,
                "handle_chinese_chars": True,
                "strip_accents": None,
                "lowercase": True,
            },
            pre_tokenizer={"type": "BertPreTokenizer"},
            post_processor={
                "type": "TemplateProcessing",
                "single": [
                    piece("SpecialToken", "[CLS]", 0),
                    piece("Sequence", "A", 0),
                    piece("SpecialToken", "[SEP]", 0),
                ],
                "pair": [
                    piece("SpecialToken", "[CLS]", 0),
                    piece("Sequence", "A", 0),
                    piece("SpecialToken", "[SEP]", 0),
                    piece("Sequence", "B", 1),
                    piece("SpecialToken", "[SEP]", 1),
                ],
                "special_tokens": {t: {"id": t, "ids": [0], "tokens": [t]} for t in ("[CLS]", "[SEP]")},
            },
            decoder={"type": "WordPiece", "prefix": "##", "cleanup": True},
            model={
                "type": "WordPiece",
                "unk_token": "[UNK]",
                "continuing_subword_prefix": "##",
                "max_input_chars_per_word": 100,
                "vocab": {},
            },
        )
    elif model == "wordlevel":
        specials = {"unk_token": "<unk>", "pad_token": "<pad>"}
        doc.update(
            pre_tokenizer={"type": "Whitespace"},
            post_processor=None,
            decoder=None,
            model={"type": "WordLevel", "vocab": {}, "unk_token": "<unk>"},
        )
    elif model == "unigram":
        specials = {"unk_token": "<unk>", "pad_token": "<pad>"}
        metaspace = {"replacement": "▁", "prepend_scheme": "always", "split": True}
        doc.update(
            pre_tokenizer={"type": "Metaspace", **metaspace},
            post_processor=None,
            decoder={"type": "Metaspace", **metaspace},
            model={"type": "Unigram", "unk_id": 0, "vocab": [["<unk>", 0.0]], "byte_fallback": False},
        )
    else:
        raise ValueError(f"model: expected bpe, wordpiece, wordlevel or unigram, got {model!r}")
    contents = list(dict.fromkeys(specials.values())) if model != "wordpiece" else _BERT_SPECIALS
    doc["added_tokens"] = [special_entry(t, i) for i, t in enumerate(contents)]
    return doc, specials
