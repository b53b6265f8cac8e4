"""Regenerate rust/loading/class_table.rs and class_table_spm.rs: each tokenizer class name transformers
resolves, with the class defaults transformers 5 gives its tokenizers (special tokens, padding and truncation
side, model_input_names).

Run with the pinned transformers installed: `.venv/bin/python scripts/gen_class_defaults.py`. The names are
transformers' own class names (TOKENIZER_MAPPING_NAMES), their `...Fast` spellings, and the older names that
configs on the hub still carry (ElectraTokenizer, BartTokenizer, ...), each resolved by transformers'
`tokenizer_class_from_name`; the defaults are read from the resolved class's `__init__` signature and class
attributes. Rows with the same defaults are grouped (one row per class family); the families with a class
that reads a SentencePiece model go to class_table_spm.rs, the others to class_table.rs.
"""

from __future__ import annotations

import inspect
import warnings
from pathlib import Path

KEYS = ("bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token")
# Names seen in tokenizer_config.json files that transformers maps onto another class.
OLDER_NAMES = [
    "AlbertTokenizer",
    "BartTokenizer",
    "BertTokenizer",
    "BigBirdTokenizer",
    "BlenderbotTokenizer",
    "BloomTokenizer",
    "CamembertTokenizer",
    "CLIPTokenizer",
    "CodeGenTokenizer",
    "ConvBertTokenizer",
    "DebertaTokenizer",
    "DebertaV2Tokenizer",
    "DistilBertTokenizer",
    "DPRContextEncoderTokenizer",
    "DPRQuestionEncoderTokenizer",
    "DPRReaderTokenizer",
    "ElectraTokenizer",
    "FunnelTokenizer",
    "GPT2Tokenizer",
    "GPTNeoXTokenizer",
    "HerbertTokenizer",
    "LayoutLMTokenizer",
    "LayoutXLMTokenizer",
    "LEDTokenizer",
    "LlamaTokenizer",
    "LongformerTokenizer",
    "LxmertTokenizer",
    "MBartTokenizer",
    "MBart50Tokenizer",
    "MobileBertTokenizer",
    "MPNetTokenizer",
    "MT5Tokenizer",
    "MvpTokenizer",
    "NllbTokenizer",
    "PegasusTokenizer",
    "PreTrainedTokenizerFast",
    "Qwen2Tokenizer",
    "ReformerTokenizer",
    "RemBertTokenizer",
    "RetriBertTokenizer",
    "RobertaTokenizer",
    "RoFormerTokenizer",
    "SplinterTokenizer",
    "SqueezeBertTokenizer",
    "T5Tokenizer",
    "TokenizersBackend",
    "UdopTokenizer",
    "WhisperTokenizer",
    "XGLMTokenizer",
    "XLMRobertaTokenizer",
    "XLNetTokenizer",
    "GemmaTokenizer",
    "CohereTokenizer",
    "CodeLlamaTokenizer",
]
OUT = Path(__file__).resolve().parent.parent / "rust" / "loading" / "class_table.rs"
OUT_SPM = OUT.with_name("class_table_spm.rs")


def rust_str(text: str) -> str:
    """A Rust string literal."""
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif " " <= ch <= "~":
            out.append(ch)
        else:
            out.append(f"\\u{{{ord(ch):x}}}")
    return '"' + "".join(out) + '"'


def inherited_default(cls: type, key: str) -> str | None:
    """The default of `key` in the first `__init__` along the MRO that names it (a subclass taking
    **kwargs, like DistilBertTokenizer, passes on to its parent's defaults)."""
    for klass in cls.__mro__:
        init = klass.__dict__.get("__init__")
        if init is None:
            continue
        params = inspect.signature(init).parameters
        if key in params:
            default = params[key].default
            return default if isinstance(default, str) else None
    return None


def main() -> None:
    warnings.filterwarnings("ignore")
    import transformers
    from transformers.models.auto.tokenization_auto import TOKENIZER_MAPPING_NAMES, tokenizer_class_from_name

    names: set[str] = set(OLDER_NAMES)
    for value in TOKENIZER_MAPPING_NAMES.values():
        for name in value if isinstance(value, (tuple, list)) else (value,):
            if name:
                names.add(name)
    names |= {n[:-4] for n in names if n.endswith("Fast")}
    rows: dict[tuple, list[str]] = {}
    reads_model: set[tuple] = set()
    for name in sorted(names):
        cls = tokenizer_class_from_name(name)
        if cls is None or not hasattr(cls, "padding_side"):
            continue
        specials = tuple(inherited_default(cls, k) for k in KEYS)
        key = (specials, cls.padding_side, cls.truncation_side, tuple(cls.model_input_names))
        rows.setdefault(key, []).append(name)
        if any(str(f).endswith((".model", ".spm")) for f in getattr(cls, "vocab_files_names", {}).values()):
            reads_model.add(key)
    for out, keep, what in (
        (OUT, lambda key: key not in reads_model, "none of whose classes reads a SentencePiece model"),
        (OUT_SPM, lambda key: key in reads_model, "with a class that reads a SentencePiece model"),
    ):
        chosen = {key: members for key, members in rows.items() if keep(key)}
        write_table(out, chosen, what, transformers.__version__)
        print(f"{out}: {len(chosen)} families, {sum(map(len, chosen.values()))} names")


def write_table(out: Path, rows: dict[tuple, list[str]], what: str, version: str) -> None:
    lines = [
        f"//! Generated by scripts/gen_class_defaults.py from transformers {version}; do not edit by hand.",
        f"//! Class defaults of the tokenizer class families {what} (see `classes.rs`).",
        "",
        "use super::classes::ClassDefaults;",
        "",
        "pub(crate) const TABLE: &[ClassDefaults] = &[",
    ]
    for (specials, padding, truncation, inputs), members in sorted(rows.items(), key=lambda r: r[1][0]):
        tokens = ", ".join("None" if t is None else f"Some({rust_str(t)})" for t in specials)
        lines += [
            "    ClassDefaults {",
            f"        names: &[{', '.join(rust_str(n) for n in sorted(members))}],",
            f"        specials: [{tokens}],",
            f"        padding_side: {rust_str(padding)},",
            f"        truncation_side: {rust_str(truncation)},",
            f"        model_input_names: &[{', '.join(rust_str(n) for n in inputs)}],",
            "    },",
        ]
    lines.append("];")
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
