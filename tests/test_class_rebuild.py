"""A tokenizer.json whose pipeline differs from what its class builds, against transformers 5.

Model classes with a constructor of their own (BertTokenizer, RobertaTokenizer, GPT2Tokenizer, Qwen2Tokenizer,
...) take only the vocabulary from tokenizer.json and rebuild the normalizer, pre-tokenizer, decoder and model
options from tokenizer_config.json's keyword arguments, and some of them the post-processor too. Each case
writes a folder whose tokenizer.json has odd stages (lowercasing, whitespace splitting, a fusing decoder, a
template no class builds, other model options) and a config naming the class with kwargs that differ from the
file; both libraries load it and every field of their encodings, the decoded text and the serialized pipeline
are compared.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import FIXTURES, multilingual_lines
from parity import compare_call, compare_template_calls, pipeline

transformers = pytest.importorskip("transformers")
import ferrotok  # noqa: E402

ODD_TEMPLATE = {
    "type": "TemplateProcessing",
    "single": [{"Sequence": {"id": "A", "type_id": 0}}],
    "pair": [{"Sequence": {"id": "A", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 0}}],
    "special_tokens": {},
}
ODD_STAGES = {
    "normalizer": {"type": "Lowercase"},
    "pre_tokenizer": {"type": "Whitespace"},
    "decoder": {"type": "Fuse"},
    "post_processor": ODD_TEMPLATE,
}
ODD_MODEL = {
    "WordPiece": {"continuing_subword_prefix": "@@", "max_input_chars_per_word": 5},
    "BPE": {
        "continuing_subword_prefix": "",
        "end_of_word_suffix": "",
        "ignore_merges": True,
        "fuse_unk": True,
    },
}

_lines = [line for _, line in multilingual_lines()]
FIRST = [
    "Hello World, a TEST with ÀccÉnts and   spaces.",
    " leading space and 漢字中文 and ﬁ ligature",
    "don't you're I'll 12345 tab\there\nnewline",
    "",
    *_lines[:6],
]
SECOND = ["Second one", "b", "c d", "Ünïcode", *_lines[6:12]]
SECOND = SECOND[: len(FIRST)] + ["x"] * (len(FIRST) - len(SECOND))

# (class, config kwargs that differ from the file)
WORDPIECE_CASES = [
    ("BertTokenizer", {}),
    ("BertTokenizer", {"do_lower_case": False}),
    ("BertTokenizer", {"do_lower_case": False, "strip_accents": True, "tokenize_chinese_chars": False}),
    ("BertTokenizer", {"do_lower_case": True, "strip_accents": False}),
    ("DistilBertTokenizer", {"do_lower_case": False}),
    ("ElectraTokenizer", {"tokenize_chinese_chars": False}),
    ("MobileBertTokenizer", {}),
    ("LxmertTokenizer", {"strip_accents": True}),
    ("LayoutLMv2Tokenizer", {"do_lower_case": False}),
    ("MPNetTokenizer", {}),
    ("MPNetTokenizer", {"do_lower_case": False}),
    # Funnel's default unk_token (`<unk>`) is not in BERT's vocabulary: see the README's differences.
    ("FunnelTokenizer", {"unk_token": "[UNK]"}),
    ("FunnelTokenizer", {"unk_token": "[UNK]", "do_lower_case": False, "wordpieces_prefix": "@@"}),
]
# transformers' call of these classes needs more than text (bounding boxes): their pipeline is compared.
PIPELINE_ONLY = {"LayoutLMv2Tokenizer"}
BYTE_LEVEL_CASES = [
    ("GPT2Tokenizer", {}),
    ("GPT2Tokenizer", {"add_prefix_space": True}),
    ("CodeGenTokenizer", {"add_prefix_space": True}),
    ("RobertaTokenizer", {}),
    ("RobertaTokenizer", {"add_prefix_space": True}),
    ("RobertaTokenizer", {"add_prefix_space": True, "trim_offsets": False}),
    ("BartTokenizer", {"trim_offsets": False}),
    ("LEDTokenizer", {}),
    ("LongformerTokenizer", {"add_prefix_space": True}),
    ("MvpTokenizer", {}),
    ("BlenderbotTokenizer", {}),
    ("BlenderbotTokenizer", {"add_prefix_space": False}),
    ("DebertaTokenizer", {}),
    ("DebertaTokenizer", {"add_prefix_space": True}),
    ("GPTNeoXTokenizer", {}),
    ("GPTNeoXTokenizer", {"add_prefix_space": True, "trim_offsets": False}),
    ("GPTNeoXTokenizer", {"add_bos_token": True, "add_eos_token": True}),
    ("Qwen2Tokenizer", {}),
    ("Qwen2Tokenizer", {"add_prefix_space": True}),
    ("CohereTokenizer", {}),
    ("CohereTokenizer", {"add_prefix_space": True}),
    ("WhisperTokenizer", {}),
    ("LukeTokenizer", {}),
    ("NougatTokenizer", {}),
]

# (class, kwarg) that transformers does not write back to tokenizer_config.json on save.
UNSAVED_BY_TRANSFORMERS = {("LlamaTokenizer", "legacy")}
LLAMA_CASES = [
    ("LlamaTokenizer", {}),
    ("LlamaTokenizer", {"legacy": True}),
    ("LlamaTokenizer", {"add_prefix_space": False}),
    ("LlamaTokenizer", {"legacy": False, "add_prefix_space": True}),
    ("CodeLlamaTokenizer", {}),
    ("CodeLlamaTokenizer", {"add_prefix_space": False}),
]


def case_id(case: tuple[str, dict]) -> str:
    cls, kwargs = case
    return cls + "".join(f"-{k}={v}" for k, v in sorted(kwargs.items()))


@pytest.fixture(scope="module")
def byte_level_json(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """GPT-2's committed vocab.json + merges.txt as tokenizer.json, written by transformers."""
    target = tmp_path_factory.mktemp("gpt2-json")
    transformers.AutoTokenizer.from_pretrained(str(FIXTURES / "gpt2")).save_pretrained(str(target))
    return target / "tokenizer.json"


@pytest.fixture(scope="module")
def llama_json(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A byte-fallback BPE SentencePiece model trained at test time, as LlamaTokenizer's tokenizer.json."""
    pytest.importorskip("sentencepiece")
    import spm_folders

    base = tmp_path_factory.mktemp("llama")
    model = spm_folders.train_all(base)["bpe_fallback"]
    source = spm_folders.folder(base, model, "LlamaTokenizer", "source")
    transformers.AutoTokenizer.from_pretrained(str(source)).save_pretrained(str(base / "saved"))
    return base / "saved" / "tokenizer.json"


def odd_folder(source: Path, target: Path, cls: str, kwargs: dict) -> Path:
    """`source` (a tokenizer.json) with the odd stages, and a config naming `cls` with `kwargs`."""
    target.mkdir()
    document = json.loads(source.read_text(encoding="utf-8"))
    document.update(ODD_STAGES)
    document["model"].update(ODD_MODEL[document["model"]["type"]])
    (target / "tokenizer.json").write_text(json.dumps(document), encoding="utf-8")
    config = {"tokenizer_class": cls, **kwargs}
    (target / "tokenizer_config.json").write_text(json.dumps(config), encoding="utf-8")
    return target


def assert_same(ours, theirs) -> None:
    assert pipeline(ours) == pipeline(theirs)
    compare_template_calls(ours, theirs, FIRST, SECOND, (FIRST, SECOND), 9)
    for text in FIRST:
        assert ours.tokenize(text) == theirs.tokenize(text), text
    ids = theirs(FIRST, SECOND)["input_ids"]
    for skip in (False, True):
        assert ours.batch_decode(ids, skip_special_tokens=skip) == theirs.batch_decode(
            ids, skip_special_tokens=skip
        )


def check(source: Path, tmp_path: Path, cls: str, kwargs: dict) -> None:
    folder = odd_folder(source, tmp_path / "odd", cls, kwargs)
    ours = ferrotok.AutoTokenizer.from_pretrained(folder)
    theirs = transformers.AutoTokenizer.from_pretrained(str(folder))
    if cls in PIPELINE_ONLY:
        assert pipeline(ours) == pipeline(theirs)
        return
    assert_same(ours, theirs)
    ours.save_pretrained(tmp_path / "ours")
    reloaded = ferrotok.AutoTokenizer.from_pretrained(tmp_path / "ours")
    if any((cls, key) in UNSAVED_BY_TRANSFORMERS for key in kwargs):
        # transformers' save drops the kwarg, so its reloaded tokenizer differs; ferrotok's does not.
        assert pipeline(reloaded) == pipeline(ours)
        return
    # Saved and loaded again, both still agree.
    theirs.save_pretrained(str(tmp_path / "theirs"))
    assert_same(reloaded, transformers.AutoTokenizer.from_pretrained(str(tmp_path / "theirs")))


@pytest.mark.parametrize("case", WORDPIECE_CASES, ids=case_id)
def test_wordpiece_classes_rebuild_their_pipeline(model_dir: Path, tmp_path: Path, case) -> None:
    check(model_dir / "tokenizer.json", tmp_path, *case)


@pytest.mark.parametrize("case", BYTE_LEVEL_CASES, ids=case_id)
def test_byte_level_classes_rebuild_their_pipeline(byte_level_json: Path, tmp_path: Path, case) -> None:
    check(byte_level_json, tmp_path, *case)


@pytest.mark.parametrize("case", LLAMA_CASES, ids=case_id)
def test_llama_classes_rebuild_their_pipeline(llama_json: Path, tmp_path: Path, case) -> None:
    check(llama_json, tmp_path, *case)


@pytest.fixture(scope="module")
def clip_json(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A CLIP-style BPE (`</w>` suffix) trained on the multilingual sample, saved by transformers."""
    import bpe_builders

    base = tmp_path_factory.mktemp("clip")
    legacy = bpe_builders.clip_legacy(base / "legacy", _lines)
    return bpe_builders.clip_saved_by_transformers(legacy, base / "saved") / "tokenizer.json"


@pytest.mark.parametrize("kwargs", [{}, {"unk_token": "<|startoftext|>"}], ids=["default", "unk"])
def test_clip_rebuilds_its_pipeline(clip_json: Path, tmp_path: Path, kwargs: dict) -> None:
    check(clip_json, tmp_path, "CLIPTokenizer", kwargs)


@pytest.mark.parametrize("cls", ["TokenizersBackend", "PreTrainedTokenizerFast"])
def test_classes_without_a_rebuild_keep_the_file(byte_level_json: Path, tmp_path: Path, cls: str) -> None:
    """The generic class keeps the file's odd stages (and records add_prefix_space only), like transformers."""
    folder = odd_folder(byte_level_json, tmp_path / "odd", cls, {"add_prefix_space": True})
    ours = ferrotok.AutoTokenizer.from_pretrained(folder)
    theirs = transformers.AutoTokenizer.from_pretrained(str(folder))
    assert pipeline(ours)["pre_tokenizer"] == ODD_STAGES["pre_tokenizer"]
    assert_same(ours, theirs)


def flipped(kwargs: dict) -> dict:
    """Config entries the `from_pretrained` kwargs must win over: each boolean the other way."""
    return {k: not v for k, v in kwargs.items() if isinstance(v, bool)}


def check_from_kwargs(source: Path, tmp_path: Path, cls: str, kwargs: dict) -> None:
    """`kwargs` given to `from_pretrained` over a config saying the opposite rebuild as the config would."""
    folder = odd_folder(source, tmp_path / "odd", cls, flipped(kwargs))
    ours = ferrotok.AutoTokenizer.from_pretrained(folder, **kwargs)
    theirs = transformers.AutoTokenizer.from_pretrained(str(folder), **kwargs)
    assert_same(ours, theirs)
    if any((cls, key) in UNSAVED_BY_TRANSFORMERS for key in kwargs):
        return
    for key, value in kwargs.items():
        assert ours.init_kwargs[key] == value, key
        assert str(theirs.init_kwargs[key]) == str(value), key  # an AddedToken for special tokens
    ours.save_pretrained(tmp_path / "ours")
    theirs.save_pretrained(str(tmp_path / "theirs"))
    reloaded = ferrotok.AutoTokenizer.from_pretrained(tmp_path / "ours")
    assert_same(reloaded, transformers.AutoTokenizer.from_pretrained(str(tmp_path / "theirs")))


KWARG_CASES = [
    (source, case)
    for source, cases in (
        ("wordpiece", WORDPIECE_CASES),
        ("byte_level", BYTE_LEVEL_CASES),
        ("llama", LLAMA_CASES),
    )
    for case in cases
    if case[1] and case[0] not in PIPELINE_ONLY
]


@pytest.mark.parametrize("source,case", KWARG_CASES, ids=[case_id(c) for _, c in KWARG_CASES])
def test_from_pretrained_kwargs_rebuild_like_the_config(
    request: pytest.FixtureRequest, tmp_path: Path, source: str, case
) -> None:
    if source == "wordpiece":
        path = request.getfixturevalue("model_dir") / "tokenizer.json"
    else:
        path = request.getfixturevalue(f"{source}_json")
    check_from_kwargs(path, tmp_path, *case)


def test_from_pretrained_takes_settings_and_special_tokens(model_dir: Path, tmp_path: Path) -> None:
    """Settings and special tokens given as kwargs, beside a pipeline kwarg, as transformers takes them."""
    folder = odd_folder(model_dir / "tokenizer.json", tmp_path / "odd", "BertTokenizer", {})
    kwargs = {
        "do_lower_case": False,
        "model_max_length": 7,
        "padding_side": "left",
        "truncation_side": "left",
        "cls_token": "[SEP]",
    }
    ours = ferrotok.AutoTokenizer.from_pretrained(folder, **kwargs)
    theirs = transformers.AutoTokenizer.from_pretrained(str(folder), **kwargs)
    for name in ("model_max_length", "padding_side", "truncation_side", "cls_token", "cls_token_id"):
        assert getattr(ours, name) == getattr(theirs, name), name
    assert_same(ours, theirs)
    compare_call(ours, theirs, FIRST, padding="max_length", truncation=True)


SPLINTER_CASES = [{}, {"padding_side": "left"}, {"do_lower_case": False, "padding_side": "left"}]


@pytest.mark.parametrize("kwargs", SPLINTER_CASES, ids=lambda k: case_id(("Splinter", k)))
def test_splinter_builds_its_question_template(model_dir: Path, tmp_path: Path, kwargs: dict) -> None:
    """Splinter puts its question token and `.` after the question (the second sequence when padding on
    the left), adding the question token when the vocabulary lacks it."""
    check(model_dir / "tokenizer.json", tmp_path, "SplinterTokenizer", kwargs)
    folder = tmp_path / "odd"
    ours = ferrotok.AutoTokenizer.from_pretrained(folder)
    theirs = transformers.AutoTokenizer.from_pretrained(str(folder))
    assert len(ours) == len(theirs)
    assert ours.convert_tokens_to_ids("[QUESTION]") == theirs.question_token_id


QUESTION_ADDED_TOKEN = {
    "__type": "AddedToken",
    "content": "[Q3]",
    "special": True,
    "lstrip": False,
    "rstrip": False,
}
QUESTION_ADDED_TOKEN.update(normalized=False, single_word=False)


@pytest.mark.parametrize(
    "question", ["[Q2]", "[unused1]", QUESTION_ADDED_TOKEN], ids=["new", "in-vocab", "dict"]
)
def test_splinter_takes_its_question_token_from_the_config(model_dir: Path, tmp_path: Path, question) -> None:
    """A config's `question_token`: transformers 5 adds a plain string as a model-specific token and keeps the
    default `[QUESTION]` as the attribute and in the template (its saved folder then reloads with `[QUESTION]`
    added), while an AddedToken entry is the question token; ferrotok gives the same tokens, ids and
    attributes, also after saving."""
    check(model_dir / "tokenizer.json", tmp_path, "SplinterTokenizer", {"question_token": question})
    for folder in (tmp_path / "odd", tmp_path / "ours"):
        ours = ferrotok.AutoTokenizer.from_pretrained(folder)
        theirs = transformers.AutoTokenizer.from_pretrained(
            str(tmp_path / "odd" if folder.name == "odd" else tmp_path / "theirs")
        )
        assert (ours.question_token, ours.question_token_id) == (
            theirs.question_token,
            theirs.question_token_id,
        )
        assert ours.all_special_tokens == theirs.all_special_tokens
        assert ours.special_tokens_map == theirs.special_tokens_map
        assert {k: str(v) for k, v in ours.added_tokens_decoder.items()} == {
            k: str(v) for k, v in theirs.added_tokens_decoder.items()
        }
