"""Speech classes over a vocab.json of phonemes, against transformers' Python classes at test time.

Wav2Vec2PhonemeCTCTokenizer: the vocabulary is built here as phoneme-recognition checkpoints lay it out
(`<pad> <s> </s> <unk>`, then IPA phonemes, some of several chars), the text is phonemes separated by
spaces (`do_phonemize=False`: phonemizing needs the `phonemizer` package and espeak, which ferrotok does
not run and refuses with an ImportError naming it). Ids, tokens, every field of batches, pairs, padding and
truncation, and the CTC decode (`group_tokens`, `filter_word_delimiter_token`,
`spaces_between_special_tokens`, `skip_special_tokens`) are compared with transformers.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from adversarial import fixed_cases
from parity import assert_same_settings
from parity import compare_fields_call as compare_call

transformers = pytest.importorskip("transformers")
from ferrotok import AutoTokenizer  # noqa: E402

PHONEMES = ["h", "ə", "l", "oʊ", "w", "ɜː", "d", "aɪ", "æ", "t", "s", "ð", "ɪ", "n", "k", "ŋ", "tʃ", "iː"]


def phoneme_vocab(*extra: str) -> dict[str, int]:
    vocab = {"<pad>": 0, "<s>": 1, "</s>": 2, "<unk>": 3}
    for token in [*extra, *PHONEMES]:
        vocab[token] = len(vocab)
    return vocab


def phoneme_folder(root: Path, name: str, vocab: dict[str, int], **config: object) -> Path:
    directory = root / name
    directory.mkdir()
    (directory / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    config = {"tokenizer_class": "Wav2Vec2PhonemeCTCTokenizer", "do_phonemize": False, **config}
    (directory / "tokenizer_config.json").write_text(json.dumps(config), encoding="utf-8")
    return directory


def phoneme_lines() -> list[str]:
    rng = random.Random(16)
    pieces = [*PHONEMES, "|", "x", "<s>", "</s>", "<unk>", "<pad>", "hə", " ", "\t", "\n"]
    made = []
    for _ in range(80):
        words = [rng.choice(pieces) for _ in range(rng.randint(0, 14))]
        made.append(rng.choice([" ", "  ", " | "]).join(words))
    return [
        "h ə l oʊ | w ɜː l d",
        "  h  ə x | <unk> <s>hə ",
        "",
        "aɪ aɪ aɪ",
        "a\tb  c\n",
        "x<s> y</s>z",
        " \t ",
        *fixed_cases(),
        *made,
    ]


CASES = [
    ("plain", phoneme_vocab(), {}),
    ("delimiter", phoneme_vocab("|"), {"word_delimiter_token": "|"}),
    ("own-specials", phoneme_vocab("|"), {"word_delimiter_token": "|", "unk_token": "h", "pad_token": "ə"}),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c[0])
def test_wav2vec2_phoneme_folder_matches_transformers(tmp_path: Path, case) -> None:
    name, vocab, config = case
    directory = phoneme_folder(tmp_path, name, vocab, **config)
    ours = AutoTokenizer.from_pretrained(directory)
    theirs = transformers.AutoTokenizer.from_pretrained(str(directory))
    assert type(theirs).__name__ == "Wav2Vec2PhonemeCTCTokenizer"
    assert_same_settings(ours, theirs)
    assert ours.get_vocab() == theirs.get_vocab()
    assert len(ours) == len(theirs)
    lines = phoneme_lines()
    for line in lines:
        assert ours.encode(line) == theirs.encode(line), line
        assert ours.tokenize(line) == theirs.convert_ids_to_tokens(theirs.encode(line)), line
    fields = {"return_special_tokens_mask": True, "return_token_type_ids": True, "return_length": True}
    compare_call(ours, theirs, lines, **fields)
    compare_call(ours, theirs, lines[:40], lines[40:80], **fields)
    compare_call(ours, theirs, lines, padding="max_length", max_length=12, truncation=True)

    rng = random.Random(7)
    ids = list(range(len(theirs)))
    rows = [[rng.choice(ids) for _ in range(rng.randint(1, 30))] for _ in range(60)]
    rows += [[0, 4, 4, 0, 5, 1, 2, 3, 3, 6, 0], [4], [0, 0]]
    options = [
        {},
        {"skip_special_tokens": True},
        {"group_tokens": False},
        {"filter_word_delimiter_token": False},
        {"spaces_between_special_tokens": True},
        {"clean_up_tokenization_spaces": True},
        {"group_tokens": False, "skip_special_tokens": True, "filter_word_delimiter_token": False},
    ]
    for kwargs in options:
        decodable = []
        for row in rows:
            try:
                expected = theirs.decode(row, **kwargs)
            except ValueError:  # nothing left after skipping: transformers fails, ferrotok gives ""
                assert ours.decode(row, **kwargs) == "", (row, kwargs)
                continue
            assert ours.decode(row, **kwargs) == expected, (row, kwargs)
            decodable.append(row)
        assert ours.batch_decode(decodable, **kwargs) == theirs.batch_decode(decodable, **kwargs), kwargs


def test_wav2vec2_phoneme_refuses_to_phonemize(tmp_path: Path) -> None:
    """transformers phonemizes with the `phonemizer` package (not installed here: it raises too);
    ferrotok never does and says how to pass phonemes instead. Decoding needs no phonemizer."""
    directory = phoneme_folder(tmp_path, "phonemize", phoneme_vocab(), do_phonemize=True)
    ours = AutoTokenizer.from_pretrained(directory)
    theirs = transformers.AutoTokenizer.from_pretrained(str(directory))
    with pytest.raises(ImportError, match="phonemizer"):
        theirs("hello")
    with pytest.raises(ImportError, match="phonemizer"):
        ours("hello")
    with pytest.raises(ImportError, match="phonemizer"):
        ours.encode("hello")
    assert ours.decode([4, 5, 5, 6]) == theirs.decode([4, 5, 5, 6])
    # A call with do_phonemize=False encodes phonemes, and the choice stays, as in transformers.
    assert ours("h ə", do_phonemize=False)["input_ids"] == theirs("h ə", do_phonemize=False)["input_ids"]
    assert ours.encode("h ə") == theirs.encode("h ə")


# VITS / MMS-TTS: a character vocabulary laid out as MMS-TTS checkpoints have it (id 0 is a letter, the
# blank token), with an upper-case entry, a multi-char entry and both Romanian t-cedilla spellings.
VITS_CHARS = ["k", "'", "z", "y", "u", "d", "h", "e", "s", "w", "–", "3", "c", "p", "-", "1", "j", "m", "i"]
VITS_CHARS += [" ", "f", "l", "o", "0", "b", "r", "a", "4", "2", "n", "_", "x", "v", "t", "q", "5", "6", "g"]
VITS_CHARS += ["ț", "ţ", "A", "<x>", "ß"]


def vits_folder(root: Path, name: str, **config: object) -> Path:
    directory = root / name
    directory.mkdir()
    vocab = {c: i for i, c in enumerate(VITS_CHARS)}
    (directory / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    config = {"tokenizer_class": "VitsTokenizer", "phonemize": False, **config}
    (directory / "tokenizer_config.json").write_text(json.dumps(config), encoding="utf-8")
    return directory


VITS_LINES = [
    "Hello, World! 123",
    "",
    "  a  ",
    "Ab<x>AB",
    "x<x>y",
    "İx ț ţ STRASSE straße",
    "ab",
    " \t\n",
    "\x1cab\x1f",
    *fixed_cases(),
]
VITS_CASES = [
    ("plain", {}),
    ("no-normalize", {"normalize": False}),
    ("no-blank", {"add_blank": False}),
    ("romanian", {"language": "ron"}),
]


@pytest.mark.parametrize("case", VITS_CASES, ids=lambda c: c[0])
def test_vits_folder_matches_transformers(tmp_path: Path, case) -> None:
    name, config = case
    directory = vits_folder(tmp_path, name, **config)
    ours = AutoTokenizer.from_pretrained(directory)
    theirs = transformers.AutoTokenizer.from_pretrained(str(directory))
    assert type(theirs).__name__ == "VitsTokenizer"
    assert_same_settings(ours, theirs)
    assert len(ours) == len(theirs)
    lines = VITS_LINES + (["<pad>x<unk>", "a<pad>"] if config.get("normalize") is False else [])
    for line in lines:
        assert ours.encode(line) == theirs.encode(line), line
        assert ours.tokenize(line) == theirs.convert_ids_to_tokens(theirs.encode(line)), line
    fields = {"return_special_tokens_mask": True, "return_token_type_ids": True, "return_length": True}
    compare_call(ours, theirs, lines, **fields)
    compare_call(ours, theirs, lines[:8], lines[8:16], **fields)
    compare_call(ours, theirs, lines, padding="max_length", max_length=12, truncation=True)
    rows = theirs(lines)["input_ids"] + [[5], [0, 5, 0, 6, 0], [42, 0, 43]]
    for kwargs in ({}, {"skip_special_tokens": True}, {"clean_up_tokenization_spaces": True}):
        assert ours.batch_decode(rows, **kwargs) == theirs.batch_decode(rows, **kwargs), kwargs
        for row in rows:
            assert ours.decode(row, **kwargs) == theirs.decode(row, **kwargs), (row, kwargs)


def test_vits_refuses_to_phonemize(tmp_path: Path) -> None:
    """transformers' default phonemizes with the `phonemizer` package (not installed here: it raises on
    encode); ferrotok refuses the folder at load and names the package and the setting."""
    directory = vits_folder(tmp_path, "phonemize", phonemize=True)
    theirs = transformers.AutoTokenizer.from_pretrained(str(directory))
    with pytest.raises(ImportError, match="phonemizer"):
        theirs("hello")
    with pytest.raises(ValueError, match="phonemizer") as error:
        AutoTokenizer.from_pretrained(directory)
    assert "phonemize" in str(error.value)
    ours = AutoTokenizer.from_pretrained(directory, phonemize=False)
    theirs = transformers.AutoTokenizer.from_pretrained(str(directory), phonemize=False)
    assert ours.encode("Hello world") == theirs.encode("Hello world")
