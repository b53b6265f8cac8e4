//! WordLevel: each pre-tokenized word is one vocabulary entry, or the unknown token.
//!
//! Character-level tokenizers are expressed in tokenizer.json as a pre-tokenizer that cuts every char
//! (`Split` with an empty pattern, `Isolated`) followed by this model.

use crate::error::{Error, Result};
use crate::json::{field, opt_str, req, Obj};
use crate::kernel::{Token, VocabMap};

#[derive(Debug, Clone)]
pub struct WordLevel {
    pub unk_token: String,
    vocab: VocabMap,
}

impl WordLevel {
    pub fn from_json(o: &Obj, parent: &str) -> Result<Self> {
        let vocab = VocabMap::from_value(req(o, "vocab", parent)?, &field(parent, "vocab"))?;
        let unk = opt_str(o, "unk_token", parent)?.unwrap_or("<unk>");
        Ok(Self::from_vocab(vocab, unk))
    }

    /// Build from a tokenizer.json `model` object whose vocabulary was read already (`pairs`, no token
    /// twice); `o` gives the options.
    pub fn from_pairs(o: &Obj, pairs: &[(&str, u32)], parent: &str) -> Result<Self> {
        let unk = opt_str(o, "unk_token", parent)?.unwrap_or("<unk>");
        Self::new(pairs, unk, &field(parent, "vocab"))
    }

    /// Build from `(token, id)` pairs; two tokens with one id are refused (`vocab_field` names them).
    pub fn new(pairs: &[(&str, u32)], unk_token: &str, vocab_field: &str) -> Result<Self> {
        let vocab = VocabMap::from_pairs(pairs.iter().copied(), vocab_field)?;
        Ok(Self::from_vocab(vocab, unk_token))
    }

    fn from_vocab(vocab: VocabMap, unk_token: &str) -> Self {
        WordLevel {
            unk_token: unk_token.to_string(),
            vocab,
        }
    }

    /// The vocabulary, both ways (`Model` answers id / token lookups through it).
    pub fn vocab_map(&self) -> &VocabMap {
        &self.vocab
    }

    pub fn tokenize(&self, word: &str, out: &mut Vec<Token>) -> Result<()> {
        let id = match self.vocab.id(word) {
            Some(id) => id,
            None => self.vocab.id(&self.unk_token).ok_or_else(|| {
                Error::config(
                    "",
                    "model.unk_token",
                    format!(
                        "{:?} is not in the vocabulary, needed for the unknown word {word:?}",
                        self.unk_token
                    ),
                )
            })?,
        };
        out.push(Token {
            id,
            offsets: (0, word.len() as u32),
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_unknown_and_missing_unk() {
        let m = WordLevel::new(&[("hello", 0), ("<unk>", 1)], "<unk>", "vocab").unwrap();
        let mut out = Vec::new();
        m.tokenize("hello", &mut out).unwrap();
        m.tokenize("héllo", &mut out).unwrap();
        assert_eq!(out[0].id, 0);
        assert_eq!((out[1].id, out[1].offsets), (1, (0, 6)));
        assert_eq!(m.vocab_map().token(1), Some("<unk>"));
        let m = WordLevel::new(&[("a", 0)], "<unk>", "vocab").unwrap();
        assert!(m.tokenize("b", &mut out).is_err());
        let e = WordLevel::new(&[("a", 0), ("b", 0)], "<unk>", "model.vocab").unwrap_err();
        assert!(e.to_string().contains("model.vocab"));
    }
}
