"""Model ids downloaded from a hub: a small Hub served on localhost (tests/hub_server.py), reached through
`HF_ENDPOINT`, with a public and a private repository. ferrotok and transformers load the same ids in one
fresh interpreter (huggingface_hub reads HF_ENDPOINT at import) and must agree: the files downloaded, the
token sent as `Authorization: Bearer`, the revision honoured, and the exception class of a 401 / 404,
whose message names the id."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hub_server import FakeHub, Repo

pytest.importorskip("huggingface_hub")
pytest.importorskip("transformers")

PUBLIC, PRIVATE, ABSENT = "ferrotok-tests/public", "ferrotok-tests/private", "ferrotok-tests/absent"
TOKEN = "hf_x"
COMMIT_MAIN, COMMIT_V2 = "c" * 40, "d" * 40
FILES = ("config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt")

# Each case: (id, from_pretrained keyword arguments). Every load has its own cache folder, so that no
# case is answered from files an earlier one downloaded.
CASES = {
    "public": (PUBLIC, {}),
    "private_with_token": (PRIVATE, {"token": TOKEN}),
    "private_revision_v2": (PRIVATE, {"token": TOKEN, "revision": "v2"}),
    "private_revision_commit": (PRIVATE, {"token": TOKEN, "revision": COMMIT_V2}),
    "private_without_token": (PRIVATE, {}),
    "private_wrong_token": (PRIVATE, {"token": "hf_wrong"}),
    "absent": (ABSENT, {"token": TOKEN}),
    "unknown_revision": (PRIVATE, {"token": TOKEN, "revision": "no-such-branch"}),
}

SCRIPT = """
import json, sys
import ferrotok, transformers
cases, cache = json.loads(sys.argv[1]), sys.argv[2]
out = {}
for name, (model_id, kwargs) in cases.items():
    for lib, load in (("ferrotok", ferrotok.AutoTokenizer.from_pretrained),
                      ("transformers", transformers.AutoTokenizer.from_pretrained)):
        try:
            tok = load(model_id, cache_dir=f"{cache}/{name}-{lib}", **kwargs)
            out[f"{name}/{lib}"] = {"ids": tok("Hello world!")["input_ids"],
                                    "model_max_length": tok.model_max_length,
                                    "name_or_path": tok.name_or_path}
        except Exception as e:
            out[f"{name}/{lib}"] = {"error": [c.__name__ for c in type(e).__mro__], "message": str(e)}
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def hub(model_dir: Path):
    files = {name: (model_dir / name).read_bytes() for name in FILES}
    v2 = dict(files)
    config = json.loads(files["tokenizer_config.json"])
    config["model_max_length"] = 77
    v2["tokenizer_config.json"] = json.dumps(config).encode()
    # Weights the tokenizer loaders must not fetch.
    files["model.safetensors"] = v2["model.safetensors"] = b"\0" * 64
    server = FakeHub()
    server.repos[PUBLIC] = Repo(revisions={"main": COMMIT_MAIN}, files={COMMIT_MAIN: files})
    server.repos[PRIVATE] = Repo(
        revisions={"main": COMMIT_MAIN, "v2": COMMIT_V2},
        files={COMMIT_MAIN: files, COMMIT_V2: v2},
        token=TOKEN,
    )
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def results(hub: FakeHub, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    home = tmp_path_factory.mktemp("hf-home")
    # No HF_* / TRANSFORMERS_* setting of the caller (other test modules set TRANSFORMERS_OFFLINE=1 when
    # imported, which would turn the downloads off), and no proxy between the client and localhost.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("HF_", "TRANSFORMERS_", "HUGGINGFACE_")) and "proxy" not in k.lower()
    }
    env.update(
        HF_ENDPOINT=hub.endpoint,
        HF_HOME=str(home),
        HF_HUB_DISABLE_TELEMETRY="1",
        HF_HUB_DISABLE_XET="1",
        HF_HUB_ETAG_TIMEOUT="30",
        HF_HUB_DOWNLOAD_TIMEOUT="30",
        NO_PROXY="127.0.0.1,localhost",
    )
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, json.dumps(CASES), str(home / "caches")],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    ("case", "max_length"),
    [
        ("public", 512),
        ("private_with_token", 512),
        ("private_revision_v2", 77),
        ("private_revision_commit", 77),
    ],
)
def test_downloads_match_transformers(results: dict, case: str, max_length: int) -> None:
    ours, theirs = results[f"{case}/ferrotok"], results[f"{case}/transformers"]
    assert "error" not in ours, ours
    assert "error" not in theirs, theirs
    assert ours["ids"] == theirs["ids"] == [101, 7592, 2088, 999, 102]
    assert ours["model_max_length"] == theirs["model_max_length"] == max_length
    assert ours["name_or_path"] == theirs["name_or_path"] == CASES[case][0]


@pytest.mark.parametrize(
    "case", ["private_without_token", "private_wrong_token", "absent", "unknown_revision"]
)
def test_errors_have_transformers_class_and_name_the_id(results: dict, case: str) -> None:
    ours, theirs = results[f"{case}/ferrotok"], results[f"{case}/transformers"]
    assert "error" in ours and "error" in theirs, (ours, theirs)
    # The same class (transformers raises a plain OSError here; huggingface_hub's error is its cause).
    assert ours["error"][0] == theirs["error"][0] == "OSError"
    assert repr(CASES[case][0]) in ours["message"]
    if case == "unknown_revision":
        assert "no-such-branch" in ours["message"]


def test_token_is_sent_and_only_tokenizer_files_are_fetched(hub: FakeHub, results: dict) -> None:
    private = [(m, p, a) for m, p, a in hub.requests if PRIVATE in p]
    assert private, "no request reached the private repository"
    with_token = [a for _, p, a in private if a == f"Bearer {TOKEN}"]
    assert with_token, f"no request carried the token: {private[:5]}"
    downloaded = {p.rsplit("/", 1)[-1] for m, p, _ in hub.requests if m == "GET" and "/resolve/" in p}
    assert "tokenizer.json" in downloaded and "vocab.txt" in downloaded
    assert "model.safetensors" not in downloaded
