"""Parity with Hugging Face (transformers 5 / tokenizers 0.23, run at test time) on SentencePiece models.

Real SentencePiece models are trained at test time on the multilingual sample (tests/spm_builders.py):
unigram and bpe, byte_fallback, split_digits, nmt_nfkc / nfkc_cf / identity normalization and
treat_whitespace_as_suffix, under the classes that use them (T5, ALBERT, XLNet, XLM-R, CamemBERT,
Llama). transformers converts each into its fast tokenizer and saves its tokenizer.json; ferrotok loads
that folder. Every comparison checks ids, masks, type ids, special-token masks, offsets, tokens, word ids
and sequence ids (parity.assert_same_encoding), plus decode strings. WordLevel and character-level
tokenizers are built with `tokenizers` and compared the same way.
"""

from __future__ import annotations

import json

import pytest
import spm_builders as builders
from adversarial import fixed_cases, random_cases
from parity import (
    ALL_FIELDS,
    LINES,
    SAMPLE,
    TEXTS,
    check_decode,
    check_general,
    check_save_round_trip,
    compare_call,
)

transformers = pytest.importorskip("transformers")
tokenizers = pytest.importorskip("tokenizers")
pytest.importorskip("sentencepiece")
from ferrotok import AutoTokenizer  # noqa: E402
from ferrotok import Tokenizer as CoreTokenizer  # noqa: E402

ENGLISH = [line for lang, line in LINES if lang == "en"][:12]
SPM_CASES = [
    "",
    " ",
    "   leading and trailing   ",
    "tabs\tand\nnewlines\r\nand\u3000ideographic space",
    "1234567 numbers 3.14 ①②③ ｆｕｌｌ ｗｉｄｔｈ",
    "ﬁ ﬂ ﬃ Ⅻ ㎏ ™ ½ ² ℃ Å Ω",  # NFKC changes these
    "e\u0301 a\u0308 n\u0303 combining",
    "\u1100\u1161\u11a8 Hangul jamo 한국어",
    "▁ already has the meta space ▁▁",
    "``quotes'' and \u201csmart\u201d",
    "<unk> <s> </s> <pad> [CLS] [SEP] <sep> <cls> <mask> [MASK]",
    "a" * 300,
    "€" * 40,
    "🏳️‍🌈 👨‍👩‍👧‍👦 🇫🇷 1️⃣",
]
NAMES = sorted(builders.CONFIGS)


def texts_for_parity() -> list[str]:
    return SAMPLE + fixed_cases() + SPM_CASES


@pytest.fixture(scope="session")
def folders(tmp_path_factory):
    """Every configuration trained once per session and converted by transformers."""
    root = tmp_path_factory.mktemp("spm")
    out = {}
    for name in NAMES:
        raw = builders.train(root / "raw" / name, name)
        out[name] = builders.converted(raw, root / "json" / name)
    return out


@pytest.fixture(scope="session")
def pairs(folders):
    return {
        name: (AutoTokenizer.from_pretrained(folder), transformers.AutoTokenizer.from_pretrained(str(folder)))
        for name, folder in folders.items()
    }


@pytest.mark.parametrize("name", NAMES)
def test_general(pairs, name):
    check_general(*pairs[name], texts_for_parity(), 150)


@pytest.mark.parametrize("name", NAMES)
def test_whole_multilingual_sample(pairs, name):
    ours, theirs = pairs[name]
    expected = theirs(TEXTS, return_offsets_mapping=True)
    got = ours(TEXTS, return_offsets_mapping=True)
    for i in range(len(TEXTS)):
        assert got["input_ids"][i] == expected["input_ids"][i], TEXTS[i]
        assert got["offset_mapping"][i] == expected["offset_mapping"][i], TEXTS[i]


@pytest.mark.parametrize(
    "name", ["t5_unigram", "xlnet_unigram", "xlmr_unigram_split_digits", "albert_unigram_nfkc_cf"]
)
def test_pairs_truncation_and_padding(pairs, name):
    ours, theirs = pairs[name]
    firsts, seconds = ENGLISH[:4], TEXTS[300:304]
    for strategy in ("longest_first", "only_first", "only_second"):
        for side in ("right", "left"):
            ours.truncation_side = theirs.truncation_side = side
            compare_call(ours, theirs, firsts, seconds, truncation=strategy, max_length=24, **ALL_FIELDS)
    ours.truncation_side = theirs.truncation_side = "right"
    for side in ("right", "left"):
        compare_call(ours, theirs, firsts, seconds, padding=True, padding_side=side, **ALL_FIELDS)
        compare_call(
            ours,
            theirs,
            firsts,
            padding="max_length",
            truncation=True,
            max_length=64,
            padding_side=side,
            return_tensors="np",
        )
    compare_call(ours, theirs, firsts, seconds, padding=True, return_tensors="np")


@pytest.mark.parametrize("name", ["t5_unigram", "xlmr_unigram_split_digits"])
@pytest.mark.parametrize("stride", [0, 4])
def test_overflow_with_stride(pairs, name, stride):
    ours, theirs = pairs[name]
    kwargs = {"truncation": True, "max_length": 16, "stride": stride, "return_overflowing_tokens": True}
    compare_call(ours, theirs, ENGLISH[0], **kwargs, **ALL_FIELDS)
    compare_call(ours, theirs, ENGLISH[:4], **kwargs, **ALL_FIELDS)
    compare_call(ours, theirs, ENGLISH[:3], TEXTS[200:203], **kwargs, **ALL_FIELDS)


@pytest.mark.parametrize("name", ["t5_unigram", "xlmr_unigram_split_digits"])
def test_is_split_into_words(pairs, name):
    ours, theirs = pairs[name]
    words = [line.split() for line in TEXTS[::40]]
    compare_call(ours, theirs, words[0], is_split_into_words=True, **ALL_FIELDS)
    compare_call(ours, theirs, words, is_split_into_words=True, **ALL_FIELDS)


def test_hypothesis_differential(pairs):
    hypothesis = pytest.importorskip("hypothesis")
    from hypothesis import strategies as st

    chosen = [pairs[n] for n in ("t5_unigram", "albert_unigram_nfkc_cf", "t5_unigram_byte_fallback")]
    texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)

    @hypothesis.settings(max_examples=150, deadline=None, derandomize=True)
    @hypothesis.given(text=texts)
    def check(text):
        for ours, theirs in chosen:
            got, expected = ours(text, return_offsets_mapping=True), theirs(text, return_offsets_mapping=True)
            assert got["input_ids"] == expected["input_ids"]
            assert got["offset_mapping"] == expected["offset_mapping"]
            assert ours.decode(expected["input_ids"]) == theirs.decode(expected["input_ids"])

    check()


# --- WordLevel and character level --------------------------------------------------------------------------


def _wordlevel_json(tmp_path, char_level: bool):
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors, trainers

    tok = Tokenizer(models.WordLevel(unk_token="[UNK]"))
    tok.normalizer = normalizers.Sequence([normalizers.NFKC(), normalizers.Lowercase()])
    if char_level:
        tok.pre_tokenizer = pre_tokenizers.Split("", "isolated")
    else:
        tok.pre_tokenizer = pre_tokenizers.Whitespace()
    trainer = trainers.WordLevelTrainer(
        vocab_size=3000 if not char_level else 400, special_tokens=["[UNK]", "[PAD]", "[CLS]", "[SEP]"]
    )
    tok.train_from_iterator(TEXTS[::3], trainer)
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", tok.token_to_id("[CLS]")), ("[SEP]", tok.token_to_id("[SEP]"))],
    )
    path = tmp_path / ("char.json" if char_level else "word.json")
    tok.save(str(path))
    return path


def _folder(path):
    """A model folder around a tokenizer.json built with `tokenizers`."""
    (path.parent / "tokenizer_config.json").write_text(
        json.dumps({"tokenizer_class": "PreTrainedTokenizerFast", "unk_token": "[UNK]", "pad_token": "[PAD]"})
    )
    folder = path.parent
    if path.name != "tokenizer.json":
        path.rename(folder / "tokenizer.json")
    return AutoTokenizer.from_pretrained(folder), transformers.AutoTokenizer.from_pretrained(str(folder))


@pytest.mark.parametrize("char_level", [False, True])
def test_wordlevel_and_char_level(tmp_path, char_level):
    ours, theirs = _folder(_wordlevel_json(tmp_path, char_level))
    assert ours.get_vocab() == theirs.get_vocab()
    texts = texts_for_parity() + TEXTS[::25]
    for text in texts:
        compare_call(ours, theirs, text, **ALL_FIELDS)
    compare_call(ours, theirs, texts[:6], texts[6:12], truncation=True, max_length=40, **ALL_FIELDS)
    compare_call(ours, theirs, texts[:20], padding=True, return_tensors="np")
    check_decode(ours, theirs, theirs(texts)["input_ids"])


def test_bpe_without_merges_is_char_level(tmp_path):
    chars = sorted({c for line in TEXTS[:50] for c in line})
    vocab = {"<unk>": 0, **{c: i + 1 for i, c in enumerate(chars)}}
    doc = {
        "version": "1.0",
        "added_tokens": [],
        "normalizer": None,
        "pre_tokenizer": None,
        "post_processor": None,
        "decoder": None,
        "model": {"type": "BPE", "vocab": vocab, "merges": [], "unk_token": "<unk>"},
    }
    path = tmp_path / "tokenizer.json"
    path.write_text(json.dumps(doc))
    ours, theirs = _folder(path)
    for text in TEXTS[:60:7] + SPM_CASES:
        compare_call(ours, theirs, text, **ALL_FIELDS)


# --- Bad input ----------------------------------------------------------------------------------------------


def _edit_and_load(folder, tmp_path, edit):
    doc = json.loads((folder / "tokenizer.json").read_text(encoding="utf-8"))
    edit(doc)
    path = tmp_path / "tokenizer.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def _charsmap_edit(value):
    def edit(doc):
        norm = doc["normalizer"]
        target = norm if norm["type"] == "Precompiled" else norm["normalizers"][0]
        target["precompiled_charsmap"] = value

    return edit


BAD = {
    # JSON has no NaN or infinity: such scores cannot get past the parser (the model checks them too).
    "nan_score": (lambda d: d["model"]["vocab"][5].__setitem__(1, float("nan")), "column"),
    "inf_score": (lambda d: d["model"]["vocab"][7].__setitem__(1, float("-inf")), "column"),
    "empty_piece": (lambda d: d["model"]["vocab"][9].__setitem__(0, ""), "model.vocab[9]"),
    "unk_out_of_range": (lambda d: d["model"].__setitem__("unk_id", 10**6), "model.unk_id"),
    "bad_pair": (lambda d: d["model"]["vocab"].__setitem__(4, ["x"]), "model.vocab[4]"),
    "charsmap_not_base64": (_charsmap_edit("!!not base64!!"), "precompiled_charsmap"),
    "charsmap_truncated": (_charsmap_edit("AAEAAA=="), "precompiled_charsmap"),
    "charsmap_garbage": (_charsmap_edit("CAAAAP////////////8="), "precompiled_charsmap"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_is_a_value_error_naming_file_and_field(folders, tmp_path, case):
    edit, field = BAD[case]
    path = _edit_and_load(folders["t5_unigram"], tmp_path, edit)
    with pytest.raises(ValueError) as err:
        CoreTokenizer.from_file(str(path))
    assert "tokenizer.json" in str(err.value) and field in str(err.value), str(err.value)


@pytest.mark.parametrize("name", ["t5_unigram", "xlmr_unigram_split_digits", "camembert_unigram_identity"])
def test_fused_path_matches_generic_chain(folders, monkeypatch, name):
    """The fused SentencePiece path gives what the stage-by-stage chain gives (FERROTOK_NO_FAST_PATH)."""
    fused = AutoTokenizer.from_pretrained(folders[name])
    monkeypatch.setenv("FERROTOK_NO_FAST_PATH", "1")
    generic = AutoTokenizer.from_pretrained(folders[name])
    texts = texts_for_parity() + TEXTS[::5] + random_cases(200, seed=7)
    compare_call(fused, generic, texts, **ALL_FIELDS)


@pytest.mark.parametrize("name", ["t5_unigram", "xlmr_unigram_split_digits"])
def test_save_pretrained_round_trip(pairs, tmp_path, name):
    ours, theirs = pairs[name]
    check_save_round_trip(ours, theirs, tmp_path, texts_for_parity()[:30])
