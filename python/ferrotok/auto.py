"""`AutoTokenizer`: transformers' entry point, for local folders and Hugging Face model ids."""

from __future__ import annotations

import os
from typing import Any

from . import _rag
from .hub import HUB_ARGUMENTS, resolve_model_id
from .tokenization import FerroTokenizer

# transformers' loading arguments that change nothing here.
IGNORED_ARGUMENTS = ("use_fast", "trust_remote_code", "proxies", "use_auth_token", "_from_pipeline")


class AutoTokenizer:
    """Loads a `FerroTokenizer` from a model folder or a model id; not instantiable."""

    def __init__(self) -> None:
        raise OSError(
            "AutoTokenizer is designed to be instantiated with `AutoTokenizer.from_pretrained(path)`."
        )

    @classmethod
    def from_pretrained(
        cls, pretrained_model_name_or_path: str | os.PathLike[str], *inputs: Any, **kwargs: Any
    ) -> FerroTokenizer:
        """Load the tokenizer of a local folder (tokenizer.json, or vocab.txt / vocab.json + merges.txt), a
        tokenizer.json file, or a model id ("org/name") through the Hugging Face cache (`huggingface_hub`).

        `cache_dir`, `revision`, `local_files_only`, `token`, `force_download` and `subfolder` choose what is
        resolved; transformers-only arguments that change nothing here (use_fast, trust_remote_code,
        proxies...) are accepted and ignored; the others set the tokenizer's settings (model_max_length,
        padding_side, pad_token, chat_template, ...).
        """
        if inputs:
            raise TypeError("AutoTokenizer.from_pretrained takes the folder and keyword arguments only")
        path = os.fspath(pretrained_model_name_or_path)
        if not isinstance(path, str):
            raise TypeError(
                f"pretrained_model_name_or_path: expected str or PathLike, got {type(path).__name__}"
            )
        hub_options = {key: kwargs.pop(key) for key in HUB_ARGUMENTS if key in kwargs}
        for ignored in IGNORED_ARGUMENTS:
            kwargs.pop(ignored, None)
        if os.path.isdir(path):
            subfolder = hub_options.get("subfolder")
            if not subfolder and _rag.is_rag_folder(path):
                return _rag.RagTokenizer.from_pretrained(path, **kwargs)  # type: ignore[return-value]
            return _as_named(
                FerroTokenizer.from_pretrained(os.path.join(path, subfolder) if subfolder else path, **kwargs)
            )
        if os.path.isfile(path):
            if os.path.basename(path).endswith(".json"):
                return _as_named(FerroTokenizer.from_file(path, **kwargs))
            raise OSError(f"{path}: expected a model folder or a tokenizer.json file")
        folder = resolve_model_id(path, **hub_options)
        if not hub_options.get("subfolder") and _rag.is_rag_folder(folder):
            return _rag.RagTokenizer.from_pretrained(folder, **kwargs)  # type: ignore[return-value]
        tokenizer = _as_named(FerroTokenizer.from_pretrained(folder, **kwargs))
        tokenizer.name_or_path = path  # transformers keeps the id, not the snapshot path
        return tokenizer


def _as_named(tokenizer: FerroTokenizer) -> FerroTokenizer:
    """The tokenizer as an instance of the class transformers' AutoTokenizer gives for it (`BertTokenizer`,
    `TokenizersBackend` for a lone tokenizer.json, ...): the named classes only add constructors, so the
    loaded object changes class and nothing else."""
    from .classes import named_class

    made = named_class(str(tokenizer._init_config.get("tokenizer_class") or "TokenizersBackend"))
    if made is not None:
        tokenizer.__class__ = made
    return tokenizer
