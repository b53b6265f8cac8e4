"""The tokenizer folder of `encode --format bin` loaded on a thread of its own (`Loading`), started by
`python -m ferrotok` before the command's modules are imported (`start_early`).

Decision: the load (the core, GIL released) is most of a run's start-up, serial work that a second worker
cannot shorten. The main thread meanwhile imports the command's modules (argparse, json, the shard writer, the
tokenizer's Python class), parses the arguments and checks the run: started only once the arguments were parsed,
the load left the first of those imports and the parsing (25 M instructions) in front of it. The command line
is read here without argparse, for its plain spellings only; the run takes the early load only when the folder
it parsed is the same, and otherwise loads as before.
"""

from __future__ import annotations

# `_signal`, not `signal`: the module's enums of signals and handlers cost 11 M instructions, in the part of
# the start-up that runs before the load starts (the run imports `signal` later, beside the load).
import _signal
import contextlib
import os
import threading
from collections.abc import Iterator

from ferrotok import _core

TYPE_CHECKING = False  # not typing's: this module loads before typing is imported (see ferrotok/__init__)
if TYPE_CHECKING:
    from typing import Any

STOP_SIGNALS = {_signal.SIGINT, _signal.SIGTERM}


@contextlib.contextmanager
def stop_signals_blocked() -> Iterator[None]:
    """Threads and processes started inside inherit a mask without SIGINT / SIGTERM, so the kernel delivers
    those to the main thread, where they interrupt a blocking read or wait (a signal taken by a helper
    thread would leave the main thread blocked on a silent pipe)."""
    _signal.pthread_sigmask(_signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        yield
    finally:
        _signal.pthread_sigmask(_signal.SIG_UNBLOCK, STOP_SIGNALS)


class Loading:
    """`_core.load_folder(directory, "{}")` (what `AutoTokenizer.from_pretrained(directory)` starts with) on a
    thread of its own, started at once; `result()` waits for it and returns what it returned, or raises what it
    raised. The thread is not a daemon: an interpreter that exits early (a usage error) waits for it rather
    than ending it inside the core."""

    def __init__(self, directory: str) -> None:
        self.directory = directory
        self._outcome: tuple[Any, BaseException | None] = (None, None)
        self._thread = threading.Thread(target=self._run, args=(directory,), name="ferrotok-load")
        with stop_signals_blocked():
            self._thread.start()

    def _run(self, directory: str) -> None:
        try:
            self._outcome = (_core.load_folder(directory, "{}"), None)
        except BaseException as e:
            self._outcome = (None, e)

    def result(self) -> Any:
        self._thread.join()
        loaded, error = self._outcome
        if error is not None:
            raise error
        return loaded


_EARLY: Loading | None = None


def option(argv: list[str], name: str) -> str | None:
    """The last value given to the long option `name` (`name VALUE` or `name=VALUE`), None if none."""
    value = None
    for i, arg in enumerate(argv):
        if arg == name and i + 1 < len(argv):
            value = argv[i + 1]
        elif arg.startswith(name + "="):
            value = arg[len(name) + 1 :]
    return value


def start_early(argv: list[str]) -> None:
    """Start loading the tokenizer folder of an `encode --format bin --tokenizer DIR` command line (`argv`:
    the arguments after the program's name)."""
    global _EARLY
    if not argv or argv[0] != "encode" or option(argv, "--format") != "bin":
        return
    directory = option(argv, "--tokenizer")
    if directory is not None and os.path.isdir(directory):
        _EARLY = Loading(directory)


def take(directory: str) -> Loading | None:
    """The load `start_early` started, if it was of `directory` (at most once)."""
    global _EARLY
    early, _EARLY = _EARLY, None
    return early if early is not None and early.directory == directory else None
