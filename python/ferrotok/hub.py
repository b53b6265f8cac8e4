"""Model ids ("org/name") resolved through `huggingface_hub`, the ecosystem's own resolver.

Everything transformers honours comes from huggingface_hub itself: the cache layout
(`models--org--name/{blobs,refs,snapshots}`), `HF_HOME` / `HF_HUB_CACHE`, `HF_HUB_OFFLINE`, saved tokens, and
the `revision`, `cache_dir`, `local_files_only`, `token` and `force_download` arguments. Only the files a
tokenizer reads are fetched. huggingface_hub is optional (`pip install 'ferrotok[hub]'`).
"""

from __future__ import annotations

import os
from typing import Any

# The files any supported tokenizer folder may use; the rest of a model repository (weights...) is skipped.
TOKENIZER_FILE_PATTERNS = [
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "added_tokens.json",
    "vocab.txt",
    "vocab.json",
    "merges.txt",
    "*.model",
    "chat_template.jinja",
    "additional_chat_templates/*.jinja",
    "config.json",
    # The other vocabulary files of the classes ferrotok reads (FSMT, Marian, PhoBERT, BARTpho, RoCBert,
    # MyT5, GPT-NeoX-Japanese, LUKE, ProphetNet), and RAG's two tokenizers.
    "*.spm",
    "bpe.codes",
    "dict.txt",
    "vocab-src.json",
    "vocab-tgt.json",
    "target_vocab.json",
    "emoji.json",
    "word_shape.json",
    "word_pronunciation.json",
    "byte_maps.json",
    "entity_vocab.json",
    "prophetnet.tokenizer",
    "question_encoder_tokenizer/*",
    "generator_tokenizer/*",
]
HUB_ARGUMENTS = ("cache_dir", "revision", "local_files_only", "token", "force_download", "subfolder")


def resolve_model_id(model_id: str, **options: Any) -> str:
    """The local snapshot folder holding `model_id`'s tokenizer files (downloaded when a hub is reachable and
    the cache lacks them). Any failure is an `OSError` naming the id, as in transformers."""
    try:
        from huggingface_hub import snapshot_download
        from huggingface_hub.errors import HFValidationError
        from huggingface_hub.utils import validate_repo_id
    except ImportError as exc:
        raise ImportError(
            f"{model_id!r} is not a local folder, and loading a model id needs huggingface_hub: "
            "`pip install 'ferrotok[hub]'` (or pass the path of a downloaded model folder)"
        ) from exc
    try:
        validate_repo_id(model_id)
    except HFValidationError as exc:
        # Neither a folder nor an id: FileNotFoundError (an OSError, which transformers raises here).
        raise FileNotFoundError(
            f"{model_id!r} is not a local folder and is not a valid model identifier ({exc})"
        ) from None
    subfolder = options.pop("subfolder", None) or ""
    patterns = [f"{subfolder}/{p}" if subfolder else p for p in TOKENIZER_FILE_PATTERNS]
    try:
        folder = snapshot_download(
            model_id,
            revision=options.get("revision"),
            cache_dir=options.get("cache_dir"),
            local_files_only=bool(options.get("local_files_only", False)),
            token=options.get("token"),
            force_download=bool(options.get("force_download", False)),
            allow_patterns=patterns,
        )
    except Exception as exc:  # huggingface_hub's errors: unknown repo or revision, offline miss, HTTP errors
        raise OSError(
            f"Can't load tokenizer for {model_id!r}"
            + (f" at revision {options['revision']!r}" if options.get("revision") else "")
            + f": {type(exc).__name__}: {exc}. If you were trying to load it from "
            "'https://huggingface.co/models', make sure you don't have a local directory with the same name. "
            f"Otherwise, make sure {model_id!r} is the correct path to a directory containing the tokenizer files, "
            "or that the model is in the Hugging Face cache when running offline."
        ) from exc
    folder = os.path.join(str(folder), subfolder) if subfolder else str(folder)
    names = os.listdir(folder) if os.path.isdir(folder) else []
    if not any(
        name.endswith(".model") or name in TOKENIZER_FILE_PATTERNS[:7] or name == "question_encoder_tokenizer"
        for name in names
    ):
        raise OSError(
            f"Can't load tokenizer for {model_id!r}: no tokenizer files in its snapshot folder {folder}"
        )
    return folder
