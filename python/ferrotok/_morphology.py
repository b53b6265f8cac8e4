"""BertJapanese's morphological analysers (`word_tokenizer_type` `mecab` and `sudachi`).

The analysis stays in the analyser's own library, as in transformers: fugashi (MeCab, with the `ipadic`,
`unidic_lite` or `unidic` dictionary) or sudachipy. Everything else is the core's: the added and special
tokens are split off first, then each remaining piece of text reaches the normalizer set here (a host
normalizer), which NFKC-normalizes it in the core (`normalize_text`), hands it to the analyser in one call,
lower-cases the words (`do_lower_case`, except `never_split` words and the special tokens) and gives them
back space-joined for the core's whitespace split and WordPiece, or joined without a separator for the
`character` subwords (whose core pre-tokenizer cuts every char, whitespace included, as the class does).
Serialization puts the loader's placeholder normalizer back for the time of the call (`serializable`).
"""

from __future__ import annotations

import contextlib
import json
import os
import unicodedata
from collections.abc import Callable, Iterator
from typing import Any

from . import _core

ANALYSERS = ("mecab", "sudachi")
_INSTALL = "Install the `ja` extra: pip install 'ferrotok[ja]'."
_MECAB_KEYS = {"normalize_text", "mecab_dic", "mecab_option"}
_SUDACHI_KEYS = {
    "normalize_text",
    "trim_whitespace",
    "sudachi_split_mode",
    "sudachi_config_path",
    "sudachi_resource_dir",
    "sudachi_dict_type",
    "sudachi_projection",
}
PLACEHOLDER = '{"type": "NFKC"}'


def analyser_kind(config: dict[str, Any]) -> str | None:
    """`mecab` / `sudachi` for a BertJapanese config that splits words with that analyser, else None."""
    if str(config.get("tokenizer_class") or "").removesuffix("Fast") != "BertJapaneseTokenizer":
        return None
    if not config.get("do_word_tokenize", True):
        return None
    kind = config.get("word_tokenizer_type", "basic")
    return kind if kind in ANALYSERS else None


def _options(config: dict[str, Any], kind: str) -> dict[str, Any]:
    options = dict(config.get(f"{kind}_kwargs") or {})
    unknown = set(options) - (_MECAB_KEYS if kind == "mecab" else _SUDACHI_KEYS)
    if unknown:  # transformers' constructors refuse them too
        name = "MecabTokenizer" if kind == "mecab" else "SudachiTokenizer"
        raise TypeError(
            f"{name}.__init__() got unexpected keyword arguments {sorted(unknown)} ({kind}_kwargs)"
        )
    return options


def _mecab(options: dict[str, Any]) -> tuple[Callable[[str], list[str]], Callable[[str], str] | None]:
    """The words of a text, and (without a `mecab_option` of the user's) the same words space-separated
    by MeCab's own `wakati` output, one call with no per-word object."""
    try:
        import fugashi
    except ModuleNotFoundError as error:
        raise error.__class__(f"You need to install fugashi to use MecabTokenizer. {_INSTALL}") from None
    option = options.get("mecab_option") or ""
    dic = options.get("mecab_dic", "unidic_lite")
    if dic is not None:
        if dic not in ("ipadic", "unidic_lite", "unidic"):
            raise ValueError("Invalid mecab_dic is specified.")
        try:
            module = __import__(dic)
        except ModuleNotFoundError as error:
            raise error.__class__(f"The {dic} dictionary is not installed. {_INSTALL}") from None
        dic_dir = module.DICDIR
        if dic == "unidic" and not os.path.isdir(dic_dir):
            raise RuntimeError(
                "The unidic dictionary itself is not found: the `unidic` package downloads it on demand "
                "(`python -m unidic download`, from outside PyPI); `mecab_dic: unidic_lite` needs no download."
            )
        option = f'-d "{dic_dir}" -r "{os.path.join(dic_dir, "mecabrc")}" ' + option
    tagger = fugashi.GenericTagger(option)
    words = lambda text: [word.surface for word in tagger(text)]  # noqa: E731
    if (options.get("mecab_option") or "").strip():
        return words, None
    return words, fugashi.GenericTagger(option + " -Owakati").parse


def _sudachi(options: dict[str, Any]) -> Callable[[str], list[str]]:
    try:
        from sudachipy import dictionary, tokenizer
    except ImportError:
        raise ImportError(f"You need to install sudachipy to use SudachiTokenizer. {_INSTALL}") from None
    mode = options.get("sudachi_split_mode", "A")
    if mode not in ("A", "B", "C"):
        raise ValueError("Invalid sudachi_split_mode is specified.")
    split_mode = getattr(tokenizer.Tokenizer.SplitMode, mode)
    # A dictionary package that is not installed: sudachipy's ModuleNotFoundError names it, as in transformers.
    sudachi_dictionary = dictionary.Dictionary(
        config_path=options.get("sudachi_config_path"),
        resource_dir=options.get("sudachi_resource_dir"),
        dict=options.get("sudachi_dict_type", "core"),
    )
    analyser = sudachi_dictionary.create(split_mode, projection=options.get("sudachi_projection"))
    return lambda text: [word.surface() for word in analyser.tokenize(text)], None


class Analyser:
    """The host normalizer: one analyser call per piece of text between added tokens."""

    def __init__(self, config: dict[str, Any], kind: str, special_tokens: list[str]) -> None:
        options = _options(config, kind)
        self.words, spaced = _mecab(options) if kind == "mecab" else _sudachi(options)
        self.normalize_text = bool(options.get("normalize_text", True))
        self.trim_whitespace = kind == "sudachi" and bool(options.get("trim_whitespace", False))
        self.lower = bool(config.get("do_lower_case", False))
        self.never_split = [*(config.get("never_split") or []), *special_tokens]
        self.character = config.get("subword_tokenizer_type", "wordpiece") == "character"
        # The words space-separated in one analyser call, where only the whitespace split follows.
        self.spaced = None if self.character else spaced

    def normalize(self, normalized: Any) -> None:
        if self.normalize_text:
            normalized.nfkc()
        text = normalized.normalized
        kept = self.lower and any(token in text for token in self.never_split)
        # (After a NUL char MeCab's text output and its nodes part: the nodes, as the class reads them.)
        if self.spaced is not None and not kept and "\x00" not in text:
            spaced = self.spaced(text)
            normalized.clear()
            normalized.append(" ".join((spaced.lower() if self.lower else spaced).split()))
            return
        words = self.words(text)
        if self.lower:
            if kept:
                words = [w if w in self.never_split else w.lower() for w in words]
            else:
                words = [w.lower() for w in words]
        if self.trim_whitespace:
            words = [w.strip() for w in words if not w.isspace()]
        if self.character:  # each char of each word NFKC-normalized alone, whitespace included, as the class
            joined = "".join([unicodedata.normalize("NFKC", w) for w in words])
        else:  # the class's WordPiece splits each word on Python's whitespace
            joined = " ".join(" ".join(words).split())
        normalized.clear()
        normalized.append(joined)


def attach(core: Any, config: dict[str, Any], special_tokens: list[str]) -> bool:
    """Put the analyser in place of the core's placeholder normalizer; False for other tokenizers."""
    kind = analyser_kind(config)
    if kind is None:
        return False
    analyser = Analyser(config, kind, special_tokens)
    _core.Component.assign(core, "normalizer", _core.Component.custom("normalizer", analyser))
    return True


def attach_folder(core: Any, directory: str) -> None:
    """`attach` for a core loaded from a folder alone (`ferrotok.Tokenizer.from_pretrained`): the analyser
    options from its tokenizer_config.json, the special tokens from the core's added tokens."""
    path = os.path.join(directory, "tokenizer_config.json")
    if not os.path.isfile(path):
        return
    with open(path, encoding="utf-8") as f:
        config = json.load(f)
    if isinstance(config, dict) and analyser_kind(config) is not None:
        attach(core, config, [t["content"] for t in core.added_tokens() if t["special"]])


@contextlib.contextmanager
def serializable(core: Any) -> Iterator[None]:
    """The core with the placeholder normalizer for the time of the block (to_str), the analyser after."""
    host = _core.Component.of(core, "normalizer")
    _core.Component.assign(core, "normalizer", _core.Component.from_json("normalizer", PLACEHOLDER))
    try:
        yield
    finally:
        _core.Component.assign(core, "normalizer", host)
