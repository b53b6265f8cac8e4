"""Trainer objects named and configured like `tokenizers.trainers`: pass one to
`ferrotok.Tokenizer.train_from_iterator(texts, trainer=...)` or `Tokenizer.train(files, trainer=...)`.

>>> from ferrotok.trainers import BpeTrainer
>>> trainer = BpeTrainer(vocab_size=1000, special_tokens=["<unk>"])

`ParityBpeTrainer` (parity-aware BPE) trains from one iterator per language instead:
`trainer.train_from_iterator(tokenizer, train_iterators=[...], dev_iterators=[...])`.

Unlike `tokenizers`, an unknown option raises a TypeError naming it instead of being ignored.
"""

from __future__ import annotations

import inspect
import json
from typing import Any, ClassVar

__all__ = [
    "BpeTrainer",
    "ParityBpeTrainer",
    "Trainer",
    "UnigramTrainer",
    "WordLevelTrainer",
    "WordPieceTrainer",
]

_FLAGS = ("single_word", "lstrip", "rstrip", "normalized")
# Options that only choose how progress is shown (ferrotok's training shows none): kept, not passed on.
_DISPLAY_ONLY = ("progress_format",)


def _special_token(token: object, index: int) -> str | dict[str, Any]:
    """A str, or an AddedToken-like object as a dict (made special, as `tokenizers` does)."""
    if isinstance(token, str):
        return token
    content = getattr(token, "content", None)
    if not isinstance(content, str):
        raise TypeError(f"special_tokens[{index}]: expected str or AddedToken, got {type(token).__name__}")
    out: dict[str, Any] = {"content": content, "special": True}
    for flag in _FLAGS:
        value = getattr(token, flag, None)
        if isinstance(value, bool):
            out[flag] = value
    return out


class Trainer:
    """Base class: options with `tokenizers`' defaults, readable and settable as attributes."""

    _DEFAULTS: ClassVar[dict[str, Any]] = {}

    def __init__(self, **options: Any) -> None:
        for name in options:
            if name not in self._DEFAULTS:
                raise TypeError(f"{type(self).__name__}: unknown option {name!r}")
        values = {k: (list(v) if isinstance(v, list) else v) for k, v in self._DEFAULTS.items()}
        values.update(options)
        object.__setattr__(self, "_options", values)
        # Distinct words seen by the last training run (tokenizers' `BpeTrainer.get_word_count`).
        object.__setattr__(self, "_word_count", 0)

    def __getattr__(self, name: str) -> Any:
        options = self.__dict__.get("_options", {})
        if name in options:
            return options[name]
        raise AttributeError(f"{type(self).__name__} has no attribute {name!r}")

    def __setattr__(self, name: str, value: Any) -> None:
        if name not in self._DEFAULTS:
            raise AttributeError(f"{type(self).__name__}: unknown option {name!r}")
        self._options[name] = value

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # `inspect.signature(BpeTrainer)` lists the options with their defaults, as tokenizers' does.
        cls.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
            [
                inspect.Parameter(k, inspect.Parameter.KEYWORD_ONLY, default=v)
                for k, v in cls._DEFAULTS.items()
            ]
        )

    def __dir__(self) -> list[str]:
        return sorted({*object.__dir__(self), *self._DEFAULTS})

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self._options.items())
        return f"{type(self).__name__}({args})"

    def to_json(self) -> str:
        """The options as the Rust core reads them."""
        options = dict(self._options)
        specials = options.get("special_tokens")
        if specials is not None:
            if isinstance(specials, (str, bytes)) or not hasattr(specials, "__iter__"):
                raise TypeError(f"special_tokens: expected a list of str or AddedToken, got {specials!r}")
            options["special_tokens"] = [_special_token(t, i) for i, t in enumerate(specials)]
        alphabet = options.get("initial_alphabet")
        if alphabet is not None:
            if isinstance(alphabet, str) or not hasattr(alphabet, "__iter__"):
                raise TypeError(f"initial_alphabet: expected a list of str, got {alphabet!r}")
            options["initial_alphabet"] = list(alphabet)
        for name in _DISPLAY_ONLY:
            options.pop(name, None)
        options["type"] = type(self).__name__
        try:
            return json.dumps(options)
        except TypeError as e:
            raise TypeError(f"{type(self).__name__}: an option is not a str, number or bool: {e}") from None


class BpeTrainer(Trainer):
    _DEFAULTS: ClassVar[dict[str, Any]] = {
        "vocab_size": 30000,
        "min_frequency": 0,
        "show_progress": True,
        "progress_format": "indicatif",
        "special_tokens": [],
        "limit_alphabet": None,
        "initial_alphabet": [],
        "continuing_subword_prefix": None,
        "end_of_word_suffix": None,
        "max_token_length": None,
    }

    def get_word_count(self) -> int:
        """The number of distinct words (after normalization and pre-tokenization) that the last
        `train` / `train_from_iterator` run with this trainer counted; 0 before any."""
        return self._word_count


class WordPieceTrainer(Trainer):
    _DEFAULTS: ClassVar[dict[str, Any]] = {
        "vocab_size": 30000,
        "min_frequency": 0,
        "show_progress": True,
        "special_tokens": [],
        "limit_alphabet": None,
        "initial_alphabet": [],
        "continuing_subword_prefix": "##",
        "end_of_word_suffix": None,
    }


class WordLevelTrainer(Trainer):
    _DEFAULTS: ClassVar[dict[str, Any]] = {
        "vocab_size": 30000,
        "min_frequency": 0,
        "show_progress": True,
        "special_tokens": [],
    }


class UnigramTrainer(Trainer):
    _DEFAULTS: ClassVar[dict[str, Any]] = {
        "vocab_size": 8000,
        "show_progress": True,
        "special_tokens": [],
        "initial_alphabet": [],
        "shrinking_factor": 0.75,
        "unk_token": None,
        "max_piece_length": 16,
        "n_sub_iterations": 2,
    }


class ParityBpeTrainer(Trainer):
    """Parity-aware BPE (tokenizers' `ParityBpeTrainer`): one corpus per language; each merge goes to
    the language that compresses worst on the dev set (or against target `ratio`s), with
    `variant="window"` limiting any language's share of the last `window_size` merges to
    `alpha / languages`. The first `global_merges` merges are plain BPE over all languages.

    Train with `trainer.train_from_iterator(tokenizer, train_iterators, dev_iterators=None, ratio=None)`;
    it replaces the tokenizer's model with a new BPE model.
    """

    _DEFAULTS: ClassVar[dict[str, Any]] = {
        "num_merges": 32000,
        "variant": "base",
        "min_frequency": 0,
        "ratio": None,
        "global_merges": 0,
        "window_size": 100,
        "alpha": 2.0,
        "total_symbols": False,
        "special_tokens": [],
        "show_progress": True,
        "limit_alphabet": None,
        "initial_alphabet": [],
        "continuing_subword_prefix": None,
        "end_of_word_suffix": None,
        "max_token_length": None,
    }
    _VARIANTS: ClassVar[tuple[str, ...]] = ("base", "window")

    def __init__(self, **options: Any) -> None:
        for name in ("special_tokens", "initial_alphabet"):
            if name in options and options[name] is None:
                options[name] = []
        super().__init__(**options)
        self._check("variant", self.variant)
        self._check("initial_alphabet", self.initial_alphabet)

    def __setattr__(self, name: str, value: Any) -> None:
        self._check(name, value)
        super().__setattr__(name, value)

    @classmethod
    def _check(cls, name: str, value: Any) -> None:
        if name == "variant" and value not in cls._VARIANTS:
            raise ValueError(f"variant: unknown variant {value!r}, expected 'base' or 'window'")
        if name == "initial_alphabet" and value is not None:
            for i, c in enumerate(value):
                if not isinstance(c, str) or len(c) != 1:
                    raise ValueError(f"initial_alphabet[{i}]: expected a string of length 1, got {c!r}")

    def train_from_iterator(
        self,
        tokenizer: Any,
        train_iterators: Any,
        dev_iterators: Any = None,
        ratio: Any = None,
    ) -> None:
        """Train `tokenizer` (a `ferrotok.Tokenizer`) in place: one iterator of texts (str or lists of
        str) per language in `train_iterators`; `dev_iterators` (one per language, ideally parallel
        text) drive the choice of language, else `ratio` (one target compression rate per language;
        ignored when `dev_iterators` is given), else the training texts themselves."""
        from .training import train_parity_in_place

        train_parity_in_place(tokenizer, self, train_iterators, dev_iterators, ratio)


# The trainer `Tokenizer.train_from_iterator` uses when none is given, by model type.
DEFAULT_TRAINERS: dict[str, type[Trainer]] = {
    "BPE": BpeTrainer,
    "WordPiece": WordPieceTrainer,
    "WordLevel": WordLevelTrainer,
    "Unigram": UnigramTrainer,
}
