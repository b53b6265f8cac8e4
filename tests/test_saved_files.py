"""`save_pretrained` writes the files transformers 5.24 writes: compared folder against folder, file by
file (JSON as data), for a fast class (BERT), a SentencePiece class (XLM-R), LUKE / mLUKE (the entity
vocabulary in tokenizer_config.json) and two Python classes with files of their own (RoCBert's tables,
Marian's vocabulary and models), with and without `filename_prefix` and `legacy_format`. The folders are
loaded back by both libraries."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import ferrotok
import pytest
import quirky_folders
import spm_folders
import transformers
from conftest import FIXTURES, multilingual_lines
from test_luke_entities import luke_folder, mluke_folder

spm = pytest.importorskip("sentencepiece")

# tokenizer_config.json entries only one library writes. transformers echoes its loading call's
# arguments and its classes' constructor defaults; ferrotok writes the settings it reads back. Every
# entry both write must be the same.
THEIRS_ONLY = {
    "backend",
    "is_local",
    "local_files_only",
    "max_length",
    "pad_to_multiple_of",
    "pad_token_type_id",
    "stride",
    "truncation_strategy",
    "add_prefix_space",
    "unk_id",
    "clean_up_tokenization_spaces_for_bpe_even_though_it_will_corrupt_output",
    "errors",
    "special_tokens_pattern",
    "token_type_ids_include_special_tokens",
    "token_type_ids_pattern",
    "added_tokens_decoder",
    "do_basic_tokenize",
    "do_lower_case",
    "never_split",
    "strip_accents",
    "tokenize_chinese_chars",
}
OURS_ONLY = {"clean_up_tokenization_spaces", "model_input_names", "padding_side", "truncation_side"}
TEXT = "Hello wörld, Tokyo 東京 123"
# The entity-pair task takes two spans with every text.
CALL = {"luke-pairs": {"entity_spans": [(0, 5), (6, 11)]}}


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("saved-files")
    work = root / "spm"
    work.mkdir()
    corpus = work / "corpus.txt"
    corpus.write_text("\n".join(line for _, line in multilingual_lines()) + "\n", encoding="utf-8")
    spm.SentencePieceTrainer.train(
        input=str(corpus),
        model_prefix=str(work / "unigram"),
        minloglevel=2,
        num_threads=1,
        **spm_folders.MODELS["unigram"],
    )
    model = work / "unigram.model"
    marian = root / "marian"
    marian.mkdir()
    for name in ("source.spm", "target.spm"):
        shutil.copy(model, marian / name)
    processor = spm.SentencePieceProcessor(model_file=str(model))
    vocab = {"</s>": 0, "<unk>": 1}
    for piece in map(processor.id_to_piece, range(processor.get_piece_size())):
        vocab.setdefault(piece, len(vocab))
    vocab["<pad>"] = len(vocab)
    (marian / "vocab.json").write_text(json.dumps(vocab), encoding="utf-8")
    (marian / "tokenizer_config.json").write_text(json.dumps({"tokenizer_class": "MarianTokenizer"}))
    return {
        "bert": FIXTURES / "bert-uncased",
        "xlmr": spm_folders.folder(root, model, "XLMRobertaTokenizer", "xlmr"),
        "luke": luke_folder(root, "luke"),
        "luke-pairs": luke_folder(
            root, "luke-pairs", task="entity_pair_classification", max_mention_length=7
        ),
        "mluke": mluke_folder(root, model, "mluke"),
        "rocbert": quirky_folders.write_roc_bert_folder(root / "rocbert"),
        "marian": marian,
    }


def _data(path: Path) -> object:
    if path.suffix != ".json":
        return path.read_bytes()
    data = json.loads(path.read_text(encoding="utf-8"))
    model = data.get("model") if isinstance(data, dict) else None
    if isinstance(model, dict) and model.get("type") == "BPE":
        # Merges as tokenizers writes them (pairs) or as older files do ("a b"): the same merges.
        model["merges"] = [m if isinstance(m, str) else " ".join(m) for m in model["merges"]]
    return data


def _save(tok: object, directory: Path, prefix: str | None, legacy: bool | None) -> object:
    try:
        written = tok.save_pretrained(directory, filename_prefix=prefix, legacy_format=legacy)
    except ValueError as e:
        return ("ValueError", str(e))
    return sorted(os.path.basename(p) for p in written)


@pytest.mark.parametrize("kind", ["bert", "xlmr", "luke", "luke-pairs", "mluke", "rocbert", "marian"])
@pytest.mark.parametrize(("prefix", "legacy"), [(None, None), ("p", None), (None, True), (None, False)])
def test_saved_folders_match_transformers(folders, tmp_path: Path, kind: str, prefix, legacy) -> None:
    source = folders[kind]
    theirs = transformers.AutoTokenizer.from_pretrained(str(source))
    ours = ferrotok.AutoTokenizer.from_pretrained(source)
    expected = _save(theirs, tmp_path / "theirs", prefix, legacy)
    got = _save(ours, tmp_path / "ours", prefix, legacy)
    if isinstance(expected, tuple):  # legacy_format=False for a Python class
        assert got == expected
        return
    stem = f"{prefix}-" if prefix else ""
    files = sorted(os.listdir(tmp_path / "theirs"))
    assert sorted(os.listdir(tmp_path / "ours")) == got == files
    for name in files:
        mine, reference = _data(tmp_path / "ours" / name), _data(tmp_path / "theirs" / name)
        if name != f"{stem}tokenizer_config.json":
            assert mine == reference, name
            continue
        assert isinstance(mine, dict) and isinstance(reference, dict)
        assert set(reference) - set(mine) <= THEIRS_ONLY
        assert set(mine) - set(reference) <= OURS_ONLY
        assert {k: v for k, v in mine.items() if k in reference} == {
            k: v for k, v in reference.items() if k in mine
        }
    call = CALL.get(kind, {})
    ids = theirs(TEXT, **call)["input_ids"]
    assert ours(TEXT, **call)["input_ids"] == ids
    for saved in ("ours", "theirs"):
        folder = tmp_path / saved
        if prefix:  # neither library finds its files under other names
            with pytest.raises((OSError, ValueError)):
                transformers.AutoTokenizer.from_pretrained(str(folder))
            with pytest.raises(OSError):
                ferrotok.AutoTokenizer.from_pretrained(folder)
            continue
        assert transformers.AutoTokenizer.from_pretrained(str(folder))(TEXT, **call)["input_ids"] == ids
        assert ferrotok.AutoTokenizer.from_pretrained(folder)(TEXT, **call)["input_ids"] == ids
