"""Type stubs for the compiled extension `ferrotok._core` (Rust, PyO3).

This module only converts types; every behaviour lives in the Rust core.
"""

from collections.abc import Sequence
from typing import Any, final

import numpy as np
import numpy.typing as npt

__all__ = [
    "Encodings",
    "FerrotokError",
    "InternalError",
    "ModelInfo",
    "Tokenizer",
    "TrainingRun",
    "__version__",
    "class_defaults",
    "legacy_document",
    "legacy_special_tokens",
    "num_threads",
]

__version__: str

def num_threads() -> int:
    """Threads a large batch may use (RAYON_NUM_THREADS, else all cores)."""

class FerrotokError(ValueError):
    """Base class of the errors raised for bad configuration files or arguments."""

class InternalError(RuntimeError):
    """A bug inside ferrotok (a Rust panic caught at the boundary); please report it."""

# (max_length, stride, strategy, direction); strategy in "longest_first" | "only_first" | "only_second";
# direction in "right" | "left".
_TruncationArgs = tuple[int, int, str, str]
# (length or None for the longest in the batch, pad_to_multiple_of or None, direction, pad_id, pad_type_id)
_PaddingArgs = tuple[int | None, int | None, str, int, int]
# The tokenizer.json padding defaults: _PaddingArgs followed by the pad token.
_PaddingDefaults = tuple[int | None, int | None, str, int, int, str]

@final
class Encodings:
    """The per-row encodings of one batch call (after overflow rows are flattened)."""

    def __len__(self) -> int: ...
    def longest(self) -> int:
        """Length of the longest row as returned (padding included)."""
    def ids(self, i: int) -> list[int]: ...
    def tokens(self, i: int) -> list[str]: ...
    def word_ids(self, i: int) -> list[int | None]: ...
    def sequence_ids(self, i: int) -> list[int | None]: ...
    def offsets(self, i: int) -> list[tuple[int, int]]: ...
    def type_ids(self, i: int) -> list[int]: ...
    def attention_mask(self, i: int) -> list[int]: ...
    def special_tokens_mask(self, i: int) -> list[int]: ...

@final
class ModelInfo:
    """Read-only facts about the model (what transformers' pipelines inspect)."""

    type: str
    continuing_subword_prefix: str | None
    end_of_word_suffix: str | None
    unk_token: str | None

@final
class Tokenizer:
    @property
    def model(self) -> ModelInfo: ...
    @property
    def fast_paths(self) -> bool:
        """Whether the fused fast paths may run (default True). Off, every text takes the generic
        stage-by-stage chain; the output is the same either way."""
    @fast_paths.setter
    def fast_paths(self, enabled: bool) -> None: ...
    @staticmethod
    def from_file(path: str) -> Tokenizer:
        """Load a tokenizer.json file."""
    @staticmethod
    def from_str(json: str) -> Tokenizer:
        """Load a tokenizer.json document given as a string."""
    @staticmethod
    def from_pretrained(directory: str) -> Tokenizer:
        """Load a folder: tokenizer.json when present, else the legacy files (vocab.txt, or vocab.json +
        merges.txt, with tokenizer_config.json / special_tokens_map.json)."""
    def to_str(self, pretty: bool = False) -> str:
        """Serialize to a tokenizer.json document (Hugging Face's schema)."""
    def encode_batch(
        self,
        first: Sequence[str] | Sequence[Sequence[str]],
        second: Sequence[str] | Sequence[Sequence[str]] | None,
        is_pretokenized: bool,
        add_special_tokens: bool,
        truncation: _TruncationArgs | None,
        padding: _PaddingArgs | None,
        as_arrays: bool,
        return_overflowing: bool,
        fields: Sequence[str],
        pad_token: str = ...,
    ) -> tuple[dict[str, npt.NDArray[np.int64] | list[Any]], Encodings]:
        """Encode a batch. `fields` picks among "token_type_ids", "attention_mask",
        "special_tokens_mask", "offset_mapping", "length"; "input_ids" is always returned, and
        "overflow_to_sample_mapping" when `return_overflowing`. With `as_arrays`, every field is one
        C-contiguous int64 array (offsets: shape (rows, length, 2)) written by Rust and handed over without
        a copy; ragged rows raise ValueError. Otherwise fields are lists of lists."""
    def decode(self, ids: Sequence[int], skip_special_tokens: bool = False) -> str: ...
    def decode_batch(
        self, batch: Sequence[Sequence[int]], skip_special_tokens: bool = False
    ) -> list[str]: ...
    def token_to_id(self, token: str) -> int | None: ...
    def id_to_token(self, id: int) -> str | None: ...
    def get_vocab(self, with_added_tokens: bool = True) -> dict[str, int]: ...
    def vocab_size(self, with_added_tokens: bool = True) -> int: ...
    def add_tokens(self, tokens: Sequence[dict[str, Any]]) -> int:
        """Add tokens given as dicts with "content" and optional "special", "single_word", "lstrip",
        "rstrip", "normalized"; returns how many were new."""
    def added_tokens(self) -> list[dict[str, Any]]:
        """The added tokens, each a dict with "id", "content", "special", "single_word", "lstrip",
        "rstrip", "normalized", sorted by id."""
    def num_special_tokens_to_add(self, is_pair: bool) -> int: ...
    def train_from_iterator(self, iterator: Any, trainer: Any = None, length: int | None = None) -> None:
        """tokenizers' `train_from_iterator`: train the model in place on an iterator of str (or of
        lists of str) with a `ferrotok.trainers` trainer (the model's default trainer when None)."""
    def train(self, files: Any, trainer: Any = None) -> None:
        """tokenizers' `train`: train the model in place on the lines of `files`."""
    def _replace_with(self, other: Tokenizer) -> None:
        """Take `other`'s state (used by in-place training)."""
    def defaults(self) -> tuple[_TruncationArgs | None, _PaddingDefaults | None]:
        """The truncation and padding defaults of the tokenizer.json (None where it has none)."""

@final
class TrainingRun:
    """Word counting and training for `ferrotok.training`: `feed` chunks of texts, then `train`."""

    def __new__(cls, tokenizer: Tokenizer, trainer: str) -> TrainingRun:
        """`trainer`: the JSON of a trainer's options, `{"type": "BpeTrainer", ...}`."""
    def feed(self, texts: list[str], first: int) -> None:
        """Normalize, pre-tokenize and count the words of `texts` (GIL released); `first` is the index of
        texts[0] in the corpus, for error messages."""
    def word_count(self) -> int:
        """Distinct words counted so far."""
    def train(self, progress: Any = None) -> Tokenizer:
        """Train on the counted words; `progress(stage, done, total)` is called about ten times a second.
        Ctrl-C stops training and raises KeyboardInterrupt."""
    def train_model(self, progress: Any = None) -> str:
        """Train and return only the tokenizer.json `model` object, as JSON text."""

def legacy_document(directory: str) -> str:
    """The tokenizer.json document (as text) that a folder without tokenizer.json converts to: BERT's
    vocab.txt, vocab.json + merges.txt, or a SentencePiece model with its tokenizer_config.json."""

def legacy_special_tokens(directory: str) -> dict[str, Any] | None:
    """The special tokens a SentencePiece folder's class reports: {"named": {"bos_token": str | None, ...},
    "extra": [str, ...]}; None for other folders."""

def class_defaults(tokenizer_class: str) -> dict[str, Any] | None:
    """transformers' defaults for a tokenizer class (a trailing "Fast" ignored): {"specials": {"bos_token":
    str | None, ...}, "padding_side", "truncation_side", "model_input_names"}; None for an unmapped class."""
