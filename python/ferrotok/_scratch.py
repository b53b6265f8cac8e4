"""Temporary files beside a command's output, renamed into place on success and removed on failure."""

from __future__ import annotations

import contextlib
import os

TYPE_CHECKING = False  # not typing's (see ferrotok/__init__)
if TYPE_CHECKING:
    from pathlib import Path


class Scratch:
    """Temporary files beside the output (same filesystem, so renames are atomic), all named with one prefix
    of this run: cleanup removes every file with it, even one whose creation a signal interrupted and one a
    worker process made (`<prefix>w<pid>-<n>.part`, see `path_prefix`). Files get the usual permissions
    (0o666 less the umask), which they keep once renamed into place."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = os.fspath(directory)
        self.prefix = f".ferrotok-{os.getpid()}-{os.urandom(4).hex()}-"  # not secrets: its import is slow
        self.count = 0

    @property
    def path_prefix(self) -> str:
        """The prefix as a path, for files other processes create (cleanup removes them too)."""
        return os.path.join(self.directory, self.prefix)

    def new(self, suffix: str) -> str:
        self.count += 1
        path = os.path.join(self.directory, f"{self.prefix}{self.count}{suffix}")
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))  # Path.touch(exist_ok=False)
        return path

    def cleanup(self) -> None:
        for name in os.listdir(self.directory):
            if name.startswith(self.prefix):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(os.path.join(self.directory, name))
