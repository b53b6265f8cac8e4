"""SentencePiece model folders built at test time (no model hub).

`sentencepiece` trains a small real model on the committed multilingual sample (so the normalization
charsmap is a real one); the folder gets a `tokenizer_config.json` naming a transformers class,
transformers converts it into its fast tokenizer and `save_pretrained` writes the tokenizer.json that
both ferrotok and transformers then load.
"""

from __future__ import annotations

import json
from pathlib import Path

from conftest import multilingual_lines

# name → (class, model file name, trainer options)
CONFIGS: dict[str, tuple[str, str, dict]] = {
    "t5_unigram": ("T5Tokenizer", "spiece.model", {"model_type": "unigram"}),
    "albert_unigram_nfkc_cf": (
        "AlbertTokenizer",
        "spiece.model",
        {"model_type": "unigram", "normalization_rule_name": "nfkc_cf"},
    ),
    "xlnet_unigram": ("XLNetTokenizer", "spiece.model", {"model_type": "unigram"}),
    "xlmr_unigram_split_digits": (
        "XLMRobertaTokenizer",
        "sentencepiece.bpe.model",
        {"model_type": "unigram", "split_digits": True},
    ),
    "camembert_unigram_identity": (
        "CamembertTokenizer",
        "sentencepiece.bpe.model",
        {"model_type": "unigram", "normalization_rule_name": "identity"},
    ),
    "t5_unigram_byte_fallback": (
        "T5Tokenizer",
        "spiece.model",
        {"model_type": "unigram", "byte_fallback": True},
    ),
    "t5_unigram_suffix": (
        "T5Tokenizer",
        "spiece.model",
        {"model_type": "unigram", "treat_whitespace_as_suffix": True},
    ),
    "llama_bpe_byte_fallback": (
        "LlamaTokenizer",
        "tokenizer.model",
        {"model_type": "bpe", "byte_fallback": True, "split_digits": True},
    ),
    "t5_bpe_nmt_nfkc": (
        "T5Tokenizer",
        "spiece.model",
        {"model_type": "bpe", "normalization_rule_name": "nmt_nfkc"},
    ),
}

# Special tokens per class, as the real models define them (ids 0..3 unless said otherwise).
SPECIALS = {
    "T5Tokenizer": {"pad_id": 0, "eos_id": 1, "unk_id": 2, "bos_id": -1},
    "AlbertTokenizer": {
        "pad_id": 0,
        "unk_id": 1,
        "bos_id": 2,
        "eos_id": 3,
        "bos_piece": "[CLS]",
        "eos_piece": "[SEP]",
        "user_defined_symbols": "[MASK]",
    },
    "XLNetTokenizer": {
        "unk_id": 0,
        "bos_id": 1,
        "eos_id": 2,
        "user_defined_symbols": "<sep>,<cls>,<pad>,<mask>",
    },
    "XLMRobertaTokenizer": {"bos_id": 0, "pad_id": 1, "eos_id": 2, "unk_id": 3},
    "CamembertTokenizer": {"bos_id": 0, "pad_id": 1, "eos_id": 2, "unk_id": 3},
    "LlamaTokenizer": {"unk_id": 0, "bos_id": 1, "eos_id": 2, "pad_id": -1},
}


def train_text() -> list[str]:
    return [line for _, line in multilingual_lines()][::2]


def train(folder: Path, name: str) -> Path:
    """Train config `name` into `folder/<model file>` and write the tokenizer_config.json."""
    import sentencepiece as spm

    cls, filename, options = CONFIGS[name]
    folder.mkdir(parents=True, exist_ok=True)
    model = spm.SentencePieceTrainer
    kwargs = dict(
        sentence_iterator=iter(train_text()),
        model_writer=None,
        vocab_size=1200,
        character_coverage=0.995,
        input_sentence_size=0,
        num_threads=1,
        minloglevel=2,
        hard_vocab_limit=False,
    )
    kwargs.update(SPECIALS[cls])
    kwargs.update(options)
    with open(folder / filename, "wb") as out:
        kwargs["model_writer"] = out
        model.train(**kwargs)
    (folder / "tokenizer_config.json").write_text(json.dumps({"tokenizer_class": cls}))
    return folder


def converted(spm_folder: Path, out: Path) -> Path:
    """transformers' conversion of a SentencePiece folder, saved as tokenizer.json + configs."""
    import transformers

    tok = transformers.AutoTokenizer.from_pretrained(str(spm_folder))
    tok.save_pretrained(str(out))
    for name in ("spiece.model", "sentencepiece.bpe.model", "tokenizer.model"):
        (out / name).unlink(missing_ok=True)
    return out
