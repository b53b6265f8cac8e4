//! BERT's normalizer: clean control chars, pad CJK ideographs with spaces, strip accents, lowercase.
//!
//! Steps run in Hugging Face's order and every produced char keeps the original range of the char it
//! came from (HF's `transform` gives inserted chars the range of the char just consumed). The fused
//! fast path in `tokenizer::fast_bert` must stay in step with this file.

use crate::error::Result;
use crate::json::{opt_bool, opt_bool_or_null, Obj};
use crate::kernel::bert_chars::{decompose, is_cjk, is_nonspacing_mark, is_removed, is_whitespace};
use crate::kernel::unicode9::canonical_combining_class;
use crate::kernel::NormalizedString;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BertNormalizer {
    pub clean_text: bool,
    pub handle_chinese_chars: bool,
    /// `None` follows `lowercase`.
    pub strip_accents: Option<bool>,
    pub lowercase: bool,
    /// Lower-case as Python's `str.lower()` (a word-final capital sigma becomes `ς`), as the Python
    /// classes built on BERT's basic tokenizer do; ferrotok's own field (`python_lowercase`).
    pub python_lowercase: bool,
}

impl BertNormalizer {
    pub fn from_json(o: &Obj, field: &str) -> Result<Self> {
        Ok(BertNormalizer {
            clean_text: opt_bool(o, "clean_text", field, true)?,
            handle_chinese_chars: opt_bool(o, "handle_chinese_chars", field, true)?,
            strip_accents: opt_bool_or_null(o, "strip_accents", field)?,
            lowercase: opt_bool(o, "lowercase", field, true)?,
            python_lowercase: opt_bool(o, "python_lowercase", field, false)?,
        })
    }

    /// Whether accents are stripped (`strip_accents: null` means "when lowercasing").
    pub fn strips_accents(&self) -> bool {
        self.strip_accents.unwrap_or(self.lowercase)
    }

    pub fn normalize(&self, n: &mut NormalizedString) -> Result<()> {
        if self.clean_text
            && n.as_str()
                .chars()
                .any(|c| is_removed(c) || is_whitespace(c) && c != ' ')
        {
            n.map_expand(|c, out| {
                if is_removed(c) {
                } else if is_whitespace(c) {
                    out.push(' ')
                } else {
                    out.push(c)
                }
            });
        }
        if self.handle_chinese_chars && n.as_str().chars().any(is_cjk) {
            n.map_expand(|c, out| {
                if is_cjk(c) {
                    out.extend([' ', c, ' '])
                } else {
                    out.push(c)
                }
            });
        }
        if self.strips_accents() && !n.as_str().is_ascii() {
            nfd(n);
            n.filter(|c| !is_nonspacing_mark(c));
        }
        if self.lowercase && self.python_lowercase {
            n.lowercase_python();
        } else if self.lowercase {
            n.lowercase();
        }
        Ok(())
    }
}

/// Canonical decomposition with HF's alignment: the chars of one decomposition are one replacement
/// (change 0) plus insertions (change 1), then runs of combining marks are stably sorted by combining
/// class together with their change tags, so a reordered mark takes the range of the position it lands on.
pub fn nfd(n: &mut NormalizedString) {
    let mut pairs: Vec<(char, isize)> = Vec::with_capacity(n.len() + 8);
    let mut run_start = 0usize;
    for c in n.as_str().chars() {
        let mut first = true;
        decompose(c, |d| {
            if canonical_combining_class(d) == 0 {
                let len = pairs.len();
                sort_run(pairs.get_mut(run_start.min(len)..).unwrap_or_default());
                run_start = len + 1;
            }
            pairs.push((d, if first { 0 } else { 1 }));
            first = false;
        });
    }
    let len = pairs.len();
    sort_run(pairs.get_mut(run_start.min(len)..).unwrap_or_default());
    n.transform(pairs, 0);
}

fn sort_run(run: &mut [(char, isize)]) {
    if run.len() > 1 {
        run.sort_by_key(|&(c, _)| canonical_combining_class(c));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bert(clean: bool, chinese: bool, strip: Option<bool>, lower: bool) -> BertNormalizer {
        BertNormalizer {
            clean_text: clean,
            handle_chinese_chars: chinese,
            strip_accents: strip,
            lowercase: lower,
            python_lowercase: false,
        }
    }

    fn run(b: &BertNormalizer, s: &str) -> (String, Vec<(u32, u32)>) {
        let mut n = NormalizedString::from_original(s, 0);
        b.normalize(&mut n).unwrap_or_else(|e| panic!("{e}"));
        (n.as_str().to_string(), n.alignments().to_vec())
    }

    // Expected strings from `tokenizers.normalizers.BertNormalizer(...).normalize_str` (0.23.3).
    #[test]
    fn normalize_str_matches_hf() {
        let d = bert(true, true, None, true);
        assert_eq!(run(&d, "Héllo\tWÖRLD\u{0}\u{fffd}x").0, "hello worldx");
        assert_eq!(run(&d, "a\u{200b}b\u{a0}c").0, "ab c");
        assert_eq!(run(&d, "中文ab").0, " 中  文 ab");
        assert_eq!(run(&d, "İstanbul").0, "istanbul");
        assert_eq!(run(&bert(true, true, Some(false), true), "İ").0, "i\u{307}");
        assert_eq!(run(&bert(true, false, Some(true), false), "Ça").0, "Ca");
        assert_eq!(
            run(&bert(false, false, None, false), "a\u{1}\tb").0,
            "a\u{1}\tb"
        );
        assert_eq!(run(&d, "\u{f900}").0, " \u{8c48} ");
    }

    // Per-char offsets from HF: BertNormalizer + Split(Regex("."), "isolated") + WordLevel gives
    // [(0,1),(0,1),(0,1),(1,2),(3,4)] in chars, i.e. the byte ranges below.
    #[test]
    fn alignments_follow_source_chars() {
        let d = bert(true, true, None, true);
        let (s, a) = run(&d, "中é\u{1}x");
        assert_eq!(s, " 中 ex");
        // The padding spaces and the ideograph all map to the ideograph's bytes.
        assert_eq!(&a[..5], &[(0, 3); 5]);
        // 'é' (2 bytes) became 'e'; the removed control leaves a gap before 'x'.
        assert_eq!(a[5], (3, 5));
        assert_eq!(a[6], (6, 7));
    }
}
