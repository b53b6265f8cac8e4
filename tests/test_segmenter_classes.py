"""Tokenizer classes that segment Chinese and Japanese words, against transformers 5.

RoFormerTokenizer: BERT's vocab.txt, BERT's normalizer without the CJK spacing, then jieba's words
(`rjieba.tokenize(..., hmm=False)` in transformers, the `jieba-rs` crate it wraps in ferrotok's core), a word of
the vocabulary kept whole and any other cut into its CJK characters, then WordPiece.

Each folder is built here in the shape of the hub's RoFormer models: BERT's committed vocabulary with the
Chinese words jieba finds in the committed multilingual sample appended (so that some words stay whole and
the rest are cut), and a tokenizer_config.json naming the class. Every field transformers returns is compared
(ids, tokens, masks, type ids, offsets), on the multilingual sample (Chinese and Japanese included) and
adversarial strings, alone, in pairs, truncated and padded; then decode, the class defaults and the
save_pretrained round trip.

BertJapaneseTokenizer (a Python class in transformers, without offsets) with its `basic` word tokenizer and
`wordpiece` or `character` subwords, over BERT's vocabulary with the sample's Japanese chars appended (MeCab
and Sudachi: test_bert_japanese_analysers.py); Juman++ and SentencePiece subwords are refused with the option
named.

CpmAntTokenizer (a Python class too): jieba's words, each cut greedily into vocabulary tokens with `<unk>` for
an unmatched char, over a vocabulary of its own tokens, the sample's chars and its commonest jieba words.
"""

from __future__ import annotations

import json
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from adversarial import fixed_cases, random_cases
from conftest import FIXTURES, multilingual_lines
from parity import (
    ALL_FIELDS,
    assert_same_settings,
    check_decode,
    check_general,
    check_save_round_trip,
    compare_call,
    compare_fields_call,
    compare_template_calls,
)

transformers = pytest.importorskip("transformers")
rjieba = pytest.importorskip("rjieba")
from ferrotok import AutoTokenizer  # noqa: E402

LINES = multilingual_lines()
CHINESE = [line for lang, line in LINES if lang == "zh"]
JAPANESE = [line for lang, line in LINES if lang == "ja"]
SEGMENTED = [
    "今天天气非常好。",
    "我们中出了一个叛徒",
    "他来到了网易杭研大厦，T恤和B超都是词。",
    "北京大学生前来应聘 Hello World 3.14 e-mail 东西  \r\n 穿T恤",
    "中文English混合123数字%和_下划线#标签&符号+号-减号.点",
    "[CLS] 今天 [SEP] 天气 [MASK]",
    "ＡＢＣ全角字母１２３和　全角空格",
    "𠀀𠀁扩展汉字𪚥与兼容汉字豈更",
]
TEXTS = [*SEGMENTED, *CHINESE[:20], *JAPANESE[:6], *[line for _, line in LINES][::25], *fixed_cases()]


def jieba_words(lines: list[str], count: int) -> list[str]:
    """The `count` commonest words of two characters or more jieba finds in `lines`."""
    words = Counter(word for line in lines for word in rjieba.cut(line.lower(), False) if len(word) > 1)
    return [word for word, _ in words.most_common(count)]


def roformer_folder(root: Path, config: dict) -> Path:
    """A RoFormer folder: BERT's vocabulary with the sample's commonest Chinese words appended."""
    directory = root / "roformer"
    directory.mkdir(parents=True)
    vocab = (FIXTURES / "bert-uncased" / "vocab.txt").read_text(encoding="utf-8").splitlines()
    known = set(vocab)
    # Half the Chinese lines give the words; the other half has words the vocabulary lacks.
    vocab += [word for word in jieba_words(CHINESE[::2], 400) if word not in known]
    (directory / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    config = {"tokenizer_class": "RoFormerTokenizer", **config}
    (directory / "tokenizer_config.json").write_text(json.dumps(config), encoding="utf-8")
    return directory


def hf_reference(folder: Path):
    """transformers' RoFormerTokenizer for `folder` as a tokenizer.json folder (what `save_pretrained` writes
    and hub folders with a tokenizer.json hold): there its jieba stage is given the vocabulary. From a
    vocab.txt-only folder transformers 5.24 gives it the vocabulary file's path instead, so that no word
    is kept whole (see `test_roformer_vocab_txt_keeps_words_transformers_cuts`)."""
    saved = folder.parent / f"{folder.name}-hf-saved"
    if not saved.exists():
        transformers.AutoTokenizer.from_pretrained(str(folder)).save_pretrained(str(saved))
    return transformers.AutoTokenizer.from_pretrained(str(saved))


@pytest.fixture(scope="module")
def roformer(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return roformer_folder(tmp_path_factory.mktemp("roformer"), {})


def load_both(folder: Path):
    return AutoTokenizer.from_pretrained(folder), hf_reference(folder)


def test_roformer_folder_has_kept_and_cut_words(roformer):
    """The fixture exercises both branches: words of the vocabulary and words cut into characters."""
    vocab = set((roformer / "vocab.txt").read_text(encoding="utf-8").splitlines())
    words = [w for line in CHINESE for w in rjieba.cut(line.lower(), False) if len(w) > 1]
    assert sum(w in vocab for w in words) > 100
    assert sum(w not in vocab for w in words) > 100


def test_roformer_matches_transformers(roformer):
    ours, theirs = load_both(roformer)
    assert type(theirs).__name__ == "RoFormerTokenizer"
    assert_same_settings(ours, theirs)
    check_general(ours, theirs, TEXTS, random_rows=60)


def test_roformer_tokenizer_json_folder(roformer):
    """A folder with tokenizer.json (BERT's pre-tokenizer in the file) and the class: jieba comes back."""
    theirs = hf_reference(roformer)
    ours = AutoTokenizer.from_pretrained(roformer.parent / f"{roformer.name}-hf-saved")
    assert_same_settings(ours, theirs)
    compare_call(ours, theirs, TEXTS, **ALL_FIELDS)
    assert ours.tokenize("今天天气非常好") == theirs.tokenize("今天天气非常好")


def test_roformer_vocab_txt_keeps_words_transformers_cuts(roformer):
    """Deliberate difference: from a vocab.txt-only folder transformers 5.24 checks jieba's words against the
    vocabulary file's path (a string), so every word is cut into characters; ferrotok keeps the words of the
    vocabulary whole, as transformers does from tokenizer.json and as transformers 4 did."""
    ours = AutoTokenizer.from_pretrained(roformer)
    theirs = transformers.AutoTokenizer.from_pretrained(str(roformer))
    vocab = ours.get_vocab()
    assert "非常" in vocab
    assert ours.tokenize("非常") == ["非常"]
    assert theirs.tokenize("非常") == [c if c in vocab else "[UNK]" for c in "非常"]
    # Text without a vocabulary word of two CJK characters or more: the same.
    same = [
        text
        for text in [*JAPANESE, *fixed_cases()]
        if not any(len(w) > 1 and w in vocab and not w.isascii() for w in rjieba.cut(text.lower(), False))
    ]
    assert len(same) > 30
    for text in same:
        compare_call(ours, theirs, text, **ALL_FIELDS)


def test_roformer_pairs_truncation_padding(roformer):
    ours, theirs = load_both(roformer)
    compare_template_calls(ours, theirs, CHINESE[1], JAPANESE[1], (CHINESE[2], CHINESE[3]), max_length=40)
    for strategy in ("longest_first", "only_first", "only_second"):
        compare_call(
            ours, theirs, CHINESE[4], CHINESE[5][:20], truncation=strategy, max_length=30, **ALL_FIELDS
        )
    compare_call(
        ours, theirs, CHINESE[:5], padding="max_length", max_length=300, truncation=True, **ALL_FIELDS
    )
    compare_call(ours, theirs, CHINESE[5:9], padding=True, pad_to_multiple_of=16, **ALL_FIELDS)
    compare_call(ours, theirs, CHINESE[9:12], JAPANESE[9:12], padding="longest", **ALL_FIELDS)
    compare_call(
        ours, theirs, CHINESE[12], truncation=True, max_length=24, stride=6, return_overflowing_tokens=True
    )


@pytest.mark.parametrize(
    "config",
    [{"do_lower_case": False}, {"strip_accents": False}, {"unk_token": "[MASK]", "model_max_length": 64}],
)
def test_roformer_config_options(tmp_path, config):
    ours, theirs = load_both(roformer_folder(tmp_path, config))
    assert_same_settings(ours, theirs)
    for text in [*SEGMENTED, *CHINESE[:4], *fixed_cases()[:20]]:
        compare_call(ours, theirs, text, **ALL_FIELDS)
    check_decode(ours, theirs, theirs(SEGMENTED + CHINESE[:4])["input_ids"])


def test_roformer_added_tokens(roformer):
    ours, theirs = load_both(roformer)
    for tok in (ours, theirs):
        tok.add_tokens(["天气非常", "新词"])
        tok.add_special_tokens({"additional_special_tokens": ["<extra>"]})
    for text in ["今天天气非常好<extra>新词来了", *SEGMENTED]:
        compare_call(ours, theirs, text, **ALL_FIELDS)
    check_decode(ours, theirs, theirs(["今天天气非常好<extra>新词来了"])["input_ids"])


def test_roformer_save_round_trip(roformer, tmp_path):
    ours, theirs = load_both(roformer)
    check_save_round_trip(ours, theirs, tmp_path / "saved", [*SEGMENTED, *CHINESE[:10]])
    # As transformers, BERT's pre-tokenizer in the file (jieba's is no tokenizers stage); the class brings
    # jieba back.
    document = json.loads((tmp_path / "saved" / "tokenizer.json").read_text(encoding="utf-8"))
    assert document["pre_tokenizer"] == {"type": "BertPreTokenizer"}


def test_roformer_pickles(roformer):
    import pickle

    ours, theirs = load_both(roformer)
    again = pickle.loads(pickle.dumps(ours))
    compare_call(again, theirs, SEGMENTED, **ALL_FIELDS)


def test_bert_folder_is_not_segmented(tmp_path):
    """BertTokenizer over the same kind of folder keeps BERT's pipeline (no jieba)."""
    folder = roformer_folder(tmp_path, {"tokenizer_class": "BertTokenizer"})
    ours, theirs = (
        AutoTokenizer.from_pretrained(folder),
        transformers.AutoTokenizer.from_pretrained(str(folder)),
    )
    compare_call(ours, theirs, SEGMENTED, **ALL_FIELDS)
    vocab = ours.get_vocab()
    assert "非常" in vocab
    assert ours.tokenize("非常") == theirs.tokenize("非常") == [c if c in vocab else "[UNK]" for c in "非常"]


# --- BertJapaneseTokenizer: transformers' Python class (no offsets), basic word tokenizer -----------------


def japanese_folder(root: Path, config: dict) -> Path:
    """A BertJapanese folder: BERT's vocabulary with the sample's Japanese chars (alone and as `##` pieces)."""
    directory = root / "bert-japanese"
    directory.mkdir(parents=True)
    vocab = (FIXTURES / "bert-uncased" / "vocab.txt").read_text(encoding="utf-8").splitlines()
    known = set(vocab)
    chars = sorted({c for line in JAPANESE[::2] for c in line if not c.isspace()})
    vocab += [piece for c in chars for piece in (c, "##" + c) if piece not in known]
    (directory / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    config = {"tokenizer_class": "BertJapaneseTokenizer", **config}
    (directory / "tokenizer_config.json").write_text(json.dumps(config), encoding="utf-8")
    return directory


JAPANESE_TEXTS = [
    *JAPANESE[:30],
    *SEGMENTED,
    *[line for _, line in LINES][::20],
    *fixed_cases(),
    *random_cases(40),
    "ＡＢＣ１２３ｶﾀｶﾅ㍿①ⅻ…",
]
# transformers' Python class returns no offsets; every other field is compared.
FIELDS = {"return_special_tokens_mask": True, "return_length": True, "return_token_type_ids": True}


def compare_python_class(ours, theirs, texts: list[str]) -> None:
    assert_same_settings(ours, theirs)
    assert ours.get_vocab() == theirs.get_vocab()
    for text in texts:
        assert ours.tokenize(text) == theirs.tokenize(text), text
        # (A single text's `length` is an int in transformers' Python classes: compared in batches.)
        compare_fields_call(ours, theirs, text, return_special_tokens_mask=True, return_token_type_ids=True)
    half = len(texts) // 2
    compare_fields_call(ours, theirs, texts[:half], texts[half : 2 * half], **FIELDS)
    fields = {"return_special_tokens_mask": True, "return_token_type_ids": True}
    compare_fields_call(
        ours, theirs, texts[:20], padding="max_length", max_length=48, truncation=True, **fields
    )
    compare_fields_call(ours, theirs, SEGMENTED, texts[:8], truncation="only_second", max_length=60, **fields)
    check_decode(ours, theirs, theirs(texts)["input_ids"])


@pytest.mark.parametrize(
    "config",
    [
        {},
        {"do_lower_case": True},
        {"subword_tokenizer_type": "character"},
        {"subword_tokenizer_type": "character", "do_lower_case": True},
        {"word_tokenizer_type": "basic", "subword_tokenizer_type": "wordpiece", "unk_token": "[MASK]"},
    ],
)
def test_bert_japanese_matches_transformers(tmp_path, config):
    folder = japanese_folder(tmp_path, config)
    ours = AutoTokenizer.from_pretrained(folder)
    theirs = transformers.AutoTokenizer.from_pretrained(str(folder))
    assert type(theirs).__name__ == "BertJapaneseTokenizer"
    texts = JAPANESE_TEXTS
    if config.get("subword_tokenizer_type") == "character":
        # Chars whose NFKC form holds a space: normalized before splitting here (README).
        texts = [t for t in texts if not any(" " in unicodedata.normalize("NFKC", c) for c in t if c != " ")]
    compare_python_class(ours, theirs, texts)


def test_bert_japanese_save_round_trip(tmp_path):
    folder = japanese_folder(tmp_path, {"do_lower_case": True})
    ours = AutoTokenizer.from_pretrained(folder)
    theirs = transformers.AutoTokenizer.from_pretrained(str(folder))
    ours.save_pretrained(tmp_path / "saved")
    for reloaded in (
        AutoTokenizer.from_pretrained(tmp_path / "saved"),
        transformers.AutoTokenizer.from_pretrained(str(tmp_path / "saved")),
    ):
        for text in JAPANESE_TEXTS[:20]:
            assert reloaded.encode(text) == theirs.encode(text), text


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("word_tokenizer_type", "jumanpp"),
        ("subword_tokenizer_type", "sentencepiece"),
    ],
)
def test_bert_japanese_analysers_are_refused(tmp_path, option, value):
    folder = japanese_folder(tmp_path, {option: value})
    with pytest.raises(ValueError, match=option) as error:
        AutoTokenizer.from_pretrained(folder)
    assert value in str(error.value)


# --- CpmAntTokenizer: transformers' Python class, jieba words then greedy longest match -----------------------


def cpm_ant_folder(root: Path, config: dict) -> Path:
    """A CPM-Ant folder: the class's own tokens first (as its hub vocabulary), then the sample's chars and the
    commonest jieba words of its Chinese lines."""
    directory = root / "cpm-ant"
    directory.mkdir(parents=True)
    vocab = ["<d>", "</d>", "<s>", "</s>", "</_>", "<unk>", "<pad>", "</n>"]
    chars = sorted({c for _, line in LINES[::3] for c in line if not c.isspace()})
    vocab += [c for c in chars if c not in vocab]
    vocab += [w for w in jieba_words(CHINESE[::2], 400) if w not in vocab and not w.isspace()]
    (directory / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    config = {"tokenizer_class": "CpmAntTokenizer", **config}
    (directory / "tokenizer_config.json").write_text(json.dumps(config), encoding="utf-8")
    return directory


CPM_ANT_TEXTS = [
    *CHINESE[:24],
    *SEGMENTED,
    "第一行\n第二行  两个空格\t制表符<d>文档</d>结束",
    *[line for _, line in LINES][::20],
    *fixed_cases(),
    *random_cases(40),
]


@pytest.mark.parametrize("config", [{}, {"unk_token": "<pad>"}])
def test_cpm_ant_matches_transformers(tmp_path, config):
    folder = cpm_ant_folder(tmp_path, config)
    ours = AutoTokenizer.from_pretrained(folder)
    theirs = transformers.AutoTokenizer.from_pretrained(str(folder))
    assert type(theirs).__name__ == "CpmAntTokenizer"
    assert theirs.padding_side == "left"
    compare_python_class(ours, theirs, CPM_ANT_TEXTS)
    # Words of the vocabulary are whole tokens; unknown chars are <unk> one by one.
    assert ours.tokenize("中国人民") == theirs.tokenize("中国人民")


def test_cpm_ant_save_round_trip(tmp_path):
    folder = cpm_ant_folder(tmp_path, {})
    ours = AutoTokenizer.from_pretrained(folder)
    theirs = transformers.AutoTokenizer.from_pretrained(str(folder))
    ours.save_pretrained(tmp_path / "saved")
    assert (tmp_path / "saved" / "vocab.txt").read_text(encoding="utf-8") == (folder / "vocab.txt").read_text(
        encoding="utf-8"
    )
    ids = theirs(CPM_ANT_TEXTS[:30])["input_ids"]
    for reloaded in (
        AutoTokenizer.from_pretrained(tmp_path / "saved"),
        transformers.AutoTokenizer.from_pretrained(str(tmp_path / "saved")),
    ):
        for text in CPM_ANT_TEXTS[:30]:
            assert reloaded.encode(text) == theirs.encode(text), text
        assert reloaded.batch_decode(ids) == theirs.batch_decode(ids)
        assert reloaded.padding_side == "left"
