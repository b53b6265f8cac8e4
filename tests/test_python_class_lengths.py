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


# Long enough to be truncated at OVERFLOW_LENGTH in every class, short enough that a pair's other text fits.
LONG = [
    "hello world, this line is long enough to be cut",
    "a b c d e f g h i j k l m n o p",
    "東京 naïve café",
]
OVERFLOW_LENGTH = 8


def _overflow_calls(pad: bool) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    """Calls with `return_overflowing_tokens=True`: one text, batches, pairs, strides, every strategy."""
    cut = {"return_overflowing_tokens": True, "max_length": OVERFLOW_LENGTH}
    calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = [
        ((LONG[0],), {**cut, "truncation": True}),
        ((LONG[0],), {**cut, "truncation": True, "stride": 2}),
        ((LONG[0],), {**cut, "truncation": "longest_first", "stride": 20}),  # more than is kept
        (
            (LONG[0],),
            {**cut, "truncation": "only_first", "return_special_tokens_mask": True, "return_length": True},
        ),
        ((LONG[0],), {**cut}),  # max_length alone truncates
        ((LONG[0],), {**cut, "truncation": True, "return_tensors": "np"}),  # no overflow fields with tensors
        ((LINES[1],), {**cut, "truncation": True}),  # nothing cut: no overflow fields
        ((LONG,), {**cut, "truncation": True, "stride": 1, "return_length": True}),
        (
            (LONG,),
            {**cut, "truncation": True, "return_special_tokens_mask": True, "return_token_type_ids": True},
        ),
        ((LONG, LONG[::-1]), {**cut, "truncation": True}),  # a pair with longest_first: refused
        ((LONG[0], "a"), {**cut, "truncation": True}),
        ((LONG[0], "a"), {**cut, "truncation": True, "return_tensors": "np"}),
        ((LONG[0], "a"), {**cut, "truncation": "only_first", "stride": 1}),
        (("a", LONG[0]), {**cut, "truncation": "only_second", "stride": 3, "return_length": True}),
        ((["a", "b"], LONG[:2]), {**cut, "truncation": "only_second"}),
        (([LONG[0], "a"],), {**cut, "truncation": True}),  # one row cut, one not: transformers fails
        (([LONG[0], "a"],), {**cut, "truncation": True, "return_tensors": "np", "padding": pad}),
    ]
    if pad:
        calls += [
            ((LONG,), {**cut, "truncation": True, "padding": True, "stride": 1}),
            ((LONG,), {**cut, "truncation": True, "padding": "max_length", "return_length": True}),
            ((LONG, ["x"] * 3), {**cut, "truncation": "only_first", "padding": True, "return_tensors": "np"}),
        ]
    return calls


@pytest.mark.parametrize("name", CLASSES)
def test_overflowing_tokens_as_the_python_class(models, tmp_path, name):
    """The Python classes return what truncation cut as `overflowing_tokens` / `num_truncated_tokens` (with
    `stride` tokens of what they kept), not the fast classes' windows; on the left too."""
    directory, _ = coverage.build_folder(tmp_path, models, name)
    theirs = transformers.AutoTokenizer.from_pretrained(str(directory))
    ours = ferrotok.AutoTokenizer.from_pretrained(directory)
    calls = _overflow_calls(theirs.pad_token is not None)
    answered = 0
    for side in ("right", "left"):
        theirs.truncation_side = ours.truncation_side = side
        for args, kwargs in calls:
            try:
                theirs(*args, **kwargs)
            except Exception as exc:  # refused: ferrotok raises the same class of exception
                with pytest.raises(type(exc)):
                    ours(*args, **kwargs)
                continue
            got = compare_call(ours, theirs, *args, **kwargs)  # every field, key order and type
            answered += "overflowing_tokens" in got
    assert answered >= len(calls) // 2  # many calls cut something (on both sides)
