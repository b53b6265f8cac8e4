"""The stages of a `ferrotok.Tokenizer` as tokenizers shows them: `tok.normalizer`, `tok.pre_tokenizer`,
`tok.model`, `tok.post_processor` and `tok.decoder`.

Each object wraps one stage of the Rust tokenizer (reading one copies nothing) and runs it there:
`normalize_str`, `pre_tokenize_str`, `decode`, `process`, `num_special_tokens_to_add`, `token_to_id`,
`id_to_token`, `tokenize`. Its parameters (`lowercase`, `unk_token`, `prefix`, ...) read its tokenizer.json
value; `__getstate__` is that value as JSON bytes, as in tokenizers.
"""

from __future__ import annotations

import importlib
import json
import operator
import os
from collections.abc import Sequence
from typing import Any, ClassVar

from . import _core
from ._core import Encoding

# tokenizers writes these parameters without quotes in a repr (they are enum variants).
_BARE_VALUES = frozenset({"behavior", "prepend_scheme", "strategy", "direction"})


def _repr_value(value: Any, key: str = "") -> str:
    """A tokenizer.json value written the way tokenizers' component reprs write it."""
    if value is None:
        return "None"
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, str):
        return value if key in _BARE_VALUES else f'"{value}"'
    if isinstance(value, list):
        inner = ", ".join(_repr_value(v) for v in value)
        # BertProcessing's and RobertaProcessing's (token, id) pairs are tuples in tokenizers.
        return f"({inner})" if key in ("sep", "cls") else f"[{inner}]"
    if isinstance(value, dict):
        if key == "special_tokens":  # a template's {name: {id, ids, tokens}}
            return "{" + ", ".join(f'"{k}":{_call_repr("SpecialToken", v)}' for k, v in value.items()) + "}"
        if "type" in value:
            return _call_repr(value["type"], {k: v for k, v in value.items() if k != "type"})
        if len(value) == 1:
            ((name, inner),) = value.items()
            if isinstance(inner, dict):
                return _call_repr(name, inner)
            return f"{name}({_repr_value(inner)})"
        return "{" + ", ".join(f'"{k}":{_repr_value(v)}' for k, v in value.items()) + "}"
    return repr(value)


# tokenizers writes a component's parameters in its own field order; tokenizer.json values come back from the
# core with sorted keys, so the reprs of components with several parameters reorder them (by type name; a
# key not listed goes last).
_FIELD_ORDER = {
    "BertNormalizer": ("clean_text", "handle_chinese_chars", "strip_accents", "lowercase"),
    "Strip": ("strip_left", "strip_right", "content", "start", "stop"),
    "Replace": ("pattern", "content"),
    "ByteLevel": ("add_prefix_space", "trim_offsets", "use_regex"),
    "Split": ("pattern", "behavior", "invert"),
    "Metaspace": ("replacement", "prepend_scheme", "split"),
    "WordPiece": ("prefix", "cleanup"),
    "CTC": ("pad_token", "word_delimiter_token", "cleanup"),
    "TemplateProcessing": ("single", "pair", "special_tokens"),
    "BertProcessing": ("sep", "cls"),
    "RobertaProcessing": ("sep", "cls", "trim_offsets", "add_prefix_space"),
}


def _call_repr(name: str, params: dict[str, Any]) -> str:
    order = _FIELD_ORDER.get(name, ())
    params = dict(sorted(params.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order)))
    # A template's `Sequence {id: A}` names the sequence, unquoted too.
    inner = ", ".join(
        f"{k}={k_value}"
        for k, v in params.items()
        for k_value in [v if name == "Sequence" and k == "id" and isinstance(v, str) else _repr_value(v, k)]
    )
    return f"{name}({inner})"


# tokenizers' parameters of each component as attributes (readable and settable), with the tokenizer.json
# key each one reads: {(stage, type): {attribute: key}}. Other keys of the value stay readable by their name.
_ATTRIBUTES: dict[tuple[str, str], dict[str, str]] = {
    ("normalizer", "BertNormalizer"): {
        k: k for k in ("clean_text", "handle_chinese_chars", "strip_accents", "lowercase")
    },
    ("normalizer", "Prepend"): {"prepend": "prepend"},
    ("normalizer", "Replace"): {"pattern": "pattern", "content": "content"},
    ("normalizer", "Strip"): {"left": "strip_left", "right": "strip_right"},
    ("pre_tokenizer", "ByteLevel"): {k: k for k in ("add_prefix_space", "trim_offsets", "use_regex")},
    ("pre_tokenizer", "CharDelimiterSplit"): {"delimiter": "delimiter"},
    ("pre_tokenizer", "Digits"): {"individual_digits": "individual_digits"},
    ("pre_tokenizer", "FixedLength"): {"length": "length"},
    ("pre_tokenizer", "Metaspace"): {k: k for k in ("replacement", "prepend_scheme", "split")},
    ("pre_tokenizer", "Punctuation"): {"behavior": "behavior"},
    ("pre_tokenizer", "Split"): {k: k for k in ("pattern", "behavior", "invert")},
    ("model", "BPE"): {
        k: k
        for k in (
            "dropout",
            "unk_token",
            "continuing_subword_prefix",
            "end_of_word_suffix",
            "fuse_unk",
            "byte_fallback",
            "ignore_merges",
        )
    },
    ("model", "WordPiece"): {
        k: k for k in ("unk_token", "continuing_subword_prefix", "max_input_chars_per_word")
    },
    ("model", "WordLevel"): {"unk_token": "unk_token"},
    # Subword sampling is not implemented: these read None (no sampling) and only take None.
    ("model", "Unigram"): {"alpha": "alpha", "nbest_size": "nbest_size"},
    ("post_processor", "BertProcessing"): {"sep": "sep", "cls": "cls"},
    ("post_processor", "RobertaProcessing"): {
        k: k for k in ("sep", "cls", "trim_offsets", "add_prefix_space")
    },
    ("post_processor", "ByteLevel"): {k: k for k in ("add_prefix_space", "trim_offsets", "use_regex")},
    ("post_processor", "TemplateProcessing"): {"single": "single"},
    ("decoder", "BPEDecoder"): {"suffix": "suffix"},
    ("decoder", "CTC"): {k: k for k in ("pad_token", "word_delimiter_token", "cleanup")},
    ("decoder", "Metaspace"): {k: k for k in ("replacement", "prepend_scheme", "split")},
    ("decoder", "Strip"): {k: k for k in ("content", "start", "stop")},
    ("decoder", "WordPiece"): {"prefix": "prefix", "cleanup": "cleanup"},
}


UNIGRAM_SAMPLING = "Unigram: alpha / nbest_size (subword sampling) are not supported by ferrotok"


def _attributes(stage: str, kind: str) -> dict[str, str]:
    return _ATTRIBUTES.get((stage, kind), {})


def _read_param(key: str, value: Any) -> Any:
    """A tokenizer.json parameter as tokenizers' attribute gives it."""
    if key == "behavior" and isinstance(value, str):
        return value.lower()  # "MergedWithPrevious" -> "mergedwithprevious", as tokenizers gives it
    if key in ("sep", "cls") and isinstance(value, list):
        return tuple(value)
    if key == "single" and isinstance(value, list):
        return f"Template([{', '.join(_piece_debug(p) for p in value)}])"
    return value


def _piece_debug(piece: dict[str, Any]) -> str:
    """One template piece written as tokenizers' `TemplateProcessing.single` writes it (Rust's Debug)."""
    ((kind, fields),) = piece.items()
    ident = json.dumps(fields["id"], ensure_ascii=False) if kind == "SpecialToken" else fields["id"]
    return f"{kind} {{ id: {ident}, type_id: {fields['type_id']} }}"


# The type of the parameters that may be None (the others keep the type of their current value).
_NULLABLE: dict[str, type] = {
    "strip_accents": bool,
    "dropout": float,
    "fuse_unk": bool,
    "unk_token": str,
    "continuing_subword_prefix": str,
    "end_of_word_suffix": str,
}


def _check_type(name: str, key: str, current: Any, value: Any) -> None:
    """A new parameter value of another type raises tokenizers' TypeError (None is left to the stage's
    own check: some parameters take it)."""
    if value is None:
        return
    expected = type(current) if current is not None else _NULLABLE.get(key)
    if expected is bool:
        ok = isinstance(value, bool)
    elif expected in (int, float):
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    elif expected is str:
        ok = isinstance(value, str)
    else:
        return
    if not ok:
        raise TypeError(f"{name}: expected a {expected.__name__}, got {type(value).__name__}")


def _write_param(key: str, value: Any) -> Any:
    """An attribute value set as tokenizers takes it → its tokenizer.json form."""
    if key == "behavior" and isinstance(value, str):
        return "".join(part.capitalize() for part in value.split("_"))
    if key in ("sep", "cls"):
        from .processors import _token

        return _token(value, key)
    if key == "pattern":
        return pattern_json(value)
    if key == "single":
        from .processors import _template

        return _template(value, "$0")
    return value


class Component:
    """One stage of a tokenizer; see the subclasses."""

    __slots__ = ("_core", "_owner")
    _stage: ClassVar[str] = ""

    def __init__(self, core: _core.Component) -> None:
        if not isinstance(core, _core.Component) or core.stage != self._stage:
            raise TypeError(
                f"{type(self).__name__}: read one from a tokenizer (tok.{self._stage}) or build one with"
                f" {type(self).__name__}.from_json"
            )
        self._core = core

    @classmethod
    def from_json(cls, document: str | bytes) -> Component:
        """Build the stage from its tokenizer.json value (what `__getstate__` returns, from ferrotok or
        from tokenizers)."""
        if isinstance(document, bytes):
            document = document.decode("utf-8")
        return _wrap(cls._stage, _core.Component.from_json(cls._stage, document))

    def __getattr__(self, name: str) -> Any:
        # Only parameters reach here (methods and slots are found first).
        if name.startswith("_"):
            raise AttributeError(name)
        attributes = _attributes(self._stage, self.type)
        key = attributes.get(name, name)
        value = self._core.param(key)
        if value is None:
            if key in ("alpha", "nbest_size") and name in attributes:  # no subword sampling
                return None
            raise AttributeError(f"{type(self).__name__} ({self.type}) has no attribute {name!r}")
        return _read_param(key, json.loads(value))

    def __setattr__(self, name: str, value: Any) -> None:
        """Set one of tokenizers' parameters (`tok.normalizer.lowercase = False`): the stage is rebuilt
        from its new tokenizer.json value and, when it was read from a tokenizer that still holds it,
        set on that tokenizer, as tokenizers' shared components change their tokenizer."""
        if name in Component.__slots__:
            object.__setattr__(self, name, value)
            return
        key = _attributes(self._stage, self.type).get(name)
        if key is None:
            raise AttributeError(f"{type(self).__name__} ({self.type}) has no settable attribute {name!r}")
        if key in ("alpha", "nbest_size"):
            if value is not None:
                raise ValueError(UNIGRAM_SAMPLING)
            return
        document = json.loads(self._core.to_json())
        _check_type(name, key, document.get(key), value)
        document[key] = _write_param(key, value)
        self._rebuild(document)

    def _rebuild(self, document: dict[str, Any]) -> None:
        """Rebuild the stage from its new tokenizer.json value and set it where it was read from (a
        tokenizer, or a `Sequence` member's place) while that still holds it unchanged."""
        core = _core.Component.from_json(self._stage, json.dumps(document, ensure_ascii=False))
        current = self._core.to_json()
        owner = getattr(self, "_owner", None)
        if isinstance(owner, tuple):  # (the Sequence it was read from, its index there)
            parent, index = owner
            members = parent._members()
            if index < len(members) and _canonical(self._stage, members[index]) == current:
                whole = json.loads(parent._core.to_json())
                whole[parent._key][index] = json.loads(core.to_json())
                parent._rebuild(whole)
        elif owner is not None:
            held = _core.Component.of(owner, self._stage)
            if held is not None and held.to_json() == current:
                _core.Component.assign(owner, self._stage, core)
        object.__setattr__(self, "_core", core)

    def __dir__(self) -> list[str]:
        return sorted({*object.__dir__(self), *_attributes(self._stage, self.type)})

    @property
    def type(self) -> str:
        """The tokenizer.json `type` of the stage ("BertNormalizer", "BPE", ...)."""
        value = self._core.param("type")
        return json.loads(value) if value is not None else ""

    def __getstate__(self) -> bytes:
        return self._core.to_json().encode("utf-8")

    def __setstate__(self, state: bytes | str) -> None:
        if isinstance(state, bytes):
            state = state.decode("utf-8")
        self._core = _core.Component.from_json(self._stage, state)

    def __repr__(self) -> str:
        return _repr_value(json.loads(self._core.to_json()))


class Normalizer(Component):
    __slots__ = ()
    _stage = "normalizer"

    def normalize_str(self, sequence: str) -> str:
        """The normalized form of `sequence`."""
        return self._core.normalize_str(sequence)

    def normalize(self, normalized: _core.NormalizedString) -> None:
        """Normalize a `NormalizedString` in place, keeping its alignment to the original text."""
        self._core.normalize(normalized)

    @staticmethod
    def custom(obj: Any) -> Normalizer:
        """A normalizer written in Python: `obj.normalize(normalized)` edits a `NormalizedString`.
        A tokenizer holding one runs its calls on the calling thread and cannot be saved. (The argument
        names of the three `custom` methods are tokenizers'.)"""
        made: Normalizer = _wrap("normalizer", _core.Component.custom("normalizer", obj))
        return made


class PreTokenizer(Component):
    __slots__ = ()
    _stage = "pre_tokenizer"

    def pre_tokenize_str(self, sequence: str) -> list[tuple[str, tuple[int, int]]]:
        """The pieces of `sequence` with their (start, end) offsets in characters of `sequence`."""
        return self._core.pre_tokenize_str(sequence)

    def pre_tokenize(self, pretok: _core.PreTokenizedString) -> None:
        """Split a `PreTokenizedString` in place."""
        self._core.pre_tokenize(pretok)

    @staticmethod
    def custom(pretok: Any) -> PreTokenizer:
        """A pre-tokenizer written in Python: `pretok.pre_tokenize(pretokenized)` splits a
        `PreTokenizedString` (usually with `pretokenized.split(func)`). A tokenizer holding one runs its
        calls on the calling thread and cannot be saved."""
        made: PreTokenizer = _wrap("pre_tokenizer", _core.Component.custom("pre_tokenizer", pretok))
        return made


class Token:
    """One token of `Model.tokenize`: its id, its string and its byte offsets in the word."""

    __slots__ = ("id", "offsets", "value")

    def __init__(self, id: int, value: str, offsets: tuple[int, int]) -> None:
        self.id = id
        self.value = value
        self.offsets = offsets

    def as_tuple(self) -> tuple[int, str, tuple[int, int]]:
        return (self.id, self.value, self.offsets)

    def __repr__(self) -> str:
        return f"Token(id={self.id}, value={self.value!r}, offsets={self.offsets})"


class Model(Component):
    __slots__ = ()
    _stage = "model"

    def token_to_id(self, token: str) -> int | None:
        """The id of `token` in the model's vocabulary (added tokens are the tokenizer's, not the model's)."""
        return self._core.token_to_id(token)

    def id_to_token(self, id: int) -> str | None:
        return self._core.id_to_token(id)

    def tokenize(self, sequence: str) -> list[Token]:
        """The model's tokens of one word (no normalization or pre-tokenization)."""
        return [Token(i, v, o) for i, v, o in self._core.tokenize(sequence)]

    def get_trainer(self) -> Any:
        """A trainer for this kind of model with the default options (`BpeTrainer()` for BPE, ...), as
        tokenizers' `Model.get_trainer` gives it (the model's own settings are not copied there either)."""
        from .trainers import DEFAULT_TRAINERS

        return DEFAULT_TRAINERS[self.type]()

    def get_vocab(self) -> dict[str, int]:
        """The model's vocabulary (ferrotok's addition; tokenizers' models have no such method)."""
        return self._core.get_vocab()

    def get_vocab_size(self) -> int:
        """The size of the model's vocabulary (ferrotok's addition)."""
        return self._core.vocab_size()

    def save(self, folder: str | os.PathLike[str], prefix: str | None = None) -> list[str]:
        """Write the model's vocabulary files into `folder` (BPE: `vocab.json` + `merges.txt`, WordPiece:
        `vocab.txt`, WordLevel: `vocab.json`, Unigram: `unigram.json`), each named `{prefix}-...` when a
        prefix is given; returns their paths, as tokenizers does."""
        from ._vocab_files import save_model

        return save_model(self._core.to_json(), folder, prefix)

    def __repr__(self) -> str:
        # tokenizers' repr lists the whole vocabulary; parameters only here.
        params = {k: json.loads(v) for k in _MODEL_PARAMS if (v := self._core.param(k)) is not None}
        return f"{self.type}({', '.join(f'{k}={_repr_value(v, k)}' for k, v in params.items())}, vocab_size={self.get_vocab_size()})"


_MODEL_PARAMS = (
    "dropout",
    "unk_token",
    "unk_id",
    "continuing_subword_prefix",
    "end_of_word_suffix",
    "max_input_chars_per_word",
    "fuse_unk",
    "byte_fallback",
    "ignore_merges",
)


class PostProcessor(Component):
    __slots__ = ()
    _stage = "post_processor"

    def num_special_tokens_to_add(self, is_pair: bool) -> int:
        return self._core.num_special_tokens_to_add(bool(is_pair))

    def process(
        self, encoding: Encoding, pair: Encoding | None = None, add_special_tokens: bool = True
    ) -> Encoding:
        """Add the special tokens around `encoding` (and `pair`) and merge them; no truncation or padding."""
        return self._core.process(encoding, pair, bool(add_special_tokens))


class Decoder(Component):
    __slots__ = ()
    _stage = "decoder"

    def decode(self, tokens: Sequence[str]) -> str:
        """Join token strings into text."""
        if isinstance(tokens, str):
            raise TypeError("tokens: expected a list of str, got str")
        return self._core.decode(list(tokens))

    @staticmethod
    def custom(decoder: Any) -> Decoder:
        """A decoder written in Python: `decoder.decode_chain(tokens)` returns the decoded pieces (or
        `decoder.decode(tokens)` the text). A tokenizer holding one cannot be saved."""
        made: Decoder = _wrap("decoder", _core.Component.custom("decoder", decoder))
        return made


def _canonical(stage: str, value: Any) -> str:
    """A stage's tokenizer.json value as the core writes it back."""
    return _core.Component.from_json(stage, json.dumps(value, ensure_ascii=False)).to_json()


class Members:
    """tokenizers' `seq[i]` and `seq[i] = component` of a `Sequence`: a member read from a sequence
    is that sequence's, as in tokenizers, so setting its parameters changes the sequence (and the
    tokenizer holding it); one the sequence no longer holds changes alone."""

    __slots__ = ()
    _key: ClassVar[str] = ""
    _stage: ClassVar[str]
    _core: _core.Component

    def _members(self) -> list[Any]:
        members: list[Any] = json.loads(self._core.to_json())[self._key]
        return members

    def _index(self, index: Any, count: int) -> int:
        # tokenizers' errors: an index is an unsigned int, one past the end is not found.
        position = operator.index(index)
        if position < 0:
            raise OverflowError("can't convert negative int to unsigned")
        if position >= count:
            raise IndexError("Index not found")
        return position

    def __getitem__(self, index: int) -> Any:
        members = self._members()
        position = self._index(index, len(members))
        value = json.dumps(members[position], ensure_ascii=False)
        made = _wrap(self._stage, _core.Component.from_json(self._stage, value))
        made._owner = (self, position)
        return made

    def __setitem__(self, index: int, value: Any) -> None:
        cls = CLASSES[self._stage]
        foreign = not isinstance(value, Component) and callable(getattr(value, "__getstate__", None))
        if not isinstance(value, cls) and not (foreign and self._stage_of(value)):
            raise TypeError(f"{type(value).__name__!r} object is not an instance of {cls.__name__!r}")
        document = json.loads(self._core.to_json())  # type: ignore[attr-defined]
        position = self._index(index, len(document[self._key]))
        document[self._key][position] = component_json(value, self._key)
        self._rebuild(document)  # type: ignore[attr-defined]

    def _stage_of(self, value: Any) -> bool:
        # A tokenizers component of this stage (its class derives from tokenizers' stage class).
        names = {c.__name__ for c in type(value).__mro__}
        return CLASSES[self._stage].__name__ in names


class SizedMembers(Members):
    """`len(seq)`, which tokenizers gives its normalizer `Sequence` only."""

    __slots__ = ()

    def __len__(self) -> int:
        return len(self._members())


CLASSES: dict[str, type[Component]] = {
    cls._stage: cls for cls in (Normalizer, PreTokenizer, Model, PostProcessor, Decoder)
}
# (stage, tokenizer.json type) → the named class of ferrotok.normalizers, .pre_tokenizers, .decoders or
# .processors, so that `type(tok.normalizer).__name__` is "BertNormalizer" as in tokenizers.
NAMED: dict[tuple[str, str], type[Component]] = {}


class Regex:
    """A regular expression pattern (tokenizers.Regex), for `Replace` and `Split`."""

    __slots__ = ("pattern",)

    def __init__(self, pattern: str) -> None:
        if not isinstance(pattern, str):
            raise TypeError(f"pattern: expected str, got {type(pattern).__name__}")
        self.pattern = pattern

    def __repr__(self) -> str:
        return f"Regex({self.pattern!r})"


def pattern_json(pattern: object) -> dict[str, str]:
    """A str (matched literally) or a `Regex` (ferrotok's or tokenizers') → its tokenizer.json value."""
    if isinstance(pattern, str):
        return {"String": pattern}
    inner = getattr(pattern, "pattern", None)
    if isinstance(inner, str):
        return {"Regex": inner}
    raise TypeError(f"pattern: expected str or Regex, got {type(pattern).__name__}")


def component_json(value: object, argument: str) -> Any:
    """A component (ferrotok's, or tokenizers' through its state) → its tokenizer.json value."""
    state = getattr(value, "__getstate__", None)
    document = state() if callable(state) else None
    if not isinstance(document, (bytes, str)):
        raise TypeError(f"{argument}: expected a component, got {type(value).__name__}")
    return json.loads(document)


def sequence_json(key: str) -> Any:
    """The tokenizer.json builder of a `Sequence` component whose members are the argument `key`."""
    return lambda values: {key: [component_json(v, key) for v in values[key]]}


def define(
    base: type[Component],
    module: str,
    name: str,
    kind: str,
    params: tuple[tuple[str, Any], ...],
    build: Any = None,
    members: type[Members] | None = None,
) -> type[Component]:
    """A named component class: `name(**params)` builds the tokenizer.json value {"type": kind, ...}.
    `params` are (argument, default) pairs in tokenizers' order (a default of `REQUIRED` must be given);
    `build(arguments) -> dict` turns the arguments into the value's fields (default: as they are)."""

    def __init__(self: Component, *args: Any, **kwargs: Any) -> None:
        if len(args) > len(params):
            raise TypeError(f"{name}() takes at most {len(params)} positional arguments ({len(args)} given)")
        values = dict(zip((p for p, _ in params), args, strict=False))
        for key, value in kwargs.items():
            if key in values or key not in dict(params):
                raise TypeError(f"{name}() got an unexpected or repeated argument {key!r}")
            values[key] = value
        for key, default in params:
            if key not in values:
                if default is REQUIRED:
                    raise TypeError(f"{name}() missing required argument {key!r}")
                values[key] = default
        fields = build(values) if build is not None else values
        document = json.dumps({"type": kind, **fields}, ensure_ascii=False)
        self._core = _core.Component.from_json(base._stage, document)

    import inspect  # here, not at the top: `ferrotok.tokenizer` imports this module on every start-up

    # A `Sequence` whose members are readable and settable: `members` gives `seq[i]` (the key of the
    # member list is the sole parameter).
    bases = (members, base) if members is not None else (base,)
    namespace = {"__slots__": (), "__init__": __init__, "__module__": module}
    if members is not None:
        namespace["_key"] = params[0][0]
    cls = type(name, bases, namespace)
    cls.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter(
                p,
                inspect.Parameter.POSITIONAL_OR_KEYWORD,
                default=inspect.Parameter.empty if d is REQUIRED else d,
            )
            for p, d in params
        ]
    )
    NAMED[(base._stage, kind)] = cls
    return cls


class _Required:
    def __repr__(self) -> str:
        return "REQUIRED"


REQUIRED: Any = _Required()


def read(tokenizer: _core.Tokenizer, stage: str) -> Any:
    """`tokenizer`'s stage as a component object, or None where it has none."""
    core = _core.Component.of(tokenizer, stage)
    if core is None:
        return None
    made = _wrap(stage, core)
    made._owner = tokenizer
    return made


# The module whose classes register each stage's named components in `NAMED` when it is imported.
_MODULES = {
    "normalizer": "normalizers",
    "pre_tokenizer": "pre_tokenizers",
    "model": "models",
    "post_processor": "processors",
    "decoder": "decoders",
}


def _wrap(stage: str, core: _core.Component) -> Any:
    # `import ferrotok` loads these modules only when they are first used; the named classes must exist.
    importlib.import_module(f"ferrotok.{_MODULES[stage]}")
    kind = core.param("type")
    # The named class where ferrotok has one (ferrotok.normalizers.BertNormalizer...), else the stage's.
    cls = NAMED.get((stage, json.loads(kind)), CLASSES[stage]) if kind is not None else CLASSES[stage]
    obj = object.__new__(cls)
    obj._core = core
    obj._owner = None
    return obj


def assign(tokenizer: _core.Tokenizer, stage: str, value: object) -> None:
    """Set `tokenizer`'s stage: a ferrotok component of that stage, any object whose `__getstate__` gives
    its tokenizer.json value (a tokenizers component), or None to remove it (not the model)."""
    cls = CLASSES[stage]
    if value is None:
        if stage == "model":
            raise TypeError("model: a tokenizer needs a model (got None)")
        _core.Component.assign(tokenizer, stage, None)
        return
    if isinstance(value, cls):
        _core.Component.assign(tokenizer, stage, value._core)
        return
    if isinstance(value, Component):
        raise TypeError(f"{stage}: expected a {cls.__name__}, got a {type(value).__name__}")
    state = getattr(value, "__getstate__", None)
    document = state() if callable(state) else None
    if isinstance(document, (bytes, str)):
        _core.Component.assign(tokenizer, stage, cls.from_json(document)._core)
        return
    raise TypeError(f"{stage}: expected a {cls.__name__} or None, got {type(value).__name__}")
