"""Inputs of `ferrotok encode --format bin`: text, JSONL and Parquet files (or stdin) cut into blocks of work,
and the documents of a block (decoded in the worker that tokenizes it)."""

from __future__ import annotations

import argparse
import gzip
import io
import os
import select
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from ferrotok.cli import CliError, _jsonl_field

__all__ = ["BLOCK_BYTES", "Block", "blocks", "open_bytes", "texts"]

# Raw input per block: large enough to amortise a task, small enough to keep memory flat.
BLOCK_BYTES = 1 << 20
PARQUET_ROWS = 8192  # Parquet rows per block


@dataclass
class Block:
    """One unit of work: raw bytes of whole lines (text / JSONL) or a Parquet column slice."""

    source: str  # file name for messages
    first: int  # number of the first line (or Parquet row, from 1)
    kind: str  # "text" | "jsonl" | "parquet"
    payload: Any  # bytes, or a pyarrow array for Parquet
    field: str | None
    position: int  # bytes of the (compressed) file read once this block is done, for progress


def open_bytes(name: str) -> tuple[IO[bytes], IO[bytes] | None]:
    """A binary stream of the (decompressed) input and the raw file under it (for progress), or CliError."""
    if name == "-":
        return _Stdin(), None
    try:
        raw = open(name, "rb")  # noqa: SIM115 (closed by the caller)
    except OSError as e:
        raise CliError(f"cannot read input file {name!r}: {e.strerror or e}") from None
    if name.endswith(".gz"):
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


def _line_blocks(name: str, kind: str, field: str | None) -> Iterator[Block]:
    """Blocks of whole lines, about BLOCK_BYTES each; the last line may lack its newline."""
    stream, raw = open_bytes(name)
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
                position = raw.tell() if raw is not None else position + len(chunk)
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
    for name in args.input:
        if args.parquet_column is not None:
            yield from _parquet_blocks(name, args.parquet_column)
        else:
            kind = "text" if args.jsonl_field is None else "jsonl"
            yield from _line_blocks(name, kind, args.jsonl_field)


def texts(block: Block) -> list[str]:
    """The documents of a block (runs in the workers)."""
    if block.kind == "parquet":
        if block.payload.null_count:
            row = block.first + block.payload.is_null().to_pylist().index(True)
            raise CliError(f"{block.source}: row {row}: column {block.field!r} is null")
        return block.payload.to_pylist()
    data: bytes = block.payload
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = block.first + data.count(b"\n", 0, e.start)
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
        return _jsonl_field(lines, block.first, Path(block.source), block.field or "")
    return lines
