//! A string under normalization that remembers, for every byte of the normalized text, the byte range of
//! the original input it came from. Offsets are absolute positions in the caller's original text, so
//! pieces cut out of a `NormalizedString` need no shift bookkeeping.

use std::ops::Range;

/// Original byte range `(start, end)` of one normalized byte.
pub type Align = (u32, u32);

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NormalizedString {
    normalized: String,
    /// One entry per byte of `normalized`; every byte of a char carries the same range.
    align: Vec<Align>,
    /// Where this string starts in the original text; used for the offsets of an empty string.
    base: u32,
}

impl NormalizedString {
    /// An untouched piece of the original text that starts at byte `base` of it.
    pub fn from_original(text: &str, base: usize) -> Self {
        let mut align = Vec::with_capacity(text.len());
        for (i, c) in text.char_indices() {
            let r = ((base + i) as u32, (base + i + c.len_utf8()) as u32);
            align.extend(std::iter::repeat_n(r, c.len_utf8()));
        }
        NormalizedString {
            normalized: text.to_string(),
            align,
            base: base as u32,
        }
    }

    /// Build from parts; `align` must have one entry per byte of `normalized`.
    pub fn from_parts(normalized: String, align: Vec<Align>, base: usize) -> Self {
        debug_assert_eq!(normalized.len(), align.len());
        NormalizedString {
            normalized,
            align,
            base: base as u32,
        }
    }

    pub fn as_str(&self) -> &str {
        &self.normalized
    }

    pub fn len(&self) -> usize {
        self.normalized.len()
    }

    pub fn is_empty(&self) -> bool {
        self.normalized.is_empty()
    }

    pub fn alignments(&self) -> &[Align] {
        &self.align
    }

    /// Original byte range covered by the normalized byte range `r` (clamped to the string).
    pub fn original_range(&self, r: Range<usize>) -> (usize, usize) {
        let len = self.align.len();
        let start = r.start.min(len);
        let end = r.end.min(len);
        if start < end {
            (self.align[start].0 as usize, self.align[end - 1].1 as usize)
        } else if start < len {
            let s = self.align[start].0 as usize;
            (s, s)
        } else if let Some(last) = self.align.last() {
            (last.1 as usize, last.1 as usize)
        } else {
            (self.base as usize, self.base as usize)
        }
    }

    /// A copy of the normalized byte range `r` (must lie on char boundaries) with its alignments.
    pub fn slice(&self, r: Range<usize>) -> NormalizedString {
        let base = if r.start < self.align.len() {
            self.align[r.start].0
        } else {
            self.align.last().map_or(self.base, |a| a.1)
        };
        NormalizedString {
            normalized: self.normalized[r.clone()].to_string(),
            align: self.align[r].to_vec(),
            base,
        }
    }

    /// Rebuild the whole string from `(char, change)` pairs, with Hugging Face's alignment rules:
    /// `change == 0` replaces the next original char, `change > 0` inserts a char that takes the range of
    /// the previous char, `change < 0` replaces the next char and then drops `-change` chars after it.
    /// `initial_removed` chars are dropped before the first pair.
    pub fn transform<I>(&mut self, dest: I, initial_removed: usize)
    where
        I: IntoIterator<Item = (char, isize)>,
    {
        let old = std::mem::take(&mut self.normalized);
        let old_align = std::mem::take(&mut self.align);
        let mut normalized = String::with_capacity(old.len());
        let mut align = Vec::with_capacity(old_align.len());
        // Byte position in `old` of the next char to consume.
        let mut pos = 0usize;
        let mut chars = old.chars();
        for _ in 0..initial_removed {
            if let Some(c) = chars.next() {
                pos += c.len_utf8();
            }
        }
        let fallback = |pos: usize| -> Align {
            if let Some(a) = old_align.get(pos) {
                *a
            } else if let Some(a) = old_align.last() {
                (a.1, a.1)
            } else {
                (self.base, self.base)
            }
        };
        for (c, change) in dest {
            let a = if change > 0 {
                // Inserted: takes the range of the char before it, or the empty start of the string.
                match pos.checked_sub(1).and_then(|p| old_align.get(p)) {
                    Some(&a) => a,
                    None => (self.base, self.base),
                }
            } else {
                let a = fallback(pos);
                if let Some(oc) = chars.next() {
                    pos += oc.len_utf8();
                }
                let mut removed = -change;
                while removed > 0 {
                    if let Some(oc) = chars.next() {
                        pos += oc.len_utf8();
                    }
                    removed -= 1;
                }
                a
            };
            normalized.push(c);
            align.extend(std::iter::repeat_n(a, c.len_utf8()));
        }
        self.normalized = normalized;
        self.align = align;
    }

    /// Replace every char by the chars `f` writes into the buffer (possibly none: the char is removed).
    /// Every produced char keeps the original range of its source char (what Hugging Face's transform
    /// gives for maps, filters and expansions).
    pub fn map_expand(&mut self, mut f: impl FnMut(char, &mut Vec<char>)) {
        let mut normalized = String::with_capacity(self.normalized.len());
        let mut align = Vec::with_capacity(self.align.len());
        let mut buf = Vec::with_capacity(4);
        for (i, c) in self.normalized.char_indices() {
            buf.clear();
            f(c, &mut buf);
            let a = self.align[i];
            for &o in &buf {
                normalized.push(o);
                align.extend(std::iter::repeat_n(a, o.len_utf8()));
            }
        }
        if normalized.is_empty() {
            self.base = self.original_range(0..0).0 as u32;
        }
        self.normalized = normalized;
        self.align = align;
    }

    /// Keep only the chars for which `keep` is true.
    pub fn filter(&mut self, mut keep: impl FnMut(char) -> bool) {
        if self.normalized.chars().all(&mut keep) {
            return;
        }
        self.map_expand(|c, out| {
            if keep(c) {
                out.push(c)
            }
        });
    }

    /// Map each char to exactly one char.
    pub fn map(&mut self, mut f: impl FnMut(char) -> char) {
        self.map_expand(|c, out| out.push(f(c)));
    }

    pub fn lowercase(&mut self) {
        if self
            .normalized
            .bytes()
            .all(|b| !b.is_ascii_uppercase() && b.is_ascii())
        {
            return;
        }
        self.map_expand(|c, out| out.extend(c.to_lowercase()));
    }

    /// Lower-case as Python's `str.lower()`: [`Self::lowercase`], except that a capital sigma at the end
    /// of a word (Unicode's Final_Sigma context: after a cased letter, not before one, case-ignorable
    /// chars skipped) becomes `ς`. Hugging Face's Lowercase writes `σ` everywhere.
    pub fn lowercase_python(&mut self) {
        if !self.normalized.contains('Σ') {
            return self.lowercase();
        }
        // `str::to_lowercase` applies Final_Sigma, the one context rule of full lower-casing; read its
        // choice for each capital sigma, then map char by char to keep the alignment.
        let lower = self.normalized.to_lowercase();
        let mut rest = lower.chars();
        let mut finals = Vec::new();
        for c in self.normalized.chars() {
            if c == 'Σ' {
                finals.push(rest.next() == Some('ς'));
            } else {
                rest.by_ref().take(c.to_lowercase().count()).for_each(drop);
            }
        }
        let mut finals = finals.into_iter();
        self.map_expand(|c, out| match c {
            'Σ' if finals.next() == Some(true) => out.push('ς'),
            _ => out.extend(c.to_lowercase()),
        });
    }

    /// Upper-case every char (full Unicode mappings: `ß` becomes `SS`, as Python's `str.upper()`).
    pub fn uppercase(&mut self) {
        if self
            .normalized
            .bytes()
            .all(|b| !b.is_ascii_lowercase() && b.is_ascii())
        {
            return;
        }
        self.map_expand(|c, out| out.extend(c.to_uppercase()));
    }

    /// Insert `s` before the first char. Hugging Face semantics: every inserted char takes the original
    /// range of the current first char; an empty string stays empty.
    pub fn prepend(&mut self, s: &str) {
        let Some(&a) = self.align.first() else {
            return;
        };
        if s.is_empty() {
            return;
        }
        let mut normalized = String::with_capacity(s.len() + self.normalized.len());
        normalized.push_str(s);
        normalized.push_str(&self.normalized);
        let mut align = Vec::with_capacity(normalized.len());
        align.extend(std::iter::repeat_n(a, s.len()));
        align.extend_from_slice(&self.align);
        self.normalized = normalized;
        self.align = align;
    }

    /// Append `s` after the last char. Hugging Face semantics: every appended char takes the original
    /// range of the current last char; an empty string stays empty.
    pub fn append(&mut self, s: &str) {
        let Some(&a) = self.align.last() else {
            return;
        };
        self.normalized.push_str(s);
        self.align.extend(std::iter::repeat_n(a, s.len()));
    }

    /// Remove leading and/or trailing whitespace.
    pub fn strip(&mut self, left: bool, right: bool) {
        let s = &self.normalized;
        let start = if left {
            s.len() - s.trim_start().len()
        } else {
            0
        };
        let end = if right {
            s.trim_end().len().max(start)
        } else {
            s.len()
        };
        if start == 0 && end == s.len() {
            return;
        }
        if start >= end {
            self.base = self.original_range(start..start).0 as u32;
        }
        self.normalized = self.normalized[start..end].to_string();
        self.align = self.align[start..end].to_vec();
    }

    /// Replace each of the given non-overlapping byte ranges (sorted, on char boundaries, possibly
    /// empty) by `content`. Hugging Face semantics: the matched chars are removed and the content is
    /// inserted, so every content char takes the range of the last char before the match end (the
    /// empty start of the string when there is none).
    pub fn replace_ranges(&mut self, ranges: &[Range<usize>], content: &str) {
        if ranges.is_empty() {
            return;
        }
        let mut normalized = String::with_capacity(self.normalized.len());
        let mut align = Vec::with_capacity(self.align.len());
        let mut last = 0usize;
        for r in ranges {
            let (Some(keep), Some(keep_align)) = (
                self.normalized.get(last..r.start),
                self.align.get(last..r.start),
            ) else {
                continue;
            };
            normalized.push_str(keep);
            align.extend_from_slice(keep_align);
            let a = match r.end.checked_sub(1).and_then(|e| self.align.get(e)) {
                Some(&a) => a,
                None => (self.base, self.base),
            };
            normalized.push_str(content);
            align.extend(std::iter::repeat_n(a, content.len()));
            last = r.end;
        }
        if let (Some(rest), Some(rest_align)) =
            (self.normalized.get(last..), self.align.get(last..))
        {
            normalized.push_str(rest);
            align.extend_from_slice(rest_align);
        }
        if normalized.is_empty() {
            self.base = self.original_range(0..0).0 as u32;
        }
        self.normalized = normalized;
        self.align = align;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_alignment_is_absolute() {
        let n = NormalizedString::from_original("aé", 10);
        assert_eq!(n.alignments(), &[(10, 11), (11, 13), (11, 13)]);
        assert_eq!(n.original_range(1..3), (11, 13));
        assert_eq!(n.original_range(3..3), (13, 13));
    }

    #[test]
    fn python_lowercase_writes_final_sigma() {
        // Expected strings from CPython 3.11's `str.lower()`.
        for (text, want) in [
            ("ΟΔΟΣ ΑΘΗΝΑΣ.", "οδος αθηνας."),
            ("Σ", "σ"),
            ("ΑΣ.Β", "ασ.β"),
            ("Α.Σ", "α.ς"),
            ("İΣ ΣΑ", "i\u{307}ς σα"),
            ("ΑΣ\u{301} x", "ας\u{301} x"),
            ("ΑΣ\u{301}Β", "ασ\u{301}β"),
        ] {
            let mut n = NormalizedString::from_original(text, 0);
            n.lowercase_python();
            assert_eq!(n.as_str(), want, "{text:?}");
            assert_eq!(n.original_range(0..n.as_str().len()), (0, text.len()));
        }
    }

    #[test]
    fn expansion_keeps_source_range() {
        let mut n = NormalizedString::from_original("İx", 0);
        n.lowercase();
        assert_eq!(n.as_str(), "i\u{307}x");
        assert_eq!(n.original_range(0..1), (0, 2));
        assert_eq!(n.original_range(1..3), (0, 2));
        assert_eq!(n.original_range(3..4), (2, 3));
    }

    #[test]
    fn filter_removes_chars() {
        let mut n = NormalizedString::from_original("a\u{0}b", 0);
        n.filter(|c| c != '\u{0}');
        assert_eq!(n.as_str(), "ab");
        assert_eq!(n.original_range(1..2), (2, 3));
        let mut n = NormalizedString::from_original("\u{0}\u{0}b", 0);
        n.filter(|c| c != '\u{0}');
        assert_eq!(n.as_str(), "b");
        assert_eq!(n.original_range(0..1), (2, 3));
    }

    // Expected values from Hugging Face tokenizers 0.23.3 (Replace normalizer).
    #[test]
    fn replace_takes_last_matched_char_range() {
        let mut n = NormalizedString::from_original("abc", 0);
        n.replace_ranges(std::slice::from_ref(&(0..2)), "x");
        assert_eq!(n.as_str(), "xc");
        assert_eq!(n.original_range(0..1), (1, 2));
        let mut n = NormalizedString::from_original("bab", 0);
        n.replace_ranges(std::slice::from_ref(&(1..2)), "xy");
        assert_eq!(n.as_str(), "bxyb");
        assert_eq!(n.original_range(1..2), (1, 2));
        assert_eq!(n.original_range(2..3), (1, 2));
        // Empty matches at the start and end: the empty start, then the last char's range.
        let mut n = NormalizedString::from_original("ab", 0);
        n.replace_ranges(&[0..0, 2..2], "X");
        assert_eq!(n.as_str(), "XabX");
        assert_eq!(n.original_range(0..1), (0, 0));
        assert_eq!(n.original_range(3..4), (1, 2));
        let mut n = NormalizedString::from_original("aa", 5);
        n.replace_ranges(std::slice::from_ref(&(0..2)), "");
        assert_eq!(n.as_str(), "");
    }

    #[test]
    fn slice_and_strip() {
        let n = NormalizedString::from_original("  ab  ", 5);
        let mut s = n.slice(1..5);
        s.strip(true, true);
        assert_eq!(s.as_str(), "ab");
        assert_eq!(s.original_range(0..2), (7, 9));
    }

    // Expected values from Hugging Face tokenizers 0.23.3 (Prepend normalizer, NormalizedString.append).
    #[test]
    fn prepend_append_take_neighbour_range() {
        let mut n = NormalizedString::from_original("éb", 3);
        n.prepend("▁");
        assert_eq!(n.as_str(), "▁éb");
        assert_eq!(n.original_range(0..3), (3, 5));
        assert_eq!(n.original_range(3..5), (3, 5));
        n.append("XY");
        assert_eq!(n.as_str(), "▁ébXY");
        assert_eq!(n.original_range(6..8), (5, 6));
        let mut e = NormalizedString::from_original("", 4);
        e.prepend("▁");
        e.append("x");
        assert_eq!(e.as_str(), "");
    }
}
