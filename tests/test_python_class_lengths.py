"""`return_length` in transformers' Python classes: one text's length is a number counted after padding, a
batch's lengths are counted before padding (the fast classes give a list, counted after padding)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import test_class_coverage as coverage
from parity import compare_call

transformers = pytest.importorskip("transformers")
import ferrotok  # noqa: E402
from ferrotok._config import PYTHON_CLASSES  # noqa: E402

# Python classes whose call takes no plain text (MarkupLM's nodes, TAPAS's tables).
NO_TEXT_CALL = {"MarkupLMTokenizer", "TapasTokenizer", *coverage.WORDS_WITH_BOXES}
# Python classes both libraries load from a folder of their own and that take text, with a pad token.
CLASSES = sorted(
    name
    for name, (status, _) in coverage.COVERAGE.items()
    if status == "same" and name in PYTHON_CLASSES and name not in NO_TEXT_CALL
)
LINES = ["hello world", "a", "Hello, world! 東京 naïve café"]


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return coverage.spm_folders.train_all(tmp_path_factory.mktemp("length-models"))


def test_the_table_holds_python_classes():
    assert len(CLASSES) >= 25


@pytest.mark.parametrize("name", CLASSES)
def test_return_length_as_the_python_class(models, tmp_path, name):
    directory, _ = coverage.build_folder(tmp_path, models, name)
    theirs = transformers.AutoTokenizer.from_pretrained(str(directory))
    ours = ferrotok.AutoTokenizer.from_pretrained(directory)
    calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = [
        ((LINES[0],), {}),
        ((LINES[2],), {"return_tensors": "np"}),
        ((LINES,), {}),
        ((LINES, LINES[::-1]), {}),
    ]
    if theirs.pad_token is not None:
        calls += [
            ((LINES[0],), {"padding": "max_length", "max_length": 40}),
            ((LINES,), {"padding": True}),
            ((LINES,), {"padding": True, "return_tensors": "np"}),
            ((LINES, LINES[::-1]), {"padding": "max_length", "max_length": 60}),
        ]
    for args, kwargs in calls:
        got = compare_call(ours, theirs, *args, return_length=True, **kwargs)
        if got is not None:  # a number, a list or an array, as transformers gives it
            expected = theirs(*args, return_length=True, **kwargs)["length"]
            assert type(got["length"]) is type(expected), (args, kwargs)
