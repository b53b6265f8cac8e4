//! Training wired to the pipeline: texts go through this tokenizer's normalizer and pre-tokenizer into
//! the trainers' word counts, and a trained model is put back into this pipeline.

use super::Tokenizer;
use crate::added_tokens::AddedToken;
use crate::error::{Error, Result};
use crate::kernel::{bert_chars, gpt2_split, NormalizedString, PreTokenizedString};
use crate::loading::tokenizer_json;
use crate::normalizers::Normalizer;
use crate::pre_tokenizers::{ByteLevel, PreTokenizer};
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

/// GPT-2's pieces of `text` before the byte-to-char mapping (with the prefix space when asked).
fn byte_level_raw_words(b: &ByteLevel, text: &str, each: &mut dyn FnMut(&str)) {
    if text.is_empty() {
        return;
    }
    let prefixed;
    let v = if b.add_prefix_space && !text.starts_with(' ') {
        prefixed = format!(" {text}");
        prefixed.as_str()
    } else {
        text
    };
    if !b.use_regex {
        return each(v);
    }
    for (a, e) in gpt2_split::pieces(v) {
        if let Some(w) = v.get(a..e) {
            each(w);
        }
    }
}

/// What BERT's normalizer (clean_text) and pre-tokenizer do with each ASCII byte.
#[derive(Clone, Copy, PartialEq, Eq)]
enum AsciiClass {
    Removed,
    Space,
    Punct,
    Word,
}

fn ascii_classes() -> &'static [AsciiClass; 128] {
    static TABLE: std::sync::OnceLock<[AsciiClass; 128]> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t = [AsciiClass::Word; 128];
        for (b, slot) in t.iter_mut().enumerate() {
            let c = char::from(b as u8);
            *slot = if bert_chars::is_removed(c) {
                AsciiClass::Removed
            } else if bert_chars::is_whitespace(c) {
                AsciiClass::Space
            } else if bert_chars::is_punct(c) {
                AsciiClass::Punct
            } else {
                AsciiClass::Word
            };
        }
        t
    })
}

/// BERT's words of an ASCII text: removed controls join their neighbours, whitespace separates,
/// punctuation stands alone, letters are lowercased when asked.
fn bert_ascii_words(lowercase: bool, text: &str, each: &mut dyn FnMut(&str)) {
    let classes = ascii_classes();
    let mut word = String::new();
    for &b in text.as_bytes() {
        match classes
            .get(usize::from(b))
            .copied()
            .unwrap_or(AsciiClass::Word)
        {
            AsciiClass::Removed => {}
            AsciiClass::Space => {
                if !word.is_empty() {
                    each(&word);
                    word.clear();
                }
            }
            AsciiClass::Punct => {
                if !word.is_empty() {
                    each(&word);
                    word.clear();
                }
                let p = [b];
                each(std::str::from_utf8(&p).unwrap_or_default());
            }
            AsciiClass::Word => word.push(char::from(if lowercase {
                b.to_ascii_lowercase()
            } else {
                b
            })),
        }
    }
    if !word.is_empty() {
        each(&word);
    }
}

impl Tokenizer {
    /// The words of `text` as training sees them: normalized and pre-tokenized, without added-token
    /// extraction (Hugging Face's `train` does not split added tokens out either).
    pub fn training_words(&self, text: &str, each: &mut dyn FnMut(&str)) -> Result<()> {
        let mut ns = NormalizedString::from_original(text, 0);
        if let Some(n) = self.normalizer() {
            n.normalize(&mut ns)?;
        }
        let mut pts = PreTokenizedString::from_normalized(ns);
        if let Some(p) = self.pre_tokenizer() {
            p.pre_tokenize(&mut pts)?;
        }
        for s in &pts.splits {
            each(s.normalized.as_str());
        }
        Ok(())
    }

    /// Count the training words of `texts` into `words` (on the pool for large chunks).
    ///
    /// Two common pipelines skip the generic normalize/pre-tokenize chain (and its alignment
    /// bookkeeping), with the same words: byte-level pre-tokenization alone counts raw GPT-2 pieces and
    /// maps each distinct word to byte-level chars once, when training starts; BERT's normalizer and
    /// pre-tokenizer are done in one pass over ASCII texts; Whitespace alone runs its pattern on the text.
    pub fn count_words(&self, words: &mut WordCounts, texts: &[&str], ctl: &Control) -> Result<()> {
        let pool = super::parallel::pool();
        match (self.normalizer(), self.pre_tokenizer()) {
            (None, Some(PreTokenizer::ByteLevel(b))) => {
                words.map_bytes_to_chars();
                let split = |t: &str, each: &mut dyn FnMut(&str)| {
                    byte_level_raw_words(b, t, each);
                    Ok(())
                };
                words.feed(&split, texts, pool.as_deref(), ctl)
            }
            (Some(Normalizer::Bert(n)), Some(PreTokenizer::Bert(_))) if n.clean_text => {
                let split = |t: &str, each: &mut dyn FnMut(&str)| {
                    if t.is_ascii() {
                        bert_ascii_words(n.lowercase, t, each);
                        Ok(())
                    } else {
                        self.training_words(t, each)
                    }
                };
                words.feed(&split, texts, pool.as_deref(), ctl)
            }
            (None, Some(PreTokenizer::Whitespace(w))) => {
                let split = |t: &str, each: &mut dyn FnMut(&str)| w.for_each_word(t, each);
                words.feed(&split, texts, pool.as_deref(), ctl)
            }
            _ => {
                let split = |t: &str, each: &mut dyn FnMut(&str)| self.training_words(t, each);
                words.feed(&split, texts, pool.as_deref(), ctl)
            }
        }
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
        assert!(new.added_vocabulary().is_special(0));
    }

    fn generic_words(tok: &Tokenizer, texts: &[&str]) -> Vec<(String, u64)> {
        let mut words = WordCounts::new();
        let split = |t: &str, each: &mut dyn FnMut(&str)| tok.training_words(t, each);
        words
            .feed(&split, texts, None, &Control::default())
            .unwrap();
        words
            .sorted()
            .into_iter()
            .map(|(w, n)| (w.to_string(), n))
            .collect()
    }

    fn fast_words(tok: &Tokenizer, texts: &[&str]) -> Vec<(String, u64)> {
        let mut words = WordCounts::new();
        tok.count_words(&mut words, texts, &Control::default())
            .unwrap();
        words
            .sorted()
            .into_iter()
            .map(|(w, n)| (w.to_string(), n))
            .collect()
    }

    const TEXTS: &[&str] = &[
        "Hello, World! It's 2024:\tdon't\r\n  stop...",
        "a\u{1}b \u{7f}c\u{b}d\u{c}e",
        "",
        "  leading and trailing  ",
        "héllo wörld ñ 日本語 naïve",
        "x",
    ];

    #[test]
    fn fast_counting_gives_the_generic_words() {
        for doc in [
            r#"{"model": {"type": "BPE", "vocab": {}, "merges": []},
                "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": false}}"#,
            r#"{"model": {"type": "BPE", "vocab": {}, "merges": []},
                "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": true}}"#,
            r#"{"model": {"type": "BPE", "vocab": {}, "merges": []},
                "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": false, "use_regex": false}}"#,
            r#"{"model": {"type": "WordPiece", "vocab": {}},
                "normalizer": {"type": "BertNormalizer", "lowercase": true},
                "pre_tokenizer": {"type": "BertPreTokenizer"}}"#,
            r#"{"model": {"type": "WordPiece", "vocab": {}},
                "normalizer": {"type": "BertNormalizer", "lowercase": false},
                "pre_tokenizer": {"type": "BertPreTokenizer"}}"#,
            r#"{"model": {"type": "WordPiece", "vocab": {}},
                "pre_tokenizer": {"type": "Whitespace"}}"#,
        ] {
            let tok = Tokenizer::from_json_str(doc).unwrap();
            assert_eq!(fast_words(&tok, TEXTS), generic_words(&tok, TEXTS), "{doc}");
        }
    }

    #[test]
    fn raw_words_are_mapped_once_across_merges() {
        let doc = r#"{"model": {"type": "BPE", "vocab": {}, "merges": []},
                      "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": false}}"#;
        let tok = Tokenizer::from_json_str(doc).unwrap();
        let ctl = Control::default();
        let mut words = WordCounts::new();
        tok.count_words(&mut words, &["héllo wörld"], &ctl).unwrap();
        assert_eq!(words.len(), 2);
        tok.count_words(&mut words, &["héllo"], &ctl).unwrap();
        let got: Vec<(String, u64)> = words
            .sorted()
            .into_iter()
            .map(|(w, n)| (w.into(), n))
            .collect();
        assert_eq!(got, vec![("hÃ©llo".into(), 2), ("ĠwÃ¶rld".into(), 1)]);
    }

    #[test]
    fn unknown_options_are_named() {
        let err = Trainer::from_json(&serde_json::json!({"type": "BpeTrainer", "vocab_sise": 3}))
            .unwrap_err();
        assert_eq!(err.to_string(), "vocab_sise: unknown option of BpeTrainer");
    }
}
