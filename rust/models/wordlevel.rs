//! WordLevel: each pre-tokenized word is one vocabulary entry, or the unknown token.
//!
//! Character-level tokenizers are expressed in tokenizer.json as a pre-tokenizer that cuts every char
//! (`Split` with an empty pattern, `Isolated`) followed by this model.

use crate::error::{Error, Result};
use crate::json::{as_obj, as_u32, field, opt_str, req, Obj};
use crate::kernel::Token;
use rustc_hash::FxHashMap;

#[derive(Debug, Clone)]
pub struct WordLevel {
    pub unk_token: String,
    ids: FxHashMap<String, u32>,
    /// Token strings by id (`None` for ids that no token has).
    tokens: Vec<Option<Box<str>>>,
}

impl WordLevel {
    pub fn from_json(o: &Obj, parent: &str) -> Result<Self> {
        let vf = field(parent, "vocab");
        let vocab = as_obj(req(o, "vocab", parent)?, &vf)?;
        let mut pairs = Vec::with_capacity(vocab.len());
        for (tok, v) in vocab {
            let id = match v.as_u64().and_then(|n| u32::try_from(n).ok()) {
                Some(id) => id,
                None => as_u32(v, &format!("{vf}[{tok:?}]"))?, // the error, naming the entry
            };
            pairs.push((tok.as_str(), id));
        }
        Self::from_pairs(o, &pairs, parent)
    }

    /// Build from a tokenizer.json `model` object whose vocabulary was read already (`pairs`, no token
    /// twice); `o` gives the options.
    pub fn from_pairs(o: &Obj, pairs: &[(&str, u32)], parent: &str) -> Result<Self> {
        let unk = opt_str(o, "unk_token", parent)?.unwrap_or("<unk>");
        Self::new(pairs, unk, &field(parent, "vocab"))
    }

    /// Build from `(token, id)` pairs; two tokens with one id are refused (`vocab_field` names them).
    pub fn new(pairs: &[(&str, u32)], unk_token: &str, vocab_field: &str) -> Result<Self> {
        let max = pairs.iter().map(|p| p.1 as usize + 1).max().unwrap_or(0);
        if max > 1 << 28 {
            return Err(Error::config(
                "",
                vocab_field,
                format!("id {} is far beyond the vocabulary size", max - 1),
            ));
        }
        let mut tokens: Vec<Option<Box<str>>> = vec![None; max];
        let mut ids = FxHashMap::default();
        ids.reserve(pairs.len());
        for &(t, id) in pairs {
            let slot = &mut tokens[id as usize];
            if let Some(other) = slot {
                return Err(Error::config(
                    "",
                    vocab_field,
                    format!("id {id} is given to both {other:?} and {t:?}"),
                ));
            }
            *slot = Some(t.into());
            ids.insert(t.to_string(), id);
        }
        Ok(WordLevel {
            unk_token: unk_token.to_string(),
            ids,
            tokens,
        })
    }

    pub fn tokenize(&self, word: &str, out: &mut Vec<Token>) -> Result<()> {
        let id = match self.ids.get(word) {
            Some(&id) => id,
            None => self.ids.get(&self.unk_token).copied().ok_or_else(|| {
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

    pub fn token_to_id(&self, token: &str) -> Option<u32> {
        self.ids.get(token).copied()
    }

    pub fn id_to_token(&self, id: u32) -> Option<&str> {
        self.tokens.get(id as usize)?.as_deref()
    }

    pub fn vocab(&self) -> impl Iterator<Item = (&str, u32)> {
        self.ids.iter().map(|(t, &id)| (t.as_str(), id))
    }

    pub fn vocab_size(&self) -> usize {
        self.ids.len()
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
        assert_eq!(m.id_to_token(1), Some("<unk>"));
        let m = WordLevel::new(&[("a", 0)], "<unk>", "vocab").unwrap();
        assert!(m.tokenize("b", &mut out).is_err());
        let e = WordLevel::new(&[("a", 0), ("b", 0)], "<unk>", "model.vocab").unwrap_err();
        assert!(e.to_string().contains("model.vocab"));
    }
}
