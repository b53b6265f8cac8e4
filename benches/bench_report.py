"""Turn compare.py's raw results into markdown tables and PNG plots."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

IMPL_ORDER = ["ferrotok", "transformers", "tokenizers", "tiktoken", "bert-legacy", "gpt2-slow"]
IMPL_LABEL = {
    "ferrotok": "ferrotok",
    "transformers": "transformers fast",
    "tokenizers": "tokenizers (raw)",
    "tiktoken": "tiktoken",
    "bert-legacy": "BertTokenizerLegacy (py)",
    "gpt2-slow": "GPT2Tokenizer 4.x (py)",
}
TEXT_LABEL = {
    "short": "short lines",
    "para": "paragraphs",
    "doc100k": "100 KB docs",
    "prose1m": "1 MB prose",
    "nows1m": "1 MB, no whitespace",
    "punct1m": '1 MB of "!"',
    "a1m": '1 MB of "a"',
}
MARK_START = "<!-- results:start (written by benches/compare.py --write-md) -->"
MARK_END = "<!-- results:end -->"


class Index:
    """Case results by (case id, threads, impl), plus the case descriptions from the plan."""

    def __init__(self, data: dict) -> None:
        self.meta: dict[str, dict] = {}
        for job in data["plan"]:
            for c in job.get("cases", []):
                self.meta[c["id"]] = c
        self.res: dict[tuple[str, int, str], dict] = {}
        self.workers: dict[tuple[str, str, int], dict] = {}
        for r in data["results"]:
            self.workers[(r["impl"], r["model"], r["threads"])] = r
            for c in r.get("cases", []):
                self.res[(c["id"], r["threads"], r["impl"])] = c

    def get(self, cid: str, threads: int, impl: str) -> dict | None:
        r = self.res.get((cid, threads, impl))
        return r if r and "error" not in r else None

    def ids(self, group: str, model: str | None = None) -> list[str]:
        out = [
            i for i, c in self.meta.items() if c["group"] == group and (model is None or c["model"] == model)
        ]
        order = {"short": 0, "para": 1, "doc100k": 2, "prose1m": 3, "nows1m": 4, "punct1m": 5, "a1m": 6}
        return sorted(
            out, key=lambda i: (order[self.meta[i]["text"]], self.meta[i]["batch"], self.meta[i]["output"])
        )

    def thread_values(self) -> list[int]:
        return sorted({t for (_, t, _) in self.res})

    def impls(self) -> list[str]:
        present = {i for (_, _, i) in self.res}
        return [i for i in IMPL_ORDER if i in present]


def fmt(x: float | None, digits: int = 2) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    if x >= 100:
        return f"{x:,.0f}"
    if x >= 10:
        return f"{x:.1f}"
    return f"{x:.{digits}f}"


def ratio(a: dict | None, b: dict | None, key: str = "mbps_median") -> float | None:
    if not a or not b or not b.get(key):
        return None
    return a[key] / b[key]


def header(data: dict, idx: Index) -> list[str]:
    m = data["machine"]
    versions = []
    for impl in idx.impls() or IMPL_ORDER:
        vs = {r.get("version") for r in data["results"] if r["impl"] == impl and r.get("version")}
        if vs:
            versions.append(f"{IMPL_LABEL[impl]} {', '.join(sorted(vs))}")
    standin = data.get("standin")
    lines = [
        f"Machine: {m['cpu']}, {m['cores']} cores available, 1-min load average "
        f"{m['load_1min_at_start']:.1f} at start, {data.get('load_1min_at_end', float('nan')):.1f} at end · "
        f"Python {m['python']} · {m['date']} · mode `{data['mode']}` · run took {data['total_s']:.0f} s",
        "",
        f"Versions: {'; '.join(versions)}",
        "",
        f"Corpus: `{Path(data['corpus']).name}` — "
        + ", ".join(
            f"{TEXT_LABEL.get(k, k)}: {int(v['count'])} × {fmt(v['mean_bytes'] / 1000, 1)} KB"
            for k, v in data["text_stats"].items()
            if k in ("short", "para", "doc100k")
        ),
        "",
    ]
    if standin:
        lines += [f"**Instrument test: the `ferrotok` column is {standin} standing in for ferrotok.**", ""]
    chk = data.get("checks", {}).get("tiktoken_vs_hf")
    if chk:
        lines += [
            f"tiktoken (built from GPT-2's vocab.json) vs Hugging Face GPT-2 ids: {chk['texts']} texts, "
            f"{chk['mismatches']} mismatches.",
            "",
        ]
    fails = [r for r in data["results"] if "error" in r]
    for r in fails:
        lines.append(f"- worker {r['impl']}/{r['model']}/threads={r['threads']} failed: `{r['error']}`")
    if fails:
        lines.append("")
    return lines


def throughput_table(idx: Index, model: str, groups: tuple[str, ...]) -> list[str]:
    lines = [
        "| text | batch | threads | output | implementation | MB/s median (best) | Mtokens/s | ms/call "
        "| ferrotok is × faster | ids |",
        "|---|---:|---:|---|---|---:|---:|---:|---:|---|",
    ]
    ref_impl = ("transformers", "tokenizers")
    for group in groups:
        for cid in idx.ids(group, model):
            c = idx.meta[cid]
            out = c["output"] + (f", trunc {c['max_length']}" if c["max_length"] else "")
            for t in idx.thread_values():
                ft = idx.get(cid, t, "ferrotok")
                ref = next((idx.get(cid, t, i) for i in ref_impl if idx.get(cid, t, i)), None)
                for impl in idx.impls():
                    r = idx.res.get((cid, t, impl))
                    if r is None:
                        continue
                    if "error" in r:
                        lines.append(
                            f"| {TEXT_LABEL[c['text']]} | {c['batch']} | {t} | {out} | {IMPL_LABEL[impl]} "
                            f"| n/a | | | | `{r['error'][:60]}` |"
                        )
                        continue
                    same = (
                        "—" if ref is None else ("=" if r["fingerprint"] == ref["fingerprint"] else "**≠**")
                    )
                    x = "" if impl == "ferrotok" else fmt(ratio(ft, r)) + "×" if ft else "—"
                    lines.append(
                        f"| {TEXT_LABEL[c['text']]} | {c['batch']} | {t} | {out} | {IMPL_LABEL[impl]} "
                        f"| {fmt(r['mbps_median'])} ({fmt(r['mbps_best'])}) "
                        f"| {fmt(r['tokps_median'] / 1e6, 3)} | {fmt(r['ms_per_call_median'], 3)} "
                        f"| {x} | {same} |"
                    )
    return lines


def worst_table(idx: Index) -> list[str]:
    lines = [
        '| model | implementation | 1 MB prose (s) | no whitespace (s) | ÷ prose | "!"×1e6 (s) | ÷ prose '
        '| "a"×1e6 (s) | ÷ prose |',
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    models = sorted({c["model"] for c in idx.meta.values() if c["group"] == "worst"})
    for model in models:
        ids = {idx.meta[i]["text"]: i for i in idx.ids("worst", model)}
        for impl in idx.impls():
            row = {k: idx.get(ids[k], 1, impl) for k in ids}
            if not any(row.values()):
                continue
            prose = row.get("prose1m")
            cells = [fmt(prose["ms_per_call_median"] / 1e3, 3) if prose else "—"]
            for k in ("nows1m", "punct1m", "a1m"):
                r = row.get(k)
                cells.append(fmt(r["ms_per_call_median"] / 1e3, 3) if r else "—")
                cells.append(fmt(ratio(prose, r, "mbps_median")) if r and prose else "—")
            lines.append(f"| {model} | {IMPL_LABEL[impl]} | " + " | ".join(cells) + " |")
    return lines


def threads_table(idx: Index) -> tuple[list[str], dict]:
    ts = idx.thread_values()
    if len(ts) < 2:
        return [], {}
    n = ts[-1]
    lines = [
        f"| model | text | batch | output | implementation | 1 thread MB/s | {n} threads MB/s | speed-up "
        "| speed-up, best samples |",
        "|---|---|---:|---|---|---:|---:|---:|---:|",
    ]
    ferro = {}
    for cid in idx.ids("main") + idx.ids("padded"):
        c = idx.meta[cid]
        for impl in idx.impls():
            a, b = idx.get(cid, 1, impl), idx.get(cid, n, impl)
            if not a or not b:
                continue
            s = ratio(b, a)
            if impl == "ferrotok":
                ferro[cid] = s
            # Best samples are the least disturbed by CPU steal on a shared machine.
            best = ratio(b, a, "mbps_best")
            out = c["output"] + (f", trunc {c['max_length']}" if c["max_length"] else "")
            lines.append(
                f"| {c['model']} | {TEXT_LABEL[c['text']]} | {c['batch']} | {out} | {IMPL_LABEL[impl]} "
                f"| {fmt(a['mbps_median'])} | {fmt(b['mbps_median'])} | {fmt(s)}× | {fmt(best)}× |"
            )
    return lines, ferro


def load_table(data: dict) -> list[str]:
    lines = [
        "| model | implementation | import (s) | first load (s) | load, median of 3 (s) "
        "| RSS after import (MB) | + tokenizer (MB) | peak after 1000 paragraphs (MB) |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in sorted(data["results"], key=lambda r: (r["model"], IMPL_ORDER.index(r["impl"]))):
        if r.get("threads") != 1 or "load_first_s" not in r or "e2e" in r:
            continue
        lines.append(
            f"| {r['model']} | {IMPL_LABEL[r['impl']]} | {fmt(r.get('import_s'), 3)} "
            f"| {fmt(r['load_first_s'], 3)} | {fmt(r.get('load_median_s'), 3)} "
            f"| {fmt(r['rss_before_load_mb'], 0)} "
            f"| {fmt(r['rss_after_load_mb'] - r['rss_before_load_mb'], 1)} | {fmt(r.get('rss_peak_mb'), 0)} |"
        )
    return lines


def e2e_table(data: dict) -> list[str]:
    rows = [r for r in data["results"] if "e2e" in r]
    if not rows:
        return []
    lines = [
        "| threads | implementation | tokenize (ms) | MiniLM forward (ms) | tokenization share |",
        "|---:|---|---:|---:|---:|",
    ]
    for r in sorted(rows, key=lambda r: (r["threads"], IMPL_ORDER.index(r["impl"]))):
        e = r["e2e"]
        lines.append(
            f"| {r['threads']} | {IMPL_LABEL[r['impl']]} | {fmt(e['tokenize_ms'], 3)} "
            f"| {fmt(e['forward_ms'], 3)} | {100 * e['share']:.1f} % |"
        )
    return lines


def case_head(c: dict) -> str:
    """The first three cells of a batches-of-1000 case: model, text set, output."""
    out = c["output"] + (f", trunc {c['max_length']}" if c["max_length"] else "")
    return f"| {c['model']} | {TEXT_LABEL[c['text']]} | {out} "


def case_lines(rows: list[dict], cells: Callable[[dict], list[str]]) -> list[str]:
    """Table lines of interleaved cases: per case its head and the rest of each line from `cells`, or its
    error (tables of nine columns)."""
    out = []
    for r in rows:
        head = case_head(r["case"])
        if "error" in r:
            out.append(head + f"| failed: `{r['error']}` | | | | | |")
        else:
            out += [head + rest for rest in cells(r)]
    return out


def paired_table(data: dict) -> list[str]:
    """Thread scaling from interleaved sweeps (bench_interleaved.measure_scaling), next to the machine's own ceiling."""
    rows = data.get("paired") or []
    if not rows:
        return []
    n = next((r["threads"] for r in rows if "threads" in r), 2)
    lines = [
        f"| model | text (batch 1000) | output | 1 thread MB/s | {n} threads MB/s | speed-up, median of rounds "
        f"| speed-up, best sweeps | ceiling: {n} independent 1-thread processes | efficiency (speed-up ÷ ceiling) |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    return lines + case_lines(
        rows,
        lambda r: [
            f"| {fmt(r['mbps_1t_best'])} | {fmt(r['mbps_nt_best'])} | {fmt(r['speedup_median'])}× "
            f"| {fmt(r['speedup_best'])}× | {fmt(r['ceiling_median'])}× (best sweeps {fmt(r['ceiling_best'])}×) "
            f"| {fmt(r['efficiency_median'])} |"
        ],
    )


def versus_table(data: dict) -> list[str]:
    """ferrotok against each competitor in interleaved sweeps (bench_interleaved.measure_versus), 1 thread, batches of 1000."""
    rows = data.get("versus") or []
    if not rows:
        return []
    lines = [
        "| model | text (batch 1000) | output | ferrotok MB/s (best) | against | their MB/s (best) "
        "| ferrotok is × faster: median of rounds | lowest – highest round | best sweeps |",
        "|---|---|---|---:|---|---:|---:|---|---:|",
    ]
    return lines + case_lines(
        rows,
        lambda r: [
            f"| {fmt(r['mbps_best'])} | {IMPL_LABEL[other]} | {fmt(v['mbps_best'])} "
            f"| {fmt(v['ratio_median'])}× | {fmt(v['spread'][0])}× – {fmt(v['spread'][1])}× "
            f"| {fmt(v['ratio_best'])}× |"
            for other, v in r["vs"].items()
        ],
    )


def versus_ratio(
    rows: list[dict] | None, model: str, group: str, other: str
) -> tuple[float, float, str] | None:
    """Min and max over the head-to-head cases of `model` and `group` of the median ratio to `other`."""
    vals = [
        (r["vs"][other]["ratio_median"], f"{TEXT_LABEL[r['case']['text']]}, batch 1000")
        for r in rows or []
        if "error" not in r
        and r["case"]["model"] == model
        and r["case"]["group"] == group
        and other in r["vs"]
    ]
    if not vals:
        return None
    lo = min(vals)
    return lo[0], max(vals)[0], lo[1]


def summary_table(idx: Index, models: list[str]) -> list[str]:
    """One line per model and text at batch 1000, 1 thread: ferrotok's speed and its ratio to each other."""
    others = [i for i in idx.impls() if i != "ferrotok"]
    lines = [
        "| model | text (batch 1000, 1 thread) → output | ferrotok MB/s | "
        + " | ".join(f"vs {IMPL_LABEL[i]}" for i in others)
        + " |",
        "|---|---|---:|" + "---:|" * len(others),
    ]
    for cid in [i for m in models for g in ("main", "padded") for i in idx.ids(g, m)]:
        c = idx.meta[cid]
        ft = idx.get(cid, 1, "ferrotok")
        if c["batch"] != 1000 or not ft:
            continue
        cells = [f"{fmt(ratio(ft, idx.get(cid, 1, i)))}×" if idx.get(cid, 1, i) else "—" for i in others]
        out = c["output"] + (f", trunc {c['max_length']}" if c["max_length"] else "")
        lines.append(
            f"| {c['model']} | {TEXT_LABEL[c['text']]} → {out} | {fmt(ft['mbps_median'])} | "
            + " | ".join(cells)
            + " |"
        )
    return lines if len(lines) > 2 else []


def render(data: dict) -> str:
    idx = Index(data)
    out = [f"### Results ({data['mode']} run)", "", *header(data, idx)]
    thr_lines, _ = threads_table(idx)
    summary = summary_table(idx, list(data["models"]))
    if summary:
        out += ["#### Summary", "", *summary, ""]
    for model, label in data["models"].items():
        out += [f"#### {label}", "", *throughput_table(idx, model, ("main", "padded", "output")), ""]
    if thr_lines:
        out += ["#### Thread scaling (separate workers, minutes apart)", "", *thr_lines, ""]
    paired = paired_table(data)
    if paired:
        out += [
            "#### Thread scaling, interleaved (1-thread and all-thread sweeps alternated, with the machine's "
            "ceiling measured between them; see benches/bench_interleaved.py)",
            "",
            *paired,
            "",
        ]
    vs = versus_table(data)
    if vs:
        out += [
            "#### Head to head, interleaved (one worker per implementation, 1 thread, each competitor's "
            "sweep between two of ferrotok's; see benches/bench_interleaved.py)",
            "",
            *vs,
            "",
        ]
    if idx.ids("worst"):
        out += ["#### Worst cases (one 1 MB document, 1 thread, lists)", "", *worst_table(idx), ""]
    out += ["#### Load time and memory", "", *load_table(data), ""]
    e2e = e2e_table(data)
    if e2e:
        out += [
            "#### End to end: tokenizer + all-MiniLM-L6-v2 forward pass "
            "(torch CPU, 32 short lines, max_length 128)",
            "",
        ]
        out += [*e2e, ""]
    return "\n".join(out)


def write_benchmarks_md(path: Path, md: str) -> None:
    text = (
        path.read_text(encoding="utf-8") if path.is_file() else f"# Benchmarks\n\n{MARK_START}\n{MARK_END}\n"
    )
    if MARK_START not in text or MARK_END not in text:
        text = text.rstrip() + f"\n\n{MARK_START}\n{MARK_END}\n"
    pat = re.compile(re.escape(MARK_START) + r".*?" + re.escape(MARK_END), re.S)
    path.write_text(pat.sub(lambda _: f"{MARK_START}\n\n{md}\n{MARK_END}", text), encoding="utf-8")


def _save(fig: Any, ax: Any, ylabel: str, title: str, path: Path) -> Path:
    """Label, lay out and write one plot; returns its path."""
    import matplotlib.pyplot as plt

    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plots(data: dict, out_dir: Path) -> list[Path]:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib import ticker
    except ImportError:
        return []
    idx = Index(data)
    paths = []
    suffix = " (stand-in)" if data.get("standin") else ""
    for model, label in data["models"].items():
        ids = idx.ids("main", model) + idx.ids("padded", model)
        impls = [i for i in idx.impls() if any(idx.get(c, 1, i) for c in ids)]
        if not ids or not impls:
            continue
        fig, ax = plt.subplots(figsize=(max(6, 1.3 * len(ids)), 4))
        w = 0.8 / len(impls)
        for k, impl in enumerate(impls):
            ys = [(idx.get(c, 1, impl) or {}).get("mbps_median", 0) for c in ids]
            ax.bar([x + k * w for x in range(len(ids))], ys, w, label=IMPL_LABEL[impl])
        ax.set_xticks([x + w * (len(impls) - 1) / 2 for x in range(len(ids))])
        ax.set_xticklabels(
            [
                f"{TEXT_LABEL[idx.meta[c]['text']]}\nbatch {idx.meta[c]['batch']}\n{idx.meta[c]['output']}"
                for c in ids
            ],
            fontsize=8,
        )
        ax.set_yscale("log")
        paths.append(
            _save(fig, ax, "MB/s (median), 1 thread", label + suffix, out_dir / f"throughput_{model}.png")
        )
    ts = idx.thread_values()
    if len(ts) > 1:
        big = [c for c in idx.ids("main") + idx.ids("padded") if idx.meta[c]["batch"] >= 1000]
        impls = [i for i in idx.impls() if any(idx.get(c, ts[-1], i) for c in big)]
        if big and impls:
            fig, ax = plt.subplots(figsize=(max(6, 1.2 * len(big)), 4))
            w = 0.8 / len(impls)
            for k, impl in enumerate(impls):
                ys = [ratio(idx.get(c, ts[-1], impl), idx.get(c, 1, impl)) or 0 for c in big]
                ax.bar([x + k * w for x in range(len(big))], ys, w, label=IMPL_LABEL[impl])
            ax.axhline(1.0, color="grey", lw=0.8)
            ax.set_xticks([x + w * (len(impls) - 1) / 2 for x in range(len(big))])
            ax.set_xticklabels(
                [
                    f"{idx.meta[c]['model']}\n{TEXT_LABEL[idx.meta[c]['text']]}\n{idx.meta[c]['output']}"
                    for c in big
                ],
                fontsize=8,
            )
            paths.append(
                _save(
                    fig,
                    ax,
                    f"{ts[-1]} threads ÷ 1 thread",
                    "Thread scaling, batches of 1000" + suffix,
                    out_dir / "threads.png",
                )
            )
    pairs = [r for r in data.get("paired") or [] if "error" not in r]
    if pairs:
        fig, ax = plt.subplots(figsize=(max(6, 1.2 * len(pairs)), 4))
        xs = range(len(pairs))
        ax.bar([x - 0.2 for x in xs], [r["speedup_median"] for r in pairs], 0.4, label="ferrotok speed-up")
        ax.bar(
            [x + 0.2 for x in xs],
            [r["ceiling_median"] for r in pairs],
            0.4,
            label="ceiling: independent 1-thread processes",
            color="lightgrey",
        )
        ax.set_xticks(list(xs))
        ax.set_xticklabels(
            [f"{r['case']['model']}\n{TEXT_LABEL[r['case']['text']]}\n{r['case']['output']}" for r in pairs],
            fontsize=8,
        )
        paths.append(
            _save(
                fig,
                ax,
                f"{pairs[0]['threads']} threads ÷ 1 thread (median of rounds)",
                "Thread scaling, interleaved sweeps, batches of 1000" + suffix,
                out_dir / "threads_paired.png",
            )
        )
    vs_rows = [
        (r, other, v) for r in data.get("versus") or [] if "error" not in r for other, v in r["vs"].items()
    ]
    if vs_rows:
        fig, ax = plt.subplots(figsize=(max(6, 1.3 * len(vs_rows)), 4.5))
        xs = range(len(vs_rows))
        ax.bar(
            list(xs),
            [v["ratio_median"] for _, _, v in vs_rows],
            0.6,
            color="tab:blue",
            label="median of rounds",
        )
        for x, (_, _, v) in zip(xs, vs_rows, strict=True):
            lo, hi = v["spread"]
            ax.plot([x, x], [lo, hi], color="black", lw=1)
        ax.set_xticks(list(xs))
        ax.set_xticklabels(
            [
                f"{r['case']['model']} {TEXT_LABEL[r['case']['text']]}\n{r['case']['output']}\nvs {IMPL_LABEL[o]}"
                for r, o, _ in vs_rows
            ],
            fontsize=6,
        )
        ax.set_yscale("log")
        ax.yaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: f"{v:g}×"))
        ax.yaxis.set_minor_formatter(ticker.NullFormatter())
        ax.set_yticks([2, 5, 10, 20, 50, 100])
        paths.append(
            _save(
                fig,
                ax,
                "ferrotok ÷ competitor (line: lowest – highest round)",
                "Head to head, interleaved sweeps, 1 thread, batches of 1000" + suffix,
                out_dir / "versus.png",
            )
        )
    worst = idx.ids("worst")
    if worst:
        impls = [i for i in idx.impls() if any(idx.get(c, 1, i) for c in worst)]
        fig, ax = plt.subplots(figsize=(max(6, 0.9 * len(worst)), 4))
        w = 0.8 / max(1, len(impls))
        for k, impl in enumerate(impls):
            ys = [(idx.get(c, 1, impl) or {}).get("ms_per_call_median", 0) / 1e3 for c in worst]
            ax.bar([x + k * w for x in range(len(worst))], ys, w, label=IMPL_LABEL[impl])
        ax.set_xticks([x + w * (len(impls) - 1) / 2 for x in range(len(worst))])
        ax.set_xticklabels(
            [f"{idx.meta[c]['model']}\n{TEXT_LABEL[idx.meta[c]['text']]}" for c in worst], fontsize=6
        )
        ax.set_yscale("log")
        paths.append(
            _save(
                fig,
                ax,
                "seconds per 1 MB document",
                "Worst cases, 1 thread" + suffix,
                out_dir / "worst_cases.png",
            )
        )
    return paths
