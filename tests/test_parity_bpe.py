"""Parity with Hugging Face (transformers 5 / tokenizers 0.23, run at test time) on BPE models.

Byte-level BPE (GPT-2 legacy files and tokenizer.json, RoBERTa processing, Qwen / Llama-3 style split +
ByteLevel), classic `</w>` BPE (CLIP) and Llama-2 style byte-fallback BPE. Model folders are built at test
time into tmp folders (tests/bpe_builders.py). Every comparison checks ids, masks, type ids, special-token
masks, offsets, tokens, word ids and sequence ids (parity.assert_same_encoding), plus decode strings.
"""

from __future__ import annotations

import json
import random
import time

import bpe_builders as builders
import pytest
from adversarial import fixed_cases
from parity import (
    ALL_FIELDS,
    LANGS,
    LINES,
    SAMPLE,
    TEXTS,
    check_decode,
    check_general,
    check_save_round_trip,
    compare_call,
)

transformers = pytest.importorskip("transformers")
pytest.importorskip("tokenizers")
from ferrotok import AutoTokenizer  # noqa: E402

ENGLISH = [line for lang, line in LINES if lang == "en"][:12]
pytestmark = pytest.mark.usefixtures("fast_paths")
SPECIAL_TEXTS = [
    "a<|endoftext|>b",
    "<|endoftext|> at start and end <|endoftext|>",
    " <|endoftext|> spaced",
    "<|im_start|>user\nhi<|im_end|>",
    "<s>x</s> <mask> y<mask>z  <mask>",
    "<unk> <pad>",
]
BPE_CASES = [
    "'s 's'S 'll 're",
    "  two  spaces",
    "\n\n\nnewlines\r\n",
    "1234567 numbers 3.14",
    "a" * 40,
    "ÿ" * 9,
]


def texts_for_parity() -> list[str]:
    return SAMPLE + fixed_cases() + SPECIAL_TEXTS + BPE_CASES


def load_pair(folder, **kwargs):
    return AutoTokenizer.from_pretrained(folder, **kwargs), transformers.AutoTokenizer.from_pretrained(
        str(folder), **kwargs
    )


# --- folders ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    root = tmp_path_factory.mktemp("bpe")
    train = TEXTS[::2]
    clip = builders.clip_legacy(root / "clip", train)
    return {
        "gpt2": builders.GPT2_DIR,
        "gpt2_prefix": builders.gpt2_legacy(root / "gpt2_prefix", add_prefix_space=True),
        "gpt2_json": builders.gpt2_saved_by_transformers(root / "gpt2_json"),
        "roberta_trim": builders.roberta_json(
            root / "roberta_trim", trim_offsets=True, add_prefix_space=True
        ),
        "roberta_notrim": builders.roberta_json(
            root / "roberta_notrim", trim_offsets=False, add_prefix_space=False
        ),
        "roberta_legacy": builders.roberta_legacy(root / "roberta_legacy"),
        "clip": clip,
        "clip_json": builders.clip_saved_by_transformers(clip, root / "clip_json"),
        "qwen": builders.qwen_json(root / "qwen", train),
        "llama2_normalizer": builders.llama2_json(root / "llama2_normalizer", train, style="normalizer"),
        "llama2_metaspace": builders.llama2_json(root / "llama2_metaspace", train, style="metaspace"),
    }


@pytest.fixture(scope="module")
def pairs(folders):
    return {name: load_pair(folder) for name, folder in folders.items()}


@pytest.fixture
def gpt2_fresh():
    """A (ferrotok, HF) GPT-2 pair that a test may mutate."""
    return load_pair(builders.GPT2_DIR)


# --- 1. GPT-2 legacy files ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["gpt2", "gpt2_prefix", "gpt2_json"])
def test_gpt2_general(pairs, name):
    check_general(*pairs[name], texts_for_parity(), 120)


def test_gpt2_multilingual_every_language(pairs):
    ours, theirs = pairs["gpt2"]
    for lang in LANGS:
        compare_call(ours, theirs, [text for code, text in LINES if code == lang][:6], **ALL_FIELDS)


@pytest.mark.parametrize("side", ["right", "left"])
def test_gpt2_padding_with_eos_as_pad(gpt2_fresh, side):
    ours, theirs = gpt2_fresh
    ours.pad_token = ours.eos_token
    theirs.pad_token = theirs.eos_token
    assert ours.pad_token_id == theirs.pad_token_id == 50256
    batch = TEXTS[::15]
    for kwargs in (
        {"padding": True},
        {"padding": "max_length", "truncation": True, "max_length": 24},
        {"padding": True, "truncation": True, "max_length": 40, "pad_to_multiple_of": 8},
    ):
        compare_call(ours, theirs, batch, padding_side=side, **kwargs, **ALL_FIELDS)
        compare_call(ours, theirs, batch, padding_side=side, return_tensors="np", **kwargs)
    check_decode(ours, theirs, theirs(batch, padding=True, padding_side=side)["input_ids"])


def test_gpt2_padding_without_pad_token_raises_like_hf(pairs):
    ours, theirs = pairs["gpt2"]
    with pytest.raises(ValueError):
        theirs(ENGLISH[:2], padding=True)
    with pytest.raises(ValueError):
        ours(ENGLISH[:2], padding=True)


@pytest.mark.parametrize("stride", [0, 3])
def test_gpt2_truncation_and_overflow(gpt2_fresh, stride):
    ours, theirs = gpt2_fresh
    ours.pad_token = ours.eos_token
    theirs.pad_token = theirs.eos_token
    kwargs = {"truncation": True, "max_length": 12, "stride": stride, "return_overflowing_tokens": True}
    compare_call(ours, theirs, ENGLISH[0], **kwargs, **ALL_FIELDS)
    compare_call(ours, theirs, ENGLISH[:4], **kwargs, **ALL_FIELDS)
    compare_call(ours, theirs, ENGLISH[:4], padding=True, return_tensors="np", **kwargs)
    compare_call(ours, theirs, ENGLISH[:3], TEXTS[200:203], **kwargs, **ALL_FIELDS)
    ours.truncation_side = theirs.truncation_side = "left"
    compare_call(ours, theirs, ENGLISH[:4], truncation=True, max_length=9, **ALL_FIELDS)


def test_gpt2_add_prefix_space_kwarg(folders):
    ours, theirs = load_pair(folders["gpt2"], add_prefix_space=True)
    reference_ours, _ = load_pair(folders["gpt2_prefix"])
    for text in ["Hello world", " lead", "<|endoftext|>x", *SAMPLE[:5]]:
        compare_call(ours, theirs, text, **ALL_FIELDS)
        assert reference_ours(text)["input_ids"] == theirs(text)["input_ids"]


@pytest.mark.parametrize("name", ["gpt2", "gpt2_prefix", "roberta_trim", "qwen"])
def test_is_split_into_words(pairs, name):
    ours, theirs = pairs[name]
    words = [line.split() for line in TEXTS[::40]]
    compare_call(ours, theirs, words[0], is_split_into_words=True, **ALL_FIELDS)
    compare_call(ours, theirs, words, is_split_into_words=True, **ALL_FIELDS)
    compare_call(
        ours, theirs, words[:3], words[3:6], is_split_into_words=True, truncation=True, max_length=30
    )


def test_gpt2_added_tokens(gpt2_fresh):
    ours, theirs = gpt2_fresh
    assert ours.add_tokens(["newword", " spacedword", "Ġodd"]) == theirs.add_tokens(
        ["newword", " spacedword", "Ġodd"]
    )
    specials = {"extra_special_tokens": ["<|im_start|>", "<|im_end|>"]}
    assert ours.add_special_tokens(specials) == theirs.add_special_tokens(specials)
    assert len(ours) == len(theirs)
    assert ours.all_special_ids == theirs.all_special_ids
    texts = [
        "a newword b",
        "x spacedword y",
        "<|im_start|>user hi<|im_end|>",
        "Ġodd newwordnewword<|endoftext|>",
    ]
    compare_call(ours, theirs, texts, **ALL_FIELDS)
    for text in texts:
        assert ours.tokenize(text) == theirs.tokenize(text)
    check_decode(ours, theirs, theirs(texts)["input_ids"])


def test_gpt2_decode_cleanup_flag(pairs):
    ours, theirs = pairs["gpt2"]
    ids = theirs(["Hello , world . It 's n't", " a ! b ?"])["input_ids"]
    for clean in (None, True, False):
        assert ours.batch_decode(ids, clean_up_tokenization_spaces=clean) == theirs.batch_decode(
            ids, clean_up_tokenization_spaces=clean
        )


# --- 2. RoBERTa-style tokenizer.json ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["roberta_trim", "roberta_notrim", "roberta_legacy"])
def test_roberta_general(pairs, name):
    check_general(*pairs[name], texts_for_parity(), 120)


@pytest.mark.parametrize("name", ["roberta_trim", "roberta_notrim", "roberta_legacy"])
def test_roberta_pairs_and_mask(pairs, name):
    ours, theirs = pairs[name]
    masked = ["The <mask> sat.", "x<mask>y", "  <mask>  spaced", "<mask>", "two <mask> <mask> masks"]
    compare_call(ours, theirs, masked, **ALL_FIELDS)
    compare_call(ours, theirs, masked, ENGLISH[:5], **ALL_FIELDS)
    compare_call(
        ours, theirs, ENGLISH[:4], TEXTS[300:304], truncation=True, max_length=20, padding=True, **ALL_FIELDS
    )
    compare_call(ours, theirs, ENGLISH[0], TEXTS[301], truncation="only_second", max_length=24, **ALL_FIELDS)
    check_decode(ours, theirs, theirs(masked, ENGLISH[:5])["input_ids"])


# --- 3. CLIP classic BPE ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["clip", "clip_json"])
def test_clip_general(pairs, name):
    check_general(*pairs[name], texts_for_parity(), 120)


@pytest.mark.parametrize("name", ["clip", "clip_json"])
def test_clip_padding_truncation_and_decode(pairs, name):
    ours, theirs = pairs[name]
    compare_call(ours, theirs, TEXTS[::20], padding="max_length", truncation=True, **ALL_FIELDS)  # 77 tokens
    ids = theirs(["A photo of a cat.", "  Lots   of\tspace  ", "'s 'll don't", "日本語"])["input_ids"]
    check_decode(ours, theirs, ids)
    assert ours.decode(ids[0]) == theirs.decode(ids[0])  # `</w>` → " ", then stripped (transformers' CLIP)


# --- 4. Qwen / Llama-3 and Llama-2 style tokenizer.json ----------------------------------------------------


@pytest.mark.parametrize("name", ["qwen", "llama2_normalizer", "llama2_metaspace"])
def test_modern_general(pairs, name):
    check_general(*pairs[name], texts_for_parity(), 120)


@pytest.mark.parametrize("name", ["qwen", "llama2_normalizer", "llama2_metaspace"])
def test_modern_pairs_padding_chat(pairs, name):
    ours, theirs = pairs[name]
    chat = "<|im_start|>system\nYou are helpful.<|im_end|>\n<|im_start|>user\nBonjour ! 你好<|im_end|>\n"
    compare_call(ours, theirs, chat, **ALL_FIELDS)
    compare_call(ours, theirs, ENGLISH[:3], TEXTS[100:103], **ALL_FIELDS)
    if theirs.pad_token is None:
        ours.pad_token = ours.eos_token
        theirs.pad_token = theirs.eos_token
    for side in ("left", "right"):
        compare_call(
            ours, theirs, TEXTS[::25], padding=True, truncation=True, max_length=30, padding_side=side
        )


def test_llama2_byte_fallback_decode(pairs):
    ours, theirs = pairs["llama2_metaspace"]
    texts = ["𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ☃ ✓", "\u0000\u0007 control", "  leading", "<0x41> literal"]
    compare_call(ours, theirs, texts, **ALL_FIELDS)
    check_decode(ours, theirs, theirs(texts)["input_ids"])
    partial = [theirs.convert_tokens_to_ids("<0xE2>"), theirs.convert_tokens_to_ids("<0x98>")]
    assert ours.decode(partial) == theirs.decode(partial)  # an incomplete UTF-8 sequence → U+FFFD


def test_qwen_through_tokenizer_file(folders):
    """A bare tokenizer.json, as `PreTrainedTokenizerFast(tokenizer_file=...)` loads it."""
    path = folders["qwen"] / "tokenizer.json"
    ours = AutoTokenizer.from_pretrained(path)
    theirs = transformers.PreTrainedTokenizerFast(tokenizer_file=str(path))
    compare_call(ours, theirs, texts_for_parity(), **ALL_FIELDS)
    check_decode(ours, theirs, theirs(texts_for_parity())["input_ids"])


@pytest.mark.parametrize("name", ["qwen", "roberta_legacy", "clip"])
def test_save_pretrained_round_trip(pairs, tmp_path, name):
    ours, theirs = pairs[name]
    check_save_round_trip(ours, theirs, tmp_path, texts_for_parity()[:20])


# --- 5. Properties ------------------------------------------------------------------------------------------


def test_hypothesis_byte_level_round_trip_and_differential(pairs):
    hypothesis = pytest.importorskip("hypothesis")
    from hypothesis import strategies as st

    gpt2, hf_gpt2 = pairs["gpt2"]
    qwen, hf_qwen = pairs["qwen"]
    texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80)

    @hypothesis.settings(max_examples=200, deadline=None, derandomize=True)
    @hypothesis.given(text=texts)
    def check(text):
        ids = gpt2.encode(text, add_special_tokens=False)
        if "<|endoftext|>" not in text:  # GPT-2 has no normalizer: bytes survive exactly
            assert gpt2.decode(ids, clean_up_tokenization_spaces=False) == text
        assert ids == hf_gpt2.encode(text, add_special_tokens=False)
        assert qwen.encode(text) == hf_qwen.encode(text)
        assert qwen.decode(hf_qwen.encode(text)) == hf_qwen.decode(hf_qwen.encode(text))

    check()


# --- 6. Catastrophic inputs ---------------------------------------------------------------------------------


CATASTROPHIC = ["a", "^", " ", "\n", "0", "'s", "\u3000", "é", "random-word"]
GENEROUS_SECONDS = 60  # a hang guard for a loaded machine, not a speed assertion


def _catastrophic(piece: str, length: int) -> str:
    if piece == "random-word":
        rng = random.Random(7)
        return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(length))
    return piece * length


def _hf_ids(theirs, text):
    return theirs.backend_tokenizer.encode(text, add_special_tokens=False).ids


@pytest.mark.parametrize("piece", CATASTROPHIC)
def test_catastrophic_inputs_complete(pairs, piece):
    """A million-repeat input completes (ferrotok only); a 50 000-repeat one equals HF (cheap for HF)."""
    ours, theirs = pairs["gpt2"]
    start = time.monotonic()
    ids = ours(_catastrophic(piece, 1_000_000), add_special_tokens=False)["input_ids"]
    assert time.monotonic() - start < GENEROUS_SECONDS and ids
    small = _catastrophic(piece, 50_000)
    assert ours(small, add_special_tokens=False)["input_ids"] == _hf_ids(theirs, small)


@pytest.mark.slow
@pytest.mark.parametrize("piece", CATASTROPHIC)
def test_catastrophic_inputs_match_hf(pairs, piece):
    """The full million-repeat inputs equal HF (HF itself takes 5-20 s each here, hence `slow`)."""
    text = _catastrophic(piece, 1_000_000)
    ours, theirs = pairs["gpt2"]
    assert ours(text, add_special_tokens=False)["input_ids"] == _hf_ids(theirs, text)


# --- 7. Malformed files -------------------------------------------------------------------------------------


def _malformed(folders, tmp_path, edit):
    target = tmp_path / "bad"
    target.mkdir()
    builders.edit_tokenizer_json(folders["qwen"] / "tokenizer.json", target / "tokenizer.json", edit)
    return target


def _first_merge_result(doc):
    left, right = doc["model"]["merges"][0]
    del doc["model"]["vocab"][left + right]


MALFORMED = {
    "merge-unknown-token": (lambda d: d["model"]["merges"].append(["zzq", "qqz"]), "zzq"),
    "merge-result-missing": (_first_merge_result, "merges"),
    "bad-split-regex": (
        lambda d: d["pre_tokenizer"]["pretokenizers"][0].__setitem__("pattern", {"Regex": "(unclosed"}),
        "pre_tokenizer",
    ),
    "unknown-pre-tokenizer": (
        lambda d: d.__setitem__("pre_tokenizer", {"type": "NoSuchThing"}),
        "NoSuchThing",
    ),
    "unknown-model": (lambda d: d["model"].__setitem__("type", "NoSuchModel"), "NoSuchModel"),
    "unknown-decoder": (lambda d: d.__setitem__("decoder", {"type": "NoSuchDecoder"}), "NoSuchDecoder"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_tokenizer_json_is_refused(folders, tmp_path, case):
    from tokenizers import Tokenizer

    edit, named = MALFORMED[case]
    folder = _malformed(folders, tmp_path, edit)
    with pytest.raises(Exception, match=r"\S"):  # HF refuses each one too
        Tokenizer.from_file(str(folder / "tokenizer.json"))
    with pytest.raises(ValueError, match=named):
        AutoTokenizer.from_pretrained(folder)


def test_malformed_legacy_merges_are_refused(tmp_path):
    folder = builders.gpt2_legacy(tmp_path / "g")
    with (folder / "merges.txt").open("a", encoding="utf-8") as f:
        f.write("zzq qqz\n")
    with pytest.raises(Exception, match="zzq"):  # HF: "Token `zzq` out of vocabulary"
        transformers.AutoTokenizer.from_pretrained(str(folder))
    with pytest.raises(ValueError, match="zzq"):
        AutoTokenizer.from_pretrained(folder)
    vocab = json.loads((folder / "vocab.json").read_text(encoding="utf-8"))
    assert "zzq" not in vocab
