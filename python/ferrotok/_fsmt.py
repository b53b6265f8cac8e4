"""FSMT's two vocabularies, as transformers' `FSMTTokenizer` keeps them: `vocab-src.json` gives the ids of
every encoded text (`text_target` included: the class tokenizes both in the source language), and
`vocab-tgt.json` turns ids back into tokens and text (`convert_ids_to_tokens`, `decode`), an id it lacks
becoming the unk token. The target side is the folder read again with a load override
(rust/loading/fsmt.rs), whose added tokens keep their source ids (transformers' added tokens win over
either vocabulary). `save_pretrained` writes the three files transformers' class writes.
"""

from __future__ import annotations

import json
import os
from typing import Any

FSMT = "FSMTTokenizer"
SOURCE_VOCAB = "vocab-src.json"
TARGET_VOCAB = "vocab-tgt.json"
MERGES = "merges.txt"
# The load override that reads the target side (rust/loading/fsmt.rs).
_TARGET_SIDE = "fsmt_target_side"
UNSET = object()
ATTRIBUTES = frozenset(
    {
        "src_lang",
        "tgt_lang",
        "do_lower_case",
        "src_vocab_size",
        "tgt_vocab_size",
        "get_src_vocab",
        "get_tgt_vocab",
        "encoder",
        "src_vocab_file",
        "tgt_vocab_file",
        "merges_file",
    }
)


def is_fsmt(tok: Any) -> bool:
    config = tok.__dict__.get("_init_config") or {}
    return str(config.get("tokenizer_class") or "").removesuffix("Fast") == FSMT


def target_core(tok: Any) -> Any:
    """The target side's core: the folder read with `vocab-tgt.json` as the model's vocabulary."""
    from . import _core

    core = tok.__dict__.get("_fsmt_target_core")
    if core is None:
        directory = tok.__dict__.get("_directory")
        if directory is None or not os.path.isfile(os.path.join(directory, TARGET_VOCAB)):
            raise NotImplementedError(
                f"{FSMT}: ids are turned back into text with the folder's {TARGET_VOCAB} "
                "(this tokenizer was not loaded from such a folder)"
            )
        core, _ = _core.load_folder(directory, json.dumps({_TARGET_SIDE: True}))
        tok.__dict__["_fsmt_target_core"] = core
    return core


def _known(tok: Any) -> set[int]:
    """The ids the target side can name: vocab-tgt.json's and the added tokens'."""
    known = tok.__dict__.get("_fsmt_known")
    if known is None:
        known = set(target_core(tok).get_vocab(True).values())
        tok.__dict__["_fsmt_known"] = known
    return known  # type: ignore[no-any-return]


def _added_later(tok: Any) -> dict[int, str]:
    """The tokens added after loading (only the source side has them), by id; kept until the source side's
    size changes."""
    size = tok._tokenizer.vocab_size(True)
    cached = tok.__dict__.get("_fsmt_added")
    if cached is None or cached[0] != size:
        known = _known(tok)
        added = {i: t.content for i, t in tok.added_tokens_decoder.items() if i not in known}
        cached = tok.__dict__["_fsmt_added"] = (size, added)
    return cached[1]  # type: ignore[no-any-return]


class TargetSide:
    """The target side's core as decoding uses it (`decode`, `decode_batch`, `id_to_token`), naming also
    the tokens added after loading: transformers' added tokens win over vocab-tgt.json."""

    def __init__(self, tok: Any, core: Any) -> None:
        self._core = core
        self._added = _added_later(tok)
        self._decoder = tok.decoder

    def id_to_token(self, i: int) -> str | None:
        found = self._added.get(i)
        return found if found is not None else self._core.id_to_token(i)

    def decode(self, ids: list[int], skip: bool) -> str:
        if not self._added or not any(i in self._added for i in ids):
            return self._core.decode(ids, skip)  # type: ignore[no-any-return]
        # The special ids are already dropped when they are skipped (`decoding_ids`).
        tokens = [t for t in map(self.id_to_token, ids) if t is not None]
        return self._decoder.decode(tokens) if self._decoder is not None else "".join(tokens)

    def decode_batch(self, rows: list[list[int]], skip: bool) -> list[str]:
        if not self._added:
            return self._core.decode_batch(rows, skip)  # type: ignore[no-any-return]
        return [self.decode(row, skip) for row in rows]

    def get_vocab(self, with_added_tokens: bool = True) -> dict[str, int]:
        return self._core.get_vocab(with_added_tokens)  # type: ignore[no-any-return]


def decoding_side(tok: Any) -> TargetSide:
    return TargetSide(tok, target_core(tok))


def target_ids(tok: Any, ids: Any) -> Any:
    """`ids` for the target side: an id vocab-tgt.json lacks is the unk token's (`_convert_id_to_token`),
    unless it is a token added after loading."""
    ids = ids if isinstance(ids, list) else list(ids)
    missing = set(ids).difference(_known(tok))  # set operations: no Python loop in the common case
    if missing:
        missing.difference_update(_added_later(tok))
    if not missing:
        return ids
    unk = tok.unk_token_id
    return [unk if i in missing else i for i in ids]


def decoding_ids(tok: Any, ids: Any, skip: bool) -> tuple[Any, bool]:
    """FSMT drops the special ids before naming the others (an unknown id stays the unk token when special
    tokens are skipped); other classes' ids and `skip` are returned as they are."""
    if not (skip and is_fsmt(tok)):
        return ids, skip
    special = set(tok.all_special_ids)
    return [i for i in ids if int(i) not in special], False


def check_folder(directory: str, config: dict[str, Any]) -> None:
    """transformers' class opens vocab-tgt.json whatever it loads: without it, the error names the file."""
    if str(config.get("tokenizer_class") or "").removesuffix("Fast") != FSMT:
        return
    path = os.path.join(directory, TARGET_VOCAB)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"{FSMT}: {path} does not exist")


def _read_json(tok: Any, name: str) -> dict[str, int]:
    with open(os.path.join(tok.__dict__["_directory"], name), encoding="utf-8") as f:
        return json.load(f)  # type: ignore[no-any-return]


def _ranks(tok: Any) -> dict[tuple[str, ...], int]:
    """merges.txt as the class ranks it: every line before the last newline, its first two fields."""
    with open(os.path.join(tok.__dict__["_directory"], MERGES), encoding="utf-8") as f:
        lines = f.read().split("\n")[:-1]
    return {tuple(line.split()[:2]): rank for rank, line in enumerate(lines)}


def _files_present(tok: Any) -> bool:
    directory = tok.__dict__.get("_directory")
    names = (SOURCE_VOCAB, TARGET_VOCAB, MERGES)
    return directory is not None and all(os.path.isfile(os.path.join(directory, n)) for n in names)


def save_files(tok: Any, directory: str, filename_prefix: str | None = None) -> tuple[str, ...]:
    """The files transformers' `save_vocabulary` writes (sorted keys, two-space indents, merges without
    counts, each name after `filename_prefix-`), from the folder this tokenizer was read from; nothing for
    other classes."""
    if not is_fsmt(tok) or not _files_present(tok):
        return ()
    source = _read_json(tok, SOURCE_VOCAB)
    target = {v: k for k, v in {v: k for k, v in _read_json(tok, TARGET_VOCAB).items()}.items()}
    ranks = sorted(_ranks(tok).items(), key=lambda kv: kv[1])
    prefix = f"{filename_prefix}-" if filename_prefix else ""
    written = []
    for name, vocab in ((SOURCE_VOCAB, source), (TARGET_VOCAB, target)):
        path = os.path.join(directory, prefix + name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(json.dumps(vocab, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
        written.append(path)
    path = os.path.join(directory, prefix + MERGES)
    with open(path, "w", encoding="utf-8") as f:
        f.write("".join(" ".join(pair) + "\n" for pair, _ in ranks))
    written.append(path)
    for key in (
        "_fsmt_target_core",
        "_fsmt_known",
        "_fsmt_added",
    ):  # a folder saved over the source is read again
        tok.__dict__.pop(key, None)
    return tuple(written)


VOCAB_FILES_NAMES = {"src_vocab_file": SOURCE_VOCAB, "tgt_vocab_file": TARGET_VOCAB, "merges_file": MERGES}


def attribute_names(tok: Any) -> set[str]:
    return set(ATTRIBUTES) if is_fsmt(tok) else set()


def attribute(tok: Any, name: str) -> Any:
    """transformers' FSMT attributes, or `UNSET` for another class or name."""
    if not is_fsmt(tok) or name not in ATTRIBUTES:
        return UNSET
    config = tok._init_config
    langs = config.get("langs") or [None, None]
    if name in ("src_lang", "tgt_lang"):
        return langs[0 if name == "src_lang" else 1]
    if name == "do_lower_case":
        return config.get("do_lower_case", False)
    if name in ("src_vocab_file", "tgt_vocab_file", "merges_file"):
        directory = tok.__dict__.get("_directory") or ""
        return os.path.join(directory, VOCAB_FILES_NAMES[name])
    if name == "encoder":
        return dict(tok._tokenizer.get_vocab(False))
    target = dict(target_core(tok).get_vocab(False))
    if name == "src_vocab_size":
        return tok._tokenizer.vocab_size(False)
    if name == "tgt_vocab_size":
        return len(target)
    if name == "get_src_vocab":
        return tok.get_vocab
    # transformers' `dict(decoder, **added_tokens_decoder)` raises a TypeError (its keys are ids); here the
    # ids of vocab-tgt.json and of the added tokens name their tokens.
    return lambda: {
        **{i: t for t, i in target.items()},
        **{i: str(t) for i, t in tok.added_tokens_decoder.items()},
    }
