"""Deterministic adversarial strings for the parity tests: the inputs tokenizers get wrong most often.

Every string is valid for Hugging Face (no lone surrogates: those are tested separately, since HF refuses them
and ferrotok maps them to U+FFFD).
"""

from __future__ import annotations

import random

CONTROL = "".join(chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, 0x85, 0x9F))
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
RTL = "\u200f\u202b\u202e\u2067"
WHITESPACE = " \t\n\r\u00a0\u1680\u2000\u2003\u2009\u202f\u205f\u3000\u2028\u2029"
COMBINING = "\u0301\u0308\u0327\u0338\u20dd\u0489"
EMOJI = ["👍", "👍🏽", "👨‍👩‍👧‍👦", "🏳️‍🌈", "🇫🇷", "1️⃣", "🧑🏿‍🚀"]
CJK = "漢字仮名交じり文中文字符한국어テスト"
WORDS = [
    "hello",
    "World",
    "naïve",
    "Straße",
    "ÉCOLE",
    "İstanbul",
    "ǅ",
    "ﬁ",
    "Ⅻ",
    "x²",
    "١٢٣",
    "don't",
    "e-mail",
]


def fixed_cases() -> list[str]:
    """Hand-picked edge cases, each aimed at one normalizer/pre-tokenizer rule."""
    return [
        "",
        " ",
        "   leading and trailing   ",
        "a" + ZERO_WIDTH + "b",
        "ab\u0000cd\u0007ef\u001b[31mred",
        CONTROL,
        "e\u0301 vs \u00e9, n\u0303 vs \u00f1, A\u030a vs \u00c5",
        "\u0301starts with a combining mark",
        "مرحبا بالعالم " + RTL + " שלום עולם",
        "mixed" + RTL + "direction" + "\u202c",
        " ".join(EMOJI),
        "".join(EMOJI),
        CJK,
        "日本語のテキストと English words 混在",
        "tab\tnew\nline\r\ncarriage\u2028sep\u2029para",
        "many     spaces" + " " * 50 + "end",
        WHITESPACE.join(["w"] * 8),
        "punctuation!!! ??? ... ,,, ;;; ::: (((())))[[]]{{}}",
        "\u00bfQu\u00e9? \u00a1S\u00ed! \u00ab guillemets \u00bb \u201cquotes\u201d \u2014 dash",
        "numbers 3.14159 1,000,000 42nd 0xdeadbeef 1e-9",
        "URL https://example.com/a?b=c&d=e#frag and mail user@example.org",
        "CamelCaseIdentifier snake_case_identifier kebab-case-identifier",
        "ﬁﬂﬀ ligatures ＦＵＬＬＷＩＤＴＨ ｈａｌｆ",
        "Ⅰ Ⅱ Ⅲ ① ② ③ ¹²³ ½ ¼",
        "Ünïcödé ÀÉÎÕÜ àéîõü ÇçÑñ",
        # Capital sigma: Python's str.lower() writes a word-final one as ς, Hugging Face's Lowercase σ.
        "ΟΔΟΣ ΑΘΗΝΑΣ. ΑΣ.Β Α.Σ ΑΣ'Β (ΣΑΣ) ΣΣ Σ ΙΣ́ x",
        "x" * 300,
        "supercalifragilisticexpialidocious" * 10,
        "[CLS] [SEP] [PAD] [MASK] [UNK] special tokens in text",
        "[cls] lower-case specials [sep]",
        "a[SEP]b[MASK]c",
        "\ufffd replacement \ufffd",
        "\U0001d400\U0001d401 math bold, \U00010000 linear b",
    ]


def random_cases(count: int, seed: int = 1234) -> list[str]:
    """Random mixtures of the classes above, reproducible from `seed`."""
    rng = random.Random(seed)
    pools = [CONTROL, ZERO_WIDTH, RTL, WHITESPACE, COMBINING, CJK, "".join(EMOJI), "abcXYZ019.,!?-'\""]
    out = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(1, 12)):
            if rng.random() < 0.4:
                parts.append(rng.choice(WORDS))
            else:
                pool = rng.choice(pools)
                parts.append("".join(rng.choice(pool) for _ in range(rng.randint(1, 6))))
            parts.append(rng.choice(["", " ", "  ", "\t", "\n"]))
        out.append("".join(parts))
    return out


def huge_word(length: int = 1_000_000) -> str:
    """One word longer than any WordPiece `max_input_chars_per_word`."""
    return "a" * length


def lone_surrogates() -> list[str]:
    """Strings HF cannot encode (not UTF-8); ferrotok treats each lone surrogate as U+FFFD."""
    return ["\ud800", "a\udfffb", "x \ud83d y", "\udc00\ud800"]
