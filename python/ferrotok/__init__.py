"""ferrotok: a fast Rust tokenizer engine, bit-exact with Hugging Face tokenizers.

>>> from ferrotok import AutoTokenizer
>>> tok = AutoTokenizer.from_pretrained("path/to/model")
>>> tok(["Hello world!"], padding=True, return_tensors="np")
"""

# Training: trainer objects named like tokenizers.trainers (`ferrotok.trainers.BpeTrainer`, ...).
from . import trainers
from ._core import Encodings, Tokenizer
from ._core import __version__ as __version__
from .auto import AutoTokenizer
from .batch_encoding import BatchEncoding, Encoding

# torch and transformers are imported lazily by collate and pipelines, so importing ferrotok stays cheap.
from .collate import DataCollatorWithPadding
from .errors import FerrotokError, InternalError
from .pipelines import BucketStats, pipeline
from .tokenization import FerroTokenizer

__all__ = [
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
    "pipeline",
    "trainers",
]
