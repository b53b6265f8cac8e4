//! Unicode normalization forms (NFC, NFD, NFKC, NFKD) with alignment tracking.
//!
//! Hugging Face normalizes through a fork of `unicode-normalization` (Unicode 9.0 data, which
//! `unicode9` reproduces) that tags every output char with a `change` (0: replaces the next input char,
//! +1: inserted, -n: also swallows n more input chars) and feeds those pairs positionally into
//! `NormalizedString::transform`. Offsets therefore depend on how the changes travel through canonical
//! reordering and composition; this file reproduces that bookkeeping on top of the char-level
//! functions of `unicode9`.

use crate::error::Result;
use crate::kernel::unicode9::{
    canonical_combining_class, compose, decompose_canonical, decompose_compatible,
};
use crate::kernel::NormalizedString;
use unicode_normalization::{
    is_nfc_quick, is_nfd_quick, is_nfkc_quick, is_nfkd_quick, IsNormalized,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnicodeForm {
    Nfc,
    Nfd,
    Nfkc,
    Nfkd,
}

impl UnicodeForm {
    pub fn normalize(&self, n: &mut NormalizedString) -> Result<()> {
        let s = n.as_str();
        // Already-normalized text maps every char to itself with change 0: nothing to do.
        let quick = match self {
            UnicodeForm::Nfc => is_nfc_quick(s.chars()),
            UnicodeForm::Nfd => is_nfd_quick(s.chars()),
            UnicodeForm::Nfkc => is_nfkc_quick(s.chars()),
            UnicodeForm::Nfkd => is_nfkd_quick(s.chars()),
        };
        if quick == IsNormalized::Yes {
            return Ok(());
        }
        let compat = matches!(self, UnicodeForm::Nfkc | UnicodeForm::Nfkd);
        let mut pairs = decompose_with_changes(s, compat);
        if matches!(self, UnicodeForm::Nfc | UnicodeForm::Nfkc) {
            pairs = compose_with_changes(pairs);
        }
        n.transform(pairs, 0);
        Ok(())
    }
}

/// Full decomposition: the first char of each char's decomposition has change 0, the rest +1; each run
/// of non-starters is then stably sorted by combining class, the changes moving with their chars.
fn decompose_with_changes(s: &str, compat: bool) -> Vec<(char, isize)> {
    let mut out: Vec<(char, isize)> = Vec::with_capacity(s.len() + s.len() / 4);
    let mut classes: Vec<u8> = Vec::with_capacity(out.capacity());
    // Start of the current run of non-starters in `out`.
    let mut run_start = 0usize;
    for c in s.chars() {
        let mut first = true;
        let mut emit = |d: char| {
            let ccc = canonical_combining_class(d);
            if ccc == 0 {
                if let (Some(run), Some(ccs)) = (out.get_mut(run_start..), classes.get(run_start..))
                {
                    sort_run(run, ccs);
                }
                run_start = out.len() + 1;
            }
            out.push((d, if first { 0 } else { 1 }));
            classes.push(ccc);
            first = false;
        };
        if compat {
            decompose_compatible(c, &mut emit);
        } else {
            decompose_canonical(c, &mut emit);
        }
    }
    if let (Some(run), Some(ccs)) = (out.get_mut(run_start..), classes.get(run_start..)) {
        sort_run(run, ccs);
    }
    out
}

/// Stable sort of a run of non-starters by combining class (O(n log n) even for adversarial runs).
fn sort_run(run: &mut [(char, isize)], classes: &[u8]) {
    if run.len() < 2 || classes.windows(2).all(|w| w[0] <= w[1]) {
        return;
    }
    let mut keyed: Vec<(u8, (char, isize))> =
        classes.iter().copied().zip(run.iter().copied()).collect();
    keyed.sort_by_key(|k| k.0);
    for (dst, (_, p)) in run.iter_mut().zip(keyed) {
        *dst = p;
    }
}

/// Canonical composition of a decomposed sequence. A composed char's change is the sum of its parts'
/// changes minus one per absorbed char; uncomposed marks come out after their starter, in order.
fn compose_with_changes(input: Vec<(char, isize)>) -> Vec<(char, isize)> {
    let mut out = Vec::with_capacity(input.len());
    let mut starter: Option<(char, isize)> = None;
    let mut pending: Vec<(char, isize)> = Vec::new();
    // Combining class of the last mark left uncomposed after the starter.
    let mut last_ccc: Option<u8> = None;
    for (c, change) in input {
        let ccc = canonical_combining_class(c);
        let Some((s, s_change)) = starter else {
            if ccc == 0 {
                starter = Some((c, change));
            } else {
                out.push((c, change));
            }
            continue;
        };
        let blocked = last_ccc.is_some_and(|l| l >= ccc);
        if !blocked {
            if let Some(r) = compose(s, c) {
                starter = Some((r, s_change + change - 1));
                continue;
            }
        }
        if ccc == 0 {
            out.push((s, s_change));
            out.append(&mut pending);
            starter = Some((c, change));
            last_ccc = None;
        } else {
            pending.push((c, change));
            last_ccc = Some(ccc);
        }
    }
    if let Some(s) = starter {
        out.push(s);
    }
    out.append(&mut pending);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (normalized char, original byte range) for every char.
    fn run(form: UnicodeForm, s: &str) -> Vec<(String, (usize, usize))> {
        let mut n = NormalizedString::from_original(s, 0);
        form.normalize(&mut n).unwrap();
        n.as_str()
            .char_indices()
            .map(|(i, c)| (c.to_string(), n.original_range(i..i + c.len_utf8())))
            .collect()
    }

    fn exp(v: &[(&str, (usize, usize))]) -> Vec<(String, (usize, usize))> {
        v.iter().map(|(s, r)| (s.to_string(), *r)).collect()
    }

    use UnicodeForm::*;

    // Expected values below were obtained from Hugging Face tokenizers 0.23.3 (normalizer applied inside
    // a PreTokenizedString, then split per char with original byte offsets).
    #[test]
    fn nfc_composes_to_first_char_range() {
        assert_eq!(run(Nfc, "e\u{301}"), exp(&[("é", (0, 1))]));
        assert_eq!(
            run(Nfc, "a\u{1100}\u{1161}b"),
            exp(&[("a", (0, 1)), ("가", (1, 4)), ("b", (7, 8))])
        );
        assert_eq!(run(Nfc, "Å\u{301}"), exp(&[("Ǻ", (0, 2))]));
        assert_eq!(
            run(Nfc, "a\u{323}\u{302}x"),
            exp(&[("ậ", (0, 1)), ("x", (5, 6))])
        );
        assert_eq!(
            run(Nfc, "é\u{323}"),
            exp(&[("ẹ", (0, 2)), ("\u{301}", (2, 4))])
        );
        assert_eq!(
            run(Nfc, "\u{301}a"),
            exp(&[("\u{301}", (0, 2)), ("a", (2, 3))])
        );
        assert_eq!(
            run(Nfc, "\u{344}"),
            exp(&[("\u{308}", (0, 2)), ("\u{301}", (0, 2))])
        );
        assert_eq!(
            run(Nfc, "\u{f73}x"),
            exp(&[("\u{f71}", (0, 3)), ("\u{f72}", (0, 3)), ("x", (3, 4))])
        );
        assert_eq!(run(Nfc, ""), exp(&[]));
    }

    #[test]
    fn nfd_decomposes_and_reorders_positionally() {
        assert_eq!(
            run(Nfd, "e\u{301}"),
            exp(&[("e", (0, 1)), ("\u{301}", (1, 3))])
        );
        assert_eq!(
            run(Nfd, "한국"),
            exp(&[
                ("ᄒ", (0, 3)),
                ("ᅡ", (0, 3)),
                ("ᆫ", (0, 3)),
                ("ᄀ", (3, 6)),
                ("ᅮ", (3, 6)),
                ("ᆨ", (3, 6))
            ])
        );
        assert_eq!(
            run(Nfd, "Å\u{301}"),
            exp(&[("A", (0, 2)), ("\u{30a}", (0, 2)), ("\u{301}", (2, 4))])
        );
        assert_eq!(
            run(Nfd, "x\u{301}\u{327}y"),
            exp(&[
                ("x", (0, 1)),
                ("\u{327}", (1, 3)),
                ("\u{301}", (3, 5)),
                ("y", (5, 6))
            ])
        );
        assert_eq!(
            run(Nfd, "é\u{323}"),
            exp(&[("e", (0, 2)), ("\u{323}", (2, 4)), ("\u{301}", (2, 4))])
        );
        assert_eq!(
            run(Nfd, "\u{1e09}"),
            exp(&[("c", (0, 3)), ("\u{327}", (0, 3)), ("\u{301}", (0, 3))])
        );
        assert_eq!(run(Nfd, "ﬁ"), exp(&[("ﬁ", (0, 3))]));
    }

    #[test]
    fn nfkc_nfkd_expand_compat_chars() {
        assert_eq!(run(Nfkc, "ﬁ"), exp(&[("f", (0, 3)), ("i", (0, 3))]));
        assert_eq!(run(Nfkc, "①"), exp(&[("1", (0, 3))]));
        assert_eq!(
            run(Nfkc, "㍿"),
            exp(&[
                ("株", (0, 3)),
                ("式", (0, 3)),
                ("会", (0, 3)),
                ("社", (0, 3))
            ])
        );
        assert_eq!(run(Nfkc, "ｶﾞ"), exp(&[("ガ", (0, 3))]));
        assert_eq!(
            run(Nfkc, "Ａ①\u{2075}"),
            exp(&[("A", (0, 3)), ("1", (3, 6)), ("5", (6, 9))])
        );
        assert_eq!(run(Nfkc, "e\u{301}"), exp(&[("é", (0, 1))]));
        assert_eq!(run(Nfkd, "ﬁ"), exp(&[("f", (0, 3)), ("i", (0, 3))]));
        assert_eq!(
            run(Nfkd, "a\u{1100}\u{1161}b"),
            exp(&[("a", (0, 1)), ("ᄀ", (1, 4)), ("ᅡ", (4, 7)), ("b", (7, 8))])
        );
        assert_eq!(run(Nfkc, "한국"), exp(&[("한", (0, 3)), ("국", (3, 6))]));
    }
}
