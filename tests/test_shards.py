"""`ferrotok encode --format bin`: the token stream against transformers' tokenizer, byte-identical output for
any worker count, the uint16 / uint32 choice, the sidecar, every input kind, and bad input or interruption
leaving nothing behind (exit status 2 with the file and line named)."""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import os
import resource
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import ferrotok
import transformers
from conftest import FIXTURES, bert_model_dir, multilingual_lines
from ferrotok import _core, _shard_inputs, shards
from ferrotok.cli import main

GPT2 = str(FIXTURES / "gpt2")
EOS = 50256
LINES = [
    *(line for _, line in multilingual_lines()),
    "",
    "text that names <|endoftext|> inside a document",
    "   leading and trailing spaces   ",
    "naïve café — déjà vu 東京 🙂\r",
]


@pytest.fixture(scope="module")
def hf_gpt2():
    return transformers.AutoTokenizer.from_pretrained(GPT2, local_files_only=True)


def expected_stream(hf_tok, texts: list[str], separator: int) -> list[int]:
    """What a user writes by hand: ids without special tokens, each document followed by the separator."""
    ids = hf_tok(texts, add_special_tokens=False)["input_ids"]
    return [i for row in ids for i in [*row, separator]]


def run_bin(*args: str, tokenizer: str = GPT2) -> int:
    return main(["encode", "--format", "bin", "--tokenizer", tokenizer, "-q", *args])


def run_cli(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    """The command in a fresh process (stdin, signals, resource limits)."""
    command = [sys.executable, "-m", "ferrotok", "encode", "--format", "bin", "-q", *args]
    return subprocess.run(command, capture_output=True, timeout=300, **kwargs)


def leftovers(folder: Path, *keep: Path) -> list[str]:
    """Files in folder besides the inputs: outputs, shards, or temporary files."""
    return sorted(p.name for p in folder.iterdir() if p not in keep)


@pytest.fixture
def lines_file(tmp_path: Path) -> Path:
    path = tmp_path / "in.txt"
    path.write_bytes("\n".join(LINES).encode("utf-8"))  # the last line without its newline
    return path


def texts_of(lines: list[str]) -> list[str]:
    return [line.removesuffix("\r") for line in lines]


# --- the stream ---------------------------------------------------------------------------------------------
def test_stream_matches_transformers_and_memmaps(tmp_path, lines_file, hf_gpt2):
    out = tmp_path / "train.bin"
    assert run_bin(str(lines_file), "-o", str(out), "--workers", "1") == 0
    data = np.memmap(out, dtype=np.uint16, mode="r")
    assert data.tolist() == expected_stream(hf_gpt2, texts_of(LINES), EOS)
    assert out.stat().st_size == 2 * len(data)  # little-endian uint16, no header


def test_separator_option(tmp_path, lines_file, hf_gpt2):
    out = tmp_path / "train.bin"
    assert run_bin(str(lines_file), "-o", str(out), "--workers", "1", "--separator", "!") == 0
    bang = hf_gpt2.convert_tokens_to_ids("!")
    assert np.fromfile(out, dtype="<u2").tolist() == expected_stream(hf_gpt2, texts_of(LINES), bang)
    assert json.loads((tmp_path / "train.bin.json").read_text())["separator"] == {"token": "!", "id": bang}


def test_sidecar(tmp_path, lines_file):
    out = tmp_path / "train.bin"
    assert run_bin(str(lines_file), "-o", str(out), "--workers", "1", "--shard-tokens", "1000") == 0
    meta = json.loads((tmp_path / "train.bin.json").read_text(encoding="utf-8"))
    tok = ferrotok.AutoTokenizer.from_pretrained(GPT2)
    stream = np.concatenate([np.fromfile(tmp_path / s["file"], dtype=meta["dtype"]) for s in meta["shards"]])
    assert meta["dtype"] == "uint16" and meta["byteorder"] == "little"
    assert meta["tokens"] == len(stream) > 1000
    assert meta["documents"] == len(LINES) == int((stream == EOS).sum()) - 1  # one EOS typed in a line
    assert meta["separator"] == {"token": "<|endoftext|>", "id": EOS}
    assert meta["shard_tokens"] == 1000
    assert [s["file"] for s in meta["shards"]] == [
        p.name for p in shards.shard_paths(out, len(meta["shards"]))
    ]
    assert [s["tokens"] for s in meta["shards"]][:-1] == [1000] * (len(meta["shards"]) - 1)
    assert sum(s["tokens"] for s in meta["shards"]) == meta["tokens"]
    serialized = tok.backend_tokenizer.to_str(False).encode("utf-8")
    assert meta["tokenizer"] == {
        "name": GPT2,
        "sha256": hashlib.sha256(serialized).hexdigest(),
        "vocab_size": 50257,
    }
    assert meta["inputs"] == [str(lines_file)]
    assert meta["ferrotok_version"] == ferrotok.__version__
    assert not out.exists()  # with --shard-tokens only the numbered shards are written
    assert leftovers(tmp_path, lines_file) == sorted([*(s["file"] for s in meta["shards"]), "train.bin.json"])


@pytest.mark.parametrize(
    "name",
    ["train.bin", "data/train.bin", "train", ".bin", "a.tar.gz", "a.", "a..b", "d.x/.hidden", "/t/x.y"],
)
def test_shard_names_split_the_stem_and_suffix_as_pathlib_does(name):
    """The run names its shards and sidecar without `pathlib` (start-up time): the same names."""
    path = Path(name)
    stem, suffix = (path.stem, path.suffix) if path.suffix else (path.name, "")
    expected = [str(path.with_name(f"{stem}-{i:05d}{suffix}")) for i in range(3)]
    assert shards._shard_names(name, 3) == expected
    assert [str(p) for p in shards.shard_paths(path, 3)] == expected
    assert (
        shards._sidecar_name(name)
        == str(shards.sidecar_path(path))
        == str(path.with_name(path.name + ".json"))
    )


def test_empty_input_gives_an_empty_stream(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    out = tmp_path / "train.bin"
    assert run_bin(str(empty), "-o", str(out), "--workers", "1") == 0
    assert out.read_bytes() == b""
    meta = json.loads((tmp_path / "train.bin.json").read_text())
    assert (meta["tokens"], meta["documents"], meta["shards"]) == (0, 0, [{"file": "train.bin", "tokens": 0}])


def test_byte_identical_for_any_worker_count(tmp_path, monkeypatch, hf_gpt2):
    """Many small blocks spread over 1, 2 and 3 workers (threads); single file and shards give the same stream."""
    monkeypatch.setattr(_shard_inputs, "BLOCK_BYTES", 2048)
    texts = texts_of(LINES) * 6
    source = tmp_path / "in.txt"
    source.write_text("\n".join(texts) + "\n", encoding="utf-8")
    outputs = {}
    for workers in (1, 2, 3):
        folder = tmp_path / f"w{workers}"
        folder.mkdir()
        assert run_bin(str(source), "-o", str(folder / "a.bin"), "--workers", str(workers)) == 0
        assert (
            run_bin(
                str(source), "-o", str(folder / "b.bin"), "--workers", str(workers), "--shard-tokens", "777"
            )
            == 0
        )
        outputs[workers] = {p.name: p.read_bytes() for p in sorted(folder.iterdir())}
        whole = (folder / "a.bin").read_bytes()
        parts = b"".join(v for k, v in outputs[workers].items() if k.startswith("b-"))
        assert parts == whole
    assert outputs[1] == outputs[2] == outputs[3]  # shards and sidecars, byte for byte
    assert np.frombuffer(outputs[1]["a.bin"], dtype="<u2").tolist() == expected_stream(hf_gpt2, texts, EOS)


# --- dtype --------------------------------------------------------------------------------------------------
def wide_bert(folder: Path, size: int) -> Path:
    """BERT's vocab.txt padded with filler words to `size` entries (ids 0 .. size - 1)."""
    folder.mkdir()
    vocab = (bert_model_dir() / "vocab.txt").read_text(encoding="utf-8").splitlines()
    vocab += [f"filler{i}" for i in range(size - len(vocab))]
    (folder / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    config = json.loads((bert_model_dir() / "tokenizer_config.json").read_text(encoding="utf-8"))
    (folder / "tokenizer_config.json").write_text(json.dumps(config), encoding="utf-8")
    return folder


@pytest.mark.parametrize(("size", "dtype"), [(65536, "uint16"), (65537, "uint32")])
def test_dtype_by_vocabulary_size(tmp_path, size, dtype):
    folder = wide_bert(tmp_path / "tok", size)
    last = f"filler{size - 30523}"  # the highest id: 65535 (fits 16 bits) or 65536 (does not)
    texts = ["Hello world", f"the last word {last} here", "東京 🙂"]
    source = tmp_path / "in.txt"
    source.write_text("\n".join(texts) + "\n", encoding="utf-8")
    out = tmp_path / "out.bin"
    assert (
        run_bin(str(source), "-o", str(out), "--separator", "[SEP]", "--workers", "1", tokenizer=str(folder))
        == 0
    )
    meta = json.loads((tmp_path / "out.bin.json").read_text())
    assert meta["dtype"] == dtype
    stream = np.fromfile(out, dtype="<u2" if dtype == "uint16" else "<u4")
    hf = transformers.AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
    assert stream.tolist() == expected_stream(hf, texts, hf.sep_token_id)
    assert size - 1 in stream.tolist()


# --- inputs -------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> bytes:
    folder = tmp_path_factory.mktemp("reference")
    (folder / "in.txt").write_text("\n".join(LINES), encoding="utf-8")
    assert run_bin(str(folder / "in.txt"), "-o", str(folder / "ref.bin"), "--workers", "1") == 0
    return (folder / "ref.bin").read_bytes()


@pytest.mark.parametrize("workers", ["1", "2"])
def test_jsonl_field(tmp_path, monkeypatch, reference, workers):
    """With --workers 2, many blocks over worker processes (JSONL is parsed under the GIL: not threads)."""
    monkeypatch.setattr(_shard_inputs, "BLOCK_BYTES", 4096)
    source = tmp_path / "in.jsonl"
    rows = [json.dumps({"id": i, "text": t}, ensure_ascii=i % 2 == 0) for i, t in enumerate(texts_of(LINES))]
    rows.insert(3, "")  # blank lines are skipped
    source.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert (
        run_bin(str(source), "-o", str(tmp_path / "o.bin"), "--jsonl-field", "text", "--workers", workers)
        == 0
    )
    assert (tmp_path / "o.bin").read_bytes() == reference


@pytest.mark.parametrize("workers", ["1", "2"])
def test_parquet_column(tmp_path, monkeypatch, reference, workers):
    monkeypatch.setattr(_shard_inputs, "PARQUET_ROWS", 100)
    pa = pytest.importorskip("pyarrow", reason="Parquet input is the optional pyarrow extra")
    import pyarrow.parquet as pq

    source = tmp_path / "in.parquet"
    table = pa.table({"id": list(range(len(LINES))), "text": texts_of(LINES)})
    pq.write_table(table, source, row_group_size=7)
    assert (
        run_bin(str(source), "-o", str(tmp_path / "o.bin"), "--parquet-column", "text", "--workers", workers)
        == 0
    )
    assert (tmp_path / "o.bin").read_bytes() == reference


def test_compressed_and_several_inputs(tmp_path, reference):
    zstandard = pytest.importorskip("zstandard", reason=".zst input is the optional zstandard extra")
    data = "\n".join(LINES).encode("utf-8")
    half = data.index(b"\n", len(data) // 2) + 1
    first, second = tmp_path / "a.txt.gz", tmp_path / "b.txt.zst"
    first.write_bytes(gzip.compress(data[:half]))
    second.write_bytes(zstandard.ZstdCompressor().compress(data[half:]))
    assert run_bin(str(first), str(second), "-o", str(tmp_path / "o.bin"), "--workers", "1") == 0
    assert (tmp_path / "o.bin").read_bytes() == reference


@pytest.mark.parametrize("workers", ["1", "2"])
def test_ranges_of_a_file_match_its_stream(tmp_path, monkeypatch, workers):
    """A plain file is cut into byte ranges that the workers read themselves; stdin and a named pipe are read as
    a stream. Lines longer than a block, CRLF, blank lines and a last line without its newline: same bytes."""
    monkeypatch.setattr(_shard_inputs, "BLOCK_BYTES", 100)
    lines = [*LINES, "x" * 350, "", "crlf line\r", "y" * 99, "z" * 100, *LINES]
    data = "\n".join(lines).encode("utf-8")  # no newline at the end
    source = tmp_path / "in.txt"
    source.write_bytes(data)
    blocks = list(_shard_inputs._range_blocks(str(source), "text", None) or [])
    assert len(blocks) > 5 and b"".join(_shard_inputs._read_range(b) for b in blocks) == data
    assert all(_shard_inputs._read_range(b).endswith(b"\n") for b in blocks[:-1])
    assert run_bin(str(source), "-o", str(tmp_path / "file.bin"), "--workers", workers) == 0
    piped = run_cli(
        ["-", "-o", str(tmp_path / "stdin.bin"), "--tokenizer", GPT2, "--workers", workers], input=data
    )
    assert piped.returncode == 0, piped.stderr.decode()
    assert (tmp_path / "file.bin").read_bytes() == (tmp_path / "stdin.bin").read_bytes()
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    assert _shard_inputs._range_blocks(str(fifo), "text", None) is None  # not a regular file: a stream
    writer = threading.Thread(target=fifo.write_bytes, args=(data,))
    writer.start()
    assert run_bin(str(fifo), "-o", str(tmp_path / "fifo.bin"), "--workers", workers) == 0
    writer.join()
    assert (tmp_path / "fifo.bin").read_bytes() == (tmp_path / "file.bin").read_bytes()


def test_blocks_shrink_toward_the_end_with_workers(tmp_path, monkeypatch):
    """With several workers the last ranges get smaller, so the workers finish together; the ranges still
    cover the file exactly, each ending after a line end."""
    monkeypatch.setattr(_shard_inputs, "BLOCK_BYTES", 1600)
    data = "".join(f"line {i} {'x' * (i % 50)}\n" for i in range(2000)).encode("utf-8")  # short lines
    source = tmp_path / "in.txt"
    source.write_bytes(data)
    ranges = list(_shard_inputs._range_blocks(str(source), "text", None, workers=2) or [])
    sizes = [b.span[1] for b in ranges]
    assert b"".join(_shard_inputs._read_range(b) for b in ranges) == data
    assert all(_shard_inputs._read_range(b).endswith(b"\n") for b in ranges)
    assert sizes[0] >= 1600 and max(sizes[-3:]) < 1600 // 2
    one = [b.span[1] for b in _shard_inputs._range_blocks(str(source), "text", None) or []]
    assert len(one) < len(sizes) and min(one[:-1]) >= 1600  # one worker: full blocks to the end
    # Inputs that follow keep this file's blocks full.
    later = _shard_inputs._range_blocks(str(source), "text", None, workers=2, after=10 * len(data))
    assert [b.span[1] for b in later or []] == one


def test_core_stream_errors():
    tok = ferrotok.AutoTokenizer.from_pretrained(GPT2)._tokenizer
    assert _core.encode_stream(tok, [], EOS, 2) == (b"", 0)
    data, count = _core.encode_stream(tok, ["hi", ""], EOS, 4)
    assert (count, np.frombuffer(data, dtype="<u4")[-2:].tolist()) == (3, [EOS, EOS])
    with pytest.raises(ValueError, match="does not fit in 16 bits"):
        _core.encode_stream(tok, ["hi"], 70000, 2)
    with pytest.raises(ValueError, match="itemsize"):
        _core.encode_stream(tok, ["hi"], EOS, 3)
    with pytest.raises(TypeError, match=r"texts\[1\]"):
        _core.encode_stream(tok, ["hi", 3], EOS, 2)


def test_stdin_with_workers(tmp_path, reference):
    out = tmp_path / "o.bin"
    data = "\n".join(LINES).encode("utf-8")
    result = run_cli(["-", "-o", str(out), "--tokenizer", GPT2, "--workers", "2"], input=data)
    assert result.returncode == 0, result.stderr.decode()
    assert out.read_bytes() == reference
    assert json.loads((tmp_path / "o.bin.json").read_text())["inputs"] == ["-"]


# --- bad input: exit status 2, the place named, nothing left behind -------------------------------------
def check_failure(capsys, folder: Path, inputs: list[Path], args: list[str], message: str, **kw) -> None:
    out = folder / "o.bin"
    assert run_bin(*map(str, inputs), "-o", str(out), *args, **kw) == 2
    err = capsys.readouterr().err
    assert message in err, err
    assert leftovers(folder, *inputs) == []


@pytest.mark.parametrize("workers", ["1", "2"])
def test_invalid_utf8_names_file_and_line(tmp_path, capsys, monkeypatch, workers):
    monkeypatch.setattr(_shard_inputs, "BLOCK_BYTES", 64)  # the bad line lies in a later block
    source = tmp_path / "in.txt"
    source.write_bytes(
        b"".join(b"line number %d is fine\n" % i for i in range(1, 40)) + b"bad \xff byte\nlast\n"
    )
    check_failure(capsys, tmp_path, [source], ["--workers", workers], f"{source}:40: not valid UTF-8")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('["a list"]', ":2: no field 'text' in this JSON line"),
        ('{"body": "x"}', ":2: no field 'text' in this JSON line"),
        ('{"text": 3}', ":2: field 'text' is int, not a string"),
        ("{not json", ":2: not valid JSON"),
    ],
)
def test_bad_jsonl_line(tmp_path, capsys, line, message):
    source = tmp_path / "in.jsonl"
    source.write_text('{"text": "fine"}\n' + line + "\n", encoding="utf-8")
    args = ["--jsonl-field", "text", "--workers", "1"]
    check_failure(capsys, tmp_path, [source], args, f"{source}{message}")


def test_missing_parquet_column(tmp_path, capsys):
    pa = pytest.importorskip("pyarrow", reason="Parquet input is the optional pyarrow extra")
    import pyarrow.parquet as pq

    source = tmp_path / "in.parquet"
    pq.write_table(pa.table({"body": ["a", "b"]}), source)
    args = ["--parquet-column", "text", "--workers", "1"]
    check_failure(capsys, tmp_path, [source], args, f"{source}: no column 'text' (columns: body)")


def test_null_parquet_value(tmp_path, capsys):
    pa = pytest.importorskip("pyarrow", reason="Parquet input is the optional pyarrow extra")
    import pyarrow.parquet as pq

    source = tmp_path / "in.parquet"
    pq.write_table(pa.table({"text": ["a", None, "b"]}), source)
    args = ["--parquet-column", "text", "--workers", "1"]
    check_failure(capsys, tmp_path, [source], args, f"{source}: row 2: column 'text' is null")


def test_tokenizer_without_eos_needs_a_separator(tmp_path, capsys, lines_file):
    bert = str(bert_model_dir())
    check_failure(capsys, tmp_path, [lines_file], ["--workers", "1"], "has no EOS token", tokenizer=bert)
    args = ["--workers", "1", "--separator", "<eos>"]
    check_failure(capsys, tmp_path, [lines_file], args, "--separator '<eos>' is not a token", tokenizer=bert)


def test_corrupt_gzip(tmp_path, capsys):
    source = tmp_path / "in.txt.gz"
    data = gzip.compress(b"first line\n" * 50_000)
    source.write_bytes(data[: len(data) // 2])  # cut short
    check_failure(capsys, tmp_path, [source], ["--workers", "1"], f"{source}: cannot read (after line")


def test_later_input_missing(tmp_path, capsys, lines_file):
    check_failure(capsys, tmp_path, [lines_file, tmp_path / "nope.txt"], ["--workers", "1"], "nope.txt")


def test_options_of_other_formats(tmp_path, capsys, lines_file):
    check_failure(capsys, tmp_path, [lines_file], ["--max-length", "8"], "do not apply to --format bin")
    out = tmp_path / "o.npy"
    assert main(["encode", str(lines_file), "-o", str(out), "--tokenizer", GPT2, "--shard-tokens", "9"]) == 2
    assert "need --format bin" in capsys.readouterr().err


def _limit_file_size() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the limit fail with EFBIG, as on a full disk
    resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))


def test_full_disk(tmp_path, lines_file):
    source = tmp_path / "big.txt"
    source.write_text("\n".join(LINES * 20), encoding="utf-8")  # about 80 kB of tokens
    out = tmp_path / "o.bin"
    args = [str(source), "-o", str(out), "--tokenizer", GPT2, "--workers", "1"]
    result = run_cli(args, preexec_fn=_limit_file_size)
    assert result.returncode == 2
    assert f"cannot write {out}: File too large" in result.stderr.decode()
    assert leftovers(tmp_path, source, lines_file) == []


# --- interruption -------------------------------------------------------------------------------------------
def _started(folder: Path, proc: subprocess.Popen) -> None:
    """Wait until a shard is being written (so the run is really under way)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
        if any(p.name.startswith(".ferrotok-") and p.stat().st_size > 0 for p in folder.iterdir()):
            return
        time.sleep(0.05)
    raise AssertionError("no shard was started")


def _children(pid: int) -> list[int]:
    """Worker processes of pid (not multiprocessing's resource tracker)."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return [c for c in found if b"resource_tracker" not in Path(f"/proc/{c}/cmdline").read_bytes()]


def _feed(pipe, data: bytes) -> None:
    with contextlib.suppress(OSError):
        pipe.write(data)
        pipe.close()


@pytest.mark.parametrize(
    ("how", "kind"),
    [
        ("sigint", "text"),
        ("sigterm", "text"),
        ("sigint", "jsonl"),
        ("sigterm", "jsonl"),
        ("kill-worker", "jsonl"),
    ],
)
def test_interrupted_run_leaves_no_shard(tmp_path, how, kind):
    """Blocks come through a pipe that stays open, so the run is stopped mid-way, with shards under way. The
    workers are threads for text and processes for JSONL (see ferrotok.shards)."""
    out = tmp_path / "o.bin"
    command = [sys.executable, "-m", "ferrotok", "encode", "--format", "bin", "-q", "-", "-o", str(out)]
    command += ["--tokenizer", GPT2, "--workers", "2", "--shard-tokens", "5000"]
    rows = LINES
    if kind == "jsonl":
        command += ["--jsonl-field", "text"]
        rows = [json.dumps({"text": line}) for line in LINES]
    proc = subprocess.Popen(command, stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdin is not None
    block = ("\n".join(rows) + "\n").encode("utf-8") * 8
    try:
        proc.stdin.write(block * 4)  # about 7 MB: a few blocks of _shard_inputs.BLOCK_BYTES (1 MiB)
        proc.stdin.flush()
        _started(tmp_path, proc)
        if how == "kill-worker":
            os.kill(_children(proc.pid)[0], signal.SIGKILL)
            time.sleep(0.5)
            # More work for the broken pool, from a thread: a run that stopped reading must fail the wait
            # below, not block this test on a full pipe.
            threading.Thread(target=_feed, args=(proc.stdin, block * 2), daemon=True).start()
        else:
            os.kill(proc.pid, signal.SIGINT if how == "sigint" else signal.SIGTERM)
        proc.wait(timeout=120)
    finally:
        proc.kill()
    err = proc.stderr.read().decode() if proc.stderr else ""
    assert proc.returncode == (1 if how == "kill-worker" else 130), err
    assert ("worker process died" in err) if how == "kill-worker" else ("interrupted" in err)
    assert leftovers(tmp_path) == []


def _python_lines(data: bytes) -> list[str]:
    """A block's documents as _shard_inputs.texts reads them (the reference for the core's split)."""
    return _shard_inputs.texts(_shard_inputs.Block("x", 1, "text", data, None, len(data)))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(["a", "é", "東", " ", "\n", "\r", "\r\n", "<|endoftext|>", "🙂"]), max_size=40)
)
def test_core_splits_lines_like_python(pieces):
    tok = ferrotok.AutoTokenizer.from_pretrained(GPT2)._tokenizer
    data = "".join(pieces).encode("utf-8")
    lines = _python_lines(data)
    expected = (*_core.encode_stream(tok, lines, EOS, 2), len(lines))
    assert _core.encode_stream_lines(tok, data, EOS, 2) == expected
    assert _core.encode_stream_lines(tok, data, EOS, 2, parallel=False) == expected


def test_core_lines_leave_invalid_utf8_to_python():
    tok = ferrotok.AutoTokenizer.from_pretrained(GPT2)._tokenizer
    assert _core.encode_stream_lines(tok, b"fine\nbad \xff\n", EOS, 2) is None
    with pytest.raises(ValueError, match="itemsize"):
        _core.encode_stream_lines(tok, b"hi", EOS, 3)
