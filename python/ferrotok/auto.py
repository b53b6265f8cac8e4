"""`AutoTokenizer`: transformers' entry point, restricted to local folders (ferrotok never goes online)."""

from __future__ import annotations

import os
from typing import Any

from .tokenization import FerroTokenizer


class AutoTokenizer:
    """Loads a `FerroTokenizer` from a local model folder; not instantiable."""

    def __init__(self) -> None:
        raise OSError(
            "AutoTokenizer is designed to be instantiated with `AutoTokenizer.from_pretrained(path)`."
        )

    @classmethod
    def from_pretrained(
        cls, pretrained_model_name_or_path: str | os.PathLike[str], *inputs: Any, **kwargs: Any
    ) -> FerroTokenizer:
        """Load the tokenizer of a local folder (tokenizer.json, or vocab.txt / vocab.json + merges.txt).

        transformers-only keyword arguments that do not apply offline (revision, cache_dir, use_fast,
        trust_remote_code, token, local_files_only...) are accepted and ignored; the others set the
        tokenizer's settings (model_max_length, padding_side, pad_token, ...).
        """
        if inputs:
            raise TypeError("AutoTokenizer.from_pretrained takes the folder and keyword arguments only")
        path = os.fspath(pretrained_model_name_or_path)
        if not isinstance(path, str):
            raise TypeError(
                f"pretrained_model_name_or_path: expected str or PathLike, got {type(path).__name__}"
            )
        for ignored in (
            "use_fast",
            "revision",
            "cache_dir",
            "force_download",
            "local_files_only",
            "token",
            "trust_remote_code",
            "subfolder",
            "proxies",
        ):
            kwargs.pop(ignored, None)
        if not os.path.isdir(path):
            if os.path.isfile(path):
                if os.path.basename(path).endswith(".json"):
                    return FerroTokenizer.from_file(path, **kwargs)
                raise OSError(f"{path}: expected a model folder or a tokenizer.json file")
            # FileNotFoundError is an OSError, which transformers raises here.
            raise FileNotFoundError(
                f"{path!r} is not a local folder. ferrotok has no network or Hugging Face Hub access: download "
                "the model elsewhere (e.g. `huggingface-cli download`) and pass the folder that holds "
                "tokenizer.json (or vocab.txt / vocab.json + merges.txt)."
            )
        return FerroTokenizer.from_pretrained(path, **kwargs)
