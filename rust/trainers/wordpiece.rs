//! WordPiece trainer: as Hugging Face, a BPE trainer with the `##` continuing-subword prefix whose
//! vocabulary becomes a WordPiece model (the merges are dropped).

use super::bpe::BpeTrainer;
use super::options::Options;
use super::symbols::SymbolOptions;
use super::{Control, Trained, WordCounts};
use crate::error::Result;
use serde_json::{Map, Value};

#[derive(Debug, Clone)]
pub struct WordPieceTrainer {
    pub bpe: BpeTrainer,
}

impl Default for WordPieceTrainer {
    fn default() -> Self {
        WordPieceTrainer {
            bpe: BpeTrainer {
                symbols: SymbolOptions {
                    continuing_subword_prefix: Some("##".into()),
                    ..SymbolOptions::default()
                },
                ..BpeTrainer::default()
            },
        }
    }
}

impl WordPieceTrainer {
    pub fn from_options(o: &mut Options<'_>) -> Result<Self> {
        let mut bpe = BpeTrainer::from_options(o)?;
        bpe.symbols
            .continuing_subword_prefix
            .get_or_insert_with(|| "##".into());
        Ok(WordPieceTrainer { bpe })
    }

    /// Train a WordPiece model; `base` holds the old model's fields (unk token, max chars per word).
    pub fn train(
        &self,
        words: &mut WordCounts,
        mut base: Map<String, Value>,
        ctl: &Control,
    ) -> Result<Trained> {
        let sorted = words.sorted();
        let v = self.bpe.learn(&sorted, ctl)?;
        let mut vocab: Map<String, Value> = v
            .tokens
            .iter()
            .enumerate()
            .map(|(id, t)| (t.clone(), Value::from(id as u32)))
            .collect();
        base.insert("type".into(), "WordPiece".into());
        let unk = base
            .entry("unk_token")
            .or_insert("[UNK]".into())
            .as_str()
            .unwrap_or("[UNK]")
            .to_string();
        // Hugging Face leaves the unk token out when it is not a special token of the trainer, and the
        // model then fails on the first unknown char; it gets the next id here instead.
        if !vocab.contains_key(&unk) {
            let id = v.tokens.len() as u32;
            vocab.insert(unk, Value::from(id));
        }
        base.entry("max_input_chars_per_word").or_insert(100.into());
        let prefix = self.bpe.symbols.affixes().0.unwrap_or("##");
        base.insert("continuing_subword_prefix".into(), prefix.into());
        base.insert("vocab".into(), Value::Object(vocab));
        Ok(Trained {
            model: Value::Object(base),
            special_tokens: self.bpe.symbols.special_tokens.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wordpiece_vocab_has_prefixed_pieces() {
        let t = WordPieceTrainer::default();
        let mut wc = WordCounts::new();
        wc.add("hug", 3);
        wc.add("hugs", 1);
        let m = t
            .train(&mut wc, Map::new(), &Control::default())
            .unwrap()
            .model;
        let vocab = m["vocab"].as_object().unwrap();
        for tok in ["h", "##u", "##g", "##s", "hug"] {
            assert!(vocab.contains_key(tok), "{tok} missing from {vocab:?}");
        }
        assert_eq!(m["unk_token"], "[UNK]");
        assert_eq!(m["continuing_subword_prefix"], "##");
    }
}
