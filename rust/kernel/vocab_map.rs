//! A model's vocabulary both ways, token → id and id → token, for the models that keep a plain
//! token table (WordLevel, FastBPE, Mapped).

use crate::error::{Error, Result};
use crate::json::{as_obj, as_u32, Obj};
use rustc_hash::FxHashMap;

/// Ids beyond this are refused: the id → token table is a vector as long as the highest id.
const MAX_ID: usize = 1 << 28;

#[derive(Debug, Clone, Default)]
pub struct VocabMap {
    ids: FxHashMap<String, u32>,
    /// Token strings by id (`None` for ids that no token has).
    tokens: Vec<Option<Box<str>>>,
}

impl VocabMap {
    /// Build from `(token, id)` pairs (no token twice); an id given to two tokens, or far beyond the
    /// vocabulary's size, is an error naming `field`.
    pub fn from_pairs<S: AsRef<str>>(
        pairs: impl IntoIterator<Item = (S, u32)>,
        field: &str,
    ) -> Result<Self> {
        let mut map = VocabMap::default();
        for (token, id) in pairs {
            let (token, slot) = (token.as_ref(), id as usize);
            if slot >= MAX_ID {
                return Err(Error::config(
                    "",
                    field,
                    format!("id {id} is far beyond the vocabulary size"),
                ));
            }
            if map.tokens.len() <= slot {
                map.tokens.resize(slot + 1, None);
            }
            if let Some(other) = &map.tokens[slot] {
                return Err(Error::config(
                    "",
                    field,
                    format!("id {id} is given to both {other:?} and {token:?}"),
                ));
            }
            map.tokens[slot] = Some(token.into());
            map.ids.insert(token.to_string(), id);
        }
        Ok(map)
    }

    /// A tokenizer.json `vocab` object ({token: id}); `field` names it in errors.
    pub fn from_json(vocab: &Obj, field: &str) -> Result<Self> {
        let mut pairs = Vec::with_capacity(vocab.len());
        for (token, id) in vocab {
            pairs.push((token.as_str(), as_u32(id, &format!("{field}[{token:?}]"))?));
        }
        Self::from_pairs(pairs, field)
    }

    /// [`VocabMap::from_json`] of a value that must be an object.
    pub fn from_value(vocab: &serde_json::Value, field: &str) -> Result<Self> {
        Self::from_json(as_obj(vocab, field)?, field)
    }

    pub fn id(&self, token: &str) -> Option<u32> {
        self.ids.get(token).copied()
    }

    pub fn token(&self, id: u32) -> Option<&str> {
        self.tokens.get(id as usize)?.as_deref()
    }

    /// The number of tokens.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Every (token, id), in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, u32)> {
        self.ids.iter().map(|(t, &id)| (t.as_str(), id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_ways_and_bad_ids_refused() {
        let v = VocabMap::from_pairs([("a", 0), ("c", 3)], "model.vocab").unwrap();
        assert_eq!(
            (v.id("c"), v.id("b"), v.token(3), v.token(1)),
            (Some(3), None, Some("c"), None)
        );
        assert_eq!(v.token(99), None);
        assert_eq!(v.len(), 2);
        let twice = VocabMap::from_pairs([("a", 1), ("b", 1)], "model.vocab").unwrap_err();
        assert!(twice.to_string().contains("model.vocab"), "{twice}");
        assert!(VocabMap::from_pairs([("a", u32::MAX)], "v").is_err());
        let json = serde_json::json!({"x": 0, "y": -1});
        let bad = VocabMap::from_value(&json, "model.vocab").unwrap_err();
        assert!(bad.to_string().contains("\"y\""), "{bad}");
    }
}
