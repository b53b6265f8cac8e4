"""`ferrotok.Tokenizer`: a drop-in for `tokenizers.Tokenizer` (Hugging Face's raw library), backed by the
Rust core.

Encoding runs in Rust with the GIL released; this module only shapes arguments the way `tokenizers`
accepts them (single texts, pairs as tuples, pre-tokenized word lists, `AddedToken` objects).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from typing import Any

from . import _core, _morphology, components
from ._added_token import AddedToken, added_tokens_decoder
from ._core import Encoding

# The core's names of truncation strategies → tokenizers' spelling in `Tokenizer.truncation`.
_STRATEGY_NAMES = {"LongestFirst": "longest_first", "OnlyFirst": "only_first", "OnlySecond": "only_second"}


def _token_dict(token: object, special: bool) -> dict[str, Any]:
    """A str or AddedToken-like object → the dict the core's `add_tokens` takes."""
    if isinstance(token, str):
        return {"content": token, "special": special, "normalized": not special}
    content = getattr(token, "content", None)
    if not isinstance(content, str):
        raise TypeError(f"expected str or AddedToken, got {type(token).__name__}")
    d = {k: bool(getattr(token, k)) for k in ("single_word", "lstrip", "rstrip", "normalized", "special")}
    d["content"] = content
    if special:
        # tokenizers' add_special_tokens marks every token special; a normalized flag not given follows.
        d["special"] = True
        if getattr(token, "_normalized", False) is None:
            d["normalized"] = False
    return d


def _split_batch(inputs: Sequence[Any], is_pretokenized: bool) -> tuple[list[Any], list[Any] | None]:
    """A tokenizers batch (single inputs and (input, pair) tuples, possibly mixed) → two aligned lists."""
    if isinstance(inputs, str) or not isinstance(inputs, Sequence):
        raise TypeError(f"input: expected a list of inputs, got {type(inputs).__name__}")
    firsts: list[Any] = []
    seconds: list[Any] = []
    any_pair = False
    for i, item in enumerate(inputs):
        if is_pretokenized:
            pair = isinstance(item, (list, tuple)) and len(item) == 2 and not isinstance(item[0], str)
        else:
            pair = isinstance(item, (list, tuple))
        if pair:
            if len(item) != 2:
                raise TypeError(f"input[{i}]: a pair must hold exactly two sequences, got {len(item)}")
            firsts.append(item[0])
            seconds.append(item[1])
            any_pair = True
        else:
            firsts.append(item)
            seconds.append(None)
    return (firsts, seconds) if any_pair else (firsts, None)


class Tokenizer:
    """A tokenizer with the interface of `tokenizers.Tokenizer` and Hugging Face-exact outputs."""

    __slots__ = ("_tokenizer",)

    def __init__(self, model: Any) -> None:
        """A tokenizer around `model` (a `ferrotok.models` model, or a tokenizers one through its state) and
        no other stage, as `tokenizers.Tokenizer(model)`; the loaders (`from_file`, ...) build the rest."""
        if isinstance(model, _core.Tokenizer):
            self._tokenizer = model
            return
        try:
            value = components.component_json(model, "model")
        except TypeError:
            raise TypeError(
                "Tokenizer: expected a model (ferrotok.models.BPE(...), ...), or use Tokenizer.from_file,"
                f" from_str, from_buffer or from_pretrained (got {type(model).__name__})"
            ) from None
        document: dict[str, Any] = {"version": "1.0", "truncation": None, "padding": None, "added_tokens": []}
        document.update(
            {stage: None for stage in ("normalizer", "pre_tokenizer", "post_processor", "decoder")}
        )
        document["model"] = value
        self._tokenizer = _core.Tokenizer.from_str(json.dumps(document))

    # --- loading / saving -----------------------------------------------------------------------------
    @staticmethod
    def from_file(path: str | os.PathLike[str]) -> Tokenizer:
        """Load a tokenizer.json file."""
        return Tokenizer(_core.Tokenizer.from_file(os.fspath(path)))

    @staticmethod
    def from_str(json: str) -> Tokenizer:
        """Load a tokenizer.json document given as a string."""
        return Tokenizer(_core.Tokenizer.from_str(json))

    @staticmethod
    def from_buffer(buffer: bytes | bytearray | memoryview) -> Tokenizer:
        """Load a tokenizer.json document given as UTF-8 bytes."""
        return Tokenizer(_core.Tokenizer.from_str(bytes(buffer).decode("utf-8")))

    @staticmethod
    def from_pretrained(
        identifier: str | os.PathLike[str], revision: str = "main", token: str | None = None
    ) -> Tokenizer:
        """Load a model folder (tokenizer.json, or the legacy vocabulary files): a local path, or a model id
        resolved through huggingface_hub (its cache, `HF_HUB_OFFLINE`, ...) at `revision`."""
        path = os.fspath(identifier)
        if not os.path.isdir(path):
            from .hub import resolve_model_id

            path = resolve_model_id(path, revision=revision, token=token)
        core = _core.Tokenizer.from_pretrained(path)
        _morphology.attach_folder(core, path)  # BertJapanese's MeCab / Sudachi
        return Tokenizer(core)

    def to_str(self, pretty: bool = False) -> str:
        """The tokenizer.json document, padding and truncation settings included."""
        return self._tokenizer.to_str(bool(pretty))

    def save(self, path: str | os.PathLike[str], pretty: bool = True) -> None:
        """Write the tokenizer.json document to `path`."""
        with open(os.fspath(path), "w", encoding="utf-8") as f:
            f.write(self.to_str(pretty))

    def __getstate__(self) -> str:
        return self.to_str()

    def __setstate__(self, state: str) -> None:
        self._tokenizer = _core.Tokenizer.from_str(state)

    # --- encoding -------------------------------------------------------------------------------------
    def encode(
        self,
        sequence: str | Sequence[str],
        pair: str | Sequence[str] | None = None,
        is_pretokenized: bool = False,
        add_special_tokens: bool = True,
    ) -> Encoding:
        """Encode one sequence (a str, or a list of words with `is_pretokenized`) and an optional pair."""
        if sequence is None:
            raise TypeError("sequence: expected str (or a list of str with is_pretokenized=True), got None")
        if not is_pretokenized and not isinstance(sequence, str):
            raise TypeError(f"sequence: expected str, got {type(sequence).__name__}")
        second = None if pair is None else [pair]
        return self._tokenizer.encode_encodings(
            [sequence], second, bool(is_pretokenized), bool(add_special_tokens)
        )[0]

    def encode_batch(
        self, input: Sequence[Any], is_pretokenized: bool = False, add_special_tokens: bool = True
    ) -> list[Encoding]:
        """Encode a batch of inputs, each a sequence or a (sequence, pair) tuple; padding applies per batch."""
        return self._batch(input, is_pretokenized, add_special_tokens, True)

    def encode_batch_fast(
        self, input: Sequence[Any], is_pretokenized: bool = False, add_special_tokens: bool = True
    ) -> list[Encoding]:
        """`encode_batch` without offsets (every offset is (0, 0)), as tokenizers defines it."""
        return self._batch(input, is_pretokenized, add_special_tokens, False)

    def _batch(
        self, inputs: Sequence[Any], is_pretokenized: bool, add_special_tokens: bool, offsets: bool
    ) -> list[Encoding]:
        firsts, seconds = _split_batch(inputs, bool(is_pretokenized))
        core = self._tokenizer
        if seconds is None or all(s is not None for s in seconds):
            return core.encode_encodings(
                firsts, seconds, bool(is_pretokenized), bool(add_special_tokens), offsets
            )
        # Singles and pairs mixed: encoded in two calls and put back in order.
        padding = self.padding
        if padding is not None and padding["length"] is None:
            raise NotImplementedError(
                "ferrotok.Tokenizer: a batch mixing single sequences and pairs cannot be padded to its longest"
                " row; give pairs for every input or set a padding length"
            )
        singles = [i for i, s in enumerate(seconds) if s is None]
        pairs = [i for i, s in enumerate(seconds) if s is not None]
        flags = (bool(is_pretokenized), bool(add_special_tokens), offsets)
        out: list[Any] = [None] * len(firsts)
        for i, e in zip(
            singles, core.encode_encodings([firsts[i] for i in singles], None, *flags), strict=True
        ):
            out[i] = e
        pair_encodings = core.encode_encodings(
            [firsts[i] for i in pairs], [seconds[i] for i in pairs], *flags
        )
        for i, e in zip(pairs, pair_encodings, strict=True):
            out[i] = e
        return out

    # tokenizers' awaitable calls: the same work on a worker thread (the core lets go of the GIL for any
    # input long enough to matter), so an event loop keeps serving meanwhile.
    async def async_encode(
        self,
        sequence: str | Sequence[str],
        pair: str | Sequence[str] | None = None,
        is_pretokenized: bool = False,
        add_special_tokens: bool = True,
    ) -> Encoding:
        return await _in_thread(self.encode, sequence, pair, is_pretokenized, add_special_tokens)

    async def async_encode_batch(
        self, input: Sequence[Any], is_pretokenized: bool = False, add_special_tokens: bool = True
    ) -> list[Encoding]:
        return await _in_thread(self.encode_batch, input, is_pretokenized, add_special_tokens)

    async def async_encode_batch_fast(
        self, input: Sequence[Any], is_pretokenized: bool = False, add_special_tokens: bool = True
    ) -> list[Encoding]:
        return await _in_thread(self.encode_batch_fast, input, is_pretokenized, add_special_tokens)

    async def async_decode_batch(
        self, sequences: Sequence[Sequence[int]], skip_special_tokens: bool = True
    ) -> list[str]:
        return await _in_thread(self.decode_batch, sequences, skip_special_tokens)

    def post_process(
        self, encoding: Encoding, pair: Encoding | None = None, add_special_tokens: bool = True
    ) -> Encoding:
        """Truncate, add special tokens and pad encodings made with `add_special_tokens=False`."""
        return self._tokenizer.post_process(encoding, pair, bool(add_special_tokens))

    def num_special_tokens_to_add(self, is_pair: bool) -> int:
        return self._tokenizer.num_special_tokens_to_add(bool(is_pair))

    # --- decoding -------------------------------------------------------------------------------------
    def decode(self, ids: Sequence[int], skip_special_tokens: bool = True) -> str:
        return self._tokenizer.decode(list(ids), bool(skip_special_tokens))

    def decode_batch(self, sequences: Sequence[Sequence[int]], skip_special_tokens: bool = True) -> list[str]:
        return self._tokenizer.decode_batch([list(s) for s in sequences], bool(skip_special_tokens))

    # --- vocabulary -----------------------------------------------------------------------------------
    def token_to_id(self, token: str) -> int | None:
        return self._tokenizer.token_to_id(token)

    def id_to_token(self, id: int) -> str | None:
        return self._tokenizer.id_to_token(id)

    def get_vocab(self, with_added_tokens: bool = True) -> dict[str, int]:
        return self._tokenizer.get_vocab(bool(with_added_tokens))

    def get_vocab_size(self, with_added_tokens: bool = True) -> int:
        return self._tokenizer.vocab_size(bool(with_added_tokens))

    def add_tokens(self, tokens: Iterable[str | AddedToken]) -> int:
        """Add tokens (str or AddedToken); returns how many were not in the vocabulary yet."""
        return self._tokenizer.add_tokens([_token_dict(t, False) for t in _token_list(tokens)])

    def add_special_tokens(self, tokens: Iterable[str | AddedToken]) -> int:
        """Add special tokens (str or AddedToken; `special` forced on); returns how many were new."""
        return self._tokenizer.add_tokens([_token_dict(t, True) for t in _token_list(tokens)])

    def get_added_tokens_decoder(self) -> dict[int, AddedToken]:
        return added_tokens_decoder(self._tokenizer.added_tokens())

    # --- padding and truncation -----------------------------------------------------------------------
    def enable_padding(
        self,
        direction: str = "right",
        pad_id: int = 0,
        pad_type_id: int = 0,
        pad_token: str = "[PAD]",
        length: int | None = None,
        pad_to_multiple_of: int | None = None,
    ) -> None:
        """Pad every batch to its longest row (`length=None`) or to `length`."""
        self._tokenizer.enable_padding(direction, pad_id, pad_type_id, pad_token, length, pad_to_multiple_of)

    def no_padding(self) -> None:
        self._tokenizer.no_padding()

    @property
    def padding(self) -> dict[str, Any] | None:
        """The padding settings as tokenizers reports them, or None."""
        _, p = self._tokenizer.defaults()
        if p is None:
            return None
        length, multiple, direction, pad_id, pad_type_id, pad_token = p
        return {
            "length": length,
            "pad_to_multiple_of": multiple,
            "pad_id": pad_id,
            "pad_token": pad_token,
            "pad_type_id": pad_type_id,
            "direction": direction,
        }

    def enable_truncation(
        self, max_length: int, stride: int = 0, strategy: str = "longest_first", direction: str = "right"
    ) -> None:
        """Truncate every encoding to `max_length` tokens (special tokens included)."""
        added = self._tokenizer.num_special_tokens_to_add(False)
        # tokenizers' own check (one more than its message says: a window may repeat all but one token).
        if stride > 0 and stride > max_length - added:
            raise ValueError(
                f"tokenizer stride set to {stride}, which is greater than or equal to its effective max length "
                f"of {max_length - added} (= {max_length} original max length - {added} added special tokens), "
            )
        self._tokenizer.enable_truncation(max_length, stride, strategy, direction)

    def no_truncation(self) -> None:
        self._tokenizer.no_truncation()

    @property
    def truncation(self) -> dict[str, Any] | None:
        """The truncation settings as tokenizers reports them, or None."""
        t, _ = self._tokenizer.defaults()
        if t is None:
            return None
        max_length, stride, strategy, direction = t
        strategy = _STRATEGY_NAMES.get(strategy, strategy)
        return {"max_length": max_length, "stride": stride, "strategy": strategy, "direction": direction}

    # --- training -------------------------------------------------------------------------------------
    def train_from_iterator(
        self, iterator: Iterable[Any], trainer: Any = None, length: int | None = None
    ) -> None:
        """Train the model in place on texts (str or lists of str); see `ferrotok.trainers`."""
        self._tokenizer.train_from_iterator(iterator, trainer, length)

    def train(self, files: Any, trainer: Any = None) -> None:
        """Train the model in place on the lines of `files`."""
        self._tokenizer.train(files, trainer)

    # --- components -----------------------------------------------------------------------------------
    @property
    def encode_special_tokens(self) -> bool:
        """Whether special tokens in the text are tokenized as ordinary text instead of being matched as
        added tokens (tokenizers' flag; not written by `to_str`)."""
        return self._tokenizer.encode_special_tokens

    @encode_special_tokens.setter
    def encode_special_tokens(self, value: bool) -> None:
        self._tokenizer.encode_special_tokens = bool(value)

    @property
    def fast_paths(self) -> bool:
        """Whether the fused fast paths may replace the stage-by-stage pipeline (same outputs)."""
        return self._tokenizer.fast_paths

    @fast_paths.setter
    def fast_paths(self, enabled: bool) -> None:
        self._tokenizer.fast_paths = bool(enabled)

    # The stages, as tokenizers' component objects (None where the tokenizer has none). Setting one takes a
    # ferrotok component, a tokenizers component (through its JSON state) or None.
    @property
    def normalizer(self) -> components.Normalizer | None:
        return components.read(self._tokenizer, "normalizer")

    @normalizer.setter
    def normalizer(self, value: object) -> None:
        components.assign(self._tokenizer, "normalizer", value)

    @property
    def pre_tokenizer(self) -> components.PreTokenizer | None:
        return components.read(self._tokenizer, "pre_tokenizer")

    @pre_tokenizer.setter
    def pre_tokenizer(self, value: object) -> None:
        components.assign(self._tokenizer, "pre_tokenizer", value)

    @property
    def model(self) -> components.Model:
        """The model (`type`, `unk_token`, `token_to_id`, `tokenize`, ...)."""
        return components.read(self._tokenizer, "model")

    @model.setter
    def model(self, value: object) -> None:
        components.assign(self._tokenizer, "model", value)

    @property
    def post_processor(self) -> components.PostProcessor | None:
        return components.read(self._tokenizer, "post_processor")

    @post_processor.setter
    def post_processor(self, value: object) -> None:
        components.assign(self._tokenizer, "post_processor", value)

    @property
    def decoder(self) -> components.Decoder | None:
        return components.read(self._tokenizer, "decoder")

    @decoder.setter
    def decoder(self, value: object) -> None:
        components.assign(self._tokenizer, "decoder", value)

    def __repr__(self) -> str:
        return f"Tokenizer(vocab_size={self.get_vocab_size()}, model={self.model.type})"


async def _in_thread(f: Any, *args: Any) -> Any:
    import asyncio  # imported here: it weighs on the start-up of every `import ferrotok` otherwise

    return await asyncio.to_thread(f, *args)


def _token_list(tokens: Iterable[Any]) -> list[Any]:
    if isinstance(tokens, (str, AddedToken)):
        raise TypeError("tokens: expected a list of str or AddedToken")
    return list(tokens)
