//! WordLevel trainer: the most frequent words (ties by word), after the special tokens, as Hugging Face.

use super::options::Options;
use super::SpecialToken;
use super::{Control, Trained, WordCounts};
use crate::error::Result;
use serde_json::{Map, Value};

#[derive(Debug, Clone)]
pub struct WordLevelTrainer {
    pub vocab_size: usize,
    pub min_frequency: u64,
    pub show_progress: bool,
    pub special_tokens: Vec<SpecialToken>,
}

impl Default for WordLevelTrainer {
    fn default() -> Self {
        WordLevelTrainer {
            vocab_size: 30000,
            min_frequency: 0,
            show_progress: true,
            special_tokens: Vec::new(),
        }
    }
}

impl WordLevelTrainer {
    pub fn from_options(o: &mut Options<'_>) -> Result<Self> {
        let d = WordLevelTrainer::default();
        Ok(WordLevelTrainer {
            vocab_size: o.usize("vocab_size", d.vocab_size)?,
            min_frequency: o.u64("min_frequency", d.min_frequency)?,
            show_progress: o.bool("show_progress", d.show_progress)?,
            special_tokens: o.special_tokens("special_tokens")?,
        })
    }

    /// Tokens by id: the special tokens, then words by decreasing count (ties by word), at most
    /// `vocab_size` in all. A word equal to a special token is not listed twice.
    pub fn learn(&self, words: &[(&str, u64)], ctl: &Control) -> Result<Vec<String>> {
        ctl.check()?;
        let mut ordered: Vec<&(&str, u64)> = words
            .iter()
            .filter(|(_, n)| *n >= self.min_frequency)
            .collect();
        ordered.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        let mut seen = std::collections::HashSet::new();
        let specials = self.special_tokens.iter().map(|t| t.content.as_str());
        Ok(specials
            .chain(ordered.into_iter().map(|(w, _)| *w))
            .filter(|w| seen.insert(*w))
            .take(self.vocab_size)
            .map(str::to_string)
            .collect())
    }

    pub fn train(
        &self,
        words: &mut WordCounts,
        mut base: Map<String, Value>,
        ctl: &Control,
    ) -> Result<Trained> {
        let sorted = words.sorted();
        let tokens = self.learn(&sorted, ctl)?;
        let vocab: Map<String, Value> = tokens
            .into_iter()
            .enumerate()
            .map(|(id, t)| (t, Value::from(id as u32)))
            .collect();
        base.insert("type".into(), "WordLevel".into());
        base.entry("unk_token").or_insert("<unk>".into());
        base.insert("vocab".into(), Value::Object(vocab));
        Ok(Trained {
            model: Value::Object(base),
            special_tokens: self.special_tokens.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn most_frequent_words_after_specials() {
        let t = WordLevelTrainer {
            vocab_size: 3,
            special_tokens: vec![SpecialToken::new("<unk>", true)],
            ..WordLevelTrainer::default()
        };
        let got = t
            .learn(&[("a", 1), ("b", 5), ("c", 5)], &Control::default())
            .unwrap();
        assert_eq!(got, ["<unk>", "b", "c"]);
    }
}
