"""SentencePiece models trained at test time (the `sentencepiece` wheel, about a second each) on the committed
multilingual sample, and legacy folders built from them: the model file under the name the class expects,
plus a tokenizer_config.json naming the class.

The models cover what real checkpoints use: unigram with the default nmt_nfkc charsmap (T5, XLM-R, XLNet…),
BPE with byte fallback, identity normalization and split digits (Llama), an ALBERT-like unigram with
`[CLS] [SEP] [MASK]` control pieces and pad/unk first, and a BPE model with user-defined pieces.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from conftest import multilingual_lines

# name -> SentencePieceTrainer options
MODELS: dict[str, dict[str, Any]] = {
    "unigram": {"model_type": "unigram", "vocab_size": 2000, "character_coverage": 1.0},
    "bpe_fallback": {
        "model_type": "bpe",
        "vocab_size": 1500,
        "byte_fallback": True,
        "character_coverage": 0.9995,
        "normalization_rule_name": "identity",
        "remove_extra_whitespaces": False,
        "split_digits": True,
    },
    "albert": {
        "model_type": "unigram",
        "vocab_size": 2000,
        "character_coverage": 1.0,
        "normalization_rule_name": "nmt_nfkc_cf",
        "pad_id": 0,
        "unk_id": 1,
        "bos_id": -1,
        "eos_id": -1,
        "control_symbols": ["[CLS]", "[SEP]", "[MASK]"],
    },
    # Pegasus's layout: pad, eos, unk first and no bos.
    "pegasus": {
        "model_type": "unigram",
        "vocab_size": 2000,
        "character_coverage": 1.0,
        "pad_id": 0,
        "eos_id": 1,
        "unk_id": 2,
        "bos_id": -1,
    },
    # SeamlessM4T's language codes as pieces of the model (real checkpoints have them).
    "seamless": {
        "model_type": "bpe",
        "vocab_size": 1500,
        "character_coverage": 1.0,
        "user_defined_symbols": ["__eng__", "__fra__", "__deu__"],
    },
    "bpe_user": {
        "model_type": "bpe",
        "vocab_size": 1500,
        "character_coverage": 0.9995,
        "user_defined_symbols": ["<ud>", "@@"],
    },
}

# Model file name each class looks for (transformers' `vocab_files_names`).
MODEL_FILE = {
    "T5Tokenizer": "spiece.model",
    "XLNetTokenizer": "spiece.model",
    "AlbertTokenizer": "spiece.model",
    "BigBirdTokenizer": "spiece.model",
    "XLMRobertaTokenizer": "sentencepiece.bpe.model",
    "CamembertTokenizer": "sentencepiece.bpe.model",
    "MBartTokenizer": "sentencepiece.bpe.model",
    "MBart50Tokenizer": "sentencepiece.bpe.model",
    "LlamaTokenizer": "tokenizer.model",
    "CodeLlamaTokenizer": "tokenizer.model",
    "DebertaV2Tokenizer": "spm.model",
    "TokenizersBackend": "tokenizer.model",
    "ReformerTokenizer": "spiece.model",
    "RemBertTokenizer": "sentencepiece.model",
    "BarthezTokenizer": "sentencepiece.bpe.model",
    "NllbTokenizer": "sentencepiece.bpe.model",
    "FNetTokenizer": "spiece.model",
    "GemmaTokenizer": "tokenizer.model",
    "PegasusTokenizer": "spiece.model",
    "UdopTokenizer": "spiece.model",
    "VideoPrismTokenizer": "spiece.model",
    "LasrTokenizer": "spiece.model",
    "ParakeetTokenizer": "tokenizer.model",
    "LayoutXLMTokenizer": "sentencepiece.bpe.model",
    "SeamlessM4TTokenizer": "sentencepiece.bpe.model",
}


def train_all(workdir: Path) -> dict[str, Path]:
    """Train every model of MODELS into `workdir`; returns name -> .model path."""
    import sentencepiece as spm

    corpus = workdir / "corpus.txt"
    corpus.write_text("\n".join(line for _, line in multilingual_lines()) + "\n", encoding="utf-8")
    out = {}
    for name, options in MODELS.items():
        prefix = workdir / name
        spm.SentencePieceTrainer.train(
            input=str(corpus), model_prefix=str(prefix), minloglevel=2, num_threads=1, **options
        )
        out[name] = prefix.with_suffix(".model")
    return out


def folder(root: Path, model: Path, tokenizer_class: str, name: str, **config: Any) -> Path:
    """A legacy folder: `model` under the class's file name and a tokenizer_config.json."""
    directory = root / name
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    shutil.copy(model, directory / MODEL_FILE[tokenizer_class])
    (directory / "tokenizer_config.json").write_text(
        json.dumps({"tokenizer_class": tokenizer_class, **config}), encoding="utf-8"
    )
    return directory
