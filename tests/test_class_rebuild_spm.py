"""SentencePiece classes beside a tokenizer.json, against transformers 5.

T5Tokenizer, XLMRobertaTokenizer, AlbertTokenizer and the other SentencePiece classes take only the vocabulary
(and merges) from tokenizer.json, plus its Precompiled charsmap, and rebuild their normalizer, pre-tokenizer,
decoder and model options from tokenizer_config.json's keyword arguments. Each case trains a SentencePiece
model, lets transformers convert it and save the folder (tokenizer.json beside the config), then gives the file
odd stages (lowercasing before the charsmap, whitespace splitting, a fusing decoder, another unk id) and the
config kwargs that differ from the file; both libraries load it, and every field of their encodings, the
decoded text and the serialized pipeline are compared, also after `save_pretrained` and loading again.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from parity import pipeline
from test_class_rebuild import ODD_TEMPLATE, assert_same, case_id, flipped

transformers = pytest.importorskip("transformers")
pytest.importorskip("sentencepiece")
import ferrotok  # noqa: E402
import spm_folders  # noqa: E402

# (class, trained model of spm_folders.MODELS, config kwargs that differ from the file), most used first.
CASES = [
    ("T5Tokenizer", "unigram", {}),
    ("XLMRobertaTokenizer", "unigram", {}),
    ("XLMRobertaTokenizer", "unigram", {"add_prefix_space": False}),
    ("AlbertTokenizer", "albert", {}),
    ("AlbertTokenizer", "albert", {"do_lower_case": False, "keep_accents": True}),
    ("AlbertTokenizer", "albert", {"add_prefix_space": False}),
    ("CamembertTokenizer", "unigram", {}),
    ("CamembertTokenizer", "unigram", {"add_prefix_space": False}),
    ("XLNetTokenizer", "unigram", {}),
    ("XLNetTokenizer", "unigram", {"do_lower_case": True, "keep_accents": True}),
    ("BigBirdTokenizer", "unigram", {}),
    ("BigBirdTokenizer", "unigram", {"add_prefix_space": False}),
    ("DebertaV2Tokenizer", "unigram", {}),
    ("DebertaV2Tokenizer", "albert", {"split_by_punct": True, "do_lower_case": True}),
    ("DebertaV2Tokenizer", "unigram", {"add_prefix_space": False}),
    ("MBartTokenizer", "unigram", {}),
    ("MBartTokenizer", "unigram", {"src_lang": "fr_XX"}),
    ("MBart50Tokenizer", "unigram", {}),
    ("MBart50Tokenizer", "unigram", {"src_lang": "de_DE"}),
    ("NllbTokenizer", "bpe_fallback", {}),
    ("NllbTokenizer", "unigram", {"src_lang": "fra_Latn", "legacy_behaviour": True}),
    ("PegasusTokenizer", "pegasus", {}),
    ("GemmaTokenizer", "bpe_fallback", {}),
    ("BarthezTokenizer", "unigram", {}),
    ("BarthezTokenizer", "unigram", {"add_prefix_space": False}),
    ("ReformerTokenizer", "unigram", {}),
    ("RemBertTokenizer", "albert", {}),
    (
        "RemBertTokenizer",
        "unigram",
        {"keep_accents": False, "do_lower_case": True, "add_prefix_space": False},
    ),
]
# T5Tokenizer is also the class of mT5, Switch Transformers and MusicGen folders (`model_type` in the config).
CASES.append(("T5Tokenizer", "unigram", {"model_type": "mt5"}))
# transformers' call of this class needs bounding boxes: its pipeline is compared.
PIPELINE_ONLY = {"LayoutXLMTokenizer"}
CASES.append(("LayoutXLMTokenizer", "unigram", {"add_prefix_space": False}))


def spm_case_id(case: tuple[str, str, dict]) -> str:
    cls, model, kwargs = case
    return case_id((f"{cls}-{model}", kwargs))


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return spm_folders.train_all(tmp_path_factory.mktemp("spm-models"))


def saved_by_transformers(models: dict[str, Path], root: Path, cls: str, model: str) -> Path:
    """The class's folder converted from the trained model and saved by transformers (tokenizer.json)."""
    source = spm_folders.folder(root, models[model], cls, "source")
    transformers.AutoTokenizer.from_pretrained(str(source)).save_pretrained(str(root / "saved"))
    return root / "saved"


def odd_stages(document: dict) -> None:
    """Stages no class builds; the file's charsmap stays (after a lowercasing the classes drop)."""
    normalizer = document.get("normalizer") or {}
    items = normalizer.get("normalizers", [normalizer]) if normalizer else []
    charsmap = [n for n in items if n.get("type") == "Precompiled"]
    document["normalizer"] = {"type": "Sequence", "normalizers": [{"type": "Lowercase"}, *charsmap]}
    document["pre_tokenizer"] = {"type": "Whitespace"}
    document["decoder"] = {"type": "Fuse"}
    model = document["model"]
    if model["type"] == "Unigram":
        model["unk_id"] = len(model["vocab"]) - 1
    else:
        model.update({"fuse_unk": False, "ignore_merges": True, "unk_token": None})


def odd_folder(saved: Path, target: Path, cls: str, kwargs: dict) -> Path:
    """The saved folder with odd stages in tokenizer.json and `kwargs` over its config."""
    target.mkdir()
    for item in saved.iterdir():
        (target / item.name).write_bytes(item.read_bytes())
    document = json.loads((saved / "tokenizer.json").read_text(encoding="utf-8"))
    odd_stages(document)
    (target / "tokenizer.json").write_text(json.dumps(document), encoding="utf-8")
    config = json.loads((saved / "tokenizer_config.json").read_text(encoding="utf-8"))
    config.update({"tokenizer_class": cls, **kwargs})
    (target / "tokenizer_config.json").write_text(json.dumps(config), encoding="utf-8")
    return target


@pytest.mark.parametrize("case", CASES, ids=spm_case_id)
def test_sentencepiece_classes_rebuild_their_pipeline(models: dict[str, Path], tmp_path: Path, case) -> None:
    cls, model, kwargs = case
    saved = saved_by_transformers(models, tmp_path, cls, model)
    folder = odd_folder(saved, tmp_path / "odd", cls, kwargs)
    ours = ferrotok.AutoTokenizer.from_pretrained(folder)
    theirs = transformers.AutoTokenizer.from_pretrained(str(folder))
    if cls in PIPELINE_ONLY:
        assert pipeline(ours) == pipeline(theirs)
        return
    assert_same(ours, theirs)
    ours.save_pretrained(tmp_path / "ours")
    theirs.save_pretrained(str(tmp_path / "theirs"))
    reloaded = ferrotok.AutoTokenizer.from_pretrained(tmp_path / "ours")
    assert_same(reloaded, transformers.AutoTokenizer.from_pretrained(str(tmp_path / "theirs")))


def test_the_file_template_is_kept_where_the_class_builds_none(
    models: dict[str, Path], tmp_path: Path
) -> None:
    """ALBERT sets its template before the base class puts the file's back: the file's odd template wins."""
    saved = saved_by_transformers(models, tmp_path, "AlbertTokenizer", "albert")
    folder = odd_folder(saved, tmp_path / "odd", "AlbertTokenizer", {})
    document = json.loads((folder / "tokenizer.json").read_text(encoding="utf-8"))
    document["post_processor"] = ODD_TEMPLATE
    (folder / "tokenizer.json").write_text(json.dumps(document), encoding="utf-8")
    ours = ferrotok.AutoTokenizer.from_pretrained(folder)
    theirs = transformers.AutoTokenizer.from_pretrained(str(folder))
    assert pipeline(ours)["post_processor"] == pipeline(theirs)["post_processor"] == ODD_TEMPLATE
    assert_same(ours, theirs)


KWARG_CASES = [
    case for case in CASES if case[2] and case[0] not in PIPELINE_ONLY and "model_type" not in case[2]
]


@pytest.mark.parametrize("case", KWARG_CASES, ids=spm_case_id)
def test_from_pretrained_kwargs_rebuild_like_the_config(
    models: dict[str, Path], tmp_path: Path, case
) -> None:
    """`kwargs` given to `from_pretrained` over a config saying the opposite rebuild as the config would."""
    cls, model, kwargs = case
    saved = saved_by_transformers(models, tmp_path, cls, model)
    folder = odd_folder(saved, tmp_path / "odd", cls, flipped(kwargs))
    ours = ferrotok.AutoTokenizer.from_pretrained(folder, **kwargs)
    theirs = transformers.AutoTokenizer.from_pretrained(str(folder), **kwargs)
    assert_same(ours, theirs)
    for key, value in kwargs.items():
        assert ours.init_kwargs[key] == value, key
    ours.save_pretrained(tmp_path / "ours")
    theirs.save_pretrained(str(tmp_path / "theirs"))
    reloaded = ferrotok.AutoTokenizer.from_pretrained(tmp_path / "ours")
    assert_same(reloaded, transformers.AutoTokenizer.from_pretrained(str(tmp_path / "theirs")))
