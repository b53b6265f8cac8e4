"""ferrotok: a fast Rust tokenizer engine, bit-exact with Hugging Face tokenizers.

>>> from ferrotok import AutoTokenizer
>>> tok = AutoTokenizer.from_pretrained("path/to/model")
>>> tok(["Hello world!"], padding=True, return_tensors="np")
"""

from ._core import Encodings, Tokenizer
from ._core import __version__ as __version__
from .auto import AutoTokenizer
from .batch_encoding import BatchEncoding, Encoding
from .errors import FerrotokError, InternalError
from .tokenization import FerroTokenizer

# --- pipeline helper exports (owned by the pipeline helper) -------------------------------------------
# `pipeline` and the CLI (`python -m ferrotok`) come from ferrotok/pipelines.py and ferrotok/__main__.py.
# Uncomment once ferrotok/pipelines.py is merged:
# from .pipelines import pipeline
# --------------------------------------------------------------------------------------------------------

__all__ = [
    "AutoTokenizer",
    "BatchEncoding",
    "Encoding",
    "Encodings",
    "FerroTokenizer",
    "FerrotokError",
    "InternalError",
    "Tokenizer",
    "__version__",
]
