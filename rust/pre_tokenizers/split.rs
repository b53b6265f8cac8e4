//! Split: split on a string or regex pattern with a chosen behaviour, optionally inverted.

use crate::error::{Error, Result};
use crate::json::{field as sub, opt_bool, req_str, Obj};
use crate::kernel::pattern::Pattern;
use crate::kernel::pretokenized::split_parts;
use crate::kernel::{PreTokenizedString, SplitBehavior};
use std::ops::Range;

#[derive(Debug, Clone)]
pub struct Split {
    pub pattern: Pattern,
    pub behavior: SplitBehavior,
    /// Split on what the pattern does NOT match.
    pub invert: bool,
}

/// Parse a Hugging Face `behavior` name (shared with Punctuation).
pub fn parse_behavior(o: &Obj, key: &str, parent: &str) -> Result<Option<SplitBehavior>> {
    if o.get(key).is_none_or(|v| v.is_null()) {
        return Ok(None);
    }
    Ok(Some(match req_str(o, key, parent)? {
        "Removed" => SplitBehavior::Removed,
        "Isolated" => SplitBehavior::Isolated,
        "MergedWithPrevious" => SplitBehavior::MergedWithPrevious,
        "MergedWithNext" => SplitBehavior::MergedWithNext,
        "Contiguous" => SplitBehavior::Contiguous,
        other => {
            return Err(Error::config(
                "",
                sub(parent, key),
                format!("unknown split behavior `{other}`"),
            ))
        }
    }))
}

impl Split {
    pub fn from_json(o: &Obj, field: &str) -> Result<Self> {
        let behavior = parse_behavior(o, "behavior", field)?
            .ok_or_else(|| Error::config("", sub(field, "behavior"), "missing field"))?;
        Ok(Split {
            pattern: Pattern::from_json(o, "pattern", field)?,
            behavior,
            invert: opt_bool(o, "invert", field, false)?,
        })
    }

    pub fn pre_tokenize(&self, pts: &mut PreTokenizedString) -> Result<()> {
        let mut matches: Vec<Range<usize>> = Vec::new();
        pts.split(|_, ns| {
            self.pattern.find_into(ns.as_str(), &mut matches)?;
            let parts = cover(&matches, ns.len(), self.invert);
            Ok(split_parts(&ns, parts, self.behavior))
        })
    }
}

/// The full cover of a text of `len` bytes by the matches and the gaps between them, flagged as
/// matched (flipped when `invert`, as Hugging Face's inverted pattern does, empty matches included).
pub(crate) fn cover(
    matches: &[Range<usize>],
    len: usize,
    invert: bool,
) -> Vec<(Range<usize>, bool)> {
    let mut parts = Vec::with_capacity(matches.len() * 2 + 1);
    let mut last = 0;
    for m in matches {
        if m.start > last {
            parts.push((last..m.start, invert));
        }
        parts.push((m.clone(), !invert));
        last = m.end;
    }
    if last < len {
        parts.push((last..len, invert));
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::test_util::{exp, run};
    use serde_json::json;

    fn split(pattern: serde_json::Value, behavior: &str, invert: bool) -> Split {
        let v =
            json!({"type": "Split", "pattern": pattern, "behavior": behavior, "invert": invert});
        Split::from_json(v.as_object().unwrap(), "pre_tokenizer").unwrap()
    }

    const LLAMA3: &str = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    // Expected values from Hugging Face tokenizers 0.23.3 (pre_tokenize on a PreTokenizedString,
    // original byte offsets).
    #[test]
    fn behaviors_with_empty_matches() {
        let r = |p: &str, b: &str, s: &str| {
            let sp = split(json!({ "Regex": p }), b, false);
            run(|pts| sp.pre_tokenize(pts), s)
        };
        assert_eq!(r("a*", "MergedWithNext", "aab"), exp(&[("aab", (0, 3))]));
        assert_eq!(
            r("a*", "MergedWithPrevious", "bab"),
            exp(&[("ba", (0, 2)), ("b", (2, 3))])
        );
        assert_eq!(
            r("x*", "MergedWithNext", "ab"),
            exp(&[("a", (0, 1)), ("b", (1, 2))])
        );
        assert_eq!(
            r("(?=b)", "Contiguous", "abab"),
            exp(&[("a", (0, 1)), ("ba", (1, 3)), ("b", (3, 4))])
        );
        assert_eq!(
            r(r"\bx", "MergedWithNext", "x x"),
            exp(&[("x ", (0, 2)), ("x", (2, 3))])
        );
        assert_eq!(r("^a", "Removed", "a\na"), exp(&[("\n", (1, 2))]));
    }

    #[test]
    fn llama3_pattern_multilingual() {
        let sp = split(json!({ "Regex": LLAMA3 }), "Isolated", false);
        let l3 = |s: &str| run(|pts| sp.pre_tokenize(pts), s);
        assert_eq!(
            l3("Hello world, it'S 12345 ☃\u{fe0f} 🎉!!\n\n  x"),
            exp(&[
                ("Hello", (0, 5)),
                (" world", (5, 11)),
                (",", (11, 12)),
                (" it", (12, 15)),
                ("'S", (15, 17)),
                (" ", (17, 18)),
                ("123", (18, 21)),
                ("45", (21, 23)),
                (" ☃\u{fe0f}", (23, 30)),
                (" 🎉!!\n\n", (30, 39)),
                (" ", (39, 40)),
                (" x", (40, 42))
            ])
        );
        assert_eq!(
            l3("Привет мир! こんにちは世界。مرحبا بالعالم"),
            exp(&[
                ("Привет", (0, 12)),
                (" мир", (12, 19)),
                ("!", (19, 20)),
                (" こんにちは世界", (20, 42)),
                ("。مرحبا", (42, 55)),
                (" بالعالم", (55, 70))
            ])
        );
        assert_eq!(
            l3("e\u{301}té  \t\n  a\u{200b}b  "),
            exp(&[
                ("e", (0, 1)),
                ("\u{301}té", (1, 6)),
                ("  \t\n", (6, 10)),
                (" ", (10, 11)),
                (" a", (11, 13)),
                ("\u{200b}b", (13, 17)),
                ("  ", (17, 19))
            ])
        );
        assert_eq!(l3(""), exp(&[]));
        assert_eq!(l3("   "), exp(&[("   ", (0, 3))]));
        assert_eq!(
            l3("I'LL 1234567 x\r\n\r\ny"),
            exp(&[
                ("I", (0, 1)),
                ("'LL", (1, 4)),
                (" ", (4, 5)),
                ("123", (5, 8)),
                ("456", (8, 11)),
                ("7", (11, 12)),
                (" x", (12, 14)),
                ("\r\n\r\n", (14, 18)),
                ("y", (18, 19))
            ])
        );
    }

    #[test]
    fn inverted_and_string_patterns() {
        let a = split(json!({ "Regex": r"\d" }), "MergedWithNext", true);
        let b = split(json!({ "Regex": r"\d" }), "Contiguous", true);
        let c = split(json!({ "String": "b" }), "Removed", true);
        let inv = |s: &str| [&a, &b, &c].map(|sp| run(|pts| sp.pre_tokenize(pts), s));
        assert_eq!(
            inv("ab12cd"),
            [
                exp(&[("ab1", (0, 3)), ("2", (3, 4)), ("cd", (4, 6))]),
                exp(&[("ab", (0, 2)), ("12", (2, 4)), ("cd", (4, 6))]),
                exp(&[("b", (1, 2))])
            ]
        );
        assert_eq!(
            inv("1a"),
            [
                exp(&[("1", (0, 1)), ("a", (1, 2))]),
                exp(&[("1", (0, 1)), ("a", (1, 2))]),
                exp(&[])
            ]
        );
        assert_eq!(inv(""), [exp(&[]), exp(&[]), exp(&[])]);
    }

    #[test]
    fn config_errors_name_the_field() {
        let v = json!({"type": "Split", "pattern": {"Regex": "(a"}, "behavior": "Isolated"});
        let e = Split::from_json(v.as_object().unwrap(), "pre_tokenizer").unwrap_err();
        assert!(e.to_string().contains("(a"), "{e}");
        let v = json!({"type": "Split", "pattern": {"Regex": "a"}, "behavior": "Sideways"});
        let e = Split::from_json(v.as_object().unwrap(), "pre_tokenizer").unwrap_err();
        assert!(e.to_string().contains("pre_tokenizer.behavior"), "{e}");
        let v = json!({"type": "Split", "pattern": {"Glob": "a"}, "behavior": "Isolated"});
        let e = Split::from_json(v.as_object().unwrap(), "pre_tokenizer").unwrap_err();
        assert!(e.to_string().contains("pre_tokenizer.pattern"), "{e}");
    }

    #[test]
    fn whitespace_lookahead_tail() {
        let gpt2 = r"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";
        let sp = split(json!({ "Regex": gpt2 }), "Isolated", false);
        let g = |s: &str| run(|pts| sp.pre_tokenize(pts), s);
        assert_eq!(
            g("a  b\t\t\nc   "),
            exp(&[
                ("a", (0, 1)),
                (" ", (1, 2)),
                (" b", (2, 4)),
                ("\t\t", (4, 6)),
                ("\n", (6, 7)),
                ("c", (7, 8)),
                ("   ", (8, 11))
            ])
        );
        assert_eq!(
            g("x \u{3000}y"),
            exp(&[
                ("x", (0, 1)),
                (" ", (1, 2)),
                ("\u{3000}", (2, 5)),
                ("y", (5, 6))
            ])
        );
        assert_eq!(
            g("   !!  12"),
            exp(&[
                ("  ", (0, 2)),
                (" !!", (2, 5)),
                (" ", (5, 6)),
                (" 12", (6, 9))
            ])
        );
        assert_eq!(g(" "), exp(&[(" ", (0, 1))]));
        assert_eq!(g("\n\n x"), exp(&[("\n\n", (0, 2)), (" x", (2, 4))]));
        // A prefix that matches empty strings still wins before the whitespace alternatives.
        let sp = split(json!({ "Regex": r"x*|\s+(?!\S)|\s+" }), "Isolated", false);
        let e = |s: &str| run(|pts| sp.pre_tokenize(pts), s);
        assert_eq!(
            e("ab  x  "),
            exp(&[
                ("a", (0, 1)),
                ("b", (1, 2)),
                (" ", (2, 3)),
                (" ", (3, 4)),
                ("x", (4, 5)),
                (" ", (5, 6)),
                (" ", (6, 7))
            ])
        );
        assert_eq!(
            e("a \u{a0}\u{a0}b"),
            exp(&[
                ("a", (0, 1)),
                (" ", (1, 2)),
                ("\u{a0}", (2, 4)),
                ("\u{a0}", (4, 6)),
                ("b", (6, 7))
            ])
        );
    }
}
