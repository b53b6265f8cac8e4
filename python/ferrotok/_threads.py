"""The worker threads of `encode --format bin` for text: a fixed set of threads running submitted jobs in the
order they were submitted, each job's outcome kept in a `Job` (what the shard writer reads of a
`concurrent.futures.Future`: done, result with a timeout, cancel).

Decision: not `concurrent.futures.ThreadPoolExecutor`: importing `concurrent.futures` brings `logging` and
its own modules, 33 M instructions of a run's serial start-up, for the few lines the writer uses of it. The
process pool of JSONL and Parquet inputs still comes from `concurrent.futures`.
"""

from __future__ import annotations

import threading
from _queue import SimpleQueue

TYPE_CHECKING = False  # not typing's (see ferrotok/__init__)
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any


class Job:
    """One submitted call and its outcome."""

    __slots__ = ("_arg", "_cancelled", "_done", "_error", "_fn", "_value")

    def __init__(self, fn: Callable[[Any], Any], arg: Any) -> None:
        self._fn, self._arg = fn, arg
        self._done = threading.Event()
        self._cancelled = False
        self._value: Any = None
        self._error: BaseException | None = None

    def _run(self) -> None:
        if not self._cancelled:
            try:
                self._value = self._fn(self._arg)
            except BaseException as e:  # handed to whoever reads the result
                self._error = e
        self._fn = self._arg = None
        self._done.set()

    def done(self) -> bool:
        return self._done.is_set()

    def cancel(self) -> bool:
        """Skip the call if no thread has started it yet (a started one runs to its end)."""
        self._cancelled = True
        return not self._done.is_set()

    def result(self, timeout: float | None = None) -> Any:
        """The call's value (None for a cancelled job), or what it raised; TimeoutError when it has not
        finished within `timeout`."""
        if not self._done.wait(timeout):
            raise TimeoutError
        if self._error is not None:
            raise self._error
        return self._value


class Threads:
    """`workers` threads (started with the first job, named `name_0`, `name_1`, ...) taking jobs in order."""

    def __init__(self, workers: int, name: str) -> None:
        self._workers = workers
        self._name = name
        self._queue: SimpleQueue[Job | None] = SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._pending: list[Job] = []

    def submit(self, fn: Callable[[Any], Any], arg: Any) -> Job:
        job = Job(fn, arg)
        self._pending = [j for j in self._pending if not j.done()]
        self._pending.append(job)
        self._queue.put(job)
        if not self._threads:
            for i in range(self._workers):
                thread = threading.Thread(target=self._work, name=f"{self._name}_{i}")
                thread.start()
                self._threads.append(thread)
        return job

    def _work(self) -> None:
        while (job := self._queue.get()) is not None:
            job._run()

    def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
        """Stop the threads once the queue is empty (`cancel_futures`: skip the jobs not started yet);
        `wait`: until they have ended."""
        if cancel_futures:
            for job in self._pending:
                job.cancel()
        self._pending = []
        for _ in self._threads:
            self._queue.put(None)
        if wait:
            for thread in self._threads:
                thread.join()
