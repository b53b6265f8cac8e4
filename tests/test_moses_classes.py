"""The Moses-tokenized classes transformers 5.24 runs in Python over sacremoses (XLMTokenizer,
FlaubertTokenizer, BioGptTokenizer), against it at test time.

Each folder has the shape of the classes' hub models (`moses_builders`: vocab.json with the special tokens
first, merges.txt with counts, a BPE learnt from the multilingual sample). Every field transformers'
pure-Python tokenizer returns is compared (it has no offsets): ids, tokens, masks, type ids, special
tokens and class defaults, pairs, truncation, padding, decoding and a save / reload round trip; then
random punctuation-heavy strings (hypothesis).
"""

from __future__ import annotations

import json
from pathlib import Path

import moses_builders
import pytest
from adversarial import fixed_cases, random_cases
from conftest import multilingual_lines
from parity import plain

transformers = pytest.importorskip("transformers")
pytest.importorskip("sacremoses")
pytest.importorskip("tokenizers")
from ferrotok import AutoTokenizer  # noqa: E402

ADVERSARIAL = [
    "",
    " ",
    "  x  y ",
    "Hello, World! It's 3,000.50 — ok... isn't it?? 'quoted' \"double\" ``penn'' „low“ «fr» ‹x›",
    "state-of-the-art -- dash—em–en a-b-c 1-2 x - y",
    "URL https://www.example.com/a/b?c=1&d=2|e and mail me@host.org #tag @user",
    "numbers 1,234,567.89 1.234.567,89 1\u00a0000 50 % 3\u00a0%  12:30 1/2 3.14.15",
    "A & B | C < D > E [F] {G} (H) $5 €6 £7 ¥8",
    "non\u200bprinting\u00adchars\u200e\u0007 bell\ttab\nnewline\r\nsoft\u0085",
    "Mr. Smith met Dr. Who at St. Paul's; No. 5 and No. 6. Ph.D. U.S.A. e.g. etc. end.",
    "l'été d'un homme qu'il aujourd'hui « Bonjour » : c'est ça ! ? ;",
    "ＡＢＣ，全角。句号  ！？：；（括弧）「引用」《书》１２３４５％～【x】〈y〉…━",
    "Ελληνικά ΟΔΟΣ Straße İstanbul ǅ ﬁ Ω Å ÉCOLE naïve café Ğ",
    "he said ''yes'' and `no` ´quoted´ ‘single’ ’tis 90’s rock’n’roll",
    "<s> inline </s> <pad> <special3> <unk> tokens<special1>glued",
    "dots.... .. . ... x...y ...z a.b.c. 5.",
    "tab\tand\u3000ideographic\u2003em space\u00a0nbsp",
    "ro: Şcoală ţară ş ţ Ș ș Ț ț Ă ă Â â Î î",
    "emoji 😀👍🏽 and ZWJ 👨‍👩‍👧",
]

LINES = [*[line for _, line in multilingual_lines()][:150], *ADVERSARIAL, *fixed_cases()]

# (class, config entries)
CASES = [
    ("XLMTokenizer", {}),
    ("XLMTokenizer", {"do_lowercase_and_remove_accent": False}),
    ("XLMTokenizer", {"lang2id": {"en": 0, "fr": 1}, "id2lang": {"0": "en", "1": "fr"}}),
    ("FlaubertTokenizer", {}),
    ("FlaubertTokenizer", {"do_lowercase": True}),
    ("BioGptTokenizer", {}),
]


def case_id(case: tuple[str, dict]) -> str:
    cls, config = case
    return cls + "".join(f"-{k}" for k in sorted(config))


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("moses")
    return {cls: moses_builders.build(root / cls, cls, vocab_size=2500) for cls in moses_builders.CLASSES}


def folder_with(folders: dict[str, Path], tmp_path: Path, cls: str, config: dict) -> Path:
    directory = tmp_path / cls
    directory.mkdir()
    for name in ("vocab.json", "merges.txt"):
        (directory / name).write_bytes((folders[cls] / name).read_bytes())
    (directory / "tokenizer_config.json").write_text(
        json.dumps({"tokenizer_class": cls, **config}), encoding="utf-8"
    )
    return directory


def compare_call(ours, theirs, *args, **kwargs) -> None:
    """Every field equal (transformers' Python classes order the keys their own way)."""
    got, expected = ours(*args, **kwargs), theirs(*args, **kwargs)
    assert sorted(got.keys()) == sorted(expected.keys())
    for key in expected:
        assert plain(got[key]) == plain(expected[key]), (key, args, kwargs)


def assert_same_tokenizer(ours, theirs, lines: list[str] = LINES) -> None:
    assert ours.special_tokens_map == theirs.special_tokens_map
    assert ours.all_special_tokens == theirs.all_special_tokens
    assert ours.all_special_ids == theirs.all_special_ids
    assert (ours.padding_side, ours.truncation_side) == (theirs.padding_side, theirs.truncation_side)
    assert ours.model_input_names == theirs.model_input_names
    assert ours.get_vocab() == theirs.get_vocab()
    assert len(ours) == len(theirs)
    unk = theirs.unk_token_id
    for line in lines:
        expected = theirs.encode(line)
        assert ours.encode(line) == expected, line
        # The Python class names a piece outside vocab.json by its text, ferrotok by the unk token.
        if unk not in expected:
            assert ours.tokenize(line) == theirs.tokenize(line), line
    fields = {"return_special_tokens_mask": True, "return_length": True, "return_token_type_ids": True}
    compare_call(ours, theirs, lines, **fields)
    compare_call(ours, theirs, lines[:30], lines[30:60], **fields)
    # An odd room for the two texts: a tie is cut from the second text, as transformers' Python classes do.
    pair_length = 17 + theirs.num_special_tokens_to_add(pair=True)
    compare_call(
        ours, theirs, lines[:30], lines[30:60], truncation=True, max_length=pair_length, padding=True
    )
    compare_call(ours, theirs, lines[:30], padding="max_length", max_length=40, truncation=True)
    compare_call(ours, theirs, lines[:8], padding="longest", return_tensors="np")
    ids = theirs(lines)["input_ids"]
    assert ours.batch_decode(ids, skip_special_tokens=True) == theirs.batch_decode(
        ids, skip_special_tokens=True
    )
    # Special tokens kept: glued to their neighbours by both (the `</w>` ends make the spaces).
    assert ours.batch_decode(ids) == theirs.batch_decode(ids)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_moses_class_folder_matches_transformers(folders, tmp_path, case):
    cls, config = case
    directory = folder_with(folders, tmp_path, cls, config)
    ours = AutoTokenizer.from_pretrained(directory)
    theirs = transformers.AutoTokenizer.from_pretrained(str(directory))
    assert type(theirs).__name__ == cls
    assert_same_tokenizer(ours, theirs)
    # save_pretrained: both libraries reload ferrotok's folder as the original encodes.
    ours.save_pretrained(tmp_path / "saved")
    reloaded = AutoTokenizer.from_pretrained(tmp_path / "saved")
    assert_same_tokenizer(reloaded, theirs, LINES[::3])
    hf_reloaded = transformers.AutoTokenizer.from_pretrained(str(tmp_path / "saved"))
    assert hf_reloaded(LINES)["input_ids"] == theirs(LINES)["input_ids"]


def test_random_strings_match_transformers(folders, tmp_path):
    directory = folder_with(folders, tmp_path, "XLMTokenizer", {})
    ours = AutoTokenizer.from_pretrained(directory)
    theirs = transformers.AutoTokenizer.from_pretrained(str(directory))
    for text in random_cases(300):
        assert ours.encode(text) == theirs.encode(text), text


@pytest.mark.parametrize("cls", moses_builders.CLASSES)
def test_punctuation_heavy_strings_hypothesis(folders, tmp_path, cls):
    """Random strings of the pieces the Moses rules look at: quotes, dashes, dots, commas in numbers,
    apostrophes, brackets, nonbreaking prefixes, pseudo-spaces, full-width punctuation, controls."""
    hypothesis = pytest.importorskip("hypothesis")
    from hypothesis import strategies as st

    directory = folder_with(folders, tmp_path, cls, {})
    ours = AutoTokenizer.from_pretrained(directory)
    theirs = transformers.AutoTokenizer.from_pretrained(str(directory))
    pieces = st.sampled_from(
        [
            *" \t\n\u00a0\u3000\u2028",
            *".,;:!?'\"`´‘’‚“”„«»‹›-–—―…()[]{}<>/\\|&@#$%^*+=~_",
            *"，。、：；？！（）「」《》【】〈〉～％．１２",
            "''",
            "``",
            "...",
            "--",
            "'s",
            "n't",
            "'ll",
            "Mr.",
            "No.",
            "U.S.",
            "e.g.",
            "http://x.org/a",
            "1,000",
            "3.14",
            "5 %",
            "a",
            "Z",
            "é",
            "ß",
            "Σ",
            "9",
            "٣",
            "中",
            "DOT",
            "\u200b",
            "\u0007",
            "\u00ad",
            "<s>",
            "<special1>",
        ]
    )

    @hypothesis.settings(max_examples=400, deadline=None, derandomize=True)
    @hypothesis.given(st.lists(pieces, max_size=16).map("".join))
    def check(text: str) -> None:
        ids = theirs.encode(text)
        assert ours.encode(text) == ids, text
        assert ours.decode(ids) == theirs.decode(ids), text

    check()


@pytest.mark.parametrize("config", [{}, {"cls_token": "<s>", "sep_token": "</s>"}], ids=["default", "named"])
def test_herbert_folder_matches_transformers(tmp_path, config):
    """HerbertTokenizer (a tokenizers-backed class, no Moses): BERT's cased normalizer and pre-tokenizer, a
    BPE with `</w>`, BertProcessing over the ids 2 and 0 its constructor names. Every field, offsets
    included, pairs, truncation, decode and a save round trip."""
    from parity import check_decode, check_save_round_trip, compare_call, compare_template_calls, pipeline

    directory = moses_builders.herbert(tmp_path / "herbert", **config)
    ours = AutoTokenizer.from_pretrained(directory)
    theirs = transformers.AutoTokenizer.from_pretrained(str(directory))
    assert pipeline(ours) == pipeline(theirs)
    assert ours.get_vocab() == theirs.get_vocab()
    assert ours.all_special_tokens == theirs.all_special_tokens
    assert ours.all_special_ids == theirs.all_special_ids
    first, second = LINES[:40], LINES[40:80]
    compare_template_calls(ours, theirs, first, second, (first, second), 12)
    compare_call(ours, theirs, LINES, return_special_tokens_mask=True, return_offsets_mapping=True)
    compare_call(ours, theirs, random_cases(200), return_offsets_mapping=True)
    for text in LINES:
        assert ours.tokenize(text) == theirs.tokenize(text), text
    check_decode(ours, theirs, theirs(LINES)["input_ids"])
    check_save_round_trip(ours, theirs, tmp_path / "saved", LINES[:60])


def test_missing_sacremoses_data_is_named(folders, tmp_path):
    """A Moses folder whose sacremoses data cannot be read fails with the package named (in a fresh process:
    the tokenizers built earlier are kept per language)."""
    import subprocess
    import sys

    directory = folder_with(folders, tmp_path, "XLMTokenizer", {})
    script = (
        "import sys, ferrotok\n"
        "from ferrotok import _core\n"
        "_core.set_moses_data_dir(sys.argv[2])\n"
        "try:\n"
        "    ferrotok.AutoTokenizer.from_pretrained(sys.argv[1])\n"
        "except OSError as e:\n"
        "    print(e)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script, str(directory), str(tmp_path / "none")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "sacremoses package" in run.stdout, run.stdout + run.stderr


# FSMTTokenizer: (langs, config entries) over one folder of the facebook/wmt19-* shape.
FSMT_CASES = [
    (["en", "de"], {}),
    (["en", "de"], {"do_lower_case": True}),
    (["ru", "en"], {}),
    (["de", "fr"], {"model_max_length": 64}),
]
FSMT_FILES = ("vocab-src.json", "vocab-tgt.json", "merges.txt")


@pytest.fixture(scope="module")
def fsmt_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return moses_builders.fsmt(tmp_path_factory.mktemp("fsmt") / "fsmt")


def fsmt_with(fsmt_folder: Path, tmp_path: Path, langs: list[str], config: dict) -> Path:
    directory = tmp_path / "fsmt"
    directory.mkdir()
    for name in FSMT_FILES:
        (directory / name).write_bytes((fsmt_folder / name).read_bytes())
    settings = {"tokenizer_class": "FSMTTokenizer", "langs": langs, **config}
    (directory / "tokenizer_config.json").write_text(json.dumps(settings), encoding="utf-8")
    return directory


def assert_same_fsmt(ours, theirs, lines: list[str]) -> None:
    """Every field of `assert_same_tokenizer`, then FSMT's own: targets encoded as the source (labels),
    ids named and decoded through vocab-tgt.json (an id it lacks is the unk token), the class attributes."""
    assert_same_tokenizer(ours, theirs, lines)
    compare_call(ours, theirs, lines[:20], text_target=lines[20:40], return_token_type_ids=True)
    compare_call(ours, theirs, text_target=lines[:20], text_pair_target=lines[20:40])
    compare_call(ours, theirs, lines[:20], text_target=lines[20:40], max_length=8, truncation=True)
    ids = theirs(lines)["input_ids"]
    for row in ids[:60]:
        assert ours.convert_ids_to_tokens(row) == theirs.convert_ids_to_tokens(row)
        assert ours.convert_ids_to_tokens(row, True) == theirs.convert_ids_to_tokens(row, True)
        assert ours.decode(row) == theirs.decode(row)
    size = theirs.src_vocab_size
    beyond = [5, size - 1, 2, size - 10, 3, 0, size - 49, 40, 1]  # the last 50 source ids are not targets
    for skip in (False, True):
        assert ours.decode(beyond, skip_special_tokens=skip) == theirs.decode(
            beyond, skip_special_tokens=skip
        )
    assert ours.convert_ids_to_tokens(beyond) == theirs.convert_ids_to_tokens(beyond)
    assert ours.convert_ids_to_tokens(size - 1) == theirs.convert_ids_to_tokens(size - 1)
    for name in ("src_vocab_size", "tgt_vocab_size", "vocab_size", "src_lang", "tgt_lang", "do_lower_case"):
        assert getattr(ours, name) == getattr(theirs, name), name
    assert ours.get_src_vocab() == theirs.get_src_vocab()
    assert ours.encoder == theirs.encoder
    assert ours.model_max_length == theirs.model_max_length


@pytest.mark.parametrize("case", FSMT_CASES, ids=lambda c: "-".join(c[0]) + "".join(f"-{k}" for k in c[1]))
def test_fsmt_folder_matches_transformers(fsmt_folder, tmp_path, case):
    langs, config = case
    directory = fsmt_with(fsmt_folder, tmp_path, langs, config)
    ours = AutoTokenizer.from_pretrained(directory)
    theirs = transformers.AutoTokenizer.from_pretrained(str(directory))
    assert type(theirs).__name__ == "FSMTTokenizer"
    assert_same_fsmt(ours, theirs, LINES)
    # save_pretrained: the files transformers' class writes, byte for byte; both libraries read them back.
    written = ours.save_pretrained(tmp_path / "saved")
    theirs.save_pretrained(tmp_path / "hf-saved")
    for name in FSMT_FILES:
        assert str(tmp_path / "saved" / name) in written
        assert (tmp_path / "saved" / name).read_bytes() == (tmp_path / "hf-saved" / name).read_bytes(), name
    reloaded = AutoTokenizer.from_pretrained(tmp_path / "saved")
    assert_same_fsmt(reloaded, theirs, LINES[::3])
    hf_reloaded = transformers.AutoTokenizer.from_pretrained(str(tmp_path / "saved"))
    assert hf_reloaded(LINES)["input_ids"] == theirs(LINES)["input_ids"]
    assert (hf_reloaded.src_lang, hf_reloaded.tgt_lang) == (theirs.src_lang, theirs.tgt_lang)


def test_fsmt_random_strings_match_transformers(fsmt_folder, tmp_path):
    directory = fsmt_with(fsmt_folder, tmp_path, ["en", "ru"], {})
    ours = AutoTokenizer.from_pretrained(directory)
    theirs = transformers.AutoTokenizer.from_pretrained(str(directory))
    for text in random_cases(300):
        ids = theirs.encode(text)
        assert ours.encode(text) == ids, text
        assert ours.decode(ids) == theirs.decode(ids), text


def test_fsmt_missing_target_vocabulary_is_named(fsmt_folder, tmp_path):
    directory = fsmt_with(fsmt_folder, tmp_path, ["en", "de"], {})
    (directory / "vocab-tgt.json").unlink()
    with pytest.raises(TypeError):  # transformers cannot build it either (it opens `None`)
        transformers.AutoTokenizer.from_pretrained(str(directory))
    with pytest.raises(FileNotFoundError, match=r"vocab-tgt\.json"):
        AutoTokenizer.from_pretrained(directory)


@pytest.mark.parametrize("langs", [None, ["en"], ["en", "de", "fr"]], ids=["none", "one", "three"])
def test_fsmt_needs_two_languages(fsmt_folder, tmp_path, langs):
    directory = fsmt_with(fsmt_folder, tmp_path, langs, {})
    with pytest.raises(ValueError, match="langs"):
        transformers.AutoTokenizer.from_pretrained(str(directory))
    with pytest.raises(ValueError, match="langs"):
        AutoTokenizer.from_pretrained(directory)


def test_fsmt_save_vocabulary_writes_the_class_files(fsmt_folder, tmp_path):
    directory = fsmt_with(fsmt_folder, tmp_path, ["en", "de"], {})
    ours = AutoTokenizer.from_pretrained(directory)
    theirs = transformers.AutoTokenizer.from_pretrained(str(directory))
    assert ours.vocab_files_names == theirs.vocab_files_names
    for side, tok in (("ours", ours), ("theirs", theirs)):
        (tmp_path / side).mkdir()
        written = tok.save_vocabulary(str(tmp_path / side), filename_prefix="p")
        assert [Path(p).name for p in written] == [f"p-{name}" for name in FSMT_FILES]
    for name in FSMT_FILES:
        assert (tmp_path / "ours" / f"p-{name}").read_bytes() == (
            tmp_path / "theirs" / f"p-{name}"
        ).read_bytes()


def test_fsmt_tokens_added_after_loading_decode_as_in_transformers(fsmt_folder, tmp_path):
    """Added tokens win over vocab-tgt.json in transformers: a token added to the loaded tokenizer (which
    the target side, read from the folder, lacks) is named and decoded by its own text."""
    directory = fsmt_with(fsmt_folder, tmp_path, ["en", "de"], {})
    ours = AutoTokenizer.from_pretrained(directory)
    theirs = transformers.AutoTokenizer.from_pretrained(str(directory))
    for tok in (ours, theirs):
        tok.add_tokens(["newtok"])
        tok.add_special_tokens({"additional_special_tokens": ["<lang>"]})
    lines = ["a newtok b <lang> c", "newtok", "Hello world", *LINES[:20]]
    ids = theirs(lines)["input_ids"]
    assert ours(lines)["input_ids"] == ids
    for skip in (False, True):
        assert ours.batch_decode(ids, skip_special_tokens=skip) == theirs.batch_decode(
            ids, skip_special_tokens=skip
        )
        for row in ids[:3]:
            assert ours.decode(row, skip_special_tokens=skip) == theirs.decode(row, skip_special_tokens=skip)
            assert ours.convert_ids_to_tokens(row, skip) == theirs.convert_ids_to_tokens(row, skip)


def test_fsmt_languages_and_target_vocabulary(fsmt_folder, tmp_path):
    """`langs` as a load argument picks the languages (as transformers' keyword does); setting `src_lang` /
    `tgt_lang` afterwards is refused, and `get_tgt_vocab` (a TypeError in transformers) gives the target
    vocabulary by id with the added tokens over it (README, "Deliberate differences")."""
    directory = fsmt_with(fsmt_folder, tmp_path, ["en", "de"], {})
    ours = AutoTokenizer.from_pretrained(directory, langs=["fr", "en"])
    theirs = transformers.AutoTokenizer.from_pretrained(str(directory), langs=["fr", "en"])
    assert (ours.src_lang, ours.tgt_lang) == (theirs.src_lang, theirs.tgt_lang) == ("fr", "en")
    text = "« Bonjour », dit-il : l'école n'est pas là… C'est l'été ! 3,5 %"
    ids = theirs.encode(text)
    assert ours.encode(text) == ids
    assert ours.decode(ids) == theirs.decode(ids)
    with pytest.raises(NotImplementedError, match="langs"):
        ours.src_lang = "de"
    with pytest.raises(TypeError):
        theirs.get_tgt_vocab()
    target = json.loads((directory / "vocab-tgt.json").read_text(encoding="utf-8"))
    expected = {i: t for t, i in target.items()} | {i: str(t) for i, t in theirs.added_tokens_decoder.items()}
    assert ours.get_tgt_vocab() == expected
