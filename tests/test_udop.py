"""UDOP: what its class adds to the layout classes' words with boxes (tests/test_layout_classes.py runs those
suites on UDOP too): `text_target` / `text_pair_target` (their ids as `labels`), its `call_boxes`,
`encode_plus_boxes`, `batch_encode_plus_boxes` and `encode_boxes`, a plain-text `encode`, and T5's own
model layout (pad, eos, unk first). Compared with transformers' `UdopTokenizer` (its only class in 5.x).
"""

from __future__ import annotations

import numpy as np
import pytest
import spm_folders
from test_layout_classes import ADVERSARIAL, assert_same, both, boxes_for, page_words

transformers = pytest.importorskip("transformers")
pytest.importorskip("sentencepiece")
from ferrotok import AutoTokenizer  # noqa: E402


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory):
    return spm_folders.train_all(tmp_path_factory.mktemp("udop-models"))


@pytest.fixture(scope="module")
def pages(documents) -> list[list[str]]:
    return page_words(documents)


# "pegasus": T5's layout (pad 0, eos 1, unk 2); "unigram": SentencePiece's default (unk, bos, eos).
@pytest.fixture(scope="module", params=["pegasus", "unigram"])
def udop(request, models, tmp_path_factory):
    directory = spm_folders.folder(
        tmp_path_factory.mktemp("udop"), models[request.param], "UdopTokenizer", request.param
    )
    return (
        transformers.AutoTokenizer.from_pretrained(str(directory)),
        AutoTokenizer.from_pretrained(directory),
    )


def test_words_boxes_labels_on_t5_layout(udop, pages):
    boxes = [boxes_for(w, i) for i, w in enumerate(pages)]
    labels = [[(i + j) % 5 for j in range(len(w))] for i, w in enumerate(pages)]
    for i, words in enumerate(pages):
        both(udop, words, boxes=boxes[i], word_labels=labels[i], return_offsets_mapping=bool(i % 2))
    both(udop, pages, boxes=boxes, word_labels=labels, padding=True, padding_side="left", return_tensors="np")
    both(udop, ADVERSARIAL, boxes=boxes_for(ADVERSARIAL, 3), word_labels=list(range(len(ADVERSARIAL))))
    # Special tokens inside words, and lone `▁` pieces (a word after one loses its label).
    words = ["</s>", "<pad>", "▁", "▁▁x", "<unk>", "a</s>b", "x", "▁"]
    for settings in ({}, {"padding": "max_length", "max_length": 30, "padding_side": "left"}):
        both(udop, words, boxes=boxes_for(words, 4), word_labels=list(range(len(words))), **settings)


def test_text_target(udop, pages):
    words = pages[:3]
    boxes = [boxes_for(w, i) for i, w in enumerate(words)]
    targets = ["The total is 12.50 EUR.", "日本語の要約", "  spaces  "]
    both(udop, text_target=targets[0])
    both(udop, text_target=targets, text_pair_target=["a", "b c", ""])
    theirs, ours = both(
        udop, words[0], boxes=boxes[0], word_labels=[1] * len(words[0]), text_target=targets[0]
    )
    assert ours["labels"] == udop[1](text_target=targets[0])["input_ids"]
    # The words are padded and truncated, the targets neither (transformers hands them no strategy).
    both(
        udop,
        words,
        boxes=boxes,
        text_target=targets,
        padding="max_length",
        truncation=True,
        max_length=24,
        return_offsets_mapping=True,
    )
    both(udop, "a question", words[0], boxes=boxes[0], text_target=targets[1], return_tensors="pt")
    both(udop, words, boxes=boxes, text_target=["same", "same", "same"], padding=True, return_tensors="np")
    # Targets of different lengths as numpy: an object array of rows in both.
    theirs = udop[0](words, boxes=boxes, text_target=targets, padding=True, return_tensors="np")
    ours = udop[1](words, boxes=boxes, text_target=targets, padding=True, return_tensors="np")
    assert ours["labels"].dtype == theirs["labels"].dtype == object
    assert [r.tolist() for r in ours["labels"]] == [r.tolist() for r in theirs["labels"]]
    assert ours["bbox"].tolist() == theirs["bbox"].tolist()
    # Other target arguments are ignored, as transformers' UDOP ignores them.
    both(udop, words[0], boxes=boxes[0], text_target=targets[0], max_target_length=2, src_lang="x")
    both(udop, words[1], boxes=boxes[1], max_target_length=2)
    with pytest.raises(ValueError, match="either `text` or `text_target`"):
        udop[0](boxes=boxes[0])
    with pytest.raises(ValueError, match="either `text` or `text_target`"):
        udop[1](boxes=boxes[0])


def test_box_methods(udop, pages):
    hf, ft = udop
    words = pages[:3]
    boxes = [boxes_for(w, i) for i, w in enumerate(words)]
    labels = [[k % 3 for k in range(len(w))] for w in words]
    for name, args, kwargs in [
        ("call_boxes", (words,), {"boxes": boxes, "word_labels": labels, "padding": True}),
        ("call_boxes", ("a question?", words[0]), {"boxes": boxes[0], "return_tensors": "pt"}),
        ("encode_plus_boxes", (words[1],), {"boxes": boxes[1], "word_labels": labels[1]}),
        (
            "encode_plus_boxes",
            ("what is it", words[2]),
            {
                "boxes": boxes[2],
                "truncation": "only_second",
                "max_length": 30,
                "stride": 4,
                "return_overflowing_tokens": True,
            },
        ),
        (
            "batch_encode_plus_boxes",
            (words,),
            {
                "boxes": boxes,
                "word_labels": labels,
                "truncation": True,
                "max_length": 25,
                "stride": 3,
                "return_overflowing_tokens": True,
                "padding": "max_length",
                "padding_side": "left",
            },
        ),
    ]:
        assert_same(getattr(hf, name)(*args, **kwargs), getattr(ft, name)(*args, **kwargs))
    for kwargs in ({}, {"truncation": True, "max_length": 9}, {"padding": "max_length", "max_length": 300}):
        assert ft.encode_boxes(words[0], boxes=boxes[0], **kwargs) == hf.encode_boxes(
            words[0], boxes=boxes[0], **kwargs
        )


def test_encode_and_tokenize_take_plain_text(udop):
    hf, ft = udop
    for text, pair in [("Hello, wörld! 日本語 🙂", None), ("one two", "three"), ("", None)]:
        for kwargs in (
            {"truncation": True, "max_length": 5},
            {"padding": "max_length", "max_length": 40},
            {},
        ):
            assert ft.encode(text, pair, **kwargs) == hf.encode(text, pair, **kwargs)
        # After a call without padding: transformers' UDOP `tokenize` keeps the last call's padding.
        assert ft.tokenize(text) == hf.tokenize(text)


def test_no_cls_box_and_bad_boxes(udop):
    hf, ft = udop
    assert not hasattr(hf, "cls_token_box") and not hasattr(ft, "cls_token_box")
    for name in ("sep_token_box", "pad_token_box", "pad_token_label", "only_label_first_subword"):
        assert getattr(ft, name) == getattr(hf, name), name
    words = ["a", "b", "c"]
    for boxes in ([[1, 2, 3, 4]] * 2, [[1, 2, 3, 4]] * 4):
        for tok in (hf, ft):
            with pytest.raises(ValueError, match="as many words as there are bounding boxes"):
                tok(words, boxes=boxes)
    # Boxes of three numbers: transformers returns them beside its four-number sep box; ferrotok names them.
    with pytest.raises(ValueError, match="boxes: every box must be a list of 4 numbers"):
        ft(words, boxes=[[1, 2, 3]] * 3)
    with pytest.raises(ValueError, match="boxes"):
        ft(words, boxes=np.zeros((3, 2, 2), dtype=np.int64))
