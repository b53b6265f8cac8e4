//! Training wired to the pipeline: texts go through this tokenizer's normalizer and pre-tokenizer into
//! the trainers' word counts, and a trained model is put back into this pipeline.

use super::Tokenizer;
use crate::added_tokens::AddedToken;
use crate::error::{Error, Result};
use crate::kernel::{NormalizedString, PreTokenizedString};
use crate::loading::tokenizer_json;
use crate::trainers::{Control, SpecialToken, Trained, WordCounts};
use serde_json::Value;

fn added(t: &SpecialToken) -> AddedToken {
    let mut a = AddedToken::new(&t.content, t.special);
    a.single_word = t.single_word;
    a.lstrip = t.lstrip;
    a.rstrip = t.rstrip;
    a.normalized = t.normalized;
    a
}

impl Tokenizer {
    /// The words of `text` as training sees them: normalized and pre-tokenized, without added-token
    /// extraction (Hugging Face's `train` does not split added tokens out either).
    pub fn training_words(&self, text: &str, each: &mut dyn FnMut(&str)) -> Result<()> {
        let mut ns = NormalizedString::from_original(text, 0);
        if let Some(n) = &self.normalizer {
            n.normalize(&mut ns)?;
        }
        let mut pts = PreTokenizedString::from_normalized(ns);
        if let Some(p) = &self.pre_tokenizer {
            p.pre_tokenize(&mut pts)?;
        }
        for s in &pts.splits {
            each(s.normalized.as_str());
        }
        Ok(())
    }

    /// Count the training words of `texts` into `words` (on the pool for large chunks).
    pub fn count_words(&self, words: &mut WordCounts, texts: &[&str], ctl: &Control) -> Result<()> {
        let pool = super::parallel::pool();
        let split = |t: &str, each: &mut dyn FnMut(&str)| self.training_words(t, each);
        words.feed(&split, texts, pool.as_deref(), ctl)
    }

    /// This tokenizer's pipeline around a newly trained model. Added tokens of the old tokenizer are kept
    /// (with ids recomputed against the new vocabulary, as Hugging Face does on load), then the trainer's
    /// special tokens are added.
    pub fn trained(&self, trained: Trained) -> Result<Tokenizer> {
        let mut doc = tokenizer_json::to_value(self);
        let Some(o) = doc.as_object_mut() else {
            return Err(Error::Internal(
                "tokenizer document is not an object".into(),
            ));
        };
        o.insert("model".into(), trained.model);
        o.insert("added_tokens".into(), Value::Array(Vec::new()));
        let mut t = tokenizer_json::from_value(doc, "<trained>")?;
        let mut keep: Vec<(u32, AddedToken)> =
            self.added.tokens().map(|(id, t)| (id, t.clone())).collect();
        keep.sort_by_key(|(id, _)| *id);
        let mut tokens: Vec<AddedToken> = keep.into_iter().map(|(_, t)| t).collect();
        tokens.extend(trained.special_tokens.iter().map(added));
        t.add_tokens(&tokens)?;
        t.refresh();
        Ok(t)
    }

    /// The tokenizer.json `model` object of this tokenizer.
    pub fn model_json(&self) -> Value {
        tokenizer_json::to_value(self)
            .get("model")
            .cloned()
            .unwrap_or(Value::Null)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trainers::Trainer;

    #[test]
    fn trains_a_wordpiece_inside_the_pipeline() {
        let doc = r#"{"model": {"type": "WordPiece", "vocab": {}, "unk_token": "[UNK]"},
                     "normalizer": {"type": "Lowercase"},
                     "pre_tokenizer": {"type": "Whitespace"}}"#;
        let tok = Tokenizer::from_json_str(doc).unwrap();
        let ctl = Control::default();
        let mut words = WordCounts::new();
        tok.count_words(&mut words, &["Hug hug HUGS", "pug"], &ctl)
            .unwrap();
        assert_eq!(words.sorted(), vec![("hug", 2), ("hugs", 1), ("pug", 1)]);
        let trainer = Trainer::from_json(&serde_json::json!({
            "type": "WordPieceTrainer", "vocab_size": 30, "special_tokens": ["[UNK]"]
        }))
        .unwrap();
        let trained = trainer.train(&mut words, &tok.model_json(), &ctl).unwrap();
        let new = tok.trained(trained).unwrap();
        assert_eq!(new.token_to_id("[UNK]"), Some(0));
        assert!(new.token_to_id("hug").is_some());
        assert!(new.added.is_special(0));
    }

    #[test]
    fn unknown_options_are_named() {
        let err = Trainer::from_json(&serde_json::json!({"type": "BpeTrainer", "vocab_sise": 3}))
            .unwrap_err();
        assert_eq!(err.to_string(), "vocab_sise: unknown option of BpeTrainer");
    }
}
