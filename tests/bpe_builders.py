"""Build BPE model folders at test time with Hugging Face `tokenizers` (the reference implementation).

Each builder writes into a caller-given folder and returns it, so the same folder is loaded by both
ferrotok and transformers. Vocabularies are trained on the committed multilingual sample (small, fast).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
GPT2_DIR = FIXTURES / "gpt2"

# The pre-tokenizer pattern of Llama-3 / Qwen-2 style tokenizer.json files.
LLAMA3_PATTERN = (
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+"
    r"|\s+(?!\S)|\s+"
)
CLIP_PATTERN = (
    r"""<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+"""
)
CHAT_SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]


def write_json(path: Path, value: object) -> None:
    path.write_text(json.dumps(value, ensure_ascii=False, indent=1), encoding="utf-8")


def save_with_config(folder: Path, tok: object, config: dict) -> None:
    """Write `tok` as folder/tokenizer.json next to a tokenizer_config.json holding `config`."""
    folder.mkdir(parents=True, exist_ok=True)
    tok.save(str(folder / "tokenizer.json"))  # type: ignore[attr-defined]
    write_json(folder / "tokenizer_config.json", config)


def gpt2_legacy(folder: Path, **config_overrides: object) -> Path:
    """The committed GPT-2 vocab.json + merges.txt, with tokenizer_config.json keys overridden."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("vocab.json", "merges.txt", "special_tokens_map.json", "tokenizer_config.json"):
        shutil.copy(GPT2_DIR / name, folder / name)
    config = json.loads((GPT2_DIR / "tokenizer_config.json").read_text(encoding="utf-8"))
    config.update(config_overrides)
    write_json(folder / "tokenizer_config.json", config)
    return folder


def roberta_legacy(folder: Path) -> Path:
    """RobertaTokenizer legacy files on GPT-2's vocabulary: its specials are not in vocab.json."""
    gpt2_legacy(
        folder,
        tokenizer_class="RobertaTokenizer",
        bos_token="<s>",
        eos_token="</s>",
        sep_token="</s>",
        cls_token="<s>",
        unk_token="<unk>",
        pad_token="<pad>",
        mask_token="<mask>",
        model_max_length=512,
    )
    (folder / "special_tokens_map.json").unlink()
    return folder


def gpt2_saved_by_transformers(folder: Path) -> Path:
    """GPT-2 as transformers writes it: tokenizer.json + configs, from the legacy files."""
    import transformers

    transformers.AutoTokenizer.from_pretrained(str(GPT2_DIR)).save_pretrained(str(folder))
    return folder


def _gpt2_bpe():
    from tokenizers.models import BPE

    return BPE.from_file(str(GPT2_DIR / "vocab.json"), str(GPT2_DIR / "merges.txt"))


def roberta_json(folder: Path, *, trim_offsets: bool, add_prefix_space: bool) -> Path:
    """RoBERTa-style tokenizer.json on GPT-2's vocabulary: ByteLevel + RobertaProcessing, `<mask>` lstrip."""
    from tokenizers import AddedToken, Tokenizer, decoders, pre_tokenizers, processors

    tok = Tokenizer(_gpt2_bpe())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=add_prefix_space)
    tok.decoder = decoders.ByteLevel()
    tok.add_special_tokens(["<s>", "<pad>", "</s>", "<unk>"])
    tok.add_special_tokens([AddedToken("<mask>", lstrip=True, rstrip=False, normalized=False, special=True)])
    tok.post_processor = processors.RobertaProcessing(
        ("</s>", tok.token_to_id("</s>")),
        ("<s>", tok.token_to_id("<s>")),
        trim_offsets=trim_offsets,
        add_prefix_space=add_prefix_space,
    )
    save_with_config(
        folder,
        tok,
        {
            "tokenizer_class": "PreTrainedTokenizerFast",
            "bos_token": "<s>",
            "eos_token": "</s>",
            "sep_token": "</s>",
            "cls_token": "<s>",
            "unk_token": "<unk>",
            "pad_token": "<pad>",
            "mask_token": "<mask>",
            "model_max_length": 512,
        },
    )
    return folder


def _train(tok, texts: Iterable[str], **trainer_kwargs: object) -> None:
    from tokenizers.trainers import BpeTrainer

    tok.train_from_iterator(list(texts), BpeTrainer(show_progress=False, **trainer_kwargs))


def clip_legacy(folder: Path, texts: Iterable[str]) -> Path:
    """CLIP-style classic BPE (`</w>` suffix on a byte-level alphabet): vocab.json + merges.txt."""
    from tokenizers import Regex, Tokenizer, normalizers, pre_tokenizers
    from tokenizers.models import BPE

    tok = Tokenizer(BPE(end_of_word_suffix="</w>", unk_token="<|endoftext|>"))
    tok.normalizer = normalizers.Sequence(
        [normalizers.NFC(), normalizers.Replace(Regex(r"\s+"), " "), normalizers.Lowercase()]
    )
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Split(Regex(CLIP_PATTERN), behavior="removed", invert=True),
            pre_tokenizers.ByteLevel(add_prefix_space=False),
        ]
    )
    _train(
        tok,
        texts,
        vocab_size=3000,
        end_of_word_suffix="</w>",
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        special_tokens=["<|startoftext|>", "<|endoftext|>"],
    )
    folder.mkdir(parents=True, exist_ok=True)
    tok.model.save(str(folder))
    write_json(
        folder / "tokenizer_config.json",
        {
            "tokenizer_class": "CLIPTokenizer",
            "bos_token": "<|startoftext|>",
            "eos_token": "<|endoftext|>",
            "unk_token": "<|endoftext|>",
            "pad_token": "<|endoftext|>",
            "model_max_length": 77,
        },
    )
    return folder


def clip_saved_by_transformers(legacy: Path, folder: Path) -> Path:
    """The CLIP folder above as transformers saves it (tokenizer.json + configs)."""
    import transformers

    transformers.AutoTokenizer.from_pretrained(str(legacy)).save_pretrained(str(folder))
    return folder


def qwen_json(folder: Path, texts: Iterable[str]) -> Path:
    """Qwen / Llama-3 style: NFC, Split(pattern, Isolated) + ByteLevel(no regex), ByteLevel post-processor."""
    from tokenizers import Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import BPE

    tok = Tokenizer(BPE())
    tok.normalizer = normalizers.NFC()
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Split(Regex(LLAMA3_PATTERN), behavior="isolated", invert=False),
            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
        ]
    )
    tok.decoder = decoders.ByteLevel()
    tok.post_processor = processors.ByteLevel(trim_offsets=False)
    _train(
        tok, texts, vocab_size=4000, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), special_tokens=[]
    )
    tok.add_special_tokens(CHAT_SPECIALS)
    save_with_config(
        folder,
        tok,
        {
            "tokenizer_class": "PreTrainedTokenizerFast",
            "eos_token": "<|im_end|>",
            "pad_token": "<|endoftext|>",
            "model_max_length": 32768,
        },
    )
    return folder


BYTE_TOKENS = [f"<0x{b:02X}>" for b in range(256)]


def llama2_json(folder: Path, texts: Iterable[str], *, style: str) -> Path:
    """Llama-2 style BPE with byte fallback and `▁` spaces.

    style "normalizer": Prepend("▁") + Replace(" ", "▁") normalizers, no pre-tokenizer (older files);
    style "metaspace": Metaspace(prepend_scheme="first", split=False) pre-tokenizer (newer files).
    """
    from tokenizers import AddedToken, Tokenizer, decoders, normalizers, pre_tokenizers
    from tokenizers.models import BPE

    trainer_tok = Tokenizer(BPE())
    trainer_tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="first")
    _train(trainer_tok, texts, vocab_size=3000, limit_alphabet=150, special_tokens=[])
    learned = json.loads(trainer_tok.to_str())["model"]
    vocab = {"<unk>": 0, "<s>": 1, "</s>": 2}
    for token in BYTE_TOKENS:
        vocab[token] = len(vocab)
    for token, _ in sorted(learned["vocab"].items(), key=lambda kv: kv[1]):
        vocab.setdefault(token, len(vocab))
    merges = [tuple(m.split(" ", 1)) if isinstance(m, str) else tuple(m) for m in learned["merges"]]

    tok = Tokenizer(BPE(vocab=vocab, merges=merges, unk_token="<unk>", byte_fallback=True, fuse_unk=True))
    if style == "normalizer":
        tok.normalizer = normalizers.Sequence([normalizers.Prepend("▁"), normalizers.Replace(" ", "▁")])
    else:
        tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="first", split=False)
    tok.decoder = decoders.Sequence(
        [decoders.Replace("▁", " "), decoders.ByteFallback(), decoders.Fuse(), decoders.Strip(" ", 1, 0)]
    )
    tok.add_special_tokens([AddedToken(t, normalized=False, special=True) for t in ("<unk>", "<s>", "</s>")])
    from tokenizers import processors

    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A", pair="<s> $A <s> $B", special_tokens=[("<s>", 1)]
    )
    save_with_config(
        folder,
        tok,
        {
            "tokenizer_class": "PreTrainedTokenizerFast",
            "bos_token": "<s>",
            "eos_token": "</s>",
            "unk_token": "<unk>",
            "model_max_length": 4096,
        },
    )
    return folder


def edit_tokenizer_json(source: Path, target: Path, edit) -> Path:
    """Copy `source` (a tokenizer.json) to `target` after `edit(document)` changed it in place."""
    doc = json.loads(source.read_text(encoding="utf-8"))
    edit(doc)
    target.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return target
