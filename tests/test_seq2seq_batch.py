"""`prepare_seq2seq_batch` of the translation classes that have it in transformers 5.24 (NLLB, SeamlessM4T,
mBART-50, M2M100, PLBart), and the languages set through the setters kept through pickling, copying and
`save_pretrained`, against transformers at test time on folders built here (tests/spm_folders.py).

transformers' NLLB and SeamlessM4T encode the labels in the source template (their `__call__` switches back
to it), and its mBART-50, M2M100 and PLBart classes raise AttributeError once the languages are set (their
base has no `prepare_seq2seq_batch`): ferrotok's labels are the target-template encoding, which the tests
take from transformers' own `text_target` path with the same arguments (README, "Where ferrotok differs").
"""

from __future__ import annotations

import copy
import json
import pickle
from pathlib import Path
from typing import Any

import pytest
import spm_folders as builders
from parity import SAMPLE, TEXTS, plain
from test_text_targets import ADVERSARIAL, CASES, LANGS, make, same_call

transformers = pytest.importorskip("transformers")
pytest.importorskip("sentencepiece")
pytest.importorskip("google.protobuf")
from ferrotok import AutoTokenizer  # noqa: E402

SEAMLESS = ("seamless", "SeamlessM4TTokenizer", "seamless", {})
SEAMLESS_SRC = ("seamless-src", "SeamlessM4TTokenizer", "seamless", {"src_lang": "fra", "tgt_lang": "deu"})
LANGS = {**LANGS, "SeamlessM4TTokenizer": ("deu", "__eng__")}
BY_ID = {case[0]: case for case in [*CASES, SEAMLESS, SEAMLESS_SRC]}
# Classes whose transformers method works (up to the labels' template).
WORKING = ("NllbTokenizer", "SeamlessM4TTokenizer")
PYTHON_CLASSES = ("M2M100Tokenizer", "PLBartTokenizer")
SEQ2SEQ_CASES = [BY_ID[n] for n in ("nllb", "nllb-legacy", "mbart50-src", "m2m", "plbart", "seamless")]
SEQ2SEQ_CASES += [BY_ID[n] for n in ("nllb-src", "m2m-wmt21", "plbart-multi", "seamless-src")]


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return builders.train_all(tmp_path_factory.mktemp("seq2seq-models"))


def pair(models: dict[str, Path], root: Path, case: tuple[str, str, str, dict[str, Any]]) -> tuple[Any, Any]:
    """The case's folder, with a `model_max_length` as real checkpoints have (without one, transformers'
    fast classes cannot truncate to its default, a very large integer)."""
    if case[1] == "SeamlessM4TTokenizer":
        directory = builders.folder(root, models[case[2]], case[1], case[0], **case[3])
    else:
        directory = make(models, root, case)
    config = json.loads((directory / "tokenizer_config.json").read_text(encoding="utf-8"))
    config["model_max_length"] = 48
    (directory / "tokenizer_config.json").write_text(json.dumps(config), encoding="utf-8")
    return AutoTokenizer.from_pretrained(directory), transformers.AutoTokenizer.from_pretrained(
        str(directory)
    )


def expected_batch(theirs: Any, src_texts: Any, tgt_texts: Any = None, **call: Any) -> dict[str, Any]:
    """What `prepare_seq2seq_batch(src_texts, tgt_texts=tgt_texts, **call)` should give: transformers'
    inputs, and its `text_target` encoding of the targets as labels."""
    cls = type(theirs).__name__
    if cls in WORKING:
        got = theirs.prepare_seq2seq_batch(src_texts, tgt_texts=tgt_texts, **call)
    else:
        with pytest.raises(AttributeError, match="prepare_seq2seq_batch"):
            theirs.prepare_seq2seq_batch(src_texts, tgt_texts=tgt_texts, **call)
    # The languages are set by then (transformers' own setters); the rest follows its defaults.
    call = {k: v for k, v in call.items() if k not in ("src_lang", "tgt_lang")}
    max_length = call.pop("max_length", None) or theirs.model_max_length
    max_target_length = call.pop("max_target_length", None) or max_length
    call.setdefault("padding", "longest")
    call.setdefault("truncation", True)
    inputs = theirs(src_texts, max_length=max_length, **call)
    if cls in WORKING:
        for key in inputs:
            assert plain(got[key]) == plain(inputs[key]), key
    if tgt_texts is None:
        return dict(inputs)
    labels = theirs(text_target=tgt_texts, max_length=max_target_length, **call)["input_ids"]
    if cls in WORKING:  # transformers' labels: the targets in the source template
        source_mode = theirs(tgt_texts, max_length=max_target_length, **call)["input_ids"]
        assert plain(got["labels"]) == plain(source_mode)
    return {**inputs, "labels": labels}


def same_batch(ours: Any, theirs: Any, src_texts: Any, tgt_texts: Any = None, **call: Any) -> None:
    expected = expected_batch(theirs, src_texts, tgt_texts, **call)
    got = ours.prepare_seq2seq_batch(src_texts, tgt_texts=tgt_texts, **call)
    assert sorted(got.keys()) == sorted(expected.keys()), call
    for key in expected:
        if call.get("return_tensors"):
            assert type(got[key]).__name__ == type(expected[key]).__name__, key
        assert plain(got[key]) == plain(expected[key]), (call, key)
    assert (ours.src_lang, ours.tgt_lang) == (theirs.src_lang, theirs.tgt_lang), call
    assert ours.encode("back in input mode") == theirs.encode("back in input mode"), call


@pytest.mark.parametrize("case", SEQ2SEQ_CASES, ids=[c[0] for c in SEQ2SEQ_CASES])
def test_prepare_seq2seq_batch_matches_transformers(models, tmp_path, case):
    ours, theirs = pair(models, tmp_path, case)
    source, target = LANGS[case[1]]
    texts = TEXTS[:40]
    # The class's default languages (`ro` is no wmt21 code: both raise KeyError, below).
    defaults = {"src_lang": "de", "tgt_lang": "en"} if case[0] == "m2m-wmt21" else {}
    same_batch(ours, theirs, texts, texts[::-1], **defaults)
    same_batch(ours, theirs, texts, src_lang=source, tgt_lang=target)  # no targets: the inputs alone
    same_batch(
        ours,
        theirs,
        SAMPLE,
        SAMPLE[::-1],
        src_lang=source,
        tgt_lang=target,
        max_length=16,
        max_target_length=9,
        return_tensors="np",
    )
    same_batch(ours, theirs, texts[:6], texts[6:12], src_lang=target, tgt_lang=source, max_length=12)
    same_batch(
        ours,
        theirs,
        ["a b c", "d"],
        ["e f g h i", "j"],
        padding="max_length",
        max_length=10,
        truncation=False,
        **defaults,
    )
    same_batch(
        ours, theirs, ["a b", "c"], ["d", "e f"], return_tensors="pt", return_attention_mask=False, **defaults
    )
    if case[1] not in PYTHON_CLASSES:  # they read control characters differently (README)
        same_batch(ours, theirs, ADVERSARIAL, ADVERSARIAL[::-1], src_lang=source, max_length=30)
    same_call(ours, theirs, text="hello", text_target="bonjour")


def test_prepare_seq2seq_batch_unknown_code(models, tmp_path):
    """Classes that check their codes raise KeyError naming it, before encoding anything."""
    for case, code in ((BY_ID["m2m"], "xx"), (BY_ID["plbart"], "cobol")):
        ours, theirs = pair(models, tmp_path, case)
        for tok in (theirs, ours):
            with pytest.raises(KeyError, match=code):
                tok.prepare_seq2seq_batch(["a"], src_lang=code, tgt_texts=["b"])


def test_prepare_seq2seq_batch_without_model_max_length(models, tmp_path):
    """No `model_max_length`: nothing is truncated (transformers' fast classes raise OverflowError trying to
    truncate to its very large default; its Python classes truncate nothing)."""
    directory = builders.folder(tmp_path, models["unigram"], "NllbTokenizer", "no-limit")
    ours = AutoTokenizer.from_pretrained(directory)
    theirs = transformers.AutoTokenizer.from_pretrained(str(directory))
    with pytest.raises(OverflowError):
        theirs.prepare_seq2seq_batch(TEXTS[:4], tgt_texts=TEXTS[4:8])
    got = ours.prepare_seq2seq_batch(TEXTS[:4], tgt_texts=TEXTS[4:8], return_tensors="np")
    expected = theirs(TEXTS[:4], text_target=TEXTS[4:8], padding="longest", return_tensors="np")
    assert sorted(got.keys()) == sorted(expected.keys())
    for key in expected:
        assert plain(got[key]) == plain(expected[key]), key


def test_prepare_seq2seq_batch_only_where_transformers_has_it(models, tmp_path):
    for name in ("mbart", "mbart50"):
        ours, theirs = pair(models, tmp_path, BY_ID[name])
        assert hasattr(ours, "prepare_seq2seq_batch") == hasattr(theirs, "prepare_seq2seq_batch")


LANGUAGE_CASES = [*CASES, SEAMLESS, SEAMLESS_SRC]


def set_languages(tok: Any, cls: str) -> None:
    source, target = LANGS[cls]
    tok.src_lang = source
    tok.tgt_lang = target


def same_state(ours: Any, theirs: Any) -> None:
    assert (ours.src_lang, ours.tgt_lang) == (theirs.src_lang, theirs.tgt_lang)
    assert ours.encode("a b") == theirs.encode("a b")
    same_call(ours, theirs, text=["hello there", "x"], text_target=["bonjour", "y z"], padding=True)
    same_call(ours, theirs, text=SAMPLE, text_target=SAMPLE[::-1], padding=True)


@pytest.mark.parametrize("case", LANGUAGE_CASES, ids=[c[0] for c in LANGUAGE_CASES])
def test_languages_survive_pickle_and_copy(models, tmp_path, case):
    ours, theirs = pair(models, tmp_path, case)
    for clone in (lambda t: pickle.loads(pickle.dumps(t)), copy.copy, copy.deepcopy):
        # Set again each time: transformers' shallow copy shares its backend, whose template the calls change.
        for tok in (ours, theirs):
            set_languages(tok, case[1])
        same_state(clone(ours), clone(theirs))
    if case[1] == "SeamlessM4TTokenizer":  # its tgt_lang setter leaves the target template in place
        for tok in (ours, theirs):
            tok.tgt_lang = LANGS[case[1]][0]
        assert pickle.loads(pickle.dumps(ours)).encode("a") == pickle.loads(pickle.dumps(theirs)).encode("a")


@pytest.mark.parametrize("case", LANGUAGE_CASES, ids=[c[0] for c in LANGUAGE_CASES])
def test_languages_survive_save_pretrained(models, tmp_path, case):
    ours, theirs = pair(models, tmp_path, case)
    for tok in (ours, theirs):
        set_languages(tok, case[1])
    ours.save_pretrained(tmp_path / "ours")
    theirs.save_pretrained(str(tmp_path / "theirs"))
    written = [json.loads((tmp_path / s / "tokenizer_config.json").read_text()) for s in ("ours", "theirs")]
    for key in ("src_lang", "tgt_lang"):
        assert written[0].get(key, "absent") == written[1].get(key, "absent"), key
    ours = AutoTokenizer.from_pretrained(tmp_path / "ours")
    theirs = transformers.AutoTokenizer.from_pretrained(str(tmp_path / "theirs"))
    same_state(ours, theirs)


# Public names of transformers' translation classes that ferrotok answers (beside the common API).
ATTRIBUTE_NAMES = (
    "fairseq_offset",
    "fairseq_tokens_to_ids",
    "fairseq_ids_to_tokens",
    "prefix_tokens",
    "suffix_tokens",
    "cur_lang_code",
    "cur_lang_code_id",
    "cur_lang_id",
    "lang_code_to_id",
    "prepare_seq2seq_batch",
    "language_codes",
    "num_madeup_words",
    "sp_model_kwargs",
    "encoder",
    "encoder_size",
    "spm_file",
    "sp_model_size",
    "legacy",
)


@pytest.mark.parametrize("case", LANGUAGE_CASES, ids=[c[0] for c in LANGUAGE_CASES])
def test_translation_attributes_match_transformers(models, tmp_path, case):
    ours, theirs = pair(models, tmp_path, case)

    def same() -> None:
        for name in ATTRIBUTE_NAMES:
            assert hasattr(ours, name) == hasattr(theirs, name), name
            assert (name in dir(ours)) == hasattr(theirs, name), name
            if hasattr(theirs, name) and name != "prepare_seq2seq_batch":
                assert getattr(ours, name) == getattr(theirs, name), name

    same()
    source, target = LANGS[case[1]]
    for tok in (ours, theirs):
        tok.src_lang = source
    same()
    for tok in (ours, theirs):
        tok.set_tgt_lang_special_tokens(target)
    same()
    assert ours.encode("a b") == theirs.encode("a b")
    for tok in (ours, theirs):
        tok._switch_to_input_mode()
    same()
    got, expected = (
        tok._build_translation_inputs(
            ["hello there", "x"], return_tensors="np", src_lang=target, tgt_lang=source
        )
        for tok in (ours, theirs)
    )
    assert sorted(got.keys()) == sorted(expected.keys())
    for key in expected:
        assert plain(got[key]) == plain(expected[key]), key
