//! UnicodeScripts: cut where the script changes (SentencePiece's rule, as tokenizers has it). Hiragana,
//! Katakana and the prolonged sound mark U+30FC count as Han, so Japanese stays in one piece; spaces and
//! characters without a script join the piece around them.

use super::unicode_scripts_table::AFTER_UNICODE_9;
use crate::error::Result;
use crate::kernel::PreTokenizedString;
use unicode_script::{Script, UnicodeScript};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UnicodeScripts;

/// The script tokenizers gives `c`; None for "any" (a space, or a character its table does not list).
///
/// tokenizers' table is Unicode 9.0's Scripts.txt, while `unicode-script` follows the current Unicode.
/// The contract is tokenizers' output, so characters assigned after Unicode 9.0 count as "any" there and
/// here (`AFTER_UNICODE_9`), as do unassigned and private-use ones (script Unknown), and the four whose
/// script changed since 9.0 keep their old one. tests/test_components_more.py checks every code point.
fn script(c: char) -> Option<Script> {
    if c == ' ' {
        return None;
    }
    if c == '\u{30FC}' {
        return Some(Script::Han);
    }
    // The few characters whose script Unicode changed after 9.0 keep their 9.0 script.
    match c {
        '\u{0589}' | '\u{061C}' => return Some(Script::Common),
        '\u{0953}' | '\u{0954}' => return Some(Script::Devanagari),
        _ => {}
    }
    let cp = c as u32;
    if AFTER_UNICODE_9
        .binary_search_by(|&(lo, hi)| {
            if hi < cp {
                std::cmp::Ordering::Less
            } else if lo > cp {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
    {
        return None;
    }
    match c.script() {
        Script::Unknown => None,
        Script::Hiragana | Script::Katakana => Some(Script::Han),
        s => Some(s),
    }
}

impl UnicodeScripts {
    pub fn pre_tokenize(&self, pts: &mut PreTokenizedString) -> Result<()> {
        pts.split(|_, ns| {
            let s = ns.as_str();
            // A piece starts at each char whose script differs from the last scripted char before it.
            // Like tokenizers, "any" chars before the first scripted one start no piece, so they are
            // dropped.
            let mut cuts = Vec::new();
            let mut last: Option<Script> = None;
            for (i, c) in s.char_indices() {
                let Some(sc) = script(c) else { continue };
                if last != Some(sc) {
                    cuts.push(i);
                }
                last = Some(sc);
            }
            cuts.push(s.len());
            Ok(cuts.windows(2).map(|w| ns.slice(w[0]..w[1])).collect())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::test_util::{exp, run};

    fn r(s: &str) -> Vec<(String, (usize, usize))> {
        run(|pts| UnicodeScripts.pre_tokenize(pts), s)
    }

    #[test]
    fn splits_like_hf() {
        // tokenizers 0.23.3: UnicodeScripts().pre_tokenize_str(...) (char offsets there; bytes here).
        assert_eq!(
            r("Hello, 日本語ひらがなカタカナー world 123"),
            exp(&[
                ("Hello", (0, 5)),
                (", ", (5, 7)),
                ("日本語ひらがなカタカナー ", (7, 44)),
                ("world ", (44, 50)),
                ("123", (50, 53))
            ])
        );
        // Spaces before the first scripted char start no piece: they are dropped, as in tokenizers.
        assert_eq!(r("  ab"), exp(&[("ab", (2, 4))]));
        assert_eq!(r("   "), exp(&[]));
        assert_eq!(r(""), exp(&[]));
        // A combining mark (Inherited) is a script of its own.
        assert_eq!(r("e\u{301}"), exp(&[("e", (0, 1)), ("\u{301}", (1, 3))]));
    }

    #[test]
    fn characters_newer_than_unicode_9_have_no_script() {
        // U+1E030 (Cyrillic, Unicode 15) and U+31350 (Han, Unicode 15) join their neighbours in tokenizers.
        assert_eq!(script('\u{1E030}'), None);
        assert_eq!(script('\u{31350}'), None);
        assert_eq!(script('a'), Some(Script::Latin));
        assert_eq!(script('\u{E000}'), None);
        // Armenian since Unicode 12, Common in 9.0.
        assert_eq!(script('\u{0589}'), Some(Script::Common));
        assert!(AFTER_UNICODE_9.windows(2).all(|w| w[0].1 < w[1].0));
    }
}
