"""`text_target` and the source / target language templates, as transformers' `__call__` handles them.

transformers encodes `text` in input mode and `text_target` (with `text_pair_target`) in target mode, then
returns the target ids as `labels` (or the target encoding alone when there is no `text`); `max_target_length`
replaces `max_length` for the targets. A class without modes encodes both alike. SeamlessM4T's modes are
its language templates: `__src_lang__ A </s>` for inputs, `</s> __tgt_lang__ A </s>` for targets, switched by
its `src_lang` / `tgt_lang` (attributes or call arguments). Other classes whose target mode changes the
template (NLLB, mBART, M2M100, PLBart, Marian) are refused with `NotImplementedError` rather than given the
input template.
"""

from __future__ import annotations

import json
from typing import Any

# Call arguments this module handles.
TARGET_KEYS = frozenset({"text_target", "text_pair_target", "max_target_length", "src_lang", "tgt_lang"})
# Classes whose target mode sets another template in transformers 5 (SeamlessM4T is handled here).
TARGET_TEMPLATE_CLASSES = frozenset(
    {
        "NllbTokenizer",
        "MBartTokenizer",
        "MBart50Tokenizer",
        "M2M100Tokenizer",
        "PLBartTokenizer",
        "MarianTokenizer",
        "RagTokenizer",
    }
)
SEAMLESS = "SeamlessM4TTokenizer"


def tokenizer_class(tok: Any) -> str:
    return str(tok._init_config.get("tokenizer_class") or "").removesuffix("Fast")


def lang_code(lang: str) -> str:
    """A language as SeamlessM4T spells its token (`fra` → `__fra__`)."""
    return lang if "__" in lang else f"__{lang}__"


def set_lang(tok: Any, which: str, lang: str) -> None:
    """`src_lang` / `tgt_lang` = `lang`; setting either one makes that mode's template current, as
    transformers' setters do."""
    if tokenizer_class(tok) != SEAMLESS:
        raise NotImplementedError(
            f"{which}: language switching is not offered for {tokenizer_class(tok) or 'this tokenizer'}"
        )
    tok.__dict__[f"_{which}"] = lang_code(lang)
    tok.__dict__.pop("_lang_mode", None)
    set_mode(tok, "target" if which == "tgt_lang" else "source")


def get_lang(tok: Any, which: str, default: str) -> str:
    return str(tok.__dict__.get(f"_{which}") or lang_code(str(tok._init_config.get(which) or default)))


def set_mode(tok: Any, mode: str) -> None:
    """Install SeamlessM4T's source- or target-language template (its `set_*_lang_special_tokens`)."""
    if tokenizer_class(tok) != SEAMLESS or tok.__dict__.get("_lang_mode") == mode:
        return
    eos = tok.eos_token
    if mode == "source":
        prefix = [get_lang(tok, "src_lang", "eng")]
    else:
        prefix = [eos, get_lang(tok, "tgt_lang", "fra")]
    # A code outside the vocabulary is the unk id, named by the unk token (transformers names tokens by id).
    names = [tok.convert_ids_to_tokens(tok.convert_tokens_to_ids(t)) for t in [*prefix, eos]]
    ids = [tok.convert_tokens_to_ids(t) for t in names]

    def pieces(*sequences: str) -> list[dict[str, Any]]:
        specials = [{"SpecialToken": {"id": name, "type_id": 0}} for name in names]
        middle = [{"Sequence": {"id": s, "type_id": 0}} for s in sequences]
        return [*specials[:-1], *middle, specials[-1]]

    document = {
        "type": "TemplateProcessing",
        "single": pieces("A"),
        "pair": pieces("A", "B"),
        "special_tokens": {n: {"id": n, "ids": [i], "tokens": [n]} for n, i in zip(names, ids, strict=True)},
    }
    tok._tokenizer.set_post_processor(json.dumps(document))
    tok._plans.clear()
    tok.__dict__["_lang_mode"] = mode


def call(tok: Any, text: Any, text_pair: Any, arguments: dict[str, Any], kwargs: dict[str, Any]) -> Any:
    """`tok(text, text_pair, **arguments, **kwargs)` where kwargs may hold `TARGET_KEYS`."""
    text_target = kwargs.pop("text_target", None)
    text_pair_target = kwargs.pop("text_pair_target", None)
    max_target_length = kwargs.pop("max_target_length", None)
    for which in ("src_lang", "tgt_lang"):
        lang = kwargs.pop(which, None)
        if lang is not None:
            set_lang(tok, which, lang)
    if text is None and text_target is None:
        raise ValueError("You need to specify either `text` or `text_target`.")
    if text_target is not None and tokenizer_class(tok) in TARGET_TEMPLATE_CLASSES:
        raise NotImplementedError(
            f"text_target: {tokenizer_class(tok)}'s target-language template is not offered"
        )
    encodings = None
    if text is not None:
        set_mode(tok, "source")
        encodings = tok(text, text_pair, **arguments, **kwargs)
    if text_target is None:
        return encodings
    target_arguments = dict(arguments)
    if max_target_length is not None:
        target_arguments["max_length"] = max_target_length
    set_mode(tok, "target")
    tok.__dict__["_in_target_mode"] = True
    try:
        targets = tok(text_target, text_pair_target, **target_arguments, **kwargs)
    finally:
        tok.__dict__.pop("_in_target_mode", None)
        set_mode(tok, "source")  # left in input mode, as transformers leaves it
    if encodings is None:
        return targets
    encodings["labels"] = targets["input_ids"]
    return encodings
