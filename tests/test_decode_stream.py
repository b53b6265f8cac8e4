"""`ferrotok.decoders.DecodeStream` against tokenizers' (run at test time): the same ids stepped through both,
every step's result compared, on WordPiece (BERT, `##` pieces), byte-level BPE (GPT-2: characters split
across tokens) and a byte-fallback SentencePiece BPE (trained here, converted by transformers: `<0xE3>`
pieces)."""

from __future__ import annotations

import ferrotok
import pytest
from adversarial import fixed_cases, random_cases
from conftest import FIXTURES, multilingual_lines

tokenizers = pytest.importorskip("tokenizers")
transformers = pytest.importorskip("transformers")


@pytest.fixture(params=["bert", "gpt2", "llama_bpe_byte_fallback"])
def pair(request: pytest.FixtureRequest, documents: dict[str, str]):
    document = documents[request.param]
    return ferrotok.Tokenizer.from_str(document), tokenizers.Tokenizer.from_str(document)


def texts() -> list[str]:
    return [line for _, line in multilingual_lines()] + fixed_cases() + random_cases(30)


def run(lib, tok, ids: list[int], skip: bool, chunk: int = 1, prefill: int = 0) -> list[object]:
    """Every result of stepping `ids` (after `prefill` ids given at creation), `chunk` ids a step; an error
    is recorded as the string "error" (both libraries must fail on the same step)."""
    stream = lib.decoders.DecodeStream(ids[:prefill], skip_special_tokens=skip)
    out: list[object] = []
    for start in range(prefill, len(ids), chunk):
        step = ids[start : start + chunk]
        try:
            out.append(stream.step(tok, step[0] if chunk == 1 else step))
        except Exception:
            out.append("error")
            break
    return out


@pytest.mark.parametrize("skip", [False, True])
def test_steps_match_tokenizers(pair, skip: bool) -> None:
    ours, theirs = pair
    held = 0
    for text in texts():
        ids = theirs.encode(text).ids
        expected = run(tokenizers, theirs, ids, skip)
        assert run(ferrotok, ours, ids, skip) == expected, text
        held += expected.count(None)
    # Some step waited for the next id: a character split across tokens, or a skipped special token
    # (WordPiece's pieces are whole characters, so with nothing skipped every step yields).
    assert held > 0 or (ours.model.type == "WordPiece" and not skip)


def test_list_steps_and_prefilled_ids_match_tokenizers(pair) -> None:
    ours, theirs = pair
    for text in texts()[:60]:
        ids = theirs.encode(text).ids
        for chunk, prefill in ((3, 0), (2, 1), (1, 4)):
            expected = run(tokenizers, theirs, ids, False, chunk, prefill)
            assert run(ferrotok, ours, ids, False, chunk, prefill) == expected, (text, chunk, prefill)


def test_streamed_text_is_the_decoded_text(pair) -> None:
    """Without skipped tokens, the chunks add up to a full decode (where the text is whole UTF-8)."""
    ours, _ = pair
    for text in [line for _, line in multilingual_lines()]:
        ids = ours.encode(text).ids
        chunks = run(ferrotok, ours, ids, False)
        full = ours.decode(ids, skip_special_tokens=False)
        assert "".join(c for c in chunks if isinstance(c, str)) == full


def test_unknown_id_is_ignored_as_in_tokenizers(pair) -> None:
    ours, theirs = pair
    ids = [*theirs.encode("hello world").ids[:2], 10**8, *theirs.encode("again").ids]
    assert run(ferrotok, ours, ids, False) == run(tokenizers, theirs, ids, False)


def test_bad_arguments() -> None:
    tok = ferrotok.Tokenizer.from_file(FIXTURES / "bert-uncased" / "tokenizer.json")
    stream = ferrotok.decoders.DecodeStream()
    with pytest.raises(TypeError, match="tokenizer"):
        stream.step(object(), 1)
    with pytest.raises(TypeError, match="id"):
        stream.step(tok, "1")
    with pytest.raises(TypeError, match="id"):
        stream.step(tok, [1.5])
    with pytest.raises(TypeError, match="ids"):
        ferrotok.decoders.DecodeStream("12")
    assert stream.step(tok, 7592) == "hello"
    assert repr(stream) == "DecodeStream()"
