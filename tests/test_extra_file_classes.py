"""Classes whose folders hold files of their own beside (or instead of) a vocabulary, against transformers'
Python classes at test time, on folders of their hub models' shape written from the committed multilingual
sample (tests/quirky_folders.py):

- RoCBertTokenizer: BERT's WordPiece with an NFC step, and the `input_shape_ids` /
  `input_pronunciation_ids` columns looked up in `word_shape.json` / `word_pronunciation.json`;
- MyT5Tokenizer: ByT5's bytes spelled in hex and rewritten by `byte_maps.json`'s decompose and merge maps
  (reversed on decode);
- GPTNeoXJapaneseTokenizer: vocab.txt's pieces (comma-separated variants), the smallest id winning, tags
  for spaces / newlines / tabs and for the emoji of `emoji.json`, byte tokens for the rest.

Each folder is loaded by both libraries and compared: special tokens and settings, the vocabulary, ids and
tokens of the multilingual sample and of adversarial strings, every field of batches, pairs, truncation,
padding and tensors, decode with and without special tokens, and the folder `save_pretrained` writes,
loaded back by both. transformers' Python classes give no offsets and their overflow fields differ from the
fast tokenizers' (see README), so neither is compared here.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
import quirky_folders
from adversarial import fixed_cases, random_cases
from conftest import multilingual_lines
from parity import assert_same_settings, compare_decode_and_save, plain
from parity import compare_fields_call as compare_call

transformers = pytest.importorskip("transformers")
from ferrotok import AutoTokenizer  # noqa: E402

TEXTS = [line for _, line in multilingual_lines()]
LINES = [
    *TEXTS[::2],
    *fixed_cases(),
    *random_cases(40),
    "ΟΔΟΣ ΣΑΣ, Σ ΑΣ\u0301 σΣ",
    "hello [CLS] world[SEP] [MASK]x [PAD] [UNK]",
    "中文字符 漢字 테스트 ﬁ Ⅻ ǅ İstanbul",
    "the quick fox zz xyz quick </s> <extra_id_3>y <pad> <unk>",
    "吾輩は猫である😀。実は慶応(慶應)大学出身 👍🏽❤️❤ ☺ <SP>  <|endoftext|>x<|startoftext|>",
    "ǀ ‖ ¡ \u2010 — − \r\n\r\t　end <BR",
    "",
    " ",
]
MASKS = {"return_special_tokens_mask": True, "return_token_type_ids": True}


def check_folder(
    directory: Path, class_name: str, lines: list[str], stripped_specials: bool = False
) -> tuple[object, object]:
    """Both libraries load `directory` and agree. With `stripped_specials` (MyT5's `</s>` strips the
    spaces around it), `tokenize` is compared through the ids: ferrotok's token of such an added token
    holds the spaces it took, as the fast tokenizers' does."""
    ours = AutoTokenizer.from_pretrained(directory)
    theirs = transformers.AutoTokenizer.from_pretrained(str(directory))
    assert type(theirs).__name__ == class_name
    assert_same_settings(ours, theirs)
    assert ours.get_vocab() == theirs.get_vocab()
    assert ours.vocab_size == theirs.vocab_size
    assert ours.clean_up_tokenization_spaces == theirs.clean_up_tokenization_spaces
    for line in lines:
        assert ours.encode(line) == theirs.encode(line), line
        ids = theirs.encode(line, add_special_tokens=False)
        tokens = ours.convert_ids_to_tokens(ours.encode(line, add_special_tokens=False))
        assert (tokens if stripped_specials else ours.tokenize(line)) == theirs.convert_ids_to_tokens(ids), (
            line
        )
        compare_call(ours, theirs, line, **MASKS)
    half = len(lines) // 2
    compare_call(ours, theirs, lines, **MASKS, return_length=True)
    compare_call(ours, theirs, lines[:half], lines[half : 2 * half], **MASKS)
    compare_call(ours, theirs, lines[0], lines[1], **MASKS)
    compare_call(ours, theirs, lines, padding="max_length", max_length=24, truncation=True, **MASKS)
    compare_call(ours, theirs, lines[:8], padding=True, pad_to_multiple_of=8, padding_side="left")
    compare_call(ours, theirs, lines[:6], padding=True, return_tensors="np")
    compare_call(ours, theirs, lines[:6], lines[6:12], padding="longest", return_tensors="pt")
    compare_call(
        ours, theirs, lines[:half], lines[half : 2 * half], truncation="longest_first", max_length=40
    )
    short = ["a b", "中文", "x", "hello world"] * 3
    compare_call(ours, theirs, short, lines[:12], truncation="only_second", max_length=14)
    compare_call(ours, theirs, lines[:12], short, truncation="only_first", max_length=14)
    compare_call(ours, theirs, lines[:4], add_special_tokens=False, padding=True)
    compare_decode_and_save(ours, theirs, lines, directory, MASKS, pickle.loads(pickle.dumps(ours)))
    return ours, theirs


# --- RoCBert -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "config",
    [{}, {"do_lower_case": False}, {"strip_accents": False}, {"tokenize_chinese_chars": False}],
    ids=["plain", "cased", "accents-kept", "no-cjk-spacing"],
)
def test_roc_bert_folder_matches_transformers(tmp_path: Path, config: dict) -> None:
    directory = quirky_folders.write_roc_bert_folder(tmp_path / "roc-bert", **config)
    ours, theirs = check_folder(directory, "RoCBertTokenizer", LINES)
    compare_call(ours, theirs, LINES[0], LINES[1], return_length=True)  # one number, as the class gives
    compare_call(ours, theirs, LINES[:6], padding=True, return_attention_mask=False, return_tensors="np")
    compare_call(ours, theirs, LINES[:6], LINES[6:12], add_special_tokens=False, padding="longest")
    tokens = theirs.tokenize(LINES[0])
    for name in ("convert_tokens_to_shape_ids", "convert_tokens_to_pronunciation_ids"):
        assert getattr(ours, name)(tokens) == getattr(theirs, name)(tokens)
    assert ours.word_shape == theirs.word_shape
    assert ours.word_pronunciation == theirs.word_pronunciation


def test_roc_bert_pad_fills_its_columns_with_the_pad_id(tmp_path: Path) -> None:
    directory = quirky_folders.write_roc_bert_folder(tmp_path / "roc-bert")
    ours = AutoTokenizer.from_pretrained(directory)
    theirs = transformers.AutoTokenizer.from_pretrained(str(directory))
    rows = [theirs(line) for line in LINES[:5]]
    for side in ("right", "left"):
        got = ours.pad([dict(r) for r in rows], padding=True, padding_side=side)
        expected = theirs.pad([dict(r) for r in rows], padding=True, padding_side=side)
        assert sorted(got.keys()) == sorted(expected.keys())
        for key in expected:
            assert plain(got[key]) == plain(expected[key]), (side, key)


def test_roc_bert_folder_without_its_tables_is_refused(tmp_path: Path) -> None:
    directory = quirky_folders.write_roc_bert_folder(tmp_path / "roc-bert")
    (directory / "word_pronunciation.json").unlink()
    with pytest.raises(FileNotFoundError, match=r"word_pronunciation\.json"):
        AutoTokenizer.from_pretrained(directory)


# --- MyT5 ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "config",
    [{}, {"extra_ids": 0}, {"eos_token": "<eos>", "extra_ids": 3}],
    ids=["plain", "no-sentinels", "own-eos"],
)
def test_myt5_folder_matches_transformers(tmp_path: Path, config: dict) -> None:
    directory = quirky_folders.write_myt5_folder(tmp_path / "myt5", **config)
    check_folder(directory, "MyT5Tokenizer", LINES, stripped_specials=True)


def test_myt5_decodes_any_ids_as_transformers(tmp_path: Path) -> None:
    """Byte ids in any order (rules' outputs cut, lone UTF-8 bytes, added tokens between) decode alike."""
    import random

    directory = quirky_folders.write_myt5_folder(tmp_path / "myt5")
    ours = AutoTokenizer.from_pretrained(directory)
    theirs = transformers.AutoTokenizer.from_pretrained(str(directory))
    rng = random.Random(7)
    for _ in range(200):
        ids = [rng.choice([*range(3, 259), *range(0x80 + 3, 0x86 + 3), 1, 0, 300]) for _ in range(12)]
        for skip in (False, True):
            assert ours.decode(ids, skip_special_tokens=skip) == theirs.decode(
                ids, skip_special_tokens=skip
            ), ids


def test_myt5_folder_without_its_maps_is_refused(tmp_path: Path) -> None:
    directory = quirky_folders.write_myt5_folder(tmp_path / "myt5")
    (directory / "byte_maps.json").unlink()
    with pytest.raises(FileNotFoundError, match=r"byte_maps\.json"):
        AutoTokenizer.from_pretrained(directory)


# --- GPTNeoXJapanese ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "config", [{}, {"unk_token": "<SP>", "bos_token": "<BR>"}], ids=["plain", "own-specials"]
)
def test_gpt_neox_japanese_folder_matches_transformers(tmp_path: Path, config: dict) -> None:
    directory = quirky_folders.write_gpt_neox_japanese_folder(tmp_path / "neox", **config)
    check_folder(directory, "GPTNeoXJapaneseTokenizer", LINES)


def test_gpt_neox_japanese_clean_text_is_refused(tmp_path: Path) -> None:
    directory = quirky_folders.write_gpt_neox_japanese_folder(tmp_path / "neox", do_clean_text=True)
    with pytest.raises(ValueError, match="do_clean_text"):
        AutoTokenizer.from_pretrained(directory)
