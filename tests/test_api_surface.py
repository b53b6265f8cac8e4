"""transformers 5.24's public tokenizer names on ferrotok: every one is offered except a documented list
(`ferrotok._api.LEFT_OUT`, also in the README), and the offered attributes give transformers' values."""

from __future__ import annotations

import json

import ferrotok
import pytest
import transformers
from conftest import FIXTURES
from ferrotok._api import LEFT_OUT, AddedToken

FOLDERS = {"bert": None, "gpt2": FIXTURES / "gpt2"}


@pytest.fixture(scope="module", params=list(FOLDERS))
def pair(request, model_dir):
    folder = FOLDERS[request.param] or model_dir
    return ferrotok.AutoTokenizer.from_pretrained(folder), transformers.AutoTokenizer.from_pretrained(folder)


def public(obj) -> set[str]:
    return {name for name in dir(obj) if not name.startswith("_")}


def test_missing_names_are_exactly_the_documented_ones(pair):
    ours, theirs = pair
    assert public(theirs) - public(ours) == set(LEFT_OUT)


def test_readme_lists_every_left_out_name():
    readme = (FIXTURES.parent.parent / "README.md").read_text(encoding="utf-8")
    for name in LEFT_OUT:
        assert f"`{name}`" in readme, name


@pytest.mark.parametrize(
    "name",
    [
        "SPECIAL_TOKENS_ATTRIBUTES",
        "add_bos_token",
        "add_eos_token",
        "add_prefix_space",
        "backend",
        "can_save_slow_tokenizer",
        "chat_control_tokens",
        "clean_up_tokenization_spaces_for_bpe_even_though_it_will_corrupt_output",
        "deprecation_warnings",
        "files_loaded",
        "init_inputs",
        "pretrained_vocab_files_map",
        "response_template",
        "slow_tokenizer_class",
        "split_special_tokens",
        "verbose",
        "vocab_file",
        "vocab_files_names",
        "vocab",
        "all_special_tokens",
        "all_special_ids",
        "special_tokens_map",
        "model_input_names",
        "model_max_length",
        "is_fast",
        "vocab_size",
        "max_len_single_sentence",
        "max_len_sentences_pair",
        "pad_token_type_id",
    ],
)
def test_attribute_values_match(pair, name):
    ours, theirs = pair
    assert getattr(ours, name) == getattr(theirs, name)


def test_decoder_decodes_as_transformers(pair):
    ours, theirs = pair
    assert type(ours.decoder).__name__ == type(theirs.decoder).__name__
    text = "Héllo wörld, 2 tokenizers! 日本語"
    tokens = theirs.convert_ids_to_tokens(theirs(text, add_special_tokens=False)["input_ids"])
    assert ours.decoder.decode(tokens) == theirs.decoder.decode(tokens)
    assert repr(ours.decoder) == repr(theirs.decoder)


def test_bert_settings_only_on_bert(pair):
    ours, theirs = pair
    for name in ("do_lower_case", "strip_accents", "tokenize_chinese_chars"):
        assert hasattr(ours, name) == hasattr(theirs, name)
        if hasattr(theirs, name):
            assert getattr(ours, name) == getattr(theirs, name)


def test_added_tokens_decoder(pair):
    ours, theirs = pair
    assert repr(ours.added_tokens_decoder) == repr(theirs.added_tokens_decoder)
    assert ours.added_tokens_decoder == theirs.added_tokens_decoder
    ours.add_tokens(["<new>"])
    theirs.add_tokens(["<new>"])
    assert repr(ours.added_tokens_decoder) == repr(theirs.added_tokens_decoder)
    assert ours.get_added_vocab() == theirs.get_added_vocab()


def test_init_kwargs_hold_the_config(pair):
    ours, theirs = pair
    for key in ("model_max_length", "name_or_path", "backend"):
        assert ours.init_kwargs[key] == theirs.init_kwargs[key], key
    assert repr(ours.init_kwargs["added_tokens_decoder"]).startswith("{")


def test_convert_added_tokens_round_trip(pair):
    ours, theirs = pair
    token = AddedToken("<x>", lstrip=True, special=True)
    saved = ours.convert_added_tokens({"t": [token]}, save=True)
    hf_token = transformers.AddedToken("<x>", lstrip=True, special=True)
    assert saved == theirs.convert_added_tokens({"t": [hf_token]}, save=True)
    assert repr(ours.convert_added_tokens(saved["t"][0])) == repr(
        theirs.convert_added_tokens(dict(saved["t"][0]))
    )


def test_one_added_token_class_for_both_apis(pair):
    ours, theirs = pair
    assert AddedToken is ferrotok.AddedToken
    for i, token in ours.added_tokens_decoder.items():
        assert type(token) is AddedToken
        assert ours.backend_tokenizer.get_added_tokens_decoder()[i] == token
        assert token == theirs.added_tokens_decoder[i] and theirs.added_tokens_decoder[i] == token
    # As tokenizers: a token never equals its content string, and `normalized` follows a later `special`.
    token = AddedToken("<y>")
    assert token != "<y>" and token != transformers.AddedToken("<y>", lstrip=True)
    token.special = True
    hf_token = transformers.AddedToken("<y>")
    hf_token.special = True
    assert repr(token) == repr(hf_token) and token.__getstate__() == hf_token.__getstate__()


def test_save_vocabulary_writes_loadable_files(pair, tmp_path):
    ours, theirs = pair
    files = ours.save_vocabulary(str(tmp_path), "p")
    assert all(f.startswith(str(tmp_path / "p-")) for f in files)
    if ours.backend_tokenizer.model.type == "WordPiece":
        lines = (tmp_path / "p-vocab.txt").read_text(encoding="utf-8").splitlines()
        vocab = theirs.backend_tokenizer.get_vocab(with_added_tokens=False)
        assert lines == sorted(vocab, key=vocab.get)
    else:
        vocab = json.loads((tmp_path / "p-vocab.json").read_text(encoding="utf-8"))
        assert vocab == theirs.backend_tokenizer.get_vocab(with_added_tokens=False)
        merges = (tmp_path / "p-merges.txt").read_text(encoding="utf-8").splitlines()
        assert merges[0].startswith("#version") and len(merges) > 1
    with pytest.raises(OSError):
        ours.save_vocabulary(str(tmp_path / "missing"))


def test_mlx_tensors_need_mlx(pair):
    ours, _ = pair
    try:
        import mlx.core  # noqa: F401
    except ImportError:
        pass
    else:
        pytest.skip("mlx is installed: this test checks the error when it is not (mlx is Apple silicon only)")
    theirs_error = _error(lambda: pair[1](["hello"], return_tensors="mlx"))
    ours_error = _error(lambda: ours(["hello"], return_tensors="mlx"))
    assert type(ours_error) is type(theirs_error) is ImportError
    assert "MLX is not installed" in str(ours_error)


def _error(call):
    try:
        call()
    except Exception as exc:
        return exc
    raise AssertionError("expected an exception")
