"""`ferrotok encode --format bin`: training shards in the nanoGPT layout.

All documents become one flat little-endian token stream, each document followed by a separator id (the
tokenizer's EOS token, or `--separator`); no other special tokens are added. The dtype is uint16 when every id
of the vocabulary (added tokens included) fits in 16 bits, else uint32, so a shard is read with
`np.memmap(path, dtype=..., mode="r")`. `--shard-tokens N` cuts the stream into files of exactly N tokens (the
last one shorter; a document may straddle two shards). A sidecar `<OUTPUT>.json` records the dtype, the counts,
the shard list, the tokenizer (name and SHA-256 of its tokenizer.json serialization) and ferrotok's version.

A document is a line of a text file, the field of a JSONL object (`--jsonl-field`) or a value of a Parquet
column (`--parquet-column`). `-` reads stdin; `.gz` and `.zst` files are decompressed on the fly.

Work is cut into blocks of about a megabyte of raw input (smaller toward the end of a file, so that the workers
finish together): byte ranges of a plain file, which the worker reads itself, or chunks of a stream (stdin, a
pipe, a compressed file) read in order by the main process. With `--workers N` (N > 1) N workers decode, parse
and tokenize blocks (the core's batch encode, GIL released), and the main process appends each block's tokens to
the output strictly in input order, so the bytes never depend on N.

Decision: for lines of text the workers are threads of the main process. The core splits, decodes and
tokenizes a block's lines with the GIL released (`_core.encode_stream_lines`), so threads hardly contend. Threads
start at once and share the loaded tokenizer; worker processes cost fork, the pages they
copy, the pool's pipes and a scratch file per block (2 processes spent 13 – 30 % more CPU than one process).
JSONL records and Parquet values become Python strings under the GIL (json.loads per line), so for those
inputs the workers stay processes: each writes a block's tokens to a scratch file, which the main process
appends (copy_file_range). Every output
is written to a temporary file beside it and renamed into place only once the whole run has succeeded, the
sidecar last: an interrupted or failed run leaves no shard and no truncated file behind.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import errno
import json
import os
import signal
import stat
import sys
from collections.abc import Callable, Iterator
from typing import IO, TYPE_CHECKING, Any

from ferrotok import _core, _early_load, _shard_inputs
from ferrotok._early_load import STOP_SIGNALS as _STOP_SIGNALS
from ferrotok._early_load import Loading as _Loading
from ferrotok._early_load import stop_signals_blocked as _stop_signals_blocked
from ferrotok._scratch import Scratch
from ferrotok._shard_inputs import BLOCK_BYTES, Block, blocks, check_readable, raw_lines, texts
from ferrotok.cli import CliError, _load_tokenizer, startup_over

if TYPE_CHECKING:  # the pool's modules are imported only when there are workers (start-up time)
    from concurrent.futures import Executor, Future
    from pathlib import Path

    from ferrotok._threads import Job, Threads

__all__ = ["BLOCK_BYTES", "cmd_encode_bin", "shard_paths", "sidecar_path"]

IN_FLIGHT_PER_WORKER = 2  # blocks queued per worker: keeps workers busy while bounding memory
DTYPES = {2: "uint16", 4: "uint32"}  # bytes per id → the dtype named in the sidecar (numpy's names)


class WorkerDied(CliError):
    """A worker process ended without an answer (killed, out of memory): not the input's fault."""

    status = 1


# --- tokenizing (in the workers, or in the main process with --workers 1) ------------------------------------
_WORKER: dict[str, Any] = {}


def _init_worker(tokenizer: Any, separator: int, itemsize: int, scratch: str) -> None:
    """`tokenizer`: the parent's tokenizer object when forked, else its folder (loaded again here).
    `scratch`: the path prefix of this run's temporary files, for the results."""
    # One process per core: the core's own thread pool would only oversubscribe the CPUs.
    os.environ["RAYON_NUM_THREADS"] = "1"
    # Ctrl-C reaches the whole process group; the main process alone handles it and stops the pool.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # terminate() must end a worker. A forked one inherits the parent's SIGTERM handler, which raises
    # KeyboardInterrupt: the pool catches that and tries to send it back, blocking on a pipe nobody reads.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)  # blocked in the parent while it spawned us
    _die_with_parent()
    if isinstance(tokenizer, str):
        tokenizer = _load_tokenizer(tokenizer)
    _WORKER.update(tokenizer=tokenizer, separator=separator, itemsize=itemsize, scratch=scratch, count=0)


def _die_with_parent() -> None:
    """Linux: end this worker when the main process dies, even by SIGKILL (no orphans left tokenizing)."""
    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGTERM))  # PR_SET_PDEATHSIG
        if os.getppid() == 1:  # the parent was gone before prctl
            os._exit(1)


def _encode_block(block: Block) -> tuple[str, int, int]:
    """(a temporary file holding the block's token stream as little-endian bytes, tokens, documents).

    The stream goes through a file so that every message to the pool stays under the pipe's atomic write size
    (PIPE_BUF): a worker killed in the middle of sending a large result would leave the pool's manager thread
    waiting for the rest of the message forever, instead of noticing the death."""
    worker = _WORKER
    data, tokens, documents = encode_block(
        worker["tokenizer"], block, worker["separator"], worker["itemsize"]
    )
    worker["count"] += 1
    path = f"{worker['scratch']}w{os.getpid()}-{worker['count']}.part"
    with open(path, "wb") as f:
        f.write(data)
    return path, tokens, documents


def _copy_range(source: int, target: int, offset: int, count: int) -> int:
    """Copy up to `count` bytes of `source` from `offset` to `target`'s position; the bytes copied."""
    if hasattr(os, "copy_file_range"):
        try:
            return os.copy_file_range(source, target, count, offset)
        except OSError as e:  # a file system or kernel without it: copy through memory
            if e.errno not in (errno.EXDEV, errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
                raise
    os.lseek(source, offset, os.SEEK_SET)
    return os.write(target, os.read(source, count))


def encode_block(
    tokenizer: Any, block: Block, separator: int, itemsize: int, parallel: bool = True
) -> tuple[bytes, int, int]:
    """(the block's stream as little-endian bytes, tokens, documents). Lines of text go to the core as bytes,
    split and encoded there with the GIL released; JSONL and Parquet (and text that is not valid UTF-8, for the
    message naming the line) go through Python strings. `parallel=False`: a worker thread, one core's work (the
    core's pool would only add hand-offs between threads already busy)."""
    data = raw_lines(block)
    if data is not None:
        done = _core.encode_stream_lines(tokenizer._tokenizer, data, separator, itemsize, parallel)
        if done is not None:
            return done
    return encode_texts(tokenizer, texts(block), separator, itemsize)


def encode_texts(tokenizer: Any, texts: list[str], separator: int, itemsize: int) -> tuple[bytes, int, int]:
    """(the documents' stream as little-endian bytes, tokens, documents): ids without special tokens, the
    separator after each document, made by the core in one call (GIL released)."""
    if not texts:
        return b"", 0, 0
    data, count = _core.encode_stream(tokenizer._tokenizer, texts, separator, itemsize)
    return data, count, len(texts)


# --- output ------------------------------------------------------------------------------------------------
# Decision: the run names its outputs with `os.path`, not `pathlib`: the shard modules are imported beside the
# tokenizer's load, and `pathlib` (with `urllib.parse`) was 16 M instructions of that. The two functions below
# keep `Path`s for other callers.
def sidecar_path(output: Path) -> Path:
    from pathlib import Path

    return Path(_sidecar_name(os.fspath(output)))


def shard_paths(output: Path, count: int) -> list[Path]:
    """`train.bin` → `train-00000.bin`, `train-00001.bin`, ..."""
    from pathlib import Path

    return [Path(name) for name in _shard_names(os.fspath(output), count)]


def _sidecar_name(output: str) -> str:
    return output + ".json"


def _shard_names(output: str, count: int) -> list[str]:
    """`shard_paths` as strings: the stem and suffix split as `pathlib` splits them."""
    head, name = os.path.split(output)
    dot = name.rfind(".")
    stem, suffix = (name[:dot], name[dot:]) if 0 < dot < len(name) - 1 else (name, "")
    width = max(5, len(str(max(count - 1, 0))))
    return [os.path.join(head, f"{stem}-{i:0{width}d}{suffix}") for i in range(count)]


class _Writer:
    """Appends the stream to temporary files, cutting a new one every `shard_tokens` tokens."""

    def __init__(self, scratch: Scratch, itemsize: int, shard_tokens: int | None, output: str) -> None:
        self.scratch = scratch
        self.itemsize = itemsize
        self.shard_tokens = shard_tokens
        self.output = output
        self.files: list[tuple[str, int]] = []  # (temporary path, bytes)
        self.handle: IO[bytes] | None = None

    def shards(self) -> list[tuple[str, int]]:
        """(temporary path, tokens) per file."""
        return [(path, size // self.itemsize) for path, size in self.files]

    def _open(self) -> None:
        self.close()
        path = self.scratch.new(".bin")
        self.handle = open(path, "wb", buffering=0)  # noqa: SIM115 (closed in close())
        self.files.append((path, 0))

    def _room(self, size: int) -> int:
        """How many of `size` bytes go into the current file (opened or cut here as needed)."""
        if not self.files:
            self._open()
        if self.shard_tokens is None:
            return size
        room = self.shard_tokens * self.itemsize - self.files[-1][1]
        if room == 0:
            self._open()
            room = self.shard_tokens * self.itemsize
        return min(room, size)

    def _wrote(self, size: int) -> None:
        path, written = self.files[-1]
        self.files[-1] = (path, written + size)

    def write(self, data: bytes) -> None:
        view = memoryview(data)
        try:
            if not self.files and self.shard_tokens is None:
                self._open()
            while view:
                part = view[: self._room(len(view))]
                assert self.handle is not None
                written = self.handle.write(part) or 0  # unbuffered: a write may be short
                self._wrote(written)
                view = view[written:]
        except OSError as e:
            raise CliError(f"cannot write {self.output}: {e.strerror or e}") from None

    def append(self, path: str) -> None:
        """Append a worker's result file, copied inside the kernel (copy_file_range) where it can be, and
        remove it."""
        try:
            with open(path, "rb", buffering=0) as source:
                size = os.fstat(source.fileno()).st_size
                offset = 0
                while offset < size:
                    room = self._room(size - offset)
                    assert self.handle is not None
                    copied = _copy_range(source.fileno(), self.handle.fileno(), offset, room)
                    if copied == 0:
                        raise CliError(f"cannot write {self.output}: a result file ended early")
                    self._wrote(copied)
                    offset += copied
            os.unlink(path)
        except OSError as e:
            raise CliError(f"cannot write {self.output}: {e.strerror or e}") from None

    def close(self) -> None:
        if self.handle is not None:
            handle, self.handle = self.handle, None
            try:
                handle.close()
            except OSError as e:
                raise CliError(f"cannot write {self.output}: {e.strerror or e}") from None


def _known_size(name: str) -> int | None:
    """The size of a regular file; None for stdin, a named pipe or an unreadable name."""
    try:
        info = None if name == "-" else os.stat(name)
    except OSError:
        return None
    return info.st_size if info is not None and stat.S_ISREG(info.st_mode) else None


class _Progress:
    """A tqdm bar over input bytes, advanced as blocks are written (documents and tokens as postfix)."""

    def __init__(self, inputs: list[str], enabled: bool) -> None:
        self.bases: dict[str, int] = {}
        total: int | None = 0
        for name in inputs:
            self.bases.setdefault(name, total or 0)
            size = _known_size(name)
            total = None if total is None or size is None else total + size
        self.bar = None
        if enabled:
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="B", unit_scale=True, desc="encode", file=sys.stderr)

    def advance(self, block: Block, tokens: int, documents: int) -> None:
        if self.bar is not None:
            self.bar.set_postfix(documents=f"{documents:,}", tokens=f"{tokens:,}", refresh=False)
            self.bar.update(self.bases[block.source] + block.position - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _separator_id(tokenizer: Any, separator: str | None, directory: str) -> tuple[str, int]:
    if separator is None:
        token, ident = tokenizer.eos_token, tokenizer.eos_token_id
        if token is None or ident is None:
            raise CliError(
                f"the tokenizer in {directory!r} has no EOS token; give one with --separator TOKEN"
            )
        return str(token), int(ident)
    ident = tokenizer.backend_tokenizer.token_to_id(separator)
    if ident is None:
        raise CliError(f"--separator {separator!r} is not a token of the tokenizer in {directory!r}")
    return separator, int(ident)


def _itemsize(tokenizer: Any) -> int:
    """2 when every id of the vocabulary (added tokens included) fits in 16 bits, else 4."""
    return _core.stream_itemsize(tokenizer._tokenizer)


def _results(
    args: argparse.Namespace,
    blocks: Iterator[Block],
    separator: int,
    itemsize: int,
    scratch: str,
    tail: Callable[[], None],
) -> Iterator[tuple[Block, bytes | str, int, int]]:
    """(block, its token stream, tokens, documents) per block, in input order: the stream as bytes, or as the
    name of a worker's result file. `scratch`: the prefix of this run's temporary files. `tail`: the main
    process's own work (the tokenizer's hash for the sidecar), run while the workers have blocks queued (or,
    with fewer blocks than that, once a worker has gone idle; with one worker: after the last block).

    Decision: the hash (about as much work as loading the tokenizer) is not left until a worker goes idle at
    the end: the last blocks are small, so it would run alone between the last block and the sidecar with a
    core idle. Nor is it given a thread of its own: that cost more CPU than the main thread (a new thread's
    heap faults in fresh pages; the main thread reuses what the load freed) and measured slower."""
    if _useful_workers(args) == 1:
        tokenizer = args.loaded_tokenizer
        # A one-thread pool would only add a hand-off: encode on this thread, as each worker thread does.
        parallel = _core.num_threads() > 1
        for block in blocks:
            yield block, *encode_block(tokenizer, block, separator, itemsize, parallel)
        tail()
        return
    if args.jsonl_field is None and args.parquet_column is None:
        yield from _ordered(
            _thread_pool(args.workers), args.workers, blocks, _thread_job(args, separator, itemsize), tail
        )
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    # Linux: fork, so workers start with the modules and the tokenizer already loaded (spawning costs each one
    # a fresh interpreter, imports and a tokenizer load: more CPU than tokenizing ten megabytes). The parent has
    # not encoded anything, and the core rebuilds its thread pool in a forked child anyway. Elsewhere: spawn.
    fork = sys.platform.startswith("linux")
    pool = ProcessPoolExecutor(
        max_workers=args.workers,
        mp_context=multiprocessing.get_context("fork" if fork else "spawn"),
        initializer=_init_worker,
        initargs=(args.loaded_tokenizer if fork else args.tokenizer, separator, itemsize, scratch),
    )
    try:
        yield from _ordered(pool, args.workers, blocks, _encode_block, tail)
    except BrokenProcessPool:
        raise WorkerDied(
            "a worker process died before finishing its block (killed, or out of memory)"
        ) from None


def _thread_pool(workers: int) -> Threads:
    from ferrotok._threads import Threads

    return Threads(workers, "ferrotok-shards")


def _thread_job(args: argparse.Namespace, separator: int, itemsize: int) -> Callable[[Block], Any]:
    tokenizer = args.loaded_tokenizer

    def job(block: Block) -> tuple[bytes, int, int]:
        return encode_block(tokenizer, block, separator, itemsize, parallel=False)

    return job


def _ordered(
    pool: Executor | Threads,
    workers: int,
    blocks: Iterator[Block],
    job: Callable[[Block], Any],
    tail: Callable[[], None],
) -> Iterator[tuple[Block, bytes | str, int, int]]:
    """`job` run on `pool` for every block, the results yielded in input order (see _results)."""
    pending: collections.deque[tuple[Block, Future[Any] | Job]] = collections.deque()
    finished = tail_done = False
    try:
        for block in blocks:
            with _stop_signals_blocked():  # submit may start the pool's threads and processes
                pending.append((block, pool.submit(job, block)))
            full = len(pending) >= workers * IN_FLIGHT_PER_WORKER
            if full and not tail_done:
                # The first time the queue is full: every worker has a block and one queued behind it,
                # so the main thread's own work delays none of them.
                tail()
                tail_done = True
            # Write what is finished at once (a slow input such as a pipe never holds results back), and
            # wait for the oldest block when enough are queued.
            while pending and (pending[0][1].done() or len(pending) >= workers * IN_FLIGHT_PER_WORKER):
                done, future = pending.popleft()
                yield done, *_result(future)
        while pending:
            if not tail_done and len(pending) < workers:
                tail()
                tail_done = True
            done, future = pending.popleft()
            yield done, *_result(future)
        if not tail_done:
            tail()
        finished = True
    finally:
        for _, future in pending:
            future.cancel()
        if not finished:
            _stop_workers(pool)
        pool.shutdown(wait=True, cancel_futures=True)


def _stop_workers(pool: Executor | Threads) -> None:
    """Terminate the workers of a pool given up on (a worker died, Ctrl-C, an error downstream). A worker still
    sending a finished block blocks on the full result pipe that nobody reads any more, and the pool's
    shutdown (and the interpreter's exit) would wait for it forever; CPython 3.11 does not terminate them."""
    processes = getattr(pool, "_processes", None) or {}
    for process in list(processes.values()):
        with contextlib.suppress(Exception):
            process.terminate()


def _useful_workers(args: argparse.Namespace) -> int:
    """--workers, but no more than the inputs have blocks: starting a process costs more than a small file."""
    if "-" in args.input or args.parquet_column is not None:
        return args.workers
    try:
        size = sum(os.path.getsize(name) for name in args.input)
    except OSError:
        return args.workers
    if not any(name.endswith((".gz", ".zst")) for name in args.input):
        return max(1, min(args.workers, -(-size // _shard_inputs.BLOCK_BYTES)))
    return args.workers


def _result(future: Future[Any] | Job) -> tuple[bytes | str, int, int]:
    """A job's (stream or result file, tokens, documents), waiting in steps of a quarter second so that signals are handled
    (see _shard_inputs._Stdin)."""
    # The worker threads' jobs time out with TimeoutError, as the process pool's futures do from Python 3.11.
    futures = sys.modules.get("concurrent.futures")
    timeouts = (TimeoutError, futures.TimeoutError) if futures is not None else TimeoutError
    while True:
        try:
            return future.result(timeout=0.25)
        except timeouts:
            continue


def _check_args(args: argparse.Namespace) -> None:
    if args.max_length is not None or args.offsets or args.no_special_tokens:
        raise CliError("--max-length, --offsets and --no-special-tokens do not apply to --format bin")
    if args.jsonl_field is not None and args.parquet_column is not None:
        raise CliError("give --jsonl-field or --parquet-column, not both")
    if args.workers < 1:
        raise CliError("--workers must be at least 1")
    if args.shard_tokens is not None and args.shard_tokens < 1:
        raise CliError("--shard-tokens must be at least 1")
    if args.input.count("-") > 1:
        raise CliError("stdin ('-') can be given only once")
    for name in args.input:
        if name != "-":
            check_readable(name)  # fail on an unreadable input before loading anything


def _import_while_loading(args: argparse.Namespace) -> None:
    """Import what the run uses once the tokenizer is loaded (its Python class, the worker pool, the progress
    bar) while the core loads it on its thread: imported after the load, they would delay the first block.
    The process pool's `concurrent.futures` brings `logging` (35 M instructions), tqdm 126 M; the load is about
    100 M (GPT-2's legacy folder)."""
    import ferrotok.auto  # what _load_tokenizer imports

    if _useful_workers(args) > 1:
        if args.jsonl_field is None and args.parquet_column is None:
            import ferrotok._threads  # noqa: F401
        else:
            import concurrent.futures.process  # noqa: F401
            import multiprocessing  # noqa: F401
    if not args.quiet:
        import tqdm  # noqa: F401


def _tokenizer_hash(tokenizer: Any) -> str:
    """SHA-256 of the tokenizer's tokenizer.json serialization (`to_str(False)`, UTF-8)."""
    return _core.tokenizer_sha256(tokenizer._tokenizer)


def cmd_encode_bin(args: argparse.Namespace) -> int:
    from ferrotok import __version__

    _check_args(args)
    args.workers = _useful_workers(args)  # also sizes the blocks: one process cuts no smaller tail blocks
    loading = _early_load.take(args.tokenizer)  # started by `python -m ferrotok` (see _early_load)
    if loading is None and os.path.isdir(args.tokenizer):
        loading = _Loading(args.tokenizer)
    out = args.output.rstrip("/") or args.output  # a trailing slash, as `pathlib` drops it
    parent = os.path.dirname(out) or "."
    if not os.path.isdir(parent):
        raise CliError(f"output folder {parent!r} does not exist")
    if loading is not None:
        _import_while_loading(args)
    tokenizer = _load_tokenizer(args.tokenizer, loading.result if loading is not None else None)
    startup_over()
    separator_token, separator = _separator_id(tokenizer, args.separator, args.tokenizer)
    itemsize = _itemsize(tokenizer)
    args.loaded_tokenizer = tokenizer
    scratch = Scratch(parent)
    progress = _Progress(args.input, enabled=not args.quiet)
    writer = _Writer(scratch, itemsize, args.shard_tokens, out)
    tokens = documents = 0
    digest: list[str] = []  # the tokenizer's hash, computed while the last blocks are being tokenized
    previous = signal.signal(signal.SIGTERM, _raise_interrupt) if _main_thread() else None
    try:
        for block, stream, n_tokens, n_docs in _results(
            args,
            blocks(args),
            separator,
            itemsize,
            scratch.path_prefix,
            tail=lambda: digest.append(_tokenizer_hash(tokenizer)),
        ):
            if isinstance(stream, str):
                writer.append(stream)
            else:
                writer.write(stream)
            tokens += n_tokens
            documents += n_docs
            progress.advance(block, tokens, documents)
        if args.shard_tokens is None and not writer.files:
            writer.write(b"")  # an empty input still makes an (empty) output file
        writer.close()
        progress.close()
        finals = [out] if args.shard_tokens is None else _shard_names(out, len(writer.shards()))
        sidecar = {
            "format": "ferrotok-bin",
            "dtype": DTYPES[itemsize],
            "byteorder": "little",
            "tokens": tokens,
            "documents": documents,
            "separator": {"token": separator_token, "id": separator},
            "shard_tokens": args.shard_tokens,
            "shards": [
                {"file": os.path.basename(final), "tokens": n}
                for final, (_, n) in zip(finals, writer.shards(), strict=True)
            ],
            "tokenizer": {
                "name": tokenizer.name_or_path or args.tokenizer,
                "sha256": digest[0],
                "vocab_size": len(tokenizer),
            },
            "inputs": list(args.input),
            "ferrotok_version": __version__,
        }
        sidecar_tmp = scratch.new(".json")
        try:
            with open(sidecar_tmp, "w", encoding="utf-8") as f:
                json.dump(sidecar, f, indent=2, ensure_ascii=False)
                f.write("\n")
        except OSError as e:
            raise CliError(f"cannot write {_sidecar_name(out)}: {e.strerror or e}") from None
        # The sidecar goes last: its presence says every shard it lists is complete.
        for final, (tmp, _) in zip(finals, writer.shards(), strict=True):
            os.replace(tmp, final)
        os.replace(sidecar_tmp, _sidecar_name(out))
    finally:
        with contextlib.suppress(CliError):
            writer.close()
        progress.close()
        scratch.cleanup()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    if not args.quiet:
        shards = f" in {len(finals)} shards" if args.shard_tokens is not None else ""
        print(
            f"wrote {tokens:,} {DTYPES[itemsize]} tokens of {documents:,} documents to {out}{shards}",
            file=sys.stderr,
        )
    return 0


def _raise_interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()
