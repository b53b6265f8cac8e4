"""Chat templates: `apply_chat_template` with transformers' semantics.

Templates are Jinja2 programs from model folders, i.e. untrusted code: they run in Jinja2's
`ImmutableSandboxedEnvironment` with the options, globals and filters transformers gives them
(`trim_blocks`, `lstrip_blocks`, loop controls, `{% generation %}` blocks, `raise_exception`, `strftime_now`,
a `tojson` that does not escape HTML, a `dict` and a `namespace` that refuse private attributes), so a
template renders the same text here as in transformers. jinja2 is imported on first use only.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from typing import Any, ClassVar

from . import _log

# dataclasses, inspect and datetime are imported where they are used: loading a tokenizer never needs
# them, and with `inspect` they were a fifth of the `ferrotok` command's start-up.

CHAT_TEMPLATE_FILE = "chat_template.jinja"
CHAT_TEMPLATE_DIR = "additional_chat_templates"
_CONTINUE_TAG = "CONTINUE_FINAL_MESSAGE_TAG "
# Names a message's reasoning may come under; templates read the first (and gpt-oss ones `thinking`).
_REASONING_FIELDS = ("reasoning_content", "thinking", "reasoning")
_GENERATION_TAG = re.compile(r"\{%-?\s*generation\s*-?%\}")
# The spans of `{% generation %}` blocks while a template renders with an assistant mask: (text so far, spans).
_TRACKER: ContextVar[tuple[list[str], list[tuple[int, int]]] | None] = ContextVar(
    "ferrotok_chat_tracker", default=None
)


def _jinja() -> Any:
    try:
        import jinja2
        import jinja2.ext
        import jinja2.sandbox
    except ImportError as exc:  # pragma: no cover - jinja2 is a dependency of the chat extra
        raise ImportError(
            "apply_chat_template needs jinja2>=3.1.6: `pip install 'ferrotok[chat]'` or `pip install jinja2`"
        ) from exc
    version = tuple(int(part) for part in re.findall(r"\d+", jinja2.__version__)[:3])
    if version < (3, 1, 6):
        # Older releases have known sandbox escapes, and templates are untrusted code.
        raise ImportError(f"apply_chat_template needs jinja2>=3.1.6 (found {jinja2.__version__})")
    return jinja2


@lru_cache(maxsize=64)
def compile_template(source: str) -> Any:
    """The compiled template (cached per source text); syntax errors are jinja2's TemplateSyntaxError."""
    jinja2 = _jinja()
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    class Generation(jinja2.ext.Extension):  # type: ignore[name-defined,misc]
        """`{% generation %}...{% endgeneration %}`: records where the assistant's text lies."""

        tags: ClassVar[set[str]] = {"generation"}

        def parse(self, parser: Any) -> Any:
            lineno = next(parser.stream).lineno
            body = parser.parse_statements(["name:endgeneration"], drop_needle=True)
            call = self.call_method("_record", [])
            return jinja2.nodes.CallBlock(call, [], [], body).set_lineno(lineno)

        def _record(self, caller: Callable[[], str]) -> str:
            text = caller()
            tracking = _TRACKER.get()
            if tracking is not None:
                start = sum(map(len, tracking[0]))
                tracking[1].append((start, start + len(text)))
            return text

    class SafeDict:
        """`dict(...)` for templates, without exposing the type itself."""

        def __call__(self, *args: Any, **kwargs: Any) -> dict[Any, Any]:
            return dict(*args, **kwargs)

        def fromkeys(self, *args: Any, **kwargs: Any) -> dict[Any, Any]:
            return dict.fromkeys(*args, **kwargs)

    class Namespace(jinja2.utils.Namespace):  # type: ignore[name-defined,misc]
        """jinja2's namespace, refusing underscore-prefixed attributes (a way into CPython internals)."""

        def __init__(*args: Any, **kwargs: Any) -> None:
            self, rest = args[0], args[1:]
            attrs = dict(*rest, **kwargs)
            for name in attrs:
                Namespace._check(name)
            jinja2.utils.Namespace.__init__(self, attrs)

        def __setitem__(self, name: str, value: Any) -> None:
            Namespace._check(name)
            jinja2.utils.Namespace.__setitem__(self, name, value)

        @staticmethod
        def _check(name: object) -> None:
            if isinstance(name, str) and name.startswith("_"):
                raise jinja2.exceptions.SecurityError(
                    f"Chat templates cannot store underscore-prefixed attributes on a namespace, got {name!r}"
                )

    def raise_exception(message: str) -> None:
        raise jinja2.exceptions.TemplateError(message)

    def tojson(
        value: Any,
        ensure_ascii: bool = False,
        indent: Any = None,
        separators: Any = None,
        sort_keys: bool = False,
    ) -> str:
        return json.dumps(
            value, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys
        )

    def strftime_now(fmt: str) -> str:
        from datetime import datetime

        return datetime.now().strftime(fmt)

    env = ImmutableSandboxedEnvironment(
        trim_blocks=True, lstrip_blocks=True, extensions=[Generation, jinja2.ext.loopcontrols]
    )
    env.filters["tojson"] = tojson
    env.globals.update(raise_exception=raise_exception, strftime_now=strftime_now, dict=SafeDict())
    env.globals["namespace"] = Namespace
    return env.from_string(source)


def _plain(value: Any) -> Any:
    """What a template may see: JSON-like data only (str/int/float subclasses are cast down, objects that are
    neither containers, dataclasses nor pydantic models become a `<TypeName>` placeholder)."""
    if value is None or type(value) in (str, int, float, bool):
        return value
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int.__int__(value)
    if isinstance(value, float):
        return float.__float__(value)
    if isinstance(value, Mapping):
        return {_plain(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    if type(value).__module__ == "numpy" and hasattr(value, "item"):
        return _plain(value.item())
    if _is_dataclass_instance(value):
        return {name: _plain(getattr(value, name)) for name in _field_names(value)}
    if callable(getattr(value, "model_dump", None)):
        return _plain(value.model_dump())
    return f"<{type(value).__name__}>"


def _is_dataclass_instance(value: Any) -> bool:
    # A dataclass instance exists only once its class's module imported dataclasses.
    if "dataclasses" not in sys.modules or isinstance(value, type):
        return False
    import dataclasses

    return dataclasses.is_dataclass(value)


def _field_names(value: Any) -> list[str]:
    import dataclasses

    return [f.name for f in dataclasses.fields(value)]


def _is_function(value: Any) -> bool:
    import inspect

    return inspect.isfunction(value) or inspect.ismethod(value)


def _as_dicts(value: Any) -> Any:
    """Message objects (dataclasses, pydantic models) → dicts, recursively; other values unchanged."""
    if isinstance(value, Mapping):
        return {k: _as_dicts(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_dicts(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_as_dicts(v) for v in value)
    if _is_dataclass_instance(value):
        return {name: _as_dicts(getattr(value, name)) for name in _field_names(value)}
    if callable(getattr(value, "model_dump", None)):
        return _as_dicts(value.model_dump())
    return value


def normalize_messages(conversation: Any) -> list[dict[str, Any]]:
    """A conversation as a list of dicts, keys whose value is None dropped (templates choke on them)."""
    messages = _as_dicts(getattr(conversation, "messages", conversation))
    out = []
    for message in messages:
        if not isinstance(message, dict):
            raise TypeError(
                f"Chat messages should be dicts, dataclasses or pydantic models, but got {message!r}."
            )
        out.append({k: v for k, v in message.items() if v is not None})
    return out


def _tool_schemas(tools: list[Any] | None) -> list[dict[str, Any]] | None:
    if tools is None:
        return None
    schemas = []
    for tool in tools:
        if isinstance(tool, dict):
            schemas.append(tool)
        elif _is_function(tool):
            # The schema of a Python function is transformers' own conversion (type hints + docstring).
            from transformers.utils.chat_template_utils import get_json_schema

            schemas.append(get_json_schema(tool))
        else:
            raise ValueError(
                "Tools should either be a JSON schema, or a callable function with type hints "
                "and a docstring suitable for auto-conversion to a schema."
            )
    return schemas


def _alias_reasoning(chat: list[Any]) -> list[Any]:
    out = []
    for message in chat:
        if isinstance(message, dict):
            reasoning = next((message[k] for k in _REASONING_FIELDS if message.get(k) is not None), None)
            if reasoning is not None:
                message = {"thinking": reasoning, **message, "reasoning_content": reasoning}
        out.append(message)
    return out


@contextmanager
def _tracking(blocks: list[str], spans: list[tuple[int, int]]) -> Iterator[None]:
    token = _TRACKER.set((blocks, spans))
    try:
        yield
    finally:
        _TRACKER.reset(token)


def _mark_continuation(chat: list[dict[str, Any]], field: str, template: str) -> str:
    """Tag the final message's `field` so that the rendered text can be cut right after it; returns the text."""
    final = chat[-1].get(field)
    if final is None:
        raise ValueError(f'continue_final_message is set but the final message has no "{field}" to continue!')
    fields = [field]
    if field in _REASONING_FIELDS:
        fields = [f for f in _REASONING_FIELDS if chat[-1].get(f) == final]
    if not any(f in template for f in fields):
        raise ValueError(
            f'continue_final_message is set to "{field}" but this is not an accepted field in the chat_template'
        )
    if isinstance(final, (list, tuple)):
        for block in reversed(final):
            if "text" in block:
                final = block["text"]
                block["text"] = block["text"] + _CONTINUE_TAG
                return str(final)
        raise ValueError(
            "continue_final_message is set but we could not find any text to continue in the final message!"
        )
    for f in fields:
        chat[-1][f] = chat[-1][f] + _CONTINUE_TAG
    return str(final)


def render(
    conversations: list[list[dict[str, Any]]],
    template: str,
    *,
    tools: list[Any] | None = None,
    documents: list[Any] | None = None,
    add_generation_prompt: bool = False,
    continue_final_message: bool | str = False,
    return_assistant_tokens_mask: bool = False,
    template_name: str = "chat_template",
    **kwargs: Any,
) -> tuple[list[str], list[list[tuple[int, int]]]]:
    """Render each conversation; returns the texts and, with `return_assistant_tokens_mask`, the character
    spans of each one's `{% generation %}` blocks. Template errors keep jinja2's classes and name the template."""
    jinja2 = _jinja()
    if return_assistant_tokens_mask and not _GENERATION_TAG.search(template):
        _log.warning(
            "return_assistant_tokens_mask==True but chat template does not contain `{% generation %}` keyword."
        )
    try:
        compiled = compile_template(template)
    except jinja2.exceptions.TemplateSyntaxError as exc:
        raise jinja2.exceptions.TemplateSyntaxError(
            f"{template_name}: {exc.message}", exc.lineno, template_name
        ) from exc
    schemas = _plain(_tool_schemas(tools))
    if documents is not None and any(not isinstance(d, dict) for d in documents):
        raise TypeError("Documents should be a list of dicts with 'title' and 'text' keys!")
    documents = _plain(documents)
    kwargs = _plain(kwargs)
    texts, all_spans = [], []
    for conversation in conversations:
        chat = _plain(getattr(conversation, "messages", conversation))
        for message in chat:
            if not isinstance(message, dict):
                raise TypeError(
                    f"Chat messages should be dicts, dataclasses or pydantic models, but got {message!r}."
                )
        chat = _alias_reasoning(chat)
        final = None
        if continue_final_message:
            if not chat:
                raise ValueError("continue_final_message is set but the conversation is empty!")
            field = continue_final_message if isinstance(continue_final_message, str) else "content"
            final = _mark_continuation(chat, field, template)
        variables = dict(
            messages=chat,
            tools=schemas,
            documents=documents,
            add_generation_prompt=add_generation_prompt,
            **kwargs,
        )
        try:
            if return_assistant_tokens_mask:
                blocks: list[str] = []
                spans: list[tuple[int, int]] = []
                with _tracking(blocks, spans):
                    for block in compiled.generate(**variables):
                        blocks.append(block)
                text = "".join(blocks)
                all_spans.append(spans)
            else:
                text = compiled.render(**variables)
        except jinja2.exceptions.TemplateError as exc:
            # Same class as jinja2 raised (a template's raise_exception gives TemplateError), template named.
            if isinstance(exc, jinja2.exceptions.TemplateSyntaxError):
                raise type(exc)(f"{template_name}: {exc.message}", exc.lineno, template_name) from exc
            raise type(exc)(f"{template_name}: {exc}") from exc
        if final is not None:
            text = _cut_after_final(text, final)
        texts.append(text)
    return texts, all_spans


def _cut_after_final(text: str, final: str) -> str:
    if final.strip() not in text or _CONTINUE_TAG.strip() not in text:
        raise ValueError(
            "continue_final_message is set but the final message does not appear in the chat after applying the "
            "chat template! This can happen if the chat template deletes portions of the final message. Please "
            "verify the chat template and final message in your chat to ensure they are compatible."
            f"Final message to continue: {final.strip()}\nRendered chat:\n{text}"
        )
    at = text.rindex(_CONTINUE_TAG.strip())
    if text[at : at + len(_CONTINUE_TAG)] == _CONTINUE_TAG:
        return text[:at]
    return text[:at].rstrip()  # the template trimmed the tag's trailing space: trim what precedes it too


def assistant_masks(
    offsets: list[list[tuple[int, int]]], spans: list[list[tuple[int, int]]]
) -> list[list[int]]:
    """1 for every token overlapping a `{% generation %}` span (so a span cut by truncation keeps its tokens)."""
    masks = []
    for row_offsets, row_spans in zip(offsets, spans, strict=True):
        mask = [0] * len(row_offsets)
        k = 0
        for i, (start, end) in enumerate(row_offsets):
            while k < len(row_spans) and start >= row_spans[k][1]:
                k += 1
            if k == len(row_spans):
                break
            if end > row_spans[k][0]:
                mask[i] = 1
        masks.append(mask)
    return masks


# --- files ---------------------------------------------------------------------------------------------------
def read_chat_templates(directory: str, config: Mapping[str, Any]) -> str | dict[str, str] | None:
    """The folder's chat template(s): chat_template.jinja and additional_chat_templates/*.jinja when present
    (they replace the config's), else tokenizer_config.json's `chat_template` (a string, or a list of
    {"name", "template"} for several)."""
    templates: dict[str, str] = {}
    single = os.path.join(directory, CHAT_TEMPLATE_FILE)
    if os.path.isfile(single):
        with open(single, encoding="utf-8") as f:
            templates["default"] = f.read()
    if os.path.isdir(os.path.join(directory, CHAT_TEMPLATE_DIR)):
        from pathlib import Path  # imported when used: most folders have no such directory (start-up time)

        for path in sorted(Path(directory, CHAT_TEMPLATE_DIR).glob("*.jinja")):
            templates[path.name.removesuffix(".jinja")] = path.read_text(encoding="utf-8")
    if templates:
        return templates["default"] if list(templates) == ["default"] else templates
    return as_template_attribute(config.get("chat_template"), "tokenizer_config.json: chat_template")


def as_template_attribute(value: Any, where: str = "chat_template") -> str | dict[str, str] | None:
    """A `chat_template` value as transformers keeps it: None, a string, or a dict of named templates."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, (list, tuple)):
        try:
            return {item["name"]: item["template"] for item in value}
        except (TypeError, KeyError) as exc:
            raise ValueError(f"{where}: expected a list of {{'name', 'template'}} objects") from exc
    raise TypeError(
        f"{where}: expected a string, a dict or a list of named templates, got {type(value).__name__}"
    )


def write_chat_templates(
    directory: str,
    template: str | dict[str, str] | None,
    config: dict[str, Any],
    save_jinja_files: bool = True,
    filename_prefix: str | None = None,
) -> list[str]:
    """Write the template(s) as transformers 5 does (chat_template.jinja, additional_chat_templates/NAME.jinja),
    or into `config` with `save_jinja_files=False`; returns the files written."""
    config.pop("chat_template", None)
    if template is None:
        return []
    if not save_jinja_files:
        config["chat_template"] = (
            template
            if isinstance(template, str)
            else [{"name": k, "template": v} for k, v in template.items()]
        )
        return []
    from pathlib import Path

    named = {"default": template} if isinstance(template, str) else template
    written = []
    prefix = f"{filename_prefix}-" if filename_prefix else ""
    extra_dir = Path(directory, prefix + CHAT_TEMPLATE_DIR)
    for name, text in named.items():
        if name == "default":
            path = Path(directory, prefix + CHAT_TEMPLATE_FILE)
        else:
            extra_dir.mkdir(exist_ok=True)
            path = extra_dir / f"{name}.jinja"
            if path.resolve().parent != extra_dir.resolve():  # names come from files: no path traversal
                raise ValueError(f"Invalid chat template name: {name!r}")
        path.write_text(text, encoding="utf-8")
        written.append(str(path))
    return written


# --- the tokenizer methods ------------------------------------------------------------------------------------
class ChatTemplateMixin:
    """`chat_template`, `get_chat_template`, `apply_chat_template` and `encode_message_with_chat_template`."""

    chat_template: str | dict[str, str] | None

    @property
    def special_tokens_map(self) -> dict[str, str]:
        raise NotImplementedError

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError

    def get_chat_template(self, chat_template: str | None = None, tools: list[Any] | None = None) -> str:
        """The template text: `chat_template` itself, or the name of one of the tokenizer's templates, or (None)
        the tokenizer's own (`tool_use` when tools are given and it exists, else `default`)."""
        return self._chat_template_and_name(chat_template, tools)[0]

    def _chat_template_and_name(self, chat_template: str | None, tools: list[Any] | None) -> tuple[str, str]:
        own = self.chat_template
        if isinstance(own, dict):
            if chat_template is not None and chat_template in own:
                return own[chat_template], f"chat template {chat_template!r}"
            if chat_template is None:
                name = "tool_use" if tools is not None and "tool_use" in own else "default"
                if name not in own:
                    raise ValueError(
                        "This model has multiple chat templates with no default specified! Please either pass a chat "
                        "template or the name of the template you wish to use to the `chat_template` argument. "
                        f"Available template names are {sorted(own)}."
                    )
                return own[name], f"chat template {name!r}"
        elif chat_template is None:
            if own is None:
                raise ValueError(
                    "Cannot use chat template functions because tokenizer.chat_template is not set and no template "
                    "argument was passed! For information about writing templates and setting the "
                    "tokenizer.chat_template attribute, please see the documentation at "
                    "https://huggingface.co/docs/transformers/main/en/chat_templating"
                )
            return own, "tokenizer.chat_template"
        return chat_template, "chat_template argument"

    def apply_chat_template(
        self,
        conversation: Any,
        tools: list[Any] | None = None,
        documents: list[Any] | None = None,
        chat_template: str | None = None,
        add_generation_prompt: bool = False,
        continue_final_message: bool | str = False,
        tokenize: bool = True,
        sanitize_control_tokens: bool = False,
        padding: bool | str = False,
        truncation: bool = False,
        max_length: int | None = None,
        return_tensors: str | None = None,
        return_dict: bool = True,
        return_assistant_tokens_mask: bool = False,
        tokenizer_kwargs: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> Any:
        """Render a conversation (or a batch of them) with the chat template and, by default, tokenize it
        into a `BatchEncoding` (`return_dict=False`: the ids; `tokenize=False`: the text)."""
        if not tokenize:
            return_dict = False
        if return_assistant_tokens_mask and not (return_dict and tokenize):
            raise ValueError(
                "`return_assistant_tokens_mask=True` requires `return_dict=True` and `tokenize=True`"
            )
        template, name = self._chat_template_and_name(chat_template, tools)
        if isinstance(conversation, (list, tuple)) and len(conversation) == 0:
            raise ValueError(
                "Cannot apply chat template to an empty conversation. Provide at least one message."
            )
        is_batched = isinstance(conversation, (list, tuple)) and (
            isinstance(conversation[0], (list, tuple)) or hasattr(conversation[0], "messages")
        )
        conversations = [normalize_messages(c) for c in (conversation if is_batched else [conversation])]
        if continue_final_message:
            if add_generation_prompt:
                raise ValueError(
                    "continue_final_message and add_generation_prompt are not compatible. Use continue_final_message "
                    "when you want the model to continue the final message, and add_generation_prompt when you want "
                    "to add a header that will prompt it to start a new assistant message instead."
                )
            if return_assistant_tokens_mask:
                raise ValueError(
                    "continue_final_message is not compatible with return_assistant_tokens_mask."
                )
        if sanitize_control_tokens:
            from ._chat_sanitize import mark_inputs

            conversations, tools, documents, kwargs = mark_inputs(
                self,
                template,
                conversations,
                tools,
                documents,
                kwargs,
                tokenize,
                return_assistant_tokens_mask,
            )
        texts, spans = render(
            conversations,
            template,
            tools=tools,
            documents=documents,
            add_generation_prompt=add_generation_prompt,
            continue_final_message=continue_final_message,
            return_assistant_tokens_mask=return_assistant_tokens_mask,
            template_name=name,
            **{**self.special_tokens_map, **kwargs},
        )
        if not tokenize:
            return texts if is_batched else texts[0]
        out = self(
            texts if is_batched else texts[0],
            padding=padding,
            truncation=truncation,
            max_length=max_length,
            add_special_tokens=False,
            return_tensors=return_tensors,
            **({"sanitize_control_tokens": True} if sanitize_control_tokens else {}),
            **(tokenizer_kwargs or {}),
        )
        if not return_dict:
            return out["input_ids"]
        if return_assistant_tokens_mask:
            offsets = [encoding.offsets for encoding in out.encodings]
            masks: Any = assistant_masks(offsets, spans)
            if not is_batched and not return_tensors:
                masks = masks[0]
            out["assistant_masks"] = masks
            if return_tensors:
                out.convert_to_tensors(tensor_type=return_tensors)
        return out

    def encode_message_with_chat_template(
        self, message: dict[str, Any], conversation_history: list[dict[str, Any]] | None = None, **kwargs: Any
    ) -> list[int]:
        """The ids one message adds to a conversation (the tokens after the longest common prefix)."""
        if "add_generation_prompt" in kwargs:
            raise ValueError(
                "`encode_message_with_chat_template` does not support `add_generation_prompt`. Please add the "
                "generation prompt separately."
            )
        common = dict(add_generation_prompt=False, tokenize=True, return_dict=False, **kwargs)
        if not conversation_history:
            return self.apply_chat_template([message], **common)
        tokens = self.apply_chat_template([*conversation_history, message], **common)
        prefix = self.apply_chat_template(conversation_history, **common)
        for i, (a, b) in enumerate(zip(prefix, tokens, strict=False)):
            if a != b:
                return tokens[i:]
        return tokens[min(len(prefix), len(tokens)) :]
