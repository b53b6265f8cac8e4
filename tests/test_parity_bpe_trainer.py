"""`ferrotok.trainers.ParityBpeTrainer` (parity-aware BPE) against tokenizers' `ParityBpeTrainer`, run at test
time: the multilingual sample's languages as separate corpora, both variants, with dev sets, with ratios and
with global merges; hypothesis-made corpora; and bad arguments (same exception classes as tokenizers)."""

from __future__ import annotations

import json
from typing import Any

import ferrotok
import pytest
from ferrotok import trainers
from parity import LANGS, LINES
from tokenizers import Tokenizer as HfTokenizer
from tokenizers import models, normalizers, pre_tokenizers
from tokenizers import trainers as hf_trainers

# The sample's languages, each cut into a training part and a dev part (the dev lines of the sample are
# not parallel text; the choice of language only needs their lengths).
TRAIN = [[line for code, line in LINES if code == lang][:45] for lang in LANGS]
DEV = [[line for code, line in LINES if code == lang][45:] for lang in LANGS]


def hf_pipeline(kind: str) -> HfTokenizer:
    t = HfTokenizer(models.BPE())
    if kind == "byte_level":
        t.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    elif kind == "whitespace":
        t.normalizer = normalizers.NFKC()
        t.pre_tokenizer = pre_tokenizers.Whitespace()
    else:
        raise ValueError(kind)
    return t


def train_both(
    kind: str, train: list[list[str]], dev: list[list[str]] | None = None, ratio: Any = None, **options: Any
):
    """(ferrotok's tokenizer.json, tokenizers' tokenizer.json) after training the same pipeline."""
    hf = hf_pipeline(kind)
    ours = ferrotok.Tokenizer.from_str(hf.to_str())
    options.setdefault("show_progress", False)
    kwargs: dict[str, Any] = {}
    if dev is not None:
        kwargs["dev_iterators"] = [iter(d) for d in dev]
    if ratio is not None:
        kwargs["ratio"] = ratio
    hf_trainers.ParityBpeTrainer(**options).train_from_iterator(hf, [iter(t) for t in train], **kwargs)
    if dev is not None:
        kwargs["dev_iterators"] = [iter(d) for d in dev]
    trainers.ParityBpeTrainer(**options).train_from_iterator(ours, [iter(t) for t in train], **kwargs)
    return ours, hf


def assert_same_model(ours: Any, hf: HfTokenizer, texts: list[str] | None = None) -> None:
    o, h = json.loads(ours.to_str()), json.loads(hf.to_str())
    assert o["model"]["merges"] == h["model"]["merges"]
    assert o["model"]["vocab"] == h["model"]["vocab"]
    assert o["model"] == h["model"]
    assert o["added_tokens"] == h["added_tokens"]
    for text in texts or []:
        assert ours.encode(text).ids == hf.encode(text).ids, text


SAMPLE_TEXTS = [lines[0] for lines in DEV]


@pytest.mark.parametrize("kind", ["byte_level", "whitespace"])
@pytest.mark.parametrize("variant", ["base", "window"])
@pytest.mark.parametrize("balance", ["dev", "ratio", "train"])
def test_same_merges_as_tokenizers(kind: str, variant: str, balance: str) -> None:
    options: dict[str, Any] = {"num_merges": 400, "variant": variant, "special_tokens": ["<unk>", "<s>"]}
    if variant == "window":
        options.update(window_size=12, alpha=1.5)
    dev = DEV if balance == "dev" else None
    ratio = [1.0 + (i % 4) * 0.5 for i in range(len(LANGS))] if balance == "ratio" else None
    ours, hf = train_both(kind, TRAIN, dev, ratio, **options)
    merges = json.loads(hf.to_str())["model"]["merges"]
    assert len(merges) == 400
    assert_same_model(ours, hf, SAMPLE_TEXTS)


@pytest.mark.parametrize("variant", ["base", "window"])
@pytest.mark.parametrize("balance", ["dev", "ratio"])
def test_global_merges_then_parity(variant: str, balance: str) -> None:
    dev = DEV if balance == "dev" else None
    ratio = [2.0, 1.0, 1.0, 1.0, 1.0, 0.5, 1.0, 1.0, 1.5][: len(LANGS)] if balance == "ratio" else None
    ours, hf = train_both(
        "byte_level", TRAIN, dev, ratio, num_merges=300, global_merges=60, variant=variant, min_frequency=2
    )
    assert_same_model(ours, hf, SAMPLE_TEXTS)


def test_options_of_the_bpe_trainer() -> None:
    # limit_alphabet, initial_alphabet, max_token_length, total_symbols and min_frequency together.
    ours, hf = train_both(
        "whitespace",
        TRAIN,
        DEV,
        num_merges=500,
        limit_alphabet=150,
        initial_alphabet=["~", "§"],
        max_token_length=4,
        total_symbols=True,
        min_frequency=3,
    )
    assert_same_model(ours, hf, SAMPLE_TEXTS)


def test_languages_run_out_of_merges() -> None:
    # Far more merges than the small corpora allow: languages are retired one by one, as in tokenizers.
    small = [lines[:2] for lines in TRAIN[:3]]
    ours, hf = train_both("whitespace", small, num_merges=5000, min_frequency=2)
    assert 0 < len(json.loads(hf.to_str())["model"]["merges"]) < 5000
    assert_same_model(ours, hf)


@pytest.mark.parametrize("affix", ["continuing_subword_prefix", "end_of_word_suffix"])
def test_prefix_and_suffix(affix: str) -> None:
    value = "##" if affix == "continuing_subword_prefix" else "</w>"
    ours, hf = train_both("whitespace", TRAIN, DEV, num_merges=300, **{affix: value})
    o, h = json.loads(ours.to_str())["model"], json.loads(hf.to_str())["model"]
    # The merges and the tokens are the same. tokenizers numbers the chars that carry the prefix or suffix in
    # hash order (it differs between runs); ferrotok numbers them in the order of the sorted words. Every
    # other token has the same id.
    assert o["merges"] == h["merges"]
    assert set(o["vocab"]) == set(h["vocab"])
    decorated = {t for t in h["vocab"] if len(t) == len(value) + 1 and value in t}
    assert decorated
    assert {t: i for t, i in o["vocab"].items() if t not in decorated} == {
        t: i for t, i in h["vocab"].items() if t not in decorated
    }
    assert sorted(o["vocab"][t] for t in decorated) == sorted(h["vocab"][t] for t in decorated)
    assert {k: v for k, v in o.items() if k != "vocab"} == {k: v for k, v in h.items() if k != "vocab"}


def test_model_is_replaced_and_special_tokens_added() -> None:
    # As tokenizers: a fresh BPE model (the old unk token and flags are not kept), trainer's specials added.
    hf = HfTokenizer(models.BPE(unk_token="<unk>", fuse_unk=True, byte_fallback=True))
    hf.pre_tokenizer = pre_tokenizers.Whitespace()
    ours = ferrotok.Tokenizer.from_str(hf.to_str())
    options = {"num_merges": 50, "special_tokens": ["<unk>", "<pad>"], "show_progress": False}
    hf_trainers.ParityBpeTrainer(**options).train_from_iterator(hf, [TRAIN[0], TRAIN[1]])
    trainers.ParityBpeTrainer(**options).train_from_iterator(ours, [TRAIN[0], TRAIN[1]])
    assert_same_model(ours, hf, SAMPLE_TEXTS)
    assert ours.token_to_id("<pad>") == 1


def test_iterators_of_lists_and_generators() -> None:
    hf = hf_pipeline("whitespace")
    ours = ferrotok.Tokenizer.from_str(hf.to_str())
    trainer_options = {"num_merges": 120, "show_progress": False}

    def sources() -> list[Any]:
        return [[TRAIN[0][:10], TRAIN[0][10:]], (line for line in TRAIN[1]), iter(TRAIN[2])]

    hf_trainers.ParityBpeTrainer(**trainer_options).train_from_iterator(hf, sources())
    trainers.ParityBpeTrainer(**trainer_options).train_from_iterator(ours, sources())
    assert_same_model(ours, hf, SAMPLE_TEXTS)


def test_hypothesis_corpora_match() -> None:
    hypothesis = pytest.importorskip("hypothesis")
    from hypothesis import strategies as st

    word = st.text(alphabet="abcdeé字", min_size=1, max_size=6)
    language = st.lists(word, min_size=1, max_size=25).map(" ".join)
    corpora = st.lists(st.lists(language, min_size=1, max_size=3), min_size=1, max_size=4)

    @hypothesis.settings(max_examples=150, deadline=None, derandomize=True)
    @hypothesis.given(
        train=corpora,
        use_dev=st.booleans(),
        ratio_seed=st.one_of(
            st.none(), st.lists(st.sampled_from([0.5, 1.0, 2.0, 3.0]), min_size=4, max_size=4)
        ),
        num_merges=st.integers(1, 40),
        global_merges=st.integers(0, 5),
        min_frequency=st.integers(0, 3),
    )
    def check(
        train: list[list[str]],
        use_dev: bool,
        ratio_seed: list[float] | None,
        num_merges: int,
        global_merges: int,
        min_frequency: int,
    ) -> None:
        dev = [lines[::-1][:1] for lines in train] if use_dev else None
        ratio = ratio_seed[: len(train)] if ratio_seed is not None else None
        ours, hf = train_both(
            "whitespace",
            train,
            dev,
            ratio,
            num_merges=num_merges,
            global_merges=global_merges,
            min_frequency=min_frequency,
        )
        assert_same_model(ours, hf)

    check()


# --- bad arguments: the exception classes tokenizers raises, messages naming the argument -------------------


def test_unknown_variant() -> None:
    for variant in ("foo", "Window", ""):
        with pytest.raises(ValueError):
            hf_trainers.ParityBpeTrainer(variant=variant)
        with pytest.raises(ValueError, match="variant"):
            trainers.ParityBpeTrainer(variant=variant)
    t = trainers.ParityBpeTrainer()
    with pytest.raises(ValueError, match="variant"):
        t.variant = "moving"
    assert t.variant == "base"


def test_unknown_option() -> None:
    with pytest.raises(TypeError):
        hf_trainers.ParityBpeTrainer(bogus=1)
    with pytest.raises(TypeError, match="bogus"):
        trainers.ParityBpeTrainer(bogus=1)


def bad_training(cls: Any, tok: Any, options: dict[str, Any], **kwargs: Any) -> None:
    cls(show_progress=False, **options).train_from_iterator(tok, **kwargs)


BAD = [
    ({}, {"train_iterators": [["ab"], ["cd"]], "ratio": [1.0]}, RuntimeError, "ratio"),
    ({}, {"train_iterators": [["ab"], ["cd"]], "ratio": []}, RuntimeError, "ratio"),
    ({"ratio": [1.0, 2.0, 3.0]}, {"train_iterators": [["ab"], ["cd"]]}, RuntimeError, "ratio"),
    ({}, {"train_iterators": [["ab"], ["cd"]], "ratio": [1.0, -2.0]}, RuntimeError, r"ratio\[1\]"),
    ({}, {"train_iterators": [["ab"], ["cd"]], "ratio": [float("nan"), 1.0]}, RuntimeError, r"ratio\[0\]"),
    ({}, {"train_iterators": [["ab"], ["cd"]], "dev_iterators": [["ab"]]}, ValueError, "dev_iterators"),
    ({}, {"train_iterators": [["ab"], ["cd"]], "dev_iterators": []}, ValueError, "dev_iterators"),
    ({}, {"train_iterators": []}, ValueError, "train_iterators"),
    (
        {"variant": "window", "window_size": 0},
        {"train_iterators": [["ab"], ["cd"]]},
        RuntimeError,
        "window_size",
    ),
    ({"variant": "window", "alpha": 0.0}, {"train_iterators": [["ab"], ["cd"]]}, RuntimeError, "alpha"),
    ({}, {"train_iterators": [[1], ["cd"]]}, TypeError, "item 0"),
    ({}, {"train_iterators": [["ab"], ["cd"]], "ratio": "ab"}, TypeError, "ratio"),
]


@pytest.mark.parametrize(("options", "kwargs", "error", "match"), BAD)
def test_bad_arguments(options: dict[str, Any], kwargs: dict[str, Any], error: type, match: str) -> None:
    with pytest.raises(error):
        bad_training(hf_trainers.ParityBpeTrainer, hf_pipeline("whitespace"), options, **kwargs)
    ours = ferrotok.Tokenizer.from_str(hf_pipeline("whitespace").to_str())
    before = ours.to_str()
    with pytest.raises(error, match=match):
        bad_training(trainers.ParityBpeTrainer, ours, options, **kwargs)
    assert ours.to_str() == before, "a failed training leaves the tokenizer as it was"


def test_dev_set_wins_over_a_bad_ratio() -> None:
    # tokenizers ignores `ratio` when dev iterators are given, even one of the wrong length.
    ours, hf = train_both("whitespace", TRAIN[:2], DEV[:2], [1.0], num_merges=30)
    assert_same_model(ours, hf)


def test_initial_alphabet_takes_single_chars() -> None:
    with pytest.raises(ValueError):
        hf_trainers.ParityBpeTrainer(initial_alphabet=["ab"])
    with pytest.raises(ValueError, match="initial_alphabet"):
        trainers.ParityBpeTrainer(initial_alphabet=["ab"])


def test_not_a_trainer_of_one_corpus() -> None:
    hf = hf_pipeline("whitespace")
    with pytest.raises(TypeError):
        hf.train_from_iterator(["ab"], trainer=hf_trainers.ParityBpeTrainer())
    ours = ferrotok.Tokenizer.from_str(hf.to_str())
    with pytest.raises(TypeError, match="train_iterators"):
        ours.train_from_iterator(["ab"], trainer=trainers.ParityBpeTrainer())


def test_attributes_and_defaults() -> None:
    theirs, ours = hf_trainers.ParityBpeTrainer(), trainers.ParityBpeTrainer()
    for name in (
        "num_merges",
        "variant",
        "min_frequency",
        "global_merges",
        "window_size",
        "alpha",
        "total_symbols",
        "show_progress",
        "special_tokens",
        "limit_alphabet",
        "initial_alphabet",
        "continuing_subword_prefix",
        "end_of_word_suffix",
        "max_token_length",
    ):
        assert getattr(ours, name) == getattr(theirs, name), name
    ours.num_merges = 10
    assert ours.num_merges == 10
