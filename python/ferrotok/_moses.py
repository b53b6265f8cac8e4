"""The Moses classes (XLM, Flaubert) read sacremoses' data files (nonbreaking prefixes, Perl's Unicode
character lists) from the installed `sacremoses` package, as transformers needs that package for them too.
Only the package's folder is looked up here (it is not imported); the Rust core reads the files when a Moses
tokenizer is built, and names the package in its error when it is not installed (`pip install
ferrotok[moses]`)."""

from __future__ import annotations

import importlib.util
import os

from . import _core


def register() -> None:
    """Tell the core where the installed `sacremoses` package is, if it is installed."""
    try:
        spec = importlib.util.find_spec("sacremoses")
    except (ImportError, ValueError):
        return
    if spec is not None and spec.origin:
        _core.set_moses_data_dir(os.path.dirname(spec.origin))  # not pathlib: its import is slow
