//! The `regex` crate's Unicode `\w` and `\s` as a char lookup, so that Whitespace's `\w+|[^\w\s]+`
//! can be cut by one scan instead of a regex search per word (what training's word counting needs).
//!
//! The ranges come from `regex-syntax`, the parser the `regex` crate compiles the pattern with, so the
//! classes are exactly the pattern's. Chars of the Basic Multilingual Plane are looked up in a table,
//! the others by binary search over the ranges.

use crate::error::{Error, Result};
use regex_syntax::hir::{Class, HirKind};
use std::sync::OnceLock;

/// Which part of `\w+|[^\w\s]+` a char belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum WordClass {
    /// `\s`: separates words and is dropped.
    Space = 0,
    /// `\w`.
    Word = 1,
    /// Neither: runs of these are words too.
    Other = 2,
}

pub struct WordChars {
    bmp: Vec<WordClass>,
    word: Vec<(char, char)>,
    space: Vec<(char, char)>,
}

fn class_ranges(pattern: &str) -> Result<Vec<(char, char)>> {
    let hir = regex_syntax::parse(pattern)
        .map_err(|e| Error::Internal(format!("class {pattern}: {e}")))?;
    match hir.kind() {
        HirKind::Class(Class::Unicode(c)) => {
            Ok(c.ranges().iter().map(|r| (r.start(), r.end())).collect())
        }
        _ => Err(Error::Internal(format!(
            "class {pattern}: not a Unicode class"
        ))),
    }
}

fn contains(ranges: &[(char, char)], c: char) -> bool {
    ranges
        .binary_search_by(|&(lo, hi)| {
            if hi < c {
                std::cmp::Ordering::Less
            } else if lo > c {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

impl WordChars {
    fn build() -> Result<Self> {
        let word = class_ranges(r"\w")?;
        let space = class_ranges(r"\s")?;
        let mut bmp = vec![WordClass::Other; 0x10000];
        for (ranges, class) in [(&space, WordClass::Space), (&word, WordClass::Word)] {
            for &(lo, hi) in ranges.iter() {
                let (lo, hi) = (lo as usize, (hi as usize).min(0xFFFF));
                if let Some(slots) = bmp.get_mut(lo..=hi) {
                    slots.fill(class);
                }
            }
        }
        Ok(WordChars { bmp, word, space })
    }

    /// The shared tables (built on first use).
    pub fn get() -> Result<&'static WordChars> {
        static TABLES: OnceLock<std::result::Result<WordChars, String>> = OnceLock::new();
        match TABLES.get_or_init(|| WordChars::build().map_err(|e| e.to_string())) {
            Ok(t) => Ok(t),
            Err(e) => Err(Error::Internal(e.clone())),
        }
    }

    #[inline]
    pub fn class(&self, c: char) -> WordClass {
        if let Some(&k) = self.bmp.get(c as usize) {
            k
        } else if contains(&self.word, c) {
            WordClass::Word
        } else if contains(&self.space, c) {
            WordClass::Space
        } else {
            WordClass::Other
        }
    }

    /// The matches of `\w+|[^\w\s]+` in `s`, in order: maximal runs of one class, spaces dropped.
    pub fn for_each_word(&self, s: &str, each: &mut dyn FnMut(&str)) {
        let bytes = s.as_bytes();
        let (mut start, mut run) = (0usize, WordClass::Space);
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes.get(i).copied().unwrap_or(0);
            let (class, len) = if b < 0x80 {
                (
                    self.bmp
                        .get(usize::from(b))
                        .copied()
                        .unwrap_or(WordClass::Other),
                    1,
                )
            } else {
                match s.get(i..).and_then(|r| r.chars().next()) {
                    Some(c) => (self.class(c), c.len_utf8()),
                    None => (WordClass::Other, 1),
                }
            };
            if class != run {
                if run != WordClass::Space {
                    if let Some(w) = s.get(start..i) {
                        each(w);
                    }
                }
                start = i;
                run = class;
            }
            i += len;
        }
        if run != WordClass::Space {
            if let Some(w) = s.get(start..) {
                each(w);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_are_the_regex_classes() {
        let t = WordChars::get().unwrap();
        let w = regex::Regex::new(r"^\w$").unwrap();
        let s = regex::Regex::new(r"^\s$").unwrap();
        // Every BMP char, then a stride over the other planes (and the edges of the ranges).
        let astral = (0x10000..0x110000u32).step_by(97);
        let edges = t
            .word
            .iter()
            .chain(&t.space)
            .flat_map(|&(lo, hi)| [lo as u32, hi as u32, hi as u32 + 1]);
        for c in (0..0x10000u32)
            .chain(astral)
            .chain(edges)
            .filter_map(char::from_u32)
        {
            let mut buf = [0u8; 4];
            let text = c.encode_utf8(&mut buf);
            let want = if w.is_match(text) {
                WordClass::Word
            } else if s.is_match(text) {
                WordClass::Space
            } else {
                WordClass::Other
            };
            assert_eq!(t.class(c), want, "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn words_are_the_pattern_matches() {
        let re = regex::Regex::new(r"\w+|[^\w\s]+").unwrap();
        let t = WordChars::get().unwrap();
        for text in [
            "Hello, world!! It's 2024:\tdon't\r\n  stop...",
            "  ",
            "",
            "a\u{200d}b c\u{301}d ²³ ½ «ok» \u{85}x\u{a0}y\u{3000}z",
            "日本語のテキスト、句読点。 emoji 😀😀 x\u{1d7d8}y \u{10ffff}",
            "_under_score__ -- ... a-b",
        ] {
            let want: Vec<&str> = re.find_iter(text).map(|m| m.as_str()).collect();
            let mut got = Vec::new();
            t.for_each_word(text, &mut |w| got.push(w.to_string()));
            assert_eq!(got, want, "{text:?}");
        }
    }
}
