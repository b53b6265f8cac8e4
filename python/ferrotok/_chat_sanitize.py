"""`apply_chat_template(..., sanitize_control_tokens=True)` with transformers 5's semantics: control tokens that
come from the caller (messages, tools, documents, template variables) are encoded as ordinary text, and only
those the template writes itself become control tokens.

The caller's strings are marked before rendering (each control token wrapped in two private-use characters);
after rendering, the text is cut at the markers: marked tokens are encoded without any added token (the core's
`skip_added_tokens`), the rest as usual. Control tokens are the special added tokens plus those in
`chat_control_tokens`, or, when that is not set, the added tokens written literally in the template.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from . import _core

# Private-use code points (plane 15) that no tokenizer's text uses: they wrap the caller's control tokens.
_START = "\U000f0000"
_END = "\U000f0001"
# Encoding without added tokens, without special tokens, ids only.
_WITHOUT_ADDED = _core.EncodeRequest(add_special_tokens=False, skip_added_tokens=True, unbatched=True)


@lru_cache(maxsize=64)
def literal_text(template: str) -> str:
    """The template's literal text and string constants, joined by NUL so that no token spans two of them."""
    from .chat import compile_template

    compiled = compile_template(template)
    import jinja2.nodes

    tree = compiled.environment.parse(template)
    literals = {node.data for node in tree.find_all(jinja2.nodes.TemplateData)}
    literals |= {node.value for node in tree.find_all(jinja2.nodes.Const) if isinstance(node.value, str)}
    return "\0".join(literals)


@lru_cache(maxsize=64)
def patterns(tokens: tuple[str, ...]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A regex for any of `tokens` (longest first, so a token wins over those it contains), and one for a
    marked token or a lone marker."""
    longest_first = sorted(tokens, key=len, reverse=True)
    tokens_re = re.compile("|".join(map(re.escape, longest_first)) or "(?!)")
    markers_re = re.compile(f"{_START}({tokens_re.pattern}){_END}|[{_START}{_END}]")
    return tokens_re, markers_re


def control_tokens(tokenizer: Any, template: str) -> tuple[str, ...]:
    """The added tokens that count as control tokens for `template`."""
    added = tokenizer.added_tokens_decoder.values()
    listed = tokenizer.chat_control_tokens
    if listed is not None:
        chosen = set(listed)
        return tuple(t.content for t in added if t.special or t.content in chosen)
    # Whitespace tokens (Gemma's "\n") are ordinary text in templates.
    text = literal_text(template)
    return tuple(t.content for t in added if t.special or (t.content in text and not t.content.isspace()))


def mark(obj: Any, tokens_re: re.Pattern[str]) -> Any:
    """`obj` (str, or lists / dicts of them, keys left alone) with each control token wrapped in the markers;
    markers already in the strings are dropped so that none can be forged."""
    if isinstance(obj, str):
        obj = obj.replace(_START, "").replace(_END, "")
        return tokens_re.sub(f"{_START}\\g<0>{_END}", obj)
    if isinstance(obj, dict):
        return {key: mark(value, tokens_re) for key, value in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [mark(value, tokens_re) for value in obj]
    return obj


def mark_inputs(
    tokenizer: Any,
    template: str,
    conversations: list[Any],
    tools: Any,
    documents: Any,
    template_kwargs: dict[str, Any],
    tokenize: bool,
    assistant_mask: bool,
) -> tuple[list[Any], Any, Any, dict[str, Any]]:
    if not tokenize or assistant_mask:
        raise ValueError(
            "`sanitize_control_tokens=True` requires `tokenize=True` and is not compatible with "
            "`return_assistant_tokens_mask=True`."
        )
    tokens_re, _ = patterns(control_tokens(tokenizer, template))
    return (
        [mark(c, tokens_re) for c in conversations],
        mark(tools, tokens_re),
        mark(documents, tokens_re),
        mark(template_kwargs, tokens_re),
    )


def encode_without_added_tokens(tokenizer: Any, text: str) -> list[int]:
    """`text` through the pipeline as if the tokenizer had no added tokens (special or not)."""
    data, _ = tokenizer._tokenizer.encode_fields([text], None, _WITHOUT_ADDED)
    return list(data["input_ids"])


def _encode_piece(tokenizer: Any, piece: str, as_text: bool, newline_ids: list[int]) -> list[int]:
    def encode(text: str) -> list[int]:
        if as_text:
            return encode_without_added_tokens(tokenizer, text)
        return list(tokenizer.encode(text, add_special_tokens=False))

    # Encoded after a newline, which is then removed: a SentencePiece tokenizer would otherwise add the prefix
    # space it adds at the start of a text (transformers' way, kept for the same ids).
    ids = encode("\n" + piece)
    if ids[: len(newline_ids)] == newline_ids:
        return ids[len(newline_ids) :]
    return encode(piece)


def encode_marked(tokenizer: Any, chat: str) -> list[int]:
    """The ids of a chat rendered from marked inputs: marked tokens as text, the rest as usual. Lone markers
    (a template's `split()` can separate them) are dropped but still cut the text."""
    _, markers_re = patterns(tuple(tokenizer.added_tokens_encoder))
    pieces = markers_re.split(chat)
    newline_ids = list(tokenizer.encode("\n", add_special_tokens=False))
    ids = list(tokenizer.encode(pieces[0], add_special_tokens=False))
    for i, piece in enumerate(pieces[1:], start=1):
        if not piece:
            continue
        as_text = i % 2 == 1  # odd pieces are the marked tokens
        piece_ids = _encode_piece(tokenizer, piece, as_text, newline_ids)
        if as_text and tokenizer.convert_tokens_to_ids(piece) in piece_ids:
            raise ValueError(f"Can't sanitize {piece!r}: the tokenizer produces it from plain text")
        ids += piece_ids
    return ids


def encode_marked_call(
    tokenizer: Any,
    text: Any,
    add_special_tokens: bool,
    padding: Any,
    truncation: Any,
    max_length: Any,
    pad_to_multiple_of: Any,
    padding_side: Any,
    return_attention_mask: Any,
    return_tensors: Any,
) -> Any:
    """`tokenizer(text, sanitize_control_tokens=True, ...)`, as `apply_chat_template` calls it."""
    from ._arguments import DO_NOT_TRUNCATE, resolve_strategies

    if add_special_tokens and tokenizer.num_special_tokens_to_add(False):
        raise NotImplementedError(
            "`sanitize_control_tokens=True` needs a template that writes special tokens"
        )
    is_batched = isinstance(text, (list, tuple))
    chats = list(text) if is_batched else [text]
    pad, trunc, max_length = resolve_strategies(
        padding,
        truncation,
        max_length,
        pad_to_multiple_of,
        tokenizer.model_max_length,
        tokenizer.pad_token is not None,
    )
    input_ids = [encode_marked(tokenizer, chat) for chat in chats]
    if trunc != DO_NOT_TRUNCATE and max_length is not None:
        right = tokenizer.truncation_side == "right"
        input_ids = [ids[:max_length] if right else ids[-max_length:] for ids in input_ids]
    return tokenizer.pad(
        {"input_ids": input_ids if is_batched or return_tensors else input_ids[0]},
        padding=pad,
        max_length=max_length,
        pad_to_multiple_of=pad_to_multiple_of,
        padding_side=padding_side,
        return_attention_mask=return_attention_mask,
        return_tensors=return_tensors,
    )
