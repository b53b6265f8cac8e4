"""Classes that read vocabulary files of their own, against transformers' Python classes at test time.

PhobertTokenizer and BertweetTokenizer: fastBPE files (vocab.txt + bpe.codes) learned from the committed
multilingual sample (tests/fastbpe_folders.py); OpenAIGPTTokenizer: vocab.json + merges.txt with `</w>`,
learned the same way; ProphetNetTokenizer: BERT's vocabulary as `prophetnet.tokenizer`; MgpstrTokenizer:
the character vocab.json of MGP-STR checkpoints (`[GO]`, `[s]`, digits, lower-case letters);
BartphoTokenizer: a Unigram SentencePiece model trained at test time on the multilingual sample with a
reduced dict.txt of part of its pieces (BARTpho's layout: most pieces of the multilingual model are
outside the dictionary and read as `<unk>`). Each folder is loaded by both libraries and compared:
special tokens and class defaults, the vocabulary, ids and pieces of the multilingual sample and of
adversarial strings, every field of batches, pairs, truncation and padding, decode with and without
special tokens, `convert_tokens_to_string`, and the folder `save_pretrained` writes, loaded back by both.
FunnelTokenizer: BERT's word pieces after the class's `<unk>`-style tokens (Funnel Transformer's vocab.txt).
CTRLTokenizer and BlenderbotSmallTokenizer: fastBPE pieces in vocab.json + merges.txt, learned from the
sample (Blenderbot-90M's lower-cased and cut as the class cuts them).
transformers' Python classes give no offsets, so offsets are compared for OpenAIGPTTokenizer and
FunnelTokenizer only. The fastBPE
and BARTpho cases run with the fused fast paths and with the generic stage-by-stage chain (`fast_paths`).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import fastbpe_folders
import pytest
from adversarial import fixed_cases, random_cases
from conftest import FIXTURES, multilingual_lines
from parity import ALL_FIELDS, assert_same_settings, compare_decode_and_save
from parity import compare_call as compare_all_fields
from parity import compare_fields_call as compare_call

transformers = pytest.importorskip("transformers")
from ferrotok import AutoTokenizer  # noqa: E402

TEXTS = [line for _, line in multilingual_lines()]
MASKS = {"return_special_tokens_mask": True, "return_token_type_ids": True}
FIELDS = {**MASKS, "return_length": True}


def check_class(directory: Path, lines: list[str], class_name: str) -> None:
    """Both libraries load `directory` and agree on everything but offsets."""
    ours = AutoTokenizer.from_pretrained(directory)
    theirs = transformers.AutoTokenizer.from_pretrained(str(directory))
    assert type(theirs).__name__ == class_name
    assert_same_settings(ours, theirs)
    assert ours.get_vocab() == theirs.get_vocab()
    assert ours.clean_up_tokenization_spaces == theirs.clean_up_tokenization_spaces
    for line in lines:
        assert ours.encode(line) == theirs.encode(line), line
        assert ours.tokenize(line) == theirs.convert_ids_to_tokens(
            theirs.encode(line, add_special_tokens=False)
        )
    compare_call(ours, theirs, lines, **FIELDS)
    half = len(lines) // 2
    compare_call(ours, theirs, lines[:half], lines[half : 2 * half], **FIELDS)
    if theirs.pad_token is not None:  # OpenAI GPT has none: both refuse to pad
        compare_call(ours, theirs, lines, padding="max_length", max_length=24, truncation=True, **MASKS)
        compare_call(ours, theirs, lines[:8], padding=True, pad_to_multiple_of=8, padding_side="left")
    compare_call(
        ours, theirs, lines[:half], lines[half : 2 * half], truncation="longest_first", max_length=40
    )
    compare_decode_and_save(ours, theirs, lines, directory, FIELDS)


# --- fastBPE: PhoBERT, BERTweet ------------------------------------------------------------------------

FASTBPE_LINES = [
    *TEXTS[::3],
    *fixed_cases(),
    *random_cases(40),
    "Hello world\nthe  cat <mask> x",
    "Tôi là sinh_viên trường đại_học Công_nghệ .",
    "a@@ b@@ @@ @@@@c @@",
    "<s>x</s><pad> <unk>y<mask>",
    "line\n\nnext\n",
    "\u2028 \x1c tab\there",
]


@pytest.fixture(scope="module")
def fastbpe_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fastbpe")


@pytest.mark.parametrize(
    ("class_name", "config"),
    [
        ("PhobertTokenizer", {}),
        ("BertweetTokenizer", {}),
        ("BertweetTokenizer", {"normalization": False}),
        ("PhobertTokenizer", {"bos_token": "<s>", "cls_token": "</s>", "mask_token": "hello"}),
    ],
    ids=["phobert", "bertweet", "bertweet-plain", "phobert-own-specials"],
)
def test_fastbpe_folder_matches_transformers(
    fastbpe_root: Path, class_name: str, config: dict, fast_paths: bool
) -> None:
    directory = fastbpe_root / f"{class_name}-{len(config)}-{fast_paths}"
    fastbpe_folders.write_folder(directory, tokenizer_class=class_name, **config)
    check_class(directory, FASTBPE_LINES, class_name)


def test_fastbpe_codes_without_a_final_newline_drop_the_last_merge(fastbpe_root: Path) -> None:
    """transformers drops bpe.codes' text after the last newline; so does ferrotok."""
    directory = fastbpe_folders.write_folder(
        fastbpe_root / "cut", merges=60, tokenizer_class="PhobertTokenizer"
    )
    codes = directory / "bpe.codes"
    codes.write_text(codes.read_text(encoding="utf-8").rstrip("\n"), encoding="utf-8")
    check_class(directory, FASTBPE_LINES[:30], "PhobertTokenizer")


def test_bertweet_normalization_is_refused(fastbpe_root: Path) -> None:
    """BERTweet's tweet normalizer (TweetTokenizer, emoji names) is not run by ferrotok: such a folder is
    refused, naming the setting."""
    directory = fastbpe_folders.write_folder(
        fastbpe_root / "tweets", merges=40, tokenizer_class="BertweetTokenizer", normalization=True
    )
    with pytest.raises(ValueError, match="normalization"):
        AutoTokenizer.from_pretrained(directory)


# --- OpenAI GPT: BERT's normalizer and split, `</w>` BPE ---------------------------------------------------


@pytest.mark.parametrize("config", [{}, {"unk_token": "a", "do_lower_case": False}], ids=["plain", "own-unk"])
def test_openai_gpt_folder_matches_transformers(tmp_path: Path, config: dict) -> None:
    directory = fastbpe_folders.write_openai_folder(
        tmp_path / "openai", tokenizer_class="OpenAIGPTTokenizer", **config
    )
    lines = [*FASTBPE_LINES, "Hello, World! Naïve CAFÉ 漢字 <unk>x", "don't stop-me now..."]
    check_class(directory, lines, "OpenAIGPTTokenizer")
    ours = AutoTokenizer.from_pretrained(directory)
    theirs = transformers.AutoTokenizer.from_pretrained(str(directory))
    compare_all_fields(ours, theirs, lines, **ALL_FIELDS)
    compare_all_fields(ours, theirs, lines[:20], lines[20:40], **ALL_FIELDS)


# --- ProphetNet: WordPiece with `[X_SEP]`, `A [SEP]` ---------------------------------------------------------

PROPHETNET_LINES = [
    *TEXTS[::3],
    *fixed_cases(),
    *random_cases(40),
    "Hello , World [X_SEP] there. it [SEP] isn't",
    "[MASK] [PAD][UNK] x_sep [x_sep] ##ing",
    "CAFÉ naïve 漢字",
]


def prophetnet_folder(root: Path, x_sep_in_vocab: bool, **config: object) -> Path:
    directory = root / f"prophetnet-{x_sep_in_vocab}-{len(config)}"
    directory.mkdir()
    lines = (FIXTURES / "bert-uncased" / "vocab.txt").read_text(encoding="utf-8").split("\n")
    if x_sep_in_vocab:  # as the hub's checkpoints have it, in place of an unused entry
        lines[lines.index("[unused5]")] = "[X_SEP]"
    (directory / "prophetnet.tokenizer").write_text("\n".join(lines), encoding="utf-8")
    config = {"tokenizer_class": "ProphetNetTokenizer", **config}
    (directory / "tokenizer_config.json").write_text(json.dumps(config), encoding="utf-8")
    return directory


@pytest.mark.parametrize(
    ("x_sep_in_vocab", "config"),
    [(True, {}), (False, {}), (True, {"do_lower_case": False, "strip_accents": True, "sep_token": "[CLS]"})],
    ids=["hub-layout", "x-sep-added", "options"],
)
def test_prophetnet_folder_matches_transformers(tmp_path: Path, x_sep_in_vocab: bool, config: dict) -> None:
    directory = prophetnet_folder(tmp_path, x_sep_in_vocab, **config)
    check_class(directory, PROPHETNET_LINES, "ProphetNetTokenizer")
    ours = AutoTokenizer.from_pretrained(directory)
    theirs = transformers.AutoTokenizer.from_pretrained(str(directory))
    ids = theirs(PROPHETNET_LINES)["input_ids"]
    assert ours.batch_decode(ids, clean_up_tokenization_spaces=False) == theirs.batch_decode(
        ids, clean_up_tokenization_spaces=False
    )


# --- MGP-STR: one token per char --------------------------------------------------------------------------


def mgpstr_folder(root: Path, **config: object) -> Path:
    directory = root / f"mgpstr-{len(config)}"
    directory.mkdir()
    vocab = {"[GO]": 0, "[s]": 1, **{c: 2 + i for i, c in enumerate("0123456789abcdefghijklmnopqrstuvwxyz")}}
    (directory / "vocab.json").write_text(json.dumps(vocab), encoding="utf-8")
    config = {"tokenizer_class": "MgpstrTokenizer", **config}
    (directory / "tokenizer_config.json").write_text(json.dumps(config), encoding="utf-8")
    return directory


@pytest.mark.parametrize(
    "config", [{}, {"unk_token": "x", "eos_token": "[END]"}], ids=["plain", "own-specials"]
)
def test_mgpstr_folder_matches_transformers(tmp_path: Path, config: dict) -> None:
    lines = [*TEXTS[::9], *fixed_cases(), "hello world", " a  b [GO]x[s]y", "ABC 123", "[END]x"]
    check_class(mgpstr_folder(tmp_path, **config), lines, "MgpstrTokenizer")


def test_fastbpe_folder_copied_keeps_loading(tmp_path: Path) -> None:
    """A folder saved by transformers (its own vocab.txt and bpe.codes copies) loads in ferrotok as the original."""
    directory = fastbpe_folders.write_folder(tmp_path / "pho", merges=80, tokenizer_class="PhobertTokenizer")
    theirs = transformers.AutoTokenizer.from_pretrained(str(directory))
    theirs.save_pretrained(tmp_path / "hf-saved")
    ours = AutoTokenizer.from_pretrained(tmp_path / "hf-saved")
    compare_call(ours, theirs, FASTBPE_LINES, **FIELDS)
    shutil.rmtree(tmp_path / "hf-saved")


# --- Funnel: WordPiece with `<unk>`-style tokens, its cls of type id 2 -------------------------------------


@pytest.mark.parametrize(
    "config",
    [{}, {"do_lower_case": False, "strip_accents": True, "cls_token": "<s>", "wordpieces_prefix": "##"}],
    ids=["plain", "options"],
)
def test_funnel_folder_matches_transformers(tmp_path: Path, config: dict) -> None:
    directory = fastbpe_folders.write_funnel_folder(
        tmp_path / "funnel", tokenizer_class="FunnelTokenizer", **config
    )
    lines = [*PROPHETNET_LINES, "<cls> x <sep><mask> <s>y</s> <pad><unk>", "Hello, World! naïve CAFÉ"]
    check_class(directory, lines, "FunnelTokenizer")
    ours = AutoTokenizer.from_pretrained(directory)
    theirs = transformers.AutoTokenizer.from_pretrained(str(directory))
    compare_all_fields(ours, theirs, lines, **ALL_FIELDS)
    compare_all_fields(ours, theirs, lines[:20], lines[20:40], **ALL_FIELDS)


# --- CTRL and Blenderbot-90M: fastBPE pieces in vocab.json + merges.txt -----------------------------------

FASTBPE_JSON_LINES = [
    *FASTBPE_LINES,
    "Hello, World! It's (really) fine.\nNext line?\n\nDon't'\nx\n",
    "a'\nb '\n c.\n d(\n e!!\n",
    "__start__ hi __end__ __null__ __unk__ __newln__ <unk>",
    "HELLO İstanbul ΟΔΟΣ ΣΟΦΟΣ straße",
    "a.b,c!d?e(f)g'h''i",
]


@pytest.mark.parametrize(
    ("class_name", "config"),
    [
        ("CTRLTokenizer", {}),
        ("BlenderbotSmallTokenizer", {}),
        ("BlenderbotSmallTokenizer", {"bos_token": "<s>", "pad_token": "__end__", "unk_token": "__null__"}),
    ],
    ids=["ctrl", "blenderbot-small", "blenderbot-small-own-specials"],
)
def test_fastbpe_json_folder_matches_transformers(tmp_path: Path, class_name: str, config: dict) -> None:
    write = {
        "CTRLTokenizer": fastbpe_folders.write_ctrl_folder,
        "BlenderbotSmallTokenizer": fastbpe_folders.write_blenderbot_small_folder,
    }[class_name]
    directory = write(tmp_path / class_name, tokenizer_class=class_name, **config)
    check_class(directory, FASTBPE_JSON_LINES, class_name)
    ours = AutoTokenizer.from_pretrained(directory)
    theirs = transformers.AutoTokenizer.from_pretrained(str(directory))
    tokens = ["The", "the", "HELLO", "__START__", "__start__", "<unk>", "@@", "", *theirs.tokenize(TEXTS[0])]
    assert ours.convert_tokens_to_ids(tokens) == theirs.convert_tokens_to_ids(tokens)
    assert [ours.convert_tokens_to_ids(t) for t in tokens] == [
        theirs.convert_tokens_to_ids(t) for t in tokens
    ]


# --- BARTpho: a SentencePiece model read through a reduced dictionary ---------------------------------------


@pytest.fixture(scope="module")
def unigram_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    spm = pytest.importorskip("sentencepiece")
    root = tmp_path_factory.mktemp("bartpho-model")
    corpus = root / "corpus.txt"
    corpus.write_text("\n".join(TEXTS) + "\n", encoding="utf-8")
    spm.SentencePieceTrainer.train(
        input=str(corpus),
        model_prefix=str(root / "m"),
        model_type="unigram",
        vocab_size=2000,
        character_coverage=1.0,
        minloglevel=2,
        num_threads=1,
    )
    return root / "m.model"


def bartpho_folder(root: Path, model: Path, every: int, **config: object) -> Path:
    from sentencepiece import SentencePieceProcessor

    directory = root / f"bartpho-{every}-{len(config)}"
    directory.mkdir()
    shutil.copy(model, directory / "sentencepiece.bpe.model")
    processor = SentencePieceProcessor(model_file=str(model))
    pieces = [processor.id_to_piece(i) for i in range(3, processor.get_piece_size())]
    kept = pieces[::every]
    (directory / "dict.txt").write_text("".join(f"{p} {n}\n" for n, p in enumerate(kept)), encoding="utf-8")
    config = {"tokenizer_class": "BartphoTokenizer", **config}
    (directory / "tokenizer_config.json").write_text(json.dumps(config), encoding="utf-8")
    return directory


@pytest.mark.parametrize(
    ("every", "config"),
    [(3, {}), (1, {}), (2, {"mask_token": "<mask2>", "cls_token": "</s>"})],
    ids=["reduced", "every-piece", "own-specials"],
)
def test_bartpho_folder_matches_transformers(
    tmp_path: Path, unigram_model: Path, every: int, config: dict, fast_paths: bool
) -> None:
    directory = bartpho_folder(tmp_path, unigram_model, every, **config)
    lines = [*FASTBPE_LINES, "Tôi là sinh viên <mask> x", "a <mask>b", "a\x85b c\x0cd\x00e"]
    check_class(directory, lines, "BartphoTokenizer")
