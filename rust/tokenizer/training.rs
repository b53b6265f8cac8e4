//! Training wired to the pipeline: texts go through this tokenizer's normalizer and pre-tokenizer into
//! the trainers' word counts, and a trained model is put back into this pipeline.

use super::training_words::{bert_words, byte_level_raw_words};
use super::Tokenizer;
use crate::added_tokens::AddedToken;
use crate::error::{Error, Result};
use crate::kernel::{NormalizedString, PreTokenizedString};
use crate::loading::components::Stage;
use crate::loading::host_stages::HostStage;
use crate::loading::tokenizer_json;
use crate::normalizers::Normalizer;
use crate::pre_tokenizers::PreTokenizer;
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
        if self.has_host_stages() {
            return crate::kernel::host::with_input(text, || self.words_of(text, each));
        }
        self.words_of(text, each)
    }

    fn words_of(&self, text: &str, each: &mut dyn FnMut(&str)) -> Result<()> {
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
    /// pre-tokenizer are done on plain strings; Whitespace alone is one scan over char classes.
    pub fn count_words(&self, words: &mut WordCounts, texts: &[&str], ctl: &Control) -> Result<()> {
        self.count_words_then(words, texts, ctl, || ()).0
    }

    /// `count_words`, running `meanwhile` on this thread while the pool counts (see
    /// `WordCounts::feed_then`).
    pub fn count_words_then<R>(
        &self,
        words: &mut WordCounts,
        texts: &[&str],
        ctl: &Control,
        meanwhile: impl FnOnce() -> R,
    ) -> (Result<()>, R) {
        // Host stages (Python callbacks) run on the calling thread.
        let pool = (!self.has_host_stages())
            .then(super::parallel::pool)
            .flatten();
        let pool = pool.as_ref().map(|p| p.rayon());
        match (self.normalizer(), self.pre_tokenizer()) {
            (None, Some(PreTokenizer::ByteLevel(b))) => {
                words.map_bytes_to_chars();
                let split = |t: &str, each: &mut dyn FnMut(&str)| {
                    byte_level_raw_words(b, t, each);
                    Ok(())
                };
                words.feed_then(&split, texts, pool, ctl, meanwhile)
            }
            (Some(Normalizer::Bert(n)), Some(PreTokenizer::Bert(_)))
                if n.clean_text && !n.python_lowercase =>
            {
                let split = |t: &str, each: &mut dyn FnMut(&str)| {
                    bert_words(n, t, each);
                    Ok(())
                };
                words.feed_then(&split, texts, pool, ctl, meanwhile)
            }
            (None, Some(PreTokenizer::Whitespace(w))) => {
                let split = |t: &str, each: &mut dyn FnMut(&str)| w.for_each_word(t, each);
                words.feed_then(&split, texts, pool, ctl, meanwhile)
            }
            _ => {
                let split = |t: &str, each: &mut dyn FnMut(&str)| self.training_words(t, each);
                words.feed_then(&split, texts, pool, ctl, meanwhile)
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
        // Stages written in Python have no tokenizer.json value: they are carried over as they are.
        let hosts: Vec<HostStage> = [Stage::Normalizer, Stage::PreTokenizer, Stage::Decoder]
            .into_iter()
            .filter_map(|s| self.host_stage(s))
            .collect();
        for h in &hosts {
            o.insert(h.stage().field().into(), Value::Null);
        }
        let mut t = tokenizer_json::from_value(doc, "<trained>")?;
        for h in hosts {
            t.set_host_stage(h)?;
        }
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
        "ΣΊΣΥΦΟΣ İstanbul ǅ ﬁ Ⅻ ß \u{1E9E}",
        // Combining marks to reorder (ccc 230 before 220), a kept spacing mark with a class, a mark
        // alone at the start, controls and odd spaces next to non-ASCII letters.
        "\u{301}a\u{301}\u{316}e\u{1D165}\u{1D16D}x q\u{0F71}\u{0F72} \u{200b}é\u{85}ö\u{a0}\u{3000}中",
        "A\u{1}É\u{fffd}b «quote» — dash… ½ ²",
        "😀👍🏽 x\u{200d}y 𠀋𪚲 \u{e000}\u{feff}",
    ];

    /// The texts above, the multilingual fixture and random strings over an adversarial alphabet.
    fn texts() -> Vec<String> {
        let p = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/multilingual/sample.txt"
        );
        let fixture = std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{p}: {e}"));
        let alphabet = " \t\nAaSsÉé\u{301}\u{316}İΣ日!?-\u{1}\u{a0}\u{3000}\u{200b}😀_²½«";
        let mut all: Vec<String> = TEXTS.iter().map(|t| t.to_string()).collect();
        all.extend(fixture.lines().map(str::to_string));
        all.extend(crate::kernel::test_util::random_strings(alphabet, 24, 400));
        all
    }

    #[test]
    fn fast_counting_gives_the_generic_words() {
        let texts = texts();
        let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
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
            r#"{"model": {"type": "WordPiece", "vocab": {}},
                "normalizer": {"type": "BertNormalizer", "lowercase": true,
                               "handle_chinese_chars": false},
                "pre_tokenizer": {"type": "BertPreTokenizer"}}"#,
            r#"{"model": {"type": "WordPiece", "vocab": {}},
                "normalizer": {"type": "BertNormalizer", "lowercase": false, "strip_accents": true},
                "pre_tokenizer": {"type": "BertPreTokenizer"}}"#,
            r#"{"model": {"type": "WordPiece", "vocab": {}},
                "normalizer": {"type": "BertNormalizer", "lowercase": true, "strip_accents": false},
                "pre_tokenizer": {"type": "BertPreTokenizer"}}"#,
        ] {
            let tok = Tokenizer::from_json_str(doc).unwrap();
            for t in &texts {
                assert_eq!(
                    fast_words(&tok, &[t]),
                    generic_words(&tok, &[t]),
                    "{doc} {t:?}"
                );
            }
            assert_eq!(
                fast_words(&tok, &texts),
                generic_words(&tok, &texts),
                "{doc}"
            );
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
