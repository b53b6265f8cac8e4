//! The named special tokens of classes built from a vocabulary file (CTC, phoneme, VITS, ESM, byte
//! classes): each resolved as transformers resolves it, and the ids transformers gives the tokens it
//! adds.

use super::legacy::LegacyConfig;
use super::sentencepiece::{named_token, NAMED};
use crate::added_tokens::AddedToken;
use serde_json::{Map, Value};

/// The named tokens by key, in transformers' attribute order; `None`: the class has no such token.
pub type Named = Vec<(&'static str, Option<AddedToken>)>;

/// Every named token from `cfg`, else the class default `default(key)` (see [`named_token`]).
pub fn named_tokens(cfg: &LegacyConfig, default: impl Fn(&str) -> Option<AddedToken>) -> Named {
    NAMED
        .iter()
        .map(|&key| (key, named_token(cfg, key, default(key))))
        .collect()
}

/// [`named_tokens`] whose class defaults are special tokens: `defaults` gives their contents by key.
pub fn named_specials(cfg: &LegacyConfig, defaults: &[(&str, &str)]) -> Named {
    named_tokens(cfg, |key| {
        let d = defaults.iter().find(|d| d.0 == key)?;
        Some(AddedToken::special(d.1))
    })
}

/// The content of the named token `key`, if the class has one.
pub fn named_content(named: &[(&str, Option<AddedToken>)], key: &str) -> Option<String> {
    named
        .iter()
        .find(|(k, _)| *k == key)
        .and_then(|(_, t)| t.as_ref())
        .map(|t| t.content.clone())
}

/// The id of `token` in a token → id object, if it has one that fits a u32.
pub fn json_id(map: &Map<String, Value>, token: &str) -> Option<u32> {
    map.get(token)
        .and_then(Value::as_u64)
        .and_then(|id| u32::try_from(id).ok())
}

/// The named tokens the class has, in attribute order.
pub fn present<'a>(
    named: &'a [(&str, Option<AddedToken>)],
) -> impl Iterator<Item = AddedToken> + 'a {
    named.iter().filter_map(|(_, t)| t.clone())
}

/// Tokens added in transformers' order, each with the vocabulary's id, else the next id after the
/// vocabulary; an empty token or one already added is passed over.
#[derive(Debug)]
pub struct AddedIds {
    next: u32,
    pub tokens: Vec<(u32, AddedToken)>,
}

impl AddedIds {
    /// `next`: the first id after the vocabulary.
    pub fn new(next: u32) -> Self {
        AddedIds {
            next,
            tokens: Vec::new(),
        }
    }

    /// Add `t`, whose id in the vocabulary is `vocab_id`.
    pub fn add(&mut self, t: AddedToken, vocab_id: Option<u32>) {
        if t.content.is_empty() || self.tokens.iter().any(|(_, a)| a.content == t.content) {
            return;
        }
        let id = vocab_id.unwrap_or_else(|| {
            self.next += 1;
            self.next - 1
        });
        self.tokens.push((id, t));
    }

    /// `tokens` added in order, each with its vocabulary id from `id_of`, else the next id from
    /// `next`; in id order.
    pub fn resolve(
        next: u32,
        tokens: impl IntoIterator<Item = AddedToken>,
        id_of: impl Fn(&str) -> Option<u32>,
    ) -> Vec<(u32, AddedToken)> {
        let mut added = AddedIds::new(next);
        for t in tokens {
            let id = id_of(&t.content);
            added.add(t, id);
        }
        added.into_sorted()
    }

    /// The added tokens in id order.
    pub fn into_sorted(mut self) -> Vec<(u32, AddedToken)> {
        self.tokens.sort_by_key(|(id, _)| *id);
        self.tokens
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn added_ids_take_the_vocabulary_id_else_the_next_one() {
        let mut a = AddedIds::new(10);
        a.add(AddedToken::special("<pad>"), Some(3));
        a.add(AddedToken::special("<new>"), None);
        a.add(AddedToken::special("<pad>"), Some(7));
        a.add(AddedToken::special(""), None);
        a.add(AddedToken::special("<other>"), None);
        let ids: Vec<(u32, String)> = a
            .into_sorted()
            .into_iter()
            .map(|(id, t)| (id, t.content))
            .collect();
        assert_eq!(
            ids,
            [
                (3, "<pad>".into()),
                (10, "<new>".into()),
                (11, "<other>".into())
            ]
        );
    }
}
