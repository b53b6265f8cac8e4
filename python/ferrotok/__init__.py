"""ferrotok: a fast Rust tokenizer engine, bit-exact with Hugging Face tokenizers.

>>> from ferrotok import AutoTokenizer
>>> tok = AutoTokenizer.from_pretrained("path/to/model")
>>> tok(["Hello world!"], padding=True, return_tensors="np")
"""

# Trainers and pipeline components named as in tokenizers (`ferrotok.trainers.BpeTrainer`,
# `ferrotok.normalizers.BertNormalizer`, ...).
from . import decoders, models, normalizers, pre_tokenizers, processors, trainers
from ._added_token import AddedToken
from ._core import Encoding, Encodings
from ._core import __version__ as __version__
from .auto import AutoTokenizer
from .batch_encoding import BatchEncoding

# torch and transformers are imported lazily by collate and pipelines, so importing ferrotok stays cheap.
from .collate import DataCollatorWithPadding
from .errors import FerrotokError, InternalError
from .pipelines import BucketStats, pipeline
from .tokenization import FerroTokenizer
from .tokenizer import Tokenizer

__all__ = [
    "AddedToken",
    "AutoTokenizer",
    "BatchEncoding",
    "BucketStats",
    "DataCollatorWithPadding",
    "Encoding",
    "Encodings",
    "FerroTokenizer",
    "FerrotokError",
    "InternalError",
    "Tokenizer",
    "__version__",
    "decoders",
    "models",
    "normalizers",
    "pipeline",
    "pre_tokenizers",
    "processors",
    "trainers",
]
