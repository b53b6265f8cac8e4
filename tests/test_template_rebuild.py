"""A tokenizer.json whose post-processor template differs from its class's, against transformers 5.

transformers' model classes that set their template after the backend is built (T5Tokenizer,
XLMRobertaTokenizer, BertTokenizer, the translation classes with `src_lang`, ...) replace the file's template
at load; the others (LlamaTokenizer, AlbertTokenizer, TokenizersBackend, ...) keep it, unless
tokenizer_config.json sets `add_bos_token` / `add_eos_token`, which rebuilds it as `update_post_processor`
does. The folders are written by transformers itself (a SentencePiece model trained at test time, converted
and saved), then their template is replaced by an odd one and the config edited; both libraries load the
result and every field of their encodings is compared, with the serialized post-processor.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import spm_folders
from parity import compare_template_calls

transformers = pytest.importorskip("transformers")
pytest.importorskip("sentencepiece")
import ferrotok  # noqa: E402

FIRST = ["Hello world, a test.", "Ünïcode text 漢字 and more words", ""]
SECOND = ["Second one", "b", "c d"]

# (class, trained model, config entries of the source folder, config entries written after saving)
CASES = [
    ("T5Tokenizer", "unigram", {}, {}),
    ("T5Tokenizer", "unigram", {}, {"add_eos_token": False}),
    ("XLMRobertaTokenizer", "unigram", {}, {}),
    ("XLNetTokenizer", "unigram", {}, {}),
    ("CamembertTokenizer", "unigram", {}, {}),
    ("DebertaV2Tokenizer", "unigram", {}, {}),
    ("BigBirdTokenizer", "unigram", {}, {}),
    ("MBartTokenizer", "unigram", {}, {"src_lang": "fr_XX"}),
    ("MBart50Tokenizer", "unigram", {}, {"src_lang": "de_DE"}),
    ("NllbTokenizer", "bpe_fallback", {}, {}),
    ("NllbTokenizer", "bpe_fallback", {}, {"src_lang": "fra_Latn", "legacy_behaviour": True}),
    ("RemBertTokenizer", "albert", {}, {}),
    ("CodeLlamaTokenizer", "bpe_fallback", {}, {}),
    ("CodeLlamaTokenizer", "bpe_fallback", {}, {"add_eos_token": True, "add_bos_token": False}),
    # Classes that keep the file's template...
    ("LlamaTokenizer", "bpe_fallback", {}, {}),
    ("AlbertTokenizer", "albert", {}, {}),
    ("GemmaTokenizer", "bpe_fallback", {}, {}),
    ("ReformerTokenizer", "unigram", {}, {}),
    ("BarthezTokenizer", "unigram", {}, {}),
    ("TokenizersBackend", "unigram", {}, {}),
    # ... unless the config names add_bos_token / add_eos_token.
    ("LlamaTokenizer", "bpe_fallback", {}, {"add_bos_token": False}),
    ("LlamaTokenizer", "bpe_fallback", {}, {"add_bos_token": True, "add_eos_token": True}),
    ("GemmaTokenizer", "bpe_fallback", {}, {"add_eos_token": True}),
    ("TokenizersBackend", "unigram", {}, {"add_eos_token": True}),
    ("AlbertTokenizer", "albert", {}, {"add_bos_token": True}),
]


def case_id(case) -> str:
    cls, model, _, after = case
    return f"{cls}-{model}" + ("-" + "-".join(f"{k}={v}" for k, v in sorted(after.items())) if after else "")


@pytest.fixture(scope="module")
def sp_models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return spm_folders.train_all(tmp_path_factory.mktemp("spm"))


def odd_template(unk: str, unk_id: int) -> dict:
    """`<unk> $A` and `$A <unk> $B:1`: a template no class builds."""
    return {
        "type": "TemplateProcessing",
        "single": [{"SpecialToken": {"id": unk, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
        "pair": [
            {"Sequence": {"id": "A", "type_id": 0}},
            {"SpecialToken": {"id": unk, "type_id": 0}},
            {"Sequence": {"id": "B", "type_id": 1}},
        ],
        "special_tokens": {unk: {"id": unk, "ids": [unk_id], "tokens": [unk]}},
    }


def edited_folder(source: Path, target: Path, after: dict) -> Path:
    """transformers' save of `source`, with the odd template in tokenizer.json and `after` in the config."""
    theirs = transformers.AutoTokenizer.from_pretrained(str(source))
    theirs.save_pretrained(str(target))
    for model_file in target.glob("*.model"):
        model_file.unlink()
    document = json.loads((target / "tokenizer.json").read_text(encoding="utf-8"))
    document["post_processor"] = odd_template(theirs.unk_token, theirs.unk_token_id)
    (target / "tokenizer.json").write_text(json.dumps(document), encoding="utf-8")
    config_path = target / "tokenizer_config.json"
    config = json.loads(config_path.read_text(encoding="utf-8"))
    config.update(after)
    config_path.write_text(json.dumps(config), encoding="utf-8")
    return target


def post_processor(tok) -> object:
    return json.loads(tok.backend_tokenizer.to_str())["post_processor"]


def assert_same(ours, theirs) -> None:
    assert post_processor(ours) == post_processor(theirs)
    compare_template_calls(ours, theirs, FIRST, SECOND, (FIRST, SECOND), 7)
    for pair in (False, True):
        assert ours.num_special_tokens_to_add(pair) == theirs.num_special_tokens_to_add(pair)
    assert ours.add_bos_token == theirs.add_bos_token
    assert ours.add_eos_token == theirs.add_eos_token
    ids = theirs(FIRST, SECOND)["input_ids"]
    assert ours.batch_decode(ids) == theirs.batch_decode(ids)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_edited_template_loads_like_transformers(sp_models, tmp_path, case):
    cls, model, before, after = case
    source = spm_folders.folder(tmp_path, sp_models[model], cls, "source", **before)
    folder = edited_folder(source, tmp_path / "edited", after)
    ours = ferrotok.AutoTokenizer.from_pretrained(folder)
    theirs = transformers.AutoTokenizer.from_pretrained(str(folder))
    assert_same(ours, theirs)
    # Saved and loaded again, both still agree.
    ours.save_pretrained(tmp_path / "ours")
    theirs.save_pretrained(str(tmp_path / "theirs"))
    assert_same(
        ferrotok.AutoTokenizer.from_pretrained(tmp_path / "ours"),
        transformers.AutoTokenizer.from_pretrained(str(tmp_path / "theirs")),
    )


def test_bert_template_is_rebuilt(model_dir, tmp_path):
    """BertTokenizer builds `[CLS] $A [SEP]` from its cls / sep tokens whatever tokenizer.json says."""
    folder = tmp_path / "bert"
    shutil.copytree(model_dir, folder)
    document = json.loads((folder / "tokenizer.json").read_text(encoding="utf-8"))
    document["post_processor"] = odd_template("[UNK]", 100)
    (folder / "tokenizer.json").write_text(json.dumps(document), encoding="utf-8")
    for config in (
        {"tokenizer_class": "BertTokenizer"},
        {"tokenizer_class": "BertTokenizer", "cls_token": "[SEP]"},
    ):
        (folder / "tokenizer_config.json").write_text(json.dumps(config), encoding="utf-8")
        assert_same(
            ferrotok.AutoTokenizer.from_pretrained(folder),
            transformers.AutoTokenizer.from_pretrained(str(folder)),
        )
