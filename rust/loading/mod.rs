//! Loading: tokenizer.json and the legacy files (vocab.txt, vocab.json + merges.txt, tokenizer_config.json).

pub mod json;
