"""Model ids through the Hugging Face cache, offline: a hub-style cache folder built here is resolved by
ferrotok and by transformers alike (the same files, revisions, environment variables and errors)."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import ferrotok
import pytest
import transformers
from ferrotok.hub import TOKENIZER_FILE_PATTERNS
from parity import assert_same_encoding

MODEL_ID = "ferrotok-tests/tiny-bert"
TEXTS = ["Hello world!", "naïve café 東京", ""]


def _add_snapshot(
    cache: Path,
    model_id: str,
    source: Path,
    ref: str,
    commit: str,
    config_extra: str = "",
    subfolder: str = "",
) -> Path:
    """Lay out `source`'s files as huggingface_hub does: content-addressed blobs, symlinked from
    snapshots/<commit>/, and refs/<ref> naming the commit."""
    repo = cache / ("models--" + model_id.replace("/", "--"))
    snapshot = repo / "snapshots" / commit
    snapshot.mkdir(parents=True, exist_ok=True)
    (repo / "blobs").mkdir(exist_ok=True)
    for name in (
        "config.json",
        "tokenizer.json",
        "tokenizer_config.json",
        "special_tokens_map.json",
        "vocab.txt",
    ):
        data = (source / name).read_bytes()
        if name == "tokenizer_config.json" and config_extra:
            data = data.rstrip().rstrip(b"}") + config_extra.encode() + b"}"
        blob = repo / "blobs" / hashlib.sha256(data).hexdigest()
        blob.write_bytes(data)
        link = snapshot / subfolder / name
        link.parent.mkdir(exist_ok=True)
        if link.exists() or link.is_symlink():
            link.unlink()
        link.symlink_to(os.path.relpath(blob, link.parent))
    (repo / "refs").mkdir(exist_ok=True)
    (repo / "refs" / ref).write_text(commit)
    return snapshot


COMMIT_MAIN = "a" * 40
COMMIT_V2 = "b" * 40


@pytest.fixture(scope="module")
def cache(tmp_path_factory, model_dir):
    root = tmp_path_factory.mktemp("hf-cache")
    _add_snapshot(root, MODEL_ID, model_dir, "main", COMMIT_MAIN)
    _add_snapshot(root, MODEL_ID, model_dir, "v2", COMMIT_V2, ', "model_max_length": 77')
    return root


def load_both(model_id: str, **kwargs):
    return ferrotok.AutoTokenizer.from_pretrained(
        model_id, **kwargs
    ), transformers.AutoTokenizer.from_pretrained(model_id, **kwargs)


@pytest.mark.parametrize("revision", [None, "main", "v2", COMMIT_V2])
def test_cached_model_id_matches_transformers(cache, revision):
    ours, theirs = load_both(MODEL_ID, cache_dir=cache, local_files_only=True, revision=revision)
    assert ours.name_or_path == theirs.name_or_path == MODEL_ID
    assert ours.model_max_length == theirs.model_max_length == (77 if revision in ("v2", COMMIT_V2) else 512)
    assert_same_encoding(ours(TEXTS, padding=True), theirs(TEXTS, padding=True))
    assert ours.special_tokens_map == theirs.special_tokens_map


def test_missing_id_revision_or_subfolder_is_an_oserror_naming_it(cache):
    for model_id, kwargs in (
        ("ferrotok-tests/absent", {}),
        (MODEL_ID, {"revision": "no-such-branch"}),
    ):
        for load in (ferrotok.AutoTokenizer.from_pretrained, transformers.AutoTokenizer.from_pretrained):
            with pytest.raises(OSError) as info:
                load(model_id, cache_dir=cache, local_files_only=True, **kwargs)
            if load is ferrotok.AutoTokenizer.from_pretrained:
                assert repr(model_id) in str(info.value)


def test_invalid_id_is_an_oserror(tmp_path):
    with pytest.raises(OSError, match="not a valid model identifier"):
        ferrotok.AutoTokenizer.from_pretrained("not/a/valid//id", cache_dir=tmp_path, local_files_only=True)


def _run_offline(env_extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Load the id in a fresh interpreter (huggingface_hub reads HF_HOME / HF_HUB_CACHE at import)."""
    code = (
        "import ferrotok, transformers\n"
        f"a = ferrotok.AutoTokenizer.from_pretrained({MODEL_ID!r})\n"
        f"b = transformers.AutoTokenizer.from_pretrained({MODEL_ID!r})\n"
        "assert a('Hello world!')['input_ids'] == b('Hello world!')['input_ids'], 'ids differ'\n"
        "print(a('Hello world!')['input_ids'])\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("HF_")}
    env.update(HF_HUB_OFFLINE="1", **env_extra)
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)


def test_hf_home_and_hf_hub_cache_are_honoured(cache, tmp_path):
    home = tmp_path / "home"
    shutil.copytree(cache, home / "hub", symlinks=True)
    for env in ({"HF_HOME": str(home)}, {"HF_HUB_CACHE": str(cache)}):
        done = _run_offline(env)
        assert done.returncode == 0, done.stderr[-2000:]
        assert done.stdout.strip() == "[101, 7592, 2088, 999, 102]"
    done = _run_offline({"HF_HUB_CACHE": str(tmp_path / "empty")})
    assert done.returncode != 0 and "OSError" in done.stderr and MODEL_ID in done.stderr


def test_only_tokenizer_files_are_fetched():
    assert "tokenizer.json" in TOKENIZER_FILE_PATTERNS and "chat_template.jinja" in TOKENIZER_FILE_PATTERNS
    assert not any(p.endswith((".safetensors", ".bin")) for p in TOKENIZER_FILE_PATTERNS)


def test_local_folders_still_win(model_dir):
    ours = ferrotok.AutoTokenizer.from_pretrained(model_dir, local_files_only=True, revision="main")
    assert ours("hello")["input_ids"] == [101, 7592, 102]


def test_subfolder(tmp_path, model_dir):
    _add_snapshot(tmp_path, "ferrotok-tests/nested", model_dir, "main", COMMIT_MAIN, subfolder="tok")
    kwargs = {"cache_dir": tmp_path, "local_files_only": True, "subfolder": "tok"}
    ours, theirs = load_both("ferrotok-tests/nested", **kwargs)
    assert_same_encoding(ours(TEXTS, padding=True), theirs(TEXTS, padding=True))
    with pytest.raises(OSError, match="ferrotok-tests/nested"):
        ferrotok.AutoTokenizer.from_pretrained(
            "ferrotok-tests/nested", cache_dir=tmp_path, local_files_only=True
        )


def test_raw_tokenizer_from_pretrained_resolves_model_ids(cache, tmp_path):
    # tokenizers' `Tokenizer.from_pretrained(id, revision=...)`, offline, from the same cache.
    code = (
        "import ferrotok, tokenizers, sys\n"
        f"ours = ferrotok.Tokenizer.from_pretrained({MODEL_ID!r}, revision='v2')\n"
        "theirs = tokenizers.Tokenizer.from_file(sys.argv[1])\n"
        "texts = ['Hello world!', 'naïve café 東京']\n"
        "assert [e.ids for e in ours.encode_batch(texts)] == [e.ids for e in theirs.encode_batch(texts)]\n"
        "try:\n"
        "    ferrotok.Tokenizer.from_pretrained('ferrotok-tests/absent')\n"
        "except OSError as e:\n"
        "    print('OSError', e)\n"
    )
    snapshot = cache / ("models--" + MODEL_ID.replace("/", "--")) / "snapshots" / COMMIT_V2
    env = {k: v for k, v in os.environ.items() if not k.startswith("HF_")}
    env.update(HF_HUB_OFFLINE="1", HF_HUB_CACHE=str(cache))
    done = subprocess.run(
        [sys.executable, "-c", code, str(snapshot / "tokenizer.json")],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("OSError") and "ferrotok-tests/absent" in done.stdout


def test_class_from_pretrained_resolves_model_ids(cache, model_dir):
    # transformers' class method (`BertTokenizerFast.from_pretrained(id, revision=...)`) on ferrotok's class.
    ours = type(ferrotok.AutoTokenizer.from_pretrained(model_dir)).from_pretrained(
        MODEL_ID, cache_dir=cache, local_files_only=True, revision="v2"
    )
    theirs = transformers.AutoTokenizer.from_pretrained(
        MODEL_ID, cache_dir=cache, local_files_only=True, revision="v2"
    )
    assert ours.name_or_path == theirs.name_or_path == MODEL_ID
    assert ours.model_max_length == theirs.model_max_length == 77
    assert_same_encoding(ours(TEXTS, padding=True), theirs(TEXTS, padding=True))
    with pytest.raises(OSError, match="ferrotok-tests/absent"):
        type(ours).from_pretrained("ferrotok-tests/absent", cache_dir=cache, local_files_only=True)


@pytest.mark.parametrize("name", ["BertTokenizerFast", "DistilBertTokenizer", "PreTrainedTokenizerFast"])
def test_named_class_from_pretrained_resolves_model_ids(cache, name):
    # `ferrotok.BertTokenizerFast.from_pretrained(id, revision=...)`, as transformers' class resolves it.
    kwargs = {"cache_dir": cache, "local_files_only": True, "revision": "v2"}
    ours = getattr(ferrotok, name).from_pretrained(MODEL_ID, **kwargs)
    theirs = getattr(transformers, name).from_pretrained(MODEL_ID, **kwargs)
    assert type(ours).__name__ == type(theirs).__name__
    assert ours.name_or_path == theirs.name_or_path == MODEL_ID
    assert ours.model_max_length == theirs.model_max_length == 77
    assert ours.model_input_names == theirs.model_input_names
    assert_same_encoding(ours(TEXTS, padding=True), theirs(TEXTS, padding=True))
    with pytest.raises(OSError, match="ferrotok-tests/absent"):
        getattr(ferrotok, name).from_pretrained(
            "ferrotok-tests/absent", cache_dir=cache, local_files_only=True
        )
