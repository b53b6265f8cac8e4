//! `Precompiled` for the fused SentencePiece path: the normalized text with its alignment kept as runs
//! (a stretch copied from the original, or the chars one replacement produced) instead of one entry per
//! byte, built in one pass over the clusters without Hugging Face's edit list.
//!
//! The runs give the same offsets as the edit list replayed on a fresh `NormalizedString` whenever the
//! edits are local: a replacement of m chars by k ≥ 1 chars aligns its i-th char to old char
//! `min(i, m - 1)` (extra chars are insertions after the last old char), and a removal only widens the
//! previous edit. The two cases where Hugging Face's replay reaches further (a removal with no edit
//! before it, or right after an insertion, which turns that insertion into a substitution) make
//! [`Precompiled::normalize_runs`] give up, and the caller takes the general path.

use super::{stands_alone, Precompiled};
use std::cell::Cell;
use unicode_segmentation::UnicodeSegmentation;

/// One run of normalized bytes from `norm` up to the next run.
#[derive(Debug, Clone, Copy)]
struct Run {
    norm: u32,
    /// Copied text: original byte of `norm`. Replacement chars: the original range they all take.
    start: u32,
    end: u32,
    copied: bool,
}

/// The alignment of a normalized text as runs, in order.
#[derive(Debug, Default)]
pub struct Runs {
    runs: Vec<Run>,
    /// The run of the last lookup: tokens are looked up in order, so the next one is at or after it.
    hint: Cell<usize>,
}

impl Runs {
    /// Original range of the normalized bytes `s..e` (non-empty, on char boundaries): Hugging Face's
    /// `(align[s].0, align[e - 1].1)`.
    #[inline]
    pub fn orig(&self, s: usize, e: usize) -> (usize, usize) {
        let start = match self.at(s) {
            Some(r) if r.copied => r.start as usize + (s - r.norm as usize),
            Some(r) => r.start as usize,
            None => 0,
        };
        let end = match self.at(e.saturating_sub(1)) {
            Some(r) if r.copied => r.start as usize + (e - r.norm as usize),
            Some(r) => r.end as usize,
            None => 0,
        };
        (start, end)
    }

    /// The run holding normalized byte `p`.
    #[inline]
    fn at(&self, p: usize) -> Option<&Run> {
        let starts_by = |k: usize| self.runs.get(k).is_some_and(|r| r.norm as usize <= p);
        let mut k = self.hint.get();
        if starts_by(k) {
            while starts_by(k + 1) {
                k += 1;
            }
        } else {
            k = self
                .runs
                .partition_point(|r| r.norm as usize <= p)
                .wrapping_sub(1);
        }
        self.hint.set(k);
        self.runs.get(k)
    }

    fn push(&mut self, run: Run) {
        self.runs.push(run);
    }
}

/// What the last edit so far was: a removal needs one to widen, and must not widen an insertion.
#[derive(PartialEq, Eq)]
enum Last {
    Nothing,
    Kept,
    Inserted,
}

struct Writer<'a> {
    text: &'a str,
    base: usize,
    out: &'a mut String,
    runs: &'a mut Runs,
    /// Start of the copied stretch not written yet.
    pending: usize,
    last: Last,
}

impl Writer<'_> {
    /// Write the copied stretch up to `i`.
    fn flush(&mut self, i: usize) {
        if i > self.pending {
            self.runs.push(Run {
                norm: self.out.len() as u32,
                start: (self.base + self.pending) as u32,
                end: 0,
                copied: true,
            });
            self.out
                .push_str(self.text.get(self.pending..i).unwrap_or_default());
            self.last = Last::Kept;
        }
    }

    /// Replace `text[i..j]` (its chars are the old chars) by `new`; false when the alignment is not
    /// local (see the module comment).
    fn replace(&mut self, i: usize, j: usize, new: &str) -> bool {
        self.flush(i);
        self.pending = j;
        let old = self.text.get(i..j).unwrap_or_default();
        if new.is_empty() {
            return self.last == Last::Kept;
        }
        let m = old.chars().count();
        let mut olds = old
            .char_indices()
            .map(|(k, c)| (i + k, i + k + c.len_utf8()));
        let mut cur = (i, j);
        for (n, c) in new.chars().enumerate() {
            if n < m {
                cur = olds.next().unwrap_or(cur);
            }
            let (a, b) = ((self.base + cur.0) as u32, (self.base + cur.1) as u32);
            let same = self
                .runs
                .runs
                .last()
                .is_some_and(|r| !r.copied && r.start == a && r.end == b && n > 0);
            if !same {
                self.runs.push(Run {
                    norm: self.out.len() as u32,
                    start: a,
                    end: b,
                    copied: false,
                });
            }
            self.out.push(c);
        }
        self.last = if new.chars().count() > m {
            Last::Inserted
        } else {
            Last::Kept
        };
        true
    }
}

impl Precompiled {
    /// Normalize `text`, a segment at byte `base` of the original whose first change is in the cluster
    /// at byte `first`, into `out` with its alignment in `runs`. Gives the text and offsets
    /// [`Precompiled::normalize_from`] gives, or returns false (the caller then takes that path).
    pub fn normalize_runs(
        &self,
        text: &str,
        first: usize,
        base: usize,
        out: &mut String,
        runs: &mut Runs,
    ) -> bool {
        out.clear();
        runs.runs.clear();
        runs.hint.set(0);
        let mut w = Writer {
            text,
            base,
            out,
            runs,
            pending: 0,
            last: if first > 0 { Last::Kept } else { Last::Nothing },
        };
        let bytes = text.as_bytes();
        let mut i = first;
        while i < text.len() {
            // Most chars stay as they are (each CJK ideograph, each letter): skip them without
            // decoding twice or walking the trie.
            i = self.skip_inert(bytes, i);
            let Some(c) = text.get(i..).and_then(|r| r.chars().next()) else {
                break;
            };
            let j = i + c.len_utf8();
            let next = text.get(j..).and_then(|r| r.chars().next());
            let alone = stands_alone(c) && next.is_none_or(stands_alone);
            if alone {
                // A cluster of one char: the common case, no segmenter.
                let new = if c.is_ascii() {
                    self.ascii.get(c as usize).and_then(Option::as_deref)
                } else if self.may_start(c) {
                    self.transform(text.get(i..j).unwrap_or_default())
                } else {
                    None
                };
                if let Some(new) = new {
                    if !w.replace(i, j, new) {
                        return false;
                    }
                }
                i = j;
                continue;
            }
            let g = text
                .get(i..)
                .unwrap_or_default()
                .graphemes(true)
                .next()
                .unwrap_or_default();
            let (start, end) = (i, i + g.len().max(1));
            i = end;
            let several = g.chars().nth(1).is_some();
            if !several || g.len() < 6 {
                if let Some(new) = self.transform(g) {
                    if !w.replace(start, end, new) {
                        return false;
                    }
                    continue;
                }
                if !several {
                    continue;
                }
            }
            for (k, d) in g.char_indices() {
                let (a, b) = (start + k, start + k + d.len_utf8());
                if let Some(new) = self.transform(text.get(a..b).unwrap_or_default()) {
                    if !w.replace(a, b, new) {
                        return false;
                    }
                }
            }
        }
        w.flush(text.len());
        true
    }

    /// The first byte at or after `i` (a char boundary) that does not start a char left as it is: one
    /// that is inert and followed by an inert char or the end (an inert char stands alone, so the
    /// cluster of the char before it ends there).
    #[inline]
    fn skip_inert(&self, bytes: &[u8], mut i: usize) -> usize {
        let Some(mut len) = self.inert_len(bytes, i) else {
            return i;
        };
        loop {
            let j = i + len;
            if j >= bytes.len() {
                return bytes.len();
            }
            match self.inert_len(bytes, j) {
                Some(n) => {
                    i = j;
                    len = n;
                }
                None => return i,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::NormalizedString;

    fn charsmap() -> Precompiled {
        let b64 = include_str!("../../tests/fixtures/charsmap/rules.b64");
        Precompiled::from_base64(b64.trim(), "test").unwrap_or_else(|e| panic!("{e}"))
    }

    /// The runs give `normalize_from`'s text and the offsets of every char range of it; returns
    /// whether the runs path took the text.
    fn check(p: &Precompiled, text: &str) -> bool {
        let Some(first) = p.first_change(text) else {
            return true;
        };
        let base = 5;
        let mut ns = NormalizedString::from_original(text, base);
        p.normalize_from(&mut ns, first)
            .unwrap_or_else(|e| panic!("{e}"));
        let (mut out, mut runs) = (String::new(), Runs::default());
        if !p.normalize_runs(text, first, base, &mut out, &mut runs) {
            return false;
        }
        assert_eq!(out, ns.as_str(), "{text:?}");
        let a = ns.alignments();
        let bounds: Vec<usize> = out
            .char_indices()
            .map(|(k, _)| k)
            .chain([out.len()])
            .collect();
        for (x, &s) in bounds.iter().enumerate() {
            for &e in bounds.get(x + 1..).unwrap_or_default() {
                let want = (a[s].0 as usize, a[e - 1].1 as usize);
                assert_eq!(runs.orig(s, e), want, "{text:?} {s}..{e}");
            }
        }
        true
    }

    #[test]
    fn rule_shapes() {
        let p = charsmap();
        for text in [
            "a，b",
            "，",
            "（x）",
            "™!",
            "a…b",
            "ﬁne",
            "①②",
            "e\u{301}x",
            "ｶﾞｶ",
            "straße",
            "ae",
            "x\u{308}",
            "a\u{ad}b",
            "a\u{ad}\u{ad}",
            "Ａ\tb",
            "中文，中文。",
            // Inert chars before a mark, a CR LF, a change and the end.
            "中文\u{301}，中\u{308}",
            "ab\r\nc，",
            "文，文文文文",
            "中ｶﾞ中",
        ] {
            assert!(check(&p, text), "{text:?} left the runs path");
        }
        // A removal with no edit before it, and one right after an insertion, are left to the
        // general path.
        assert!(!check(&p, "\u{ad}a"));
        assert!(!check(&p, "…\u{ad}"));
    }

    // Random strings over the rules' chars and their neighbours: same text and offsets, or a refusal.
    #[test]
    fn random_strings_match_the_edit_list() {
        let p = charsmap();
        let alphabet: Vec<char> =
            "a e x ß，（）™…\u{ad}\u{200d}\u{301}\u{308}ﬁ①Ａ\tｶﾞ\u{3099}中。\r\n👍🏽"
                .chars()
                .collect();
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut taken = 0;
        for _ in 0..3000 {
            let mut s = String::new();
            for _ in 0..(seed % 9) {
                seed = seed
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                s.push(alphabet[(seed >> 33) as usize % alphabet.len()]);
            }
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(7);
            taken += usize::from(check(&p, &s));
        }
        assert!(taken > 2000, "{taken}");
    }

    // The scan that skips to the chars where a replacement may happen finds the same first changed
    // cluster as cutting every cluster from the start.
    #[test]
    fn first_change_matches_a_full_cluster_scan() {
        let p = charsmap();
        let full = |s: &str| {
            let mut clusters = super::super::Clusters::new(s, 0);
            loop {
                let i = clusters.pos;
                let g = clusters.next()?;
                if p.cluster_changes(g) {
                    return Some(i);
                }
            }
        };
        let pieces = [
            "a",
            "e",
            "x",
            "ß",
            "，",
            "™",
            "\u{ad}",
            "\u{200d}",
            "\u{301}",
            "\u{308}",
            "ｶ",
            "ﾞ",
            "\u{3099}",
            "中文",
            "\r",
            "\n",
            "👍🏽",
            "plain ",
            "text",
            "ا\u{64B}",
            "é",
            " ",
        ];
        let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
        for _ in 0..5000 {
            let mut s = String::new();
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            for k in 0..(seed % 12) {
                let r = seed.rotate_left(5 * k as u32) >> 40;
                s.push_str(pieces[r as usize % pieces.len()]);
            }
            assert_eq!(p.first_change(&s), full(&s), "{s:?}");
        }
    }
}
