"""BertJapaneseTokenizer with its morphological analysers (MeCab through fugashi, Sudachi through sudachipy)
against transformers 5.

The words come from the analyser's own library in both (ferrotok hands each piece of text between added
tokens to it, then does the rest in the core). Each folder is built here: a vocab.txt of the class's special
tokens, the words the analyser finds in every other Japanese line of the committed multilingual sample (so
that the other lines also meet unknown words, cut into `##` pieces or `[UNK]`), their chars alone and as `##`
pieces, and ASCII letters and digits; and a tokenizer_config.json naming the class and the analyser options.
Every field transformers' Python class returns (it gives no offsets) is compared on the sample's Japanese,
Chinese and English lines and adversarial strings: alone, in batches, pairs, truncation with odd budgets,
padding, decode, then the save_pretrained round trip (both libraries reload it) and pickling. Juman++ (a
binary outside PyPI) is refused with the option named; a missing analyser package raises transformers'
exception class with the package named.
"""

from __future__ import annotations

import json
import pickle
import sys
from pathlib import Path

import pytest
from adversarial import fixed_cases, random_cases
from conftest import multilingual_lines
from parity import assert_same_settings, check_decode, compare_fields_call

transformers = pytest.importorskip("transformers")
fugashi = pytest.importorskip("fugashi")
sudachipy = pytest.importorskip("sudachipy")
from ferrotok import AutoTokenizer  # noqa: E402

LINES = multilingual_lines()
JAPANESE = [line for lang, line in LINES if lang == "ja"]
CHINESE = [line for lang, line in LINES if lang == "zh"]
ENGLISH = [line for lang, line in LINES if lang == "en"]
SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
TEXTS = [
    *JAPANESE,
    *CHINESE[:10],
    *ENGLISH[:10],
    *fixed_cases(),
    *random_cases(30),
    "[CLS] 今日は [SEP] 良い天気 [MASK]です",
    "ＡＢＣ１２３ｶﾀｶﾅ㍿①ⅻ…　全角スペース",
    "東京都に住んでいます。\r\n\tTokyo\x1cＴＯＫＹＯ  ",
    "ΣΑΣ ΟΔΥΣΣΕΥΣ İstanbul",
    "東京\x00大阪の\x00 天気 ÉCOLE",
    "\x10\x05\x1e\x0f\x05\x00\nⅫ⃝\nǅ\t\u200d👩\u200d  \u200d👍\u200d\u200d\tÉCOLE\t文交 ",  # NUL: MeCab's text output differs
]
FIELDS = {"return_special_tokens_mask": True, "return_token_type_ids": True}


def analyser_words(config: dict, lines: list[str]) -> list[str]:
    """The words transformers' class finds in `lines` with the folder's analyser, in first-seen order."""
    from transformers.models.bert_japanese import tokenization_bert_japanese as module

    options = dict(config.get(f"{config['word_tokenizer_type']}_kwargs") or {})
    make = module.MecabTokenizer if config["word_tokenizer_type"] == "mecab" else module.SudachiTokenizer
    analyser = make(do_lower_case=config.get("do_lower_case", False), **options)
    return list(dict.fromkeys(word for line in lines for word in analyser.tokenize(line)))


def analyser_folder(root: Path, config: dict) -> Path:
    config = {"tokenizer_class": "BertJapaneseTokenizer", **config}
    directory = root / "bert-japanese"
    directory.mkdir(parents=True)
    words = [w for w in analyser_words(config, JAPANESE[::2]) if w.strip() and w not in SPECIAL]
    chars = sorted(
        {c for w in words for c in w if not c.isspace()} | set("abcdefghijklmnopqrstuvwxyz0123456789")
    )
    vocab = list(dict.fromkeys([*SPECIAL, *words, *chars, *("##" + c for c in chars), "the", "##s"]))
    (directory / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    (directory / "tokenizer_config.json").write_text(json.dumps(config), encoding="utf-8")
    return directory


def unanalysed_folder(directory: Path, config: dict) -> Path:
    """A folder with the special tokens alone, for an analyser that is not installed here."""
    directory.mkdir()
    (directory / "vocab.txt").write_text("\n".join(SPECIAL) + "\n", encoding="utf-8")
    config = {"tokenizer_class": "BertJapaneseTokenizer", **config}
    (directory / "tokenizer_config.json").write_text(json.dumps(config), encoding="utf-8")
    return directory


def compare(ours, theirs) -> None:
    assert type(theirs).__name__ == "BertJapaneseTokenizer"
    assert_same_settings(ours, theirs)
    assert ours.get_vocab() == theirs.get_vocab()
    for text in TEXTS:
        assert ours.tokenize(text) == theirs.tokenize(text), text
        compare_fields_call(ours, theirs, text, **FIELDS)
    half = len(TEXTS) // 2
    # (A single text's `length` is an int in transformers' Python classes: compared in batches.)
    compare_fields_call(ours, theirs, TEXTS, return_length=True, **FIELDS)
    compare_fields_call(ours, theirs, TEXTS[:8], return_offsets_mapping=True)  # neither gives offsets
    words = [line.split("、") for line in JAPANESE[:12]]  # each word through the analyser alone
    compare_fields_call(ours, theirs, words, is_split_into_words=True, **FIELDS)
    compare_fields_call(ours, theirs, TEXTS[:half], TEXTS[half : 2 * half], **FIELDS)
    short, long = [line[:2] for line in JAPANESE[:12]], JAPANESE[12:24]
    compare_fields_call(ours, theirs, long, TEXTS[-12:], truncation="longest_first", max_length=47, **FIELDS)
    compare_fields_call(ours, theirs, short, long, truncation="only_second", max_length=13, **FIELDS)
    compare_fields_call(ours, theirs, long, short, truncation="only_first", max_length=11, **FIELDS)
    compare_fields_call(
        ours, theirs, JAPANESE[:20], padding="max_length", max_length=41, truncation=True, **FIELDS
    )
    compare_fields_call(ours, theirs, JAPANESE[20:40], padding="longest", **FIELDS)
    assert ours.encode(JAPANESE[3], JAPANESE[4]) == theirs.encode(JAPANESE[3], JAPANESE[4])
    check_decode(ours, theirs, theirs(TEXTS)["input_ids"])


CONFIGS = [
    {"word_tokenizer_type": "mecab"},
    {"word_tokenizer_type": "mecab", "mecab_kwargs": {"mecab_dic": "ipadic"}, "do_lower_case": True},
    {"word_tokenizer_type": "mecab", "subword_tokenizer_type": "character"},
    {
        "word_tokenizer_type": "mecab",
        "mecab_kwargs": {"mecab_dic": "unidic_lite", "normalize_text": False, "mecab_option": "-N1"},
        "do_lower_case": True,
        "never_split": ["ＴＯＫＹＯ", "Tokyo"],
    },
    {"word_tokenizer_type": "sudachi"},
    {
        "word_tokenizer_type": "sudachi",
        "sudachi_kwargs": {"sudachi_split_mode": "C", "trim_whitespace": True},
        "do_lower_case": True,
    },
    {"word_tokenizer_type": "sudachi", "subword_tokenizer_type": "character"},
    {
        "word_tokenizer_type": "sudachi",
        "sudachi_kwargs": {"sudachi_split_mode": "B", "sudachi_projection": "normalized"},
    },
]


@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: json.dumps(c, ensure_ascii=True))
def test_analysers_match_transformers(tmp_path, config):
    folder = analyser_folder(tmp_path, config)
    compare(AutoTokenizer.from_pretrained(folder), transformers.AutoTokenizer.from_pretrained(str(folder)))


@pytest.mark.parametrize("config", [CONFIGS[1], CONFIGS[5]], ids=["mecab", "sudachi"])
def test_save_round_trip_and_pickle_keep_the_analyser(tmp_path, config):
    folder = analyser_folder(tmp_path, config)
    ours = AutoTokenizer.from_pretrained(folder)
    theirs = transformers.AutoTokenizer.from_pretrained(str(folder))
    saved = tmp_path / "saved"
    ours.save_pretrained(saved)
    written = json.loads((saved / "tokenizer_config.json").read_text(encoding="utf-8"))
    kind = config["word_tokenizer_type"]
    assert written["word_tokenizer_type"] == kind
    assert written[f"{kind}_kwargs"] == config[f"{kind}_kwargs"]
    texts = TEXTS[::3]
    expected = theirs(texts)["input_ids"]
    for reloaded in (
        AutoTokenizer.from_pretrained(saved),
        transformers.AutoTokenizer.from_pretrained(str(saved)),
        pickle.loads(pickle.dumps(ours)),
    ):
        assert reloaded(texts)["input_ids"] == expected
        assert reloaded.batch_decode(expected) == theirs.batch_decode(expected)


def test_added_tokens_are_split_before_the_analyser(tmp_path):
    folder = analyser_folder(tmp_path, CONFIGS[0])
    ours = AutoTokenizer.from_pretrained(folder)
    theirs = transformers.AutoTokenizer.from_pretrained(str(folder))
    for tok in (ours, theirs):
        tok.add_tokens(["天気予報", "ＡＩ"])
        tok.add_special_tokens({"additional_special_tokens": ["<ctx>"]})
    texts = ["明日の天気予報は<ctx>晴れです", "ＡＩと天気<ctx>", *JAPANESE[:10]]
    for text in texts:
        assert ours.tokenize(text) == theirs.tokenize(text), text
    compare_fields_call(ours, theirs, texts, **FIELDS)
    # (With split_special_tokens, transformers' Python classes match no added token at all; ferrotok still
    # matches those that are not special, as tokenizers does: texts without them here.)
    plain_texts = ["[CLS] 今日は<ctx>晴れ [SEP]", *JAPANESE[:10]]
    compare_fields_call(ours, theirs, plain_texts, split_special_tokens=True, **FIELDS)


@pytest.mark.parametrize(
    ("config", "error"),
    [
        ({"word_tokenizer_type": "mecab", "mecab_kwargs": {"mecab_dic": "nodic"}}, ValueError),
        ({"word_tokenizer_type": "sudachi", "sudachi_kwargs": {"sudachi_split_mode": "D"}}, ValueError),
        ({"word_tokenizer_type": "mecab", "mecab_kwargs": {"dic": "ipadic"}}, TypeError),
    ],
)
def test_bad_options_raise_as_transformers(tmp_path, config, error):
    directory = tmp_path / "bad"
    directory.mkdir()
    (directory / "vocab.txt").write_text("\n".join(SPECIAL) + "\n", encoding="utf-8")
    (directory / "tokenizer_config.json").write_text(
        json.dumps({"tokenizer_class": "BertJapaneseTokenizer", **config}), encoding="utf-8"
    )
    with pytest.raises(error):
        transformers.AutoTokenizer.from_pretrained(str(directory))
    with pytest.raises(error):
        AutoTokenizer.from_pretrained(directory)


def test_unidic_without_its_downloaded_dictionary_is_refused(tmp_path, monkeypatch):
    """`unidic` downloads its dictionary at first use (outside PyPI): not installed here, it is refused with
    transformers' exception class and the package named."""
    config = {"word_tokenizer_type": "mecab", "mecab_kwargs": {"mecab_dic": "unidic"}}
    directory = unanalysed_folder(tmp_path / "unidic", config)
    monkeypatch.setitem(sys.modules, "unidic", None)
    with pytest.raises(ModuleNotFoundError, match="unidic"):
        transformers.AutoTokenizer.from_pretrained(str(directory))
    with pytest.raises(ModuleNotFoundError, match="unidic"):
        AutoTokenizer.from_pretrained(directory)


@pytest.mark.parametrize(
    ("kind", "module", "error"),
    [("mecab", "fugashi", ModuleNotFoundError), ("sudachi", "sudachipy", ImportError)],
)
def test_a_missing_analyser_is_named(tmp_path, monkeypatch, kind, module, error):
    folder = analyser_folder(tmp_path, {"word_tokenizer_type": kind})
    monkeypatch.setitem(sys.modules, module, None)
    with pytest.raises(error, match=module) as raised:
        AutoTokenizer.from_pretrained(folder)
    assert "ferrotok[ja]" in str(raised.value)
    with pytest.raises(error):
        transformers.AutoTokenizer.from_pretrained(str(folder))


def test_jumanpp_is_refused_with_the_option_named(tmp_path):
    directory = unanalysed_folder(tmp_path / "juman", {"word_tokenizer_type": "jumanpp"})
    with pytest.raises(ValueError, match="word_tokenizer_type") as error:
        AutoTokenizer.from_pretrained(directory)
    assert "jumanpp" in str(error.value) and "Juman++" in str(error.value)


def test_a_missing_sudachi_dictionary_is_named(tmp_path, monkeypatch):
    folder = analyser_folder(tmp_path, {"word_tokenizer_type": "sudachi"})
    config = json.loads((folder / "tokenizer_config.json").read_text(encoding="utf-8"))
    config["sudachi_kwargs"] = {"sudachi_dict_type": "full"}
    (folder / "tokenizer_config.json").write_text(json.dumps(config), encoding="utf-8")
    monkeypatch.setitem(sys.modules, "sudachidict_full", None)
    with pytest.raises(ModuleNotFoundError, match="sudachidict_full"):
        transformers.AutoTokenizer.from_pretrained(str(folder))
    with pytest.raises(ModuleNotFoundError, match="sudachidict_full"):
        AutoTokenizer.from_pretrained(folder)


def test_the_tokenizers_api_loads_the_analyser_too(tmp_path):
    from ferrotok import Tokenizer

    folder = analyser_folder(tmp_path, CONFIGS[1])
    theirs = transformers.AutoTokenizer.from_pretrained(str(folder))
    ours = Tokenizer.from_pretrained(str(folder))
    assert ours.normalizer is not None
    for text in TEXTS[::4]:
        assert ours.encode(text).ids == theirs.encode(text), text


@pytest.mark.parametrize(
    "overrides",
    [
        {"do_lower_case": True},
        {"mecab_kwargs": {"mecab_dic": "ipadic"}},
        {"word_tokenizer_type": "sudachi"},
        {"subword_tokenizer_type": "character"},
    ],
)
def test_from_pretrained_arguments_override_the_analyser_options(tmp_path, overrides):
    folder = analyser_folder(tmp_path, CONFIGS[0])
    ours = AutoTokenizer.from_pretrained(folder, **overrides)
    theirs = transformers.AutoTokenizer.from_pretrained(str(folder), **overrides)
    assert ours(TEXTS)["input_ids"] == theirs(TEXTS)["input_ids"]
