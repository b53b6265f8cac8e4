"""transformers' `RagTokenizer`: a question-encoder tokenizer for the inputs and a generator tokenizer for
decoding (and for targets after `_switch_to_target_mode`), each loaded from its subfolder of the model."""

from __future__ import annotations

import json
import os
from typing import Any

QUESTION_ENCODER = "question_encoder_tokenizer"
GENERATOR = "generator_tokenizer"


def _read_json(path: str) -> dict[str, Any]:
    try:
        with open(path, encoding="utf-8") as f:
            value = json.load(f)
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def is_rag_folder(folder: str) -> bool:
    """Whether `folder` is a RAG model's: its config names RAG and both subfolders are there."""
    named = (
        str(_read_json(os.path.join(folder, "tokenizer_config.json")).get("tokenizer_class") or "")
        == "RagTokenizer"
        or _read_json(os.path.join(folder, "config.json")).get("model_type") == "rag"
    )
    return named and all(os.path.isdir(os.path.join(folder, sub)) for sub in (QUESTION_ENCODER, GENERATOR))


class RagTokenizer:
    """The two tokenizers of a RAG model; calls go to the current one (the question encoder's at first),
    decoding to the generator's."""

    def __init__(self, question_encoder: Any, generator: Any) -> None:
        self.question_encoder = question_encoder
        self.generator = generator
        self.current_tokenizer = self.question_encoder

    @classmethod
    def from_pretrained(
        cls, pretrained_model_name_or_path: str | os.PathLike[str], **kwargs: Any
    ) -> RagTokenizer:
        from .auto import AutoTokenizer

        kwargs.pop("config", None)  # transformers' RagConfig: the subfolders' files say what they need
        kwargs.pop("subfolder", None)
        return cls(
            question_encoder=AutoTokenizer.from_pretrained(
                pretrained_model_name_or_path, subfolder=QUESTION_ENCODER, **kwargs
            ),
            generator=AutoTokenizer.from_pretrained(
                pretrained_model_name_or_path, subfolder=GENERATOR, **kwargs
            ),
        )

    def save_pretrained(self, save_directory: str | os.PathLike[str]) -> None:
        if os.path.isfile(save_directory):
            raise ValueError(f"Provided path ({save_directory}) should be a directory, not a file")
        os.makedirs(save_directory, exist_ok=True)
        self.question_encoder.save_pretrained(os.path.join(save_directory, QUESTION_ENCODER))
        self.generator.save_pretrained(os.path.join(save_directory, GENERATOR))

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.current_tokenizer(*args, **kwargs)

    def batch_decode(self, *args: Any, **kwargs: Any) -> Any:
        return self.generator.batch_decode(*args, **kwargs)

    def decode(self, *args: Any, **kwargs: Any) -> Any:
        return self.generator.decode(*args, **kwargs)

    def _switch_to_input_mode(self) -> None:
        self.current_tokenizer = self.question_encoder

    def _switch_to_target_mode(self) -> None:
        self.current_tokenizer = self.generator
