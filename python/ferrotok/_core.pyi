"""Type stubs for the compiled extension `ferrotok._core` (Rust, PyO3).

This module only converts types; every behaviour lives in the Rust core.
"""

from collections.abc import Callable, Iterable, Sequence
from typing import Any, final

import numpy as np
import numpy.typing as npt

__all__ = [
    "Component",
    "DecodeStream",
    "EncodeRequest",
    "Encoding",
    "Encodings",
    "FerrotokError",
    "InternalError",
    "ModelInfo",
    "NormalizedString",
    "PreTokenizedString",
    "Token",
    "Tokenizer",
    "TrainingRun",
    "__version__",
    "class_defaults",
    "encode_stream",
    "encode_stream_lines",
    "legacy_document",
    "load_folder",
    "num_threads",
    "set_moses_data_dir",
    "stream_itemsize",
    "tokenizer_sha256",
    "train_parity",
]

__version__: str

def set_moses_data_dir(directory: str) -> None:
    """Register the installed `sacremoses` package's folder, where the Moses tokenizer reads its data."""

def num_threads() -> int:
    """Threads a large batch may use (RAYON_NUM_THREADS, else all cores)."""

def encode_stream(tokenizer: Tokenizer, texts: list[str], separator: int, itemsize: int) -> tuple[bytes, int]:
    """The ids of each text without special tokens, each text followed by `separator`, as little-endian bytes
    of `itemsize` (2 or 4) per id; and the number of ids. ValueError when an id does not fit."""

def encode_stream_lines(
    tokenizer: Tokenizer, data: bytes, separator: int, itemsize: int, parallel: bool = True
) -> tuple[bytes, int, int] | None:
    """`encode_stream` of the lines of `data` (cut at each newline, a final one ending the last line, one
    trailing carriage return removed per line): the stream, its number of ids and the number of lines. None
    when `data` is not valid UTF-8. The GIL is released throughout. `parallel=False`: encoded on the calling
    thread only, for callers that run one call per core themselves."""

def stream_itemsize(tokenizer: Tokenizer) -> int:
    """Bytes per id (2 or 4) of a stream that holds every id of the vocabulary, added tokens included."""

def tokenizer_sha256(tokenizer: Tokenizer) -> str:
    """SHA-256 (hex) of `tokenizer.to_str(False)` as UTF-8, hashed while it is written (GIL released)."""

class FerrotokError(ValueError):
    """Base class of the errors raised for bad configuration files or arguments."""

class InternalError(RuntimeError):
    """A bug inside ferrotok (a Rust panic caught at the boundary); please report it."""

# (max_length, stride, strategy, direction); strategy in "longest_first" | "only_first" | "only_second";
# direction in "right" | "left".
_TruncationArgs = tuple[int, int, str, str]
# The padding settings: (length or None for the longest in the batch, pad_to_multiple_of or None, direction,
# pad_id, pad_type_id, pad_token).
_PaddingDefaults = tuple[int | None, int | None, str, int, int, str]

@final
class EncodeRequest:
    """The resolved options of a batch call (built once, reused by every call with the same options).

    `truncation` is a strategy ("longest_first" | "only_first" | "only_second") or None for none, and needs
    `max_length`; `padding` is "longest", "max_length" (to `pad_length`, else `max_length`) or None;
    sides are "right" | "left"; `return_tensors="np"` asks for int64 arrays, None for lists. The
    `return_*` flags pick the fields beyond "input_ids". `unbatched`: one text given alone, whose list
    fields are its row rather than a list of one row. `split_special_tokens`: special tokens in the text
    are tokenized as text (True) or matched (False); None follows the tokenizer's `encode_special_tokens`.
    `skip_added_tokens`: no added token is matched at all (the text runs through the pipeline alone).
    `keep_cut_tokens`: what truncation cuts is kept for `Encodings.cut_ids`, without rows of its own."""

    def __new__(
        cls,
        *,
        is_pretokenized: bool = False,
        add_special_tokens: bool = True,
        truncation: str | None = None,
        max_length: int | None = None,
        stride: int = 0,
        truncation_side: str = "right",
        padding: str | None = None,
        pad_length: int | None = None,
        pad_to_multiple_of: int | None = None,
        padding_side: str = "right",
        pad_id: int = 0,
        pad_type_id: int = 0,
        pad_token: str = ...,
        return_tensors: str | None = None,
        return_overflowing_tokens: bool = False,
        return_token_type_ids: bool = False,
        return_attention_mask: bool = False,
        return_special_tokens_mask: bool = False,
        return_offsets_mapping: bool = False,
        return_length: bool = False,
        keep_cut_tokens: bool = False,
        unbatched: bool = False,
        split_special_tokens: bool | None = None,
        skip_added_tokens: bool = False,
    ) -> EncodeRequest: ...

@final
class Encoding:
    """One encoded input, with `tokenizers.Encoding`'s attributes and alignment methods."""

    def __init__(self) -> None: ...
    @property
    def ids(self) -> list[int]: ...
    @property
    def type_ids(self) -> list[int]: ...
    @property
    def tokens(self) -> list[str]: ...
    @property
    def offsets(self) -> list[tuple[int, int]]: ...
    @property
    def attention_mask(self) -> list[int]: ...
    @property
    def special_tokens_mask(self) -> list[int]: ...
    @property
    def word_ids(self) -> list[int | None]: ...
    @property
    def words(self) -> list[int | None]: ...
    @property
    def sequence_ids(self) -> list[int | None]: ...
    @property
    def overflowing(self) -> list[Encoding]: ...
    @property
    def n_sequences(self) -> int: ...
    def __len__(self) -> int: ...
    def set_sequence_id(self, sequence_id: int) -> None: ...
    def token_to_sequence(self, token_index: int) -> int | None: ...
    def token_to_word(self, token_index: int) -> int | None: ...
    def token_to_chars(self, token_index: int) -> tuple[int, int] | None: ...
    def word_to_tokens(self, word_index: int, sequence_index: int = 0) -> tuple[int, int] | None: ...
    def word_to_chars(self, word_index: int, sequence_index: int = 0) -> tuple[int, int] | None: ...
    def char_to_token(self, char_pos: int, sequence_index: int = 0) -> int | None: ...
    def char_to_word(self, char_pos: int, sequence_index: int = 0) -> int | None: ...
    def pad(
        self,
        length: int,
        direction: str = "right",
        pad_id: int = 0,
        pad_type_id: int = 0,
        pad_token: str = "[PAD]",
    ) -> None: ...
    def truncate(self, max_length: int, stride: int = 0, direction: str = "right") -> None: ...
    @staticmethod
    def merge(encodings: Sequence[Encoding], growing_offsets: bool = True) -> Encoding: ...

@final
class Encodings:
    """The per-row encodings of one batch call (after overflow rows are flattened)."""

    def __len__(self) -> int: ...
    def encoding(self, i: int) -> Encoding:
        """Row `i` as an `Encoding` (padded like the arrays)."""
    def longest(self) -> int:
        """Length of the longest row as returned (padding included)."""
    def ids(self, i: int) -> list[int]: ...
    def tokens(self, i: int) -> list[str]: ...
    def word_ids(self, i: int) -> list[int | None]: ...
    def sequence_ids(self, i: int) -> list[int | None]: ...
    def cut_ids(self, i: int, seq: int, left: bool) -> list[int]:
        """The tokens of sequence `seq` that truncation cut from input `i`, in text order (`left`: cut on
        the left), kept by a request with `keep_cut_tokens` and stride 0."""
    def offsets(self, i: int) -> list[tuple[int, int]]: ...
    def type_ids(self, i: int) -> list[int]: ...
    def attention_mask(self, i: int) -> list[int]: ...
    def special_tokens_mask(self, i: int) -> list[int]: ...
    def alignment(
        self,
    ) -> tuple[
        npt.NDArray[np.int64],
        npt.NDArray[np.int64],
        npt.NDArray[np.int64],
        npt.NDArray[np.int64],
        npt.NDArray[np.int64],
        npt.NDArray[np.int64],
    ]:
        """Every row's tokens end to end, padded like the arrays: ids, word ids and sequence ids (-1 for
        none), whether each token starts at its word's first character, each row's length, and each row's
        input index."""

@final
class Component:
    """One stage of a tokenizer (shared with it, not copied); `ferrotok.components` wraps it."""

    @staticmethod
    def of(tokenizer: Tokenizer, stage_name: str) -> Component | None:
        """The stage ("normalizer", "pre_tokenizer", "model", "post_processor", "decoder") or None."""
    @staticmethod
    def from_json(stage_name: str, document: str) -> Component:
        """A stage made on its own from its tokenizer.json value."""
    @staticmethod
    def assign(tokenizer: Tokenizer, stage_name: str, component: Component | None) -> None:
        """Set `tokenizer`'s stage (None removes it)."""
    @staticmethod
    def custom(stage_name: str, obj: Any) -> Component:
        """A normalizer, pre-tokenizer or decoder written in Python."""
    def normalize(self, normalized: NormalizedString) -> None: ...
    def pre_tokenize(self, pretok: PreTokenizedString) -> None: ...
    @property
    def stage(self) -> str: ...
    def to_json(self) -> str: ...
    def param(self, name: str) -> str | None:
        """One parameter of the tokenizer.json value, as JSON text."""
    def normalize_str(self, sequence: str) -> str: ...
    def pre_tokenize_str(self, sequence: str) -> list[tuple[str, tuple[int, int]]]: ...
    def decode(self, tokens: Sequence[str]) -> str: ...
    def num_special_tokens_to_add(self, is_pair: bool) -> int: ...
    def process(
        self, encoding: Encoding, pair: Encoding | None = None, add_special_tokens: bool = True
    ) -> Encoding: ...
    def token_to_id(self, token: str) -> int | None: ...
    def id_to_token(self, id: int) -> str | None: ...
    def vocab_size(self) -> int: ...
    def get_vocab(self) -> dict[str, int]: ...
    def tokenize(self, sequence: str) -> list[tuple[int, str, tuple[int, int]]]:
        """(id, token, (start, end)) with byte offsets into `sequence`."""

@final
class NormalizedString:
    """tokenizers' NormalizedString: text under normalization that keeps its alignment to the original."""

    def __new__(cls, sequence: str) -> NormalizedString: ...
    @property
    def normalized(self) -> str: ...
    @property
    def original(self) -> str: ...
    def nfc(self) -> None: ...
    def nfd(self) -> None: ...
    def nfkc(self) -> None: ...
    def nfkd(self) -> None: ...
    def lowercase(self) -> None: ...
    def uppercase(self) -> None: ...
    def strip(self) -> None: ...
    def lstrip(self) -> None: ...
    def rstrip(self) -> None: ...
    def prepend(self, s: str) -> None: ...
    def append(self, s: str) -> None: ...
    def clear(self) -> None: ...
    def replace(self, pattern: Any, content: str) -> None: ...
    def filter(self, func: Callable[[str], bool]) -> None: ...
    def map(self, func: Callable[[str], str]) -> None: ...
    def for_each(self, func: Callable[[str], object]) -> None: ...
    def split(self, pattern: Any, behavior: str) -> list[NormalizedString]: ...
    def slice(self, range: Any) -> NormalizedString | None: ...
    def __getitem__(self, key: Any, /) -> NormalizedString | None: ...

@final
class PreTokenizedString:
    """tokenizers' PreTokenizedString: the normalized text cut into splits."""

    def __new__(cls, sequence: str) -> PreTokenizedString: ...
    def split(self, func: Callable[[int, NormalizedString], Iterable[NormalizedString]]) -> None: ...
    def normalize(self, func: Callable[[NormalizedString], object]) -> None: ...
    def tokenize(self, func: Callable[[str], list[Token]]) -> None: ...
    def to_encoding(self, type_id: int = 0, word_idx: int | None = None) -> Encoding: ...
    def get_splits(
        self, offset_referential: str = "original", offset_type: str = "char"
    ) -> list[tuple[str, tuple[int, int], list[Token] | None]]: ...

@final
class Token:
    """tokenizers' Token: an id, its string and its byte offsets in the split it came from."""

    def __new__(cls, id: int, value: str, offsets: tuple[int, int]) -> Token: ...
    @property
    def id(self) -> int: ...
    @property
    def value(self) -> str: ...
    @property
    def offsets(self) -> tuple[int, int]: ...
    def as_tuple(self) -> tuple[int, str, tuple[int, int]]: ...

@final
class DecodeStream:
    """The state of `ferrotok.decoders.DecodeStream`."""

    def __new__(cls, ids: list[int], skip_special_tokens: bool) -> DecodeStream: ...
    def step(self, tokenizer: Tokenizer, ids: list[int]) -> str | None: ...

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
    @property
    def encode_special_tokens(self) -> bool:
        """tokenizers' `encode_special_tokens`: special tokens in the text are tokenized as ordinary text by
        calls that do not decide for themselves (not serialized)."""
    @encode_special_tokens.setter
    def encode_special_tokens(self, value: bool) -> None: ...
    @property
    def split_skips_added_tokens(self) -> bool:
        """Whether splitting special tokens also leaves the non-special added tokens unmatched
        (transformers' Python classes); not serialized."""
    @split_skips_added_tokens.setter
    def split_skips_added_tokens(self, value: bool) -> None: ...
    @property
    def split_keeps_special_words(self) -> bool:
        """With `split_skips_added_tokens`: whether a special token that is a whole word of the text is still
        kept whole and given to the model as text (the `never_split` of transformers' Python BERT classes);
        not serialized."""
    @split_keeps_special_words.setter
    def split_keeps_special_words(self, value: bool) -> None: ...
    @staticmethod
    def from_file(path: str) -> Tokenizer:
        """Load a tokenizer.json file."""
    @staticmethod
    def from_str(json: str) -> Tokenizer:
        """Load a tokenizer.json document given as a string."""
    @staticmethod
    def from_sentencepiece_unigram(path: str) -> Tokenizer:
        """tokenizers' `SentencePieceUnigramTokenizer.from_spm`: a Unigram `.model` file and that class's pipeline."""
    @staticmethod
    def from_pretrained(directory: str) -> Tokenizer:
        """Load a folder: tokenizer.json when present, else the legacy files (vocab.txt, or vocab.json +
        merges.txt, with tokenizer_config.json / special_tokens_map.json)."""
    def set_post_processor(self, document: str) -> None:
        """Replace the post-processor with a tokenizer.json `post_processor` document ("null": none);
        `to_str` writes the new one."""
    def to_str(self, pretty: bool = False) -> str:
        """Serialize to a tokenizer.json document (Hugging Face's schema)."""
    def encode_fields(
        self,
        first: Sequence[str] | Sequence[Sequence[str]],
        second: Sequence[str] | Sequence[Sequence[str]] | None,
        request: EncodeRequest,
    ) -> tuple[dict[str, npt.NDArray[np.int64] | list[Any]], Encodings]:
        """The batch call behind `FerroTokenizer.__call__`. "input_ids" is always returned, the fields
        the request asks for, and "overflow_to_sample_mapping" with `return_overflowing_tokens`. With
        `return_tensors="np"`, every field is one C-contiguous int64 array (offsets: shape (rows, length,
        2)) written by Rust and handed over without a copy; ragged rows raise ValueError. Otherwise fields
        are lists of lists."""
    def encode_ids(self, text: str, split_special_tokens: bool = False) -> list[int]:
        """The ids of one text with special tokens and no other option (`FerroTokenizer.encode`'s
        fast path)."""
    def encode_encodings(
        self,
        first: Sequence[str] | Sequence[Sequence[str]],
        second: Sequence[str] | Sequence[Sequence[str]] | None = None,
        is_pretokenized: bool = False,
        add_special_tokens: bool = True,
        offsets: bool = True,
    ) -> list[Encoding]:
        """tokenizers' `encode_batch`: one Encoding per input, with the tokenizer's own truncation and
        padding; `offsets=False` leaves every offset (0, 0)."""
    def post_process(
        self, encoding: Encoding, pair: Encoding | None = None, add_special_tokens: bool = True
    ) -> Encoding: ...
    def enable_truncation(
        self, max_length: int, stride: int = 0, strategy: str = "longest_first", direction: str = "right"
    ) -> None: ...
    def no_truncation(self) -> None: ...
    def enable_padding(
        self,
        direction: str = "right",
        pad_id: int = 0,
        pad_type_id: int = 0,
        pad_token: str = "[PAD]",
        length: int | None = None,
        pad_to_multiple_of: int | None = None,
    ) -> None: ...
    def no_padding(self) -> None: ...
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
    def document_entry(self, key: str) -> str:
        """One entry of the tokenizer.json document it was read from, as JSON text (`null` if absent)."""
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
    def feed_iter(self, iterator: Any, progress: Any = None) -> int:
        """Count the words of every text of `iterator` (str, or lists/tuples of str), pulled in chunks;
        `progress(n)` is called after each chunk of `n` texts. Returns the number of texts."""
    def feed_files(self, paths: list[str], progress: Any = None) -> int:
        """Count the words of every line (ending kept) of the files, read by the core with the GIL
        released; `progress(n)` is called after each block of `n` lines. Returns the number of lines."""
    def word_count(self) -> int:
        """Distinct words counted so far."""
    def train(self, progress: Any = None) -> Tokenizer:
        """Train on the counted words; `progress(stage, done, total)` is called about ten times a second.
        Ctrl-C stops training and raises KeyboardInterrupt."""
    def train_model(self, progress: Any = None) -> str:
        """Train and return only the tokenizer.json `model` object, as JSON text."""

def train_parity(
    tokenizer: Tokenizer,
    trainer: str,
    train: list[TrainingRun],
    dev: list[TrainingRun] | None = None,
    progress: Any = None,
) -> Tokenizer:
    """`tokenizer`'s pipeline with a BPE model trained by the parity-aware trainer of options `trainer`
    (`{"type": "ParityBpeTrainer", ...}`) on the words counted by `train` (one run per language) and `dev`
    (one per language, or None); the runs are left empty. GIL released while training; Ctrl-C raises
    KeyboardInterrupt."""

def legacy_document(directory: str) -> str:
    """The tokenizer.json document (as text) that a folder without tokenizer.json converts to: BERT's
    vocab.txt, vocab.json + merges.txt, or a SentencePiece model with its tokenizer_config.json."""

def load_folder(directory: str, overrides: str | None = None) -> tuple[Tokenizer, dict[str, Any] | None]:
    """A model folder loaded once (tokenizer.json, else the legacy files): the tokenizer, and the special tokens a
    SentencePiece folder's class reports, {"named": {"bos_token": str | None, ...}, "extra": [str, ...]}, or
    None for other folders. `overrides` (a JSON object) is written over tokenizer_config.json's entries."""

def class_defaults(tokenizer_class: str) -> dict[str, Any] | None:
    """transformers' defaults for a tokenizer class (a trailing "Fast" ignored): {"specials": {"bos_token":
    str | None, ...}, "padding_side", "truncation_side", "model_input_names"}; None for an unmapped class."""
