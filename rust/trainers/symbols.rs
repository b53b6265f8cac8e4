//! The options both BPE trainers (`bpe.rs`, `parity_bpe.rs`) share, with Hugging Face's names and
//! defaults: the tokens a vocabulary starts from (special tokens, then the alphabet), how words become
//! symbols (continuing-subword prefix, end-of-word suffix), which merges are allowed (minimum count,
//! longest token), and the trained model they describe.

use super::bpe::{bpe_model_json, BpeVocab};
use super::options::Options;
use super::pairs::{alphabet, Vocab};
use super::{SpecialToken, Trained};
use crate::error::Result;
use serde_json::{Map, Value};

#[derive(Debug, Clone)]
pub struct SymbolOptions {
    pub min_frequency: u64,
    pub show_progress: bool,
    pub special_tokens: Vec<SpecialToken>,
    pub limit_alphabet: Option<usize>,
    pub initial_alphabet: Vec<char>,
    pub continuing_subword_prefix: Option<String>,
    pub end_of_word_suffix: Option<String>,
    pub max_token_length: Option<usize>,
}

impl Default for SymbolOptions {
    fn default() -> Self {
        SymbolOptions {
            min_frequency: 0,
            show_progress: true,
            special_tokens: Vec::new(),
            limit_alphabet: None,
            initial_alphabet: Vec::new(),
            continuing_subword_prefix: None,
            end_of_word_suffix: None,
            max_token_length: None,
        }
    }
}

impl SymbolOptions {
    pub fn from_options(o: &mut Options<'_>) -> Result<Self> {
        let d = SymbolOptions::default();
        Ok(SymbolOptions {
            min_frequency: o.u64("min_frequency", d.min_frequency)?,
            show_progress: o.bool("show_progress", d.show_progress)?,
            special_tokens: o.special_tokens("special_tokens")?,
            limit_alphabet: o.opt_usize("limit_alphabet")?,
            initial_alphabet: o.chars("initial_alphabet")?,
            continuing_subword_prefix: o.opt_string("continuing_subword_prefix")?,
            end_of_word_suffix: o.opt_string("end_of_word_suffix")?,
            max_token_length: o.opt_usize("max_token_length")?,
        })
    }

    /// The continuing-subword prefix and end-of-word suffix.
    pub(crate) fn affixes(&self) -> (Option<&str>, Option<&str>) {
        (
            self.continuing_subword_prefix.as_deref(),
            self.end_of_word_suffix.as_deref(),
        )
    }

    /// The longest token a merge may make, in chars.
    pub(crate) fn max_length(&self) -> usize {
        self.max_token_length.unwrap_or(usize::MAX)
    }

    /// The vocabulary before any merge: the special tokens, then the alphabet of `words` (see
    /// [`alphabet`]) as one-char tokens.
    pub(crate) fn seed_vocab<'a>(&self, words: impl Iterator<Item = (&'a str, u64)>) -> Vocab {
        let mut vocab = Vocab::default();
        for t in &self.special_tokens {
            vocab.intern(&t.content);
        }
        let mut buf = String::new();
        for c in alphabet(words, &self.initial_alphabet, self.limit_alphabet) {
            buf.clear();
            buf.push(c);
            vocab.intern(&buf);
        }
        vocab
    }

    /// The trained BPE model over `base` (the old model's fields to keep) and the special tokens.
    pub(crate) fn trained(&self, v: &BpeVocab, base: Map<String, Value>) -> Trained {
        let (prefix, suffix) = self.affixes();
        Trained {
            model: bpe_model_json(v, base, prefix, suffix),
            special_tokens: self.special_tokens.clone(),
        }
    }
}
