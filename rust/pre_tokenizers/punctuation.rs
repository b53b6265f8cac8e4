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
    use crate::kernel::test_util::{exp, run};
    use serde_json::json;

    // Expected values from Hugging Face tokenizers 0.23.3 (pre_tokenize on a PreTokenizedString,
    // original byte offsets).
    #[test]
    fn isolated_by_default() {
        let v = json!({"type": "Punctuation"});
        let p = Punctuation::from_json(v.as_object().unwrap(), "pre_tokenizer").unwrap();
        assert_eq!(p.behavior, SplitBehavior::Isolated);
        let r = |s: &str| run(|pts| p.pre_tokenize(pts), s);
        assert_eq!(
            r("Hello, world! It's 2024..."),
            exp(&[
                ("Hello", (0, 5)),
                (",", (5, 6)),
                (" world", (6, 12)),
                ("!", (12, 13)),
                (" It", (13, 16)),
                ("'", (16, 17)),
                ("s 2024", (17, 23)),
                (".", (23, 24)),
                (".", (24, 25)),
                (".", (25, 26))
            ])
        );
        assert_eq!(r("  "), exp(&[("  ", (0, 2))]));
        assert_eq!(r(""), exp(&[]));
        assert_eq!(
            r("a²b ¼ Ⅻ x_y-z"),
            exp(&[
                ("a²b ¼ Ⅻ x", (0, 13)),
                ("_", (13, 14)),
                ("y", (14, 15)),
                ("-", (15, 16)),
                ("z", (16, 17))
            ])
        );
        assert_eq!(
            r("naïve e\u{301} café\u{200b}ok"),
            exp(&[("naïve e\u{301} café\u{200b}ok", (0, 21))])
        );
        assert_eq!(
            r("東京タワー。こんにちは！"),
            exp(&[
                ("東京タワー", (0, 15)),
                ("。", (15, 18)),
                ("こんにちは", (18, 33)),
                ("！", (33, 36))
            ])
        );
        assert_eq!(
            r("مرحبا، بالعالم؟"),
            exp(&[
                ("مرحبا", (0, 10)),
                ("،", (10, 12)),
                (" بالعالم", (12, 27)),
                ("؟", (27, 29))
            ])
        );
        assert_eq!(
            r("🎉party🎉 ☃\u{fe0f}!"),
            exp(&[("🎉party🎉 ☃\u{fe0f}", (0, 20)), ("!", (20, 21))])
        );
        assert_eq!(
            r("tab\tnl\nnbsp\u{a0}ideo\u{3000}end"),
            exp(&[("tab\tnl\nnbsp\u{a0}ideo\u{3000}end", (0, 23))])
        );
        assert_eq!(
            r("$100.50 ¿qué? «oui» 3½"),
            exp(&[
                ("$", (0, 1)),
                ("100", (1, 4)),
                (".", (4, 5)),
                ("50 ", (5, 8)),
                ("¿", (8, 10)),
                ("qué", (10, 14)),
                ("?", (14, 15)),
                (" ", (15, 16)),
                ("«", (16, 18)),
                ("oui", (18, 21)),
                ("»", (21, 23)),
                (" 3½", (23, 27))
            ])
        );
        assert_eq!(r("٣٤5६"), exp(&[("٣٤5६", (0, 8))]));
    }

    #[test]
    fn merged_with_previous() {
        let v = json!({"type": "Punctuation", "behavior": "MergedWithPrevious"});
        let p = Punctuation::from_json(v.as_object().unwrap(), "pre_tokenizer").unwrap();
        let r = |s: &str| run(|pts| p.pre_tokenize(pts), s);
        assert_eq!(
            r("Hello, world! It's 2024..."),
            exp(&[
                ("Hello,", (0, 6)),
                (" world!", (6, 13)),
                (" It'", (13, 17)),
                ("s 2024.", (17, 24)),
                (".", (24, 25)),
                (".", (25, 26))
            ])
        );
        assert_eq!(r("  "), exp(&[("  ", (0, 2))]));
        assert_eq!(r(""), exp(&[]));
        assert_eq!(
            r("a²b ¼ Ⅻ x_y-z"),
            exp(&[("a²b ¼ Ⅻ x_", (0, 14)), ("y-", (14, 16)), ("z", (16, 17))])
        );
        assert_eq!(
            r("naïve e\u{301} café\u{200b}ok"),
            exp(&[("naïve e\u{301} café\u{200b}ok", (0, 21))])
        );
        assert_eq!(
            r("東京タワー。こんにちは！"),
            exp(&[("東京タワー。", (0, 18)), ("こんにちは！", (18, 36))])
        );
        assert_eq!(
            r("مرحبا، بالعالم؟"),
            exp(&[("مرحبا،", (0, 12)), (" بالعالم؟", (12, 29))])
        );
        assert_eq!(
            r("🎉party🎉 ☃\u{fe0f}!"),
            exp(&[("🎉party🎉 ☃\u{fe0f}!", (0, 21))])
        );
        assert_eq!(
            r("tab\tnl\nnbsp\u{a0}ideo\u{3000}end"),
            exp(&[("tab\tnl\nnbsp\u{a0}ideo\u{3000}end", (0, 23))])
        );
        assert_eq!(
            r("$100.50 ¿qué? «oui» 3½"),
            exp(&[
                ("$", (0, 1)),
                ("100.", (1, 5)),
                ("50 ¿", (5, 10)),
                ("qué?", (10, 15)),
                (" «", (15, 18)),
                ("oui»", (18, 23)),
                (" 3½", (23, 27))
            ])
        );
        assert_eq!(r("٣٤5६"), exp(&[("٣٤5६", (0, 8))]));
    }
}
