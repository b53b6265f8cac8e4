//! Mapped: a model whose pieces are looked up in a vocabulary of their own. The inner model segments the
//! word with its own pieces and ids; each piece is then given its id in `vocab`, or the unknown token's
//! id when `vocab` lacks it. BARTpho segments with a multilingual SentencePiece model and keeps only the
//! pieces of its reduced Vietnamese dictionary (dict.txt) this way. tokenizers has no such model:
//! `"type": "Mapped"` in tokenizer.json is ferrotok's own.

use super::Model;
use crate::error::{Error, Result};
use crate::json::{field, opt_str, req, Obj};
use crate::kernel::{Token, VocabMap};

#[derive(Debug, Clone)]
pub struct Mapped {
    pub unk_token: String,
    inner: Box<Model>,
    vocab: VocabMap,
    /// Inner id → id in `vocab` (the unknown token's for pieces `vocab` lacks).
    ids: Vec<u32>,
    unk_id: u32,
}

impl Mapped {
    pub fn new(inner: Model, vocab: VocabMap, unk_token: &str) -> Result<Self> {
        let unk = vocab.id(unk_token).ok_or_else(|| {
            Error::config(
                "",
                "model.unk_token",
                format!("unk token `{unk_token}` is not in the vocabulary"),
            )
        })?;
        let inner_vocab = inner.vocab();
        let size = inner_vocab
            .iter()
            .map(|(_, i)| *i as usize + 1)
            .max()
            .unwrap_or(0);
        let mut ids = vec![unk; size];
        for (piece, i) in inner_vocab {
            if let Some(id) = vocab.id(piece) {
                ids[i as usize] = id;
            }
        }
        Ok(Mapped {
            unk_token: unk_token.to_string(),
            inner: Box::new(inner),
            vocab,
            ids,
            unk_id: unk,
        })
    }

    /// A tokenizer.json `model` object: `model` (the inner model), `vocab` {token: id}, `unk_token`.
    pub fn from_json(o: &Obj, parent: &str) -> Result<Self> {
        let inner = Model::from_json(req(o, "model", parent)?, &field(parent, "model"))?;
        let vocab = VocabMap::from_value(req(o, "vocab", parent)?, &field(parent, "vocab"))?;
        let unk = opt_str(o, "unk_token", parent)?.unwrap_or("<unk>");
        Self::new(inner, vocab, unk)
    }

    /// The vocabulary, both ways (`Model` answers id / token lookups through it).
    pub fn vocab_map(&self) -> &VocabMap {
        &self.vocab
    }

    /// Append the tokens of `word`; offsets are byte offsets into `word`.
    pub fn tokenize(&self, word: &str, out: &mut Vec<Token>) -> Result<()> {
        let start = out.len();
        self.inner.tokenize(word, out)?;
        for t in &mut out[start..] {
            t.id = self.ids.get(t.id as usize).copied().unwrap_or(self.unk_id);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_take_the_outer_ids_or_unk() {
        let o = serde_json::json!({"type": "Mapped", "unk_token": "<unk>",
            "model": {"type": "WordLevel", "vocab": {"<u>": 0, "a": 1, "b": 2}, "unk_token": "<u>"},
            "vocab": {"<unk>": 7, "b": 3}});
        let m = Mapped::from_json(o.as_object().unwrap(), "model").unwrap();
        let ids = |w: &str| {
            let mut out = Vec::new();
            m.tokenize(w, &mut out).unwrap();
            out.iter().map(|t| t.id).collect::<Vec<_>>()
        };
        assert_eq!(ids("b"), [3]);
        assert_eq!(ids("a"), [7]);
        assert_eq!(ids("zz"), [7]);
        assert_eq!(m.vocab_map().token(3), Some("b"));
        assert_eq!(m.vocab_map().len(), 2);
        let bad = serde_json::json!({"model": {"type": "WordLevel", "vocab": {}}, "vocab": {}});
        assert!(Mapped::from_json(bad.as_object().unwrap(), "model").is_err());
    }
}
