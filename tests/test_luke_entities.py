"""LUKE / mLUKE entity inputs against transformers 5's LukeTokenizer / MLukeTokenizer at test time.

Folders are built here: LUKE from the committed GPT-2 vocabulary (vocab.json + merges.txt) with an
entity_vocab.json, mLUKE from a SentencePiece unigram model trained on the committed multilingual sample.
Spans are drawn at character positions of multilingual lines and adversarial strings (word starts, word
middles, spaces, overlapping and empty spans); every returned field is compared, keys in order, for each task
mode, pairs, batches, padding, truncation and tensors, and the bad inputs raise the same exception classes.
"""

from __future__ import annotations

import json
import random
import shutil
import types
from pathlib import Path
from typing import Any

import pytest
import spm_folders
from adversarial import random_cases
from conftest import FIXTURES, multilingual_lines
from parity import assert_same_encoding

transformers = pytest.importorskip("transformers")
import ferrotok  # noqa: E402
from transformers.tokenization_python import PreTrainedTokenizer  # noqa: E402

LINES = [line for _, line in multilingual_lines()]
TEXTS = [
    "Beyoncé lives in Los Angeles and Tokyo.",
    "Tokyo is the capital of Japan, and Japan is in Asia.",
    "  spaced   out  words <s> and </s> and <ent> markers ",
    "don't stop: 12345 ☃ \U0001f600 e\u0301",
    *LINES[:40],
    *random_cases(20, seed=16),
]
ENTITY_NAMES = ["Tokyo", "Japan", "Los Angeles", "Asia", "Beyoncé"]
TASK_KINDS = [None, "entity_classification", "entity_pair_classification", "entity_span_classification"]


def entity_vocab() -> dict[str, int]:
    vocab = {"[PAD]": 0, "[UNK]": 1, "[MASK]": 2, "[MASK2]": 3}
    for name in ENTITY_NAMES:
        vocab[name] = len(vocab)
    return vocab


@pytest.fixture(scope="module")
def spm_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import sentencepiece as spm

    workdir = tmp_path_factory.mktemp("mluke-model")
    corpus = workdir / "corpus.txt"
    corpus.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    prefix = workdir / "unigram"
    options = spm_folders.MODELS["unigram"]
    spm.SentencePieceTrainer.train(
        input=str(corpus), model_prefix=str(prefix), minloglevel=2, num_threads=1, **options
    )
    return prefix.with_suffix(".model")


def luke_folder(root: Path, name: str, **config: Any) -> Path:
    directory = root / name
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    shutil.copy(FIXTURES / "gpt2" / "merges.txt", directory / "merges.txt")
    shutil.copy(FIXTURES / "gpt2" / "vocab.json", directory / "vocab.json")
    (directory / "entity_vocab.json").write_text(json.dumps(entity_vocab()), encoding="utf-8")
    (directory / "tokenizer_config.json").write_text(
        json.dumps({"tokenizer_class": "LukeTokenizer", **config}), encoding="utf-8"
    )
    return directory


def mluke_folder(root: Path, model: Path, name: str, **config: Any) -> Path:
    directory = root / name
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    shutil.copy(model, directory / "sentencepiece.bpe.model")
    (directory / "entity_vocab.json").write_text(json.dumps(entity_vocab()), encoding="utf-8")
    (directory / "tokenizer_config.json").write_text(
        json.dumps({"tokenizer_class": "MLukeTokenizer", **config}), encoding="utf-8"
    )
    return directory


@pytest.fixture(params=["luke", "mluke"])
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def make(kind: str, tmp_path: Path, request: pytest.FixtureRequest):
    """make(**config) -> (ferrotok tokenizer, transformers tokenizer) for this kind of folder."""

    def build(**config: Any):
        if kind == "luke":
            directory = luke_folder(tmp_path, "luke", **config)
        else:
            model = request.getfixturevalue("spm_model")
            directory = mluke_folder(tmp_path, model, "mluke", **config)
        theirs = transformers.AutoTokenizer.from_pretrained(str(directory))
        # transformers 5.24's entity path truncates with `truncate_sequences`, which only its Python
        # tokenizer base has (these classes fail with AttributeError): the reference borrows it from there.
        theirs.truncate_sequences = types.MethodType(PreTrainedTokenizer.truncate_sequences, theirs)
        assert type(theirs).__name__ == ("LukeTokenizer" if kind == "luke" else "MLukeTokenizer")
        return ferrotok.AutoTokenizer.from_pretrained(directory), theirs

    return build


def spans_for(text: str, rng: random.Random, count: int) -> list[tuple[int, int]]:
    """`count` spans at char positions of `text`: words, parts of words, runs with spaces (may overlap)."""
    spans = []
    for _ in range(count):
        if rng.random() < 0.6 and text.strip():
            # a whole word, from a space-delimited split
            words = [(i, i + len(w)) for i, w in _words(text)]
            start, end = rng.choice(words)
        else:
            start = rng.randrange(0, len(text) + 1)
            end = rng.randrange(start, min(len(text), start + 12) + 1)
        spans.append((start, end))
    return spans


def _words(text: str) -> list[tuple[int, str]]:
    out, i = [], 0
    for word in text.split(" "):
        if word:
            out.append((i, word))
        i += len(word) + 1
    return out


def same(ours, theirs, *args: Any, **kwargs: Any) -> None:
    expected = theirs(*args, **kwargs)
    got = ours(*args, **kwargs)
    assert_same_encoding(got, expected, (args, kwargs))


OVERFLOW_KEYS = (
    "overflowing_tokens",
    "num_truncated_tokens",
    "overflowing_entities",
    "num_truncated_entities",
)


def same_overflow(ours, theirs, *args: Any, **kwargs: Any) -> None:
    """`return_overflowing_tokens=True`: transformers fails (UnboundLocalError) when no entity was truncated;
    ferrotok then reports no overflowing entities, and every other field is transformers'."""
    try:
        expected = theirs(*args, **kwargs)
    except UnboundLocalError:
        got = ours(*args, **kwargs)
        assert got["overflowing_entities"] == []
        expected = theirs(*args, **{**kwargs, "return_overflowing_tokens": False})
        rest = {k: v for k, v in got.items() if k not in OVERFLOW_KEYS}
        assert rest == dict(expected), (args, kwargs)
        return
    assert_same_encoding(ours(*args, **kwargs), expected, (args, kwargs))


def same_error(ours, theirs, *args: Any, **kwargs: Any) -> Exception:
    with pytest.raises(Exception) as theirs_error:
        theirs(*args, **kwargs)
    with pytest.raises(type(theirs_error.value)) as ours_error:
        ours(*args, **kwargs)
    return ours_error.value


# --- without a task --------------------------------------------------------------------------------------
def test_spans_and_entities_match_on_varied_texts(make) -> None:
    ours, theirs = make()
    rng = random.Random(16)
    for text in TEXTS:
        spans = spans_for(text, rng, rng.randrange(0, 4))
        same(ours, theirs, text, entity_spans=spans)
        names = [rng.choice([*ENTITY_NAMES, "Nowhere", "[MASK]"]) for _ in spans]
        same(ours, theirs, text, entity_spans=spans, entities=names)
        same(ours, theirs, text, entity_spans=spans, entities=names, return_token_type_ids=True)


def test_pairs_with_spans_on_both_sides(make) -> None:
    ours, theirs = make()
    rng = random.Random(7)
    for first, second in zip(TEXTS[:30], TEXTS[30:60], strict=True):
        spans, spans_pair = spans_for(first, rng, 2), spans_for(second, rng, 1)
        same(ours, theirs, first, second, entity_spans=spans, entity_spans_pair=spans_pair)
        same(
            ours,
            theirs,
            first,
            second,
            entity_spans=spans,
            entity_spans_pair=spans_pair,
            entities=["Tokyo", "x"],
            entities_pair=["Japan"],
            return_special_tokens_mask=True,
            return_length=True,
        )
        # only the pair's spans: transformers gives no entity fields then
        same(ours, theirs, first, second, entity_spans_pair=spans_pair)


def test_batches_padding_and_tensors(make) -> None:
    ours, theirs = make()
    rng = random.Random(3)
    texts = TEXTS[:12]
    spans = [spans_for(t, rng, rng.randrange(0, 4)) for t in texts]
    for kwargs in (
        {},
        {"padding": True},
        {"padding": "max_length", "max_length": 64, "max_entity_length": 5},
        {"padding": True, "pad_to_multiple_of": 8},
        {"padding": True, "padding_side": "left", "return_special_tokens_mask": True},
        {"padding": True, "return_tensors": "np"},
        {"padding": True, "return_tensors": "pt", "return_token_type_ids": True},
        {"return_length": True, "return_attention_mask": False},
        {"add_special_tokens": False, "padding": True},
    ):
        same(ours, theirs, texts, entity_spans=spans, **kwargs)
    pairs = TEXTS[12:24]
    spans_pair = [spans_for(t, rng, 1) for t in pairs]
    same(ours, theirs, texts, pairs, entity_spans=spans, entity_spans_pair=spans_pair, padding=True)
    names = [[rng.choice(ENTITY_NAMES) for _ in s] for s in spans]
    same(ours, theirs, texts, entity_spans=spans, entities=names, padding="longest", return_tensors="np")
    # padded straight into arrays: left side, multiples, no entities at all, rows longer than max_length
    for kwargs in (
        {"padding": True, "padding_side": "left", "return_tensors": "np", "return_special_tokens_mask": True},
        {"padding": True, "pad_to_multiple_of": 8, "return_tensors": "pt", "return_length": True},
        {"padding": "max_length", "max_length": 40, "return_tensors": "np"},
    ):
        same(ours, theirs, texts, entity_spans=spans, **kwargs)
        same(ours, theirs, texts, entity_spans=[[] for _ in texts], **kwargs)
    # one text alone, with tensors: a batch axis of one
    same(ours, theirs, TEXTS[0], entity_spans=[(0, 7)], return_tensors="pt")
    same(
        ours,
        theirs,
        TEXTS[0],
        entity_spans=[(0, 7)],
        padding="max_length",
        max_length=20,
        return_tensors="np",
    )
    same(
        ours, theirs, TEXTS[0], entity_spans=[(0, 7)], padding="max_length", max_length=20, return_length=True
    )


def test_truncation_of_words_and_entities(make) -> None:
    ours, theirs = make()
    rng = random.Random(5)
    for text, second in zip(TEXTS[4:20], TEXTS[20:36], strict=True):
        spans = spans_for(text, rng, 4)
        for kwargs in (
            {"truncation": True, "max_length": 12},
            {"truncation": True, "max_length": 12, "max_entity_length": 2},
            {"truncation": "only_first", "max_length": 10, "max_entity_length": 1, "padding": "max_length"},
        ):
            same(ours, theirs, text, entity_spans=spans, **kwargs)
        for entity_length in (0, 1, 2):
            same_overflow(
                ours,
                theirs,
                text,
                entity_spans=spans,
                max_length=9,
                return_overflowing_tokens=True,
                stride=2,
                max_entity_length=entity_length,
            )
        pair_spans = spans_for(second, rng, 3)
        for kwargs in (
            {"truncation": True, "max_length": 16, "max_entity_length": 3},
            {"truncation": "only_second", "max_length": 16, "max_entity_length": 2},
        ):
            same(ours, theirs, text, second, entity_spans=spans, entity_spans_pair=pair_spans, **kwargs)
        same_overflow(
            ours,
            theirs,
            text,
            second,
            entity_spans=spans,
            entity_spans_pair=pair_spans,
            truncation="only_second",
            max_length=14,
            return_overflowing_tokens=True,
            max_entity_length=1,
        )


def test_truncation_from_the_left(make) -> None:
    ours, theirs = make(truncation_side="left")
    rng = random.Random(9)
    for text in TEXTS[4:14]:
        spans = spans_for(text, rng, 3)
        same(ours, theirs, text, entity_spans=spans, truncation=True, max_length=10, max_entity_length=2)


def test_max_mention_length_and_max_entity_length_from_the_config(make) -> None:
    ours, theirs = make(max_mention_length=3, max_entity_length=2)
    rng = random.Random(11)
    texts = TEXTS[:8]
    spans = [spans_for(t, rng, 3) for t in texts]
    same(ours, theirs, texts, entity_spans=spans, padding="max_length", max_length=80, truncation=True)
    same(ours, theirs, texts[0], entity_spans=spans[0], padding="max_length", max_length=80)


def test_calls_without_entities_are_the_plain_encoding(make) -> None:
    ours, theirs = make()
    same(ours, theirs, TEXTS[:5], padding=True)
    same(ours, theirs, TEXTS[0], max_entity_length=3)
    same(ours, theirs, TEXTS[:3], entities_pair=[["Tokyo"]] * 3)  # ignored by transformers in a batch


# --- tasks -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("task", TASK_KINDS[1:])
def test_tasks_match(make, task: str) -> None:
    ours, theirs = make(task=task)
    rng = random.Random(13)
    count = {"entity_classification": 1, "entity_pair_classification": 2}.get(task)
    texts = [t for t in TEXTS if t.strip()][:30]
    batch_spans = []
    for text in texts:
        spans = spans_for(text, rng, count or rng.randrange(1, 4))
        batch_spans.append(spans)
        same(ours, theirs, text, entity_spans=spans)
        same(ours, theirs, text, "ignored pair", entity_spans=spans, entities=["Tokyo"] * len(spans))
    same(ours, theirs, texts, entity_spans=batch_spans, padding=True)
    same(ours, theirs, texts, entity_spans=batch_spans, padding="max_length", max_length=96, truncation=True)
    same(ours, theirs, texts[:4], entity_spans=batch_spans[:4], padding=True, return_tensors="pt")
    same(ours, theirs, texts[3], entity_spans=batch_spans[3], truncation=True, max_length=8)


@pytest.mark.parametrize("task", TASK_KINDS[1:])
def test_task_errors(make, task: str) -> None:
    ours, theirs = make(task=task)
    text = TEXTS[0]
    for spans in (None, [], [(0, 3), (5, 9), (10, 12)], [[0, 3]], (0, 3)):
        if task == "entity_span_classification" and spans == [(0, 3), (5, 9), (10, 12)]:
            continue
        error = same_error(ours, theirs, text, entity_spans=spans)
        assert "entity_spans" in str(error)
    with pytest.raises(NotImplementedError, match="text_target"):
        ours(text, entity_spans=[(0, 3)], text_target="x")
    same_error(ours, theirs, text, entity_spans=[(0, 3)], text_target="x")


def test_unknown_task_is_refused_at_load(kind: str, make) -> None:
    with pytest.raises(ValueError):
        make(task="entity_tagging")


# --- errors ----------------------------------------------------------------------------------------------
def test_bad_inputs_raise_what_transformers_raises(make) -> None:
    ours, theirs = make()
    text = TEXTS[0]
    cases = [
        ({"entity_spans": (0, 3)}, "entity_spans"),
        ({"entity_spans": [[0, 3]]}, "entity_spans"),
        ({"entity_spans": [(0, 3)], "entities": "Tokyo"}, "entities"),
        ({"entity_spans": [(0, 3)], "entities": [3]}, "entities"),
        ({"entity_spans": [(0, 3)], "entities": ["Tokyo", "Japan"]}, "entities"),
        ({"entity_spans": [(0, 3)], "return_offsets_mapping": True}, "return_offsets_mapping"),
        ({"entity_spans": [(0, 3)], "add_special_tokens": False, "return_token_type_ids": True}, ""),
    ]
    for kwargs, name in cases:
        error = same_error(ours, theirs, text, **kwargs)
        assert name in str(error), (kwargs, error)
    error = same_error(ours, theirs, text, "pair", entity_spans=[(0, 3)], entity_spans_pair=[[0, 1]])
    assert "entity_spans_pair" in str(error)
    error = same_error(
        ours,
        theirs,
        text,
        "pair",
        entity_spans=[(0, 3)],
        entity_spans_pair=[(0, 1)],
        entities_pair=["a", "b"],
    )
    assert "entities_pair" in str(error)
    same(ours, theirs, [text], entity_spans=[[(0, 3)], [(0, 1)]])  # more span lists than texts is fine…
    same_error(ours, theirs, [text, text], entity_spans=[[(0, 3)]])  # …fewer is not
    same_error(ours, theirs, 42, entity_spans=[(0, 3)])
    # rows of different lengths: object arrays for "np", refused for "pt"
    same(ours, theirs, [text, "a b"], entity_spans=[[(0, 3)], []], return_tensors="np")
    same_error(ours, theirs, [text, "a b"], entity_spans=[[(0, 3)], [(0, 1)]], return_tensors="pt")


def test_entities_without_spans_give_no_entity_fields(make) -> None:
    ours, theirs = make()
    same(ours, theirs, TEXTS[0], entities=["Tokyo"])
    same(ours, theirs, TEXTS[:2], entities=[["Tokyo"], ["Japan"]])


def test_entity_vocab_special_tokens_must_exist(
    kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if kind == "luke":
        directory = luke_folder(tmp_path, "bad")
    else:
        directory = mluke_folder(tmp_path, request.getfixturevalue("spm_model"), "bad")
    (directory / "entity_vocab.json").write_text(json.dumps({"[PAD]": 0, "[UNK]": 1}), encoding="utf-8")
    with pytest.raises(ValueError):
        transformers.AutoTokenizer.from_pretrained(str(directory))
    with pytest.raises(ValueError, match="entity_vocab"):
        ferrotok.AutoTokenizer.from_pretrained(directory)


# --- attributes and saving -------------------------------------------------------------------------------
ENTITY_ATTRIBUTES = (
    "entity_vocab",
    "task",
    "max_entity_length",
    "max_mention_length",
    "entity_unk_token_id",
    "entity_pad_token_id",
    "entity_mask_token_id",
    "entity_mask2_token_id",
    "entity_1_token",
    "entity_2_token",
    "entity_1_token_id",
    "entity_2_token_id",
)


# The entity markers are extra special tokens and the entity vocabulary's specials named ones.
SPECIAL_TOKEN_ATTRIBUTES = (
    "special_tokens_map",
    "all_special_tokens",
    "extra_special_tokens",
    "all_special_ids",
)


@pytest.mark.parametrize("task", TASK_KINDS)
def test_entity_attributes_match(make, task: str | None) -> None:
    ours, theirs = make(task=task, max_mention_length=7)
    for name in (*ENTITY_ATTRIBUTES, *SPECIAL_TOKEN_ATTRIBUTES):
        assert getattr(ours, name) == getattr(theirs, name), name


@pytest.mark.parametrize("task", [None, "entity_span_classification"])
def test_saved_folders_keep_the_entity_vocabulary(make, tmp_path: Path, task: str | None) -> None:
    ours, theirs = make(task=task)
    rng = random.Random(21)
    texts = TEXTS[:6]
    spans = [spans_for(t, rng, 2) or [(0, 1)] for t in texts]
    names = [[rng.choice(ENTITY_NAMES) for _ in s] for s in spans]
    ours.save_pretrained(tmp_path / "saved")
    assert (
        json.loads((tmp_path / "saved" / "tokenizer_config.json").read_text(encoding="utf-8"))["entity_vocab"]
        == entity_vocab()
    )
    reloaded = ferrotok.AutoTokenizer.from_pretrained(tmp_path / "saved")
    theirs_reloaded = transformers.AutoTokenizer.from_pretrained(str(tmp_path / "saved"))
    for tok in (reloaded, theirs_reloaded):
        assert tok.entity_vocab == entity_vocab()
        assert tok.task == task
    for name in SPECIAL_TOKEN_ATTRIBUTES:
        assert getattr(reloaded, name) == getattr(theirs_reloaded, name), name
    assert reloaded.all_special_tokens == theirs_reloaded.all_special_tokens
    kwargs = {"entity_spans": spans, "padding": True}
    if task is None:
        kwargs["entities"] = names
    same(reloaded, theirs, texts, **kwargs)
    same(reloaded, theirs_reloaded, texts, **kwargs)
    # a folder transformers saved (tokenizer.json; LUKE's entity vocabulary inside tokenizer_config.json)
    theirs.save_pretrained(tmp_path / "theirs")
    from_theirs = ferrotok.AutoTokenizer.from_pretrained(tmp_path / "theirs")
    assert from_theirs.entity_vocab == entity_vocab()
    same(from_theirs, theirs, texts, **kwargs)


@pytest.mark.parametrize("task", [None, "entity_span_classification"])
def test_pad_pads_the_entity_fields(make, task: str | None) -> None:
    """`tok.pad` of encoded features (what DataCollatorWithPadding calls)."""
    ours, theirs = make(task=task)
    rng = random.Random(23)
    texts = TEXTS[:6]
    spans = [spans_for(t, rng, rng.randrange(1, 4)) for t in texts]
    features = [
        theirs(t, entity_spans=s, return_special_tokens_mask=True) for t, s in zip(texts, spans, strict=True)
    ]
    batch = theirs(texts, entity_spans=spans, return_token_type_ids=True)
    for kwargs in (
        {},
        {"return_tensors": "pt"},
        {"padding": "max_length", "max_length": 96, "max_entity_length": 6},
        {"pad_to_multiple_of": 8, "padding_side": "left"},
        {"padding": False},
    ):
        for inputs in (features, batch, features[0]):
            expected = theirs.pad(inputs, **kwargs)
            got = ours.pad(inputs, **kwargs)
            assert_same_encoding(got, expected, kwargs)
    collator = transformers.DataCollatorWithPadding(ours)
    expected = transformers.DataCollatorWithPadding(theirs)(features)
    assert_same_encoding(collator(features), expected)


# --- properties ------------------------------------------------------------------------------------------
def test_hypothesis_random_spans_match(make) -> None:
    """Any text and any spans inside it (empty, overlapping, at spaces, inside multi-byte words): the same
    fields as transformers."""
    hypothesis = pytest.importorskip("hypothesis")
    from hypothesis import strategies as st

    ours, theirs = make()
    alphabet = st.sampled_from([*"ab xyé\u00a0\n☃😀'0", "<ent>", "</s>", "  "])

    @st.composite
    def cases(draw):
        text = "".join(draw(st.lists(alphabet, max_size=30)))
        bounds = st.integers(min_value=0, max_value=len(text))
        spans = draw(st.lists(st.tuples(bounds, bounds).map(lambda b: (min(b), max(b))), max_size=4))
        names = draw(
            st.lists(st.sampled_from([*ENTITY_NAMES, "?"]), min_size=len(spans), max_size=len(spans))
        )
        return text, spans, names

    @hypothesis.settings(max_examples=80, deadline=None, derandomize=True)
    @hypothesis.given(case=cases())
    def check(case):
        text, spans, names = case
        same(ours, theirs, text, entity_spans=spans, entities=names)
        same(
            ours,
            theirs,
            text,
            "pair",
            entity_spans=spans,
            entity_spans_pair=[(0, 4)],
            return_token_type_ids=True,
        )

    check()


def test_pickled_tokenizer_keeps_the_entity_vocabulary(make, tmp_path: Path) -> None:
    import pickle

    ours, theirs = make(task="entity_span_classification")
    copy = pickle.loads(pickle.dumps(ours))
    shutil.rmtree(ours.name_or_path)  # the copy must not need the folder
    assert copy.entity_vocab == entity_vocab()
    same(copy, theirs, TEXTS[:3], entity_spans=[[(0, 5)], [(0, 5), (6, 8)], [(2, 9)]], padding=True)
