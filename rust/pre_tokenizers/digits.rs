//! Digits: split digits from the rest, each digit alone when `individual_digits`.

use crate::error::Result;
use crate::json::{opt_bool, Obj};
use crate::kernel::pretokenized::{char_matches, split_with_behavior};
use crate::kernel::{PreTokenizedString, SplitBehavior};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digits {
    pub individual_digits: bool,
}

impl Digits {
    pub fn from_json(o: &Obj, field: &str) -> Result<Self> {
        Ok(Digits {
            individual_digits: opt_bool(o, "individual_digits", field, false)?,
        })
    }

    /// Digits are `char::is_numeric` (Nd, Nl, No) as in Hugging Face: `²`, `¼`, `Ⅻ` count.
    pub fn pre_tokenize(&self, pts: &mut PreTokenizedString) -> Result<()> {
        let behavior = if self.individual_digits {
            SplitBehavior::Isolated
        } else {
            SplitBehavior::Contiguous
        };
        pts.split(|_, ns| {
            let m = char_matches(ns.as_str(), char::is_numeric);
            Ok(split_with_behavior(&ns, &m, behavior))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::test_util::{exp, run};

    // Expected values from Hugging Face tokenizers 0.23.3 (pre_tokenize on a PreTokenizedString,
    // original byte offsets).
    #[test]
    fn individual_digits() {
        let p = Digits {
            individual_digits: true,
        };
        let r = |s: &str| run(|pts| p.pre_tokenize(pts), s);
        assert_eq!(
            r("Hello, world! It's 2024..."),
            exp(&[
                ("Hello, world! It's ", (0, 19)),
                ("2", (19, 20)),
                ("0", (20, 21)),
                ("2", (21, 22)),
                ("4", (22, 23)),
                ("...", (23, 26))
            ])
        );
        assert_eq!(r("  "), exp(&[("  ", (0, 2))]));
        assert_eq!(r(""), exp(&[]));
        assert_eq!(
            r("a²b ¼ Ⅻ x_y-z"),
            exp(&[
                ("a", (0, 1)),
                ("²", (1, 3)),
                ("b ", (3, 5)),
                ("¼", (5, 7)),
                (" ", (7, 8)),
                ("Ⅻ", (8, 11)),
                (" x_y-z", (11, 17))
            ])
        );
        assert_eq!(
            r("naïve e\u{301} café\u{200b}ok"),
            exp(&[("naïve e\u{301} café\u{200b}ok", (0, 21))])
        );
        assert_eq!(
            r("東京タワー。こんにちは！"),
            exp(&[("東京タワー。こんにちは！", (0, 36))])
        );
        assert_eq!(r("مرحبا، بالعالم؟"), exp(&[("مرحبا، بالعالم؟", (0, 29))]));
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
                ("1", (1, 2)),
                ("0", (2, 3)),
                ("0", (3, 4)),
                (".", (4, 5)),
                ("5", (5, 6)),
                ("0", (6, 7)),
                (" ¿qué? «oui» ", (7, 24)),
                ("3", (24, 25)),
                ("½", (25, 27))
            ])
        );
        assert_eq!(
            r("٣٤5६"),
            exp(&[("٣", (0, 2)), ("٤", (2, 4)), ("5", (4, 5)), ("६", (5, 8))])
        );
    }

    #[test]
    fn contiguous_digits() {
        let p = Digits {
            individual_digits: false,
        };
        let r = |s: &str| run(|pts| p.pre_tokenize(pts), s);
        assert_eq!(
            r("Hello, world! It's 2024..."),
            exp(&[
                ("Hello, world! It's ", (0, 19)),
                ("2024", (19, 23)),
                ("...", (23, 26))
            ])
        );
        assert_eq!(r("  "), exp(&[("  ", (0, 2))]));
        assert_eq!(r(""), exp(&[]));
        assert_eq!(
            r("a²b ¼ Ⅻ x_y-z"),
            exp(&[
                ("a", (0, 1)),
                ("²", (1, 3)),
                ("b ", (3, 5)),
                ("¼", (5, 7)),
                (" ", (7, 8)),
                ("Ⅻ", (8, 11)),
                (" x_y-z", (11, 17))
            ])
        );
        assert_eq!(
            r("naïve e\u{301} café\u{200b}ok"),
            exp(&[("naïve e\u{301} café\u{200b}ok", (0, 21))])
        );
        assert_eq!(
            r("東京タワー。こんにちは！"),
            exp(&[("東京タワー。こんにちは！", (0, 36))])
        );
        assert_eq!(r("مرحبا، بالعالم؟"), exp(&[("مرحبا، بالعالم؟", (0, 29))]));
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
                ("100", (1, 4)),
                (".", (4, 5)),
                ("50", (5, 7)),
                (" ¿qué? «oui» ", (7, 24)),
                ("3½", (24, 27))
            ])
        );
        assert_eq!(r("٣٤5६"), exp(&[("٣٤5६", (0, 8))]));
    }
}
