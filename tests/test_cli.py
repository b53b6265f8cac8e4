"""The `ferrotok` command: encode layouts against direct tokenizer calls, streaming a 200k-line file, clear
errors for bad input, and the embed / classify / demo subcommands."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import transformers
from ferrotok.cli import main
from ferrotok.pipelines import default_model_dir, load_tokenizer, pipeline
from test_pipelines import make_classifier

MODEL = str(default_model_dir())
LINES = [
    "Hello world!",
    "",
    "The tokenizer streams large files in chunks.",
    "naïve café — déjà vu 東京 🙂",
    "   leading and trailing spaces   ",
    "x " * 40,
]


@pytest.fixture(scope="module")
def tok():
    """The reference for expected ids: transformers' tokenizer (the command itself runs ferrotok's)."""
    return transformers.AutoTokenizer.from_pretrained(MODEL, local_files_only=True)


def test_commands_load_ferrotok_tokenizers():
    assert type(load_tokenizer(MODEL)).__module__.startswith("ferrotok.")


@pytest.fixture
def lines_file(tmp_path: Path) -> Path:
    path = tmp_path / "in.txt"
    path.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    return path


def encode(*args: str) -> int:
    return main(["encode", "--tokenizer", MODEL, "-q", *args])


def test_padded_matches_tokenizer(tmp_path, lines_file, tok):
    out = tmp_path / "ids.npy"
    assert encode(str(lines_file), "-o", str(out), "--chunk-size", "4") == 0
    expected = tok(LINES, padding=True, return_tensors="np")
    ids = np.load(out)
    assert ids.dtype == np.int32
    np.testing.assert_array_equal(ids, expected["input_ids"])
    lengths = np.load(tmp_path / "ids.lengths.npy")
    np.testing.assert_array_equal(lengths, expected["attention_mask"].sum(axis=1))
    umask = os.umask(0o022)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask  # not mkstemp's owner-only mode
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".ferrotok-")]


def test_padded_max_length_is_the_exact_width(tmp_path, lines_file, tok):
    out = tmp_path / "ids.npy"
    assert encode(str(lines_file), "-o", str(out), "--max-length", "8") == 0
    expected = tok(LINES, padding="max_length", truncation=True, max_length=8, return_tensors="np")
    np.testing.assert_array_equal(np.load(out), expected["input_ids"])


def test_ragged_with_offsets(tmp_path, lines_file, tok):
    out = tmp_path / "ids.npz"
    assert (
        encode(
            str(lines_file),
            "-o",
            str(out),
            "--format",
            "ragged",
            "--offsets",
            "--chunk-size",
            "2",
        )
        == 0
    )
    expected = tok(LINES, return_offsets_mapping=True)
    with np.load(out) as data:
        ids, rows, offsets = data["ids"], data["row_offsets"], data["offsets"]
    assert ids.dtype == np.int32 and rows.dtype == np.int64 and offsets.shape == (len(ids), 2)
    assert len(rows) == len(LINES) + 1 and rows[0] == 0
    for i, line_ids in enumerate(expected["input_ids"]):
        assert ids[rows[i] : rows[i + 1]].tolist() == line_ids
        assert [tuple(p) for p in offsets[rows[i] : rows[i + 1]].tolist()] == [
            tuple(p) for p in expected["offset_mapping"][i]
        ]


def test_no_special_tokens_and_crlf(tmp_path, tok):
    path = tmp_path / "crlf.txt"
    path.write_bytes(b"first line\r\nsecond\r\n")
    out = tmp_path / "ids.npz"
    assert encode(str(path), "-o", str(out), "--format", "ragged", "--no-special-tokens") == 0
    with np.load(out) as data:
        rows = np.split(data["ids"], data["row_offsets"][1:-1])
    assert [r.tolist() for r in rows] == tok(["first line", "second"], add_special_tokens=False)["input_ids"]


def test_jsonl_field_skips_blank_lines(tmp_path, tok):
    path = tmp_path / "in.jsonl"
    records = [{"text": t, "id": i} for i, t in enumerate(LINES[:3])]
    path.write_text("\n".join(json.dumps(r) for r in records[:2]) + "\n\n" + json.dumps(records[2]) + "\n")
    out = tmp_path / "ids.npy"
    assert encode(str(path), "-o", str(out), "--jsonl-field", "text") == 0
    expected = tok(LINES[:3], padding=True, return_tensors="np")["input_ids"]
    np.testing.assert_array_equal(np.load(out), expected)


@pytest.mark.parametrize(
    ("content", "extra", "message"),
    [
        (
            b'{"text": "a"}\n{"body": "b"}\n',
            ["--jsonl-field", "text"],
            "in.txt:2: no field 'text'",
        ),
        (
            b'{"text": "a"}\nnot json\n',
            ["--jsonl-field", "text"],
            "in.txt:2: not valid JSON",
        ),
        (b'{"text": 3}\n', ["--jsonl-field", "text"], "in.txt:1: field 'text' is int"),
        (b"fine\n\xff\xfe broken\n", [], "in.txt:2: not valid UTF-8"),
    ],
)
def test_malformed_input_exits_2_naming_the_line(tmp_path, capsys, content, extra, message):
    path = tmp_path / "in.txt"
    path.write_bytes(content)
    out = tmp_path / "out.npy"
    assert encode(str(path), "-o", str(out), *extra) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".ferrotok-")]


def test_unreadable_input_exits_2(tmp_path, capsys):
    missing = tmp_path / "missing.txt"
    assert encode(str(missing), "-o", str(tmp_path / "o.npy")) == 2
    err = capsys.readouterr().err
    assert "cannot read input file" in err and str(missing) in err
    assert encode(str(tmp_path), "-o", str(tmp_path / "o.npy")) == 2
    assert str(tmp_path) in capsys.readouterr().err


def test_bad_tokenizer_folder_and_arguments(tmp_path, lines_file, capsys):
    assert (
        main(
            [
                "encode",
                "--tokenizer",
                str(tmp_path / "nope"),
                str(lines_file),
                "-o",
                "x.npy",
            ]
        )
        == 2
    )
    assert "nope" in capsys.readouterr().err
    assert encode(str(lines_file), "-o", str(tmp_path / "o.npy"), "--offsets") == 2
    with pytest.raises(SystemExit) as exc:
        main(["encode", str(lines_file)])
    assert exc.value.code == 2


def test_200k_lines_stream_in_chunks(tmp_path, tok, capsys):
    path = tmp_path / "big.txt"
    n = 200_000
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            f.write(f"row {i} {'ab' * (i % 7)}\n")
    out = tmp_path / "big.npz"
    code = main(
        [
            "encode",
            "--tokenizer",
            MODEL,
            str(path),
            "-o",
            str(out),
            "--format",
            "ragged",
        ]
    )
    assert code == 0
    err = capsys.readouterr().err
    assert "encode: 100%" in err and "200,000 rows" in err
    with np.load(out) as data:
        ids, rows = data["ids"], data["row_offsets"]
    assert len(rows) == n + 1
    for i in (0, 1, 99_999, n - 1):
        text = f"row {i} {'ab' * (i % 7)}"
        assert ids[rows[i] : rows[i + 1]].tolist() == tok(text)["input_ids"]
    padded = tmp_path / "big.npy"
    assert (
        main(
            [
                "encode",
                "--tokenizer",
                MODEL,
                str(path),
                "-o",
                str(padded),
                "-q",
                "--chunk-size",
                "50000",
            ]
        )
        == 0
    )
    arr = np.load(padded, mmap_mode="r")
    lengths = np.load(tmp_path / "big.lengths.npy")
    assert arr.shape == (n, int(lengths.max())) and lengths.tolist() == np.diff(rows).tolist()
    assert arr[n - 1, : lengths[n - 1]].tolist() == ids[rows[n - 1] :].tolist()


def test_embed_texts_and_file(tmp_path, lines_file):
    out = tmp_path / "emb.npy"
    assert main(["embed", "-q", "-o", str(out), "first text", "second text"]) == 0
    vectors = np.load(out)
    expected = pipeline("feature-extraction", device="cpu")(["first text", "second text"])
    assert vectors.shape == (2, 384)
    np.testing.assert_allclose(vectors, expected, atol=1e-5)
    out2 = tmp_path / "emb2.npy"
    assert (
        main(
            [
                "embed",
                "-q",
                "-o",
                str(out2),
                "--file",
                str(lines_file),
                "--no-normalize",
            ]
        )
        == 0
    )
    assert np.load(out2).shape == (len(LINES), 384)
    assert main(["embed", "-o", str(out2)]) == 2


def test_classify_prints_json_lines(tmp_path, capsys):
    directory = make_classifier(tmp_path / "clf", "single_label_classification", 3)
    assert main(["classify", "--model", str(directory), "--top-k", "0", "good", "bad"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    expected = pipeline("text-classification", model=directory, device="cpu")(["good", "bad"], top_k=None)
    assert [line["text"] for line in lines] == ["good", "bad"]
    for line, exp in zip(lines, expected, strict=True):
        assert [d["label"] for d in line["labels"]] == [d["label"] for d in exp]
        assert [d["score"] for d in line["labels"]] == pytest.approx([d["score"] for d in exp], abs=1e-6)
    assert main(["classify", "--model", str(tmp_path), "x"]) == 2


@pytest.mark.slow  # loads the model and times tokenizers (~20 s)
def test_python_m_ferrotok_demo_runs_offline():
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    env["PYTHONPATH"] = os.pathsep.join(
        [str(Path(__file__).resolve().parents[1] / "python"), env.get("PYTHONPATH", "")]
    )
    done = subprocess.run(
        [sys.executable, "-m", "ferrotok", "demo"],
        check=False,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    for marker in (
        "input_ids",
        "attention_mask",
        "last_hidden_state",
        "cosine",
        "ZERO-SHOT",
        "speed",
    ):
        assert marker in out, marker


def test_empty_file_and_missing_final_newline(tmp_path, tok):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert encode(str(empty), "-o", str(tmp_path / "e.npy")) == 0
    assert np.load(tmp_path / "e.npy").shape == (0, 0)
    assert encode(str(empty), "-o", str(tmp_path / "e.npz"), "--format", "ragged") == 0
    with np.load(tmp_path / "e.npz") as data:
        assert data["ids"].shape == (0,) and data["row_offsets"].tolist() == [0]
    tail = tmp_path / "tail.txt"
    tail.write_bytes(b"one\ntwo")
    assert encode(str(tail), "-o", str(tmp_path / "t.npy")) == 0
    np.testing.assert_array_equal(
        np.load(tmp_path / "t.npy"), tok(["one", "two"], return_tensors="np")["input_ids"]
    )


def test_bad_utf8_far_into_the_file_names_its_line(tmp_path, capsys):
    path = tmp_path / "big.txt"
    with path.open("wb") as f:
        for i in range(150_000):
            f.write(b"\xc3\x28 bad\n" if i == 123_456 else f"line {i}\n".encode())
    assert encode(str(path), "-o", str(tmp_path / "o.npy")) == 2
    assert "big.txt:123457: not valid UTF-8" in capsys.readouterr().err
