"""`split_special_tokens` (transformers) and `encode_special_tokens` (tokenizers): special tokens written in
the text are tokenized as ordinary text instead of being matched as added tokens. Compared with transformers
5.24 and tokenizers 0.23 at test time, every field, on the fused fast paths and the generic chain.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import spm_folders
from conftest import FIXTURES, multilingual_lines
from parity import assert_same_encoding, compare_call

transformers = pytest.importorskip("transformers")
tokenizers = pytest.importorskip("tokenizers")
import ferrotok  # noqa: E402


def texts_with(specials: list[str]) -> list[str]:
    """Lines of the multilingual sample with the tokenizer's special tokens written into them, glued to
    words, between spaces, doubled and alone."""
    lines = [line for _, line in multilingual_lines()[:12]]
    out = []
    for i, line in enumerate(lines):
        a, b = specials[i % len(specials)], specials[(i + 1) % len(specials)]
        words = line.split(" ")
        middle = len(words) // 2
        out.append(f"{a}{' '.join(words[:middle])} {b} {' '.join(words[middle:])}{a}{b}")
    out += [f" {s} " for s in specials] + ["".join(specials), specials[0] * 3]
    return out


@pytest.fixture(scope="module")
def sp_models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return spm_folders.train_all(tmp_path_factory.mktemp("spm"))


def bert_with_added(root: Path, model_dir: Path) -> Path:
    """The BERT folder plus a non-special added token (still matched) and a special one with lstrip."""
    folder = root / "bert-added"
    shutil.copytree(model_dir, folder)
    tok = transformers.AutoTokenizer.from_pretrained(str(folder))
    tok.add_tokens(["hello-world"])
    tok.add_special_tokens({"additional_special_tokens": [transformers.AddedToken("<ent>", lstrip=True)]})
    tok.save_pretrained(str(folder))
    return folder


@pytest.fixture(scope="module", params=["bert", "gpt2", "llama"])
def folder(request, tmp_path_factory, model_dir, sp_models) -> Path:
    root = tmp_path_factory.mktemp(request.param)
    if request.param == "bert":
        return bert_with_added(root, model_dir)
    if request.param == "gpt2":
        return FIXTURES / "gpt2"
    return spm_folders.folder(root, sp_models["bpe_fallback"], "LlamaTokenizer", "llama")


@pytest.fixture(scope="module")
def pair(folder):
    return ferrotok.AutoTokenizer.from_pretrained(folder), transformers.AutoTokenizer.from_pretrained(
        str(folder)
    )


def specials_of(tok) -> list[str]:
    return [*tok.all_special_tokens, *(t for t in tok.get_added_vocab() if t not in tok.all_special_tokens)]


CALLS = [
    {},
    {"return_offsets_mapping": True, "return_special_tokens_mask": True},
    {"padding": True, "return_tensors": "np"},
    {"truncation": True, "max_length": 9, "return_overflowing_tokens": True, "stride": 2},
    {"add_special_tokens": False},
]


@pytest.mark.parametrize("split", [True, False])
@pytest.mark.parametrize("kwargs", CALLS, ids=lambda k: "-".join(k) or "plain")
def test_call_argument(pair, fast_paths, split, kwargs):
    ours, theirs = pair
    if kwargs.get("padding") and theirs.pad_token is None:
        ours.pad_token = theirs.pad_token = theirs.eos_token or theirs.unk_token
    texts = texts_with(specials_of(theirs))
    compare_call(ours, theirs, texts, split_special_tokens=split, **kwargs)
    compare_call(ours, theirs, texts[0], split_special_tokens=split, **kwargs)
    # Pairs of short texts: overflowing pairs multiply their windows.
    firsts, seconds = [texts[0][:60], texts[-1], texts[-3]], [texts[-2], texts[1][:80], texts[2][:30]]
    compare_call(ours, theirs, firsts, seconds, split_special_tokens=split, **kwargs)


def test_split_changes_the_ids(pair):
    ours, theirs = pair
    special = next(t for t in theirs.all_special_tokens if len(t) > 1)
    text = f"a {special} b"
    assert ours(text, split_special_tokens=True)["input_ids"] != ours(text)["input_ids"]
    assert ours.tokenize(text, split_special_tokens=True) == theirs.tokenize(text, split_special_tokens=True)
    assert ours.encode(text, split_special_tokens=True) == theirs.encode(text, split_special_tokens=True)
    assert ours.encode(text) == theirs.encode(text)


def test_attribute_and_config(folder, tmp_path, fast_paths):
    target = tmp_path / "split"
    shutil.copytree(folder, target)
    config_path = target / "tokenizer_config.json"
    config = json.loads(config_path.read_text(encoding="utf-8")) if config_path.exists() else {}
    config["split_special_tokens"] = True
    config_path.write_text(json.dumps(config), encoding="utf-8")
    ours = ferrotok.AutoTokenizer.from_pretrained(target)
    theirs = transformers.AutoTokenizer.from_pretrained(str(target))
    assert ours.split_special_tokens is theirs.split_special_tokens is True
    assert ours.backend_tokenizer.encode_special_tokens == theirs.backend_tokenizer.encode_special_tokens
    texts = texts_with(specials_of(theirs))
    for text in (texts[0], texts):
        compare_call(ours, theirs, text)
        compare_call(ours, theirs, text, split_special_tokens=False)
        assert ours.encode(text) == theirs.encode(text)
    # The attribute is the default of every call; setting it back restores matching.
    ours.split_special_tokens = theirs.split_special_tokens = False
    compare_call(ours, theirs, texts)
    assert ours.encode(texts[0]) == theirs.encode(texts[0])
    # Saved back (transformers writes the init entry with its current value).
    ours.split_special_tokens = theirs.split_special_tokens = True
    ours.save_pretrained(tmp_path / "ours")
    theirs.save_pretrained(str(tmp_path / "theirs"))
    saved = [
        json.loads((tmp_path / side / "tokenizer_config.json").read_text(encoding="utf-8"))[
            "split_special_tokens"
        ]
        for side in ("ours", "theirs")
    ]
    assert saved == [True, True]
    assert ferrotok.AutoTokenizer.from_pretrained(tmp_path / "ours").split_special_tokens is True


def test_from_pretrained_keyword(folder):
    ours = ferrotok.AutoTokenizer.from_pretrained(folder, split_special_tokens=True)
    theirs = transformers.AutoTokenizer.from_pretrained(str(folder), split_special_tokens=True)
    assert ours.split_special_tokens is theirs.split_special_tokens is True
    compare_call(ours, theirs, texts_with(specials_of(theirs)))


def raw_pair(folder: Path):
    path = folder / "tokenizer.json"
    if not path.exists():
        transformers.AutoTokenizer.from_pretrained(str(folder)).save_pretrained(str(folder / "saved"))
        path = folder / "saved" / "tokenizer.json"
    return ferrotok.Tokenizer.from_file(path), tokenizers.Tokenizer.from_file(str(path))


def encoding_fields(e) -> tuple:
    return (e.ids, e.tokens, e.offsets, e.type_ids, e.attention_mask, e.special_tokens_mask, e.word_ids)


def test_tokenizers_encode_special_tokens(folder, tmp_path, fast_paths):
    work = tmp_path / "raw"
    shutil.copytree(folder, work)
    ours, theirs = raw_pair(work)
    assert ours.encode_special_tokens is theirs.encode_special_tokens is False
    special = [t.content for t in theirs.get_added_tokens_decoder().values()]
    texts = texts_with(special)
    for value in (True, False, True):
        ours.encode_special_tokens = theirs.encode_special_tokens = value
        assert ours.encode_special_tokens is value
        for text in texts:
            assert encoding_fields(ours.encode(text)) == encoding_fields(theirs.encode(text)), (value, text)
        got = ours.encode_batch(list(zip(texts[:4], texts[4:8], strict=True)))
        expected = theirs.encode_batch(list(zip(texts[:4], texts[4:8], strict=True)))
        assert [encoding_fields(e) for e in got] == [encoding_fields(e) for e in expected]
    # Not serialized, as in tokenizers.
    assert "encode_special_tokens" not in ours.to_str()
    assert ferrotok.Tokenizer.from_str(ours.to_str()).encode_special_tokens is False


def test_backend_flag_does_not_leak_into_calls(pair):
    """transformers sets the backend's flag from `split_special_tokens` on every call: a flag set on the
    backend alone does not change what the tokenizer's calls give."""
    ours, theirs = pair
    text = texts_with(specials_of(theirs))[0]
    ours.backend_tokenizer.encode_special_tokens = True
    theirs.backend_tokenizer.encode_special_tokens = True
    try:
        assert_same_encoding(ours(text), theirs(text))
        assert ours.encode(text) == theirs.encode(text)
    finally:
        ours.split_special_tokens = theirs.split_special_tokens = False
