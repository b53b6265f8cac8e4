"""vocab.json + merges.txt folders (no tokenizer.json) of each byte-level class, against transformers 5.

transformers builds these classes from the vocabulary files with the class's own constructor: its
normalizer, pre-tokenizer, decoder, special tokens and template (Qwen2's split, Cohere's digits, Whisper's
prefix tokens, Deberta's pairs, ...). Each case writes GPT-2's committed vocabulary with a config naming the
class (and keyword arguments), loads it in both libraries and compares every field of their encodings
(texts, pairs, truncated pairs), the tokens, the decoded text and the pipeline; then both save the
tokenizer and the reloaded folders are compared again.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, multilingual_lines
from parity import compare_call, compare_template_calls, pipeline

transformers = pytest.importorskip("transformers")
import ferrotok  # noqa: E402

_lines = [line for _, line in multilingual_lines()]
FIRST = [
    "Hello World, a TEST with ÀccÉnts and   spaces.",
    " leading space, digits 12345 and 3.14, ﬁ ligature",
    "don't you're I'll tab\there\nnewline\r\n",
    "brackets ((x)) [y] {z} !!! ... SPL1T-TH1S-Pl3A5E",
    "<s> inline </s> <mask> <|endoftext|> [CLS] <ent> tokens",
    "",
    *_lines[:6],
]
SECOND = ["Second one", "b", "c d 42", "Ünïcode", "x y", "z", *_lines[6:12]]

# Whisper's special tokens after GPT-2's vocabulary, as in Whisper's own files.
WHISPER_LANGS = ["en", "zh", "de", "es", "ru", "ko", "fr", "ja"]
WHISPER_TOKENS = [
    "<|startoftranscript|>",
    *[f"<|{code}|>" for code in WHISPER_LANGS],
    "<|translate|>",
    "<|transcribe|>",
    "<|startoflm|>",
    "<|startofprev|>",
    "<|nocaptions|>",
    "<|notimestamps|>",
]

# (class, config kwargs)
CASES = [
    ("Qwen2Tokenizer", {}),
    ("Qwen2TokenizerFast", {}),
    ("Qwen2Tokenizer", {"add_prefix_space": True, "add_eos_token": True}),
    ("BartTokenizer", {}),
    ("BartTokenizer", {"add_prefix_space": True, "trim_offsets": False}),
    ("LEDTokenizer", {}),
    ("MvpTokenizer", {}),
    ("GPTNeoXTokenizer", {}),
    ("GPTNeoXTokenizer", {"add_bos_token": True, "add_eos_token": True}),
    ("DebertaTokenizer", {}),
    ("DebertaTokenizer", {"add_prefix_space": True}),
    ("BlenderbotTokenizer", {}),
    ("BlenderbotTokenizer", {"add_prefix_space": False}),
    ("LukeTokenizer", {}),
    ("CohereTokenizer", {}),
    ("CohereTokenizer", {"add_bos_token": True, "add_prefix_space": True}),
    ("WhisperTokenizer", {}),
    ("WhisperTokenizer", {"predict_timestamps": True}),
    ("WhisperTokenizer", {"language": "french", "task": "transcribe"}),
    ("WhisperTokenizer", {"language": "de", "task": "translate"}),
    ("NougatTokenizer", {}),
    ("GPT2Tokenizer", {"add_bos_token": True}),
]
# LUKE's entity tokens are added (same ids) but not reported as special-token attributes.
ENTITY_CLASSES = {"LukeTokenizer"}


def case_id(case: tuple[str, dict]) -> str:
    cls, kwargs = case
    return cls + "".join(f"-{k}={v}" for k, v in sorted(kwargs.items()))


def legacy_folder(target: Path, cls: str, kwargs: dict) -> Path:
    target.mkdir()
    shutil.copy(FIXTURES / "gpt2" / "merges.txt", target / "merges.txt")
    vocab = json.loads((FIXTURES / "gpt2" / "vocab.json").read_text(encoding="utf-8"))
    if cls == "WhisperTokenizer":
        for token in WHISPER_TOKENS:
            vocab[token] = len(vocab)
    (target / "vocab.json").write_text(json.dumps(vocab), encoding="utf-8")
    config = {"tokenizer_class": cls, **kwargs}
    (target / "tokenizer_config.json").write_text(json.dumps(config), encoding="utf-8")
    return target


def assert_same(ours, theirs, cls: str) -> None:
    assert pipeline(ours) == pipeline(theirs)
    assert ours.get_vocab() == theirs.get_vocab()
    assert len(ours) == len(theirs)
    if cls not in ENTITY_CLASSES:
        assert ours.all_special_tokens == theirs.all_special_tokens
        assert ours.all_special_ids == theirs.all_special_ids
    compare_template_calls(ours, theirs, FIRST, SECOND, (FIRST, SECOND), 9)
    compare_call(ours, theirs, FIRST, return_special_tokens_mask=True, return_offsets_mapping=True)
    for text in FIRST:
        assert ours.tokenize(text) == theirs.tokenize(text), text
        assert ours.encode(text) == theirs.encode(text), text
    ids = theirs(FIRST, SECOND)["input_ids"]
    for skip in (False, True):
        assert ours.batch_decode(ids, skip_special_tokens=skip) == theirs.batch_decode(
            ids, skip_special_tokens=skip
        ), skip


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_legacy_byte_level_class_builds_its_pipeline(tmp_path: Path, case) -> None:
    cls, kwargs = case
    folder = legacy_folder(tmp_path / "legacy", cls, kwargs)
    ours = ferrotok.AutoTokenizer.from_pretrained(folder)
    theirs = transformers.AutoTokenizer.from_pretrained(str(folder))
    assert_same(ours, theirs, cls)
    ours.save_pretrained(tmp_path / "ours")
    theirs.save_pretrained(str(tmp_path / "theirs"))
    reloaded = ferrotok.AutoTokenizer.from_pretrained(tmp_path / "ours")
    assert_same(reloaded, transformers.AutoTokenizer.from_pretrained(str(tmp_path / "theirs")), cls)


def test_whisper_refuses_an_unknown_language(tmp_path: Path) -> None:
    folder = legacy_folder(tmp_path / "legacy", "WhisperTokenizer", {"language": "klingon"})
    with pytest.raises(ValueError):
        transformers.AutoTokenizer.from_pretrained(str(folder))
    with pytest.raises(ValueError, match="language"):
        ferrotok.AutoTokenizer.from_pretrained(folder)


@pytest.mark.parametrize("kwargs", [{}, {"do_lower_case": False}], ids=["default", "cased"])
def test_mpnet_vocab_txt_builds_its_template(tmp_path: Path, kwargs: dict) -> None:
    """MPNet's vocab.txt: BERT's pipeline with `<s> A </s></s> B </s>` over the ids its specials get."""
    folder = tmp_path / "legacy"
    folder.mkdir()
    shutil.copy(FIXTURES / "bert-uncased" / "vocab.txt", folder / "vocab.txt")
    config = {"tokenizer_class": "MPNetTokenizer", **kwargs}
    (folder / "tokenizer_config.json").write_text(json.dumps(config), encoding="utf-8")
    ours = ferrotok.AutoTokenizer.from_pretrained(folder)
    theirs = transformers.AutoTokenizer.from_pretrained(str(folder))
    assert_same(ours, theirs, "MPNetTokenizer")
    ours.save_pretrained(tmp_path / "ours")
    theirs.save_pretrained(str(tmp_path / "theirs"))
    reloaded = ferrotok.AutoTokenizer.from_pretrained(tmp_path / "ours")
    assert_same(
        reloaded, transformers.AutoTokenizer.from_pretrained(str(tmp_path / "theirs")), "MPNetTokenizer"
    )


@pytest.fixture(scope="module")
def spm_models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    pytest.importorskip("sentencepiece")
    import spm_folders

    return spm_folders.train_all(tmp_path_factory.mktemp("code-llama-models"))


CODE_LLAMA_CASES = [
    ("bpe_fallback", {}),
    ("bpe_fallback", {"add_bos_token": False, "add_eos_token": True}),
    ("bpe_fallback", {"add_prefix_space": False}),
    ("unigram", {}),
]


@pytest.mark.parametrize("case", CODE_LLAMA_CASES, ids=lambda c: c[0] + case_id(("", c[1])))
def test_code_llama_model_folder(spm_models: dict[str, Path], tmp_path: Path, case) -> None:
    """CodeLlama's tokenizer.model: its pre-tokenizer and decoder, bos by default, the infilling tokens."""
    import spm_folders

    kind, kwargs = case
    folder = spm_folders.folder(tmp_path, spm_models[kind], "CodeLlamaTokenizer", "legacy", **kwargs)
    ours = ferrotok.AutoTokenizer.from_pretrained(folder)
    theirs = transformers.AutoTokenizer.from_pretrained(str(folder))
    assert_same(ours, theirs, "CodeLlamaTokenizer")
    ours.save_pretrained(tmp_path / "ours")
    theirs.save_pretrained(str(tmp_path / "theirs"))
    reloaded = ferrotok.AutoTokenizer.from_pretrained(tmp_path / "ours")
    assert_same(
        reloaded, transformers.AutoTokenizer.from_pretrained(str(tmp_path / "theirs")), "CodeLlamaTokenizer"
    )
