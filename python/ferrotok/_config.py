"""Reading the settings files beside tokenizer.json (tokenizer_config.json, special_tokens_map.json), and
writing tokenizer_config.json (transformers 5 writes no special_tokens_map.json).

Only the Python-level settings live here (lengths, sides, special-token names); everything that changes how
text becomes ids (do_lower_case, vocab, added tokens...) is the Rust loader's business.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any

from . import _core

SPECIAL_TOKENS_ATTRIBUTES = (
    "bos_token",
    "eos_token",
    "unk_token",
    "sep_token",
    "pad_token",
    "cls_token",
    "mask_token",
)
# Named special tokens some classes have besides the standard ones (transformers' model-specific tokens), with
# their defaults.
CLASS_NAMED_TOKENS = {"SplinterTokenizer": {"question_token": "[QUESTION]"}}
CONFIG_FILE = "tokenizer_config.json"
SPECIAL_TOKENS_MAP_FILE = "special_tokens_map.json"
TOKENIZER_FILE = "tokenizer.json"

DEFAULT_MODEL_INPUT_NAMES = ["input_ids", "token_type_ids", "attention_mask"]
# transformers' generic class (TokenizersBackend, or no class named): no token_type_ids.
GENERIC_MODEL_INPUT_NAMES = ["input_ids", "attention_mask"]


def token_content(value: object) -> str | None:
    """A special token given as str, an AddedToken-like object or a serialized {"content": ...} dict."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        content = value.get("content")
        if isinstance(content, str):
            return content
        raise ValueError(f"special token dict without a string `content`: {value!r}")
    content = getattr(value, "content", None)
    if isinstance(content, str):
        return content
    raise TypeError(f"special token: expected str or AddedToken, got {type(value).__name__}")


def _read_json(path: str) -> dict[str, Any]:
    if not os.path.isfile(path):
        return {}
    with open(path, encoding="utf-8") as f:
        try:
            data = json.load(f)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}: invalid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a JSON object")
    return data


def default_model_input_names(tokenizer_class: object) -> list[str]:
    """transformers' class default (one table, in the Rust core), or the generic class's."""
    defaults = _core.class_defaults(str(tokenizer_class or ""))
    return list(defaults["model_input_names"]) if defaults else list(GENERIC_MODEL_INPUT_NAMES)


def merged_config(directory: str) -> dict[str, Any]:
    """tokenizer_config.json with special_tokens_map.json over it, in transformers 5's order: the map's
    entries win, unless the config has an `added_tokens_decoder` (then transformers does not read the map)."""
    config = _read_json(os.path.join(directory, CONFIG_FILE))
    merged = dict(config)
    if "added_tokens_decoder" not in config:
        merged.update(_read_json(os.path.join(directory, SPECIAL_TOKENS_MAP_FILE)))
    return merged


def _padding_block(directory: str, core: Any = None) -> dict[str, Any]:
    """tokenizer.json's `padding` block, or {} (no tokenizer.json, or no padding). `core`: the tokenizer loaded
    from the folder, which has read the file already (parsing it again here took longer than the load)."""
    path = os.path.join(directory, TOKENIZER_FILE)
    if not os.path.isfile(path):
        return {}
    if core is not None:
        padding = json.loads(core.document_entry("padding"))
        return padding if isinstance(padding, dict) else {}
    with open(path, encoding="utf-8") as f:
        try:
            padding = json.load(f).get("padding")
        except (json.JSONDecodeError, AttributeError):
            return {}  # the Rust loader reports a malformed tokenizer.json with its field
    return padding if isinstance(padding, dict) else {}


# Sides a class's constructor passes over its class attribute (not in the generated class table).
_CLASS_SIDES = {"CpmAntTokenizer": {"padding_side": "left"}}

# SentencePiece classes that transformers 5 runs in Python (no fast tokenizer), which ferrotok converts.
PYTHON_BACKEND_CLASSES = frozenset(
    {"M2M100Tokenizer", "BertGenerationTokenizer", "PLBartTokenizer", "MarianTokenizer", "GPTSw3Tokenizer"}
    | {"SpeechT5Tokenizer", "BartphoTokenizer", "CpmTokenizer"}
)

# Classes whose decode strips the text it joins: transformers' Python classes whose
# `convert_tokens_to_string` ends with `.strip()` (their own, or SentencePieceBackend's).
STRIPPED_DECODE_CLASSES = frozenset(
    {"BartphoTokenizer", "CpmTokenizer", "MarianTokenizer", "M2M100Tokenizer", "PLBartTokenizer"}
    | {"Speech2TextTokenizer", "SpeechT5Tokenizer", "BertGenerationTokenizer"}
)

# Classes whose decode drops every space and then reads U+2582 / U+2583 as a space / a newline (CPM).
CPM_DECODE_CLASSES = frozenset({"CpmTokenizer"})

# Classes whose constructor sets `pad_token_type_id` (the type id of padding).
_PAD_TYPE_IDS = {"CpmTokenizer": 3}

# Speech classes whose decode merges repeated ids and drops the blank (pad) id, as CTC output needs.
CTC_CLASSES = frozenset({"LasrTokenizer", "ParakeetTokenizer"})

# CTC classes over a character vocabulary with a word delimiter (Wav2Vec2): special tokens are dropped before
# the repeated ids merge, and the text is stripped (and lower-cased with `do_lower_case`) afterwards.
WORD_CTC_CLASSES = frozenset({"Wav2Vec2CTCTokenizer"})

# Named special tokens of a class's own, listed in its special tokens map after the common ones.
MODEL_SPECIAL_TOKENS = {"Wav2Vec2CTCTokenizer": {"word_delimiter_token": "|"}}
MODEL_SPECIAL_TOKENS["CpmAntTokenizer"] = {
    "bod_token": "<d>",
    "eod_token": "</d>",
    "line_token": "</n>",
    "space_token": "</_>",
}
MODEL_SPECIAL_TOKENS["ProphetNetTokenizer"] = {"x_sep_token": "[X_SEP]"}
MODEL_SPECIAL_TOKENS["EsmcTokenizer"] = {"chain_break_token": "|"}
MODEL_SPECIAL_TOKENS["TapasTokenizer"] = {"empty_token": "[EMPTY]"}  # its empty-cell token
MODEL_SPECIAL_TOKENS["CodeLlamaTokenizer"] = {  # its infilling tokens
    "prefix_token": "▁<PRE>",
    "middle_token": "▁<MID>",
    "suffix_token": "▁<SUF>",
    "eot_token": "▁<EOT>",
    "fill_token": "<FILL_ME>",
}
_ENTITY_SPECIAL_TOKENS = {
    "entity_unk_token": "[UNK]",
    "entity_pad_token": "[PAD]",
    "entity_mask_token": "[MASK]",
    "entity_mask2_token": "[MASK2]",
}
MODEL_SPECIAL_TOKENS["MLukeTokenizer"] = {
    "entity_1_token": "▁<ent>",
    "entity_2_token": "▁<ent2>",
    **_ENTITY_SPECIAL_TOKENS,
}
MODEL_SPECIAL_TOKENS["LukeTokenizer"] = {
    "entity_1_token": "<ent>",
    "entity_2_token": "<ent2>",
    **_ENTITY_SPECIAL_TOKENS,
}
# Named tokens a class's constructor also appends to its extra special tokens when they are not there yet
# (LUKE's entity markers, CodeLlama's infilling tokens, TAPAS's empty-cell token).
_EXTRA_FROM_NAMED = {
    "LukeTokenizer": ("entity_1_token", "entity_2_token"),
    "CodeLlamaTokenizer": ("prefix_token", "middle_token", "suffix_token", "eot_token", "fill_token"),
    "TapasTokenizer": ("empty_token",),
}

# The vocabulary file `save_pretrained` writes beside tokenizer.json for classes that transformers builds
# from that file alone (it ignores tokenizer.json for them).
# The classes with an entity vocabulary (`_entities`, imported only for them).
LUKE_CLASSES = ("LukeTokenizer", "MLukeTokenizer")
LAYOUT_CLASSES = (
    "LayoutLMv2Tokenizer",
    "LayoutLMv3Tokenizer",
    "LayoutXLMTokenizer",
    "UdopTokenizer",
    "MarkupLMTokenizer",
)
CLASS_VOCABULARY_FILES = {"Wav2Vec2CTCTokenizer": "vocab.json", "EsmTokenizer": "vocab.txt"}
CLASS_VOCABULARY_FILES["Wav2Vec2PhonemeCTCTokenizer"] = "vocab.json"
CLASS_VOCABULARY_FILES["BertJapaneseTokenizer"] = "vocab.txt"
CLASS_VOCABULARY_FILES["CpmAntTokenizer"] = "vocab.txt"
CLASS_VOCABULARY_FILES["RoCBertTokenizer"] = "vocab.txt"  # and its two tables (`_roc_bert.save`)
CLASS_VOCABULARY_FILES["MyT5Tokenizer"] = "byte_maps.json"  # its byte rewriting maps
CLASS_VOCABULARY_FILES["GPTNeoXJapaneseTokenizer"] = "vocab.txt"  # and emoji.json
# Classes that transformers 5.24 runs in Python (`PreTrainedTokenizer` subclasses), with two rules of their
# own: they cut a pair with `longest_first` one token at a time from the longer text, a tie from the second,
# where the fast tokenizers split an odd budget the other way (`tests/test_class_coverage.py` compares odd
# budgets for every class); and `split_special_tokens` leaves every added token unmatched, where the fast
# tokenizers still match the non-special ones.
PYTHON_CLASSES = frozenset(
    {"BartphoTokenizer", "BertGenerationTokenizer", "BertJapaneseTokenizer", "BertweetTokenizer"}
    | {"BioGptTokenizer", "BlenderbotSmallTokenizer", "ByT5Tokenizer", "CTRLTokenizer", "CanineTokenizer"}
    | {"ClvpTokenizer", "CpmAntTokenizer", "CpmTokenizer", "DiaTokenizer", "EsmTokenizer", "FSMTTokenizer"}
    | {"FlaubertTokenizer", "GPTNeoXJapaneseTokenizer", "GPTSw3Tokenizer", "M2M100Tokenizer"}
    | {"MarianTokenizer", "MgpstrTokenizer", "MyT5Tokenizer", "PLBartTokenizer", "PerceiverTokenizer"}
    | {"PhobertTokenizer", "ProphetNetTokenizer", "RoCBertTokenizer", "SiglipTokenizer"}
    | {"Speech2TextTokenizer", "SpeechT5Tokenizer", "TapasTokenizer", "VitsTokenizer"}
    | {"Wav2Vec2CTCTokenizer", "Wav2Vec2PhonemeCTCTokenizer", "XLMTokenizer"}
)

# Python classes on BERT's basic tokenizer, whose `never_split` (the special tokens) keeps a special token that
# is a whole word of the text whole when special tokens are split (BertJapanese: its `basic` word tokenizer).
NEVER_SPLIT_CLASSES = frozenset({"BertJapaneseTokenizer", "ProphetNetTokenizer", "RoCBertTokenizer"})


def keeps_special_words(config: dict[str, Any]) -> bool:
    """Whether the class of `config` keeps whole special words when special tokens are split (the core's
    `split_keeps_special_words`): `NEVER_SPLIT_CLASSES`, BertJapanese with its basic words and WordPiece (its
    analysers only spare those words lower-casing, its characters cut them)."""
    name = str(config.get("tokenizer_class") or "").removesuffix("Fast")
    if name != "BertJapaneseTokenizer":
        return name in NEVER_SPLIT_CLASSES
    return (
        config.get("word_tokenizer_type", "basic") == "basic"
        and config.get("subword_tokenizer_type", "wordpiece") == "wordpiece"
    )


# CTC classes over a phoneme vocabulary (Wav2Vec2Phoneme): decode joins the phonemes with spaces after
# grouping repeats and dropping the pad token and the word delimiter (`_decoding.py`).
PHONEME_CTC_CLASSES = frozenset({"Wav2Vec2PhonemeCTCTokenizer"})

# Classes that put a blank token (id 0) between every two chars with `add_blank` (VITS): decode keeps every
# second token.
BLANK_CLASSES = frozenset({"VitsTokenizer"})
CLASS_VOCABULARY_FILES["VitsTokenizer"] = "vocab.json"
# fastBPE classes: vocab.txt and bpe.codes (`save_vocabulary` writes both).
CLASS_VOCABULARY_FILES |= {"PhobertTokenizer": "vocab.txt", "BertweetTokenizer": "vocab.txt"}
# fastBPE pieces and merges in vocab.json + merges.txt (CTRL, Blenderbot-90M; `save_vocabulary` writes both).
CLASS_VOCABULARY_FILES |= {"CTRLTokenizer": "vocab.json", "BlenderbotSmallTokenizer": "vocab.json"}
# Classes whose transformers class lower-cases a token before looking it up in the vocabulary
# (`convert_tokens_to_ids`; added tokens are looked up as written).
LOWER_CASED_LOOKUP = frozenset({"BlenderbotSmallTokenizer"})
CLASS_VOCABULARY_FILES["MgpstrTokenizer"] = "vocab.json"
CLASS_VOCABULARY_FILES["BartphoTokenizer"] = "dict.txt"  # and the SentencePiece model, copied
CLASS_VOCABULARY_FILES["ProphetNetTokenizer"] = "prophetnet.tokenizer"  # BERT's vocab.txt, renamed
# The Moses classes' Python class reads vocab.json + merges.txt back (the BPE files, `save_vocabulary`).
CLASS_VOCABULARY_FILES.update(
    XLMTokenizer="vocab.json", FlaubertTokenizer="vocab.json", BioGptTokenizer="vocab.json"
)

# BERT's vocab.txt (TAPAS) and GPT-2's vocab.json + merges.txt (CLVP), as `save_vocabulary` writes them.
CLASS_VOCABULARY_FILES |= {"TapasTokenizer": "vocab.txt", "ClvpTokenizer": "vocab.json"}
# The files of the Python classes over a SentencePiece model that `save_pretrained` copies from the folder
# the tokenizer was read from (ferrotok keeps no copy of their bytes), as the class writes them.
CLASS_MODEL_FILES = {
    "BertGenerationTokenizer": ("spiece.model",),
    "GPTSw3Tokenizer": ("spiece.model",),
    "SiglipTokenizer": ("spiece.model",),
    "SpeechT5Tokenizer": ("spm_char.model",),
    "PLBartTokenizer": ("sentencepiece.bpe.model",),
    "M2M100Tokenizer": ("vocab.json", "sentencepiece.bpe.model"),
    "Speech2TextTokenizer": ("vocab.json", "sentencepiece.bpe.model"),
}

# Classes whose `clean_up_tokenization_spaces` defaults to True in transformers 5 (False elsewhere).
_CLEAN_UP_BY_DEFAULT = frozenset({"PLBartTokenizer", "ProphetNetTokenizer", "TapasTokenizer"})


# Classes whose constructor sets a `model_max_length` of its own (else it stays unbounded).
_MODEL_MAX_LENGTH = {"MarianTokenizer": 512, "PerceiverTokenizer": 2048, "CanineTokenizer": 2048}
_MODEL_MAX_LENGTH |= {"SiglipTokenizer": 64, "Tipsv2Tokenizer": 64}
_MODEL_MAX_LENGTH |= {"TapasTokenizer": 512, "LayoutLMv2Tokenizer": 512}


# add_bos_token / add_eos_token of the classes that set them whatever the folder says (with a tokenizer.json).
_TOKENIZER_JSON_FLAGS = {"CodeLlamaTokenizer": {"add_bos_token": True}}


# The `additional_special_tokens` a class's constructor defaults to, from its configuration (the Rust loader
# adds them as tokens): T5's sentinels (`extra_ids` of them), XLNet's paragraph and document ends.
_CLASS_EXTRA_SPECIAL: dict[str, Callable[[dict[str, Any]], list[str]]] = {
    **dict.fromkeys(("XLMTokenizer", "FlaubertTokenizer"), lambda _: [f"<special{i}>" for i in range(10)]),
    "T5Tokenizer": lambda config: [f"<extra_id_{i}>" for i in range(int(config.get("extra_ids", 100)))],
    "XLNetTokenizer": lambda _: ["<eop>", "<eod>"],
}


def read_settings(
    directory: str,
    from_model: dict[str, Any] | None = None,
    core: Any = None,
    tokenizer_class: str | None = None,
) -> dict[str, Any]:
    """Keyword arguments for `FerroTokenizer.__init__` from a model folder's files, resolved as transformers 5
    does: the config files first, then (special tokens, sides, input names) the class defaults of
    `tokenizer_class`, then tokenizer.json's padding block. SentencePiece folders take their special tokens
    from the Rust converter (`from_model`, as `_core.load_folder` returns them), which applies the same rules
    and the class's extra tokens. `core`: the tokenizer loaded from the folder, if there is one.
    `tokenizer_class`: the class asked for (`BertTokenizer.from_pretrained`), over the config's."""
    config = _read_json(os.path.join(directory, CONFIG_FILE))
    if tokenizer_class:
        config["tokenizer_class"] = tokenizer_class
    merged = merged_config(directory)
    tokenizer_class = str(config.get("tokenizer_class") or "")
    defaults = _core.class_defaults(tokenizer_class) or _core.class_defaults("TokenizersBackend")
    assert defaults is not None  # the generic class is always in the table
    padding = _padding_block(directory, core)
    settings: dict[str, Any] = {"name_or_path": directory, "init_config": dict(config)}
    if os.path.isfile(os.path.join(directory, TOKENIZER_FILE)):
        # transformers ignores these beside a tokenizer.json (its template holds them); the classes that
        # pass their own default keep it (the Rust loader builds their template with it).
        for flag in ("add_bos_token", "add_eos_token"):
            settings["init_config"].pop(flag, None)
        settings["init_config"].update(_TOKENIZER_JSON_FLAGS.get(tokenizer_class.removesuffix("Fast"), {}))
    for key in ("model_max_length", "clean_up_tokenization_spaces", "split_special_tokens"):
        if config.get(key) is not None:
            settings[key] = config[key]
    if (
        "model_max_length" not in settings
        and "max_len" not in config
        and tokenizer_class in _MODEL_MAX_LENGTH
    ):
        settings["model_max_length"] = _MODEL_MAX_LENGTH[tokenizer_class]
    if "clean_up_tokenization_spaces" not in settings and tokenizer_class in _CLEAN_UP_BY_DEFAULT:
        settings["clean_up_tokenization_spaces"] = True
    if "model_max_length" not in settings and isinstance(config.get("max_len"), int):
        settings["model_max_length"] = config["max_len"]
    for key in ("padding_side", "truncation_side"):
        settings[key] = config.get(key) or _CLASS_SIDES.get(tokenizer_class, {}).get(key) or defaults[key]
    if "padding_side" not in config and padding.get("direction") in ("Left", "Right"):
        settings["padding_side"] = padding["direction"].lower()
    settings["model_input_names"] = config.get("model_input_names") or list(defaults["model_input_names"])
    if tokenizer_class.removesuffix("Fast") in _PAD_TYPE_IDS:
        settings["pad_token_type_id"] = _PAD_TYPE_IDS[tokenizer_class.removesuffix("Fast")]

    if from_model is not None:
        named, extra = from_model["named"], list(from_model["extra"])
    else:
        named = {}
        for key in SPECIAL_TOKENS_ATTRIBUTES:
            named[key] = token_content(merged[key]) if key in merged else defaults["specials"][key]
        if named.get("pad_token") is None and "pad_token" not in merged and padding.get("pad_token"):
            named["pad_token"] = padding["pad_token"]
        extra = merged.get("extra_special_tokens") or merged.get("additional_special_tokens") or []
        extra = [token_content(t) for t in extra] if isinstance(extra, list) else []
        if not ({"extra_special_tokens", "additional_special_tokens"} & merged.keys()):
            extra = _CLASS_EXTRA_SPECIAL.get(tokenizer_class.removesuffix("Fast"), lambda _: extra)(merged)
    for key, default in MODEL_SPECIAL_TOKENS.get(tokenizer_class.removesuffix("Fast"), {}).items():
        if named.get(key) is None:
            named[key] = token_content(merged[key]) if key in merged else default
    for key in _EXTRA_FROM_NAMED.get(tokenizer_class.removesuffix("Fast"), ()):
        if named.get(key) is not None and named[key] not in extra:
            extra = [*extra, named[key]]
    settings.update({k: v for k, v in named.items() if v is not None})
    settings.update(class_named_tokens(config))
    if extra:
        settings["extra_special_tokens"] = extra
    return settings


def class_named_tokens(config: dict[str, Any]) -> dict[str, str]:
    """The class's own named special tokens (Splinter's `question_token`) as transformers 5 sets them: it takes
    a plain-string config entry away before the constructor runs (adding it to the vocabulary as a model-specific
    token), so the attribute keeps the class default; an AddedToken entry (a dict) reaches the constructor."""
    tokenizer_class = str(config.get("tokenizer_class") or "").removesuffix("Fast")
    out = {}
    for key, default in CLASS_NAMED_TOKENS.get(tokenizer_class, {}).items():
        value = config.get(key)
        out[key] = (token_content(value) or default) if isinstance(value, dict) else default
    return out


def write_settings(directory: str, config: dict[str, Any], prefix: str = "") -> list[str]:
    """Write tokenizer_config.json (after `prefix`), which holds the special tokens too: transformers 5
    writes no special_tokens_map.json. Returns its path in a list."""
    path = os.path.join(directory, prefix + CONFIG_FILE)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(config, f, indent=2, sort_keys=True, ensure_ascii=False)
        f.write("\n")
    return [path]


_GENERIC_CLASSES = ("", "tokenizersbackend", "pretrainedtokenizerfast")


def prefix_space_document(document: str, tokenizer_class: object, add_prefix_space: bool) -> str | None:
    """The tokenizer.json `document` with its ByteLevel stages set to `add_prefix_space`, or None to keep it.

    Like transformers: model classes (GPT2Tokenizer, RobertaTokenizer...) rebuild their pipeline with the
    `add_prefix_space` argument, while the generic TokenizersBackend only records it.
    """
    if str(tokenizer_class or "").lower() in _GENERIC_CLASSES:
        return None
    doc = json.loads(document)
    changed = False
    for key in ("pre_tokenizer", "post_processor"):
        stage = doc.get(key)
        if not isinstance(stage, dict):
            continue
        stages = stage.get("pretokenizers") or stage.get("processors") or [stage]
        for item in stages:
            if isinstance(item, dict) and item.get("type") in ("ByteLevel", "RobertaProcessing"):
                item["add_prefix_space"] = add_prefix_space
                changed = True
    return json.dumps(doc) if changed else None


# FerroTokenizer.__init__'s own settings; other `from_pretrained` keyword arguments are config entries.
_SETTING_KEYS = frozenset(
    (
        "name_or_path",
        "model_max_length",
        "padding_side",
        "truncation_side",
        "model_input_names",
        "clean_up_tokenization_spaces",
        "split_special_tokens",
        "pad_token_type_id",
        "extra_special_tokens",
        "chat_template",
        *SPECIAL_TOKENS_ATTRIBUTES,
    )
)


def _as_json(value: Any) -> Any:
    """`value` as a tokenizer_config.json entry (an AddedToken as its dict), or raise TypeError."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, (list, tuple)):
        return [_as_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _as_json(v) for k, v in value.items()}
    content = getattr(value, "content", None)
    if isinstance(content, str):
        return {"content": content}
    raise TypeError(type(value).__name__)


def split_load_kwargs(
    kwargs: dict[str, Any], has_tokenizer_file: bool
) -> tuple[dict[str, Any], dict[str, Any], str]:
    """`from_pretrained`'s keyword arguments as (FerroTokenizer settings, new init_config entries, the JSON
    object the Rust loader writes over tokenizer_config.json).

    transformers merges these arguments over the config before the class builds its pipeline, so
    `do_lower_case=False` rebuilds a BERT normalizer exactly as the same entry in the file would. Beside a
    tokenizer.json, `add_bos_token` / `add_eos_token` are the exception: given as arguments they rebuild the
    template with `update_post_processor` (the caller's part), while the loader ignores the file's.
    """
    settings = {k: v for k, v in kwargs.items() if k in _SETTING_KEYS}
    entries = {k: v for k, v in kwargs.items() if k not in _SETTING_KEYS}
    overrides: dict[str, Any] = {}
    for key, value in kwargs.items():
        if has_tokenizer_file and key in ("add_bos_token", "add_eos_token"):
            continue
        try:
            overrides[key] = _as_json(value)
        except TypeError:  # not a config value (a callable, an object): the loader cannot use it
            continue
    return settings, entries, json.dumps(overrides)


def tokenizer_file_text(text: str) -> str:
    """The tokenizer.json text written to disk: jieba's pre-tokenizer (ferrotok's own stage, which the tokenizers
    library cannot read) written as BERT's, as transformers' RoFormerTokenizer saves it; its class puts jieba
    back at load."""
    if '"type": "Jieba"' not in text:
        return text
    document = json.loads(text)
    if document.get("pre_tokenizer") != {"type": "Jieba"}:
        return text
    document["pre_tokenizer"] = {"type": "BertPreTokenizer"}
    return json.dumps(document, ensure_ascii=False, indent=2)


CLASS_VOCABULARY_FILES["CpmTokenizer"] = "spiece.model"  # copied from the folder it was loaded from
