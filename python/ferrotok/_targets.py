"""`text_target` and the source / target language templates, as transformers' `__call__` handles them.

transformers encodes `text` in input mode and `text_target` (with `text_pair_target`) in target mode, then
returns the target ids as `labels` (or the target encoding alone when there is no `text`); `max_target_length`
replaces `max_length` for the targets. A class without modes encodes both alike. The translation classes'
modes are language templates: where each puts its language code in each mode is one row of `LANGUAGES`.
`src_lang` / `tgt_lang` are attributes of those classes (transformers' setters); only SeamlessM4T also takes
them as call arguments (the other classes' `__call__` ignores them, as transformers' does). Marian's target
mode changes the SentencePiece model, not the template: its targets are encoded by a second tokenizer read
from the same folder with `target.spm` (`_marian`).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from typing import Any, NamedTuple

from . import _fsmt, _marian
from ._arguments import LARGE_INTEGER

# Call arguments this module handles.
TARGET_KEYS = frozenset({"text_target", "text_pair_target", "max_target_length", "src_lang", "tgt_lang"})
# Classes whose target mode changes more than the template (refused rather than given the source side).
REFUSED_TARGET_CLASSES = frozenset({"RagTokenizer"})
SEAMLESS = "SeamlessM4TTokenizer"
# PLBart's short names for its codes (`python` → `__python__`).
_PLBART_SHORT = frozenset({"java", "python", "en_XX", "javascript", "php", "ruby", "go"})
UNSET = object()


class Languages(NamedTuple):
    """One class's language templates: the special tokens before and after the text in each mode ("lang":
    the mode's language code, "eos": the eos token). A NamedTuple, not a dataclass: `dataclasses` (with
    `inspect`) would be a fifth of the `ferrotok` command's start-up."""

    source: tuple[tuple[str, ...], tuple[str, ...]]
    target: tuple[tuple[str, ...], tuple[str, ...]]
    default_src: str | None
    default_tgt: str | None = None
    spell: Callable[[str], str] = str  # a language as its token
    # An unknown code raises KeyError (the class looks it up in its own table); otherwise it is the unk id.
    checked: bool = False
    # The template names the code's token by its id (the unk token for an unknown code), not by the code.
    named_by_id: bool = True
    # Target mode without `tgt_lang`: "source" takes the source language (kept as `tgt_lang`), "none" puts
    # no code, "error" raises KeyError as the class's lookup of None does.
    without_tgt: str = "error"
    # `src_lang`, and the configured `tgt_lang`, are kept spelled (`__python__`).
    spelled_src: bool = False
    # `tgt_lang` is kept spelled (`__fra__`), and setting either language makes its mode's template current.
    spelled_tgt: bool = False
    call_arguments: bool = False  # `src_lang=` / `tgt_lang=` call arguments are taken (else ignored)


_PREFIX = (("lang",), ("eos",))
_SUFFIX = ((), ("eos", "lang"))


def _seamless_code(lang: str) -> str:
    return lang if "__" in lang else f"__{lang}__"


def _plbart_code(lang: str) -> str:
    return f"__{lang}__" if lang in _PLBART_SHORT else lang


# Where each class puts its language code (transformers 5's `set_src_lang_special_tokens` /
# `set_tgt_lang_special_tokens`). NLLB's row depends on `legacy_behaviour` (`languages`).
LANGUAGES: dict[str, Languages] = {
    "NllbTokenizer": Languages(_PREFIX, _PREFIX, "eng_Latn", named_by_id=False, without_tgt="source"),
    "NllbTokenizer+legacy": Languages(_SUFFIX, _SUFFIX, "eng_Latn", named_by_id=False, without_tgt="source"),
    "MBartTokenizer": Languages(_SUFFIX, _SUFFIX, "en_XX", without_tgt="source"),
    "MBart50Tokenizer": Languages(_PREFIX, _PREFIX, "en_XX", without_tgt="source"),
    "M2M100Tokenizer": Languages(_PREFIX, _PREFIX, "en", spell=lambda c: f"__{c}__", checked=True),
    "PLBartTokenizer": Languages(
        _SUFFIX, _SUFFIX, None, spell=_plbart_code, checked=True, spelled_src=True, without_tgt="none"
    ),
    "PLBartTokenizer+multi": Languages(
        _SUFFIX, _SUFFIX, "__en_XX__", spell=_plbart_code, checked=True, spelled_src=True, without_tgt="none"
    ),
    SEAMLESS: Languages(
        (("lang",), ("eos",)),
        (("eos", "lang"), ("eos",)),
        "eng",
        "fra",
        spell=_seamless_code,
        spelled_src=True,
        spelled_tgt=True,
        call_arguments=True,
    ),
}


def tokenizer_class(tok: Any) -> str:
    return str(tok._init_config.get("tokenizer_class") or "").removesuffix("Fast")


def languages(tok: Any) -> Languages | None:
    """The class's row of `LANGUAGES`, or None for a class without language modes."""
    name = tokenizer_class(tok)
    if name == "NllbTokenizer" and tok._init_config.get("legacy_behaviour"):
        name = "NllbTokenizer+legacy"
    elif name == "PLBartTokenizer" and tok._init_config.get("language_codes") == "multi":
        name = "PLBartTokenizer+multi"
    return LANGUAGES.get(name)


def _row(tok: Any, which: str) -> Languages:
    row = languages(tok)
    if row is None:
        raise AttributeError(f"{type(tok).__name__!r} object has no attribute {which!r}")
    return row


def _check(tok: Any, which: str, lang: Any) -> None:
    row = _row(tok, which)
    if row.checked and (not isinstance(lang, str) or row.spell(lang) not in _language_tokens(tok)):
        raise KeyError(f"{which}: {lang!r} is not one of {tokenizer_class(tok)}'s language codes")


def get_lang(tok: Any, which: str) -> Any:
    """`src_lang` / `tgt_lang` as transformers keeps them (SeamlessM4T and PLBart's `src_lang` spelled as
    tokens, the others as given)."""
    row = _row(tok, which)
    value = tok.__dict__.get(f"_{which}", UNSET)
    if value is not UNSET:
        return value
    configured = tok._init_config.get(which)
    if which == "src_lang":
        value = configured if configured is not None else row.default_src
        return row.spell(value) if value is not None and row.spelled_src else value
    value = configured if configured is not None else row.default_tgt
    return row.spell(value) if value is not None and (row.spelled_src or row.spelled_tgt) else value


def set_lang(tok: Any, which: str, lang: Any) -> None:
    """`tok.src_lang = lang` / `tok.tgt_lang = lang`, as transformers' setters do: `src_lang` installs the
    source template (an unknown code raises KeyError where the class checks codes); `tgt_lang` is kept
    (SeamlessM4T's also installs the target template until the next call). FSMT's languages are its
    folder's `langs` (the pipeline is built for them): setting one is refused."""
    if _fsmt.is_fsmt(tok):
        raise NotImplementedError(
            f"{_fsmt.FSMT}: {which} is fixed by `langs` in tokenizer_config.json (load the folder with "
            "langs=[source, target] to change it)"
        )
    row = _row(tok, which)
    if which == "src_lang":
        _check(tok, which, lang)
        tok.__dict__["_src_lang"] = row.spell(lang) if row.spelled_src else lang
        set_mode(tok, "source", force=True)
    elif row.spelled_tgt:
        tok.__dict__["_tgt_lang"] = row.spell(lang)
        set_mode(tok, "target", force=True)
    else:
        tok.__dict__["_tgt_lang"] = lang  # checked when the target template is built


def _template_tokens(tok: Any, mode: str) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """The (token, id) pairs before and after the text in `mode`; transformers' target switch may store
    `tgt_lang` first (NLLB, mBART: the source language when none was set)."""
    row = _row(tok, "src_lang")
    if mode == "source":
        lang = get_lang(tok, "src_lang")
    else:
        lang = get_lang(tok, "tgt_lang")
        if lang is None and row.without_tgt == "source":
            lang = get_lang(tok, "src_lang")
            tok.__dict__["_tgt_lang"] = lang
        if lang is not None or row.without_tgt == "error":
            _check(tok, "tgt_lang", lang)
    code = None if lang is None else row.spell(lang)
    before, after = row.source if mode == "source" else row.target

    def pieces(names: tuple[str, ...]) -> list[tuple[str, int]]:
        out = []
        for name in names:
            if name == "eos":
                out.append((str(tok.eos_token), tok.eos_token_id))
            elif code is not None:
                found = tok.convert_tokens_to_ids(code)
                out.append((tok.convert_ids_to_tokens(found) if row.named_by_id else code, found))
        return out

    return pieces(before), pieces(after)


def set_mode(tok: Any, mode: str, force: bool = False) -> None:
    """Install the class's source or target template (its `set_src_lang_special_tokens` /
    `set_tgt_lang_special_tokens`); nothing for a class without language modes."""
    if languages(tok) is None or (not force and tok.__dict__.get("_lang_mode") == mode):
        return
    before, after = _template_tokens(tok, mode)

    def template(*sequences: str) -> list[dict[str, Any]]:
        specials = [{"SpecialToken": {"id": name, "type_id": 0}} for name, _ in before]
        middle = [{"Sequence": {"id": s, "type_id": 0}} for s in sequences]
        return [*specials, *middle, *({"SpecialToken": {"id": name, "type_id": 0}} for name, _ in after)]

    document = {
        "type": "TemplateProcessing",
        "single": template("A"),
        "pair": template("A", "B"),
        "special_tokens": {n: {"id": n, "ids": [i], "tokens": [n]} for n, i in [*before, *after]},
    }
    tok._tokenizer.set_post_processor(json.dumps(document))
    tok._plans.clear()
    tok.__dict__["_lang_mode"] = mode
    tok.__dict__["_lang_ids"] = ([i for _, i in before], [i for _, i in after])


# The language attributes each class has in transformers 5 (beside `src_lang` / `tgt_lang`).
_ATTRIBUTES = {
    "NllbTokenizer": {"cur_lang_code", "legacy_behaviour"},
    "MBartTokenizer": {"cur_lang_code", "lang_code_to_id"},
    "MBart50Tokenizer": {"cur_lang_code_id", "lang_code_to_id", "id_to_lang_code"},
    "M2M100Tokenizer": {
        "cur_lang_id",
        "lang_code_to_id",
        "lang_token_to_id",
        "lang_code_to_token",
        "id_to_lang_token",
        "get_lang_token",
        "get_lang_id",
    },
    "PLBartTokenizer": {"cur_lang_code", "cur_lang_code_id", "lang_code_to_id", "id_to_lang_code"},
    SEAMLESS: {"cur_lang_code"},
}
# fairseq's tables, kept by transformers 5 for backward compatibility (fixed specials, then the codes).
_FAIRSEQ_NAMES = frozenset({"fairseq_offset", "fairseq_tokens_to_ids", "fairseq_ids_to_tokens"})
_FAIRSEQ = {
    "NllbTokenizer": {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3},
    "MBartTokenizer": {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3},
    "MBart50Tokenizer": {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3},
    "PLBartTokenizer": {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3},
    SEAMLESS: {"<pad>": 0, "<unk>": 1, "<s>": 2, "</s>": 3},
}
_COMMON = {
    "_build_translation_inputs",
    "prefix_tokens",
    "suffix_tokens",
    "set_src_lang_special_tokens",
    "set_tgt_lang_special_tokens",
    "_switch_to_input_mode",
    "_switch_to_target_mode",
}
_MBART_CODE = re.compile(r"[a-z]{2}_[A-Z]{2}")


def _language_tokens(tok: Any) -> list[str]:
    """The class's language-code tokens, in id order (M2M100's follow its vocabulary; the others are
    extra special tokens)."""
    name = tokenizer_class(tok)
    if name == "M2M100Tokenizer":
        vocab = tok.get_vocab()
        found = [t for t in vocab if len(t) > 4 and t.startswith("__") and t.endswith("__")]
        return sorted(found, key=vocab.__getitem__)
    specials = [str(t) for t in tok.extra_special_tokens]
    if name == "PLBartTokenizer":
        return [t for t in specials if t.startswith("__") and t.endswith("__")]
    return [t for t in specials if _MBART_CODE.fullmatch(t)]


def language_attribute(tok: Any, name: str) -> Any:
    """transformers' per-class language attributes and methods (`prefix_tokens`, `lang_code_to_id`,
    `set_src_lang_special_tokens`, ...), or `UNSET` when the class has no attribute `name`."""
    cls = tokenizer_class(tok)
    if name == "prepare_seq2seq_batch" and cls in SEQ2SEQ_DEFAULTS:
        return seq2seq_batch(tok)
    if name in _FAIRSEQ_NAMES and cls in _FAIRSEQ:
        return _fairseq(tok, cls, name)
    if name in _PYTHON_ATTRIBUTES.get(cls, ()):
        return _python_attribute(tok, cls, name)
    if cls not in _ATTRIBUTES or name not in _COMMON | _ATTRIBUTES[cls]:
        return UNSET
    if cls == "PLBartTokenizer" and name == "cur_lang_code_id":  # set once, from the configured src_lang
        configured = tok._init_config.get("src_lang") or languages(tok).default_src  # type: ignore[union-attr]
        return None if configured is None else tok.convert_tokens_to_ids(_plbart_code(configured))
    if name in ("prefix_tokens", "suffix_tokens", "cur_lang_code", "cur_lang_code_id", "cur_lang_id"):
        if "_lang_ids" not in tok.__dict__:  # SeamlessM4T's last template at init is the target one
            set_mode(tok, "target" if cls == SEAMLESS else "source", force=True)
        before, after = tok.__dict__["_lang_ids"]
        if name in ("prefix_tokens", "suffix_tokens"):
            return list(before if name == "prefix_tokens" else after)
        codes = [i for i in [*before, *after] if i != tok.eos_token_id]
        return codes[0] if codes else None
    methods: dict[str, Callable[..., Any]] = {
        "set_src_lang_special_tokens": lambda lang: _set_template(tok, "src_lang", lang),
        "set_tgt_lang_special_tokens": lambda lang: _set_template(tok, "tgt_lang", lang),
        "_switch_to_input_mode": lambda: set_mode(tok, "source", force=True),
        "_switch_to_target_mode": lambda: set_mode(tok, "target", force=True),
        "get_lang_token": lambda lang: language_attribute(tok, "lang_code_to_token")[lang],
        "get_lang_id": lambda lang: language_attribute(tok, "lang_token_to_id")[
            language_attribute(tok, "lang_code_to_token")[lang]
        ],
    }
    if name == "_build_translation_inputs":
        return _translation_inputs(tok, cls)
    if name in methods:
        return methods[name]
    if name == "legacy_behaviour":
        return bool(tok._init_config.get("legacy_behaviour", False))
    tokens = {t: tok.convert_tokens_to_ids(t) for t in _language_tokens(tok)}
    if cls == "M2M100Tokenizer":
        tables = {
            "lang_token_to_id": tokens,
            "lang_code_to_id": {t[2:-2]: i for t, i in tokens.items()},
            "lang_code_to_token": {t[2:-2]: t for t in tokens},
            "id_to_lang_token": {i: t for t, i in tokens.items()},
        }
        return tables[name]
    return tokens if name == "lang_code_to_id" else {i: t for t, i in tokens.items()}


# The settings transformers' pure-Python translation classes keep as attributes.
_PYTHON_ATTRIBUTES = {
    "M2M100Tokenizer": {
        "language_codes",
        "num_madeup_words",
        "sp_model_kwargs",
        "encoder",
        "encoder_size",
        "spm_file",
    },
    "PLBartTokenizer": {"language_codes", "sp_model_kwargs", "sp_model_size", "legacy"},
}


def attribute_names(tok: Any) -> set[str]:
    """The names `language_attribute` answers for `tok`'s class (for `dir()`)."""
    cls = tokenizer_class(tok)
    names = set(_PYTHON_ATTRIBUTES.get(cls, ()))
    if cls in SEQ2SEQ_DEFAULTS:
        names.add("prepare_seq2seq_batch")
    if cls in _FAIRSEQ:
        names |= _FAIRSEQ_NAMES
    if cls in _ATTRIBUTES:
        names |= _COMMON | _ATTRIBUTES[cls]
    return names


def _python_attribute(tok: Any, cls: str, name: str) -> Any:
    config = tok._init_config
    if name == "language_codes":
        return config.get("language_codes") or ("m2m100" if cls == "M2M100Tokenizer" else "base")
    if name == "num_madeup_words":
        return config.get("num_madeup_words", 8)
    if name == "sp_model_kwargs":
        return dict(config.get("sp_model_kwargs") or {})
    if name == "legacy":
        return config.get("legacy", True)
    if name == "spm_file":
        return os.path.join(tok.__dict__.get("_directory") or "", "sentencepiece.bpe.model")
    codes = set(_language_tokens(tok))
    if name in ("encoder", "encoder_size"):  # vocab.json: the vocabulary without the language codes
        encoder = {t: i for t, i in tok._tokenizer.get_vocab(False).items() if t not in codes}
        return dict(sorted(encoder.items(), key=lambda kv: kv[1])) if name == "encoder" else len(encoder)
    # sp_model_size: the model's pieces (fairseq's four specials, the codes and `<mask>` are not)
    mask = 1 if _python_attribute(tok, cls, "language_codes") == "base" else 0
    return tok._tokenizer.vocab_size(False) - 1 - len(codes) - mask


def _fairseq(tok: Any, cls: str, name: str) -> Any:
    if name == "fairseq_offset":
        return 1
    table = dict(_FAIRSEQ[cls])
    mask = tok.__dict__["_special"].get("mask_token")
    if cls == "PLBartTokenizer" and mask is not None and tok._init_config.get("language_codes") != "multi":
        table["<mask>"] = tok.convert_tokens_to_ids(str(mask))
    if cls != "NllbTokenizer" and cls != SEAMLESS:
        table.update(language_attribute(tok, "lang_code_to_id"))
    if cls in ("MBartTokenizer", "MBart50Tokenizer"):
        table["<mask>"] = tok.convert_tokens_to_ids(str(mask or "<mask>"))
    return table if name == "fairseq_tokens_to_ids" else {i: t for t, i in table.items()}


def _translation_inputs(tok: Any, cls: str) -> Callable[..., Any]:
    """transformers' `_build_translation_inputs` (what its translation pipeline calls): the inputs in
    `src_lang`'s template and `forced_bos_token_id`, the id of `tgt_lang`'s code."""

    def build(raw_inputs: Any, return_tensors: Any, src_lang: Any, tgt_lang: Any, **kwargs: Any) -> Any:
        if src_lang is None or tgt_lang is None:
            raise ValueError("Translation requires a `src_lang` and a `tgt_lang` for this model")
        tok.src_lang = src_lang
        if cls == "PLBartTokenizer":
            tok.tgt_lang = tgt_lang = _plbart_code(tgt_lang)
        elif cls == SEAMLESS:
            tgt_lang = _seamless_code(tgt_lang)
        inputs = tok(raw_inputs, add_special_tokens=True, return_tensors=return_tensors, **kwargs)
        if cls == "M2M100Tokenizer":
            inputs["forced_bos_token_id"] = language_attribute(tok, "get_lang_id")(tgt_lang)
        else:
            inputs["forced_bos_token_id"] = tok.convert_tokens_to_ids(tgt_lang)
        return inputs

    if cls != "M2M100Tokenizer":
        return build

    # M2M100's takes the languages second and third, `return_tensors` among the keywords.
    def build_m2m(raw_inputs: Any, src_lang: Any, tgt_lang: Any, **kwargs: Any) -> Any:
        return build(raw_inputs, kwargs.pop("return_tensors", None), src_lang, tgt_lang, **kwargs)

    return build_m2m


def _set_template(tok: Any, which: str, lang: str) -> None:
    """`set_src_lang_special_tokens(lang)` / `set_tgt_lang_special_tokens(lang)`: that template with `lang`,
    the attributes unchanged (transformers' methods do not store the language)."""
    saved = tok.__dict__.get(f"_{which}", UNSET)
    tok.__dict__[f"_{which}"] = lang
    try:
        set_mode(tok, "source" if which == "src_lang" else "target", force=True)
        tok.__dict__["_lang_mode"] = "custom"  # the next call installs its own mode's template
    finally:
        if saved is UNSET:
            tok.__dict__.pop(f"_{which}", None)
        else:
            tok.__dict__[f"_{which}"] = saved


def _target_arguments(arguments: dict[str, Any], max_target_length: int | None) -> dict[str, Any]:
    """The targets' arguments: transformers resolves the padding and truncation strategies from the call's
    own arguments, then swaps in `max_target_length` as the length."""
    target = dict(arguments)
    if max_target_length is not None:
        truncation = arguments.get("truncation")
        if truncation is None:  # a call's max_length alone turns truncation on, max_target_length does not
            target["truncation"] = arguments.get("max_length") is not None
        target["max_length"] = max_target_length
    return target


def call(tok: Any, text: Any, text_pair: Any, arguments: dict[str, Any], kwargs: dict[str, Any]) -> Any:
    """`tok(text, text_pair, **arguments, **kwargs)` where kwargs may hold `TARGET_KEYS`."""
    text_target = kwargs.pop("text_target", None)
    text_pair_target = kwargs.pop("text_pair_target", None)
    max_target_length = kwargs.pop("max_target_length", None)
    row = languages(tok)
    for which in ("src_lang", "tgt_lang"):
        lang = kwargs.pop(which, None)
        if lang is not None and row is not None and row.call_arguments:
            set_lang(tok, which, lang)
    if text is None and text_target is None:
        raise ValueError("You need to specify either `text` or `text_target`.")
    if text_target is not None and tokenizer_class(tok) in REFUSED_TARGET_CLASSES:
        raise NotImplementedError(
            f"text_target: {tokenizer_class(tok)}'s target vocabulary is not offered by ferrotok"
        )
    encodings = None
    if text is not None:
        set_mode(tok, "source")
        encodings = tok(text, text_pair, **arguments, **kwargs)
    if text_target is None:
        return encodings
    target_arguments = _target_arguments(arguments, max_target_length)
    if tokenizer_class(tok) == _marian.MARIAN:
        targets = _marian.encode_targets(tok, text_target, text_pair_target, **target_arguments, **kwargs)
        return targets if encodings is None else _with_labels(encodings, targets)
    set_mode(tok, "target", force=True)
    tok.__dict__["_in_target_mode"] = True
    try:
        targets = tok(text_target, text_pair_target, **target_arguments, **kwargs)
    finally:
        tok.__dict__.pop("_in_target_mode", None)
        set_mode(tok, "source")  # left in input mode, as transformers leaves it
    return targets if encodings is None else _with_labels(encodings, targets)


def _with_labels(encodings: Any, targets: Any) -> Any:
    encodings["labels"] = targets["input_ids"]
    return encodings


# What pickling keeps beside the settings (transformers pickles its instance's attributes): the languages
# set through the setters, the template in place, and the folder Marian reads its target side from.
_PICKLED = ("_src_lang", "_tgt_lang", "_lang_mode", "_lang_ids", "_directory")


def pickled_attributes(tok: Any) -> dict[str, Any]:
    return {k: tok.__dict__[k] for k in _PICKLED if k in tok.__dict__}


def saved_languages(tok: Any) -> dict[str, Any]:
    """The `src_lang` / `tgt_lang` entries `save_pretrained` writes: transformers writes its attributes'
    current values (those set through the setters included)."""
    if languages(tok) is None:
        return {}
    return {"src_lang": get_lang(tok, "src_lang"), "tgt_lang": get_lang(tok, "tgt_lang")}


# The classes with `prepare_seq2seq_batch` in transformers 5.24, and its default languages.
SEQ2SEQ_DEFAULTS = {
    "NllbTokenizer": ("eng_Latn", "fra_Latn"),
    SEAMLESS: ("eng", "fra"),
    "MBart50Tokenizer": ("en_XX", "ro_RO"),
    "M2M100Tokenizer": ("en", "ro"),
    "PLBartTokenizer": ("en_XX", "python"),
}


def _limit(length: int, padding: Any, truncation: Any) -> dict[str, Any]:
    """`max_length` and `truncation` for a call: a "no limit" length (a model without
    `model_max_length`) truncates nothing (transformers' fast classes raise OverflowError)."""
    if length >= LARGE_INTEGER and padding != "max_length":
        return {"truncation": False}
    return {"max_length": length, "truncation": truncation}


def seq2seq_batch(tok: Any) -> Callable[..., Any]:
    """transformers' `prepare_seq2seq_batch`: `src_lang` / `tgt_lang` set as by the setters, the sources
    padded ("longest") and truncated to `max_length` (the model's), the targets' ids as `labels`, cut at
    `max_target_length` (`max_length` when not given). The labels are encoded in the target template
    (transformers' `__call__` switches back to the source template before encoding them, and the
    mBART-50, M2M100 and PLBart classes call a method their base no longer has: README, "Where ferrotok
    differs")."""
    default_src, default_tgt = SEQ2SEQ_DEFAULTS[tokenizer_class(tok)]

    def prepare_seq2seq_batch(
        src_texts: Any,
        src_lang: str = default_src,
        tgt_texts: Any = None,
        tgt_lang: str = default_tgt,
        max_length: int | None = None,
        max_target_length: int | None = None,
        padding: Any = "longest",
        return_tensors: Any = None,
        truncation: Any = True,
        **kwargs: Any,
    ) -> Any:
        if tokenizer_class(tok) == "PLBartTokenizer":
            src_lang, tgt_lang = _plbart_code(src_lang), _plbart_code(tgt_lang)
        tok.src_lang = src_lang
        tok.tgt_lang = tgt_lang
        if max_length is None:
            max_length = tok.model_max_length
        shared = {"add_special_tokens": True, "return_tensors": return_tensors, "padding": padding}
        inputs = tok(src_texts, **_limit(max_length, padding, truncation), **shared, **kwargs)
        if tgt_texts is None:
            return inputs
        if max_target_length is None:
            max_target_length = max_length
        limit = _limit(max_target_length, padding, truncation)
        labels = tok(text_target=tgt_texts, **limit, **shared, **kwargs)
        inputs["labels"] = labels["input_ids"]
        return inputs

    return prepare_seq2seq_batch
