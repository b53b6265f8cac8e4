"""Reading and writing the settings files beside tokenizer.json (tokenizer_config.json, special_tokens_map.json).

Only the Python-level settings live here (lengths, sides, special-token names); everything that changes how
text becomes ids (do_lower_case, vocab, added tokens...) is the Rust loader's business.
"""

from __future__ import annotations

import json
import os
from typing import Any

SPECIAL_TOKENS_ATTRIBUTES = (
    "bos_token",
    "eos_token",
    "unk_token",
    "sep_token",
    "pad_token",
    "cls_token",
    "mask_token",
)
CONFIG_FILE = "tokenizer_config.json"
SPECIAL_TOKENS_MAP_FILE = "special_tokens_map.json"
TOKENIZER_FILE = "tokenizer.json"

# Classes whose models take no token_type_ids (transformers' per-class `model_input_names`).
_NO_TYPE_IDS_CLASSES = (
    "gpt2",
    "roberta",
    "llama",
    "bart",
    "bloom",
    "codegen",
    "gptneox",
    "gpt_neox",
    "mistral",
    "qwen",
    "t5",
    "whisper",
    "xlmroberta",
    "camembert",
    "distilbert",
    "longformer",
    "mpnet",
    "gemma",
    "opt",
    "falcon",
    "phi",
    "mbart",
    "marian",
    "pegasus",
    "clip",
    "albert",
    "xlnet",
    "pretrained",  # PreTrainedTokenizerFast: transformers' base default has no token_type_ids
)
DEFAULT_MODEL_INPUT_NAMES = ["input_ids", "token_type_ids", "attention_mask"]
# Classes whose transformers default `padding_side` is "left".
_LEFT_PADDING_CLASSES = ("xlnet", "llama")


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
    raw = str(tokenizer_class or "").lower()
    if raw == "tokenizersbackend":  # transformers' generic class: its default has no token_type_ids
        return ["input_ids", "attention_mask"]
    name = raw.replace("tokenizerfast", "").replace("tokenizer", "")
    if any(name.startswith(prefix) for prefix in _NO_TYPE_IDS_CLASSES):
        return ["input_ids", "attention_mask"]
    return list(DEFAULT_MODEL_INPUT_NAMES)


def read_settings(directory: str) -> dict[str, Any]:
    """Keyword arguments for `FerroTokenizer.__init__` from a model folder's config files."""
    config = _read_json(os.path.join(directory, CONFIG_FILE))
    special_map = _read_json(os.path.join(directory, SPECIAL_TOKENS_MAP_FILE))
    settings: dict[str, Any] = {"name_or_path": directory, "init_config": dict(config)}
    for key in ("model_max_length", "padding_side", "truncation_side", "clean_up_tokenization_spaces"):
        if config.get(key) is not None:
            settings[key] = config[key]
    if "padding_side" not in settings:
        name = str(config.get("tokenizer_class") or "").lower()
        if any(name.startswith(prefix) for prefix in _LEFT_PADDING_CLASSES):
            settings["padding_side"] = "left"
    if "model_max_length" not in settings and isinstance(config.get("max_len"), int):
        settings["model_max_length"] = config["max_len"]
    settings["model_input_names"] = config.get("model_input_names") or default_model_input_names(
        config.get("tokenizer_class")
    )
    # special_tokens_map.json wins over tokenizer_config.json, as in transformers.
    for source in (config, special_map):
        for key in SPECIAL_TOKENS_ATTRIBUTES:
            if source.get(key) is not None:
                settings[key] = token_content(source[key])
        extra = source.get("extra_special_tokens") or source.get("additional_special_tokens")
        if isinstance(extra, list) and extra:
            settings["extra_special_tokens"] = [token_content(t) for t in extra]
    return settings


def write_settings(directory: str, config: dict[str, Any], special_map: dict[str, Any]) -> list[str]:
    """Write tokenizer_config.json and special_tokens_map.json; return their paths."""
    paths = []
    for name, data in ((CONFIG_FILE, config), (SPECIAL_TOKENS_MAP_FILE, special_map)):
        path = os.path.join(directory, name)
        with open(path, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=2, sort_keys=True, ensure_ascii=False)
            f.write("\n")
        paths.append(path)
    return paths


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
