"""A model's own vocabulary files, read and written as tokenizers' `Model.read_file` / `Model.save` do:
BPE `vocab.json` + `merges.txt`, WordPiece `vocab.txt`, WordLevel `vocab.json`, Unigram `unigram.json`.

Written byte for byte as tokenizers writes them (compact JSON in id order, `#version: 0.2` merges header,
Unigram as pretty JSON), so files saved by either library are the same and load in both.
"""

from __future__ import annotations

import json
import os
from typing import Any

_MERGES_HEADER = "#version: 0.2"


def _read_text(path: str | os.PathLike[str], what: str) -> str:
    path = os.fspath(path)
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except UnicodeDecodeError:
        raise ValueError(f"{path}: the {what} is not valid UTF-8") from None


def read_vocab_json(path: str | os.PathLike[str]) -> dict[str, int]:
    """A `vocab.json` {token: id}."""
    text = _read_text(path, "vocabulary")
    try:
        vocab = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{os.fspath(path)}: not valid JSON ({exc})") from None
    if not isinstance(vocab, dict) or not all(isinstance(i, int) for i in vocab.values()):
        raise ValueError(f"{os.fspath(path)}: expected an object {{token: id}}")
    return vocab


def read_merges(path: str | os.PathLike[str]) -> list[tuple[str, str]]:
    """A `merges.txt`: one `left right` pair per line after an optional `#version` header."""
    merges = []
    for number, line in enumerate(_read_text(path, "merges file").splitlines(), 1):
        if (number == 1 and line.startswith("#version")) or not line.strip():
            continue
        parts = line.split(" ")
        if len(parts) != 2:
            raise ValueError(f"{os.fspath(path)}: line {number}: expected two tokens separated by a space")
        merges.append((parts[0], parts[1]))
    return merges


def read_vocab_txt(path: str | os.PathLike[str]) -> dict[str, int]:
    """A `vocab.txt`: one token per line, its id the line's index."""
    lines = _read_text(path, "vocabulary").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return {line.rstrip("\r"): i for i, line in enumerate(lines)}


def _by_id(vocab: dict[str, int]) -> list[str]:
    return [token for token, _ in sorted(vocab.items(), key=lambda kv: kv[1])]


def _compact(vocab: dict[str, int]) -> str:
    return json.dumps({t: vocab[t] for t in _by_id(vocab)}, ensure_ascii=False, separators=(",", ":"))


def _unigram_json(compact: str) -> str:
    """The Unigram model's value pretty-printed as serde_json prints it (two-space indents, one item per
    line). Scores keep the core's own spelling of each number (`-0.00001`, `-2e+20`): Python's float
    repr writes some of them differently."""
    value = json.loads(compact, parse_float=str)

    def literal(v: Any) -> str:
        return v if isinstance(v, str) and v[:1] in "-0123456789" else json.dumps(v, ensure_ascii=False)

    pieces = value.get("vocab") or []
    rows = ",\n".join(
        f"    [\n      {json.dumps(p, ensure_ascii=False)},\n      {literal(s)}\n    ]" for p, s in pieces
    )
    vocab = f"[\n{rows}\n  ]" if pieces else "[]"
    fields = [
        f'"type": {json.dumps(value.get("type"))}',
        f'"unk_id": {json.dumps(value.get("unk_id"))}',
        f'"vocab": {vocab}',
        f'"byte_fallback": {json.dumps(bool(value.get("byte_fallback", False)))}',
    ]
    return "{\n" + ",\n".join(f"  {f}" for f in fields) + "\n}"


def save_model(compact: str, directory: str | os.PathLike[str], prefix: str | None) -> list[str]:
    """Write a model (its tokenizer.json value, as the core's compact JSON text) into `directory` as
    tokenizers' `Model.save(directory, prefix)` does; returns the paths written."""
    model = json.loads(compact)
    directory = os.fspath(directory)
    if not os.path.isdir(directory):
        raise FileNotFoundError(f"{directory}: no such directory to save the model in")
    stem = f"{prefix}-" if prefix else ""

    def write(name: str, text: str) -> str:
        path = os.path.join(directory, stem + name)
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        return path

    kind = model.get("type")
    if kind == "BPE":
        merges = [m if isinstance(m, str) else " ".join(m) for m in model.get("merges") or ()]
        return [
            write("vocab.json", _compact(model.get("vocab") or {})),
            write("merges.txt", "".join(f"{line}\n" for line in [_MERGES_HEADER, *merges])),
        ]
    if kind == "WordPiece":
        return [write("vocab.txt", "".join(f"{t}\n" for t in _by_id(model.get("vocab") or {})))]
    if kind == "WordLevel":
        return [write("vocab.json", _compact(model.get("vocab") or {}))]
    if kind == "Unigram":
        return [write("unigram.json", _unigram_json(compact))]
    raise ValueError(f"model: cannot save a model of type {kind!r}")
