"""Training (`ferrotok.training`, `ferrotok.trainers`): results compared with Hugging Face's trainers run at
test time on the committed fixtures, the three entry points, and bad input."""

from __future__ import annotations

import json
import os
import signal
import threading
from collections import Counter
from pathlib import Path

import ferrotok
import pytest
from ferrotok import _core, trainers
from tokenizers import Tokenizer as HfTokenizer
from tokenizers import decoders, models, normalizers, pre_tokenizers
from tokenizers import trainers as hf_trainers

ROOT = Path(__file__).parent.parent
FIXTURES = Path(__file__).parent / "fixtures"


def corpus(name: str) -> list[str]:
    path = (
        FIXTURES / "multilingual" / "sample.txt"
        if name == "multilingual"
        else ROOT / "benches" / "sample.txt"
    )
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.split("\t", 1)[-1] for line in lines]


CORPORA = ["multilingual", "bench"]


def hf_pipeline(kind: str) -> HfTokenizer:
    """An untrained Hugging Face tokenizer with the usual pipeline for each model kind."""
    if kind == "byte_level":
        t = HfTokenizer(models.BPE())
        t.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
        t.decoder = decoders.ByteLevel()
    elif kind == "bpe_eow":
        t = HfTokenizer(models.BPE(unk_token="<unk>", end_of_word_suffix="</w>"))
        t.normalizer = normalizers.NFKC()
        t.pre_tokenizer = pre_tokenizers.Whitespace()
        t.decoder = decoders.BPEDecoder(suffix="</w>")
    elif kind == "wordpiece":
        t = HfTokenizer(models.WordPiece(unk_token="[UNK]"))
        t.normalizer = normalizers.BertNormalizer(lowercase=True)
        t.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
        t.decoder = decoders.WordPiece()
    elif kind == "unigram":
        t = HfTokenizer(models.Unigram())
        t.pre_tokenizer = pre_tokenizers.Metaspace()
        t.decoder = decoders.Metaspace()
    elif kind == "wordlevel":
        t = HfTokenizer(models.WordLevel(unk_token="<unk>"))
        t.pre_tokenizer = pre_tokenizers.Whitespace()
    else:
        raise AssertionError(kind)
    return t


def both(kind: str, texts: list[str], hf_trainer, our_trainer) -> tuple[dict, dict]:
    """Train HF's and ferrotok's tokenizers from the same pipeline; their tokenizer.json documents."""
    theirs = hf_pipeline(kind)
    ours = ferrotok.Tokenizer.from_str(theirs.to_str())
    theirs.train_from_iterator(texts, trainer=hf_trainer)
    ours.train_from_iterator(texts, trainer=our_trainer)
    return json.loads(ours.to_str()), json.loads(theirs.to_str())


def core_pipeline(kind: str) -> _core.Tokenizer:
    """The pipeline of `hf_pipeline(kind)` around an empty BPE model: what the models this build cannot
    load yet (WordLevel, Unigram) are trained from, through `TrainingRun.train_model`."""
    doc = json.loads(hf_pipeline(kind).to_str())
    doc["model"] = {"type": "BPE", "vocab": {}, "merges": []}
    return _core.Tokenizer.from_str(json.dumps(doc))


def model_json(kind: str, texts: list[str], trainer: trainers.Trainer) -> dict:
    run = _core.TrainingRun(core_pipeline(kind), trainer.to_json())
    run.feed(texts, 0)
    return json.loads(run.train_model())


def tokens_per_byte(tok, texts: list[str]) -> float:
    n = sum(len(tok.encode(t).ids) for t in texts)
    return n / sum(len(t.encode("utf-8")) for t in texts)


def merges(doc: dict) -> list[tuple[str, str]]:
    return [tuple(m.split(" ", 1)) if isinstance(m, str) else tuple(m) for m in doc["model"]["merges"]]


@pytest.mark.parametrize("name", CORPORA)
def test_byte_level_bpe_has_hf_vocab_and_merges(name: str) -> None:
    texts = corpus(name)
    options = {
        "vocab_size": 3000,
        "special_tokens": ["<|endoftext|>"],
        "initial_alphabet": pre_tokenizers.ByteLevel.alphabet(),
        "show_progress": False,
    }
    ours, theirs = both(
        "byte_level", texts, hf_trainers.BpeTrainer(**options), trainers.BpeTrainer(**options)
    )
    assert ours["model"]["vocab"] == theirs["model"]["vocab"]
    assert merges(ours) == merges(theirs)
    assert ours["added_tokens"] == theirs["added_tokens"]


@pytest.mark.parametrize("name", CORPORA)
def test_end_of_word_bpe_has_hf_vocab_and_merges(name: str) -> None:
    # HF gives the ids of suffixed chars ("a</w>") in hash order, so which of two equal-count pairs merges
    # first (and the ids after) change from run to run; the vocabulary and the set of merges do not.
    texts = corpus(name)
    options = {
        "vocab_size": 2000,
        "end_of_word_suffix": "</w>",
        "special_tokens": ["<unk>"],
        "min_frequency": 2,
    }
    ours, theirs = both(
        "bpe_eow",
        texts,
        hf_trainers.BpeTrainer(show_progress=False, **options),
        trainers.BpeTrainer(show_progress=False, **options),
    )
    assert set(ours["model"]["vocab"]) == set(theirs["model"]["vocab"])
    assert set(merges(ours)) == set(merges(theirs))
    assert ours["model"]["end_of_word_suffix"] == "</w>"
    assert ours["model"]["unk_token"] == "<unk>"


@pytest.mark.parametrize("name", CORPORA)
def test_wordlevel_has_hf_vocab(name: str) -> None:
    texts = corpus(name)
    options = {
        "vocab_size": 5000,
        "min_frequency": 2,
        "special_tokens": ["<unk>", "<pad>"],
        "show_progress": False,
    }
    ours, theirs = both(
        "wordlevel", texts, hf_trainers.WordLevelTrainer(**options), trainers.WordLevelTrainer(**options)
    )
    assert ours["model"] == theirs["model"]
    assert ours["added_tokens"] == theirs["added_tokens"]


@pytest.mark.parametrize("name", CORPORA)
def test_wordpiece_is_deterministic_and_close_to_hf(name: str) -> None:
    texts = corpus(name)
    cut = len(texts) * 4 // 5
    train, held_out = texts[:cut], texts[cut:]
    options = {"vocab_size": 3000, "special_tokens": ["[UNK]", "[CLS]", "[SEP]"], "show_progress": False}
    ours, theirs = both(
        "wordpiece", train, hf_trainers.WordPieceTrainer(**options), trainers.WordPieceTrainer(**options)
    )
    again, _ = both(
        "wordpiece", train, hf_trainers.WordPieceTrainer(**options), trainers.WordPieceTrainer(**options)
    )
    assert ours == again
    a, b = set(ours["model"]["vocab"]), set(theirs["model"]["vocab"])
    assert len(a & b) / len(b) >= 0.98, (len(a & b), len(b))
    hf_ours = HfTokenizer.from_str(json.dumps(ours))
    hf_theirs = HfTokenizer.from_str(json.dumps(theirs))
    ratio = tokens_per_byte(hf_ours, held_out) / tokens_per_byte(hf_theirs, held_out)
    assert abs(ratio - 1) <= 0.005, ratio


@pytest.mark.parametrize("name", CORPORA)
def test_unigram_is_close_to_hf(name: str) -> None:
    # Both vocabularies are measured with HF's Unigram encoder, and ferrotok encodes its own like HF.
    texts = corpus(name)
    cut = len(texts) * 4 // 5
    train, held_out = texts[:cut], texts[cut:]
    options = {"vocab_size": 2000, "unk_token": "<unk>", "special_tokens": ["<unk>"], "show_progress": False}
    theirs = hf_pipeline("unigram")
    tok = ferrotok.Tokenizer.from_str(theirs.to_str())
    theirs.train_from_iterator(train, trainer=hf_trainers.UnigramTrainer(**options))
    tok.train_from_iterator(train, trainer=trainers.UnigramTrainer(**options))
    ours = json.loads(tok.to_str())["model"]
    doc = json.loads(theirs.to_str())
    assert ours["type"] == "Unigram" and ours["unk_id"] == 0
    assert ours["vocab"][0] == ["<unk>", 0.0]
    assert len(ours["vocab"]) == len(doc["model"]["vocab"]) == 2000
    ratio = tokens_per_byte(
        HfTokenizer.from_str(json.dumps({**doc, "model": ours})), held_out
    ) / tokens_per_byte(theirs, held_out)
    assert abs(ratio - 1) <= 0.01, ratio
    hf_ours = HfTokenizer.from_str(tok.to_str())
    fast = ferrotok.FerroTokenizer(tok)
    for text in held_out[:100]:
        assert fast(text)["input_ids"] == hf_ours.encode(text).ids


def test_trained_tokenizer_encodes_like_hf_loading_it() -> None:
    texts = corpus("multilingual")
    t = ferrotok.Tokenizer.from_str(hf_pipeline("byte_level").to_str())
    t.train_from_iterator(texts, trainer=trainers.BpeTrainer(vocab_size=1500, show_progress=False))
    hf = HfTokenizer.from_str(t.to_str())
    ours = ferrotok.FerroTokenizer(t)
    for text in texts[:200]:
        assert ours(text)["input_ids"] == hf.encode(text).ids


def test_train_files_reads_lines_with_their_endings(tmp_path: Path) -> None:
    texts = corpus("bench")[:2000]
    path = tmp_path / "corpus.txt"
    path.write_text("\n".join(texts) + "\n", encoding="utf-8")
    options = {
        "vocab_size": 800,
        "initial_alphabet": pre_tokenizers.ByteLevel.alphabet(),
        "show_progress": False,
    }
    theirs = hf_pipeline("byte_level")
    ours = ferrotok.Tokenizer.from_str(theirs.to_str())
    theirs.train([str(path)], trainer=hf_trainers.BpeTrainer(**options))
    ours.train([str(path)], trainer=trainers.BpeTrainer(**options))
    assert json.loads(ours.to_str())["model"] == json.loads(theirs.to_str())["model"]


def test_batches_and_generators_are_accepted() -> None:
    texts = corpus("bench")[:500]
    a = fresh("wordpiece")
    b = fresh("wordpiece")
    trainer = trainers.WordPieceTrainer(vocab_size=400, show_progress=False)
    a.train_from_iterator((t for t in texts), trainer=trainer)
    b.train_from_iterator([texts[:100], tuple(texts[100:])], trainer=trainer)
    assert a.get_vocab() == b.get_vocab()
    words = Counter(w for t in texts for w, _ in pre_tokenizers.Whitespace().pre_tokenize_str(t))
    assert set(model_json("wordlevel", texts, trainers.WordLevelTrainer())["vocab"]) == set(words)


def test_default_trainer_follows_the_model() -> None:
    t = fresh("wordpiece")
    t.train_from_iterator(["a b b c c c"])
    assert t.model.type == "WordPiece"
    # HF's vocabulary has no [UNK] here (its model then fails on unknown chars); ferrotok appends it.
    assert t.get_vocab() == {"a": 0, "b": 1, "c": 2, "[UNK]": 3}


# --- transformers' train_new_from_iterator ------------------------------------------------------------------


def test_train_new_from_iterator_byte_level_matches_transformers() -> None:
    from transformers import AutoTokenizer

    texts = corpus("multilingual")
    theirs = AutoTokenizer.from_pretrained(str(FIXTURES / "gpt2"))
    ours = ferrotok.AutoTokenizer.from_pretrained(str(FIXTURES / "gpt2"))
    batches = [texts[i : i + 100] for i in range(0, len(texts), 100)]
    new_theirs = theirs.train_new_from_iterator(batches, vocab_size=1200)
    new_ours = ours.train_new_from_iterator(iter(batches), vocab_size=1200, show_progress=False)
    assert new_ours.get_vocab() == new_theirs.get_vocab()
    assert new_ours.eos_token == new_theirs.eos_token == "<|endoftext|>"
    assert new_ours.eos_token_id == new_theirs.eos_token_id
    for text in texts[:100]:
        assert new_ours(text)["input_ids"] == new_theirs(text)["input_ids"]
        ids = new_ours(text)["input_ids"]
        assert new_ours.decode(ids) == new_theirs.decode(ids)


def test_train_new_from_iterator_wordpiece_keeps_pipeline_and_specials() -> None:
    from transformers import AutoTokenizer

    texts = corpus("bench")
    theirs = AutoTokenizer.from_pretrained(str(FIXTURES / "bert-uncased"))
    ours = ferrotok.AutoTokenizer.from_pretrained(str(FIXTURES / "bert-uncased"))
    new_theirs = theirs.train_new_from_iterator(texts, vocab_size=2000, new_special_tokens=["<extra>"])
    new_ours = ours.train_new_from_iterator(
        texts, vocab_size=2000, new_special_tokens=["<extra>"], show_progress=False
    )
    for name in ("cls_token", "sep_token", "pad_token", "unk_token", "mask_token"):
        assert getattr(new_ours, name) == getattr(new_theirs, name)
        assert getattr(new_ours, name + "_id") == getattr(new_theirs, name + "_id"), name
    assert new_ours.convert_tokens_to_ids("<extra>") == new_theirs.convert_tokens_to_ids("<extra>")
    a, b = set(new_ours.get_vocab()), set(new_theirs.get_vocab())
    assert len(a & b) / len(b) >= 0.98
    enc = new_ours("Hello world", "second text")
    assert enc["input_ids"][0] == new_ours.cls_token_id
    assert enc["input_ids"][-1] == new_ours.sep_token_id
    assert enc["token_type_ids"][-1] == 1


def test_train_new_from_iterator_renames_special_tokens() -> None:
    ours = ferrotok.AutoTokenizer.from_pretrained(str(FIXTURES / "bert-uncased"))
    new = ours.train_new_from_iterator(
        corpus("bench")[:500], vocab_size=600, special_tokens_map={"[CLS]": "<cls>"}, show_progress=False
    )
    assert new.cls_token == "<cls>"
    assert new("x")["input_ids"][0] == new.convert_tokens_to_ids("<cls>")


def test_saved_trained_tokenizer_loads_in_transformers(tmp_path: Path) -> None:
    from transformers import AutoTokenizer

    ours = ferrotok.AutoTokenizer.from_pretrained(str(FIXTURES / "gpt2"))
    new = ours.train_new_from_iterator(corpus("bench"), vocab_size=700, show_progress=False)
    new.save_pretrained(tmp_path)
    hf = AutoTokenizer.from_pretrained(str(tmp_path))
    back = ferrotok.AutoTokenizer.from_pretrained(str(tmp_path))
    for text in corpus("multilingual")[:50]:
        assert hf(text)["input_ids"] == new(text)["input_ids"] == back(text)["input_ids"]


# --- bad input ----------------------------------------------------------------------------------------------


def fresh(kind: str = "byte_level") -> ferrotok.Tokenizer:
    return ferrotok.Tokenizer.from_str(hf_pipeline(kind).to_str())


def test_empty_iterator_is_an_error() -> None:
    with pytest.raises(ValueError, match="iterator: no text"):
        fresh().train_from_iterator([], trainer=trainers.BpeTrainer(show_progress=False))
    ours = ferrotok.AutoTokenizer.from_pretrained(str(FIXTURES / "gpt2"))
    with pytest.raises(ValueError, match="iterator"):
        ours.train_new_from_iterator(iter([]), vocab_size=500)


def test_non_str_items_name_their_position() -> None:
    with pytest.raises(TypeError, match="item 2 is int, expected str"):
        fresh().train_from_iterator(["a", "b", 3], trainer=trainers.BpeTrainer(show_progress=False))
    with pytest.raises(TypeError, match="iterator"):
        fresh().train_from_iterator("not a list of texts", trainer=trainers.BpeTrainer(show_progress=False))


def test_feed_iter_reads_batches_in_chunks() -> None:
    # Texts, lists and tuples of texts, a lone surrogate, and more texts than one chunk holds: the same
    # counts as feeding the flattened list, and progress sees every text once.
    many = [f"w{i % 50} x" for i in range(20_000)]
    items: list = ["a b", ["b c", "c"], ("d",), "e\ud800f", *many]
    flat = ["a b", "b c", "c", "d", "e\ud800f", *many]
    trainer = trainers.WordLevelTrainer(vocab_size=100, show_progress=False).to_json()
    run = _core.TrainingRun(core_pipeline("wordlevel"), trainer)
    seen: list[int] = []
    assert run.feed_iter(iter(items), seen.append) == len(flat)
    assert sum(seen) == len(flat) and len(seen) > 1
    ref = _core.TrainingRun(core_pipeline("wordlevel"), trainer)
    ref.feed(flat, 0)
    assert run.word_count() == ref.word_count()
    assert json.loads(run.train_model()) == json.loads(ref.train_model())


def test_feed_iter_errors_name_the_text_and_propagate() -> None:
    trainer = trainers.BpeTrainer(show_progress=False).to_json()
    run = _core.TrainingRun(core_pipeline("byte_level"), trainer)
    with pytest.raises(TypeError, match="item 3 is bytes, expected str"):
        run.feed_iter([["a", "b"], ("c", b"d")])

    def broken():
        yield "a"
        raise RuntimeError("source failed")

    with pytest.raises(RuntimeError, match="source failed"):
        run.feed_iter(broken())
    with pytest.raises(TypeError, match="iterator: expected an iterable"):
        run.feed_iter(5)


def test_vocab_smaller_than_alphabet_is_an_error() -> None:
    with pytest.raises(
        ferrotok.FerrotokError, match="The vocabulary is not large enough to contain all chars"
    ):
        model_json(
            "unigram", ["abcdefghijklmnop"], trainers.UnigramTrainer(vocab_size=5, show_progress=False)
        )
    trainer = trainers.BpeTrainer(vocab_size=10, show_progress=False)
    with pytest.raises(
        ferrotok.FerrotokError, match="The vocabulary is not large enough to contain all chars"
    ):
        fresh().train_from_iterator(["abcdefghijklmnop"], trainer=trainer)
    ours = ferrotok.AutoTokenizer.from_pretrained(str(FIXTURES / "gpt2"))
    with pytest.raises(ferrotok.FerrotokError, match="vocab_size"):
        ours.train_new_from_iterator(["some text"], vocab_size=100)


def test_unknown_and_mistyped_options_name_the_argument() -> None:
    with pytest.raises(TypeError, match="unknown option 'vocab_sise'"):
        trainers.BpeTrainer(vocab_sise=10)
    with pytest.raises(ferrotok.FerrotokError, match="vocab_size"):
        fresh().train_from_iterator(["a"], trainer=trainers.BpeTrainer(vocab_size="big", show_progress=False))
    with pytest.raises(TypeError, match="special_tokens\\[1\\]"):
        fresh().train_from_iterator(
            ["a"], trainer=trainers.BpeTrainer(special_tokens=["a", 5], show_progress=False)
        )
    with pytest.raises(TypeError, match="trainer"):
        fresh().train_from_iterator(["a"], trainer="bpe")
    ours = ferrotok.AutoTokenizer.from_pretrained(str(FIXTURES / "gpt2"))
    with pytest.raises(TypeError, match="unknown option 'bogus'"):
        ours.train_new_from_iterator(["a"], vocab_size=500, bogus=1)
    with pytest.raises(ValueError, match="vocab_size"):
        ours.train_new_from_iterator(["a"], vocab_size=0)


def test_ctrl_c_stops_training() -> None:
    # Many distinct words and a huge vocabulary: the merge loop runs for a long time unless stopped.
    words = [f"{i:x}{i * 7919 % 100003:x}" for i in range(60_000)]
    texts = [" ".join(words[i : i + 50]) for i in range(0, len(words), 50)]
    run = _core.TrainingRun(
        fresh("wordpiece")._tokenizer, trainers.BpeTrainer(vocab_size=10_000_000).to_json()
    )
    run.feed(texts, 0)
    seen: list[tuple[str, int, int]] = []

    def progress(stage: str, done: int, total: int) -> None:
        seen.append((stage, done, total))
        if len(seen) == 2:
            threading.Thread(target=os.kill, args=(os.getpid(), signal.SIGINT)).start()

    with pytest.raises(KeyboardInterrupt):
        run.train(progress)
    # Stopped early: the last report is not the end of the merges.
    stage, done, total = seen[-1]
    assert not (stage == "Compute merges" and done >= total)


# Child processes for the Ctrl-C test: each prints "started" once its phase is under way, then would run
# for a long time (an endless iterator, a thousand passes over a file, a huge Unigram vocabulary).
_CTRL_C_CHILDREN = {
    "counting an iterator": """
import itertools, sys
import ferrotok
from ferrotok import trainers
def texts():
    for i in itertools.count():
        if i == 20_000:
            print("started", flush=True)
        yield f"text {i} with words {i * 7919 % 100_003} and more words"
t = ferrotok.Tokenizer.from_str(sys.argv[1])
t.train_from_iterator(texts(), trainer=trainers.BpeTrainer(show_progress=False))
""",
    "counting files": """
import sys
from ferrotok import _core, trainers
run = _core.TrainingRun(_core.Tokenizer.from_str(sys.argv[1]), trainers.BpeTrainer().to_json())
started = []
def progress(n):
    if not started:
        started.append(n)
        print("started", flush=True)
run.feed_files([sys.argv[2]] * 100_000, progress)
""",
    "training a Unigram model": """
import sys
from ferrotok import _core, trainers
trainer = trainers.UnigramTrainer(vocab_size=2_000, unk_token="<unk>")
run = _core.TrainingRun(_core.Tokenizer.from_str(sys.argv[1]), trainer.to_json())
words = [f"{i:x}{i * 7919 % 1_000_003:x}" for i in range(200_000)]
run.feed([" ".join(words[i : i + 50]) for i in range(0, len(words), 50)], 0)
started = []
def progress(stage, done, total):
    if not started:
        started.append(stage)
        print("started", flush=True)
run.train(progress)
""",
}


@pytest.mark.parametrize("phase", list(_CTRL_C_CHILDREN))
def test_ctrl_c_stops_a_training_process(tmp_path: Path, phase: str) -> None:
    import subprocess
    import sys
    import time

    lines = tmp_path / "lines.txt"
    lines.write_text("".join(f"line {i} of the file\n" for i in range(50_000)), encoding="utf-8")
    doc = json.loads(hf_pipeline("wordlevel").to_str())
    doc["model"] = {"type": "BPE", "vocab": {}, "merges": []}
    child = subprocess.Popen(
        [sys.executable, "-c", _CTRL_C_CHILDREN[phase], json.dumps(doc), str(lines)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ, RAYON_NUM_THREADS="2"),
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "started"
        child.send_signal(signal.SIGINT)
        start = time.monotonic()
        _, err = child.communicate(timeout=60)
        stopped_after = time.monotonic() - start
    finally:
        child.kill()
        child.wait()
    assert child.returncode != 0
    assert "KeyboardInterrupt" in err, err[-2000:]
    # Promptly: far sooner than the phase would have taken (minutes to forever).
    assert stopped_after < 20, stopped_after


# --- ferrotok train -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "kind"),
    [
        (["--model", "bpe"], "BPE"),
        (["--model", "wordpiece"], "WordPiece"),
        (["--from", str(FIXTURES / "bert-uncased")], "WordPiece"),
        (["--from", str(FIXTURES / "gpt2"), "--special-tokens", "<pad>"], "BPE"),
    ],
)
def test_cli_train_writes_a_folder_transformers_loads(tmp_path: Path, args: list[str], kind: str) -> None:
    from ferrotok.cli import main
    from transformers import AutoTokenizer

    jsonl = tmp_path / "corpus.jsonl"
    jsonl.write_text("".join(json.dumps({"text": t}) + "\n" for t in corpus("bench")), encoding="utf-8")
    out = tmp_path / "out"
    assert (
        main(
            ["train", str(jsonl), "--jsonl-field", "text", "-o", str(out), "--vocab-size", "900", "-q", *args]
        )
        == 0
    )
    ours = ferrotok.AutoTokenizer.from_pretrained(str(out))
    theirs = AutoTokenizer.from_pretrained(str(out))
    assert ours.backend_tokenizer.model.type == kind
    assert len(ours) == len(theirs) >= 900
    for text in corpus("multilingual")[:100]:
        assert ours(text)["input_ids"] == theirs(text)["input_ids"]


def test_cli_train_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from ferrotok.cli import main

    text = tmp_path / "t.txt"
    text.write_text("hello world\n", encoding="utf-8")
    assert main(["train", str(tmp_path / "missing.txt"), "-o", str(tmp_path / "o")]) == 2
    assert "missing.txt" in capsys.readouterr().err
    assert main(["train", str(text), "-o", str(tmp_path / "o"), "--vocab-size", "0"]) == 2
    assert "--vocab-size" in capsys.readouterr().err
    assert main(["train", str(text), "-o", str(tmp_path / "o"), "--vocab-size", "20", "-q"]) == 2
    assert "not large enough" in capsys.readouterr().err
