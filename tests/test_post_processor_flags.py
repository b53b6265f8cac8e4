"""Setting `add_bos_token` / `add_eos_token` after loading rebuilds the post-processor as transformers 5 does
(`update_post_processor`: bos before and eos after each sequence, for every class), compared with transformers
at test time: ids, type ids, special-tokens masks, the serialized template, and what save_pretrained writes.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spm_folders
from conftest import FIXTURES
from parity import compare_call, compare_template_calls

transformers = pytest.importorskip("transformers")
import ferrotok  # noqa: E402

FIRST = ["Hello world, a test.", "Ünïcode text 漢字 and more words"]
SECOND = ["Second one", "b"]
# Flag changes applied in turn to the same pair of tokenizers.
STEPS = [
    ("add_eos_token", True),
    ("add_bos_token", False),
    ("add_bos_token", True),
    ("add_eos_token", False),
    ("add_bos_token", False),
]


@pytest.fixture(scope="module")
def sp_models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return spm_folders.train_all(tmp_path_factory.mktemp("spm"))


@pytest.fixture(params=["llama", "llama-bos", "t5", "bert", "gpt2"])
def folder(request, tmp_path, sp_models, model_dir) -> Path:
    name = request.param
    if name == "llama":
        return spm_folders.folder(tmp_path, sp_models["bpe_fallback"], "LlamaTokenizer", name)
    if name == "llama-bos":
        return spm_folders.folder(
            tmp_path,
            sp_models["bpe_fallback"],
            "LlamaTokenizer",
            name,
            add_bos_token=True,
            add_eos_token=False,
        )
    if name == "t5":
        return spm_folders.folder(tmp_path, sp_models["unigram"], "T5Tokenizer", name)
    return model_dir if name == "bert" else FIXTURES / "gpt2"


def post_processor(tok) -> object:
    return json.loads(tok.backend_tokenizer.to_str())["post_processor"]


def assert_same(ours, theirs, context) -> None:
    assert ours.add_bos_token == theirs.add_bos_token, context
    assert ours.add_eos_token == theirs.add_eos_token, context
    for pair in (False, True):
        assert ours.num_special_tokens_to_add(pair) == theirs.num_special_tokens_to_add(pair), context
    compare_template_calls(ours, theirs, FIRST, SECOND, (FIRST[0], SECOND[0]), 8)
    assert ours.encode(FIRST[1]) == theirs.encode(FIRST[1]), context
    assert ours.decode(ours.encode(FIRST[0]), skip_special_tokens=True) == theirs.decode(
        theirs.encode(FIRST[0]), skip_special_tokens=True
    )


def test_setting_flags_rebuilds_the_template(folder, tmp_path):
    ours = ferrotok.AutoTokenizer.from_pretrained(folder)
    theirs = transformers.AutoTokenizer.from_pretrained(str(folder))
    assert_same(ours, theirs, "loaded")
    for name, value in STEPS:
        setattr(ours, name, value)
        setattr(theirs, name, value)
        assert_same(ours, theirs, (name, value))
        if theirs.bos_token is not None and theirs.eos_token is not None:
            assert post_processor(ours) == post_processor(theirs), (name, value)
    # The template travels in tokenizer.json; the flags are not written to tokenizer_config.json.
    ours.add_eos_token = theirs.add_eos_token = True
    ours.save_pretrained(tmp_path / "ours")
    theirs.save_pretrained(str(tmp_path / "theirs"))
    for side in ("ours", "theirs"):
        config = json.loads((tmp_path / side / "tokenizer_config.json").read_text(encoding="utf-8"))
        assert "add_bos_token" not in config and "add_eos_token" not in config, side
    # Reloaded, the generic and Llama-style classes keep the saved template, while T5Tokenizer and
    # BertTokenizer build their own again at load (tests/test_template_rebuild.py), in both libraries.
    reloaded = ferrotok.AutoTokenizer.from_pretrained(tmp_path / "ours")
    theirs_reloaded = transformers.AutoTokenizer.from_pretrained(str(tmp_path / "theirs"))
    compare_call(reloaded, theirs_reloaded, FIRST, SECOND, return_token_type_ids=True)
    assert post_processor(reloaded) == post_processor(theirs_reloaded)


def test_flag_without_its_token_turns_off(model_dir):
    """BERT has no bos_token: asking for one leaves the flag off (transformers' rule), and the template is
    rebuilt without it (so BERT's [CLS] / [SEP] go, as in transformers)."""
    ours = ferrotok.AutoTokenizer.from_pretrained(model_dir)
    theirs = transformers.AutoTokenizer.from_pretrained(str(model_dir))
    ours.add_bos_token = theirs.add_bos_token = True
    assert ours.add_bos_token is False and theirs.add_bos_token is False
    compare_call(ours, theirs, FIRST, SECOND, return_token_type_ids=True)


def test_update_post_processor_after_changing_tokens(folder):
    ours = ferrotok.AutoTokenizer.from_pretrained(folder)
    theirs = transformers.AutoTokenizer.from_pretrained(str(folder))
    token = theirs.unk_token
    ours.bos_token = theirs.bos_token = token
    ours.add_bos_token = theirs.add_bos_token = True
    ours.update_post_processor()
    theirs.update_post_processor()
    assert_same(ours, theirs, "bos=unk")


def test_bad_post_processor_document_is_refused(model_dir):
    ours = ferrotok.AutoTokenizer.from_pretrained(model_dir)
    before = ours("a b")["input_ids"]
    with pytest.raises(ValueError, match="post_processor"):
        ours._tokenizer.set_post_processor('{"type": "NoSuchProcessor"}')
    with pytest.raises(ValueError, match="post_processor"):
        ours._tokenizer.set_post_processor("{not json")
    assert ours("a b")["input_ids"] == before
