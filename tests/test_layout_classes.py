"""LayoutLMv2, LayoutLMv3, LayoutXLM and UDOP: words with bounding boxes, compared with transformers column by column.

Each class's folder is built as in test_class_coverage.py (BERT's vocab.txt, GPT-2's vocab.json + merges.txt,
a SentencePiece model trained at test time), and both libraries encode words from the multilingual
`documents` fixture with random boxes, adversarial words, questions, labels, truncation with stride and
overflow, padding on either side and tensors; every output column, the alignment and decode must match.
"""

from __future__ import annotations

import random
import re

import numpy as np
import pytest
import spm_folders
from conftest import multilingual_lines
from test_class_coverage import build_folder

transformers = pytest.importorskip("transformers")
pytest.importorskip("sentencepiece")
from ferrotok import AutoTokenizer  # noqa: E402

CLASSES = ["LayoutLMv2Tokenizer", "LayoutLMv3Tokenizer", "LayoutXLMTokenizer", "UdopTokenizer"]
ADVERSARIAL = [
    "",
    " ",
    "  ",
    "\t",
    "🙂",
    "👩‍👩‍👧",
    "a" * 300,
    "Straße",
    "don't",
    "日本語テキスト",
    "[SEP]",
    "<s>",
    "x\u0301",
]


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory):
    return spm_folders.train_all(tmp_path_factory.mktemp("layout-models"))


@pytest.fixture(scope="module", params=CLASSES)
def pair(request, models, tmp_path_factory):
    directory, _ = build_folder(tmp_path_factory.mktemp("layout"), models, request.param)
    return (
        transformers.AutoTokenizer.from_pretrained(str(directory)),
        AutoTokenizer.from_pretrained(directory),
    )


@pytest.fixture(scope="module")
def pages(documents) -> list[list[str]]:
    return page_words(documents)


def page_words(documents: dict[str, str]) -> list[list[str]]:
    """Word lists: the multilingual sample's lines, three at a time, then 150 words of each document (each
    cut to 40 characters: a compact tokenizer.json has words of megabytes)."""
    lines = [line.split() for _, line in multilingual_lines()]
    grouped = [[w for line in lines[i : i + 3] for w in line] for i in range(0, min(len(lines), 18), 3)]
    return grouped + [[w[:40] for w in text.split()[:150]] for text in documents.values()]


def boxes_for(words: list[str], seed: int) -> list[list[int]]:
    rng = random.Random(seed)
    out = []
    for _ in words:
        x, y = rng.randrange(0, 900), rng.randrange(0, 900)
        out.append([x, y, x + rng.randrange(1, 100), y + rng.randrange(1, 100)])
    return out


def plain(value):
    if hasattr(value, "tolist"):
        return value.tolist()
    return value


def assert_same(theirs, ours, rows: int | None = None) -> None:
    assert list(ours.keys()) == list(theirs.keys())
    for key in theirs:
        expected, got = plain(theirs[key]), plain(ours[key])
        if key == "offset_mapping":
            expected = (
                [[tuple(o) for o in r] for r in expected]
                if expected and isinstance(expected[0], list)
                else [tuple(o) for o in expected]
            )
            got = (
                [[tuple(o) for o in r] for r in got]
                if got and isinstance(got[0], list)
                else [tuple(o) for o in got]
            )
        assert got == expected, key
        if hasattr(theirs[key], "shape"):
            assert tuple(ours[key].shape) == tuple(theirs[key].shape), key
    n = len(theirs["input_ids"]) if rows is None else rows
    if theirs.encodings is not None and isinstance(plain(theirs["input_ids"])[0], list):
        for i in range(n):
            assert ours.word_ids(i) == theirs.word_ids(i)
            assert ours.sequence_ids(i) == theirs.sequence_ids(i)


def both(pair, *args, **kwargs):
    """Both libraries' results, the same; or the same exception class from both."""
    hf, ft = pair
    try:
        theirs = hf(*args, **kwargs)
    except (IndexError, ValueError) as error:  # transformers' own failure (labels read by question words)
        with pytest.raises(type(error)):
            ft(*args, **kwargs)
        return None, None
    ours = ft(*args, **kwargs)
    assert_same(theirs, ours)
    return theirs, ours


def test_documents_words_boxes_labels(pair, pages):
    for i, words in enumerate(pages):
        boxes = boxes_for(words, i)
        labels = [random.Random(i).randrange(0, 7) for _ in words]
        both(pair, words, boxes=boxes)
        both(pair, words, boxes=boxes, word_labels=labels, return_offsets_mapping=bool(i % 2))


def test_batch_with_padding_sides_and_tensors(pair, pages):
    boxes = [boxes_for(w, i) for i, w in enumerate(pages)]
    labels = [[j % 5 for j in range(len(w))] for w in pages]
    both(pair, pages, boxes=boxes, word_labels=labels)
    for side in ("right", "left"):
        both(pair, pages, boxes=boxes, word_labels=labels, padding=True, padding_side=side)
        both(
            pair, pages, boxes=boxes, padding="max_length", max_length=200, truncation=True, padding_side=side
        )
    for tensors in ("np", "pt"):
        both(pair, pages, boxes=boxes, word_labels=labels, padding=True, return_tensors=tensors)
        both(pair, pages[0], boxes=boxes[0], return_tensors=tensors)
    both(
        pair,
        pages,
        boxes=boxes,
        padding=True,
        pad_to_multiple_of=64,
        return_special_tokens_mask=True,
        return_length=True,
    )


def test_adversarial_words(pair):
    words = ADVERSARIAL
    boxes = boxes_for(words, 7)
    labels = list(range(len(words)))
    both(pair, words, boxes=boxes, word_labels=labels)
    both(
        pair,
        words,
        boxes=boxes,
        word_labels=labels,
        return_offsets_mapping=True,
        return_special_tokens_mask=True,
    )
    both(pair, [], boxes=[])
    both(pair, [""], boxes=[[1, 2, 3, 4]], word_labels=[3])
    hf, ft = pair
    ours = ft(words, boxes=boxes)
    assert ft.decode(ours["input_ids"]) == hf.decode(ours["input_ids"])
    assert ft.decode(ours["input_ids"], skip_special_tokens=True) == hf.decode(
        ours["input_ids"], skip_special_tokens=True
    )


def test_questions_with_words(pair, pages):
    questions = ["What is the total amount?", "  who   signed it ", "日本語の質問"]
    words = pages[: len(questions)]
    boxes = [boxes_for(w, i) for i, w in enumerate(words)]
    both(pair, questions[0], words[0], boxes=boxes[0])
    both(pair, questions, words, boxes=boxes, padding=True, return_tensors="np")
    both(
        pair,
        questions,
        words,
        boxes=boxes,
        truncation="only_second",
        max_length=48,
        stride=8,
        return_overflowing_tokens=True,
        padding=True,
    )
    labels = [[k % 3 for k in range(len(w))] for w in words]
    both(pair, questions, words, boxes=boxes, word_labels=labels, truncation="only_second", max_length=64)


@pytest.mark.parametrize("side", ["right", "left"])
def test_truncation_with_stride_and_overflow(pair, pages, side):
    words = pages[1]
    boxes = boxes_for(words, 3)
    labels = [k % 4 for k in range(len(words))]
    hf, ft = pair
    hf.truncation_side = ft.truncation_side = side
    try:
        for stride in (0, 5):
            both(
                pair,
                words,
                boxes=boxes,
                word_labels=labels,
                truncation=True,
                max_length=32,
                stride=stride,
                return_overflowing_tokens=True,
            )
            both(
                pair,
                [words, pages[2]],
                boxes=[boxes, boxes_for(pages[2], 4)],
                truncation=True,
                max_length=40,
                stride=stride,
                return_overflowing_tokens=True,
                padding="max_length",
                return_tensors="np",
            )
        both(pair, words, boxes=boxes, word_labels=labels, truncation=True, max_length=20)
    finally:
        hf.truncation_side = ft.truncation_side = "right"


def test_label_settings_and_boxes(pair, pages, tmp_path):
    words = pages[0][:30]
    boxes = boxes_for(words, 1)
    labels = list(range(len(words)))
    _, ft = pair
    directory = tmp_path / "saved"
    ft.save_pretrained(directory)
    import json

    config_path = directory / "tokenizer_config.json"
    config = json.loads(config_path.read_text(encoding="utf-8"))
    config.update(
        only_label_first_subword=False,
        pad_token_label=-1,
        cls_token_box=[1, 1, 2, 2],
        sep_token_box=[3, 3, 4, 4],
        pad_token_box=[5, 5, 6, 6],
    )
    config_path.write_text(json.dumps(config), encoding="utf-8")
    hf2 = transformers.AutoTokenizer.from_pretrained(str(directory))
    ft2 = AutoTokenizer.from_pretrained(directory)
    for name in (
        "cls_token_box",
        "sep_token_box",
        "pad_token_box",
        "pad_token_label",
        "only_label_first_subword",
    ):
        assert hasattr(ft2, name) == hasattr(hf2, name), name  # UDOP has no cls box
        assert getattr(ft2, name, None) == getattr(hf2, name, None), name
    both((hf2, ft2), words, boxes=boxes, word_labels=labels, padding="max_length", max_length=80)
    both(
        (hf2, ft2), "a question", words, boxes=boxes, word_labels=labels, padding="max_length", max_length=90
    )


def test_save_round_trip(pair, pages, tmp_path):
    hf, ft = pair
    ft.save_pretrained(tmp_path / "ours")
    words = pages[3]
    boxes = boxes_for(words, 9)
    for loaded in (
        (
            transformers.AutoTokenizer.from_pretrained(str(tmp_path / "ours")),
            AutoTokenizer.from_pretrained(tmp_path / "ours"),
        ),
        (hf, AutoTokenizer.from_pretrained(tmp_path / "ours")),
    ):
        both(loaded, words, boxes=boxes, word_labels=[1] * len(words))


def test_encode_plus_and_batch_encode_plus(pair, pages):
    hf, ft = pair
    words = pages[:2]
    boxes = [boxes_for(w, i) for i, w in enumerate(words)]
    # UDOP's names for them (transformers' UdopTokenizer has no encode_plus / batch_encode_plus).
    suffix = "_boxes" if hasattr(hf, "encode_plus_boxes") else ""
    single, batch = f"encode_plus{suffix}", f"batch_encode_plus{suffix}"
    assert_same(getattr(hf, single)(words[0], boxes=boxes[0]), getattr(ft, single)(words[0], boxes=boxes[0]))
    assert_same(
        getattr(hf, batch)(words, boxes=boxes, padding=True),
        getattr(ft, batch)(words, boxes=boxes, padding=True),
    )
    pairs = [("question one", words[0]), ("two", words[1])]
    assert_same(
        getattr(hf, batch)(pairs, is_pair=True, boxes=boxes),
        getattr(ft, batch)(pairs, is_pair=True, boxes=boxes),
    )


def test_tokenize_plain_text(pair, markup):
    for hf, ft in (pair, markup):
        for text in ("Hello, wörld! 日本語 🙂", "  two  spaces ", ""):
            assert ft.tokenize(text) == hf.tokenize(text)
            assert ft.tokenize(text, add_special_tokens=True) == hf.tokenize(text, add_special_tokens=True)


def test_pad_fills_boxes_and_labels(pair, pages):
    hf, ft = pair
    words = pages[:3]
    boxes = [boxes_for(w, i) for i, w in enumerate(words)]
    labels = [[k % 3 for k in range(len(w))] for w in words]
    features = hf(words, boxes=boxes, word_labels=labels)
    rows = [{k: features[k][i] for k in features} for i in range(len(words))]
    longest = max(len(r["input_ids"]) for r in rows) + 7
    for side in ("right", "left"):
        for options in (
            {"padding": True},
            {"padding": "max_length", "max_length": longest, "return_tensors": "np"},
        ):
            assert_same(
                hf.pad(rows, padding_side=side, **options), ft.pad(rows, padding_side=side, **options)
            )


def test_bad_input_raises_transformers_errors(pair):
    hf, ft = pair
    cases = [
        ((["a", "b"],), {"boxes": [[1, 2, 3, 4]]}, "as many words as there are bounding boxes"),
        (([["a"], ["b"]],), {"boxes": [[[1, 2, 3, 4]]]}, "words and boxes for an equal amount"),
        ((["a"],), {}, "corresponding bounding boxes"),
        (("a b",), {"boxes": [[1, 2, 3, 4]]}, "Words must (be )?of type"),
        (("q", "words"), {"boxes": [[1, 2, 3, 4]]}, "[Ww]ords must (be )?of type"),
        ((5, ["a"]), {"boxes": [[1, 2, 3, 4]]}, "text input must of type"),
        ((["q", "r"], [["a"]]), {"boxes": [[[1, 2, 3, 4]]]}, "bounding boxes|batch length"),
    ]
    for args, kwargs, message in cases:
        with pytest.raises(ValueError, match=message):
            hf(*args, **kwargs)
        with pytest.raises(ValueError, match=message):
            ft(*args, **kwargs)
    # Boxes of different shapes: transformers puts them in its lists as given; ferrotok names the argument.
    with pytest.raises(ValueError, match=re.escape("boxes")):
        ft(["a", "b"], boxes=[[1, 2, 3, 4], [1, 2]])


def test_ragged_boxes_as_numpy(pair, pages):
    words = pages[0][:10]
    boxes = np.asarray(boxes_for(words, 2))
    hf, ft = pair
    theirs, ours = hf(words, boxes=boxes.tolist()), ft(words, boxes=boxes)
    assert ours["bbox"] == plain(theirs["bbox"])


# --- MarkupLM: nodes with xpaths --------------------------------------------------------------------------
TAGS = {"html": 0, "body": 1, "div": 2, "span": 3, "li": 4, "p": 5}


@pytest.fixture(scope="module")
def markup(tmp_path_factory):
    import json
    import shutil

    from conftest import FIXTURES

    directory = tmp_path_factory.mktemp("markup")
    for name in ("vocab.json", "merges.txt"):
        shutil.copy(FIXTURES / "gpt2" / name, directory / name)
    config = {"tokenizer_class": "MarkupLMTokenizer", "tags_dict": TAGS, "max_depth": 10, "max_width": 30}
    (directory / "tokenizer_config.json").write_text(json.dumps(config), encoding="utf-8")
    return transformers.AutoTokenizer.from_pretrained(str(directory)), AutoTokenizer.from_pretrained(
        directory
    )


def xpaths_for(nodes: list[str], seed: int) -> list[str]:
    rng = random.Random(seed)
    names = [*TAGS, "table", "td"]
    out = []
    for _ in nodes:
        depth = rng.randrange(1, 14)
        units = [
            f"{rng.choice(names)}[{rng.randrange(0, 40)}]" if rng.random() < 0.5 else rng.choice(names)
            for _ in range(depth)
        ]
        out.append("/" + "/".join(units))
    return out


def test_markup_nodes_xpaths_labels(markup, pages):
    for i, nodes in enumerate(pages):
        xpaths = xpaths_for(nodes, i)
        both(markup, nodes, xpaths=xpaths)
        both(markup, nodes, xpaths=xpaths, node_labels=[k % 3 for k in range(len(nodes))])
    nodes = ADVERSARIAL
    both(
        markup,
        nodes,
        xpaths=xpaths_for(nodes, 5),
        node_labels=list(range(len(nodes))),
        return_offsets_mapping=True,
    )
    both(markup, nodes, xpaths=["", "/", "//html//", *xpaths_for(nodes, 6)[3:]])
    both(markup, nodes)  # placeholder xpaths
    both(markup, "nodes given as one string")
    both(markup, [], xpaths=[])


def test_markup_questions_batches_padding_truncation(markup, pages):
    nodes = pages[:3]
    xpaths = [xpaths_for(n, i) for i, n in enumerate(nodes)]
    labels = [[k % 4 for k in range(len(n))] for n in nodes]
    both(markup, "What is it?", nodes[0], xpaths=xpaths[0])
    both(markup, ["q one", "q two", "q three"], nodes, xpaths=xpaths, padding=True, return_tensors="np")
    both(
        markup,
        nodes,
        xpaths=xpaths,
        node_labels=labels,
        padding="max_length",
        max_length=300,
        truncation=True,
        padding_side="left",
        return_tensors="pt",
    )
    both(
        markup,
        nodes,
        xpaths=xpaths,
        node_labels=labels,
        truncation=True,
        max_length=40,
        stride=6,
        return_overflowing_tokens=True,
        padding=True,
    )
    both(
        markup,
        ["q"] * 3,
        nodes,
        xpaths=xpaths,
        truncation="only_second",
        max_length=50,
        stride=4,
        return_overflowing_tokens=True,
    )
    hf, ft = markup
    assert_same(hf.batch_encode_plus(nodes, xpaths=xpaths), ft.batch_encode_plus(nodes, xpaths=xpaths))
    for name in (
        "tags_dict",
        "max_depth",
        "max_width",
        "pad_width",
        "unk_tag_id",
        "pad_tag_id",
        "pad_xpath_tags_seq",
        "pad_xpath_subs_seq",
        "pad_token_label",
        "only_label_first_subword",
    ):
        assert getattr(ft, name) == getattr(hf, name), name


def test_markup_get_xpath_seq(markup):
    hf, ft = markup
    for xpath in ["/html/body/div[3]/span", "", "//x//y[99]", "/" + "/".join(["div[2]"] * 20)]:
        assert ft.get_xpath_seq(xpath) == hf.get_xpath_seq(xpath)


def test_markup_pad(markup, pages):
    hf, ft = markup
    nodes = pages[:3]
    features = hf(
        nodes,
        xpaths=[xpaths_for(n, i) for i, n in enumerate(nodes)],
        node_labels=[[1] * len(n) for n in nodes],
    )
    rows = [{k: features[k][i] for k in features} for i in range(len(nodes))]
    for side in ("right", "left"):
        assert_same(hf.pad(rows, padding_side=side), ft.pad(rows, padding_side=side))


def test_markup_save_round_trip_and_bad_input(markup, pages, tmp_path):
    hf, ft = markup
    ft.save_pretrained(tmp_path / "ours")
    nodes = pages[2]
    loaded = (
        transformers.AutoTokenizer.from_pretrained(str(tmp_path / "ours")),
        AutoTokenizer.from_pretrained(tmp_path / "ours"),
    )
    both(loaded, nodes, xpaths=xpaths_for(nodes, 2), node_labels=[1] * len(nodes))
    for args, kwargs, error in [
        ((["a", "b"],), {"xpaths": ["/html"]}, AssertionError),
        (([["a"], ["b"]],), {"xpaths": [["/html"]]}, AssertionError),
        ((5,), {"xpaths": ["/html"]}, ValueError),
        (("q", 5), {"xpaths": ["/html"]}, ValueError),
    ]:
        with pytest.raises(error):
            hf(*args, **kwargs)
        with pytest.raises(error):
            ft(*args, **kwargs)


def test_float_and_tuple_boxes(pair, pages):
    """Boxes that are not lists of ints take numpy's own conversion: the values still match."""
    words = pages[0][:12]
    as_floats = [[v + 0.5 for v in box] for box in boxes_for(words, 11)]
    as_tuples = [tuple(box) for box in boxes_for(words, 12)]
    both(pair, words, boxes=as_floats, word_labels=[2] * len(words))
    hf, ft = pair
    expected = [list(b) for b in plain(hf(words, boxes=as_tuples)["bbox"])]
    assert ft(words, boxes=as_tuples)["bbox"] == expected
