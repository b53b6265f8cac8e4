"""One benchmark worker: loads ONE implementation for ONE model in a fresh process and times a list of cases.

compare.py starts one worker per (implementation, model, thread setting) so that the thread environment
variables (RAYON_NUM_THREADS, RAYON_RS_NUM_THREADS, TOKENIZERS_PARALLELISM) are read by a library that has
not started its pool yet, and so that peak RSS (ru_maxrss) belongs to that implementation alone. The worker
also runs under the second venv (.venv-bench4, transformers 4.x) for the pure-Python GPT-2 tokenizer, so it
only needs the standard library at import time; each implementation imports what it needs lazily.

Protocol: a JSON spec on stdin, one JSON object on the last line of stdout. With `--serve` (the interleaved
measurements of bench_interleaved.py): a JSON spec on the first stdin line, then one sweep over the case's
batches per "go" line, its seconds printed.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

# --------------------------------------------------------------------------------------------------------
# Implementations. Each factory returns `call(batch, output, max_length) -> result` and
# `rows(result, output) -> list[list[int]]` (the real, unpadded ids of each row, for verification and
# token counts). `output` is "list" (no padding), "np" or "pt" (padded int64 tensors).
# --------------------------------------------------------------------------------------------------------

Call = Callable[[list[str], str, "int | None"], Any]
Rows = Callable[[Any, str], list[list[int]]]


def _mask_rows(ids: Any, mask: Any) -> list[list[int]]:
    pairs = zip(ids.tolist(), mask.tolist(), strict=True)
    return [[int(t) for t, m in zip(r, mr, strict=True) if m] for r, mr in pairs]


def _transformers_like(tok: Any) -> tuple[Call, Rows]:
    """Anything with transformers' __call__ (transformers fast/slow, ferrotok), called like users do."""
    if getattr(tok, "pad_token", None) is None and getattr(tok, "eos_token", None) is not None:
        tok.pad_token = tok.eos_token  # GPT-2 has no pad token; padding needs one

    def call(batch: list[str], output: str, max_length: int | None) -> Any:
        trunc = max_length is not None
        if output == "list":
            return tok(batch, truncation=trunc, max_length=max_length)
        return tok(batch, padding=True, truncation=trunc, max_length=max_length, return_tensors=output)

    def rows(res: Any, output: str) -> list[list[int]]:
        if output == "list":
            return [list(r) for r in res["input_ids"]]
        return _mask_rows(res["input_ids"], res["attention_mask"])

    return call, rows


def make_ferrotok(model: dict, threads: int, spec: dict) -> tuple[Call, Rows]:
    if spec.get("standin") == "transformers":
        return make_transformers(model, threads, spec)
    import ferrotok

    return _transformers_like(ferrotok.AutoTokenizer.from_pretrained(model["dir"]))


def make_transformers(model: dict, threads: int, spec: dict) -> tuple[Call, Rows]:
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(model["dir"])
    if not getattr(tok, "is_fast", False):
        raise RuntimeError(f"transformers loaded a slow tokenizer for {model['dir']}")
    return _transformers_like(tok)


def make_tokenizers(model: dict, threads: int, spec: dict) -> tuple[Call, Rows]:
    """Raw `tokenizers`: Tokenizer.from_file + encode_batch; arrays built the way a user would."""
    from tokenizers import Tokenizer

    tk = Tokenizer.from_file(model["tokenizer_json"])
    tk.no_padding()
    tk.no_truncation()
    pad_id = model["pad_id"]
    state: dict[str, Any] = {"trunc": None, "pad": None}

    def configure(max_length: int | None, pad: bool) -> None:
        if state["trunc"] != max_length:
            if max_length is None:
                tk.no_truncation()
            else:
                tk.enable_truncation(max_length)
            state["trunc"] = max_length
        if state["pad"] != pad:
            if pad:
                tk.enable_padding(pad_id=pad_id, pad_token=model["pad_token"])
            else:
                tk.no_padding()
            state["pad"] = pad

    def call(batch: list[str], output: str, max_length: int | None) -> Any:
        configure(max_length, output != "list")
        encs = tk.encode_batch(batch)
        if output == "list":
            return [e.ids for e in encs]
        ids = [e.ids for e in encs]
        mask = [e.attention_mask for e in encs]
        if output == "np":
            import numpy as np

            return {
                "input_ids": np.array(ids, dtype=np.int64),
                "attention_mask": np.array(mask, dtype=np.int64),
            }
        import torch

        return {"input_ids": torch.tensor(ids, dtype=torch.int64), "attention_mask": torch.tensor(mask)}

    def rows(res: Any, output: str) -> list[list[int]]:
        if output == "list":
            return [list(r) for r in res]
        return _mask_rows(res["input_ids"], res["attention_mask"])

    return call, rows


def make_bert_legacy(model: dict, threads: int, spec: dict) -> tuple[Call, Rows]:
    """transformers 5's pure-Python WordPiece tokenizer."""
    from transformers.models.bert.tokenization_bert_legacy import BertTokenizerLegacy

    tok = BertTokenizerLegacy(vocab_file=os.path.join(model["dir"], "vocab.txt"), do_lower_case=True)
    return _transformers_like(tok)


def make_gpt2_slow(model: dict, threads: int, spec: dict) -> tuple[Call, Rows]:
    """transformers 4.x's pure-Python GPT-2 tokenizer (runs in .venv-bench4)."""
    from transformers import GPT2Tokenizer

    tok = GPT2Tokenizer(os.path.join(model["dir"], "vocab.json"), os.path.join(model["dir"], "merges.txt"))
    return _transformers_like(tok)


GPT2_PATTERN = r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""


def byte_level_alphabet() -> dict[str, int]:
    """GPT-2's reversible byte → printable char map, inverted (char → byte). Printable Latin-1 bytes stand for
    themselves; the remaining bytes take code points 256, 257, ... in byte order."""
    printable = set(range(ord("!"), ord("~") + 1)) | set(range(0xA1, 0xAC + 1)) | set(range(0xAE, 0xFF + 1))
    out: dict[str, int] = {}
    extra = 0
    for b in range(256):
        if b in printable:
            out[chr(b)] = b
        else:
            out[chr(256 + extra)] = b
            extra += 1
    return out


def tiktoken_encoding(vocab_json: str) -> Any:
    """A tiktoken Encoding with GPT-2's vocabulary: every byte-level token string decoded back to bytes.
    GPT-2's ids are ordered by merge priority, so they serve directly as tiktoken ranks."""
    import tiktoken

    with open(vocab_json, encoding="utf-8") as f:
        vocab = json.load(f)
    alphabet = byte_level_alphabet()
    ranks = {bytes(alphabet[c] for c in tok): i for tok, i in vocab.items() if tok != "<|endoftext|>"}
    return tiktoken.Encoding(
        "gpt2-bench", pat_str=GPT2_PATTERN, mergeable_ranks=ranks, special_tokens={"<|endoftext|>": 50256}
    )


def make_tiktoken(model: dict, threads: int, spec: dict) -> tuple[Call, Rows]:
    enc = tiktoken_encoding(os.path.join(model["dir"], "vocab.json"))

    def encode(batch: list[str]) -> list[list[int]]:
        # Like Hugging Face, treat "<|endoftext|>" in the text as the special token. encode_batch starts a
        # thread pool on every call, so one thread is served by the plain loop a user would write.
        if threads == 1:
            return [enc.encode(t, allowed_special="all") for t in batch]
        return enc.encode_batch(batch, num_threads=threads, allowed_special="all")

    def call(batch: list[str], output: str, max_length: int | None) -> Any:
        if output == "pt" or max_length is not None:
            raise ValueError("tiktoken: untruncated lists, or numpy padded by the caller")
        ids = encode(batch)
        if output == "list":
            return ids
        return pad_numpy(ids, model["pad_id"])

    def rows(res: Any, output: str) -> list[list[int]]:
        return res if output == "list" else _mask_rows(res["input_ids"], res["attention_mask"])

    return call, rows


def pad_numpy(ids: list[list[int]], pad_id: int) -> dict[str, Any]:
    """Right-padded int64 arrays from lists of ids, vectorised the way a numpy user would write it (one flat
    array of all ids scattered through a boolean mask), for a tokenizer that only returns lists."""
    import numpy as np

    lengths = np.fromiter(map(len, ids), dtype=np.int64, count=len(ids))
    width = int(lengths.max(initial=0))
    mask = np.arange(width) < lengths[:, None]
    input_ids = np.full((len(ids), width), pad_id, dtype=np.int64)
    input_ids[mask] = np.fromiter(
        itertools.chain.from_iterable(ids), dtype=np.int64, count=int(lengths.sum())
    )
    return {"input_ids": input_ids, "attention_mask": mask.astype(np.int64)}


# Imported (and timed) before the first load, so that load time excludes importing the library.
IMPORTS = {
    "ferrotok": "import ferrotok",
    "transformers": "from transformers import AutoTokenizer",
    "tokenizers": "import tokenizers",
    "bert-legacy": "from transformers.models.bert.tokenization_bert_legacy import BertTokenizerLegacy",
    "gpt2-slow": "from transformers import GPT2Tokenizer",
    "tiktoken": "import tiktoken",
}

IMPLS: dict[str, Callable[[dict, int, dict], tuple[Call, Rows]]] = {
    "ferrotok": make_ferrotok,
    "transformers": make_transformers,
    "tokenizers": make_tokenizers,
    "bert-legacy": make_bert_legacy,
    "gpt2-slow": make_gpt2_slow,
    "tiktoken": make_tiktoken,
}

# --------------------------------------------------------------------------------------------------------
# Timing
# --------------------------------------------------------------------------------------------------------


def maxrss_mb() -> float:
    """Peak resident memory of this process image. Linux's ru_maxrss carries the parent's peak over fork +
    exec, so the kernel's high-water mark of this address space (VmHWM) is read instead where it exists."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0  # KiB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: KiB; macOS: bytes


def fingerprint(rows_list: list[list[list[int]]]) -> str:
    h = hashlib.sha1()
    for rows in rows_list:
        for r in rows:
            h.update(json.dumps(r, separators=(",", ":")).encode())
            h.update(b";")
    return h.hexdigest()[:16]


def load_texts(path: str) -> list[str]:
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def make_batches(texts: list[str], batch: int, max_bytes: int, max_batches: int) -> list[list[str]]:
    """Consecutive, distinct batches covering at most `max_bytes` of text (always at least one batch)."""
    out: list[list[str]] = []
    used = 0
    for start in range(0, len(texts) - batch + 1, batch):
        b = texts[start : start + batch]
        out.append(b)
        used += sum(len(t.encode()) for t in b)
        if used >= max_bytes or len(out) >= max_batches:
            break
    if not out:
        out.append((texts * (batch // max(1, len(texts)) + 1))[:batch])
    return out


def run_case(call: Call, rows: Rows, case: dict, cfg: dict) -> dict:
    """Warm-up pass over every batch (also counts tokens and fingerprints the ids), then `repeats` samples,
    each at least `min_time` seconds of back-to-back calls. Reports the median and best sample."""
    texts = load_texts(case["texts"])
    batches = make_batches(texts, case["batch"], cfg["max_bytes"], cfg["max_batches"])
    output, max_length = case["output"], case.get("max_length")
    nbytes = [sum(len(t.encode()) for t in b) for b in batches]
    ntoks: list[int] = []
    all_rows = []
    t0 = time.perf_counter()
    for b in batches:
        r = rows(call(b, output, max_length), output)
        ntoks.append(sum(len(x) for x in r))
        all_rows.append(r)
    warm = time.perf_counter() - t0
    fp = fingerprint(all_rows)
    del all_rows
    # Slow implementations on large cases: fewer samples, so one worker stays inside its budget.
    repeats = cfg["repeats"]
    if case["group"] == "worst":
        # The worst-case goal is a ratio of two single-document cases: a few more samples of a few
        # calls each keep one noisy sample from deciding it.
        repeats = max(repeats, 7)
    if warm > cfg["slow_pass_s"]:
        repeats = max(1, min(repeats, int(cfg["slow_pass_s"] * 3 / warm)))
    samples = []
    i = 0
    for _ in range(repeats):
        calls = by = tk = 0
        t0 = time.perf_counter()
        while True:
            j = i % len(batches)
            call(batches[j], output, max_length)
            calls += 1
            by += nbytes[j]
            tk += ntoks[j]
            i += 1
            dt = time.perf_counter() - t0
            if dt >= cfg["min_time"]:
                break
        samples.append({"s": dt, "calls": calls, "bytes": by, "tokens": tk})
    mbps = [s["bytes"] / s["s"] / 1e6 for s in samples]
    tps = [s["tokens"] / s["s"] for s in samples]
    per_call = [s["s"] / s["calls"] for s in samples]
    return {
        "id": case["id"],
        "mbps_median": statistics.median(mbps),
        "mbps_best": max(mbps),
        "tokps_median": statistics.median(tps),
        "tokps_best": max(tps),
        "ms_per_call_median": statistics.median(per_call) * 1e3,
        "ms_per_call_best": min(per_call) * 1e3,
        "repeats": len(samples),
        "distinct_batches": len(batches),
        "bytes_per_call": sum(nbytes) / len(nbytes),
        "tokens_per_call": sum(ntoks) / len(ntoks),
        "fingerprint": fp,
    }


def run_e2e(spec: dict, call: Call, threads: int) -> dict:
    """Share of tokenization in tokenize + MiniLM forward pass (torch CPU)."""
    import torch
    from transformers import AutoModel

    torch.set_num_threads(threads)
    model = AutoModel.from_pretrained(spec["e2e"]["model_dir"]).eval()
    texts = load_texts(spec["e2e"]["texts"])
    batch, max_length = texts[: spec["e2e"]["batch"]], spec["e2e"]["max_length"]
    tok_t, fwd_t = [], []
    with torch.inference_mode():
        for k in range(spec["e2e"]["repeats"] + 1):
            t0 = time.perf_counter()
            enc = call(batch, "pt", max_length)
            t1 = time.perf_counter()
            model(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"])
            t2 = time.perf_counter()
            if k:  # the first round is warm-up
                tok_t.append(t1 - t0)
                fwd_t.append(t2 - t1)
    tok_ms, fwd_ms = statistics.median(tok_t) * 1e3, statistics.median(fwd_t) * 1e3
    return {"tokenize_ms": tok_ms, "forward_ms": fwd_ms, "share": tok_ms / (tok_ms + fwd_ms)}


def impl_version(spec: dict) -> str:
    impl = spec["impl"]
    if impl == "ferrotok" and spec.get("standin"):
        return f"stand-in {spec['standin']} {impl_version(dict(spec, impl=spec['standin']))}"
    module = {"bert-legacy": "transformers", "gpt2-slow": "transformers"}.get(impl, impl)
    try:
        return str(getattr(__import__(module), "__version__", "?"))
    except ImportError:
        return "?"


def main() -> None:
    spec = json.load(sys.stdin)
    if spec.get("sys_path"):
        sys.path.insert(0, spec["sys_path"])
    out: dict[str, Any] = {"impl": spec["impl"], "model": spec["model"]["name"], "threads": spec["threads"]}
    factory = IMPLS[spec["impl"]]
    t0 = time.perf_counter()
    if spec.get("standin") != "transformers" or spec["impl"] != "ferrotok":
        exec(IMPORTS[spec["impl"]], {})
    for name in spec.get("preload", []):  # e.g. numpy/torch, so they count in neither load time nor RSS delta
        __import__(name)
    out["import_s"] = time.perf_counter() - t0
    out["version"] = impl_version(spec)
    rss_import = maxrss_mb()
    t0 = time.perf_counter()
    call, rows = factory(spec["model"], spec["threads"], spec)
    out["load_first_s"] = time.perf_counter() - t0
    out["rss_after_load_mb"] = maxrss_mb()
    out["rss_before_load_mb"] = rss_import
    if spec.get("reloads"):
        ts = []
        for _ in range(spec["reloads"]):
            t0 = time.perf_counter()
            factory(spec["model"], spec["threads"], spec)
            ts.append(time.perf_counter() - t0)
        out["load_median_s"] = statistics.median(ts)
    cfg = spec["cfg"]
    if spec.get("rss_case"):
        # Measured before any other case so that the peak belongs to this workload alone.
        c = spec["rss_case"]
        b = make_batches(load_texts(c["texts"]), c["batch"], cfg["max_bytes"], 1)[0]
        call(b, c["output"], c.get("max_length"))
        out["rss_peak_mb"] = maxrss_mb()
    results = []
    for case in spec.get("cases", []):
        try:
            results.append(run_case(call, rows, case, cfg))
        except Exception as e:  # an unsupported argument is a result ("n/a"), not a crash of the worker
            results.append({"id": case["id"], "error": f"{type(e).__name__}: {e}"[:300]})
        sys.stderr.write(f"[{spec['impl']}/{spec['model']['name']}/t{spec['threads']}] {case['id']} done\n")
    out["cases"] = results
    if spec.get("e2e"):
        out["e2e"] = run_e2e(spec, call, spec["threads"])
    print(json.dumps(out))


def serve() -> None:
    """A worker that stays loaded: one timed sweep over the same batches per "go" line on stdin."""
    spec = json.loads(sys.stdin.readline())
    if spec.get("sys_path"):
        sys.path.insert(0, spec["sys_path"])
    call, _rows = IMPLS[spec["impl"]](spec["model"], spec["threads"], spec)
    c, cfg = spec["case"], spec["cfg"]
    batches = make_batches(load_texts(c["texts"]), c["batch"], cfg["max_bytes"], cfg["max_batches"])

    def one_sweep() -> float:
        t0 = time.perf_counter()
        for b in batches:
            call(b, c["output"], c.get("max_length"))
        return time.perf_counter() - t0

    one_sweep()  # warm-up: caches, the pool, numpy
    # A sweep is repeated until it lasts `min_sweep_s` (short sweeps of a fast tokenizer are more exposed
    # to a few milliseconds of preemption); the time printed is per sweep.
    reps = max(1, math.ceil(spec.get("min_sweep_s", 0) / max(one_sweep(), 1e-6)))
    nbytes = sum(len(t.encode()) for b in batches for t in b)
    print(f"ready {nbytes}", flush=True)
    for _line in sys.stdin:
        print(sum(one_sweep() for _ in range(reps)) / reps, flush=True)


if __name__ == "__main__":
    if sys.argv[1:] == ["--serve"]:
        serve()
    else:
        main()
