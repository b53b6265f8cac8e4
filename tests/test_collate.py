"""Dynamic padding in a DataLoader with worker processes: ferrotok's tokenizer (with our collator and with
transformers' DataCollatorWithPadding) must give the batches that transformers' tokenizer gives."""

from __future__ import annotations

import os
import pickle

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import torch
import transformers
from ferrotok.collate import DataCollatorWithPadding
from ferrotok.pipelines import default_model_dir
from test_pipelines import load_test_tokenizer

TEXTS = [
    "Dynamic padding pads each batch to its own longest row.",
    "short",
    "Tokenizers must give the same ids in every worker process, forked or spawned.",
    "naïve café — déjà vu",
    "",
    "a b c d e f g h i j k l m n o p",
    "The quick brown fox jumps over the lazy dog.",
    "one more",
    "and the last example, which is long enough to be the longest one in its batch for sure",
]


class TokenizingDataset(torch.utils.data.Dataset):
    """Tokenizes in __getitem__, so the tokenizer really runs inside the worker processes."""

    def __init__(self, tokenizer, labels):
        self.tokenizer = tokenizer
        self.labels = labels

    def __len__(self):
        return len(TEXTS)

    def __getitem__(self, i):
        item = dict(self.tokenizer(TEXTS[i], truncation=True, max_length=20))
        item["label"] = self.labels[i]
        return item


@pytest.fixture(scope="module")
def tokenizers():
    directory = default_model_dir()
    hf = transformers.AutoTokenizer.from_pretrained(str(directory), local_files_only=True)
    return hf, load_test_tokenizer(directory)


def run_loader(tokenizer, collator, labels, workers=2, context=None):
    loader = torch.utils.data.DataLoader(
        TokenizingDataset(tokenizer, labels),
        batch_size=4,
        num_workers=workers,
        collate_fn=collator,
        multiprocessing_context=context,
        timeout=120 if workers else 0,
    )
    return [dict(batch) for batch in loader]


def assert_same_batches(got, expected):
    assert len(got) == len(expected)
    for a, b in zip(got, expected, strict=True):
        assert sorted(a) == sorted(b)
        for key in b:
            assert torch.is_tensor(a[key]), key
            assert a[key].dtype == b[key].dtype, key
            assert torch.equal(a[key], b[key]), key


INT_LABELS = list(range(len(TEXTS)))
FLOAT_LABELS = [i / 4 for i in range(len(TEXTS))]
MULTI_LABELS = [[i % 2, (i + 1) % 2, 1] for i in range(len(TEXTS))]


@pytest.mark.parametrize("labels", [INT_LABELS, FLOAT_LABELS, MULTI_LABELS], ids=["int", "float", "multi"])
def test_forked_workers_give_reference_batches(tokenizers, labels):
    hf, ferro = tokenizers
    # Encode a big batch in the parent first: a thread pool created here must not hang the forked workers.
    ferro(TEXTS * 200, padding=True)
    expected = run_loader(hf, transformers.DataCollatorWithPadding(tokenizer=hf), labels, workers=0)
    widths = [b["input_ids"].shape[1] for b in expected]
    assert widths == [int(b["attention_mask"].sum(1).max()) for b in expected] and len(set(widths)) > 1
    ours = run_loader(ferro, DataCollatorWithPadding(tokenizer=ferro), labels, context="fork")
    assert_same_batches(ours, expected)
    theirs_with_ferro = run_loader(
        ferro,
        transformers.DataCollatorWithPadding(tokenizer=ferro),
        labels,
        context="fork",
    )
    assert_same_batches(theirs_with_ferro, expected)


@pytest.mark.slow  # each spawned worker re-imports torch and transformers (~10 s)
def test_spawned_workers_give_reference_batches(tokenizers):
    hf, ferro = tokenizers
    collator = DataCollatorWithPadding(tokenizer=ferro)
    assert pickle.loads(pickle.dumps(collator)).tokenizer.pad_token_id == ferro.pad_token_id
    expected = run_loader(hf, transformers.DataCollatorWithPadding(tokenizer=hf), INT_LABELS, workers=0)
    assert_same_batches(run_loader(ferro, collator, INT_LABELS, context="spawn"), expected)


def test_pad_to_multiple_and_numpy_output(tokenizers):
    hf, ferro = tokenizers
    features = [dict(ferro(t)) for t in TEXTS[:3]]
    batch = DataCollatorWithPadding(ferro, pad_to_multiple_of=8, return_tensors="np")(
        [{**f, "label_ids": i} for i, f in enumerate(features)]
    )
    reference = transformers.DataCollatorWithPadding(hf, pad_to_multiple_of=8, return_tensors="np")(
        [{**dict(hf(t)), "label_ids": i} for i, t in enumerate(TEXTS[:3])]
    )
    assert batch["input_ids"].shape[1] % 8 == 0
    for key in reference:
        np.testing.assert_array_equal(np.asarray(batch[key]), np.asarray(reference[key]))


def test_left_padding_follows_the_tokenizer(tokenizers):
    _, ferro = tokenizers
    features = [dict(ferro(t)) for t in ("a", "a b c")]
    side = ferro.padding_side
    ferro.padding_side = "left"
    try:
        batch = DataCollatorWithPadding(ferro)(features)
    finally:
        ferro.padding_side = side
    assert batch["attention_mask"].tolist() == [[0, 0, 1, 1, 1], [1, 1, 1, 1, 1]]
    assert batch["input_ids"][0, 0].item() == ferro.pad_token_id


def test_rejects_mixed_or_duplicate_labels(tokenizers):
    _, ferro = tokenizers
    row = dict(ferro("x"))
    collate = DataCollatorWithPadding(ferro)
    with pytest.raises(ValueError, match="several label fields"):
        collate([{**row, "label": 1, "labels": 1}])
    with pytest.raises(ValueError, match="example 1"):
        collate([{**row, "label": 1}, row])
    with pytest.raises(ValueError, match="empty"):
        collate([])
