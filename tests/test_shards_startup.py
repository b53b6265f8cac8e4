"""`ferrotok encode --format bin` start-up: the tokenizer is loaded on a thread of its own while the main thread
imports and checks the run, and the tokenizer it gives is the one `AutoTokenizer.from_pretrained` gives; a folder
that fails to load fails the run as before; a finished command-line run ends without the interpreter's
finalization, everything written, while a failed one exits as before."""

from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import subprocess
import sys
import threading

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import ferrotok
from conftest import FIXTURES, bert_model_dir
from ferrotok import _core, _early_load, _shard_inputs, cli, shards
from ferrotok.cli import CliError, _load_tokenizer, main

GPT2 = str(FIXTURES / "gpt2")
TEXTS = ["Hello world! naïve café <|endoftext|> 東京 🙂", "  [CLS] spaces   ", ""]


@pytest.mark.parametrize("folder", [GPT2, str(FIXTURES / "bert-uncased"), "minilm"])
def test_a_load_on_a_thread_gives_from_pretrained_s_tokenizer(folder):
    folder = str(bert_model_dir()) if folder == "minilm" else folder
    loading = shards._Loading(folder)
    early = _load_tokenizer(folder, loading.result)
    plain = ferrotok.AutoTokenizer.from_pretrained(folder)
    assert early.backend_tokenizer.to_str(False) == plain.backend_tokenizer.to_str(False)
    assert early.special_tokens_map == plain.special_tokens_map
    assert early.init_kwargs == plain.init_kwargs
    assert early(TEXTS).data == plain(TEXTS).data
    assert early.split_special_tokens is plain.split_special_tokens is False


def test_the_run_loads_once_and_not_on_the_main_thread(tmp_path, monkeypatch):
    calls: list[tuple[str, str, bool]] = []
    real = _core.load_folder

    def spy(directory, overrides):
        calls.append((directory, overrides, threading.current_thread() is threading.main_thread()))
        return real(directory, overrides)

    monkeypatch.setattr(_core, "load_folder", spy)
    source = tmp_path / "in.txt"
    source.write_text("\n".join(TEXTS) + "\n", encoding="utf-8")
    out = tmp_path / "o.bin"
    assert main(["encode", "--format", "bin", "--tokenizer", GPT2, "-q", str(source), "-o", str(out)]) == 0
    assert calls == [(GPT2, "{}", False)]
    plain = ferrotok.AutoTokenizer.from_pretrained(GPT2)
    expected = [i for t in TEXTS for i in [*plain(t, add_special_tokens=False)["input_ids"], 50256]]
    assert list(memoryview(out.read_bytes()).cast("H")) == expected


def test_the_run_imports_what_it_needs_while_the_tokenizer_loads(tmp_path, monkeypatch):
    """The load waits until the main thread has imported the tokenizer class, the pool and tqdm: were those
    imported after the load, the run would fail here (the wait times out) instead of hanging."""
    imported = threading.Event()
    real_load, real_imports = _core.load_folder, shards._import_while_loading

    def load(directory, overrides):
        assert imported.wait(timeout=120), "the main thread did not import while the tokenizer loaded"
        return real_load(directory, overrides)

    def imports(args):
        real_imports(args)
        imported.set()

    monkeypatch.setattr(_core, "load_folder", load)
    monkeypatch.setattr(shards, "_import_while_loading", imports)
    monkeypatch.setattr(_shard_inputs, "BLOCK_BYTES", 64)  # several blocks, so two workers are used
    source = tmp_path / "in.txt"
    source.write_text("\n".join(TEXTS * 20) + "\n", encoding="utf-8")
    out = tmp_path / "o.bin"
    args = ["encode", "--format", "bin", "--tokenizer", GPT2, str(source), "-o", str(out), "--workers", "2"]
    assert main(args) == 0
    assert {"ferrotok.auto", "ferrotok._threads", "tqdm"} <= set(sys.modules)
    plain = ferrotok.AutoTokenizer.from_pretrained(GPT2)
    expected = [i for t in TEXTS * 20 for i in [*plain(t, add_special_tokens=False)["input_ids"], 50256]]
    assert list(memoryview(out.read_bytes()).cast("H")) == expected


def broken_folder(tmp_path):
    folder = tmp_path / "broken"
    shutil.copytree(GPT2, folder)
    (folder / "merges.txt").write_text("#version: 0.2\nĠ zzzz-not-a-token\n", encoding="utf-8")
    return folder


def test_a_folder_that_fails_to_load_fails_as_from_pretrained_fails(tmp_path, capsys):
    folder = broken_folder(tmp_path)
    with pytest.raises((OSError, ValueError)) as direct:
        ferrotok.AutoTokenizer.from_pretrained(str(folder))
    with pytest.raises(type(direct.value), match="zzzz-not-a-token"):
        shards._Loading(str(folder)).result()
    with pytest.raises(CliError, match="cannot load a tokenizer") as failed:
        _load_tokenizer(str(folder), shards._Loading(str(folder)).result)
    assert str(direct.value) in str(failed.value)
    source = tmp_path / "in.txt"
    source.write_text("text\n", encoding="utf-8")
    out_folder = tmp_path / "out"
    out_folder.mkdir()
    out = out_folder / "o.bin"
    code = main(["encode", "--format", "bin", "--tokenizer", str(folder), "-q", str(source), "-o", str(out)])
    assert code == 2
    err = capsys.readouterr().err
    assert "cannot load a tokenizer" in err and "zzzz-not-a-token" in err
    assert list(out_folder.iterdir()) == []


def test_an_early_usage_error_waits_for_the_load_and_leaves_nothing(tmp_path, capsys):
    source = tmp_path / "in.txt"
    source.write_text("text\n", encoding="utf-8")
    missing = tmp_path / "no-such-folder" / "o.bin"
    before = {t.name for t in threading.enumerate()}
    code = main(["encode", "--format", "bin", "--tokenizer", GPT2, "-q", str(source), "-o", str(missing)])
    assert code == 2
    assert "does not exist" in capsys.readouterr().err
    for thread in threading.enumerate():
        if thread.name == "ferrotok-load" and thread.name not in before:
            thread.join(timeout=60)
            assert not thread.is_alive()


def test_setting_split_special_tokens_to_its_value_changes_nothing_and_toggling_works():
    tok = ferrotok.AutoTokenizer.from_pretrained(GPT2)
    eos = "<|endoftext|>"
    assert tok(eos)["input_ids"] == [50256]
    tok.split_special_tokens = False
    assert tok._tokenizer.encode_special_tokens is False
    assert tok(eos)["input_ids"] == [50256]
    tok.split_special_tokens = True
    assert tok._tokenizer.encode_special_tokens is True
    assert len(tok(eos)["input_ids"]) > 1
    tok.split_special_tokens = False
    assert tok(eos)["input_ids"] == [50256]


def test_a_legacy_folder_serializes_as_its_files_say(tmp_path):
    """The model's text is written from vocab.json and merges.txt only when asked for."""
    tok = ferrotok.AutoTokenizer.from_pretrained(GPT2)
    model = json.loads(tok.backend_tokenizer.to_str(False))["model"]
    vocab = json.loads((FIXTURES / "gpt2" / "vocab.json").read_text(encoding="utf-8"))
    lines = (FIXTURES / "gpt2" / "merges.txt").read_text(encoding="utf-8").splitlines()
    assert model["vocab"] == vocab
    assert model["merges"] == [line for line in lines[1:] if line.strip()]


# `python -m ferrotok` in a fresh process, with an exit hook that says whether the interpreter's finalization ran.
RUN_MAIN = """
import atexit, runpy, sys
atexit.register(lambda: print("finalization ran", file=sys.stderr))
runpy.run_module("ferrotok", run_name="__main__")
"""


def command(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    run = [sys.executable, "-c", RUN_MAIN, "encode", "--format", "bin", "--tokenizer", GPT2, *args]
    return subprocess.run(run, capture_output=True, timeout=300, env=env)


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_finished_run_exits_at_once_with_every_file_written(tmp_path, workers):
    source = tmp_path / "in.txt"
    source.write_text("\n".join(TEXTS * 40) + "\n", encoding="utf-8")
    out = tmp_path / "out" / "o.bin"
    out.parent.mkdir()
    done = command(str(source), "-o", str(out), "--shard-tokens", "100", "--workers", workers)
    err = done.stderr.decode()
    assert done.returncode == 0, err
    assert "finalization ran" not in err  # os._exit: no finalization...
    assert "tokens of 120 documents" in err  # ...but the last message was flushed
    meta = json.loads((tmp_path / "out" / "o.bin.json").read_text(encoding="utf-8"))
    names = [shard["file"] for shard in meta["shards"]]
    assert sorted(p.name for p in out.parent.iterdir()) == sorted([*names, "o.bin.json"])
    data = b"".join((out.parent / name).read_bytes() for name in names)
    plain = ferrotok.AutoTokenizer.from_pretrained(GPT2)
    expected = [i for t in TEXTS * 40 for i in [*plain(t, add_special_tokens=False)["input_ids"], 50256]]
    assert list(memoryview(data).cast("H")) == expected
    assert meta["tokens"] == len(expected) and len(names) == -(-len(expected) // 100)


def test_a_failed_run_exits_with_status_2_through_the_usual_exit(tmp_path):
    missing = tmp_path / "no-such-input.txt"
    done = command("-q", str(missing), "-o", str(tmp_path / "o.bin"))
    err = done.stderr.decode()
    assert done.returncode == 2
    assert str(missing) in err and "finalization ran" in err
    source = tmp_path / "in.txt"
    source.write_text("text\n", encoding="utf-8")
    out = tmp_path / "out" / "o.bin"
    out.parent.mkdir()
    done = command("-q", str(source), "-o", str(out), "--separator", "no-such-token")
    err = done.stderr.decode()
    assert done.returncode == 2
    assert "no-such-token" in err and GPT2 in err and "finalization ran" in err
    assert list(out.parent.iterdir()) == []


def test_the_help_is_argparse_s_at_the_terminal_s_width_without_shutil(monkeypatch):
    for columns in ("57", "133"):
        monkeypatch.setenv("COLUMNS", columns)
        ours = cli._Parser(prog="p", description="words " * 40)
        stock = argparse.ArgumentParser(prog="p", description="words " * 40)
        for parser in (ours, stock):
            parser.add_argument("--option", help="help text " * 20)
        assert ours.format_help() == stock.format_help()
        assert max(map(len, ours.format_help().splitlines())) <= int(columns) - 2
    code = "import sys; from ferrotok import cli; cli.build_parser().format_help(); print('shutil' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=120, check=True)
    assert done.stdout.decode().split() == ["False"]


def test_startup_over_resumes_a_paused_collector_once(monkeypatch):
    monkeypatch.setattr(cli, "GC_PAUSED", False)
    cli.startup_over()  # not paused: nothing to do
    assert gc.isenabled() and gc.get_freeze_count() == 0
    monkeypatch.setattr(cli, "GC_PAUSED", True)
    gc.disable()
    try:
        cli.startup_over()
        assert gc.isenabled() and not cli.GC_PAUSED
        assert gc.get_freeze_count() > 0  # what start-up allocated is out of the collector's way
    finally:
        gc.unfreeze()
        gc.enable()


def test_the_command_line_s_folder_is_read_in_its_plain_spellings():
    argv = ["encode", "in.txt", "--format", "bin", "--tokenizer", "a", "-o", "x", "--tokenizer=b"]
    assert _early_load.option(argv, "--tokenizer") == "b"  # the last one, as argparse takes it
    assert _early_load.option(argv, "--format") == "bin"
    assert _early_load.option(["--format=bin"], "--format") == "bin"
    assert _early_load.option(["in.txt", "--tokenizer"], "--tokenizer") is None
    assert _early_load.option(["--tokenizers", "a"], "--tokenizer") is None


@pytest.mark.parametrize(
    "argv",
    [
        ["encode", "in.txt", "--tokenizer", GPT2, "-o", "o.npy"],  # not --format bin
        ["train", "in.txt", "--format", "bin", "--tokenizer", GPT2],
        ["encode", "in.txt", "--format", "bin", "--tokenizer", GPT2 + "-missing"],
        [],
    ],
)
def test_only_a_bin_run_of_an_existing_folder_starts_early(argv, monkeypatch):
    monkeypatch.setattr(_early_load, "_EARLY", None)
    _early_load.start_early(argv)
    assert _early_load._EARLY is None


def test_a_run_takes_the_early_load_of_its_folder_once(tmp_path, monkeypatch):
    plain = ferrotok.AutoTokenizer.from_pretrained(GPT2)
    expected = [i for t in TEXTS for i in [*plain(t, add_special_tokens=False)["input_ids"], 50256]]
    calls: list[tuple[str, bool]] = []
    real = _core.load_folder

    def spy(directory, overrides):
        calls.append((directory, threading.current_thread() is threading.main_thread()))
        return real(directory, overrides)

    monkeypatch.setattr(_core, "load_folder", spy)
    monkeypatch.setattr(_early_load, "_EARLY", None)
    source = tmp_path / "in.txt"
    source.write_text("\n".join(TEXTS) + "\n", encoding="utf-8")
    out = tmp_path / "o.bin"
    argv = ["encode", "--format", "bin", "--tokenizer", GPT2, "-q", str(source), "-o", str(out)]
    _early_load.start_early(argv)
    assert main(argv) == 0
    assert calls == [(GPT2, False)] and _early_load._EARLY is None
    assert list(memoryview(out.read_bytes()).cast("H")) == expected
    # An early load of another folder is not taken: the run loads its own.
    bert = str(FIXTURES / "bert-uncased")
    _early_load.start_early(["encode", "--format", "bin", "--tokenizer", bert])
    assert main(argv) == 0
    assert calls[0] == (GPT2, False) and sorted(calls[1:]) == sorted([(bert, False), (GPT2, False)])
    assert list(memoryview(out.read_bytes()).cast("H")) == expected


def test_the_early_load_starts_before_typing_and_pathlib_are_imported():
    code = "import sys, ferrotok._early_load; print(sorted({'typing', 'pathlib'} & set(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=120, check=True)
    assert done.stdout.decode().split() == ["[]"]


# A whole `python -m ferrotok` run in a fresh process that reports, instead of exiting at once, which of the
# modules a text run has no use for it imported.
RUN_AND_LIST = """
import runpy, sys
from ferrotok import _shard_inputs, cli
cli._exit_now = lambda code: None
_shard_inputs.BLOCK_BYTES = 64  # several blocks, so that both workers are used
try:
    runpy.run_module("ferrotok", run_name="__main__")
except SystemExit as e:
    assert e.code == 0, e.code
print(sorted({"concurrent.futures", "logging", "dataclasses", "inspect", "pathlib"} & set(sys.modules)))
"""


def test_a_text_run_with_worker_threads_imports_neither_concurrent_futures_nor_dataclasses(tmp_path):
    """Nor `pathlib`: the run names its files with `os.path` (without a progress bar: tqdm imports it)."""
    source = tmp_path / "in.txt"
    source.write_text("\n".join(TEXTS * 200) + "\n", encoding="utf-8")
    out = tmp_path / "o.bin"
    run = [sys.executable, "-c", RUN_AND_LIST, "encode", "--format", "bin", "--tokenizer", GPT2, "-q"]
    run += [str(source), "-o", str(out), "--workers", "2"]
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    done = subprocess.run(run, capture_output=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.decode().split("\n")[-2] == "[]"
    plain = ferrotok.AutoTokenizer.from_pretrained(GPT2)
    expected = [i for t in TEXTS * 200 for i in [*plain(t, add_special_tokens=False)["input_ids"], 50256]]
    assert list(memoryview(out.read_bytes()).cast("H")) == expected


# What the `ferrotok` command's script does (pip writes it from pyproject's [project.scripts]).
CONSOLE_SCRIPT = """
import atexit, sys
from ferrotok.__main__ import main
atexit.register(lambda: print("finalization ran", file=sys.stderr))
sys.argv[0] = "ferrotok"
sys.exit(main())
"""

# The command's modules already imported when the load starts.
PROBE = """
import sys
from ferrotok import _early_load
real = _early_load.Loading.__init__
def spy(self, directory):
    print(sorted({"ferrotok.cli", "argparse", "typing"} & set(sys.modules)), flush=True)
    real(self, directory)
_early_load.Loading.__init__ = spy
sys.argv = ["ferrotok", "encode", "--format", "bin", "--tokenizer", sys.argv[1]]
from ferrotok.__main__ import main
sys.exit(main())
"""


def test_the_ferrotok_command_starts_the_load_early_as_python_m_does(tmp_path):
    import tomllib

    pyproject = tomllib.loads((FIXTURES.parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["scripts"]["ferrotok"] == "ferrotok.__main__:main"
    source = tmp_path / "in.txt"
    source.write_text("\n".join(TEXTS * 40) + "\n", encoding="utf-8")
    out = tmp_path / "o.bin"
    run = [sys.executable, "-c", CONSOLE_SCRIPT, "encode", "--format", "bin", "--tokenizer", GPT2]
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    done = subprocess.run([*run, str(source), "-o", str(out)], capture_output=True, timeout=300, env=env)
    err = done.stderr.decode()
    assert done.returncode == 0, err
    assert "tokens of 120 documents" in err and "finalization ran" not in err
    plain = ferrotok.AutoTokenizer.from_pretrained(GPT2)
    expected = [i for t in TEXTS * 40 for i in [*plain(t, add_special_tokens=False)["input_ids"], 50256]]
    assert list(memoryview(out.read_bytes()).cast("H")) == expected
    # The load starts before the command's modules are imported (here the command line is a usage error).
    done = subprocess.run([sys.executable, "-c", PROBE, GPT2], capture_output=True, timeout=300, env=env)
    assert done.returncode == 2
    assert done.stdout.decode().split("\n")[0] == "[]"
