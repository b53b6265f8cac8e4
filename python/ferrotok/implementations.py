"""tokenizers' ready-made tokenizers (`tokenizers.ByteLevelBPETokenizer`, `BertWordPieceTokenizer`, ...):
a pipeline built from a few arguments, trained with `train` / `train_from_iterator` and saved with
`save_model` or `save`, as in Hugging Face's "train a language model from scratch" recipes.

Each class assembles the same components, trainer options and special tokens as tokenizers' class of the
same name, so training on the same text gives the same files. They wrap a `ferrotok.Tokenizer`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from . import _core, decoders, normalizers, pre_tokenizers, processors, trainers
from ._added_token import AddedToken
from ._core import Encoding
from .components import Regex
from .models import BPE, Unigram, WordPiece
from .tokenizer import Tokenizer

Token = str | AddedToken
_UNICODE_NORMALIZERS = {
    "nfc": normalizers.NFC,
    "nfd": normalizers.NFD,
    "nfkc": normalizers.NFKC,
    "nfkd": normalizers.NFKD,
}


def _unicode_normalizer(name: str) -> Any:
    try:
        return _UNICODE_NORMALIZERS[name]()
    except KeyError:
        raise ValueError(
            f"unicode_normalizer: {name!r} is not one of {', '.join(map(repr, _UNICODE_NORMALIZERS))}"
        ) from None


def _set_normalizers(tokenizer: Tokenizer, parts: list[Any]) -> None:
    """No normalizer, the only one, or a Sequence of them, as tokenizers' classes set it."""
    if len(parts) == 1:
        tokenizer.normalizer = parts[0]
    elif parts:
        tokenizer.normalizer = normalizers.Sequence(parts)


def _add_known_specials(tokenizer: Tokenizer, tokens: Sequence[Token]) -> None:
    """Mark as special those of `tokens` the vocabulary already has, one by one in the order given."""
    for token in tokens:
        if tokenizer.token_to_id(str(token)) is not None:
            tokenizer.add_special_tokens([str(token)])


def _bpe_model(vocab: Any, merges: Any, **options: Any) -> BPE:
    """A BPE model from dicts / lists, from file paths (tokenizers' older form), or empty (to train)."""
    if vocab is None or merges is None:
        return BPE(**options)
    if isinstance(vocab, (str, os.PathLike)) and isinstance(merges, (str, os.PathLike)):
        return BPE.from_file(vocab, merges, **options)  # type: ignore[attr-defined, no-any-return]
    return BPE(vocab, merges, **options)


def _bpe_trainer(options: dict[str, Any], **extra: Any) -> Any:
    """The BpeTrainer of CharBPETokenizer's and SentencePieceBPETokenizer's `train` arguments."""
    return trainers.BpeTrainer(
        vocab_size=options["vocab_size"],
        min_frequency=options["min_frequency"],
        special_tokens=list(options["special_tokens"]),
        limit_alphabet=options["limit_alphabet"],
        initial_alphabet=list(options["initial_alphabet"]),
        show_progress=options["show_progress"],
        **extra,
    )


def _files(files: str | Sequence[str]) -> list[str]:
    return [files] if isinstance(files, str) else list(files)


class BaseTokenizer:
    """A `ferrotok.Tokenizer` with the parameters it was built from (tokenizers' `BaseTokenizer`)."""

    def __init__(self, tokenizer: Tokenizer, parameters: dict[str, Any] | None = None) -> None:
        self._tokenizer = tokenizer
        self._parameters = dict(parameters or {})

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v}" for k, v in self._parameters.items())
        return f"Tokenizer(vocabulary_size={self._tokenizer.get_vocab_size()}, {params})"

    # --- vocabulary ---------------------------------------------------------------------------------
    def num_special_tokens_to_add(self, is_pair: bool) -> int:
        return self._tokenizer.num_special_tokens_to_add(is_pair)

    def get_vocab(self, with_added_tokens: bool = True) -> dict[str, int]:
        return self._tokenizer.get_vocab(with_added_tokens=with_added_tokens)

    def get_added_tokens_decoder(self) -> dict[int, AddedToken]:
        return self._tokenizer.get_added_tokens_decoder()

    def get_vocab_size(self, with_added_tokens: bool = True) -> int:
        return self._tokenizer.get_vocab_size(with_added_tokens=with_added_tokens)

    def add_tokens(self, tokens: list[Token]) -> int:
        return self._tokenizer.add_tokens(tokens)

    def add_special_tokens(self, special_tokens: list[Token]) -> int:
        return self._tokenizer.add_special_tokens(special_tokens)

    def token_to_id(self, token: str) -> int | None:
        return self._tokenizer.token_to_id(token)

    def id_to_token(self, id: int) -> str | None:
        return self._tokenizer.id_to_token(id)

    # --- padding and truncation ---------------------------------------------------------------------
    def enable_padding(
        self,
        direction: str = "right",
        pad_to_multiple_of: int | None = None,
        pad_id: int = 0,
        pad_type_id: int = 0,
        pad_token: str = "[PAD]",
        length: int | None = None,
    ) -> None:
        self._tokenizer.enable_padding(
            direction=direction,
            pad_to_multiple_of=pad_to_multiple_of,
            pad_id=pad_id,
            pad_type_id=pad_type_id,
            pad_token=pad_token,
            length=length,
        )

    def no_padding(self) -> None:
        self._tokenizer.no_padding()

    @property
    def padding(self) -> dict[str, Any] | None:
        return self._tokenizer.padding

    def enable_truncation(self, max_length: int, stride: int = 0, strategy: str = "longest_first") -> None:
        self._tokenizer.enable_truncation(max_length, stride=stride, strategy=strategy)

    def no_truncation(self) -> None:
        self._tokenizer.no_truncation()

    @property
    def truncation(self) -> dict[str, Any] | None:
        return self._tokenizer.truncation

    # --- encoding and decoding ----------------------------------------------------------------------
    def normalize(self, sequence: str) -> str:
        """`sequence` through the normalizer (unchanged when there is none)."""
        normalizer = self._tokenizer.normalizer
        return sequence if normalizer is None else normalizer.normalize_str(sequence)

    def encode(
        self,
        sequence: Any,
        pair: Any = None,
        is_pretokenized: bool = False,
        add_special_tokens: bool = True,
    ) -> Encoding:
        if sequence is None:
            raise ValueError("encode: `sequence` can't be `None`")
        return self._tokenizer.encode(sequence, pair, is_pretokenized, add_special_tokens)

    def encode_batch(
        self, inputs: Sequence[Any], is_pretokenized: bool = False, add_special_tokens: bool = True
    ) -> list[Encoding]:
        if inputs is None:
            raise ValueError("encode_batch: `inputs` can't be `None`")
        return self._tokenizer.encode_batch(inputs, is_pretokenized, add_special_tokens)

    async def async_encode_batch(
        self, inputs: Sequence[Any], is_pretokenized: bool = False, add_special_tokens: bool = True
    ) -> list[Encoding]:
        if inputs is None:
            raise ValueError("async_encode_batch: `inputs` can't be `None`")
        return await self._tokenizer.async_encode_batch(inputs, is_pretokenized, add_special_tokens)

    async def async_encode_batch_fast(
        self, inputs: Sequence[Any], is_pretokenized: bool = False, add_special_tokens: bool = True
    ) -> list[Encoding]:
        if inputs is None:
            raise ValueError("async_encode_batch_fast: `inputs` can't be `None`")
        return await self._tokenizer.async_encode_batch_fast(inputs, is_pretokenized, add_special_tokens)

    def decode(self, ids: Sequence[int], skip_special_tokens: bool = True) -> str:
        if ids is None:
            raise ValueError("decode: `ids` can't be `None`")
        return self._tokenizer.decode(ids, skip_special_tokens=skip_special_tokens)

    def decode_batch(self, sequences: Sequence[Sequence[int]], skip_special_tokens: bool = True) -> list[str]:
        if sequences is None:
            raise ValueError("decode_batch: `sequences` can't be `None`")
        return self._tokenizer.decode_batch(sequences, skip_special_tokens=skip_special_tokens)

    async def async_decode_batch(
        self, sequences: Sequence[Sequence[int]], skip_special_tokens: bool = True
    ) -> list[str]:
        if sequences is None:
            raise ValueError("async_decode_batch: `sequences` can't be `None`")
        return await self._tokenizer.async_decode_batch(sequences, skip_special_tokens)

    def post_process(
        self, encoding: Encoding, pair: Encoding | None = None, add_special_tokens: bool = True
    ) -> Encoding:
        return self._tokenizer.post_process(encoding, pair, add_special_tokens)

    # --- saving -------------------------------------------------------------------------------------
    def save_model(self, directory: str, prefix: str | None = None) -> list[str]:
        """The model's vocabulary files (`vocab.json` + `merges.txt`, `vocab.txt`, ...) in `directory`."""
        return self._tokenizer.model.save(directory, prefix=prefix)

    def save(self, path: str, pretty: bool = True) -> None:
        self._tokenizer.save(path, pretty)

    def to_str(self, pretty: bool = False) -> str:
        return self._tokenizer.to_str(pretty)

    # --- components: the wrapped tokenizer's, read and set through it (see the end of this module) ---
    model: Any
    normalizer: Any
    pre_tokenizer: Any
    post_processor: Any
    decoder: Any

    # --- training (the subclasses choose the trainer) -----------------------------------------------
    def _trainer(self, options: dict[str, Any]) -> Any:
        raise NotImplementedError

    def _train(self, options: dict[str, Any]) -> None:
        """Train on `options["files"]` or `options["iterator"]` (a `train` / `train_from_iterator` call's
        arguments) with the trainer the class makes from the same arguments."""
        trainer = self._trainer(options)
        if "files" in options:
            self._tokenizer.train(_files(options["files"]), trainer=trainer)
        else:
            self._tokenizer.train_from_iterator(
                options["iterator"], trainer=trainer, length=options["length"]
            )


def _stage(name: str) -> property:
    return property(
        lambda self: getattr(self._tokenizer, name),
        lambda self, value: setattr(self._tokenizer, name, value),
        doc=f"The wrapped tokenizer's {name}.",
    )


for _name in ("model", "normalizer", "pre_tokenizer", "post_processor", "decoder"):
    setattr(BaseTokenizer, _name, _stage(_name))


class ByteLevelBPETokenizer(BaseTokenizer):
    """GPT-2's byte-level BPE: bytes mapped to visible characters, no unknown token."""

    def __init__(
        self,
        vocab: str | dict[str, int] | None = None,
        merges: str | list[tuple[str, str]] | None = None,
        add_prefix_space: bool = False,
        lowercase: bool = False,
        dropout: float | None = None,
        unicode_normalizer: str | None = None,
        continuing_subword_prefix: str | None = None,
        end_of_word_suffix: str | None = None,
        trim_offsets: bool = False,
    ) -> None:
        # As in tokenizers, the model options apply to a given vocabulary only: an untrained model is bare.
        options = {
            "dropout": dropout,
            "continuing_subword_prefix": continuing_subword_prefix or "",
            "end_of_word_suffix": end_of_word_suffix or "",
        }
        given = vocab is not None and merges is not None
        tokenizer = Tokenizer(_bpe_model(vocab, merges, **options) if given else BPE())
        parts = [_unicode_normalizer(unicode_normalizer)] if unicode_normalizer else []
        if lowercase:
            parts.append(normalizers.Lowercase())
        _set_normalizers(tokenizer, parts)
        tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=add_prefix_space)
        tokenizer.decoder = decoders.ByteLevel()
        tokenizer.post_processor = processors.ByteLevel(trim_offsets=trim_offsets)
        super().__init__(
            tokenizer,
            {
                "model": "ByteLevelBPE",
                "add_prefix_space": add_prefix_space,
                "lowercase": lowercase,
                "dropout": dropout,
                "unicode_normalizer": unicode_normalizer,
                "continuing_subword_prefix": continuing_subword_prefix,
                "end_of_word_suffix": end_of_word_suffix,
                "trim_offsets": trim_offsets,
            },
        )

    @staticmethod
    def from_file(vocab_filename: str, merges_filename: str, **kwargs: Any) -> ByteLevelBPETokenizer:
        vocab, merges = BPE.read_file(vocab_filename, merges_filename)  # type: ignore[attr-defined]
        return ByteLevelBPETokenizer(vocab, merges, **kwargs)

    def _trainer(self, options: dict[str, Any]) -> Any:
        return trainers.BpeTrainer(
            vocab_size=options["vocab_size"],
            min_frequency=options["min_frequency"],
            show_progress=options["show_progress"],
            special_tokens=list(options["special_tokens"]),
            initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        )

    def train(
        self,
        files: str | list[str],
        vocab_size: int = 30000,
        min_frequency: int = 2,
        show_progress: bool = True,
        special_tokens: Sequence[Token] = (),
    ) -> None:
        self._train(dict(locals()))

    def train_from_iterator(
        self,
        iterator: Iterator[str] | Iterable[Any],
        vocab_size: int = 30000,
        min_frequency: int = 2,
        show_progress: bool = True,
        special_tokens: Sequence[Token] = (),
        length: int | None = None,
    ) -> None:
        self._train(dict(locals()))


class CharBPETokenizer(BaseTokenizer):
    """Sennrich's BPE with an end-of-word suffix (`</w>`), as in the original GPT."""

    def __init__(
        self,
        vocab: str | dict[str, int] | None = None,
        merges: str | list[tuple[str, str]] | None = None,
        unk_token: Token = "<unk>",
        suffix: str = "</w>",
        dropout: float | None = None,
        lowercase: bool = False,
        unicode_normalizer: str | None = None,
        bert_normalizer: bool = True,
        split_on_whitespace_only: bool = False,
    ) -> None:
        tokenizer = Tokenizer(
            _bpe_model(vocab, merges, dropout=dropout, unk_token=str(unk_token), end_of_word_suffix=suffix)
        )
        _add_known_specials(tokenizer, [unk_token])
        parts = [_unicode_normalizer(unicode_normalizer)] if unicode_normalizer else []
        if bert_normalizer:
            parts.append(normalizers.BertNormalizer(lowercase=False))
        if lowercase:
            parts.append(normalizers.Lowercase())
        _set_normalizers(tokenizer, parts)
        tokenizer.pre_tokenizer = (
            pre_tokenizers.WhitespaceSplit()
            if split_on_whitespace_only
            else pre_tokenizers.BertPreTokenizer()
        )
        tokenizer.decoder = decoders.BPEDecoder(suffix=suffix)
        super().__init__(
            tokenizer,
            {
                "model": "BPE",
                "unk_token": unk_token,
                "suffix": suffix,
                "dropout": dropout,
                "lowercase": lowercase,
                "unicode_normalizer": unicode_normalizer,
                "bert_normalizer": bert_normalizer,
                "split_on_whitespace_only": split_on_whitespace_only,
            },
        )

    @staticmethod
    def from_file(vocab_filename: str, merges_filename: str, **kwargs: Any) -> CharBPETokenizer:
        vocab, merges = BPE.read_file(vocab_filename, merges_filename)  # type: ignore[attr-defined]
        return CharBPETokenizer(vocab, merges, **kwargs)

    def _trainer(self, options: dict[str, Any]) -> Any:
        return _bpe_trainer(options, end_of_word_suffix=options["suffix"])

    def train(
        self,
        files: str | list[str],
        vocab_size: int = 30000,
        min_frequency: int = 2,
        special_tokens: Sequence[Token] = ("<unk>",),
        limit_alphabet: int = 1000,
        initial_alphabet: Sequence[str] = (),
        suffix: str | None = "</w>",
        show_progress: bool = True,
    ) -> None:
        self._train(dict(locals()))

    def train_from_iterator(
        self,
        iterator: Iterator[str] | Iterable[Any],
        vocab_size: int = 30000,
        min_frequency: int = 2,
        special_tokens: Sequence[Token] = ("<unk>",),
        limit_alphabet: int = 1000,
        initial_alphabet: Sequence[str] = (),
        suffix: str | None = "</w>",
        show_progress: bool = True,
        length: int | None = None,
    ) -> None:
        self._train(dict(locals()))


class SentencePieceBPETokenizer(BaseTokenizer):
    """BPE over SentencePiece's pipeline: NFKC, then `▁` for spaces (Metaspace)."""

    def __init__(
        self,
        vocab: str | dict[str, int] | None = None,
        merges: str | list[tuple[str, str]] | None = None,
        unk_token: Token = "<unk>",
        replacement: str = "▁",
        add_prefix_space: bool = True,
        dropout: float | None = None,
        fuse_unk: bool | None = False,
    ) -> None:
        tokenizer = Tokenizer(
            _bpe_model(vocab, merges, dropout=dropout, unk_token=str(unk_token), fuse_unk=fuse_unk)
        )
        _add_known_specials(tokenizer, [unk_token])
        tokenizer.normalizer = normalizers.NFKC()
        scheme = "always" if add_prefix_space else "never"
        tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement=replacement, prepend_scheme=scheme)
        tokenizer.decoder = decoders.Metaspace(replacement=replacement, prepend_scheme=scheme)
        super().__init__(
            tokenizer,
            {
                "model": "SentencePieceBPE",
                "unk_token": unk_token,
                "replacement": replacement,
                "add_prefix_space": add_prefix_space,
                "dropout": dropout,
            },
        )

    @staticmethod
    def from_file(vocab_filename: str, merges_filename: str, **kwargs: Any) -> SentencePieceBPETokenizer:
        vocab, merges = BPE.read_file(vocab_filename, merges_filename)  # type: ignore[attr-defined]
        return SentencePieceBPETokenizer(vocab, merges, **kwargs)

    def _trainer(self, options: dict[str, Any]) -> Any:
        return _bpe_trainer(options)

    def train(
        self,
        files: str | list[str],
        vocab_size: int = 30000,
        min_frequency: int = 2,
        special_tokens: Sequence[Token] = ("<unk>",),
        limit_alphabet: int = 1000,
        initial_alphabet: Sequence[str] = (),
        show_progress: bool = True,
    ) -> None:
        self._train(dict(locals()))

    def train_from_iterator(
        self,
        iterator: Iterator[str] | Iterable[Any],
        vocab_size: int = 30000,
        min_frequency: int = 2,
        special_tokens: Sequence[Token] = ("<unk>",),
        limit_alphabet: int = 1000,
        initial_alphabet: Sequence[str] = (),
        show_progress: bool = True,
        length: int | None = None,
    ) -> None:
        self._train(dict(locals()))


class SentencePieceUnigramTokenizer(BaseTokenizer):
    """A Unigram model over SentencePiece's pipeline (NMT cleanup, NFKC, runs of spaces folded, `▁`)."""

    def __init__(
        self,
        vocab: list[tuple[str, float]] | None = None,
        replacement: str = "▁",
        add_prefix_space: bool = True,
    ) -> None:
        tokenizer = Tokenizer(Unigram(vocab) if vocab is not None else Unigram())
        tokenizer.normalizer = normalizers.Sequence(
            [normalizers.Nmt(), normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")]
        )
        _set_metaspace(tokenizer, replacement, add_prefix_space)
        super().__init__(
            tokenizer,
            {
                "model": "SentencePieceUnigram",
                "replacement": replacement,
                "add_prefix_space": add_prefix_space,
            },
        )

    def _trainer(self, options: dict[str, Any]) -> Any:
        return trainers.UnigramTrainer(
            vocab_size=options["vocab_size"],
            special_tokens=list(options["special_tokens"] or ()),
            show_progress=options["show_progress"],
            initial_alphabet=list(options["initial_alphabet"] or ()),
            unk_token=options["unk_token"],
        )

    def train(
        self,
        files: str | list[str],
        vocab_size: int = 8000,
        show_progress: bool = True,
        special_tokens: Sequence[Token] | None = None,
        initial_alphabet: Sequence[str] | None = None,
        unk_token: str | None = None,
    ) -> None:
        self._train(dict(locals()))

    def train_from_iterator(
        self,
        iterator: Iterator[str] | Iterable[Any],
        vocab_size: int = 8000,
        show_progress: bool = True,
        special_tokens: Sequence[Token] | None = None,
        initial_alphabet: Sequence[str] | None = None,
        unk_token: str | None = None,
        length: int | None = None,
    ) -> None:
        self._train(dict(locals()))

    @staticmethod
    def from_spm(filename: str | os.PathLike[str]) -> SentencePieceUnigramTokenizer:
        """A trained SentencePiece Unigram model file (`.model`): its pieces, scores, unknown id, byte
        fallback and charsmap, with this class's pipeline (read by ferrotok's own protobuf reader)."""
        core = _core.Tokenizer.from_sentencepiece_unigram(os.fspath(filename))
        made = SentencePieceUnigramTokenizer.__new__(SentencePieceUnigramTokenizer)
        BaseTokenizer.__init__(made, Tokenizer(core), {"model": "SentencePieceUnigram"})
        return made


def _set_metaspace(tokenizer: Tokenizer, replacement: str, add_prefix_space: bool) -> None:
    scheme = "always" if add_prefix_space else "never"
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement=replacement, prepend_scheme=scheme)
    tokenizer.decoder = decoders.Metaspace(replacement=replacement, prepend_scheme=scheme)


class BertWordPieceTokenizer(BaseTokenizer):
    """BERT's WordPiece: BERT's normalizer and pre-tokenizer, `[CLS] A [SEP] B [SEP]` once a vocabulary
    is given (a freshly trained one gets no template, as in tokenizers)."""

    def __init__(
        self,
        vocab: str | dict[str, int] | None = None,
        unk_token: Token = "[UNK]",
        sep_token: Token = "[SEP]",
        cls_token: Token = "[CLS]",
        pad_token: Token = "[PAD]",
        mask_token: Token = "[MASK]",
        clean_text: bool = True,
        handle_chinese_chars: bool = True,
        strip_accents: bool | None = None,
        lowercase: bool = True,
        wordpieces_prefix: str = "##",
    ) -> None:
        if isinstance(vocab, (str, os.PathLike)):
            model = WordPiece.from_file(vocab, unk_token=str(unk_token))  # type: ignore[attr-defined]
        else:
            model = WordPiece(vocab, unk_token=str(unk_token))
        tokenizer = Tokenizer(model)
        if vocab is not None:
            # tokenizers' empty WordPiece knows no token, ferrotok's knows its unk token (README).
            _add_known_specials(tokenizer, [unk_token, sep_token, cls_token, pad_token, mask_token])
        tokenizer.normalizer = normalizers.BertNormalizer(
            clean_text=clean_text,
            handle_chinese_chars=handle_chinese_chars,
            strip_accents=strip_accents,
            lowercase=lowercase,
        )
        tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
        if vocab is not None:
            sep_id = tokenizer.token_to_id(str(sep_token))
            if sep_id is None:
                raise TypeError("sep_token not found in the vocabulary")
            cls_id = tokenizer.token_to_id(str(cls_token))
            if cls_id is None:
                raise TypeError("cls_token not found in the vocabulary")
            tokenizer.post_processor = processors.BertProcessing(
                (str(sep_token), sep_id), (str(cls_token), cls_id)
            )
        tokenizer.decoder = decoders.WordPiece(prefix=wordpieces_prefix)
        super().__init__(
            tokenizer,
            {
                "model": "BertWordPiece",
                "unk_token": unk_token,
                "sep_token": sep_token,
                "cls_token": cls_token,
                "pad_token": pad_token,
                "mask_token": mask_token,
                "clean_text": clean_text,
                "handle_chinese_chars": handle_chinese_chars,
                "strip_accents": strip_accents,
                "lowercase": lowercase,
                "wordpieces_prefix": wordpieces_prefix,
            },
        )

    @staticmethod
    def from_file(vocab: str, **kwargs: Any) -> BertWordPieceTokenizer:
        return BertWordPieceTokenizer(WordPiece.read_file(vocab), **kwargs)  # type: ignore[attr-defined]

    def _trainer(self, options: dict[str, Any]) -> Any:
        return trainers.WordPieceTrainer(
            vocab_size=options["vocab_size"],
            min_frequency=options["min_frequency"],
            limit_alphabet=options["limit_alphabet"],
            initial_alphabet=list(options["initial_alphabet"]),
            special_tokens=list(options["special_tokens"]),
            show_progress=options["show_progress"],
            continuing_subword_prefix=options["wordpieces_prefix"],
        )

    def train(
        self,
        files: str | list[str],
        vocab_size: int = 30000,
        min_frequency: int = 2,
        limit_alphabet: int = 1000,
        initial_alphabet: Sequence[str] = (),
        special_tokens: Sequence[Token] = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"),
        show_progress: bool = True,
        wordpieces_prefix: str = "##",
    ) -> None:
        self._train(dict(locals()))

    def train_from_iterator(
        self,
        iterator: Iterator[str] | Iterable[Any],
        vocab_size: int = 30000,
        min_frequency: int = 2,
        limit_alphabet: int = 1000,
        initial_alphabet: Sequence[str] = (),
        special_tokens: Sequence[Token] = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"),
        show_progress: bool = True,
        wordpieces_prefix: str = "##",
        length: int | None = None,
    ) -> None:
        self._train(dict(locals()))


__all__ = [
    "BaseTokenizer",
    "BertWordPieceTokenizer",
    "ByteLevelBPETokenizer",
    "CharBPETokenizer",
    "SentencePieceBPETokenizer",
    "SentencePieceUnigramTokenizer",
]
