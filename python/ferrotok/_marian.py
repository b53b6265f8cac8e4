"""Marian's two sides, as transformers' `MarianTokenizer` keeps them: `source.spm` segments the inputs and
`target.spm` the targets (`text_target`); the ids come from `vocab.json`, or with `separate_vocabs` the
targets' from `target_vocab.json`, which then also turns ids back into text (decode, labels). The special
tokens keep their `vocab.json` ids on both sides (transformers' added tokens, which win over either
vocabulary): the target side's ids of them are swapped for those after encoding, and back before decoding.
The target side is the folder read again with a load override (rust/loading/sentencepiece_marian.rs);
`save_pretrained` writes the files transformers' class writes, so that a saved folder keeps both sides.
"""

from __future__ import annotations

import json
import os
from typing import Any

from . import _fsmt

MARIAN = "MarianTokenizer"
TARGET_VOCAB = "target_vocab.json"
# The load override that reads a Marian folder's target side (rust/loading/sentencepiece_marian.rs).
_TARGET_SIDE = "marian_target_side"


def _class(config: dict[str, Any]) -> str:
    return str(config.get("tokenizer_class") or "").removesuffix("Fast")


def separate_vocabs(tok: Any) -> bool:
    return _class(tok._init_config) == MARIAN and bool(tok._init_config.get("separate_vocabs"))


def check_folder(directory: str, config: dict[str, Any]) -> None:
    """transformers' class opens `target_vocab.json` when `separate_vocabs` is set: without it, the
    TypeError it raises (naming the file here). FSMT's vocab-tgt.json likewise (`_fsmt`)."""
    _fsmt.check_folder(directory, config)
    if _class(config) != MARIAN or not config.get("separate_vocabs"):
        return
    path = os.path.join(directory, TARGET_VOCAB)
    if not os.path.isfile(path):
        raise TypeError(f"MarianTokenizer: separate_vocabs is set but {path} does not exist")


def target_core(tok: Any) -> Any:
    """The target side's core: the folder read with `target.spm` (and `target_vocab.json`)."""
    from . import _core

    core = tok.__dict__.get("_marian_target_core")
    if core is None:
        directory = tok.__dict__.get("_directory")
        if directory is None or not os.path.isfile(os.path.join(directory, "target.spm")):
            raise NotImplementedError(
                "text_target: MarianTokenizer's target side (text_target; decoding with separate_vocabs) "
                "is read from the folder's target.spm and vocab.json (this tokenizer was not loaded from "
                "such a folder)"
            )
        overrides = {_TARGET_SIDE: True, "separate_vocabs": bool(tok._init_config.get("separate_vocabs"))}
        core, _ = _core.load_folder(directory, json.dumps(overrides))
        tok.__dict__["_marian_target_core"] = core
    _share_added_tokens(tok, core)
    return core


def _share_added_tokens(tok: Any, core: Any) -> None:
    """Tokens added to `tok` since the target side was read, added to it too: transformers' added tokens
    serve both sides (their ids are given back after encoding, `_swaps`)."""
    have = {t["content"] for t in core.added_tokens()}
    new = [t for t in tok._tokenizer.added_tokens() if t["content"] not in have]
    if new:
        core.add_tokens([{k: v for k, v in t.items() if k != "id"} for t in new])
        tok.__dict__.pop("_marian_swaps", None)


def target_tokenizer(tok: Any) -> Any:
    """A Marian tokenizer's target side, with `tok`'s settings."""
    return type(tok)(target_core(tok), **tok._settings())


def _swaps(tok: Any) -> dict[int, int]:
    """target_vocab.json's id of each added token → its vocab.json id, where they differ."""
    swaps = tok.__dict__.get("_marian_swaps")
    if swaps is None:
        target = target_core(tok)
        swaps = {}
        for token in tok._tokenizer.added_tokens():
            found = target.token_to_id(token["content"])
            if found is not None and found != token["id"]:
                swaps[found] = token["id"]
        tok.__dict__["_marian_swaps"] = swaps
    return swaps


def _swap(ids: Any, swaps: dict[int, int]) -> Any:
    """`ids` (an id, nested lists, a numpy array or a torch tensor) with `swaps` applied."""
    if isinstance(ids, int):
        return swaps.get(ids, ids)
    if isinstance(ids, (list, tuple)):
        return [_swap(i, swaps) for i in ids]
    masks = [(ids == old, new) for old, new in swaps.items()]  # all found before any is replaced
    for mask, new in masks:
        ids[mask] = new
    return ids


def encode_targets(tok: Any, *args: Any, **kwargs: Any) -> Any:
    """`text_target` through the target side, the special tokens given their vocab.json ids."""
    targets = target_tokenizer(tok)(*args, **kwargs)
    if _swaps(tok):
        targets["input_ids"] = _swap(targets["input_ids"], _swaps(tok))
    return targets


def target_ids(tok: Any, ids: Any) -> Any:
    """Ids as the decoding core knows them: with separate vocabularies, the added tokens' vocab.json ids
    made target_vocab.json's (transformers' added tokens win over the target vocabulary when decoding)."""
    if _fsmt.is_fsmt(tok):
        return _fsmt.target_ids(tok, ids)
    if not separate_vocabs(tok):
        return ids
    back = {new: old for old, new in _swaps(tok).items()}
    return _swap(list(ids), back) if back else ids


def decoding_core(tok: Any) -> Any:
    """The core that turns ids back into tokens and text: the target side's with separate vocabularies
    (transformers decodes through `target_vocab.json` and `target.spm`, `use_source_tokenizer` or not),
    else `tok`'s own. FSMT's is its target side (`_fsmt`)."""
    if _fsmt.is_fsmt(tok):
        return _fsmt.decoding_side(tok)
    return target_core(tok) if separate_vocabs(tok) else tok._tokenizer


def save_files(tok: Any, directory: str, filename_prefix: str | None = None) -> tuple[str, ...]:
    """The files transformers' class writes (`vocab.json`, `target_vocab.json` with separate vocabularies,
    `source.spm`, `target.spm`, each after `filename_prefix-`), from the folder this tokenizer was read
    from; nothing for other classes or a tokenizer not read from such a folder."""
    if _fsmt.is_fsmt(tok):
        return _fsmt.save_files(tok, directory, filename_prefix)
    stem = f"{filename_prefix}-" if filename_prefix else ""
    source = tok.__dict__.get("_directory")
    if _class(tok._init_config) != MARIAN or source is None:
        return ()
    names = ["vocab.json", *([TARGET_VOCAB] if separate_vocabs(tok) else [])]
    if not all(os.path.isfile(os.path.join(source, n)) for n in [*names, "source.spm", "target.spm"]):
        return ()
    written = []
    for name in names:
        with open(os.path.join(source, name), encoding="utf-8") as f:
            vocab = json.load(f)
        path = os.path.join(directory, stem + name)
        with open(path, "w", encoding="utf-8") as f:
            json.dump(vocab, f, indent=2)
        written.append(path)
    for name in ("source.spm", "target.spm"):
        path = os.path.join(directory, stem + name)
        if os.path.abspath(path) != os.path.abspath(os.path.join(source, name)):
            import shutil  # here: saving only (its import costs every run's start-up)

            shutil.copyfile(os.path.join(source, name), path)
        written.append(path)
    return tuple(written)


def saved_settings(tok: Any) -> dict[str, Any]:
    """The entries transformers' class writes into tokenizer_config.json (its init arguments)."""
    if _class(tok._init_config) != MARIAN:
        return {}
    names = ("source_lang", "target_lang", "separate_vocabs", "sp_model_kwargs")
    return {name: attribute(tok, name) for name in names}


def target_vocab(tok: Any) -> dict[str, int]:
    """transformers' `target_encoder` / `get_tgt_vocab`: target_vocab.json's entries (with separate
    vocabularies; transformers' `get_tgt_vocab` also holds its added tokens, keyed by id)."""
    if not separate_vocabs(tok):
        raise AttributeError(f"{type(tok).__name__!r} object has no attribute 'target_encoder'")
    return dict(target_core(tok).get_vocab(False))


UNSET = object()
# transformers' MarianTokenizer attributes beside the common API.
ATTRIBUTES = frozenset(
    {
        "separate_vocabs",
        "encoder",
        "target_encoder",
        "get_src_vocab",
        "get_tgt_vocab",
        "source_lang",
        "target_lang",
        "spm_files",
        "supported_language_codes",
        "sp_model_kwargs",
        "remove_language_code",
    }
)


def remove_language_code(text: str) -> tuple[list[str], str]:
    """transformers' `remove_language_code`: a leading `>>code<<` split off the text."""
    end = text.find("<<") if text.startswith(">>") else -1
    return ([text[: end + 2]], text[end + 2 :]) if end != -1 else ([], text)


def attribute_names(tok: Any) -> set[str]:
    """The names `attribute` answers for `tok` (for `dir()`)."""
    if _fsmt.is_fsmt(tok):
        return _fsmt.attribute_names(tok)
    if _class(tok._init_config) != MARIAN:
        return set()
    return set(ATTRIBUTES) - (set() if separate_vocabs(tok) else {"target_encoder"})


def attribute(tok: Any, name: str) -> Any:
    """transformers' Marian attributes (FSMT's, `_fsmt`), or `UNSET` for another class or name."""
    if _fsmt.is_fsmt(tok):
        found = _fsmt.attribute(tok, name)
        return UNSET if found is _fsmt.UNSET else found
    if _class(tok._init_config) != MARIAN or name not in ATTRIBUTES:
        return UNSET
    if name == "separate_vocabs":
        return separate_vocabs(tok)
    if name == "encoder":
        return dict(tok._tokenizer.get_vocab(False))
    if name == "target_encoder":
        return target_vocab(tok)
    if name == "get_src_vocab":
        return tok.get_vocab
    if name == "get_tgt_vocab":
        # transformers merges its added tokens keyed by id (a TypeError); here they are keyed by content.
        return lambda: {**target_vocab(tok), **tok.added_tokens_encoder}
    if name in ("source_lang", "target_lang"):
        return tok._init_config.get(name)
    if name == "sp_model_kwargs":
        return dict(tok._init_config.get(name) or {})
    if name == "remove_language_code":
        return remove_language_code
    if name == "spm_files":
        directory = tok.__dict__.get("_directory") or ""
        return [os.path.join(directory, "source.spm"), os.path.join(directory, "target.spm")]
    vocab = {} if separate_vocabs(tok) else tok._tokenizer.get_vocab(False)
    return [t for t in vocab if t.startswith(">>") and t.endswith("<<")]  # supported_language_codes
