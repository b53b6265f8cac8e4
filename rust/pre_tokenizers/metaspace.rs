//! Metaspace: spaces become a replacement char (U+2581), optionally prepended, split before it.

use crate::error::Result;
use crate::json::Obj;
use crate::kernel::metaspace::{parse_metaspace, PrependScheme};
use crate::kernel::pretokenized::{char_matches, split_with_behavior};
use crate::kernel::{PreTokenizedString, SplitBehavior};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Metaspace {
    pub replacement: char,
    pub prepend_scheme: PrependScheme,
    pub split: bool,
}

impl Metaspace {
    pub fn from_json(o: &Obj, field: &str) -> Result<Self> {
        let c = parse_metaspace(o, field)?;
        Ok(Metaspace {
            replacement: c.replacement,
            prepend_scheme: c.prepend_scheme,
            split: c.split,
        })
    }

    pub fn pre_tokenize(&self, pts: &mut PreTokenizedString) -> Result<()> {
        let mut rep_buf = [0u8; 4];
        let rep: &str = self.replacement.encode_utf8(&mut rep_buf);
        pts.split(|_, mut ns| {
            let spaces = char_matches(ns.as_str(), |c| c == ' ');
            ns.replace_ranges(&spaces, rep);
            // "first" follows Hugging Face's test on the split's original start: in a full tokenizer
            // that is the original offset of its first normalized char, so a split after an added
            // token, or whose leading chars a normalizer removed, gets no prefix.
            let prepend = match self.prepend_scheme {
                PrependScheme::Always => true,
                PrependScheme::First => !ns.is_empty() && ns.original_range(0..0).0 == 0,
                PrependScheme::Never => false,
            };
            if prepend && !ns.as_str().starts_with(self.replacement) {
                ns.prepend(rep);
            }
            if !self.split {
                return Ok(vec![ns]);
            }
            let marks = char_matches(ns.as_str(), |c| c == self.replacement);
            Ok(split_with_behavior(
                &ns,
                &marks,
                SplitBehavior::MergedWithNext,
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::test_util::{check_spans, exp, pieces};
    use crate::kernel::{NormalizedString, Split as PreSplit, Token};
    use serde_json::json;

    const INPUTS: [&str; 11] = [
        "Hello world",
        " Hello  world ",
        "▁x",
        "",
        " ",
        "   ",
        "a\u{3000}b",
        "東京 タワー",
        "e\u{301} \u{200b}x",
        "مرحبا بالعالم",
        "🎉 🎉",
    ];

    /// `check_spans` of INPUTS through Metaspace with `▁`, `prepend_scheme` and `split`.
    fn spans(prepend_scheme: PrependScheme, split: bool, want: [(&str, &[usize]); 11]) {
        let p = Metaspace {
            replacement: '▁',
            prepend_scheme,
            split,
        };
        check_spans(|pts| p.pre_tokenize(pts), &INPUTS, want);
    }

    fn parse(v: serde_json::Value) -> Result<Metaspace> {
        Metaspace::from_json(v.as_object().unwrap(), "pre_tokenizer")
    }

    // Expected values from Hugging Face tokenizers 0.23.3 (Tokenizer.from_str / pre_tokenize on a
    // PreTokenizedString, original byte offsets).
    #[test]
    fn config_rules() {
        let p = parse(json!({"type": "Metaspace", "replacement": "▁", "add_prefix_space": true}))
            .unwrap();
        assert_eq!((p.prepend_scheme, p.split), (PrependScheme::Always, true));
        let p = parse(json!({"type": "Metaspace", "replacement": "_", "prepend_scheme": "first", "split": false, "str_rep": "x"})).unwrap();
        assert_eq!(
            (p.replacement, p.prepend_scheme, p.split),
            ('_', PrependScheme::First, false)
        );
        let p = parse(json!({"type": "Metaspace", "replacement": "▁", "add_prefix_space": false, "prepend_scheme": "never"})).unwrap();
        assert_eq!(p.prepend_scheme, PrependScheme::Never);
        for bad in [
            json!({"type": "Metaspace", "replacement": "▁", "add_prefix_space": false}),
            json!({"type": "Metaspace", "replacement": "▁", "add_prefix_space": false, "prepend_scheme": "first"}),
            json!({"type": "Metaspace"}),
            json!({"type": "Metaspace", "replacement": "ab"}),
            json!({"type": "Metaspace", "replacement": "▁", "prepend_scheme": "bogus"}),
        ] {
            let e = parse(bad).unwrap_err().to_string();
            assert!(e.contains("pre_tokenizer."), "{e}");
        }
    }

    /// Splits as the added-token stage leaves them: `<s>` already tokenized.
    fn with_added(text: &str) -> PreTokenizedString {
        let full = NormalizedString::from_original(text, 0);
        let mut splits = Vec::new();
        let mut last = 0;
        for (i, _) in text.match_indices("<s>") {
            if i > last {
                splits.push(PreSplit {
                    normalized: full.slice(last..i),
                    tokens: None,
                });
            }
            splits.push(PreSplit {
                normalized: full.slice(i..i + 3),
                tokens: Some(vec![Token {
                    id: 1,
                    offsets: (0, 3),
                }]),
            });
            last = i + 3;
        }
        if last < text.len() {
            splits.push(PreSplit {
                normalized: full.slice(last..text.len()),
                tokens: None,
            });
        }
        PreTokenizedString { splits }
    }

    // Observed with a full HF Tokenizer (special token `<s>`, vocab holding the pieces).
    #[test]
    fn first_scheme_only_at_text_start() {
        let p = Metaspace {
            replacement: '▁',
            prepend_scheme: PrependScheme::First,
            split: true,
        };
        let r = |s: &str| {
            let mut pts = with_added(s);
            p.pre_tokenize(&mut pts).unwrap();
            pieces(&pts)
        };
        assert_eq!(
            r("<s>hello world"),
            exp(&[("<s>", (0, 3)), ("hello", (3, 8)), ("▁world", (8, 14))])
        );
        assert_eq!(
            r("hi<s>there"),
            exp(&[("▁hi", (0, 2)), ("<s>", (2, 5)), ("there", (5, 10))])
        );
        assert_eq!(
            r(" <s>hello"),
            exp(&[("▁", (0, 1)), ("<s>", (1, 4)), ("hello", (4, 9))])
        );
        // A normalizer that removed the leading chars: no prefix either (HF: Strip, then Metaspace).
        let mut n = NormalizedString::from_original("  hello world", 0);
        n.strip(true, true);
        let mut pts = PreTokenizedString::from_normalized(n);
        p.pre_tokenize(&mut pts).unwrap();
        assert_eq!(pieces(&pts), exp(&[("hello", (2, 7)), ("▁world", (7, 13))]));
    }

    #[test]
    fn always_and_first_split_true() {
        // The two schemes differ only after the first piece of a sequence: no difference within one.
        for scheme in [PrependScheme::Always, PrependScheme::First] {
            spans(
                scheme,
                true,
                [
                    ("▁Hello|▁world", &[0, 5, 11]),
                    ("▁Hello|▁|▁world|▁", &[0, 6, 7, 13, 14]),
                    ("▁x", &[0, 4]),
                    ("", &[]),
                    ("▁", &[0, 1]),
                    ("▁|▁|▁", &[0, 1, 2, 3]),
                    ("▁a\u{3000}b", &[0, 5]),
                    ("▁東京|▁タワー", &[0, 6, 16]),
                    ("▁e\u{301}|▁\u{200b}x", &[0, 3, 8]),
                    ("▁مرحبا|▁بالعالم", &[0, 10, 25]),
                    ("▁🎉|▁🎉", &[0, 4, 9]),
                ],
            );
        }
    }

    #[test]
    fn always_and_first_split_false() {
        // The two schemes differ only after the first piece of a sequence: no difference within one.
        for scheme in [PrependScheme::Always, PrependScheme::First] {
            spans(
                scheme,
                false,
                [
                    ("▁Hello▁world", &[0, 11]),
                    ("▁Hello▁▁world▁", &[0, 14]),
                    ("▁x", &[0, 4]),
                    ("", &[]),
                    ("▁", &[0, 1]),
                    ("▁▁▁", &[0, 3]),
                    ("▁a\u{3000}b", &[0, 5]),
                    ("▁東京▁タワー", &[0, 16]),
                    ("▁e\u{301}▁\u{200b}x", &[0, 8]),
                    ("▁مرحبا▁بالعالم", &[0, 25]),
                    ("▁🎉▁🎉", &[0, 9]),
                ],
            );
        }
    }

    #[test]
    fn never_split_true() {
        spans(
            PrependScheme::Never,
            true,
            [
                ("Hello|▁world", &[0, 5, 11]),
                ("▁Hello|▁|▁world|▁", &[0, 6, 7, 13, 14]),
                ("▁x", &[0, 4]),
                ("", &[]),
                ("▁", &[0, 1]),
                ("▁|▁|▁", &[0, 1, 2, 3]),
                ("a\u{3000}b", &[0, 5]),
                ("東京|▁タワー", &[0, 6, 16]),
                ("e\u{301}|▁\u{200b}x", &[0, 3, 8]),
                ("مرحبا|▁بالعالم", &[0, 10, 25]),
                ("🎉|▁🎉", &[0, 4, 9]),
            ],
        );
    }

    #[test]
    fn never_split_false() {
        spans(
            PrependScheme::Never,
            false,
            [
                ("Hello▁world", &[0, 11]),
                ("▁Hello▁▁world▁", &[0, 14]),
                ("▁x", &[0, 4]),
                ("", &[]),
                ("▁", &[0, 1]),
                ("▁▁▁", &[0, 3]),
                ("a\u{3000}b", &[0, 5]),
                ("東京▁タワー", &[0, 16]),
                ("e\u{301}▁\u{200b}x", &[0, 8]),
                ("مرحبا▁بالعالم", &[0, 25]),
                ("🎉▁🎉", &[0, 9]),
            ],
        );
    }
}
