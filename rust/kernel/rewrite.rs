//! Text rewrites that keep alignments: a list of spans replaced by new strings (`splice`), and one
//! regex substitution pass, as Python's `re.sub` runs it (`Substitution`). The Moses components (a
//! normalizer and a pre-tokenizer, which do not import each other) are chains of such passes.
//!
//! Every byte a replacement writes takes the original range of the whole span it replaced: the Python
//! classes these passes follow have no offsets to match, and a token keeps to the text it came from.

use super::{Align, NormalizedString};
use regex::Regex;
use std::ops::Range;

/// Python's `\s` in a `str` pattern (`str.isspace()`): the `regex` crate's `\s` and the four
/// information separators U+001C..U+001F. For use inside a character class.
pub const PY_SPACE: &str = r"\s\x1C-\x1F";

/// Python's `str.isspace()`.
pub fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Replace each span of `reps` (sorted, disjoint byte ranges of `n`) by its string.
pub fn splice(n: &mut NormalizedString, reps: &[(Range<usize>, String)]) {
    if reps.is_empty() {
        return;
    }
    let (text, align) = (n.as_str(), n.alignments());
    let grown: usize = reps.iter().map(|(_, s)| s.len()).sum();
    let mut out = String::with_capacity(text.len() + grown);
    let mut out_align: Vec<Align> = Vec::with_capacity(align.len() + grown);
    let mut last = 0;
    for (r, content) in reps {
        out.push_str(&text[last..r.start]);
        out_align.extend_from_slice(&align[last..r.start]);
        let a = span_align(align, r.clone(), n.original_range(r.clone()));
        out.push_str(content);
        out_align.extend(std::iter::repeat_n(a, content.len()));
        last = r.end;
    }
    out.push_str(&text[last..]);
    out_align.extend_from_slice(&align[last..]);
    let base = n.original_range(0..0).0;
    *n = NormalizedString::from_parts(out, out_align, base);
}

fn span_align(align: &[Align], r: Range<usize>, empty: (usize, usize)) -> Align {
    let span = &align[r];
    match (
        span.iter().map(|a| a.0).min(),
        span.iter().map(|a| a.1).max(),
    ) {
        (Some(s), Some(e)) => (s, e),
        _ => (empty.0 as u32, empty.1 as u32),
    }
}

/// One `re.sub(pattern, replacement, text)` pass, compiled once. The replacement uses the `regex`
/// crate's syntax (`${1}`); the pattern must match as Python's does (leftmost-first, no lookaround).
#[derive(Debug, Clone)]
pub struct Substitution {
    re: Regex,
    replacement: String,
    /// No `$` in the replacement: it is written as it is.
    literal: bool,
}

impl Substitution {
    /// Compile `pattern`; patterns are ferrotok's own, so a failure is a bug (the error says which).
    pub fn new(pattern: &str, replacement: &str) -> Result<Self, regex::Error> {
        Ok(Substitution {
            re: Regex::new(pattern)?,
            replacement: replacement.to_string(),
            literal: !replacement.contains('$'),
        })
    }

    /// Apply the pass to `n`: every non-overlapping match, left to right, is replaced.
    pub fn apply(&self, n: &mut NormalizedString) {
        let mut reps = Vec::new();
        if self.literal {
            for m in self.re.find_iter(n.as_str()) {
                reps.push((m.range(), self.replacement.clone()));
            }
        } else {
            for caps in self.re.captures_iter(n.as_str()) {
                let mut s = String::new();
                caps.expand(&self.replacement, &mut s);
                if let Some(m) = caps.get(0) {
                    reps.push((m.range(), s));
                }
            }
        }
        splice(n, &reps);
    }
}

/// Python's `str.strip()` on `n`.
pub fn strip_py(n: &mut NormalizedString) {
    let s = n.as_str();
    let start = s.len() - s.trim_start_matches(is_py_space).len();
    let end = s.trim_end_matches(is_py_space).len();
    if start == 0 && end == s.len() {
        return;
    }
    let mut reps = Vec::new();
    if end < s.len() {
        reps.push((end.max(start)..s.len(), String::new()));
    }
    if start > 0 {
        reps.insert(0, (0..start, String::new()));
    }
    if start >= end {
        reps = vec![(0..s.len(), String::new())];
    }
    splice(n, &reps);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pass_replaces_like_re_sub_and_keeps_alignments() {
        let mut n = NormalizedString::from_original("a (b) c", 0);
        Substitution::new(r"\(", " (").unwrap().apply(&mut n);
        assert_eq!(n.as_str(), "a  (b) c");
        Substitution::new(r"([a-z])  \(", "${1}#")
            .unwrap()
            .apply(&mut n);
        assert_eq!(n.as_str(), "a#b) c");
        // The replaced span's bytes take the range of all it replaced; the rest keep theirs.
        assert_eq!(n.original_range(1..2), (0, 3));
        assert_eq!(n.original_range(2..3), (3, 4));
        let mut n = NormalizedString::from_original("\u{1c} x \t", 0);
        strip_py(&mut n);
        assert_eq!(n.as_str(), "x");
        assert_eq!(n.original_range(0..1), (2, 3));
        let mut n = NormalizedString::from_original("  ", 0);
        strip_py(&mut n);
        assert_eq!(n.as_str(), "");
    }
}
