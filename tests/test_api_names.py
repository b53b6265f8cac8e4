"""Every public name of tokenizers 0.23 (`Tokenizer`, `Encoding`, the component modules and their classes,
their parameters) and of transformers 5.24's `BatchEncoding` exists on ferrotok, except the documented
`LEFT_OUT` below (also in the README); parameters read and set as there, and constructors and methods take
the same keyword names and defaults. `tests/test_api_surface.py` does the same for the transformers
tokenizer itself."""

from __future__ import annotations

import base64
import inspect
import json
import os
import re

import ferrotok
import pytest
import tokenizers
import transformers
from conftest import FIXTURES

MODULES = ("decoders", "normalizers", "pre_tokenizers", "processors", "models", "trainers")

# Public names of tokenizers 0.23 that ferrotok does not offer, with the reason (the README says the same).
LEFT_OUT = {
    "tokenizers": "tokenizers' compiled extension module",
    "Enum": "typing re-export of tokenizers' stubs",
    "List": "typing re-export of tokenizers' stubs",
    "Tuple": "typing re-export of tokenizers' stubs",
    "Union": "typing re-export of tokenizers' stubs",
    # (present in tokenizers' modules or not depending on what was imported before)
    **{f"{m}.{m}": "tokenizers' compiled submodule" for m in MODULES},
}

# One instance of each component class, built from the same arguments in both libraries.
ARGUMENTS: dict[str, dict[str, dict]] = {
    "decoders": {
        "Strip": {"content": "x", "left": 1, "right": 2},
        "Replace": {"pattern": "_", "content": " "},
        "Sequence": {"decoders": []},
    },
    "normalizers": {
        "Prepend": {"prepend": "▁"},
        "Replace": {"pattern": "a", "content": "b"},
        "Precompiled": {
            "precompiled_charsmap": base64.b64decode((FIXTURES / "charsmap" / "rules.b64").read_bytes())
        },
        "Sequence": {"normalizers": []},
    },
    "pre_tokenizers": {
        "Split": {"pattern": "a", "behavior": "merged_with_previous", "invert": True},
        "CharDelimiterSplit": {"delimiter": "x"},
        "Punctuation": {"behavior": "contiguous"},
        "Sequence": {"pretokenizers": []},
    },
    "processors": {
        "BertProcessing": {"sep": ("[SEP]", 1), "cls_token": ("[CLS]", 0)},
        "RobertaProcessing": {"sep": ("</s>", 2), "cls_token": ("<s>", 0), "trim_offsets": False},
        "TemplateProcessing": {
            "single": "[CLS] $A",
            "pair": "[CLS] $A $B:1",
            "special_tokens": [("[CLS]", 0)],
        },
        "Sequence": {"processors": []},
    },
    "models": {
        "WordLevel": {"vocab": {"a": 0, "<unk>": 1}, "unk_token": "<unk>"},
        "WordPiece": {"vocab": {"a": 0, "[UNK]": 1}, "max_input_chars_per_word": 7},
        "BPE": {"vocab": {"a": 0, "b": 1, "ab": 2}, "merges": [("a", "b")], "fuse_unk": True},
        "Unigram": {"vocab": [("<unk>", 0.0), ("a", -1.0)], "unk_id": 0},
    },
    "trainers": {},
}
ABSTRACT = {"Decoder", "Normalizer", "PreTokenizer", "PostProcessor", "Model", "Trainer", "DecodeStream"}
# tokenizers' `pattern` getters raise ("Cannot get pattern"); ferrotok gives the tokenizer.json value.
UNREADABLE = {("normalizers", "Replace", "pattern"), ("pre_tokenizers", "Split", "pattern")}


def public(obj: object) -> set[str]:
    return {name for name in dir(obj) if not name.startswith("_")}


def missing(ours: object, theirs: object, prefix: str = "") -> set[str]:
    return {f"{prefix}{name}" for name in public(theirs) - public(ours)}


def classes(module: str) -> list[tuple[str, str]]:
    m = getattr(tokenizers, module)
    return [(module, n) for n in sorted(public(m)) if isinstance(getattr(m, n), type)]


ALL_CLASSES = [pair for module in MODULES for pair in classes(module)]
CONCRETE = [(m, n) for m, n in ALL_CLASSES if n not in ABSTRACT]


def build(library: object, module: str, name: str) -> object:
    cls = getattr(getattr(library, module), name)
    arguments = ARGUMENTS[module].get(name, {})
    return cls(*arguments.values()) if name == "Sequence" else cls(**arguments)


def test_readme_lists_every_left_out_name() -> None:
    readme = (FIXTURES.parent.parent / "README.md").read_text(encoding="utf-8")
    for name in LEFT_OUT:
        assert re.search(rf"`([\w.]*\.)?{name.rsplit('.', 1)[-1]}`", readme), name


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        (ferrotok.Tokenizer, tokenizers.Tokenizer),
        (ferrotok.Encoding, tokenizers.Encoding),
        (ferrotok.AddedToken, tokenizers.AddedToken),
        (ferrotok.NormalizedString, tokenizers.NormalizedString),
        (ferrotok.PreTokenizedString, tokenizers.PreTokenizedString),
        (ferrotok.Token, tokenizers.Token),
        (ferrotok.Regex, tokenizers.Regex),
        (ferrotok.BatchEncoding, transformers.BatchEncoding),
        *[
            (getattr(ferrotok, n), getattr(tokenizers, n))
            for n in (
                "BertWordPieceTokenizer",
                "ByteLevelBPETokenizer",
                "CharBPETokenizer",
                "SentencePieceBPETokenizer",
                "SentencePieceUnigramTokenizer",
            )
        ],
    ],
    ids=lambda c: c.__name__,
)
def test_class_names(ours: type, theirs: type) -> None:
    assert missing(ours, theirs) == set()


def test_module_names() -> None:
    gaps = missing(ferrotok, tokenizers)
    for module in MODULES:
        gaps |= missing(getattr(ferrotok, module), getattr(tokenizers, module), f"{module}.")
    documented = {name for name in LEFT_OUT if name.count(".") < 2}
    assert gaps - documented == set()
    assert {name for name in documented if name.count(".") == 0} <= gaps  # none offered since


def test_component_and_trainer_names() -> None:
    gaps = set()
    for module, name in ALL_CLASSES:
        theirs = getattr(getattr(tokenizers, module), name)
        ours = (
            build(ferrotok, module, name)
            if (module, name) in CONCRETE
            else getattr(ferrotok, module).__dict__[name]
        )
        gaps |= missing(ours, theirs, f"{module}.{name}.")
    assert gaps == {name for name in LEFT_OUT if name.count(".") == 2}


@pytest.mark.parametrize(("module", "name"), CONCRETE)
def test_parameters_read_as_tokenizers(module: str, name: str) -> None:
    ours, theirs = build(ferrotok, module, name), build(tokenizers, module, name)
    if module != "trainers" and module != "models":
        assert json.loads(ours.__getstate__()) == json.loads(theirs.__getstate__())
    for attr in sorted(public(theirs)):
        if (module, name, attr) in UNREADABLE or f"{module}.{name}.{attr}" in LEFT_OUT:
            continue
        value = getattr(theirs, attr)
        if callable(value):
            continue
        assert getattr(ours, attr) == value, attr
        assert type(getattr(ours, attr)) is type(value), attr


def _text_signature(obj: object) -> list[tuple[str, str | None]]:
    """(name, default as written) of a tokenizers class or method, from its `__text_signature__`."""
    text = getattr(obj, "__text_signature__", None) or ""
    params = []
    for part in re.findall(
        r"(\w+)\s*(?::[^=,]*)?(?:=\s*(\[\]|\"[^\"]*\"|'[^']*'|[^,)]+))?", text.strip("()")
    ):
        name, default = part
        if name not in ("self", "str", "int"):
            params.append((name, default.strip() if default else None))
    return params


@pytest.mark.parametrize(("module", "name"), CONCRETE)
def test_constructor_keywords_and_defaults(module: str, name: str) -> None:
    theirs = getattr(getattr(tokenizers, module), name)
    ours = getattr(getattr(ferrotok, module), name)
    # The names of tokenizers' text signature (its defaults are checked by building the objects: some
    # of the written ones are not the real ones, as Metaspace's replacement).
    assert list(inspect.signature(ours).parameters) == [n for n, _ in _text_signature(theirs)]
    if module == "trainers" or name == "Sequence":  # tokenizers takes Sequence's list positionally only
        return
    # Every argument by keyword, the same component.
    arguments = ARGUMENTS[module].get(name, {})
    made, ref = ours(**arguments), theirs(**arguments)
    if module == "models":
        assert made.get_vocab() == ref.get_vocab() if hasattr(ref, "get_vocab") else True
        assert made.token_to_id("a") == ref.token_to_id("a")
    else:
        assert json.loads(made.__getstate__()) == json.loads(ref.__getstate__())


@pytest.mark.parametrize("name", [n for m, n in CONCRETE if m == "trainers"])
def test_trainer_defaults(name: str) -> None:
    ours, theirs = getattr(ferrotok.trainers, name)(), getattr(tokenizers.trainers, name)()
    for attr in public(theirs):
        value = getattr(theirs, attr)
        if not callable(value):
            assert getattr(ours, attr) == value, attr


def test_parameters_set_as_tokenizers() -> None:
    """Setting a component's parameter changes the tokenizer it was read from, as in tokenizers; a
    component that the tokenizer no longer holds changes alone."""
    document = (FIXTURES / "bert-uncased" / "tokenizer.json").read_text(encoding="utf-8")
    results = []
    for lib in (ferrotok, tokenizers):
        tok = lib.Tokenizer.from_str(document)
        tok.no_padding()
        tok.normalizer.lowercase = False
        normalizer = tok.normalizer
        normalizer.strip_accents = False
        tok.post_processor = lib.processors.BertProcessing(("[SEP]", 102), ("[CLS]", 101))
        tok.post_processor.sep = ("[SEP]", 5)
        tok.pre_tokenizer = lib.pre_tokenizers.Split(" ", "removed")
        tok.pre_tokenizer.behavior = "isolated"
        tok.model.max_input_chars_per_word = 3
        tok.decoder.prefix = "@@"
        detached = tok.decoder
        tok.decoder = lib.decoders.WordPiece()
        detached.prefix = "%%"
        encoding = tok.encode("Héllo WORLD ab")
        results.append(
            (
                encoding.ids,
                encoding.tokens,
                tok.decode([7592, 2088, 1030]),
                tok.pre_tokenizer.behavior,
                tok.post_processor.sep,
                tok.decoder.prefix,
                detached.prefix,
                json.loads(tok.to_str())["normalizer"],
            )
        )
    assert results[0] == results[1]


def test_method_keywords() -> None:
    """Keyword names that differ from tokenizers' text signatures are checked by calling both."""
    vocab = FIXTURES / "bert-uncased" / "vocab.txt"
    assert ferrotok.models.WordPiece.read_file(vocab=str(vocab)) == tokenizers.models.WordPiece.read_file(
        vocab=str(vocab)
    )
    for lib in (ferrotok, tokenizers):
        model = lib.models.WordLevel({"a": 0, "<unk>": 1}, unk_token="<unk>")
        assert model.token_to_id(token="a") == 0
    texts = []
    for lib in (ferrotok, tokenizers):
        normalized = lib.NormalizedString("a b a")
        normalized.replace(pattern="a", content="c")
        parts = normalized.split(pattern=" ", behavior="isolated")
        texts.append([p.normalized for p in parts])
    assert texts[0] == texts[1]
    for name in ("BpeTrainer",):
        for lib in (ferrotok, tokenizers):
            assert getattr(lib.trainers, name)(progress_format="silent").progress_format == "silent"


def _python_signature_gaps(ours: object, theirs: object) -> list[str]:
    """HF parameters ours lacks (unless ours takes **kwargs) or whose default differs."""
    gaps = []
    for name in sorted(public(theirs)):
        ref = getattr(theirs, name)
        if not callable(ref) or not hasattr(ours, name) or isinstance(ref, type):
            continue
        try:
            expected, got = (
                inspect.signature(ref).parameters,
                inspect.signature(getattr(ours, name)).parameters,
            )
        except (TypeError, ValueError):
            continue
        var_keyword = any(p.kind is p.VAR_KEYWORD for p in got.values())
        for key, param in expected.items():
            if param.kind in (param.VAR_KEYWORD, param.VAR_POSITIONAL) or key == "self":
                continue
            if key not in got:
                if not var_keyword:
                    gaps.append(f"{name}({key})")
            elif param.default is not param.empty and got[key].default != param.default:
                gaps.append(f"{name}({key}={param.default!r}, ours {got[key].default!r})")
    return gaps


def test_batch_encoding_signatures() -> None:
    data = {"input_ids": [[1, 2, 3]], "attention_mask": [[1, 1, 1]]}
    assert _python_signature_gaps(ferrotok.BatchEncoding(data), transformers.BatchEncoding(data)) == []
    ours = ferrotok.BatchEncoding({"input_ids": [1, 2]}, tensor_type="np", prepend_batch_axis=True)
    theirs = transformers.BatchEncoding({"input_ids": [1, 2]}, tensor_type="np", prepend_batch_axis=True)
    assert ours["input_ids"].tolist() == theirs["input_ids"].tolist() == [[1, 2]]


def test_transformers_tokenizer_signatures() -> None:
    folder = FIXTURES / "bert-uncased"
    ours = ferrotok.AutoTokenizer.from_pretrained(folder)
    theirs = transformers.AutoTokenizer.from_pretrained(folder)
    assert _python_signature_gaps(ours, theirs) == []
    again = type(ours).from_pretrained(pretrained_model_name_or_path=folder)
    assert again("Hello world")["input_ids"] == theirs("Hello world")["input_ids"]


def test_save_pretrained_filename_prefix(tmp_path) -> None:
    folder = FIXTURES / "bert-uncased"
    ours = ferrotok.AutoTokenizer.from_pretrained(folder)
    theirs = transformers.AutoTokenizer.from_pretrained(folder)
    ours.chat_template = theirs.chat_template = "{% for m in messages %}{{ m['content'] }}{% endfor %}"
    written = {os.path.basename(p) for p in ours.save_pretrained(tmp_path / "a", filename_prefix="p")}
    expected = {os.path.basename(p) for p in theirs.save_pretrained(tmp_path / "b", filename_prefix="p")}
    assert written == expected
    assert all(name.startswith("p-") for name in os.listdir(tmp_path / "a"))
    assert json.loads((tmp_path / "a" / "p-tokenizer.json").read_text(encoding="utf-8")) == json.loads(
        (tmp_path / "b" / "p-tokenizer.json").read_text(encoding="utf-8")
    )
    with pytest.raises(NotImplementedError, match="push_to_hub"):
        ours.save_pretrained(tmp_path / "c", push_to_hub=True)


def test_clean_up_tokenization_and_save_chat_templates(tmp_path) -> None:
    """The two transformers helpers no other test calls, against transformers."""
    folder = FIXTURES / "bert-uncased"
    ours = ferrotok.AutoTokenizer.from_pretrained(folder)
    theirs = transformers.AutoTokenizer.from_pretrained(folder)
    text = "Hello , world ! It 's n't a test . ? I 'm , 've 're do n't"
    assert ours.clean_up_tokenization(text) == theirs.clean_up_tokenization(text)
    templates = {"default": "{{ messages }}", "tool_use": "{{ tools }}"}
    results = []
    for k, tok in enumerate((ours, theirs)):
        tok.chat_template = templates
        for jinja in (True, False):
            for prefix in (None, "p"):
                folder_k = tmp_path / f"{k}-{jinja}-{prefix}"
                folder_k.mkdir()
                config: dict = {"a": 1}
                returned, files = tok.save_chat_templates(str(folder_k), config, prefix, jinja)
                results.append(
                    (
                        returned,
                        config,
                        sorted(os.path.relpath(f, folder_k) for f in files),
                        sorted(str(p.relative_to(folder_k)) for p in folder_k.rglob("*")),
                    )
                )
    assert results[:4] == results[4:]


def test_batch_encoding_dict_methods() -> None:
    data = {"input_ids": [[1, 2]], "attention_mask": [[1, 1]]}
    ours, theirs = ferrotok.BatchEncoding(dict(data)), transformers.BatchEncoding(dict(data))
    assert ours.popitem() == theirs.popitem()
    assert dict(ours) == dict(theirs)
    assert dict(ferrotok.BatchEncoding.fromkeys(["x"], 1)) == dict(
        transformers.BatchEncoding.fromkeys(["x"], 1)
    )
    assert type(ferrotok.BatchEncoding.fromkeys(["x"])) is ferrotok.BatchEncoding


@pytest.mark.parametrize(
    "call",
    [
        lambda lib: lib.processors.BertProcessing("x", ("[CLS]", 0)),
        lambda lib: lib.processors.BertProcessing(("[SEP]", "y"), ("[CLS]", 0)),
        lambda lib: lib.processors.BertProcessing(("[SEP]",), ("[CLS]", 0)),
        lambda lib: lib.processors.RobertaProcessing(("</s>", 2), 3),
        lambda lib: lib.pre_tokenizers.Split("a", "nope"),
        lambda lib: lib.pre_tokenizers.Punctuation("nope"),
        lambda lib: lib.processors.TemplateProcessing(single="$C"),
        lambda lib: lib.normalizers.Sequence([1]),
        lambda lib: lib.AddedToken(3),
        lambda lib: setattr(lib.normalizers.BertNormalizer(), "lowercase", "x"),
        lambda lib: setattr(lib.normalizers.BertNormalizer(), "strip_accents", 1),
        lambda lib: setattr(lib.models.BPE(), "dropout", "x"),
        lambda lib: setattr(lib.processors.BertProcessing(("a", 1), ("b", 2)), "sep", ["a", 1, 2][0]),
        lambda lib: setattr(lib.processors.BertProcessing(("a", 1), ("b", 2)), "cls", ("b",)),
    ],
)
def test_bad_arguments_raise_tokenizers_exceptions(call) -> None:
    """The exception class tokenizers raises, or a subclass of it (ferrotok's message names the argument):
    where tokenizers raises a bare `Exception`, ferrotok's `FerrotokError` is a `ValueError`, which every
    `except Exception` still catches (README, "Where ferrotok differs")."""
    with pytest.raises(Exception) as theirs:
        call(tokenizers)
    with pytest.raises(Exception) as ours:
        call(ferrotok)
    assert isinstance(ours.value, theirs.type), (ours.value, theirs.value)


def test_batch_encoding_from_encodings() -> None:
    """`BatchEncoding(data, encoding=...)` with tokenizers-style encodings, as transformers builds one."""
    document = (FIXTURES / "bert-uncased" / "tokenizer.json").read_text(encoding="utf-8")
    results = []
    for lib, batch in ((ferrotok, ferrotok.BatchEncoding), (tokenizers, transformers.BatchEncoding)):
        tok = lib.Tokenizer.from_str(document)
        tok.no_padding()
        rows = tok.encode_batch(["Hello wörld", ("a pair", "of texts")])
        data = {"input_ids": [e.ids for e in rows]}
        whole, one = batch(data, encoding=rows), batch({"input_ids": rows[1].ids}, encoding=rows[1])
        results.append(
            (
                whole.is_fast,
                whole.n_sequences,
                whole.tokens(1),
                whole.word_ids(0),
                whole.char_to_token(0, 3),
                whole.token_to_chars(1, 2),
                whole.sequence_ids(1),
                one.n_sequences,
                one.tokens(),
                [e.ids for e in whole.encodings],
            )
        )
    assert results[0] == results[1]


@pytest.mark.parametrize("name", ["BPE", "WordPiece", "WordLevel", "Unigram"])
def test_model_get_trainer(name: str) -> None:
    ours, theirs = (
        build(ferrotok, "models", name).get_trainer(),
        build(tokenizers, "models", name).get_trainer(),
    )
    assert type(ours).__name__ == type(theirs).__name__
    for attr in public(theirs):
        if not callable(getattr(theirs, attr)):
            assert getattr(ours, attr) == getattr(theirs, attr), attr


# Where tokenizers' written signature is not what it accepts (checked by calling both in
# test_custom_keywords and test_method_keywords): the keywords it really takes.
REAL_KEYWORDS = {("Model", "token_to_id"): ["token"], ("Normalizer", "custom"): ["obj"]}


def _method_pairs() -> list[tuple[type, type]]:
    pairs = [
        (ferrotok.Tokenizer, tokenizers.Tokenizer),
        (ferrotok.Encoding, tokenizers.Encoding),
        (ferrotok.NormalizedString, tokenizers.NormalizedString),
        (ferrotok.PreTokenizedString, tokenizers.PreTokenizedString),
        (ferrotok.decoders.DecodeStream, tokenizers.decoders.DecodeStream),
    ]
    for module, name in ALL_CLASSES:
        pairs.append((getattr(getattr(ferrotok, module), name), getattr(getattr(tokenizers, module), name)))
    return pairs


def test_method_keyword_names() -> None:
    gaps = []
    for ours, theirs in _method_pairs():
        for name in sorted(public(theirs)):
            ref = getattr(theirs, name)
            if (
                not callable(ref)
                or getattr(ref, "__text_signature__", None) is None
                or not hasattr(ours, name)
            ):
                continue
            base = next((c.__name__ for c in theirs.__mro__ if (c.__name__, name) in REAL_KEYWORDS), None)
            expected = REAL_KEYWORDS.get((base, name)) or [n for n, _ in _text_signature(ref)]
            got = [p for p in inspect.signature(getattr(ours, name)).parameters if p != "self"]
            if got[: len(expected)] != expected:
                gaps.append(f"{theirs.__name__}.{name}: {got} != {expected}")
    assert gaps == []


def test_custom_keywords() -> None:
    class Stage:
        def normalize(self, normalized):
            normalized.lowercase()

        def pre_tokenize(self, pretokenized):
            pretokenized.split(lambda i, s: s.split(" ", "removed"))

        def decode_chain(self, tokens):
            return [t.upper() for t in tokens]

    for lib in (ferrotok, tokenizers):
        assert lib.normalizers.Normalizer.custom(obj=Stage()).normalize_str("AbC") == "abc"
        assert lib.pre_tokenizers.PreTokenizer.custom(pretok=Stage()).pre_tokenize_str("a b") == [
            ("a", (0, 1)),
            ("b", (2, 3)),
        ]
        assert lib.decoders.Decoder.custom(decoder=Stage()).decode(["a", "b"]) == "AB"


def test_empty_encoding() -> None:
    """`Encoding()` (empty, as tokenizers builds one) and merges that start or end with one."""
    document = (FIXTURES / "bert-uncased" / "tokenizer.json").read_text(encoding="utf-8")
    results = []
    for lib in (ferrotok, tokenizers):
        tok = lib.Tokenizer.from_str(document)
        tok.no_padding()
        empty = lib.Encoding()
        merged = lib.Encoding.merge([lib.Encoding(), tok.encode("hi there"), lib.Encoding()])
        padded = lib.Encoding()
        padded.pad(3, pad_id=7, pad_token="<p>")
        results.append(
            (
                (
                    len(empty),
                    empty.ids,
                    empty.tokens,
                    empty.n_sequences,
                    empty.word_ids,
                    len(empty.overflowing),
                ),
                (merged.ids, merged.tokens, merged.offsets, merged.sequence_ids),
                len(lib.Encoding.merge([])),
                (padded.ids, padded.tokens, padded.attention_mask, padded.special_tokens_mask),
            )
        )
    assert results[0] == results[1]


@pytest.mark.parametrize(
    ("call_kwargs", "tokenizer_kwargs"),
    [
        ({}, {"padding": True, "max_length": 4, "truncation": True}),
        ({"max_length": 6, "truncation": True}, {"max_length": 4}),
        ({"return_length": True}, {"return_length": False, "return_special_tokens_mask": True}),
        ({}, None),
    ],
)
def test_tokenizer_kwargs(call_kwargs: dict, tokenizer_kwargs: dict | None) -> None:
    """transformers 5's `tokenizer_kwargs` call argument: merged over the named arguments."""
    folder = FIXTURES / "bert-uncased"
    texts = ["a b c d e f", "x"]
    results = [
        dict(
            lib.AutoTokenizer.from_pretrained(folder)(texts, tokenizer_kwargs=tokenizer_kwargs, **call_kwargs)
        )
        for lib in (ferrotok, transformers)
    ]
    assert results[0] == results[1]


def test_chat_template_tokenizer_kwargs() -> None:
    folder = FIXTURES / "bert-uncased"
    messages = [{"role": "user", "content": "Hello there"}, {"role": "assistant", "content": "Hi"}]
    results = []
    for lib in (ferrotok, transformers):
        tok = lib.AutoTokenizer.from_pretrained(folder)
        tok.chat_template = "{% for m in messages %}{{ m['role'] }}: {{ m['content'] }} {% endfor %}"
        out = tok.apply_chat_template(
            messages, tokenizer_kwargs={"return_special_tokens_mask": True, "return_length": True}
        )
        results.append(dict(out))
    assert results[0] == results[1]
    assert "special_tokens_mask" in results[0]


def test_encoding_words_is_deprecated() -> None:
    document = (FIXTURES / "bert-uncased" / "tokenizer.json").read_text(encoding="utf-8")
    messages = []
    for lib in (ferrotok, tokenizers):
        encoding = lib.Tokenizer.from_str(document).encode("hello world")
        with pytest.warns(DeprecationWarning) as caught:
            assert encoding.words == encoding.word_ids
        messages.append(str(caught[0].message))
    assert messages[0] == messages[1]


def test_unigram_sampling_reads_none() -> None:
    """Subword sampling is not implemented: `alpha` / `nbest_size` read None (tokenizers' default, no
    sampling), take None, and refuse a value with the same ValueError as the constructor."""
    ours, theirs = build(ferrotok, "models", "Unigram"), build(tokenizers, "models", "Unigram")
    for name in ("alpha", "nbest_size"):
        assert getattr(ours, name) is getattr(theirs, name) is None
        setattr(ours, name, None)
        with pytest.raises(ValueError, match="subword sampling"):
            setattr(ours, name, 0.1 if name == "alpha" else 4)


def test_input_types() -> None:
    """tokenizers' annotation types and enums, importable from ferrotok with the same members."""
    for name in ("OffsetReferential", "OffsetType", "SplitDelimiterBehavior"):
        ours, theirs = getattr(ferrotok, name), getattr(tokenizers, name)
        assert [(m.name, m.value) for m in ours] == [(m.name, m.value) for m in theirs]
    assert ferrotok.TextInputSequence is str
    for name in ("EncodeInput", "InputSequence", "Offsets", "PreTokenizedEncodeInput", "TextEncodeInput"):
        assert getattr(ferrotok, name) is not None


def test_sequence_members_set_as_tokenizers() -> None:
    """`tok.normalizer[0].lowercase = False` and `seq[i] = component` change the sequence and the
    tokenizer holding it, as tokenizers' shared members do; a sequence the tokenizer no longer holds
    changes alone. Index errors, `len` and iteration as there."""
    document = (FIXTURES / "bert-uncased" / "tokenizer.json").read_text(encoding="utf-8")
    results = []
    for lib in (ferrotok, tokenizers):
        norm, pre, post = lib.normalizers, lib.pre_tokenizers, lib.processors
        tok = lib.Tokenizer.from_str(document)
        tok.no_padding()
        tok.normalizer = norm.Sequence([norm.BertNormalizer(), norm.Strip()])
        tok.pre_tokenizer = pre.Sequence([pre.Whitespace(), pre.Digits()])
        tok.post_processor = post.Sequence([post.BertProcessing(("[SEP]", 102), ("[CLS]", 101))])
        tok.normalizer[0].lowercase = False
        tok.pre_tokenizer[1].individual_digits = True
        tok.post_processor[0].sep = ("[SEP]", 5)
        member = tok.normalizer[1]
        member.left = False
        tok.pre_tokenizer[0] = pre.WhitespaceSplit()
        detached = tok.normalizer
        tok.normalizer = norm.Sequence([norm.Lowercase(), norm.Strip()])
        detached[1].right = False
        alone = norm.Sequence([norm.Lowercase(), norm.BertNormalizer()])
        alone[1].lowercase = False
        alone[0] = tokenizers.normalizers.NFD()  # a tokenizers component is taken too
        errors = []
        for index in ("x", -1, 2):
            with pytest.raises((TypeError, OverflowError, IndexError)) as caught:
                alone[index]
            errors.append(caught.type)
        for value in (None, pre.Whitespace()):
            with pytest.raises(TypeError):
                alone[0] = value
        encoding = tok.encode("Héllo WORLD 123")
        saved = json.loads(tok.to_str())
        results.append(
            (
                encoding.ids,
                encoding.tokens,
                saved["normalizer"],
                saved["pre_tokenizer"],
                saved["post_processor"],
                json.loads(detached.__getstate__()),
                json.loads(alone.__getstate__()),
                len(tok.normalizer),
                [repr(m) for m in tok.pre_tokenizer],
                [type(m).__name__ for m in tok.post_processor],
                member.left,
                errors,
            )
        )
    assert results[0] == results[1]
    assert results[0][2]["normalizers"] == [
        {"type": "Lowercase"},
        {"type": "Strip", "strip_left": True, "strip_right": True},
    ]
    assert results[0][5]["normalizers"][1] == {"type": "Strip", "strip_left": False, "strip_right": False}
    for lib in (ferrotok, tokenizers):
        assert not hasattr(lib.pre_tokenizers.Sequence, "__len__")
        assert not hasattr(lib.decoders.Sequence, "__getitem__")


def test_bpe_trainer_word_count(tmp_path) -> None:
    """`BpeTrainer.get_word_count()`: the distinct words (normalized, pre-tokenized) that the last
    `train_from_iterator` / `train` run counted, 0 before any; min_frequency does not filter them."""
    texts = ["Hello wörld, hello World!", "a b a c", "hello a  ÀB", "", "   "]
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("\n".join(texts), encoding="utf-8")
    results = []
    for lib in (ferrotok, tokenizers):
        counts = []
        for pre in ("Whitespace", "ByteLevel"):
            tok = lib.Tokenizer(lib.models.BPE())
            tok.normalizer = lib.normalizers.Lowercase()
            tok.pre_tokenizer = getattr(lib.pre_tokenizers, pre)()
            trainer = lib.trainers.BpeTrainer(show_progress=False, min_frequency=2)
            counts.append(trainer.get_word_count())
            tok.train_from_iterator(texts, trainer=trainer)
            counts.append(trainer.get_word_count())
            tok.train_from_iterator(["x y"], trainer=trainer)
            counts.append(trainer.get_word_count())
            tok.train([str(corpus)], trainer=trainer)
            counts.append(trainer.get_word_count())
        results.append(counts)
    assert results[0] == results[1] == [0, 9, 2, 9, 0, 11, 2, 13]


@pytest.mark.parametrize(
    "tokens",
    [None, [None], ["hello", None], 5, 3.5, b"ab", [5], "hello", "", [], ("hello", "world"), {"hello": 1}],
    ids=repr,
)
def test_convert_tokens_to_ids_inputs(tokens: object) -> None:
    """A str gives an id, an iterable of str a list; None, numbers and lists holding a non-str raise
    transformers' TypeError with its message."""
    folder = FIXTURES / "bert-uncased"
    results = []
    for lib in (ferrotok, transformers):
        tok = lib.AutoTokenizer.from_pretrained(folder)
        try:
            results.append(tok.convert_tokens_to_ids(tokens))
        except TypeError as e:
            results.append(("TypeError", str(e)))
    assert results[0] == results[1]
    iterator_results = [
        lib.AutoTokenizer.from_pretrained(folder).convert_tokens_to_ids(iter(["hello", "[SEP]"]))
        for lib in (ferrotok, transformers)
    ]
    assert iterator_results[0] == iterator_results[1] == [7592, 102]
