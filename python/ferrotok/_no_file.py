"""Classes that transformers 5.24 builds from tokenizer_config.json alone, with no vocabulary file: ESM-C (its
fixed amino-acid alphabet), Gemma and SigLIP 2 (a BPE of their five special tokens), XGLM (a Unigram of its
four special tokens and seven `<madeupwordN>` extras). `AutoTokenizer.from_pretrained` on a folder holding only
the config builds what the class's constructor builds there: the vocabulary, the stages and the template.
"""

from __future__ import annotations

import json
import os
from typing import Any

from ._added_token import special_entry
from ._config import CONFIG_FILE, SPECIAL_TOKENS_ATTRIBUTES, token_content

# ESM-C's alphabet, in id order (its special tokens among it).
_ESMC_ALPHABET = (
    "<cls> <pad> <eos> <unk> L A G V S E R T I D P K Q N F Y M H W C X B U Z O . - | <mask>".split()  # noqa: SIM905
)

# Each class's default named tokens (transformers' constructor arguments).
_DEFAULTS: dict[str, dict[str, str | None]] = {
    "EsmcTokenizer": {
        "unk_token": "<unk>",
        "cls_token": "<cls>",
        "pad_token": "<pad>",
        "mask_token": "<mask>",
        "eos_token": "<eos>",
        "bos_token": None,  # the cls token
        "chain_break_token": "|",
    },
    "GemmaTokenizer": {
        "unk_token": "<unk>",
        "bos_token": "<bos>",
        "eos_token": "<eos>",
        "pad_token": "<pad>",
        "mask_token": "<mask>",
    },
    "XGLMTokenizer": {
        "bos_token": "<s>",
        "eos_token": "</s>",
        "sep_token": "</s>",
        "cls_token": "<s>",
        "unk_token": "<unk>",
        "pad_token": "<pad>",
    },
}
_DEFAULTS["Siglip2Tokenizer"] = _DEFAULTS["GemmaTokenizer"]
CLASSES = frozenset(_DEFAULTS)
_MADE_UP_WORDS = [f"<madeupword{i}>" for i in range(7)]


def _template(single: list[str], pair: list[str], ids: dict[str, int]) -> dict[str, Any]:
    """A TemplateProcessing block: `$A` / `$B` the sequences (`$B` with type 1 unless `:0`), others tokens."""

    def pieces(items: list[str]) -> list[dict[str, Any]]:
        out = []
        for item in items:
            if item.startswith("$"):
                name, _, type_id = item[1:].partition(":")
                out.append({"Sequence": {"id": name, "type_id": int(type_id or (name == "B"))}})
            else:
                out.append({"SpecialToken": {"id": item, "type_id": 0}})
        return out

    return {
        "type": "TemplateProcessing",
        "single": pieces(single),
        "pair": pieces(pair),
        "special_tokens": {t: {"id": t, "ids": [i], "tokens": [t]} for t, i in ids.items()},
    }


def _named(name: str, config: dict[str, Any]) -> dict[str, str | None]:
    """The class's named tokens from `config` over its defaults."""
    named = {k: token_content(config[k]) if k in config else v for k, v in _DEFAULTS[name].items()}
    if name == "EsmcTokenizer" and named["bos_token"] is None:
        named["bos_token"] = named["cls_token"]
    return named


def document(name: str, config: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """The tokenizer.json and special tokens (`named`, `extra`, as the Rust loader reports them) of class
    `name` built from `config` alone; None for the other classes."""
    name = name.removesuffix("Fast")
    if name not in CLASSES:
        return None
    named = _named(name, config)
    given = config.get("extra_special_tokens") or config.get("additional_special_tokens") or []
    extra = [c for c in (token_content(t) for t in given) if c is not None] if isinstance(given, list) else []
    s = {k: str(v) for k, v in named.items() if v is not None}
    stages: dict[str, Any] = {
        "normalizer": None,
        "pre_tokenizer": None,
        "post_processor": None,
        "decoder": None,
    }
    if name == "EsmcTokenizer":
        vocab = {t: i for i, t in enumerate(_ESMC_ALPHABET)}
        model: dict[str, Any] = {
            "type": "BPE",
            "dropout": None,
            "unk_token": s["unk_token"],
            "continuing_subword_prefix": None,
            "end_of_word_suffix": None,
            "fuse_unk": False,
            "byte_fallback": False,
            "ignore_merges": False,
            "vocab": vocab,
            "merges": [],
        }
        cls, eos = s["cls_token"], s["eos_token"]
        stages["post_processor"] = _template(
            [cls, "$A", eos], ["$A", "$B"], {cls: vocab[cls], eos: vocab[eos]}
        )
        order = [
            "bos_token",
            "eos_token",
            "unk_token",
            "pad_token",
            "cls_token",
            "mask_token",
            "chain_break_token",
        ]
    elif name in ("GemmaTokenizer", "Siglip2Tokenizer"):
        vocab = {  # as transformers' literal: a token given twice keeps its first place and last id
            s["pad_token"]: 0,
            s["eos_token"]: 1,
            s["bos_token"]: 2,
            s["unk_token"]: 3,
            s["mask_token"]: 4,
        }
        model = {
            "type": "BPE",
            "dropout": None,
            "unk_token": s["unk_token"],
            "continuing_subword_prefix": None,
            "end_of_word_suffix": None,
            "fuse_unk": True,
            "byte_fallback": True,
            "ignore_merges": False,
            "vocab": vocab,
            "merges": [],
        }
        replace = {"type": "Replace", "pattern": {"String": " "}, "content": "\u2581"}
        stages["normalizer"] = (
            {"type": "Sequence", "normalizers": [{"type": "Lowercase"}, replace]}
            if name == "Siglip2Tokenizer"
            else replace
        )
        stages["pre_tokenizer"] = {
            "type": "Split",
            "pattern": {"String": " "},
            "behavior": "MergedWithPrevious",
            "invert": False,
        }
        stages["post_processor"] = _template(["$A"], ["$A", "$B"], {})
        stages["decoder"] = {
            "type": "Sequence",
            "decoders": [
                {"type": "Replace", "pattern": {"String": "\u2581"}, "content": " "},
                {"type": "ByteFallback"},
                {"type": "Fuse"},
            ],
        }
        order = list(SPECIAL_TOKENS_ATTRIBUTES)
    else:  # XGLM
        pieces = [s["bos_token"], s["pad_token"], s["eos_token"], s["unk_token"]]
        model = {"type": "Unigram", "unk_id": 3, "vocab": [[p, 0.0] for p in pieces], "byte_fallback": False}
        vocab = {}
        for i, piece in enumerate(pieces):
            vocab.setdefault(piece, i)
        extra = extra or list(_MADE_UP_WORDS)  # the config's extra tokens replace them
        scheme = "always" if config.get("add_prefix_space", True) else "never"
        metaspace = {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": scheme, "split": True}
        stages["normalizer"] = {
            "type": "Sequence",
            "normalizers": [{"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "}],
        }
        stages["pre_tokenizer"] = metaspace
        stages["decoder"] = dict(metaspace)
        order = list(SPECIAL_TOKENS_ATTRIBUTES)
    # The special tokens, added in the order transformers registers them: those of the vocabulary keep their
    # ids, the others follow it.
    ids = dict(vocab)
    for content in [s[k] for k in order if k in s] + extra:
        ids.setdefault(content, max(ids.values()) + 1)
    if name == "XGLMTokenizer":
        bos, eos = s["bos_token"], s["eos_token"]
        stages["post_processor"] = _template(
            [eos, "$A"], [eos, "$A", eos, eos, "$B:0"], {bos: ids[bos], eos: ids[eos]}
        )
    wanted = {s[k] for k in order if k in s} | set(extra)
    added = sorted(((i, t) for t, i in ids.items() if t in wanted), key=lambda x: x[0])
    tokenizer = {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [special_entry(t, i) for i, t in added],
        **stages,
        "model": model,
    }
    reported_named = {**dict.fromkeys(SPECIAL_TOKENS_ATTRIBUTES), **named}
    specials = {"named": reported_named, "extra": extra}
    return json.dumps(tokenizer, ensure_ascii=False), specials


def folder_document(
    directory: str, overrides: dict[str, Any] | None = None, tokenizer_class: str | None = None
) -> tuple[str, dict[str, Any]] | None:
    """`document` for a folder without any file ferrotok reads, from its tokenizer_config.json (if any) and the
    loading arguments (`overrides`); None where the class is not built from the config alone."""
    path = os.path.join(directory, CONFIG_FILE)
    config: Any = {}
    if os.path.isfile(path):
        with open(path, encoding="utf-8") as f:
            config = json.load(f)
    if not isinstance(config, dict):
        return None
    config.update(overrides or {})
    name = tokenizer_class or config.get("tokenizer_class")
    return document(name, config) if isinstance(name, str) else None


def load_folder(directory: str, overrides: str, tokenizer_class: str | None = None) -> tuple[Any, Any]:
    """`_core.load_folder(directory, overrides)`, or for a folder with no file it reads whose class transformers
    builds from the config alone, that class's tokenizer (and its special tokens, as the loader returns them)."""
    from . import _core

    try:
        return _core.load_folder(directory, overrides)
    except FileNotFoundError:
        built = folder_document(directory, json.loads(overrides), tokenizer_class)
        if built is None:
            raise
        text, specials = built
        return _core.Tokenizer.from_str(text), specials
