//! Punctuation: split on Unicode punctuation with a chosen behaviour.

use crate::error::Result;
use crate::json::Obj;
use crate::kernel::bert_chars::is_punct;
use crate::kernel::pretokenized::{char_matches, split_with_behavior};
use crate::kernel::{PreTokenizedString, SplitBehavior};
use crate::pre_tokenizers::split::parse_behavior;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Punctuation {
    pub behavior: SplitBehavior,
}

/// Hugging Face's punctuation test: ASCII punctuation (which includes symbols such as `$`, `+`, `^`)
/// or a Unicode punctuation category as of HF's `unicode_categories` tables (Unicode 8), the same test
/// as BERT's, so characters made punctuation later (U+061D...) are not split off.
pub fn is_punctuation(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_punctuation();
    }
    is_punct(c)
}

impl Punctuation {
    pub fn from_json(o: &Obj, field: &str) -> Result<Self> {
        Ok(Punctuation {
            behavior: parse_behavior(o, "behavior", field)?.unwrap_or(SplitBehavior::Isolated),
        })
    }

    pub fn pre_tokenize(&self, pts: &mut PreTokenizedString) -> Result<()> {
        pts.split(|_, ns| {
            let m = char_matches(ns.as_str(), is_punctuation);
            Ok(split_with_behavior(&ns, &m, self.behavior))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::test_util::check_slices;
    use serde_json::json;

    // Expected values from Hugging Face tokenizers 0.23.3 (pre_tokenize on a PreTokenizedString,
    // original byte offsets).
    #[test]
    fn isolated_by_default() {
        let v = json!({"type": "Punctuation"});
        let p = Punctuation::from_json(v.as_object().unwrap(), "pre_tokenizer").unwrap();
        assert_eq!(p.behavior, SplitBehavior::Isolated);
        check_slices(
            |pts| p.pre_tokenize(pts),
            [
                "Hello|,| world|!| It|'|s 2024|.|.|.",
                "  ",
                "",
                "a²b ¼ Ⅻ x|_|y|-|z",
                "naïve e\u{301} café\u{200b}ok",
                "東京タワー|。|こんにちは|！",
                "مرحبا|،| بالعالم|؟",
                "🎉party🎉 ☃\u{fe0f}|!",
                "tab\tnl\nnbsp\u{a0}ideo\u{3000}end",
                "$|100|.|50 |¿|qué|?| |«|oui|»| 3½",
                "٣٤5६",
            ],
        );
    }

    #[test]
    fn merged_with_previous() {
        let v = json!({"type": "Punctuation", "behavior": "MergedWithPrevious"});
        let p = Punctuation::from_json(v.as_object().unwrap(), "pre_tokenizer").unwrap();
        check_slices(
            |pts| p.pre_tokenize(pts),
            [
                "Hello,| world!| It'|s 2024.|.|.",
                "  ",
                "",
                "a²b ¼ Ⅻ x_|y-|z",
                "naïve e\u{301} café\u{200b}ok",
                "東京タワー。|こんにちは！",
                "مرحبا،| بالعالم؟",
                "🎉party🎉 ☃\u{fe0f}!",
                "tab\tnl\nnbsp\u{a0}ideo\u{3000}end",
                "$|100.|50 ¿|qué?| «|oui»| 3½",
                "٣٤5६",
            ],
        );
    }
}
