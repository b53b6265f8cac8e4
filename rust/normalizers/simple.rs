//! Small normalizers: Strip, StripAccents, Prepend (Lowercase lives on `NormalizedString`).

use crate::error::Result;
use crate::json::{opt_bool, req_str, Obj};
use crate::kernel::unicode9::is_combining_mark;
use crate::kernel::NormalizedString;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Strip {
    pub left: bool,
    pub right: bool,
}

impl Strip {
    pub fn from_json(o: &Obj, field: &str) -> Result<Self> {
        Ok(Strip {
            left: opt_bool(o, "strip_left", field, true)?,
            right: opt_bool(o, "strip_right", field, true)?,
        })
    }

    pub fn normalize(&self, n: &mut NormalizedString) -> Result<()> {
        n.strip(self.left, self.right);
        Ok(())
    }
}

/// Remove combining marks as Hugging Face's StripAccents does: every General_Category Mark char (Mn, Mc
/// and Me alike), with no decomposition first; kept chars keep their own ranges.
pub fn strip_accents(n: &mut NormalizedString) {
    if n.as_str().is_ascii() {
        return;
    }
    n.filter(|c| !is_combining_mark(c));
}

/// Remove every char whose canonical combining class is not 0 (Python's `unicodedata.combining`); the
/// spacing marks of class 0 stay, unlike StripAccents.
pub fn strip_combining(n: &mut NormalizedString) {
    if n.as_str().is_ascii() {
        return;
    }
    n.filter(|c| unicode_normalization::char::canonical_combining_class(c) == 0);
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepend {
    pub prepend: String,
}

impl Prepend {
    pub fn from_json(o: &Obj, field: &str) -> Result<Self> {
        Ok(Prepend {
            prepend: req_str(o, "prepend", field)?.to_string(),
        })
    }

    /// Hugging Face prepends only to non-empty strings; the prefix takes the first char's range.
    pub fn normalize(&self, n: &mut NormalizedString) -> Result<()> {
        n.prepend(&self.prepend);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(n: &NormalizedString) -> Vec<(char, (usize, usize))> {
        n.as_str()
            .char_indices()
            .map(|(i, c)| (c, n.original_range(i..i + c.len_utf8())))
            .collect()
    }

    fn apply(f: impl Fn(&mut NormalizedString), s: &str) -> Vec<(char, (usize, usize))> {
        let mut n = NormalizedString::from_original(s, 0);
        f(&mut n);
        chars(&n)
    }

    // Expected values from Hugging Face tokenizers 0.23.3 (normalizers applied inside a
    // PreTokenizedString, original byte offsets per char).
    #[test]
    fn strip_accents_removes_all_marks() {
        assert_eq!(
            apply(strip_accents, "e\u{301}x"),
            [('e', (0, 1)), ('x', (3, 4))]
        );
        // Precomposed chars are kept (no decomposition).
        assert_eq!(apply(strip_accents, "é"), [('é', (0, 2))]);
        assert_eq!(apply(strip_accents, "\u{301}\u{301}a"), [('a', (4, 5))]);
        assert_eq!(apply(strip_accents, "\u{301}"), []);
        // Mc (Devanagari visarga), Me (enclosing circle) and Thai Mn are all removed.
        assert_eq!(
            apply(strip_accents, "क\u{903}x"),
            [('क', (0, 3)), ('x', (6, 7))]
        );
        assert_eq!(apply(strip_accents, "a\u{20dd}"), [('a', (0, 1))]);
        assert_eq!(apply(strip_accents, "\u{e31}x"), [('x', (3, 4))]);
        assert_eq!(
            apply(strip_accents, "a\u{200b}"),
            [('a', (0, 1)), ('\u{200b}', (1, 4))]
        );
    }

    #[test]
    fn strip_uses_unicode_whitespace() {
        let both = Strip {
            left: true,
            right: true,
        };
        let right = Strip {
            left: false,
            right: true,
        };
        let f = |st: &Strip| {
            let st = st.clone();
            move |n: &mut NormalizedString| st.normalize(n).unwrap()
        };
        assert_eq!(
            apply(f(&both), " a\u{200b} "),
            [('a', (1, 2)), ('\u{200b}', (2, 5))]
        );
        assert_eq!(
            apply(f(&right), " a\u{200b} "),
            [(' ', (0, 1)), ('a', (1, 2)), ('\u{200b}', (2, 5))]
        );
        assert_eq!(apply(f(&both), "\u{3000}a\u{a0}"), [('a', (3, 4))]);
        assert_eq!(
            apply(f(&right), "\u{3000}a\u{a0}"),
            [('\u{3000}', (0, 3)), ('a', (3, 4))]
        );
        assert_eq!(apply(f(&both), "  "), []);
    }

    #[test]
    fn prepend_only_non_empty() {
        let p = Prepend {
            prepend: "▁".into(),
        };
        let f = |n: &mut NormalizedString| p.normalize(n).unwrap();
        assert_eq!(
            apply(f, "ab"),
            [('▁', (0, 1)), ('a', (0, 1)), ('b', (1, 2))]
        );
        assert_eq!(apply(f, "é"), [('▁', (0, 2)), ('é', (0, 2))]);
        assert_eq!(
            apply(f, "  "),
            [('▁', (0, 1)), (' ', (0, 1)), (' ', (1, 2))]
        );
        assert_eq!(apply(f, ""), []);
        // Strip then Prepend on whitespace only: still empty.
        let mut n = NormalizedString::from_original("  ", 0);
        Strip {
            left: true,
            right: true,
        }
        .normalize(&mut n)
        .unwrap();
        p.normalize(&mut n).unwrap();
        assert_eq!(n.as_str(), "");
    }
}
