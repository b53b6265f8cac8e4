//! Whitespace (`\w+|[^\w\s]+`), WhitespaceSplit (split on whitespace) and CharDelimiterSplit.

use crate::error::{Error, Result};
use crate::json::{field as sub, req_str, Obj};
use crate::kernel::pretokenized::{char_matches, split_with_behavior};
use crate::kernel::word_chars::WordChars;
use crate::kernel::{PreTokenizedString, SplitBehavior};
use std::sync::OnceLock;

/// Hugging Face's Whitespace pattern. HF compiles it with the `regex` crate (not Oniguruma), so it is
/// used as is: Rust's `\w` (joiners in, Latin-1 superscripts out).
const WORDS: &str = r"\w+|[^\w\s]+";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Whitespace;

fn words_regex() -> Result<&'static regex::Regex> {
    static RE: OnceLock<std::result::Result<regex::Regex, regex::Error>> = OnceLock::new();
    match RE.get_or_init(|| regex::Regex::new(WORDS)) {
        Ok(re) => Ok(re),
        Err(e) => Err(Error::Internal(format!("Whitespace pattern: {e}"))),
    }
}

impl Whitespace {
    /// The words of `s` (the pattern's matches), for callers that need no offsets (training).
    pub fn for_each_word(&self, s: &str, each: &mut dyn FnMut(&str)) -> Result<()> {
        WordChars::get()?.for_each_word(s, each);
        Ok(())
    }

    /// Keep only the pattern's matches (HF splits on the inverted pattern and removes the rest).
    pub fn pre_tokenize(&self, pts: &mut PreTokenizedString) -> Result<()> {
        let re = words_regex()?;
        pts.split(|_, ns| {
            Ok(re
                .find_iter(ns.as_str())
                .map(|m| ns.slice(m.range()))
                .collect())
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WhitespaceSplit;

impl WhitespaceSplit {
    /// Split on Unicode whitespace (`char::is_whitespace`), removing it.
    pub fn pre_tokenize(&self, pts: &mut PreTokenizedString) -> Result<()> {
        pts.split(|_, ns| {
            let m = char_matches(ns.as_str(), char::is_whitespace);
            Ok(split_with_behavior(&ns, &m, SplitBehavior::Removed))
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CharDelimiterSplit {
    pub delimiter: char,
}

impl CharDelimiterSplit {
    pub fn from_json(o: &Obj, field: &str) -> Result<Self> {
        let d = req_str(o, "delimiter", field)?;
        let mut chars = d.chars();
        match (chars.next(), chars.next()) {
            (Some(delimiter), None) => Ok(CharDelimiterSplit { delimiter }),
            _ => Err(Error::config(
                "",
                sub(field, "delimiter"),
                format!("expected a single char, found {d:?}"),
            )),
        }
    }

    /// Split on the delimiter char, removing it.
    pub fn pre_tokenize(&self, pts: &mut PreTokenizedString) -> Result<()> {
        let d = self.delimiter;
        pts.split(|_, ns| {
            let m = char_matches(ns.as_str(), |c| c == d);
            Ok(split_with_behavior(&ns, &m, SplitBehavior::Removed))
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
    fn whitespace_words_and_symbols() {
        let r = |s: &str| run(|pts| Whitespace.pre_tokenize(pts), s);
        assert_eq!(
            r("Hello, world! It's 2024..."),
            exp(&[
                ("Hello", (0, 5)),
                (",", (5, 6)),
                ("world", (7, 12)),
                ("!", (12, 13)),
                ("It", (14, 16)),
                ("'", (16, 17)),
                ("s", (17, 18)),
                ("2024", (19, 23)),
                ("...", (23, 26))
            ])
        );
        assert_eq!(r("  "), exp(&[]));
        assert_eq!(r(""), exp(&[]));
        assert_eq!(
            r("a²b ¼ Ⅻ x_y-z"),
            exp(&[
                ("a", (0, 1)),
                ("²", (1, 3)),
                ("b", (3, 4)),
                ("¼", (5, 7)),
                ("Ⅻ", (8, 11)),
                ("x_y", (12, 15)),
                ("-", (15, 16)),
                ("z", (16, 17))
            ])
        );
        assert_eq!(
            r("naïve e\u{301} café\u{200b}ok"),
            exp(&[
                ("naïve", (0, 6)),
                ("e\u{301}", (7, 10)),
                ("café", (11, 16)),
                ("\u{200b}", (16, 19)),
                ("ok", (19, 21))
            ])
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
                ("بالعالم", (13, 27)),
                ("؟", (27, 29))
            ])
        );
        assert_eq!(
            r("🎉party🎉 ☃\u{fe0f}!"),
            exp(&[
                ("🎉", (0, 4)),
                ("party", (4, 9)),
                ("🎉", (9, 13)),
                ("☃", (14, 17)),
                ("\u{fe0f}", (17, 20)),
                ("!", (20, 21))
            ])
        );
        assert_eq!(
            r("tab\tnl\nnbsp\u{a0}ideo\u{3000}end"),
            exp(&[
                ("tab", (0, 3)),
                ("nl", (4, 6)),
                ("nbsp", (7, 11)),
                ("ideo", (13, 17)),
                ("end", (20, 23))
            ])
        );
        assert_eq!(
            r("$100.50 ¿qué? «oui» 3½"),
            exp(&[
                ("$", (0, 1)),
                ("100", (1, 4)),
                (".", (4, 5)),
                ("50", (5, 7)),
                ("¿", (8, 10)),
                ("qué", (10, 14)),
                ("?", (14, 15)),
                ("«", (16, 18)),
                ("oui", (18, 21)),
                ("»", (21, 23)),
                ("3", (24, 25)),
                ("½", (25, 27))
            ])
        );
        assert_eq!(r("٣٤5६"), exp(&[("٣٤5६", (0, 8))]));
    }

    #[test]
    fn whitespace_split_unicode_spaces() {
        let r = |s: &str| run(|pts| WhitespaceSplit.pre_tokenize(pts), s);
        assert_eq!(
            r("Hello, world! It's 2024..."),
            exp(&[
                ("Hello,", (0, 6)),
                ("world!", (7, 13)),
                ("It's", (14, 18)),
                ("2024...", (19, 26))
            ])
        );
        assert_eq!(r("  "), exp(&[]));
        assert_eq!(r(""), exp(&[]));
        assert_eq!(
            r("a²b ¼ Ⅻ x_y-z"),
            exp(&[
                ("a²b", (0, 4)),
                ("¼", (5, 7)),
                ("Ⅻ", (8, 11)),
                ("x_y-z", (12, 17))
            ])
        );
        assert_eq!(
            r("naïve e\u{301} café\u{200b}ok"),
            exp(&[
                ("naïve", (0, 6)),
                ("e\u{301}", (7, 10)),
                ("café\u{200b}ok", (11, 21))
            ])
        );
        assert_eq!(
            r("東京タワー。こんにちは！"),
            exp(&[("東京タワー。こんにちは！", (0, 36))])
        );
        assert_eq!(
            r("مرحبا، بالعالم؟"),
            exp(&[("مرحبا،", (0, 12)), ("بالعالم؟", (13, 29))])
        );
        assert_eq!(
            r("🎉party🎉 ☃\u{fe0f}!"),
            exp(&[("🎉party🎉", (0, 13)), ("☃\u{fe0f}!", (14, 21))])
        );
        assert_eq!(
            r("tab\tnl\nnbsp\u{a0}ideo\u{3000}end"),
            exp(&[
                ("tab", (0, 3)),
                ("nl", (4, 6)),
                ("nbsp", (7, 11)),
                ("ideo", (13, 17)),
                ("end", (20, 23))
            ])
        );
        assert_eq!(
            r("$100.50 ¿qué? «oui» 3½"),
            exp(&[
                ("$100.50", (0, 7)),
                ("¿qué?", (8, 15)),
                ("«oui»", (16, 23)),
                ("3½", (24, 27))
            ])
        );
        assert_eq!(r("٣٤5६"), exp(&[("٣٤5६", (0, 8))]));
    }

    #[test]
    fn char_delimiter() {
        let v = json!({"type": "CharDelimiterSplit", "delimiter": "a"});
        let p = CharDelimiterSplit::from_json(v.as_object().unwrap(), "pre_tokenizer").unwrap();
        let r = |s: &str| run(|pts| p.pre_tokenize(pts), s);
        assert_eq!(
            r("Hello, world! It's 2024..."),
            exp(&[("Hello, world! It's 2024...", (0, 26))])
        );
        assert_eq!(r("  "), exp(&[("  ", (0, 2))]));
        assert_eq!(r(""), exp(&[]));
        assert_eq!(r("a²b ¼ Ⅻ x_y-z"), exp(&[("²b ¼ Ⅻ x_y-z", (1, 17))]));
        assert_eq!(
            r("naïve e\u{301} café\u{200b}ok"),
            exp(&[
                ("n", (0, 1)),
                ("ïve e\u{301} c", (2, 12)),
                ("fé\u{200b}ok", (13, 21))
            ])
        );
        assert_eq!(
            r("東京タワー。こんにちは！"),
            exp(&[("東京タワー。こんにちは！", (0, 36))])
        );
        assert_eq!(r("مرحبا، بالعالم؟"), exp(&[("مرحبا، بالعالم؟", (0, 29))]));
        assert_eq!(
            r("🎉party🎉 ☃\u{fe0f}!"),
            exp(&[("🎉p", (0, 5)), ("rty🎉 ☃\u{fe0f}!", (6, 21))])
        );
        assert_eq!(
            r("tab\tnl\nnbsp\u{a0}ideo\u{3000}end"),
            exp(&[("t", (0, 1)), ("b\tnl\nnbsp\u{a0}ideo\u{3000}end", (2, 23))])
        );
        assert_eq!(
            r("$100.50 ¿qué? «oui» 3½"),
            exp(&[("$100.50 ¿qué? «oui» 3½", (0, 27))])
        );
        assert_eq!(r("٣٤5६"), exp(&[("٣٤5६", (0, 8))]));
        let v = json!({"type": "CharDelimiterSplit", "delimiter": "ab"});
        let e = CharDelimiterSplit::from_json(v.as_object().unwrap(), "pre_tokenizer").unwrap_err();
        assert!(e.to_string().contains("pre_tokenizer.delimiter"), "{e}");
    }
}
