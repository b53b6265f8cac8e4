"""ferrotok's tokenizer as a drop-in for transformers' own: transformers.pipeline and DataCollatorWithPadding
given a ferrotok tokenizer object must produce exactly what they produce with transformers' tokenizer."""

from __future__ import annotations

import os

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import torch
import transformers
from ferrotok.pipelines import default_model_dir
from test_pipelines import load_test_tokenizer, make_classifier

MODEL = str(default_model_dir())
TEXTS = [
    "I've been waiting for a HuggingFace course my whole life.",
    "I hate this so much!",
    "naïve café — déjà vu 東京 🙂",
    "short",
]


@pytest.fixture(scope="module")
def tokenizers():
    hf = transformers.AutoTokenizer.from_pretrained(MODEL, local_files_only=True)
    return hf, load_test_tokenizer(MODEL)


@pytest.fixture(scope="module")
def classifier(tmp_path_factory):
    return str(make_classifier(tmp_path_factory.mktemp("dropin") / "clf", "single_label_classification", 3))


def hf_pipeline(task, model, tokenizer, **kwargs):
    return transformers.pipeline(task, model=model, tokenizer=tokenizer, device="cpu", **kwargs)


@pytest.mark.parametrize("batch_size", [1, 3])
def test_feature_extraction_pipeline(tokenizers, batch_size):
    hf, ferro = tokenizers
    # batch_size > 1 runs transformers' own collate, which pads with pad_token_id on padding_side.
    ours = hf_pipeline("feature-extraction", MODEL, ferro, batch_size=batch_size)(TEXTS)
    reference = hf_pipeline("feature-extraction", MODEL, hf, batch_size=batch_size)(TEXTS)
    assert len(ours) == len(reference)
    for a, b in zip(ours, reference, strict=True):
        a, b = np.asarray(a), np.asarray(b)
        assert a.shape == b.shape
        np.testing.assert_allclose(a, b, atol=1e-6)


def test_feature_extraction_truncation_and_tensors(tokenizers):
    hf, ferro = tokenizers
    long_text = "word " * 1000
    kwargs = {"truncation": True, "return_tensors": True}
    ours = hf_pipeline("feature-extraction", MODEL, ferro)(long_text, **kwargs)
    reference = hf_pipeline("feature-extraction", MODEL, hf)(long_text, **kwargs)
    assert ours.shape == reference.shape == (1, 512, 384)
    torch.testing.assert_close(ours, reference)


def test_text_classification_pipeline(tokenizers, classifier):
    ferro = load_test_tokenizer(classifier)
    hf = transformers.AutoTokenizer.from_pretrained(classifier, local_files_only=True)
    ours, reference = (
        hf_pipeline("text-classification", classifier, ferro),
        hf_pipeline("text-classification", classifier, hf),
    )
    _same(ours(TEXTS), reference(TEXTS))
    _same(ours(TEXTS, top_k=None, batch_size=2), reference(TEXTS, top_k=None, batch_size=2))
    pair = {"text": TEXTS[0], "text_pair": TEXTS[1]}
    _same(ours(pair), reference(pair))
    pairs = [pair, {"text": TEXTS[2], "text_pair": TEXTS[3]}]
    _same(ours(pairs, batch_size=2), reference(pairs, batch_size=2))


def _same(ours, reference):
    if isinstance(reference, dict):
        assert ours["label"] == reference["label"]
        assert ours["score"] == pytest.approx(reference["score"], abs=1e-6)
        return
    assert isinstance(ours, list) and len(ours) == len(reference)
    for a, b in zip(ours, reference, strict=True):
        _same(a, b)


def test_pipeline_save_pretrained_round_trip(tokenizers, classifier, tmp_path):
    """Pipeline.save_pretrained calls the tokenizer's save_pretrained; transformers must load the result."""
    ferro = load_test_tokenizer(classifier)
    hf_pipeline("text-classification", classifier, ferro).save_pretrained(str(tmp_path))
    reloaded = transformers.pipeline("text-classification", model=str(tmp_path), device="cpu")
    reference = hf_pipeline("text-classification", classifier, None)
    _same(reloaded(TEXTS, top_k=None), reference(TEXTS, top_k=None))
    hf = transformers.AutoTokenizer.from_pretrained(str(tmp_path), local_files_only=True)
    assert hf(TEXTS)["input_ids"] == ferro(TEXTS)["input_ids"]


def test_transformers_collator_in_dataloader(tokenizers):
    hf, ferro = tokenizers

    def batches(tokenizer):
        features = [dict(tokenizer(t), label=i) for i, t in enumerate(TEXTS * 2)]
        loader = torch.utils.data.DataLoader(
            features,
            batch_size=3,
            num_workers=2,
            multiprocessing_context="fork",
            timeout=120,
            collate_fn=transformers.DataCollatorWithPadding(tokenizer=tokenizer),
        )
        return [dict(b) for b in loader]

    ours, reference = batches(ferro), batches(hf)
    assert len(ours) == len(reference) == 3
    for a, b in zip(ours, reference, strict=True):
        assert sorted(a) == sorted(b)
        for key in b:
            assert a[key].dtype == b[key].dtype and torch.equal(a[key], b[key]), key


def test_token_classification_pipeline(tmp_path):
    torch.manual_seed(0)
    config = transformers.BertConfig(
        vocab_size=30522,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        num_labels=3,
        initializer_range=0.5,
    )
    transformers.BertForTokenClassification(config).save_pretrained(tmp_path)
    for name in ("tokenizer.json", "vocab.txt", "tokenizer_config.json", "special_tokens_map.json"):
        (tmp_path / name).write_bytes((default_model_dir() / name).read_bytes())
    hf = transformers.AutoTokenizer.from_pretrained(str(tmp_path), local_files_only=True)
    ferro = load_test_tokenizer(tmp_path)
    text = "Hugging Face is in New York City"
    for strategy in ("none", "first"):
        ours = hf_pipeline("token-classification", str(tmp_path), ferro, aggregation_strategy=strategy)(text)
        reference = hf_pipeline("token-classification", str(tmp_path), hf, aggregation_strategy=strategy)(
            text
        )
        assert [(d.get("word"), d["start"], d["end"]) for d in ours] == [
            (d.get("word"), d["start"], d["end"]) for d in reference
        ]
        assert [float(d["score"]) for d in ours] == pytest.approx([float(d["score"]) for d in reference])
