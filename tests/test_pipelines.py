"""ferrotok.pipeline against the references: sentence-transformers for embeddings, transformers.pipeline for
classification on small checkpoints created here (seeded, so every run builds the same weights)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import torch
import transformers
from ferrotok.pipelines import default_model_dir, pipeline

TEXTS = [
    "I've been waiting for a HuggingFace course my whole life.",
    "I hate this so much!",
    "ok",
    "The tokenizer splits text into word pieces, maps them to ids and adds the special tokens. " * 3,
    "Überraschung: naïve café, 東京 and emoji 🙂 are handled too.",
    "",
    "A medium length sentence that sits between the short and the long ones.",
]
TOKENIZER_FILES = ("tokenizer.json", "vocab.txt", "tokenizer_config.json", "special_tokens_map.json")


def load_test_tokenizer(directory: str | Path):
    """The tokenizer under test: ferrotok's; FERROTOK_TEST_TOKENIZER=hf swaps in transformers' (to check the
    tests themselves against the reference)."""
    if os.environ.get("FERROTOK_TEST_TOKENIZER") == "hf":
        return transformers.AutoTokenizer.from_pretrained(str(directory), local_files_only=True)
    from ferrotok.auto import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(directory))


def make_classifier(directory: Path, problem_type: str, num_labels: int) -> Path:
    """A tiny seeded BERT classifier using the MiniLM vocabulary, saved with the bundled tokenizer files."""
    torch.manual_seed(1234)
    labels = {i: f"LABEL_{chr(65 + i)}" for i in range(num_labels)}
    config = transformers.BertConfig(
        vocab_size=30522,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=128,
        initializer_range=0.5,  # large random weights, so scores differ clearly between texts and labels
        num_labels=num_labels,
        problem_type=problem_type,
        id2label=labels,
        label2id={v: k for k, v in labels.items()},
    )
    model = transformers.BertForSequenceClassification(config).eval()
    model.save_pretrained(directory)
    source = default_model_dir()
    for name in TOKENIZER_FILES:
        shutil.copy(source / name, directory / name)
    return directory


CLASSIFIER_KINDS = {
    "single_label_classification": 3,
    "multi_label_classification": 4,
    "regression": 1,
}


@pytest.fixture(scope="session")
def classifiers(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("classifiers")
    return {kind: make_classifier(root / kind, kind, n) for kind, n in CLASSIFIER_KINDS.items()}


@pytest.fixture(scope="session")
def minilm_tokenizer():
    return load_test_tokenizer(default_model_dir())


@pytest.fixture(scope="session")
def embedder(minilm_tokenizer):
    return pipeline("feature-extraction", tokenizer=minilm_tokenizer, device="cpu", batch_size=3)


def cosine_rows(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


def test_default_model_dir_is_the_packaged_minilm():
    path = default_model_dir()
    assert path.name == "model" and (path / "model.safetensors").is_file()


def test_embeddings_match_sentence_transformers(embedder):
    st = pytest.importorskip("sentence_transformers")
    reference = st.SentenceTransformer(str(default_model_dir()), device="cpu").encode(TEXTS)
    ours = embedder(TEXTS)
    assert ours.shape == reference.shape == (len(TEXTS), 384)
    assert ours.dtype == np.float32
    assert cosine_rows(ours, reference).min() >= 0.9999
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, rtol=1e-5)


def test_single_string_gives_one_vector(embedder):
    vec = embedder(TEXTS[0])
    assert vec.shape == (384,)
    np.testing.assert_allclose(vec, embedder(TEXTS)[0], atol=1e-5)


def test_cls_pooling_without_normalization(minilm_tokenizer):
    pipe = pipeline(
        "feature-extraction", tokenizer=minilm_tokenizer, device="cpu", pooling="cls", normalize=False
    )
    ours = pipe(TEXTS[:3])
    model = transformers.AutoModel.from_pretrained(str(default_model_dir()), local_files_only=True).eval()
    hf_tok = transformers.AutoTokenizer.from_pretrained(str(default_model_dir()), local_files_only=True)
    with torch.inference_mode():
        enc = hf_tok(TEXTS[:3], padding=True, truncation=True, max_length=256, return_tensors="pt")
        expected = model(**enc).last_hidden_state[:, 0].numpy()
    np.testing.assert_allclose(ours, expected, atol=1e-4)
    assert not np.allclose(np.linalg.norm(ours, axis=1), 1.0)


def test_bucketing_restores_order_and_matches_unbucketed(embedder):
    # Short and long texts alternate, so input order pads badly and sorting by length pays.
    texts = [("word " * (40 if i % 2 else 2)).strip() + f" {i}" for i in range(12)]
    assert embedder.batch_size == 3 and embedder.bucket
    bucketed = embedder(texts)
    stats = embedder.last_stats
    embedder.bucket = False
    try:
        plain = embedder(texts)
        plain_stats = embedder.last_stats
    finally:
        embedder.bucket = True
    np.testing.assert_allclose(bucketed, plain, atol=1e-5)
    one_by_one = np.stack([embedder(texts[i]) for i in (0, 1, 10, 11)])
    np.testing.assert_allclose(bucketed[[0, 1, 10, 11]], one_by_one, atol=1e-5)
    assert (stats.texts, stats.batches) == (12, 4)
    assert stats.padded_slots_unbucketed == plain_stats.padded_slots
    assert stats.padded_slots == stats.tokens  # six short then six long: every batch is uniform
    assert stats.pad_tokens_saved == plain_stats.pad_tokens > 0
    assert plain_stats.pad_tokens_saved == 0


def test_empty_input_list(embedder):
    assert embedder([]).shape == (0, 384)


def test_unknown_task_and_missing_folder(tmp_path):
    with pytest.raises(ValueError, match="unknown task"):
        pipeline("translation", model=default_model_dir())
    with pytest.raises(FileNotFoundError, match=r"config\.json"):
        pipeline("text-classification", model=tmp_path)
    with pytest.raises(ValueError, match="needs model"):
        pipeline("text-classification")


def hf_classifier(directory: Path):
    return transformers.pipeline("text-classification", model=str(directory), device="cpu")


def assert_same_results(ours, theirs):
    if isinstance(theirs, dict):
        assert ours["label"] == theirs["label"]
        assert ours["score"] == pytest.approx(theirs["score"], abs=1e-5)
        return
    assert isinstance(ours, list) and len(ours) == len(theirs)
    for a, b in zip(ours, theirs, strict=True):
        assert_same_results(a, b)


@pytest.mark.parametrize("kind", sorted(CLASSIFIER_KINDS))
def test_classification_matches_transformers_pipeline(classifiers, kind):
    directory = classifiers[kind]
    ours = pipeline(
        "text-classification", model=directory, tokenizer=load_test_tokenizer(directory), device="cpu"
    )
    theirs = hf_classifier(directory)
    texts = TEXTS[:5]
    assert_same_results(ours(texts), theirs(texts))
    assert_same_results(ours(texts[0]), theirs(texts[0]))
    assert_same_results(ours(texts, top_k=None), theirs(texts, top_k=None))
    assert_same_results(ours(texts[1], top_k=2), theirs(texts[1], top_k=2))
    pair = {"text": texts[0], "text_pair": texts[1]}
    assert_same_results(ours(pair), theirs(pair))


def test_classification_score_functions(classifiers):
    multi = pipeline("sentiment-analysis", model=classifiers["multi_label_classification"], device="cpu")
    scores = [d["score"] for d in multi(TEXTS[0], top_k=None)]
    assert all(0.0 < s < 1.0 for s in scores) and sum(scores) != pytest.approx(1.0)
    single = pipeline("text-classification", model=classifiers["single_label_classification"], device="cpu")
    probs = {d["label"]: d["score"] for d in single(TEXTS[0], top_k=None)}
    assert sum(probs.values()) == pytest.approx(1.0)
    logits = {d["label"]: d["score"] for d in single(TEXTS[0], top_k=None, function_to_apply="none")}
    exp = {k: np.exp(v) for k, v in logits.items()}
    for label, p in probs.items():
        assert p == pytest.approx(exp[label] / sum(exp.values()), abs=1e-6)


def test_classification_bucketed_equals_unbucketed(classifiers):
    directory = classifiers["single_label_classification"]
    texts = TEXTS * 3
    a = pipeline("text-classification", model=directory, device="cpu", batch_size=4)(texts, top_k=None)
    b = pipeline("text-classification", model=directory, device="cpu", batch_size=4, bucket=False)(
        texts, top_k=None
    )
    assert_same_results(a, b)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_cuda_embeddings_match_cpu(minilm_tokenizer, embedder):
    gpu = pipeline("feature-extraction", tokenizer=minilm_tokenizer)
    assert gpu.device.type == "cuda"
    assert cosine_rows(gpu(TEXTS), embedder(TEXTS)).min() >= 0.9999
