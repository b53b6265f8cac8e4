"""MarkupLM: HTML nodes with their xpaths (RoBERTa's byte-level BPE plus the config's `tags_dict`).

`tokenizer(nodes, xpaths=xpaths, node_labels=None)`, or a question before the nodes, as transformers 5.24
takes it: without xpaths every node gets `/document/node` (and a text given as one string is split at
whitespace); each xpath becomes `max_depth` tag ids (`tags_dict`, unknown tags `len(tags_dict)`, padding
one more) and subscripts (capped at `max_width`, padding `pad_width`). The core encodes the nodes as words
and `_layout.Rows` gathers `xpath_tags_seq` / `xpath_subs_seq` / `labels` per token with numpy; the
question's tokens, cls / sep / pad get the padding sequences.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from . import _layout
from .batch_encoding import BatchEncoding

PLACEHOLDER_XPATH = "/document/node"
ATTRIBUTES = (
    "tags_dict",
    "max_depth",
    "max_width",
    "pad_width",
    "unk_tag_id",
    "pad_tag_id",
    "pad_xpath_tags_seq",
    "pad_xpath_subs_seq",
    "pad_token_label",
    "only_label_first_subword",
    "get_xpath_seq",
)
_NODES_MESSAGE = (
    "Nodes must be of type `list[str]` (single pretokenized example), "
    "or `list[list[str]]` (batch of pretokenized examples)."
)


@dataclass
class MarkupSettings:
    tags_dict: dict[str, int]
    max_depth: int
    max_width: int
    pad_width: int
    pad_token_label: int
    only_label_first_subword: bool
    label_rule: str = "first_at_start"  # `_layout.labels`: a word's first token, at its first character

    @property
    def unk_tag_id(self) -> int:
        return len(self.tags_dict)

    @property
    def pad_tag_id(self) -> int:
        return self.unk_tag_id + 1

    @property
    def pad_xpath_tags_seq(self) -> list[int]:
        return [self.pad_tag_id] * self.max_depth

    @property
    def pad_xpath_subs_seq(self) -> list[int]:
        return [self.pad_width] * self.max_depth

    def get_xpath_seq(self, xpath: str) -> tuple[list[int], list[int]]:
        """One xpath's tag ids and subscripts, `max_depth` long (transformers' `get_xpath_seq`)."""
        tags, subs = self.units(xpath)
        tags += [self.pad_tag_id] * (self.max_depth - len(tags))
        subs += [self.pad_width] * (self.max_depth - len(subs))
        return tags, subs

    def units(self, xpath: str) -> tuple[list[int], list[int]]:
        """One xpath's tag ids and subscripts (at most `max_depth`), before padding."""
        tags, subs = [], []
        for unit in xpath.split("/"):
            if not unit.strip():
                continue
            name_subs = unit.strip().split("[")
            tags.append(self.tags_dict.get(name_subs[0], self.unk_tag_id))
            subs.append(min(self.max_width, 0 if len(name_subs) == 1 else int(name_subs[1][:-1])))
        return tags[: self.max_depth], subs[: self.max_depth]


def load_settings(config: dict[str, Any]) -> MarkupSettings | None:
    if str(config.get("tokenizer_class") or "").removesuffix("Fast") != "MarkupLMTokenizer":
        return None
    tags = config.get("tags_dict")
    if not isinstance(tags, dict):
        raise TypeError("MarkupLMTokenizer needs `tags_dict` (tag name -> id) in tokenizer_config.json")
    return MarkupSettings(
        tags_dict=dict(tags),
        max_depth=int(config.get("max_depth", 50)),
        max_width=int(config.get("max_width", 1000)),
        pad_width=int(config.get("pad_width", 1001)),
        pad_token_label=int(config.get("pad_token_label", -100)),
        only_label_first_subword=bool(config.get("only_label_first_subword", True)),
    )


def _placeholders(text: Any, text_pair: Any) -> tuple[Any, Any, Any]:
    """transformers' nodes and placeholder xpaths for a call without xpaths."""
    source = text if text_pair is None else text_pair
    if isinstance(source, tuple):
        source = list(source)
    nodes = source
    if isinstance(source, str):
        nodes = source.split()
    elif isinstance(source, list):
        if source and isinstance(source[0], str):
            if any(" " in entry for entry in source):
                nodes = [entry.split() for entry in source]
        elif source and isinstance(source[0], tuple):
            nodes = [list(sample) for sample in source]
    if text_pair is None:
        text = nodes
    else:
        text_pair = nodes
    if isinstance(nodes, list) and nodes and isinstance(nodes[0], (list, tuple)):
        xpaths: Any = [[PLACEHOLDER_XPATH] * len(sample) for sample in nodes]
    else:
        xpaths = [PLACEHOLDER_XPATH] * (len(nodes) if hasattr(nodes, "__len__") else 0)
    return text, text_pair, xpaths


def call(
    tok: Any, text: Any, text_pair: Any, arguments: dict[str, Any], kwargs: dict[str, Any]
) -> BatchEncoding:
    """`tokenizer(text, text_pair=None, xpaths=None, node_labels=None, ...)`, as MarkupLM takes it."""
    xpaths = kwargs.pop("xpaths", None)
    node_labels = kwargs.pop("node_labels", None)
    if isinstance(text, tuple):
        text = list(text)
    if isinstance(text_pair, tuple):
        text_pair = list(text_pair)
    if xpaths is None and not arguments["is_split_into_words"]:
        text, text_pair, xpaths = _placeholders(text, text_pair)
    if text_pair is not None:
        if not _layout._is_valid_text(text):
            raise ValueError(_layout._TEXT_MESSAGE.format("list"))
        if not isinstance(text_pair, (list, tuple)):
            raise ValueError(_NODES_MESSAGE)
        is_batched = isinstance(text, (list, tuple))
    else:
        if not isinstance(text, (list, tuple)):
            raise ValueError(_NODES_MESSAGE)
        is_batched = bool(text) and isinstance(text[0], (list, tuple))
    nodes = text if text_pair is None else text_pair
    if xpaths is None:
        raise AssertionError("You must provide corresponding xpaths")
    _layout.check_lengths(text, text_pair, nodes, xpaths, is_batched, AssertionError, ("nodes", "xpaths"))
    if is_batched:
        batch = list(zip(text, text_pair, strict=False)) if text_pair is not None else list(text)
        return encode(tok, batch, text_pair is not None, xpaths, node_labels, arguments, kwargs)
    # `encode_plus`: a string of nodes is split, missing xpaths are placeholders.
    single = text if text_pair is None else text_pair
    if isinstance(single, str):
        single = single.split()
        text, text_pair = (single, None) if text_pair is None else (text, single)
    example = _layout.one_example(text, text_pair, xpaths, node_labels)
    return _layout.unbatched(encode(tok, *example, arguments, kwargs), arguments)


def batch_encode_plus(tok: Any, batch: Any, is_pair: bool | None, kwargs: dict[str, Any]) -> BatchEncoding:
    """transformers' `batch_encode_plus(batch_text_or_text_pairs, is_pair=None, xpaths=None, ...)`."""
    if not isinstance(batch, list):
        raise TypeError(f"batch_text_or_text_pairs has to be a list (got {type(batch)})")
    xpaths = kwargs.pop("xpaths", None)
    node_labels = kwargs.pop("node_labels", None)
    arguments = {**_layout._DEFAULTS, **{k: kwargs.pop(k) for k in list(kwargs) if k in _layout._DEFAULTS}}
    return encode(tok, batch, bool(is_pair), xpaths, node_labels, arguments, kwargs)


def _as_nodes(value: Any) -> list[Any]:
    if isinstance(value, tuple):
        return list(value)
    return [value] if isinstance(value, str) else list(value)


def encode(
    tok: Any,
    batch: list[Any],
    is_pair: bool,
    xpaths: Any,
    node_labels: Any,
    arguments: dict[str, Any],
    kwargs: dict[str, Any],
) -> BatchEncoding:
    s: MarkupSettings = tok._layout_settings
    if is_pair:
        firsts = [_as_nodes(q) for q, _ in batch]
        seconds: list[Any] | None = [_as_nodes(n) for _, n in batch]
        nodes_of = seconds
    else:
        firsts, seconds = [_as_nodes(n) for n in batch], None
        nodes_of = firsts
    rows = _layout.encode_words(tok, firsts, seconds, node_labels is not None, arguments, kwargs)
    _, ids, word, seq, word_start, lengths, sample = rows.parts()
    # Each node's xpath parsed once (per node, not per token) into rows of padding; the padding row last.
    counts = [len(n) for n in nodes_of]
    paths = [x for example, n in zip(xpaths, counts, strict=False) for x in list(example)[:n]]
    tags = np.full((len(paths) + 1, s.max_depth), s.pad_tag_id, dtype=np.int64)
    subs = np.full((len(paths) + 1, s.max_depth), s.pad_width, dtype=np.int64)
    seen: dict[str, int] = {}
    for i, path in enumerate(paths):
        if path in seen:
            tags[i], subs[i] = tags[seen[path]], subs[seen[path]]
            continue
        seen[path] = i
        t, u = s.units(path)
        tags[i, : len(t)] = t
        subs[i, : len(u)] = u
    starts = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(np.asarray(counts, dtype=np.int64), out=starts[1:])
    has_word = word >= 0
    if is_pair:
        has_word &= seq != 0
    index = np.full(len(word), len(paths), dtype=np.int64)
    index[has_word] = starts[sample[has_word]] + word[has_word]
    known = np.isin(ids, [tok.cls_token_id, tok.sep_token_id, tok.pad_token_id])
    if ((word < 0) & ~known).any():
        raise ValueError("Id not recognized")
    columns = {"xpath_tags_seq": tags[index], "xpath_subs_seq": subs[index]}
    if node_labels is not None:
        columns["labels"] = _layout.labels(s, node_labels, word, word_start, sample, lengths)
    return rows.finish(columns)
