"""ferrotok: a fast Rust tokenizer engine, bit-exact with Hugging Face tokenizers.

>>> from ferrotok import AutoTokenizer
>>> tok = AutoTokenizer.from_pretrained("path/to/model")
>>> tok(["Hello world!"], padding=True, return_tensors="np")
"""

from __future__ import annotations

from ._core import __version__ as __version__
from ._moses import register as _register_moses

# typing.TYPE_CHECKING without importing typing (a sixth of `python -m ferrotok`'s start-up before the
# tokenizer starts loading); type checkers read any name TYPE_CHECKING as theirs.
TYPE_CHECKING = False

_register_moses()

if TYPE_CHECKING:
    from typing import Any

    # Trainers and pipeline components named as in tokenizers (`ferrotok.trainers.BpeTrainer`,
    # `ferrotok.normalizers.BertNormalizer`, ...).
    from . import decoders, implementations, models, normalizers, pre_tokenizers, processors, trainers
    from ._added_token import AddedToken
    from ._core import Encoding, Encodings, NormalizedString, PreTokenizedString, Token
    from ._input_types import (
        EncodeInput,
        InputSequence,
        OffsetReferential,
        Offsets,
        OffsetType,
        PreTokenizedEncodeInput,
        PreTokenizedInputSequence,
        SplitDelimiterBehavior,
        TextEncodeInput,
        TextInputSequence,
    )
    from ._rag import RagTokenizer
    from .auto import AutoTokenizer
    from .batch_encoding import BatchEncoding
    from .classes import PreTrainedTokenizerFast, TokenizersBackend
    from .collate import DataCollatorWithPadding
    from .components import Regex
    from .errors import FerrotokError, InternalError
    from .implementations import (
        BertWordPieceTokenizer,
        ByteLevelBPETokenizer,
        CharBPETokenizer,
        SentencePieceBPETokenizer,
        SentencePieceUnigramTokenizer,
    )
    from .pipelines import BucketStats, pipeline
    from .tokenization import FerroTokenizer
    from .tokenizer import Tokenizer

# Every name is imported on first use (PEP 562), so `import ferrotok` and the `ferrotok` command load only
# what they use: `ferrotok encode --format bin` never imports numpy (a third of its start-up otherwise).
# torch and transformers are imported lazily by collate and pipelines in the same spirit.
_LAZY = {
    "EncodeInput": "._input_types",
    "InputSequence": "._input_types",
    "OffsetReferential": "._input_types",
    "OffsetType": "._input_types",
    "Offsets": "._input_types",
    "PreTokenizedEncodeInput": "._input_types",
    "PreTokenizedInputSequence": "._input_types",
    "SplitDelimiterBehavior": "._input_types",
    "TextEncodeInput": "._input_types",
    "TextInputSequence": "._input_types",
    "AddedToken": "._added_token",
    "AutoTokenizer": ".auto",
    "BatchEncoding": ".batch_encoding",
    "BertWordPieceTokenizer": ".implementations",
    "ByteLevelBPETokenizer": ".implementations",
    "CharBPETokenizer": ".implementations",
    "BucketStats": ".pipelines",
    "DataCollatorWithPadding": ".collate",
    "Encoding": "._core",
    "Encodings": "._core",
    "FerroTokenizer": ".tokenization",
    "FerrotokError": ".errors",
    "InternalError": ".errors",
    "NormalizedString": "._core",
    "RagTokenizer": "._rag",
    "PreTokenizedString": "._core",
    "Token": "._core",
    "Tokenizer": ".tokenizer",
    "TokenizersBackend": ".classes",
    "PreTrainedTokenizerFast": ".classes",
    "Regex": ".components",
    "SentencePieceBPETokenizer": ".implementations",
    "SentencePieceUnigramTokenizer": ".implementations",
    "pipeline": ".pipelines",
}
_SUBMODULES = {
    "decoders",
    "implementations",
    "models",
    "normalizers",
    "pre_tokenizers",
    "processors",
    "trainers",
}


def __getattr__(name: str) -> Any:
    import importlib

    if name in _SUBMODULES:
        value: Any = importlib.import_module(f".{name}", __name__)
    elif name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
    elif name.endswith(("Tokenizer", "TokenizerFast")) and not name.startswith("_"):
        # transformers' class names (`BertTokenizerFast`, `T5Tokenizer`, ...), made on first use.
        value = importlib.import_module(".classes", __name__).named_class(name)
        if value is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


__all__ = [
    "AddedToken",
    "AutoTokenizer",
    "BatchEncoding",
    "BertWordPieceTokenizer",
    "BucketStats",
    "ByteLevelBPETokenizer",
    "CharBPETokenizer",
    "DataCollatorWithPadding",
    "EncodeInput",
    "Encoding",
    "Encodings",
    "FerroTokenizer",
    "FerrotokError",
    "InputSequence",
    "InternalError",
    "NormalizedString",
    "OffsetReferential",
    "OffsetType",
    "Offsets",
    "PreTokenizedEncodeInput",
    "PreTokenizedInputSequence",
    "PreTokenizedString",
    "PreTrainedTokenizerFast",
    "RagTokenizer",
    "Regex",
    "SentencePieceBPETokenizer",
    "SentencePieceUnigramTokenizer",
    "SplitDelimiterBehavior",
    "TextEncodeInput",
    "TextInputSequence",
    "Token",
    "Tokenizer",
    "TokenizersBackend",
    "__version__",
    "decoders",
    "implementations",
    "models",
    "normalizers",
    "pipeline",
    "pre_tokenizers",
    "processors",
    "trainers",
]
