"""Inputs of `ferrotok encode --format bin`: text, JSONL and Parquet files (or stdin) cut into blocks of work,
and the documents of a block (decoded in the worker that tokenizes it)."""

from __future__ import annotations

import argparse
import io
import os
import select
import stat
import sys
from collections.abc import Iterator
from typing import IO, Any

from ferrotok.cli import CliError, _jsonl_field

__all__ = ["BLOCK_BYTES", "Block", "blocks", "check_readable", "open_bytes", "raw_lines", "texts"]

# Raw input per block: large enough to amortise a task, small enough to keep memory flat.
BLOCK_BYTES = 1 << 20
PARQUET_ROWS = 8192  # Parquet rows per block


class Block:
    """One unit of work: whole lines (text / JSONL) or a Parquet column slice. Lines of a plain file travel as a
    byte range that the worker reads itself, so the main process neither reads nor sends the text.

    A plain class rather than a dataclass: importing dataclasses (and inspect with it) cost the start-up of
    `ferrotok encode --format bin` 35 M instructions."""

    __slots__ = ("field", "first", "kind", "payload", "position", "source", "span")

    def __init__(
        self,
        source: str,
        first: int | None,
        kind: str,
        payload: Any,
        field: str | None,
        position: int,
        span: tuple[int, int] = (0, 0),
    ) -> None:
        self.source = source  # file name for messages
        self.first = (
            first  # number of the first line (or Parquet row, from 1); None: not counted yet (a range)
        )
        self.kind = kind  # "text" | "jsonl" | "parquet"
        self.payload = payload  # bytes, a pyarrow array for Parquet, or None for a range of `source`
        self.field = field
        self.position = position  # bytes of the (compressed) file read once this block is done, for progress
        self.span = span  # (offset, length) in `source` when payload is None


def open_bytes(name: str) -> tuple[IO[bytes], IO[bytes] | None]:
    """A binary stream of the (decompressed) input and the raw file under it (for progress), or CliError."""
    if name == "-":
        return _Stdin(), None
    try:
        raw = open(name, "rb")  # noqa: SIM115 (closed by the caller)
    except OSError as e:
        raise CliError(f"cannot read input file {name!r}: {e.strerror or e}") from None
    if name.endswith(".gz"):
        import gzip

        return gzip.GzipFile(fileobj=raw, mode="rb"), raw
    if name.endswith(".zst"):
        try:
            import zstandard
        except ImportError:
            raw.close()
            raise CliError(
                f"{name}: reading .zst files needs the zstandard package (pip install zstandard)"
            ) from None
        return io.BufferedReader(zstandard.ZstdDecompressor().stream_reader(raw, closefd=True)), raw
    return raw, raw


def check_readable(name: str) -> None:
    """Fail early (CliError) on an input that cannot be read. A named pipe is only looked at: opening it would
    wait for its writer, and closing it again would break the pipe."""
    try:
        regular = stat.S_ISREG(os.stat(name).st_mode)
    except OSError as e:
        raise CliError(f"cannot read input file {name!r}: {e.strerror or e}") from None
    if regular:
        open_bytes(name)[0].close()


class _Stdin(io.RawIOBase):
    """stdin read in blocks that wake up four times a second: a Ctrl-C taken by another thread of the process
    then still stops a run that waits on a silent pipe (a plain blocking read would never return)."""

    def __init__(self) -> None:
        self.fd = sys.stdin.fileno()

    def readable(self) -> bool:
        return True

    def close(self) -> None:  # stdin stays open for the caller
        pass

    def read(self, size: int = -1) -> bytes:
        parts: list[bytes] = []
        wanted = size if size >= 0 else 1 << 62
        while wanted > 0:
            ready, _, _ = select.select([self.fd], [], [], 0.25)
            if not ready:
                continue  # back in the interpreter: pending signal handlers run here
            data = os.read(self.fd, min(wanted, 1 << 20))
            if not data:
                break
            parts.append(data)
            wanted -= len(data)
        return b"".join(parts)


def _block_bytes(remaining: int, workers: int) -> int:
    """Raw bytes of the next range. With several workers blocks shrink as the input runs out (each at most a
    1 / (2 · workers) share of what remains, down to BLOCK_BYTES / 16), so the workers finish together instead
    of one tokenizing a last full block while the others wait."""
    if workers <= 1:
        return BLOCK_BYTES
    return max(BLOCK_BYTES // 16, min(BLOCK_BYTES, remaining // (2 * workers)))


def _range_blocks(
    name: str, kind: str, field: str | None, workers: int = 1, after: int = 0
) -> Iterator[Block] | None:
    """Blocks of a plain (uncompressed, seekable) file as byte ranges of about BLOCK_BYTES, each ending after a
    line end; None for other inputs (stdin, pipes, compressed files), which are read as a stream. `after`: the
    bytes of the inputs that follow this one (for the block sizes, see _block_bytes)."""
    if name == "-" or name.endswith((".gz", ".zst")):
        return None
    try:
        # stat, not open: opening a named pipe would wait for its writer, and closing it would break the pipe.
        if not stat.S_ISREG(os.stat(name).st_mode):
            return None
        handle = open(name, "rb")  # noqa: SIM115 (closed by the generator)
    except OSError as e:
        raise CliError(f"cannot read input file {name!r}: {e.strerror or e}") from None

    def ranges() -> Iterator[Block]:
        with handle:
            size = os.fstat(handle.fileno()).st_size
            start = 0
            while start < size:
                end = min(start + _block_bytes(size - start + after, workers), size)
                if end < size:
                    end = _after_line_end(handle, end - 1, size)
                yield Block(name, None, kind, None, field, end, (start, end - start))
                start = end

    return ranges()


def _after_line_end(handle: IO[bytes], at: int, size: int) -> int:
    """The offset just after the first newline at or after `at` (the file's size when there is none)."""
    handle.seek(at)
    while at < size:
        window = handle.read(1 << 16)
        if not window:
            break
        found = window.find(b"\n")
        if found >= 0:
            return at + found + 1
        at += len(window)
    return size


def _read_range(block: Block) -> bytes:
    offset, length = block.span
    try:
        with open(block.source, "rb") as f:
            f.seek(offset)
            data = f.read(length)
    except OSError as e:
        raise CliError(f"{block.source}: cannot read: {e.strerror or e}") from None
    if len(data) != length:
        raise CliError(f"{block.source}: the file changed while it was being read")
    return data


def _first_line(block: Block) -> int:
    """The number of a range's first line: its file's line ends before it, counted (only for a message)."""
    offset, _ = block.span
    count = 0
    with open(block.source, "rb") as f:
        while offset > 0:
            chunk = f.read(min(offset, 1 << 20))
            if not chunk:
                break
            count += chunk.count(b"\n")
            offset -= len(chunk)
    return count + 1


def _line_blocks(name: str, kind: str, field: str | None) -> Iterator[Block]:
    """Blocks of whole lines, about BLOCK_BYTES each; the last line may lack its newline."""
    stream, raw = open_bytes(name)
    seekable = raw is not None and raw.seekable()  # not a named pipe
    line = 1
    carry = b""
    position = 0
    try:
        with stream:
            while True:
                try:
                    chunk = stream.read(BLOCK_BYTES)
                except Exception as e:  # I/O errors, and gzip's or zstandard's own errors for corrupt data
                    raise CliError(f"{name}: cannot read (after line {line - 1}): {e}") from None
                position = raw.tell() if seekable and raw is not None else position + len(chunk)
                if not chunk:
                    break
                data = carry + chunk
                cut = data.rfind(b"\n") + 1
                if cut == 0:  # no line end yet: keep reading
                    carry = data
                    continue
                carry = data[cut:]
                yield Block(name, line, kind, data[:cut], field, position)
                line += data.count(b"\n", 0, cut)
            if carry:
                yield Block(name, line, kind, carry, field, position)
    except CliError:
        raise
    except OSError as e:
        raise CliError(f"{name}: cannot read: {e.strerror or e}") from None


def _parquet_blocks(name: str, column: str) -> Iterator[Block]:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise CliError("Parquet inputs need pyarrow (pip install 'ferrotok[shards]')") from None
    if name == "-":
        raise CliError("Parquet cannot be read from stdin ('-'); give a file")
    try:
        parquet = pq.ParquetFile(name)
    except (OSError, pa.ArrowException) as e:
        raise CliError(f"{name}: cannot read as Parquet: {e}") from None
    with parquet:
        schema = parquet.schema_arrow
        if column not in schema.names:
            raise CliError(f"{name}: no column {column!r} (columns: {', '.join(schema.names)})")
        kind = schema.field(column).type
        if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
            raise CliError(f"{name}: column {column!r} is {kind}, not a string column")
        row = 1
        rows = max(parquet.metadata.num_rows, 1)
        size = os.path.getsize(name)
        batches = parquet.iter_batches(batch_size=PARQUET_ROWS, columns=[column])
        while True:
            try:
                batch = next(batches, None)
            except (OSError, pa.ArrowException) as e:
                raise CliError(f"{name}: cannot read (after row {row - 1}): {e}") from None
            if batch is None:
                break
            values = batch.column(0)
            row += len(values)
            yield Block(name, row - len(values), "parquet", values, column, size * (row - 1) // rows)


def blocks(args: argparse.Namespace) -> Iterator[Block]:
    sizes = [_plain_size(name) for name in args.input]
    for k, name in enumerate(args.input):
        if args.parquet_column is not None:
            yield from _parquet_blocks(name, args.parquet_column)
        else:
            kind = "text" if args.jsonl_field is None else "jsonl"
            ranges = _range_blocks(name, kind, args.jsonl_field, args.workers, sum(sizes[k + 1 :]))
            yield from _line_blocks(name, kind, args.jsonl_field) if ranges is None else ranges


def _plain_size(name: str) -> int:
    """The size of an input cut into ranges (0 for the others: a stream's end is not known)."""
    if name == "-" or name.endswith((".gz", ".zst")):
        return 0
    try:
        info = os.stat(name)
    except OSError:
        return 0
    return info.st_size if stat.S_ISREG(info.st_mode) else 0


def raw_lines(block: Block) -> bytes | None:
    """The bytes of a block of text lines (read here for a range), for the core to split and decode; None for
    JSONL and Parquet blocks."""
    if block.kind != "text":
        return None
    return _read_range(block) if block.payload is None else block.payload


def texts(block: Block) -> list[str]:
    """The documents of a block (runs in the workers)."""
    try:
        return _documents(block)
    except CliError as error:
        if block.first is not None:
            raise
        # Bad input in a range whose line numbers are not known yet: count them, and fail with the file's numbers.
        try:
            block.first = _first_line(block)
        except OSError:
            raise error from None
        return _documents(block)


def _documents(block: Block) -> list[str]:
    first = 1 if block.first is None else block.first
    if block.kind == "parquet":
        if block.payload.null_count:
            row = first + block.payload.is_null().to_pylist().index(True)
            raise CliError(f"{block.source}: row {row}: column {block.field!r} is null")
        return block.payload.to_pylist()
    data: bytes = _read_range(block) if block.payload is None else block.payload
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = first + data.count(b"\n", 0, e.start)
        start = data.rfind(b"\n", 0, e.start) + 1
        raise CliError(
            f"{block.source}:{line}: not valid UTF-8 ({e.reason} at byte {e.start - start} of the line)"
        ) from None
    lines = text.split("\n")
    if data.endswith(b"\n"):
        lines.pop()
    if "\r" in text:
        lines = [line.removesuffix("\r") for line in lines]
    if block.kind == "jsonl":
        return _jsonl_field(lines, first, block.source, block.field or "")
    return lines
