"""Exceptions raised by ferrotok (defined by the Rust extension, re-exported here)."""

from ._core import FerrotokError, InternalError

__all__ = ["FerrotokError", "InternalError"]
