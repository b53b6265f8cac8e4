"""Folders of the Moses-tokenized classes (XLMTokenizer, FlaubertTokenizer, BioGptTokenizer), built at
test time.

The shape of their hub models: vocab.json with the special tokens first (`<s>`, `</s>`, `<pad>`, `<unk>`,
`<special0>` .. `<special9>`; BioGPT's `<s>`, `<pad>`, `</s>`, `<unk>`), then BPE pieces with `</w>` word ends; merges.txt with one `a b count`
line per merge (no header). The vocabulary and merges are learnt here with Hugging Face `tokenizers`
from the committed multilingual sample, tokenized with sacremoses the way the class tokenizes.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

from conftest import multilingual_lines

CLASSES = ("XLMTokenizer", "FlaubertTokenizer", "BioGptTokenizer")
SPECIALS = ["<s>", "</s>", "<pad>", "<unk>", *[f"<special{i}>" for i in range(10)]]
# BioGPT's vocab.json starts with fairseq's four.
BIOGPT_SPECIALS = ["<s>", "<pad>", "</s>", "<unk>"]

EXTRA_LINES = [
    "The quick brown fox jumps over the lazy dog; it's 3,000.50 km away -- isn't it?",
    "Mr. Smith paid $5 for the state-of-the-art A&B widgets (e.g. 2x) at www.example.com/path.",
    "« Bonjour », dit-il : l'école n'est pas là… C'est l'été !",
]


def _words(tokenizer_class: str, lines: list[str]) -> list[str]:
    import sacremoses

    lang = "fr" if tokenizer_class == "FlaubertTokenizer" else "en"
    norm = sacremoses.MosesPunctNormalizer(lang=lang)
    moses = sacremoses.MosesTokenizer(lang=lang)
    out = []
    for line in lines:
        if tokenizer_class == "BioGptTokenizer":
            out.append(" ".join(moses.tokenize(line, aggressive_dash_splits=True, escape=True)))
            continue
        words = moses.tokenize(norm.normalize(line), escape=False)
        if tokenizer_class == "XLMTokenizer":
            words = [
                "".join(c for c in unicodedata.normalize("NFD", w.lower()) if unicodedata.category(c) != "Mn")
                for w in words
            ]
        out.append(" ".join(w for w in words if w))
    return out


def build(folder: Path, tokenizer_class: str, vocab_size: int = 700, **config: object) -> Path:
    """A folder of `tokenizer_class` with a BPE learnt from the multilingual sample."""
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers

    folder.mkdir(parents=True, exist_ok=True)
    lines = [line for _, line in multilingual_lines()] + EXTRA_LINES
    tok = Tokenizer(models.BPE(unk_token="<unk>", end_of_word_suffix="</w>"))
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=BIOGPT_SPECIALS if tokenizer_class == "BioGptTokenizer" else SPECIALS,
        end_of_word_suffix="</w>",
        show_progress=False,
    )
    tok.train_from_iterator(_words(tokenizer_class, lines), trainer=trainer)
    model = json.loads(tok.to_str())["model"]
    vocab = dict(sorted(model["vocab"].items(), key=lambda kv: kv[1]))
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False, indent=2), encoding="utf-8")
    merges = [" ".join(m) if isinstance(m, list) else m for m in model["merges"]]
    count = len(merges) + 100
    (folder / "merges.txt").write_text(
        "".join(f"{m} {count - i}\n" for i, m in enumerate(merges)), encoding="utf-8"
    )
    (folder / "tokenizer_config.json").write_text(
        json.dumps({"tokenizer_class": tokenizer_class, **config}), encoding="utf-8"
    )
    return folder


def herbert(folder: Path, vocab_size: int = 2500, **config: object) -> Path:
    """A HerbertTokenizer folder: BERT's normalizer (cased) and pre-tokenizer, a BPE with `</w>` ends, vocab.json
    with `<s>`, `<pad>`, `</s>`, `<unk>`, `<mask>` first and merges.txt after a `#version` header."""
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, trainers

    folder.mkdir(parents=True, exist_ok=True)
    lines = [line for _, line in multilingual_lines()] + EXTRA_LINES
    tok = Tokenizer(models.BPE(unk_token="<unk>", end_of_word_suffix="</w>"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=False, strip_accents=False)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=["<s>", "<pad>", "</s>", "<unk>", "<mask>"],
        end_of_word_suffix="</w>",
        show_progress=False,
    )
    tok.train_from_iterator(lines, trainer=trainer)
    model = json.loads(tok.to_str())["model"]
    vocab = dict(sorted(model["vocab"].items(), key=lambda kv: kv[1]))
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    merges = [" ".join(m) if isinstance(m, list) else m for m in model["merges"]]
    (folder / "merges.txt").write_text(
        "#version: 0.2\n" + "".join(f"{m}\n" for m in merges), encoding="utf-8"
    )
    (folder / "tokenizer_config.json").write_text(
        json.dumps({"tokenizer_class": "HerbertTokenizer", **config}), encoding="utf-8"
    )
    return folder


def _fsmt_words(lines: list[str], lang: str, lower: bool) -> list[str]:
    """The words FSMTTokenizer cuts: XLM's text preparation and the Moses tokenizer with dash splits and
    XML escapes, in the source language."""
    import sacremoses
    from transformers.models.fsmt.tokenization_fsmt import remove_non_printing_char, replace_unicode_punct

    norm = sacremoses.MosesPunctNormalizer(lang=lang)
    moses = sacremoses.MosesTokenizer(lang=lang)
    out = []
    for line in lines:
        text = line.lower() if lower else line
        text = remove_non_printing_char(norm.normalize(replace_unicode_punct(text)))
        out.append(" ".join(moses.tokenize(text, aggressive_dash_splits=True, escape=True)))
    return out


def fsmt(
    folder: Path, vocab_size: int = 2500, langs: tuple[str, str] = ("en", "de"), **config: object
) -> Path:
    """An FSMTTokenizer folder of the facebook/wmt19-* shape: vocab-src.json and vocab-tgt.json (fairseq's
    `<s>`, `<pad>`, `</s>`, `<unk>` first, then BPE pieces with `</w>` word ends), one merges.txt with a count
    after each pair, and tokenizer_config.json with `langs`. The target vocabulary holds the source pieces in
    another order, less the last 50, so that decoding shows which one it reads."""
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers

    folder.mkdir(parents=True, exist_ok=True)
    lines = [line for _, line in multilingual_lines()] + EXTRA_LINES
    tok = Tokenizer(models.BPE(unk_token="<unk>", end_of_word_suffix="</w>"))
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=BIOGPT_SPECIALS,
        end_of_word_suffix="</w>",
        show_progress=False,
    )
    lower = bool(config.get("do_lower_case", False))
    tok.train_from_iterator(_fsmt_words(lines, langs[0], lower), trainer=trainer)
    model = json.loads(tok.to_str())["model"]
    pieces = [t for t, _ in sorted(model["vocab"].items(), key=lambda kv: kv[1])]
    source = {t: i for i, t in enumerate(pieces)}
    rest = pieces[len(BIOGPT_SPECIALS) : -50]
    target = {t: i for i, t in enumerate([*BIOGPT_SPECIALS, *rest[1::2], *rest[::2]])}
    for name, vocab in (("vocab-src.json", source), ("vocab-tgt.json", target)):
        (folder / name).write_text(json.dumps(vocab, ensure_ascii=False, indent=2), encoding="utf-8")
    merges = [" ".join(m) if isinstance(m, list) else m for m in model["merges"]]
    count = len(merges) + 100
    (folder / "merges.txt").write_text(
        "".join(f"{m} {count - i}\n" for i, m in enumerate(merges)), encoding="utf-8"
    )
    settings = {"tokenizer_class": "FSMTTokenizer", "langs": list(langs), "model_max_length": 1024, **config}
    (folder / "tokenizer_config.json").write_text(json.dumps(settings), encoding="utf-8")
    return folder
