"""Every code point through ferrotok's and Hugging Face's Unicode-dependent stages, compared at test time.

HF normalizes with Unicode 9.0 data (unicode-normalization-alignments 0.1.12) and classifies BERT's characters
with its own older tables; ferrotok must give the same ids and offsets on every code point, so the whole range
is run through a tokenizer whose model only spells out bytes (a byte-level BPE without merges): its ids are
the normalized UTF-8 bytes, its offsets the alignment to the original text.

Under NFC, NFD, NFKC and NFKD each code point `c` appears as `c + U+0316 + U+0301` (combining classes 220
and 230), so canonical reordering and composition see every character both as a mark and as a starter.
Chunks that neither side changes or splits are checked without HF's (slow) encode: ferrotok must return
them byte for byte, with each byte aligned to its own char.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import numpy as np
import pytest
from bpe_builders import LLAMA3_PATTERN
from ferrotok import _core
from tokenizers import Tokenizer as HFTokenizer

# Surrogates cannot be encoded as UTF-8; everything else, assigned or not, is tested.
CODE_POINTS = [cp for cp in range(sys.maxunicode + 1) if not 0xD800 <= cp <= 0xDFFF]
CHUNK = 512


def _bytes_to_unicode() -> dict[int, str]:
    """GPT-2's byte → printable char table (the ByteLevel pre-tokenizer's alphabet)."""
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(0xA1, 0xAD)) + list(range(0xAE, 0x100))
    table, extra = {}, 0
    for b in range(256):
        if b in printable:
            table[b] = chr(b)
        else:
            table[b] = chr(256 + extra)
            extra += 1
    return table


def _document(normalizer: dict | None, pre_tokenizer: dict | None = None) -> str:
    byte_level = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": False}
    if pre_tokenizer is None:
        pre = byte_level
    elif pre_tokenizer["type"] == "ByteLevel":  # splits with GPT-2's regex, then maps bytes itself
        pre = pre_tokenizer
    else:
        pre = {"type": "Sequence", "pretokenizers": [pre_tokenizer, byte_level]}
    vocab = {ch: b for b, ch in _bytes_to_unicode().items()}
    return json.dumps(
        {
            "version": "1.0",
            "truncation": None,
            "padding": None,
            "added_tokens": [],
            "normalizer": normalizer,
            "pre_tokenizer": pre,
            "post_processor": None,
            "decoder": {
                "type": "ByteLevel",
                "add_prefix_space": False,
                "trim_offsets": False,
                "use_regex": False,
            },
            "model": {"type": "BPE", "dropout": None, "unk_token": None, "vocab": vocab, "merges": []},
        }
    )


def _texts(suffix: str) -> list[str]:
    return [
        "".join(chr(cp) + suffix for cp in CODE_POINTS[start : start + CHUNK])
        for start in range(0, len(CODE_POINTS), CHUNK)
    ]


# The Unicode forms see each code point followed by two marks (for reordering and composition); the
# other stages, which drop or keep marks whole, see the bare code points.
MARKED = _texts("\u0316\u0301")
BARE = _texts("")
NO_PAD = 256  # not a byte: marks padding in ferrotok's arrays


def _ours(document: str, texts: list[str], pre_tokenized: bool) -> tuple[Any, Any, Any, Any]:
    """ferrotok's ids / offsets as padded arrays (one call, no Python lists), word ids when they matter."""
    core = _core.Tokenizer.from_str(document)
    request = _core.EncodeRequest(
        add_special_tokens=False,
        padding="longest",
        pad_id=NO_PAD,
        return_tensors="np",
        return_attention_mask=True,
        return_offsets_mapping=True,
    )
    data, encodings = core.encode_fields(texts, None, request)
    words = None
    if pre_tokenized:
        lengths = data["attention_mask"].sum(axis=1)
        words = [encodings.word_ids(row)[: lengths[row]] for row in range(len(texts))]
    return data["input_ids"], data["offset_mapping"], data["attention_mask"], words


def _identity_offsets(text: str) -> np.ndarray:
    """The offsets of a text's byte tokens when nothing changed it: each byte spans its own char."""
    raw = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
    starts = np.cumsum((raw & 0xC0) != 0x80) - 1
    return np.stack([starts, starts + 1], axis=1)


BERT = {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True, "lowercase": True}
CASES = {
    "NFC": ({"type": "NFC"}, None),
    "NFD": ({"type": "NFD"}, None),
    "NFKC": ({"type": "NFKC"}, None),
    "NFKD": ({"type": "NFKD"}, None),
    "StripAccents": ({"type": "Sequence", "normalizers": [{"type": "NFD"}, {"type": "StripAccents"}]}, None),
    "Lowercase": ({"type": "Lowercase"}, None),
    "Bert-uncased": ({**BERT, "strip_accents": None}, None),
    "Bert-strip-cased": ({**BERT, "lowercase": False, "strip_accents": True}, None),
    "Bert-no-strip": ({**BERT, "strip_accents": False}, None),
    "BertPreTokenizer": (None, {"type": "BertPreTokenizer"}),
    "Bert-full": ({**BERT, "strip_accents": None}, {"type": "BertPreTokenizer"}),
    # Pre-tokenizers whose splits depend on Unicode classes (\\p{L}, \\p{N}, \\s, \\w, punctuation).
    "GPT-2 regex": (
        None,
        {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": True},
    ),
    "Llama-3 regex": (
        None,
        {"type": "Split", "pattern": {"Regex": LLAMA3_PATTERN}, "behavior": "Isolated", "invert": False},
    ),
    "Whitespace": (None, {"type": "Whitespace"}),
    "WhitespaceSplit": (None, {"type": "WhitespaceSplit"}),
    "Punctuation": (None, {"type": "Punctuation", "behavior": "Isolated"}),
    "Digits": (None, {"type": "Digits", "individual_digits": True}),
}


@pytest.mark.parametrize("case", list(CASES))
def test_every_code_point_matches_hf(case: str) -> None:
    """Every chunk where either side changes or splits the text is encoded by both and compared (ids,
    offsets, word ids); every other chunk must come out unchanged from both."""
    normalizer, pre_tokenizer = CASES[case]
    document = _document(normalizer, pre_tokenizer)
    texts = MARKED if case.startswith("NF") else BARE
    theirs = HFTokenizer.from_str(document)
    hf_pre = theirs.pre_tokenizer if pre_tokenizer is not None else None
    ids, offsets, mask, words = _ours(document, texts, pre_tokenizer is not None)
    lengths = mask.sum(axis=1)
    to_compare = []
    for row, text in enumerate(texts):
        n = lengths[row]
        ours_text = ids[row, :n].astype(np.uint8).tobytes().decode("utf-8", "replace")
        ours_plain = (
            ours_text == text
            and np.array_equal(offsets[row, :n], _identity_offsets(text))
            and (words is None or set(words[row]) == {0})
        )
        normalized = theirs.normalizer.normalize_str(text) if theirs.normalizer else text
        theirs_plain = normalized == text and (hf_pre is None or len(hf_pre.pre_tokenize_str(text)) == 1)
        if not (ours_plain and theirs_plain):
            to_compare.append(row)
    expected = theirs.encode_batch([texts[row] for row in to_compare], add_special_tokens=False)
    for row, want in zip(to_compare, expected, strict=True):
        n = lengths[row]
        got = (ids[row, :n].tolist(), [tuple(o) for o in offsets[row, :n].tolist()])
        same = got == (want.ids, want.offsets) and (words is None or words[row] == want.word_ids)
        if not same:
            pytest.fail(f"{case}: {_first_difference(document, texts[row])}")


def _first_difference(document: str, chunk: str) -> str:
    """The first code point of a chunk that differs from HF on its own, for a readable failure."""
    theirs = HFTokenizer.from_str(document)
    ours = _core.Tokenizer.from_str(document)
    step = 3 if chunk[1:3] == "\u0316\u0301" else 1
    for start in range(0, len(chunk), step):
        one = chunk[start : start + step]
        want = theirs.encode(one, add_special_tokens=False)
        data, got = ours.encode_fields([one], None, _core.EncodeRequest(add_special_tokens=False))
        if (
            data["input_ids"][0] != want.ids
            or got.offsets(0) != want.offsets
            or got.word_ids(0) != want.word_ids
        ):
            return f"U+{ord(one[0]):04X}: ids {data['input_ids'][0]} != {want.ids}, offsets {got.offsets(0)} != {want.offsets}"
    return f"a chunk starting at U+{ord(chunk[0]):04X} differs, though none of its code points alone does"


def test_post_unicode_9_characters_are_left_alone() -> None:
    """Examples of what the Unicode 9.0 data changes: a Unicode 14 mark keeps its place under NFD, a
    Unicode 16 letter is not decomposed, a Unicode 14 modifier letter has no compatibility form."""
    for normalizer, text in (
        ({"type": "NFD"}, "a\u0301\u0897\u0316"),
        ({"type": "NFD"}, "\U00011383"),
        ({"type": "NFKC"}, "\ua7f2"),
        ({"type": "NFC"}, "\U00011382\U000113c9"),
    ):
        document = _document(normalizer)
        want = HFTokenizer.from_str(document).encode(text, add_special_tokens=False)
        data, got = _core.Tokenizer.from_str(document).encode_fields(
            [text], None, _core.EncodeRequest(add_special_tokens=False)
        )
        assert data["input_ids"][0] == want.ids and got.offsets(0) == want.offsets, (normalizer, text)
        assert HFTokenizer.from_str(document).decode(want.ids) == text


SPACED = _texts(" ")


@pytest.mark.parametrize("fast", [True, False], ids=["fused", "generic"])
def test_bert_wordpiece_every_code_point(model_dir, fast: bool) -> None:
    """A real BERT-uncased tokenizer (normalizer, pre-tokenizer, WordPiece) on every code point, each its own
    word: the fused BERT path and the generic chain must both give HF's ids and offsets."""
    # The file pads and truncates to 128; HF applies that inside encode, ferrotok's core call per argument.
    parsed = json.loads((model_dir / "tokenizer.json").read_text(encoding="utf-8"))
    document = json.dumps({**parsed, "padding": None, "truncation": None})
    theirs = HFTokenizer.from_str(document)
    ours = _core.Tokenizer.from_str(document)
    ours.fast_paths = fast
    expected = theirs.encode_batch(SPACED, add_special_tokens=False)
    plain = _core.EncodeRequest(add_special_tokens=False)
    data, encodings = ours.encode_fields(SPACED, None, plain)
    for row, want in enumerate(expected):
        if data["input_ids"][row] != want.ids or encodings.offsets(row) != want.offsets:
            for ch in SPACED[row][::2]:
                one = theirs.encode(ch, add_special_tokens=False)
                got, enc = ours.encode_fields([ch], None, plain)
                assert (got["input_ids"][0], enc.offsets(0)) == (one.ids, one.offsets), f"U+{ord(ch):04X}"
            pytest.fail(f"chunk {row} differs from HF, though none of its code points alone does")
