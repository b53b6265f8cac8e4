"""transformers' tokenizer classes by name: `TokenizersBackend` (`PreTrainedTokenizerFast`) and every class
transformers maps (`BertTokenizer`, `GPT2TokenizerFast`, `T5Tokenizer`, ...), with its constructor.

The named classes are thin subclasses made on first use from the class table (`CLASS_NAMES`): what makes a
`BertTokenizer` a BERT tokenizer is its name, which the Rust loader and the settings tables (`_config`) read as
transformers reads `tokenizer_class`. As in transformers, `XFast` is `X`, and the classes transformers runs
in Python (`PYTHON_CLASSES`) are not `PreTrainedTokenizerFast` instances.
"""

from __future__ import annotations

import os
from typing import Any

from . import _core, _no_file
from ._config import PYTHON_CLASSES, SPECIAL_TOKENS_ATTRIBUTES, TOKENIZER_FILE, split_load_kwargs
from .tokenization import FerroTokenizer
from .tokenizer import Tokenizer

# Every name in transformers 5.24's tokenizer mapping (`TOKENIZER_MAPPING_NAMES`; `XFast` is `X`;
# tests/test_class_names.py checks it against transformers), `RagTokenizer` aside (ferrotok's own class:
# two tokenizers in one). A block of words, as a table reads more easily than 92 quoted lines.
CLASS_NAMES = frozenset(
    """
    AlbertTokenizer BartTokenizer BarthezTokenizer BartphoTokenizer BertGenerationTokenizer
    BertJapaneseTokenizer BertTokenizer BertweetTokenizer BigBirdTokenizer BioGptTokenizer
    BlenderbotSmallTokenizer BlenderbotTokenizer ByT5Tokenizer CLIPTokenizer CTRLTokenizer
    CamembertTokenizer CanineTokenizer ClvpTokenizer CodeLlamaTokenizer CohereTokenizer
    CpmAntTokenizer CpmTokenizer DPRQuestionEncoderTokenizer DebertaTokenizer DebertaV2Tokenizer
    DiaTokenizer EsmTokenizer EsmcTokenizer FNetTokenizer FSMTTokenizer FlaubertTokenizer
    FunnelTokenizer GPT2Tokenizer GPTNeoXJapaneseTokenizer GPTNeoXTokenizer GPTSw3Tokenizer
    GemmaTokenizer HerbertTokenizer LEDTokenizer LasrTokenizer LayoutLMv2Tokenizer
    LayoutLMv3Tokenizer LayoutXLMTokenizer LlamaTokenizer LukeTokenizer LxmertTokenizer
    M2M100Tokenizer MBart50Tokenizer MBartTokenizer MLukeTokenizer MPNetTokenizer MarianTokenizer
    MarkupLMTokenizer MgpstrTokenizer MobileBertTokenizer MvpTokenizer MyT5Tokenizer NllbTokenizer
    NougatTokenizer OpenAIGPTTokenizer PLBartTokenizer ParakeetTokenizer PegasusTokenizer
    PerceiverTokenizer PhobertTokenizer ProphetNetTokenizer Qwen2Tokenizer Qwen3_5Tokenizer
    ReformerTokenizer RemBertTokenizer RoCBertTokenizer RoFormerTokenizer RobertaTokenizer
    SeamlessM4TTokenizer Siglip2Tokenizer SiglipTokenizer Speech2TextTokenizer SpeechT5Tokenizer
    SplinterTokenizer T5Tokenizer TapasTokenizer Tipsv2Tokenizer UdopTokenizer VideoPrismTokenizer
    VitsTokenizer Wav2Vec2CTCTokenizer Wav2Vec2PhonemeCTCTokenizer WhisperTokenizer XGLMTokenizer
    XLMRobertaTokenizer XLMTokenizer XLNetTokenizer
    """.split()  # noqa: SIM905
)
# Classes transformers exports besides the mapped ones, which model configs name.
CLASS_NAMES |= {"CodeGenTokenizer", "ConvBertTokenizer", "DPRContextEncoderTokenizer", "DistilBertTokenizer"}
CLASS_NAMES |= {"SqueezeBertTokenizer"}
# Named classes that subclass another named class in transformers (so `isinstance` holds as there).
_PARENTS = {
    "ConvBertTokenizer": "BertTokenizer",
    "DPRContextEncoderTokenizer": "BertTokenizer",
    "DPRQuestionEncoderTokenizer": "BertTokenizer",
    "DistilBertTokenizer": "BertTokenizer",
    "FNetTokenizer": "AlbertTokenizer",
}
# Names transformers binds to another class (`transformers.BartTokenizer is RobertaTokenizer`).
_ALIASES = {
    "BartTokenizer": "RobertaTokenizer",
    "LEDTokenizer": "RobertaTokenizer",
    "MvpTokenizer": "RobertaTokenizer",
    "LxmertTokenizer": "BertTokenizer",
    "MobileBertTokenizer": "BertTokenizer",
    "SqueezeBertTokenizer": "BertTokenizer",
}
# `XFast` names that are classes of their own in transformers, with their parent there.
_OWN_FAST = {"CpmTokenizerFast": "TokenizersBackend", "DPRQuestionEncoderTokenizerFast": "BertTokenizer"}
GENERIC_NAMES = ("TokenizersBackend", "PreTrainedTokenizerFast")

# transformers' message when its generic class gets no tokenizer to wrap.
_NO_BACKEND = (
    "Couldn't instantiate the backend tokenizer from one of: \n"
    "(1) a `tokenizers` library serialization file, \n"
    "(2) a slow tokenizer instance to convert or \n"
    "(3) an equivalent slow tokenizer class to instantiate and convert. \n"
    "You need to have sentencepiece or tiktoken installed to convert a slow tokenizer to a fast one."
)
# Constructor arguments that name vocabulary files, and the name each file takes in a model folder by its
# extension (the Rust loader reads a folder by its files' names).
_FILE_ARGUMENTS = ("vocab_file", "merges_file", "tokenizer_file")
_FOLDER_NAMES = {
    ("vocab_file", ".txt"): "vocab.txt",
    ("vocab_file", ".json"): "vocab.json",
    ("merges_file", ".txt"): "merges.txt",
}
# FerroTokenizer's settings among the constructor's keyword arguments (the rest are init_config entries).
_SETTINGS = (
    "name_or_path",
    "model_max_length",
    "clean_up_tokenization_spaces",
    "split_special_tokens",
    "pad_token_type_id",
    "chat_template",
)


def _backend(
    tokenizer_object: object, tokenizer_file: str | os.PathLike[str] | None
) -> _core.Tokenizer | None:
    """A copy of the tokenizer to wrap (as transformers deep-copies it), or None when none is given."""
    if tokenizer_object is not None:
        if isinstance(tokenizer_object, Tokenizer):
            tokenizer_object = tokenizer_object._tokenizer
        if isinstance(tokenizer_object, _core.Tokenizer):
            return _core.Tokenizer.from_str(tokenizer_object.to_str(False))
        to_str = getattr(tokenizer_object, "to_str", None)  # a `tokenizers.Tokenizer`: its serialization
        if callable(to_str):
            return _core.Tokenizer.from_str(to_str())
        raise TypeError(
            f"tokenizer_object: expected a ferrotok.Tokenizer, got {type(tokenizer_object).__name__}"
        )
    if tokenizer_file is not None and os.path.isfile(os.fspath(tokenizer_file)):
        return _core.Tokenizer.from_file(os.fspath(tokenizer_file))
    return None


def _class_settings(class_name: str, kwargs: dict[str, Any]) -> dict[str, Any]:
    """FerroTokenizer's keyword arguments for a tokenizer of `class_name` built from `kwargs` (transformers'
    constructor arguments, which this empties): the class defaults where an argument is not given."""
    defaults = _core.class_defaults(class_name) or _core.class_defaults("TokenizersBackend")
    assert defaults is not None  # the generic class is always in the table
    settings = {key: kwargs.pop(key) for key in _SETTINGS if key in kwargs}
    for key in ("padding_side", "truncation_side"):
        settings[key] = kwargs.pop(key, None) or defaults[key]
    settings["model_input_names"] = list(
        kwargs.pop("model_input_names", None) or defaults["model_input_names"]
    )
    for key in SPECIAL_TOKENS_ATTRIBUTES:
        value = kwargs.pop(key) if key in kwargs else defaults["specials"][key]
        if value is not None:
            settings[key] = value
    for key in [k for k in kwargs if k.endswith("_token")]:  # a class's own named tokens
        value = kwargs.pop(key)
        if value is not None:
            settings[key] = value
    extra = kwargs.pop("extra_special_tokens", None) or kwargs.pop("additional_special_tokens", None)
    if extra:
        settings["extra_special_tokens"] = list(extra)
    if settings.get("model_max_length") is None:
        settings.pop("model_max_length", None)
    settings["init_config"] = {"tokenizer_class": class_name, **kwargs}
    return settings


def _from_folder(
    cls: type[FerroTokenizer], kwargs: dict[str, Any], files: dict[str, str], document: str | None = None
) -> FerroTokenizer:
    """The `files` (constructor argument -> path), under the names a model folder gives them, loaded as
    `X.from_pretrained` loads that folder with the other arguments (`kwargs`); no file: the class built
    from its settings alone, where it needs no vocabulary file (ByT5, CANINE, ...)."""
    import shutil  # here, not at the top: with tempfile, 27 ms of imports every AutoTokenizer load would pay
    import tempfile

    directory = tempfile.mkdtemp(prefix="ferrotok-")
    try:
        if document is not None:
            with open(os.path.join(directory, TOKENIZER_FILE), "w", encoding="utf-8") as f:
                f.write(document)
        for key, path in files.items():
            if not os.path.isfile(path):
                raise OSError(f"{key}: {path} is not a file")
            extension = os.path.splitext(path)[1]
            if key == "tokenizer_file":
                name = TOKENIZER_FILE
            elif extension in (".model", ".spm"):
                name = "spiece.model" if extension == ".model" else os.path.basename(path)
            else:
                name = _FOLDER_NAMES.get((key, extension), os.path.basename(path))
            shutil.copyfile(path, os.path.join(directory, name))
        name_or_path = kwargs.pop("name_or_path", "")
        tokenizer = cls.from_pretrained(directory, **kwargs)
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    tokenizer.name_or_path = str(name_or_path)
    tokenizer.__dict__.pop("_directory", None)
    return tokenizer


# Classes that transformers builds from their settings alone, whatever tokenizer it is given (ferrotok's
# loader builds them from a folder without files too).
_BUILT_FROM_SETTINGS = frozenset({"ByT5Tokenizer", "CanineTokenizer", "PerceiverTokenizer", "DiaTokenizer"})


# The keyword `__getnewargs_ex__` passes to `__new__` when pickle or copy makes an object.
_UNPICKLING = "_ferrotok_unpickling"


# The vocabulary transformers' constructor builds with no file (`BertTokenizer()`), by class: the model kind
# and the special tokens (by attribute) in id order; the Rust loader builds the class's pipeline around it.
_BERT_DEFAULT = ("WordPiece", ("pad_token", "unk_token", "cls_token", "sep_token", "mask_token"))
_ROBERTA_DEFAULT = ("BPE", ("pad_token", "unk_token", "bos_token", "eos_token", "mask_token"))
_DEFAULT_VOCABULARIES = {
    **dict.fromkeys(
        ("BertTokenizer", "ConvBertTokenizer", "DistilBertTokenizer", "DPRContextEncoderTokenizer"),
        _BERT_DEFAULT,
    ),
    **dict.fromkeys(("DPRQuestionEncoderTokenizer", "DPRQuestionEncoderTokenizerFast"), _BERT_DEFAULT),
    "RobertaTokenizer": _ROBERTA_DEFAULT,
    "GPT2Tokenizer": ("BPE", ()),
    "LlamaTokenizer": ("BPE", ("unk_token", "bos_token", "eos_token")),
    "BlenderbotTokenizer": ("BPE", ("bos_token", "pad_token", "eos_token", "unk_token", "mask_token")),
    "GemmaTokenizer": ("BPE", ("pad_token", "eos_token", "bos_token", "unk_token", "mask_token")),
}


def _default_document(name: str, kwargs: dict[str, Any]) -> str | None:
    """The tokenizer.json of class `name`'s default vocabulary (None where ferrotok has no recipe for it)."""
    recipe = _DEFAULT_VOCABULARIES.get(name)
    defaults = _core.class_defaults(name)
    if recipe is None or defaults is None:
        return None
    kind, attributes = recipe
    from ._config import token_content

    vocab: dict[str, int] = {}
    for attribute in attributes:
        token = token_content(kwargs[attribute]) if attribute in kwargs else defaults["specials"][attribute]
        if token is not None:
            vocab.setdefault(token, len(vocab))
    unk = token_content(kwargs.get("unk_token", defaults["specials"]["unk_token"]))
    model: dict[str, Any] = {"type": kind, "vocab": vocab}
    if kind == "WordPiece":
        model.update(unk_token=unk, continuing_subword_prefix="##", max_input_chars_per_word=100)
    else:
        model.update(merges=[], unk_token=unk if unk in vocab else None)
    import json

    return json.dumps({"version": "1.0", "added_tokens": [], "model": model})


# transformers' constructors build their own model, normalizer, pre-tokenizer and decoder before handing the
# wrapped tokenizer (`tokenizer_object=`, `tokenizer_file=`) to the generic constructor, which puts the wrapped
# one in their place: only what they set afterwards (the post-processor, the tokens they add) applies to it.
# So a class built around a wrapped tokenizer keeps these stages of it.
_OBJECT_STAGES = ("model", "normalizer", "pre_tokenizer", "decoder")


def _keep_object_stages(tokenizer: FerroTokenizer, core: _core.Tokenizer) -> None:
    """Give `tokenizer` the wrapped tokenizer's (`core`'s) stages (`_OBJECT_STAGES`)."""
    wrapped, backend = Tokenizer(core), tokenizer.backend_tokenizer
    for stage in _OBJECT_STAGES:
        setattr(backend, stage, getattr(wrapped, stage))


class _ClassConstructor(FerroTokenizer):
    """transformers' constructor and `from_pretrained` for a named class (`_class_name`)."""

    _class_name = "TokenizersBackend"

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        # A named class builds as `from_pretrained` builds a folder of what it is given (vocabulary files, the
        # wrapped tokenizer's tokenizer.json, or nothing for the classes built from their settings): its
        # pipeline and template as transformers' constructor makes them. The object comes back set up, and
        # `__init__` leaves it as it is. The generic class wraps its tokenizer as it is (`__init__`).
        if args and isinstance(
            args[0], (str, os.PathLike)
        ):  # `X("vocab.txt")`, `X("vocab.json", "merges.txt")`
            if len(args) > 2:
                raise TypeError(f"{cls.__name__}() takes at most a vocabulary and a merges file positionally")
            kwargs = {**dict(zip(("vocab_file", "merges_file"), args, strict=False)), **kwargs}
            args = ()
        name = cls._class_name
        if args or name in GENERIC_NAMES or kwargs.pop(_UNPICKLING, False):
            return super().__new__(cls)
        given = {k: v for k, v in kwargs.items() if k not in ("tokenizer_object", *_FILE_ARGUMENTS)}
        files: dict[str, str] = {}
        document, core = None, None
        if name in _BUILT_FROM_SETTINGS:
            pass  # whatever it is given, as transformers' constructor
        elif kwargs.get("tokenizer_object") is None and kwargs.get("vocab_file") is not None:
            files = {k: os.fspath(kwargs[k]) for k in _FILE_ARGUMENTS if kwargs.get(k) is not None}
        elif name in PYTHON_CLASSES and name not in _OWN_FAST:  # built from vocabulary files only
            raise TypeError(f"{cls.__name__}.__init__() missing its vocabulary file (`vocab_file`)")
        else:
            core = _backend(kwargs.get("tokenizer_object"), kwargs.get("tokenizer_file"))
            document = core.to_str(False) if core is not None else _default_document(name, given)
            if document is None and name.removesuffix("Fast") not in _no_file.CLASSES:
                return super().__new__(cls)
        tokenizer = _from_folder(cls, given, files, document)
        if core is not None:
            _keep_object_stages(tokenizer, core)
        tokenizer.__dict__["_built"] = True
        return tokenizer

    def __getnewargs_ex__(self) -> tuple[tuple[Any, ...], dict[str, Any]]:
        # pickle and copy make the object with `__new__` alone, then `__setstate__` sets it up.
        return (), {_UNPICKLING: True}

    def __init__(
        self,
        *args: Any,
        tokenizer_object: object = None,
        tokenizer_file: str | os.PathLike[str] | None = None,
        **kwargs: Any,
    ) -> None:
        if self.__dict__.pop("_built", False):  # made by `__new__`
            return
        if args and isinstance(args[0], (_core.Tokenizer, Tokenizer)) and tokenizer_object is None:
            # ferrotok's own form (a core and resolved settings), as loading and unpickling make it.
            FerroTokenizer.__init__(self, *args, **kwargs)
            return
        if args:  # transformers' generic class refuses it as having no backend
            raise ValueError(
                f"{type(self).__name__}(): expected vocabulary file names or keyword arguments "
                f"(tokenizer_object=..., tokenizer_file=...), got {type(args[0]).__name__}"
            )
        core = _backend(tokenizer_object, tokenizer_file)
        if core is None:
            if self._class_name in GENERIC_NAMES:
                raise ValueError(_NO_BACKEND)
            raise NotImplementedError(
                f"{self._class_name}() without tokenizer_object, tokenizer_file or vocabulary files: ferrotok "
                "does not build an empty vocabulary (see the README's differences)"
            )
        kwargs.pop("vocab_file", None)
        kwargs.pop("merges_file", None)
        FerroTokenizer.__init__(self, core, **_class_settings(self._class_name, dict(kwargs)))

    @classmethod
    def from_pretrained(  # type: ignore[override]
        cls, pretrained_model_name_or_path: str | os.PathLike[str], *inputs: Any, **kwargs: Any
    ) -> Any:
        """Load a model folder, a tokenizer.json file or a model id as this class: its defaults apply (and
        its pipeline, for the classes that build their own), whatever class the folder's config names."""
        if inputs:
            raise TypeError(f"{cls.__name__}.from_pretrained takes the folder and keyword arguments only")
        from .auto import IGNORED_ARGUMENTS
        from .hub import HUB_ARGUMENTS, resolve_model_id

        path = os.fspath(pretrained_model_name_or_path)
        hub_options = {key: kwargs.pop(key) for key in HUB_ARGUMENTS if key in kwargs}
        for ignored in IGNORED_ARGUMENTS:
            kwargs.pop(ignored, None)
        if os.path.isfile(path):
            if not path.endswith(".json"):
                raise OSError(f"{path}: expected a model folder or a tokenizer.json file")
            return cls(tokenizer_file=path, **{"name_or_path": path, **kwargs})
        directory = path if os.path.isdir(path) else resolve_model_id(path, **hub_options)
        subfolder = hub_options.get("subfolder")
        if subfolder:
            directory = os.path.join(directory, subfolder)
        has_file = os.path.isfile(os.path.join(directory, TOKENIZER_FILE))
        if not has_file and (
            cls._class_name == "CpmTokenizerFast"  # no converter of its own in transformers
            or (cls._class_name in GENERIC_NAMES and not _has_sentencepiece_model(directory))
        ):
            raise ValueError(_NO_BACKEND)
        kwargs["tokenizer_class"] = cls._class_name
        own, entries, overrides = split_load_kwargs(kwargs, has_file)
        loaded = _no_file.load_folder(directory, overrides, cls._class_name)
        tokenizer = cls._from_loaded(directory, loaded, own, entries, has_file)
        if not os.path.isdir(path):
            tokenizer.name_or_path = path  # transformers keeps the id, not the snapshot path
        return tokenizer


def _has_sentencepiece_model(directory: str) -> bool:
    """Whether the folder has a SentencePiece model (transformers' generic class converts it)."""
    return os.path.isdir(directory) and any(n.endswith(".model") for n in os.listdir(directory))


class TokenizersBackend(_ClassConstructor):
    """transformers' generic fast tokenizer (`PreTrainedTokenizerFast`): wraps a `tokenizer_object` (a
    `ferrotok.Tokenizer`, or a `tokenizers.Tokenizer` by its serialization) or a `tokenizer_file`, with the
    special tokens and settings given as keyword arguments; `from_pretrained` loads a folder as this class."""


PreTrainedTokenizerFast = TokenizersBackend


class _PythonBackend(_ClassConstructor):
    """The classes transformers runs in Python (not `PreTrainedTokenizerFast` there either)."""


_MADE: dict[str, type[FerroTokenizer]] = {"TokenizersBackend": TokenizersBackend}


def named_class(name: str) -> type[FerroTokenizer] | None:
    """The class transformers calls `name` (`XFast` is `X`), made on first use; None for other names."""
    base_name = name.removesuffix("Fast") if name != "PreTrainedTokenizerFast" else "TokenizersBackend"
    base_name = name if name in _OWN_FAST else _ALIASES.get(base_name, base_name)
    if base_name == "RagTokenizer":
        from ._rag import RagTokenizer

        return RagTokenizer  # type: ignore[return-value]
    if base_name not in CLASS_NAMES and base_name not in _MADE and base_name not in _OWN_FAST:
        return None
    made = _MADE.get(base_name)
    if made is None:
        parent = _PARENTS.get(base_name) or _OWN_FAST.get(base_name)
        base: type[FerroTokenizer] | None = named_class(parent) if parent else None
        if base is None:
            base = _PythonBackend if base_name in PYTHON_CLASSES else TokenizersBackend
        made = type(
            base_name,
            (base,),
            {"_class_name": base_name, "__module__": __name__, "__qualname__": base_name, "__doc__": None},
        )
        _MADE[base_name] = made
    return made


def __getattr__(name: str) -> Any:
    made = named_class(name)
    if made is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return made
