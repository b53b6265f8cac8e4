"""`BatchEncoding`: the dict-like result of `FerroTokenizer.__call__`, shaped like transformers' class.

Values are lists (no tensors requested) or numpy arrays / torch tensors written by the Rust core. Alignment
queries (tokens, word ids, sequence ids, char/token maps) read the core's `Encodings` lazily, so nothing
is converted to Python unless asked for.
"""

from __future__ import annotations

from collections import UserDict
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from ._arguments import enum_value

if TYPE_CHECKING:  # numpy is imported where it is used: `import ferrotok` stays light
    import numpy as np
    import torch

    from ._core import Encoding, Encodings

TENSOR_TYPES = ("np", "pt", "mlx")

RAGGED_TENSOR_MESSAGE = (
    "Unable to create tensor, you should probably activate truncation and/or padding with"
    " 'padding=True' 'truncation=True' to have batched tensors with the same length. Perhaps your"
    " features (`{key}` in this case) have excessive nesting (inputs type `list` where type `int` is"
    " expected)."
)


class CharSpan(NamedTuple):
    """A character span [start, end) in the original string."""

    start: int
    end: int


class TokenSpan(NamedTuple):
    """A token span [start, end) in the encoded sequence."""

    start: int
    end: int


def check_tensor_type(tensor_type: object) -> str | None:
    """Validate `return_tensors`: None, "np" or "pt" (torch must be importable for "pt")."""
    if tensor_type is None:
        return None
    value = enum_value(tensor_type)
    if value not in TENSOR_TYPES:
        raise ValueError(f"return_tensors: {tensor_type!r} is not supported; use None, 'np', 'pt' or 'mlx'")
    if value == "mlx":
        try:
            import mlx.core  # noqa: F401
        except ImportError as exc:  # mlx exists for Apple silicon only
            raise ImportError(
                "Unable to convert output to MLX tensors format, MLX is not installed."
            ) from exc
    if value == "pt":
        try:
            import torch  # noqa: F401
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ImportError(
                "Unable to convert output to PyTorch tensors format, PyTorch is not installed."
            ) from exc
    return str(value)


def _as_numpy(value: Any) -> np.ndarray:
    """Lists → int64 array; ragged lists → object array of arrays, as transformers does for "np"."""
    import numpy as np

    if isinstance(value, np.ndarray):
        return value
    if (
        isinstance(value, (list, tuple))
        and value
        and isinstance(value[0], (list, tuple, np.ndarray))
        and len({len(v) for v in value}) > 1
    ):
        out = np.empty(len(value), dtype=object)
        for i, v in enumerate(value):
            out[i] = np.asarray(v)
        return out
    if isinstance(value, (list, tuple)) and len(value) == 0:
        return np.asarray(value, dtype=np.int64)
    return np.asarray(value)


def to_tensor(value: Any, tensor_type: str, key: str) -> Any:
    """Convert one field to the requested tensor type (used for Python-built values: `pad`, ragged rows)."""
    if tensor_type == "np":
        try:
            return _as_numpy(value)
        except Exception as exc:
            raise ValueError(RAGGED_TENSOR_MESSAGE.format(key=key)) from exc
    if tensor_type == "mlx":
        import mlx.core as mx

        array = _as_numpy(value)
        if array.dtype == object:
            raise ValueError(RAGGED_TENSOR_MESSAGE.format(key=key))
        return mx.array(array)
    import numpy as np
    import torch

    if isinstance(value, torch.Tensor):
        return value
    if isinstance(value, np.ndarray):
        if value.dtype == object:
            raise ValueError(RAGGED_TENSOR_MESSAGE.format(key=key))
        return torch.from_numpy(value)
    try:
        if isinstance(value, (list, tuple)) and len(value) == 0:
            return torch.tensor(value, dtype=torch.int64)
        return torch.tensor(value)
    except Exception as exc:
        raise ValueError(RAGGED_TENSOR_MESSAGE.format(key=key)) from exc


class _EncodingRows:
    """`Encoding` objects given to `BatchEncoding(...)`, read as the core's `Encodings` is."""

    __slots__ = ("rows",)

    def __init__(self, rows: list[Encoding]) -> None:
        self.rows = rows

    def __len__(self) -> int:
        return len(self.rows)

    def encoding(self, i: int) -> Encoding:
        return self.rows[i]


class BatchEncoding(UserDict):  # type: ignore[type-arg]
    """Output of a tokenizer call: a dict of model inputs plus the alignment information of each row."""

    def __init__(
        self,
        data: dict[str, Any] | None = None,
        encoding: Encodings | Encoding | Sequence[Encoding] | None = None,
        tensor_type: str | None = None,
        prepend_batch_axis: bool = False,
        n_sequences: int | None = None,
    ) -> None:
        # UserDict.__init__ copies item by item through `update`; a plain dict copy is enough here.
        self.data = dict(data) if data else {}
        # `encoding`: the core's Encodings, or tokenizers-style `Encoding` objects (one or a list), as
        # transformers takes them.
        if encoding is not None and not hasattr(encoding, "encoding"):
            rows = [encoding] if hasattr(encoding, "ids") else list(encoding)
            encoding = _EncodingRows(rows)  # type: ignore[assignment]
            if n_sequences is None and rows:
                n_sequences = rows[0].n_sequences
        self._encodings = encoding
        self._n_sequences = n_sequences
        if tensor_type is not None:
            self.convert_to_tensors(tensor_type, prepend_batch_axis)

    @classmethod
    def _adopt(cls, data: dict[str, Any], encodings: Encodings, n_sequences: int) -> BatchEncoding:
        """A tokenizer call's result around a dict made for it (not copied, unlike `__init__`)."""
        enc = cls.__new__(cls)
        enc.data = data
        enc._encodings = encodings
        enc._n_sequences = n_sequences
        return enc

    # --- dict behaviour -------------------------------------------------------------------------------
    def __getitem__(self, item: str | int | slice) -> Any:
        if isinstance(item, str):
            return self.data[item]
        if self._encodings is not None and isinstance(item, int):
            return self._row_view(item)
        if isinstance(item, slice):
            return {key: value[item] for key, value in self.data.items()}
        raise KeyError(
            "Invalid key. Only three types of key are available: "
            "(1) string, (2) integers for backend Encoding, and (3) slices for data subsetting."
        )

    def __getattr__(self, item: str) -> Any:
        if item.startswith("__") or item in ("data", "_encodings", "_n_sequences"):
            raise AttributeError(item)
        try:
            return self.data[item]
        except KeyError:
            raise AttributeError(item) from None

    def __getstate__(self) -> dict[str, Any]:
        # The core's Encodings object is not picklable; alignment queries are lost on unpickling.
        return {"data": self.data, "n_sequences": self._n_sequences}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.data = state["data"]
        self._encodings = None
        self._n_sequences = state.get("n_sequences")

    # --- alignment ------------------------------------------------------------------------------------
    @property
    def is_fast(self) -> bool:
        return self._encodings is not None

    @property
    def n_sequences(self) -> int | None:
        return self._n_sequences

    @property
    def encodings(self) -> list[Encoding] | None:
        if self._encodings is None:
            return None
        return [self._encodings.encoding(i) for i in range(len(self._encodings))]

    def _row_view(self, batch_index: int) -> Encoding:
        encodings = self._require_encodings()
        n = len(encodings)
        if batch_index < 0:
            batch_index += n
        if not 0 <= batch_index < n:
            raise IndexError(f"batch_index {batch_index} out of range for a batch of {n}")
        return encodings.encoding(batch_index)

    def _require_encodings(self) -> Encodings:
        if self._encodings is None:
            raise ValueError("This BatchEncoding carries no alignment information (it was built by `pad`).")
        return self._encodings

    def tokens(self, batch_index: int = 0) -> list[str]:
        return self._row_view(batch_index).tokens

    def word_ids(self, batch_index: int = 0) -> list[int | None]:
        return self._row_view(batch_index).word_ids

    def words(self, batch_index: int = 0) -> list[int | None]:
        return self.word_ids(batch_index)

    def sequence_ids(self, batch_index: int = 0) -> list[int | None]:
        return self._row_view(batch_index).sequence_ids

    def _split(self, batch_or_index: int, index: int | None) -> tuple[int, int]:
        return (0, batch_or_index) if index is None else (batch_or_index, index)

    def token_to_sequence(self, batch_or_token_index: int, token_index: int | None = None) -> int | None:
        batch, token = self._split(batch_or_token_index, token_index)
        return self.sequence_ids(batch)[token]

    def token_to_word(self, batch_or_token_index: int, token_index: int | None = None) -> int | None:
        batch, token = self._split(batch_or_token_index, token_index)
        return self.word_ids(batch)[token]

    def token_to_chars(self, batch_or_token_index: int, token_index: int | None = None) -> CharSpan | None:
        batch, token = self._split(batch_or_token_index, token_index)
        row = self._row_view(batch)
        if row.sequence_ids[token] is None:
            return None
        start, end = row.offsets[token]
        return CharSpan(start, end)

    def word_to_tokens(
        self, batch_or_word_index: int, word_index: int | None = None, sequence_index: int = 0
    ) -> TokenSpan | None:
        batch, word = self._split(batch_or_word_index, word_index)
        row = self._row_view(batch)
        hits = [
            i
            for i, (w, s) in enumerate(zip(row.word_ids, row.sequence_ids, strict=True))
            if w == word and s == sequence_index
        ]
        return TokenSpan(hits[0], hits[-1] + 1) if hits else None

    def word_to_chars(
        self, batch_or_word_index: int, word_index: int | None = None, sequence_index: int = 0
    ) -> CharSpan | None:
        """The character span of a word of sequence `sequence_index` (None when it has no tokens)."""
        batch, word = self._split(batch_or_word_index, word_index)
        span = self.word_to_tokens(batch, word, sequence_index)
        if span is None:
            return None
        offsets = self._row_view(batch).offsets
        return CharSpan(offsets[span.start][0], offsets[span.end - 1][1])

    def char_to_token(
        self, batch_or_char_index: int, char_index: int | None = None, sequence_index: int = 0
    ) -> int | None:
        batch, char = self._split(batch_or_char_index, char_index)
        row = self._row_view(batch)
        for i, ((start, end), seq) in enumerate(zip(row.offsets, row.sequence_ids, strict=True)):
            if seq == sequence_index and start <= char < end:
                return i
        return None

    def char_to_word(
        self, batch_or_char_index: int, char_index: int | None = None, sequence_index: int = 0
    ) -> int | None:
        batch, char = self._split(batch_or_char_index, char_index)
        token = self.char_to_token(batch, char, sequence_index)
        return None if token is None else self.word_ids(batch)[token]

    # --- tensors --------------------------------------------------------------------------------------
    def convert_to_tensors(
        self, tensor_type: str | None = None, prepend_batch_axis: bool = False
    ) -> BatchEncoding:
        """Convert every field to `tensor_type` ("pt", "np" or "mlx"); `prepend_batch_axis` makes each
        field a batch of one (as transformers does for a single example)."""
        kind = check_tensor_type(tensor_type)
        if kind is None:
            return self
        for key, value in self.data.items():
            self.data[key] = to_tensor([value] if prepend_batch_axis else value, kind, key)
        return self

    def to(self, device: str | int | torch.device, *, non_blocking: bool = False) -> BatchEncoding:
        """Move every torch tensor to `device` (PyTorch only)."""
        self.data = {
            k: v.to(device=device, non_blocking=non_blocking) if hasattr(v, "to") and callable(v.to) else v
            for k, v in self.data.items()
        }
        return self

    def __iter__(self) -> Iterator[str]:
        return iter(self.data)

    def __repr__(self) -> str:
        return repr(self.data)
