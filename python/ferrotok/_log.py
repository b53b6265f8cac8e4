"""ferrotok's warnings, through the standard `logging` module's "ferrotok" logger, imported on first use.

Decision: not a module-level `logging.getLogger`: importing `logging` is a tenth of the `ferrotok` command's
start-up, and most runs never warn."""

from __future__ import annotations


def warning(message: str) -> None:
    """Log `message` at WARNING level on the "ferrotok" logger."""
    import logging

    logging.getLogger("ferrotok").warning(message)
