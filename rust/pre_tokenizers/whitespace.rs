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
    use crate::kernel::test_util::check_slices;
    use serde_json::json;

    // Expected values from Hugging Face tokenizers 0.23.3 (pre_tokenize on a PreTokenizedString,
    // original byte offsets).
    #[test]
    fn whitespace_words_and_symbols() {
        check_slices(
            |pts| Whitespace.pre_tokenize(pts),
            [
                "Hello|,|world|!|It|'|s|2024|...",
                "",
                "",
                "a|²|b|¼|Ⅻ|x_y|-|z",
                "naïve|e\u{301}|café|\u{200b}|ok",
                "東京タワー|。|こんにちは|！",
                "مرحبا|،|بالعالم|؟",
                "🎉|party|🎉|☃|\u{fe0f}|!",
                "tab|nl|nbsp|ideo|end",
                "$|100|.|50|¿|qué|?|«|oui|»|3|½",
                "٣٤5६",
            ],
        );
    }

    #[test]
    fn whitespace_split_unicode_spaces() {
        check_slices(
            |pts| WhitespaceSplit.pre_tokenize(pts),
            [
                "Hello,|world!|It's|2024...",
                "",
                "",
                "a²b|¼|Ⅻ|x_y-z",
                "naïve|e\u{301}|café\u{200b}ok",
                "東京タワー。こんにちは！",
                "مرحبا،|بالعالم؟",
                "🎉party🎉|☃\u{fe0f}!",
                "tab|nl|nbsp|ideo|end",
                "$100.50|¿qué?|«oui»|3½",
                "٣٤5६",
            ],
        );
    }

    #[test]
    fn char_delimiter() {
        let v = json!({"type": "CharDelimiterSplit", "delimiter": "a"});
        let p = CharDelimiterSplit::from_json(v.as_object().unwrap(), "pre_tokenizer").unwrap();
        check_slices(
            |pts| p.pre_tokenize(pts),
            [
                "Hello, world! It's 2024...",
                "  ",
                "",
                "²b ¼ Ⅻ x_y-z",
                "n|ïve e\u{301} c|fé\u{200b}ok",
                "東京タワー。こんにちは！",
                "مرحبا، بالعالم؟",
                "🎉p|rty🎉 ☃\u{fe0f}!",
                "t|b\tnl\nnbsp\u{a0}ideo\u{3000}end",
                "$100.50 ¿qué? «oui» 3½",
                "٣٤5६",
            ],
        );
        let v = json!({"type": "CharDelimiterSplit", "delimiter": "ab"});
        let e = CharDelimiterSplit::from_json(v.as_object().unwrap(), "pre_tokenizer").unwrap_err();
        assert!(e.to_string().contains("pre_tokenizer.delimiter"), "{e}");
    }
}
