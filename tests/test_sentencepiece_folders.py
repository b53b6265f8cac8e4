"""Legacy SentencePiece folders (a `.model` file + tokenizer_config.json naming the class) against transformers 5.

SentencePiece models are trained at test time (tests/spm_folders.py). transformers converts each folder into
its fast tokenizer at test time too; ferrotok's conversion (Rust, prost, no Python sentencepiece/protobuf) must
give the same tokenizer.json, component by component: normalizer, pre-tokenizer, post-processor (the class
template with its ids), decoder, model (vocabulary, scores, merges, unk id) and added tokens (ids and flags).
Where the pipeline is one the core already runs (BPE with byte fallback: Llama), encodings are compared too.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spm_folders as builders
from conftest import multilingual_lines

transformers = pytest.importorskip("transformers")
pytest.importorskip("sentencepiece")
pytest.importorskip("google.protobuf")
from ferrotok import AutoTokenizer, FerrotokError, _core  # noqa: E402

COMPONENTS = ("normalizer", "pre_tokenizer", "post_processor", "decoder", "model", "added_tokens")

# (class, trained model, extra tokenizer_config entries)
CASES = [
    ("T5Tokenizer", "unigram", {}),
    ("T5Tokenizer", "unigram", {"extra_ids": 10}),
    ("T5Tokenizer", "bpe_fallback", {}),
    ("XLMRobertaTokenizer", "unigram", {}),
    ("XLMRobertaTokenizer", "bpe_fallback", {}),
    ("XLMRobertaTokenizer", "unigram", {"add_prefix_space": False}),
    ("XLNetTokenizer", "unigram", {}),
    ("XLNetTokenizer", "unigram", {"do_lower_case": True}),
    ("CamembertTokenizer", "unigram", {}),
    ("AlbertTokenizer", "albert", {}),
    ("AlbertTokenizer", "albert", {"do_lower_case": False, "keep_accents": True}),
    ("DebertaV2Tokenizer", "unigram", {}),
    ("DebertaV2Tokenizer", "albert", {"split_by_punct": True, "do_lower_case": True}),
    ("BigBirdTokenizer", "unigram", {}),
    ("MBartTokenizer", "unigram", {}),
    ("MBartTokenizer", "unigram", {"src_lang": "fr_XX"}),
    ("MBart50Tokenizer", "unigram", {}),
    ("MBart50Tokenizer", "unigram", {"src_lang": "de_DE"}),
    ("LlamaTokenizer", "bpe_fallback", {}),
    ("LlamaTokenizer", "bpe_fallback", {"add_bos_token": True}),
    ("LlamaTokenizer", "bpe_fallback", {"add_bos_token": True, "add_eos_token": True, "legacy": True}),
    ("LlamaTokenizer", "unigram", {"add_prefix_space": False}),
    ("ReformerTokenizer", "unigram", {}),
    ("ReformerTokenizer", "bpe_fallback", {"add_eos_token": True}),
    ("RemBertTokenizer", "albert", {}),
    ("RemBertTokenizer", "unigram", {"keep_accents": False, "do_lower_case": True}),
    ("BarthezTokenizer", "unigram", {}),
    ("NllbTokenizer", "bpe_fallback", {}),
    ("NllbTokenizer", "unigram", {"src_lang": "fra_Latn", "legacy_behaviour": True}),
    ("FNetTokenizer", "albert", {}),
    ("GemmaTokenizer", "bpe_fallback", {}),
    ("GemmaTokenizer", "bpe_fallback", {"add_bos_token": True}),
    ("GemmaTokenizer", "unigram", {"add_eos_token": True}),
    ("FNetTokenizer", "unigram", {}),
    ("TokenizersBackend", "unigram", {}),
    ("PegasusTokenizer", "pegasus", {}),
    ("PegasusTokenizer", "pegasus", {"offset": 10, "mask_token": "<mask_2>", "mask_token_sent": "<mask_1>"}),
    ("PegasusTokenizer", "pegasus", {"mask_token_sent": None, "additional_special_tokens": ["<mask_1>"]}),
    ("UdopTokenizer", "pegasus", {}),
    ("UdopTokenizer", "unigram", {}),
    ("VideoPrismTokenizer", "unigram", {}),
    ("VideoPrismTokenizer", "pegasus", {"extra_ids": 5, "add_eos_token": True}),
    ("LasrTokenizer", "unigram", {}),
    ("LasrTokenizer", "bpe_fallback", {"extra_ids": 3}),
    ("ParakeetTokenizer", "unigram", {}),
    ("ParakeetTokenizer", "bpe_user", {}),
    ("TokenizersBackend", "bpe_fallback", {}),
    ("TokenizersBackend", "bpe_user", {}),
    ("TokenizersBackend", "bpe_user", {"legacy": False}),
    (
        "XLMRobertaTokenizer",
        "unigram",
        {
            "mask_token": {
                "__type": "AddedToken",
                "content": "<mask>",
                "lstrip": True,
                "rstrip": False,
                "normalized": True,
                "single_word": False,
                "special": True,
            }
        },
    ),
]


def case_id(case) -> str:
    cls, model, extra = case
    return f"{cls}-{model}" + ("-" + "-".join(sorted(extra)) if extra else "")


@pytest.fixture(scope="session")
def models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return builders.train_all(tmp_path_factory.mktemp("spm-models"))


@pytest.fixture(scope="session")
def folders_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("spm-folders")


def make(models, root, case) -> Path:
    cls, model, extra = case
    return builders.folder(root, models[model], cls, case_id(case), **extra)


def first_difference(ours, theirs, path="") -> str | None:
    """The path of the first difference between two JSON values, or None."""
    if isinstance(ours, dict) and isinstance(theirs, dict):
        for key in sorted(set(ours) | set(theirs)):
            if key not in ours or key not in theirs:
                return f"{path}.{key}: only in {'theirs' if key not in ours else 'ours'}"
            found = first_difference(ours[key], theirs[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(ours, list) and isinstance(theirs, list):
        if len(ours) != len(theirs):
            return f"{path}: length {len(ours)} != {len(theirs)}"
        for i, (a, b) in enumerate(zip(ours, theirs, strict=True)):
            found = first_difference(a, b, f"{path}[{i}]")
            if found:
                return found
        return None
    if ours != theirs or (type(ours) is not type(theirs) and not isinstance(ours, (int, float))):
        return f"{path}: {ours!r:.200} != {theirs!r:.200}"
    return None


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_document_matches_transformers(models, folders_root, case):
    directory = make(models, folders_root, case)
    theirs = json.loads(transformers.AutoTokenizer.from_pretrained(str(directory)).backend_tokenizer.to_str())
    ours = json.loads(_core.legacy_document(str(directory)))
    for component in COMPONENTS:
        diff = first_difference(ours[component], theirs[component], component)
        assert diff is None, diff


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_folder_encodes_like_transformers(models, folders_root, case):
    from parity import compare_call

    directory = make(models, folders_root, case)
    ours = AutoTokenizer.from_pretrained(directory)
    theirs = transformers.AutoTokenizer.from_pretrained(str(directory))
    lines = [
        *[line for _, line in multilingual_lines()][:120],
        "",
        " ",
        "  x  y ",
        "1234 ☃ \U0001f600 <s> a</s>",
    ]
    if case[0] == "UdopTokenizer":
        # UDOP's `__call__` takes words with their boxes (tests/test_layout_classes.py and
        # tests/test_udop.py); its plain-text methods are compared here.
        for line in lines:
            assert ours.tokenize(line) == theirs.tokenize(line), line
            ids = theirs.encode(line)
            assert ours.encode(line) == ids, line
            assert ours.decode(ids) == theirs.decode(ids), line
            assert ours.decode(ids, skip_special_tokens=True) == theirs.decode(ids, skip_special_tokens=True)
        return
    compare_call(ours, theirs, lines, return_offsets_mapping=True, return_special_tokens_mask=True)
    compare_call(ours, theirs, lines[:20], lines[20:40], truncation=True, max_length=24)
    if theirs.pad_token is None:  # Llama has none (and pads on the left)
        ours.pad_token = theirs.pad_token = theirs.eos_token or theirs.unk_token
    compare_call(ours, theirs, lines[:20], lines[20:40], truncation=True, max_length=24, padding=True)
    ids = theirs(lines[:40])["input_ids"]
    for skip in (False, True):
        assert ours.batch_decode(ids, skip_special_tokens=skip) == theirs.batch_decode(
            ids, skip_special_tokens=skip
        )


@pytest.mark.parametrize(
    "content, field",
    [
        (b"", "pieces"),
        (b"not a sentencepiece model at all\n", "ModelProto"),
        (None, "ModelProto"),  # a real model cut in half
    ],
)
def test_truncated_or_garbage_model_names_file_and_field(models, tmp_path, content, field):
    data = models["unigram"].read_bytes()
    content = data[: len(data) // 2] if content is None else content
    (tmp_path / "spiece.model").write_bytes(content)
    (tmp_path / "tokenizer_config.json").write_text('{"tokenizer_class": "T5Tokenizer"}')
    for load in (_core.legacy_document, AutoTokenizer.from_pretrained):
        with pytest.raises(ValueError) as info:
            load(str(tmp_path))
        assert "spiece.model" in str(info.value) and field in str(info.value)
        assert isinstance(info.value, FerrotokError)


SEAMLESS_CASES = [
    ("SeamlessM4TTokenizer", "seamless", {}),
    ("SeamlessM4TTokenizer", "seamless", {"src_lang": "fra"}),
    ("SeamlessM4TTokenizer", "seamless", {"src_lang": "__deu__", "tgt_lang": "eng"}),
    ("SeamlessM4TTokenizer", "unigram", {"src_lang": "__eng__"}),
]


@pytest.mark.parametrize("case", SEAMLESS_CASES, ids=case_id)
def test_seamless_m4t_matches_transformers(models, folders_root, case):
    """SeamlessM4T's remapped vocabulary, merges, normalizer and Metaspace, and the source-language template
    transformers' call switches to (its backend holds the target-language one until the first call)."""
    from parity import compare_call

    directory = make(models, folders_root, case)
    ours = AutoTokenizer.from_pretrained(directory)
    theirs = transformers.AutoTokenizer.from_pretrained(str(directory))
    lines = [*[line for _, line in multilingual_lines()][:80], "", " ", "  x  y ", "a\tb\nc  __eng__ </s>"]
    compare_call(ours, theirs, lines, return_offsets_mapping=True, return_special_tokens_mask=True)
    compare_call(ours, theirs, lines[:20], lines[20:40], truncation=True, max_length=24, padding=True)
    theirs_document = json.loads(theirs.backend_tokenizer.to_str())
    ours_document = json.loads(_core.legacy_document(str(directory)))
    for component in COMPONENTS:
        diff = first_difference(ours_document[component], theirs_document[component], component)
        assert diff is None, diff
    ids = theirs(lines[:40])["input_ids"]
    for skip in (False, True):
        assert ours.batch_decode(ids, skip_special_tokens=skip) == theirs.batch_decode(
            ids, skip_special_tokens=skip
        )


TARGET_CALLS = [
    {"text": "hello world", "text_target": "bonjour le monde"},
    {"text_target": "bonjour le monde"},
    {"text": ["a b", "c"], "text_target": ["x", "y z w"], "padding": True, "return_tensors": "np"},
    {"text": "hello", "text_target": "bonjour", "tgt_lang": "deu"},
    {"text": "hello", "src_lang": "fra"},
    {"text": "hello", "text_target": "t", "src_lang": "xyz"},  # a code outside the vocabulary: unk
    {
        "text": "a b c d e f",
        "text_target": "a b c d e f g h",
        "truncation": True,
        "max_length": 5,
        "max_target_length": 7,
    },
    {
        "text": "one",
        "text_pair": "two",
        "text_target": "un",
        "text_pair_target": "deux",
        "return_token_type_ids": True,
    },
]


def test_seamless_m4t_targets_and_language_switching(models, folders_root):
    """`text_target` in the target-language template, `labels` beside the inputs, `src_lang` / `tgt_lang` as
    call arguments and attributes, in the order transformers applies them (one tokenizer of each kind through
    the same sequence of calls)."""
    from parity import plain

    directory = make(models, folders_root, ("SeamlessM4TTokenizer", "seamless", {"tgt_lang": "eng"}))
    ours = AutoTokenizer.from_pretrained(directory)
    theirs = transformers.AutoTokenizer.from_pretrained(str(directory))
    theirs("warm up")  # transformers' encode uses the target template until a first call (README)
    for call in TARGET_CALLS:
        got, expected = ours(**call), theirs(**call)
        assert sorted(got.keys()) == sorted(expected.keys()), call
        for key in expected:
            assert plain(got[key]) == plain(expected[key]), (call, key)
        assert (ours.src_lang, ours.tgt_lang) == (theirs.src_lang, theirs.tgt_lang)
        assert ours.encode("hi there") == theirs.encode("hi there"), call
    # Setting tgt_lang makes the target template current until the next call, as in transformers.
    for tok in (ours, theirs):
        tok.tgt_lang = "fra"
    assert ours.encode("hi") == theirs.encode("hi")
    assert ours("hi")["input_ids"] == theirs("hi")["input_ids"]
    assert ours.encode("hi") == theirs.encode("hi")


def test_text_target_without_language_modes(models, folders_root):
    """A class without modes encodes `text_target` as it encodes text (the translation classes:
    tests/test_text_targets.py)."""
    from parity import plain

    directory = make(models, folders_root, ("T5Tokenizer", "unigram", {}))
    ours = AutoTokenizer.from_pretrained(directory)
    theirs = transformers.AutoTokenizer.from_pretrained(str(directory))
    for call in TARGET_CALLS[:3] + TARGET_CALLS[6:]:
        got, expected = ours(**call), theirs(**call)
        assert sorted(got.keys()) == sorted(expected.keys()), call
        for key in expected:
            assert plain(got[key]) == plain(expected[key]), (call, key)
    with pytest.raises(ValueError, match="text_target"):
        ours(text=None)
    with pytest.raises(AttributeError):
        _ = ours.src_lang


def test_pegasus_model_without_its_layout_is_refused(models, tmp_path):
    """transformers cannot build Pegasus from a model whose unk is not at id 2 (it raises ValueError)."""
    directory = builders.folder(tmp_path, models["unigram"], "PegasusTokenizer", "pegasus-unk-first")
    with pytest.raises(ValueError):
        transformers.AutoTokenizer.from_pretrained(str(directory))
    with pytest.raises(ValueError, match="PegasusTokenizer") as info:
        AutoTokenizer.from_pretrained(directory)
    assert "spiece.model" in str(info.value)


@pytest.mark.parametrize("tokenizer_class", ["LasrTokenizer", "ParakeetTokenizer"])
def test_ctc_classes_decode_like_transformers(models, tmp_path, tokenizer_class):
    """Speech (CTC) classes merge repeated ids and drop the pad (blank) id unless `group_tokens=False`."""
    directory = builders.folder(tmp_path, models["unigram"], tokenizer_class, "ctc")
    ours = AutoTokenizer.from_pretrained(directory)
    theirs = transformers.AutoTokenizer.from_pretrained(str(directory))
    ids = theirs("hello  world")["input_ids"]
    pad = theirs.pad_token_id if theirs.pad_token_id is not None else theirs.unk_token_id
    rows = [[ids[0], ids[0], pad, *ids[1:], ids[-1]], [pad, pad, *ids]]
    for group in (True, False):
        for skip in (False, True):
            expected = theirs.batch_decode(rows, skip_special_tokens=skip, group_tokens=group)
            assert ours.batch_decode(rows, skip_special_tokens=skip, group_tokens=group) == expected
            assert ours.decode(rows[0], skip_special_tokens=skip, group_tokens=group) == expected[0]
