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
    use crate::kernel::test_util::check_slices;

    // Expected values from Hugging Face tokenizers 0.23.3 (pre_tokenize on a PreTokenizedString,
    // original byte offsets).
    #[test]
    fn individual_digits() {
        let p = Digits {
            individual_digits: true,
        };
        check_slices(
            |pts| p.pre_tokenize(pts),
            [
                "Hello, world! It's |2|0|2|4|...",
                "  ",
                "",
                "a|²|b |¼| |Ⅻ| x_y-z",
                "naïve e\u{301} café\u{200b}ok",
                "東京タワー。こんにちは！",
                "مرحبا، بالعالم؟",
                "🎉party🎉 ☃\u{fe0f}!",
                "tab\tnl\nnbsp\u{a0}ideo\u{3000}end",
                "$|1|0|0|.|5|0| ¿qué? «oui» |3|½",
                "٣|٤|5|६",
            ],
        );
    }

    #[test]
    fn contiguous_digits() {
        let p = Digits {
            individual_digits: false,
        };
        check_slices(
            |pts| p.pre_tokenize(pts),
            [
                "Hello, world! It's |2024|...",
                "  ",
                "",
                "a|²|b |¼| |Ⅻ| x_y-z",
                "naïve e\u{301} café\u{200b}ok",
                "東京タワー。こんにちは！",
                "مرحبا، بالعالم؟",
                "🎉party🎉 ☃\u{fe0f}!",
                "tab\tnl\nnbsp\u{a0}ideo\u{3000}end",
                "$|100|.|50| ¿qué? «oui» |3½",
                "٣٤5६",
            ],
        );
    }
}
