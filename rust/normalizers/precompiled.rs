//! `Precompiled`: SentencePiece's normalization rules, compiled into a "charsmap" blob (base64 in
//! tokenizer.json): `[u32 LE trie size in bytes][double-array trie of u32 units][replacement strings]`.
//! The trie maps a UTF-8 byte string to an offset into the replacement strings (NUL-terminated).
//!
//! Hugging Face applies it per extended grapheme cluster: a cluster shorter than 6 bytes that starts
//! with a key of the trie is replaced whole by the replacement of its SHORTEST such key; otherwise each
//! char of the cluster is looked up (and replaced) on its own. Alignments follow Hugging Face's
//! `transform`: extra replacement chars are insertions, fewer chars remove from the last edit so far
//! (nothing when there is none yet).

use crate::error::{Error, Result};
use crate::kernel::NormalizedString;
use base64::Engine as _;
use unicode_segmentation::UnicodeSegmentation;

#[path = "precompiled_runs.rs"]
mod runs;
pub use runs::Runs;

#[derive(Debug, Clone)]
pub struct Precompiled {
    /// The double-array units.
    array: Vec<u32>,
    /// Replacement strings, NUL-separated.
    strings: String,
    /// The base64 text as read, for serialization.
    pub charsmap: String,
    /// Replacement of each ASCII char, or `None` when it maps to itself.
    ascii: [Option<Box<str>>; 128],
    /// One bit per char of the Basic Multilingual Plane: it is a key or begins one.
    starts: Box<[u64; 1024]>,
    /// One bit per char of the Basic Multilingual Plane: it is a key by itself.
    singles: Box<[u64; 1024]>,
    /// One bit per char of the Basic Multilingual Plane: a cluster of its own leaves it as it is (it
    /// stands alone and starts no replacement; `inert_len`).
    inert: Box<[u64; 1024]>,
}

#[inline]
fn has_leaf(u: u32) -> bool {
    (u >> 8) & 1 == 1
}
#[inline]
fn value(u: u32) -> usize {
    (u & ((1 << 31) - 1)) as usize
}
#[inline]
fn label(u: u32) -> u32 {
    u & ((1 << 31) | 0xFF)
}
#[inline]
fn offset(u: u32) -> usize {
    ((u >> 10) << ((u & (1 << 9)) >> 6)) as usize
}

impl Precompiled {
    /// Decode the base64 `precompiled_charsmap`; `field` names it in errors.
    pub fn from_base64(b64: &str, field: &str) -> Result<Self> {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(b64)
            .map_err(|e| Error::config("", field, format!("invalid base64: {e}")))?;
        let mut p = Self::from_bytes(&bytes, field)?;
        p.charsmap = b64.to_string();
        Ok(p)
    }

    pub fn from_bytes(bytes: &[u8], field: &str) -> Result<Self> {
        let corrupt = |m: &str| Error::config("", field, format!("corrupt charsmap: {m}"));
        let (head, rest) = bytes
            .split_first_chunk::<4>()
            .ok_or_else(|| corrupt("shorter than its 4-byte header"))?;
        let size = u32::from_le_bytes(*head) as usize;
        if size % 4 != 0 || size > rest.len() || size == 0 {
            return Err(corrupt("trie size does not fit the blob"));
        }
        let (trie, strings) = rest.split_at(size);
        let array: Vec<u32> = trie
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        let strings = String::from_utf8(strings.to_vec())
            .map_err(|_| corrupt("replacement strings are not UTF-8"))?;
        let mut p = Precompiled {
            array,
            strings,
            charsmap: String::new(),
            ascii: std::array::from_fn(|_| None),
            starts: Box::new([0; 1024]),
            singles: Box::new([0; 1024]),
            inert: Box::new([0; 1024]),
        };
        p.validate().map_err(corrupt)?;
        let root = offset(p.array.first().copied().unwrap_or(0));
        for c in (0..0x1_0000).filter_map(char::from_u32) {
            let mut buf = [0u8; 4];
            let key = c.encode_utf8(&mut buf).as_bytes();
            // (A key ending inside the char's bytes counts too, should a charsmap hold one.)
            let u = c as usize;
            let step = p.step(root, key);
            if step.is_some() || p.shortest_prefix(key).is_some() {
                if let Some(w) = p.starts.get_mut(u >> 6) {
                    *w |= 1 << (u & 63);
                }
            }
            if let (Some((_, true)), Some(w)) = (step, p.singles.get_mut(u >> 6)) {
                *w |= 1 << (u & 63);
            }
        }
        for b in 0..128u8 {
            let c = [b];
            let s = std::str::from_utf8(&c).unwrap_or_default();
            p.ascii[b as usize] = p.transform(s).map(Into::into);
        }
        for c in (0..0x1_0000).filter_map(char::from_u32) {
            let untouched = if c.is_ascii() {
                p.ascii.get(c as usize).is_some_and(Option::is_none)
            } else {
                !p.may_start(c)
            };
            let u = c as usize;
            if let (true, Some(w)) = (untouched && stands_alone(c), p.inert.get_mut(u >> 6)) {
                *w |= 1 << (u & 63);
            }
        }
        Ok(p)
    }

    /// The length of the char at byte `i` (a char boundary) when it is inert (see `inert`), else None.
    #[inline]
    pub(super) fn inert_len(&self, bytes: &[u8], i: usize) -> Option<usize> {
        // `inert` has a bit per BMP code point: a char above the BMP finds no word.
        let (u, n) = code_point_at(bytes, i)?;
        let w = self.inert.get((u >> 6) as usize)?;
        ((w >> (u & 63)) & 1 == 1).then_some(n)
    }

    /// Structural checks; lookups are bounds-checked, so a blob that passes them but is otherwise
    /// damaged gives no replacement rather than a panic.
    fn validate(&self) -> std::result::Result<(), &'static str> {
        let root = *self.array.first().ok_or("empty trie")?;
        if offset(root) >= self.array.len() {
            return Err("root offset out of range");
        }
        Ok(())
    }

    /// One transition from trie position `pos` by byte `c` (a NUL byte ends every key): the position
    /// reached and whether a key ends there, or `None` when no key continues that way.
    #[inline]
    fn next(&self, pos: usize, c: u8) -> Option<(usize, bool)> {
        if c == 0 {
            return None;
        }
        let pos = pos ^ c as usize;
        let u = *self.array.get(pos)?;
        if label(u) != c as u32 {
            return None;
        }
        Some((pos ^ offset(u), has_leaf(u)))
    }

    /// Walk `bytes` from trie position `pos`: the position reached and whether the last byte ends a
    /// key, or `None` when no key continues that way.
    #[inline]
    fn step(&self, mut pos: usize, bytes: &[u8]) -> Option<(usize, bool)> {
        let mut leaf = false;
        for &c in bytes {
            (pos, leaf) = self.next(pos, c)?;
        }
        Some((pos, leaf))
    }

    /// The first char of `text` from byte `from` (a cluster boundary) where a replacement may happen,
    /// found without grapheme segmentation: a replacement needs a char that is a key, or a cluster
    /// whose first two chars begin a key. Returns a cluster boundary at or before that char and the
    /// end of the char; `None` when no replacement can happen.
    fn next_candidate(&self, text: &str, from: usize) -> Option<(usize, usize)> {
        let root = offset(*self.array.first()?);
        let bytes = text.as_bytes();
        let mut i = from;
        while let Some(&b) = bytes.get(i) {
            // An ASCII char that is no key, followed by ASCII, is a cluster of its own left as it is.
            if b < 0x80 && b != b'\r' {
                if self.ascii.get(b as usize).is_some_and(Option::is_some) {
                    return Some((boundary_before(text, from, i), i + 1));
                }
                if bytes.get(i + 1).is_none_or(|&n| n < 0x80) {
                    i += 1;
                    continue;
                }
            }
            let (c, len) = decode_at(bytes, i)?;
            let start = i;
            i += len;
            if !self.may_start(c) {
                continue;
            }
            let u = c as usize;
            let single = self.singles.get(u >> 6).map(|w| (w >> (u & 63)) & 1 == 1);
            let alone_pair =
                || stands_alone(c) && decode_at(bytes, i).is_none_or(|(d, _)| stands_alone(d));
            let mut buf = [0u8; 4];
            let hit = match single {
                // Known from the tables: a key by itself, or the start of longer keys only, which
                // a cluster of one char cannot hold (kana before kana or kanji).
                Some(true) => true,
                Some(false) if alone_pair() => false,
                _ => match self.step(root, c.encode_utf8(&mut buf).as_bytes()) {
                    None => false,
                    Some((_, true)) => true,
                    // Only a cluster of several chars can hold a longer key.
                    Some((pos, false)) => decode_at(bytes, i)
                        .filter(|&(d, _)| !(stands_alone(c) && stands_alone(d)))
                        .is_some_and(|(d, _)| {
                            let mut buf = [0u8; 4];
                            self.step(pos, d.encode_utf8(&mut buf).as_bytes()).is_some()
                        }),
                },
            };
            if hit {
                return Some((boundary_before(text, from, start), i));
            }
        }
        None
    }

    /// False when `c` is neither a key nor the start of one (known for the Basic Multilingual Plane).
    #[inline]
    fn may_start(&self, c: char) -> bool {
        let u = c as usize;
        self.starts
            .get(u >> 6)
            .is_none_or(|w| (w >> (u & 63)) & 1 == 1)
    }

    /// Replacement offset of the shortest key that prefixes `key` (a NUL byte ends the key).
    fn shortest_prefix(&self, key: &[u8]) -> Option<usize> {
        let mut pos = offset(*self.array.first()?);
        for &c in key {
            let leaf;
            (pos, leaf) = self.next(pos, c)?;
            if leaf {
                return Some(value(*self.array.get(pos)?));
            }
        }
        None
    }

    /// The replacement of `chunk` (see the module comment), if any.
    pub fn transform(&self, chunk: &str) -> Option<&str> {
        let start = self.shortest_prefix(chunk.as_bytes())?;
        let rest = self.strings.get(start..)?;
        rest.get(..rest.bytes().position(|b| b == 0).unwrap_or(rest.len()))
    }

    pub fn normalize(&self, n: &mut NormalizedString) -> Result<()> {
        // Most text maps to itself: find the first change before building anything.
        match self.first_change(n.as_str()) {
            Some(first) => self.normalize_from(n, first),
            None => Ok(()),
        }
    }

    /// `normalize` when the first change is known to be in the cluster at byte `first`.
    pub fn normalize_from(&self, n: &mut NormalizedString, first: usize) -> Result<()> {
        let text = n.as_str();
        let mut edits: Vec<(char, isize)> = Vec::with_capacity(text.len() + 8);
        edits.extend(
            text.get(..first)
                .unwrap_or_default()
                .chars()
                .map(|c| (c, 0)),
        );
        for g in Clusters::new(text, first) {
            if let &[b] = g.as_bytes() {
                match self.ascii.get(b as usize).and_then(Option::as_deref) {
                    Some(r) => replace(&mut edits, g, r),
                    None => edits.push((b as char, 0)),
                }
                continue;
            }
            let mut chars = g.chars();
            if let (Some(c), None) = (chars.next(), chars.next()) {
                // One char: the cluster's key is the char's own key, and most chars begin none.
                match Some(c)
                    .filter(|&c| self.may_start(c))
                    .and_then(|_| self.transform(g))
                {
                    Some(r) => replace(&mut edits, g, r),
                    None => edits.push((c, 0)),
                }
                continue;
            }
            if g.len() < 6 {
                if let Some(r) = self.transform(g) {
                    replace(&mut edits, g, r);
                    continue;
                }
            }
            for (k, c) in g.char_indices() {
                let part = g.get(k..k + c.len_utf8()).unwrap_or_default();
                match self.transform(part) {
                    Some(r) => replace(&mut edits, part, r),
                    None => edits.push((c, 0)),
                }
            }
        }
        n.transform(edits, 0);
        Ok(())
    }

    /// Whether normalizing `text` changes it.
    pub fn changes(&self, text: &str) -> bool {
        self.first_change(text).is_some()
    }

    /// Whether some replacement string contains `c` (the fused SentencePiece path needs text in which
    /// the Metaspace char only appears where it puts it).
    pub fn produces(&self, c: char) -> bool {
        self.strings.contains(c)
    }

    /// Byte position of the grapheme cluster where the first replacement happens, or `None`.
    pub fn first_change(&self, text: &str) -> Option<usize> {
        // Clusters are cut only around the chars where a replacement may happen; the stretches
        // between are skipped by the cheap scan.
        let mut from = 0;
        loop {
            let (boundary, hit_end) = self.next_candidate(text, from)?;
            let mut clusters = Clusters::new(text, boundary);
            while clusters.pos < hit_end {
                let i = clusters.pos;
                let g = clusters.next()?;
                if self.cluster_changes(g) {
                    return Some(i);
                }
            }
            from = clusters.pos;
        }
    }

    /// Whether Hugging Face's Precompiled replaces anything in cluster `g`.
    #[inline]
    fn cluster_changes(&self, g: &str) -> bool {
        if let &[b] = g.as_bytes() {
            self.ascii.get(b as usize).is_some_and(Option::is_some)
        } else if g.chars().nth(1).is_none() {
            self.transform(g).is_some()
        } else {
            (g.len() < 6 && self.transform(g).is_some())
                || g.chars().any(|c| {
                    let mut b = [0u8; 4];
                    self.transform(c.encode_utf8(&mut b)).is_some()
                })
        }
    }
}

/// The code point that starts at byte `i` of a valid UTF-8 text, and its length (no slice of the text made,
/// no boundary check: this runs once per char of every normalized text).
#[inline]
fn code_point_at(bytes: &[u8], i: usize) -> Option<(u32, usize)> {
    let b0 = u32::from(*bytes.get(i)?);
    let cont = |k: usize| bytes.get(i + k).map(|&x| u32::from(x & 0x3F));
    let (u, n) = if b0 < 0x80 {
        (b0, 1)
    } else if b0 < 0xE0 {
        (((b0 & 0x1F) << 6) | cont(1)?, 2)
    } else if b0 < 0xF0 {
        (((b0 & 0x0F) << 12) | (cont(1)? << 6) | cont(2)?, 3)
    } else {
        (
            ((b0 & 0x07) << 18) | (cont(1)? << 12) | (cont(2)? << 6) | cont(3)?,
            4,
        )
    };
    Some((u, n))
}

/// The char that starts at byte `i` of a valid UTF-8 text, and its length.
#[inline]
fn decode_at(bytes: &[u8], i: usize) -> Option<(char, usize)> {
    let (u, n) = code_point_at(bytes, i)?;
    Some((char::from_u32(u)?, n))
}

/// A cluster boundary at or before byte `at` (a char boundary) and not before `from` (a cluster
/// boundary): the first position going back where the chars on both sides stand alone.
fn boundary_before(text: &str, from: usize, at: usize) -> usize {
    let mut p = at;
    while p > from {
        let before = text.get(..p).and_then(|t| t.chars().next_back());
        let here = text.get(p..).and_then(|t| t.chars().next());
        match (before, here) {
            (Some(a), Some(b)) if stands_alone(a) && stands_alone(b) => return p,
            (Some(a), _) => p -= a.len_utf8(),
            (None, _) => break,
        }
    }
    from
}

/// The extended grapheme clusters of `text` from byte `pos` (a cluster boundary). A char of
/// [`stands_alone`] followed by another one (or by the end) is a whole cluster and is cut without the
/// segmenter; the segmenter runs on the other stretches, one iterator per stretch.
struct Clusters<'a> {
    text: &'a str,
    pos: usize,
    /// A segmenter over `text[start..]` whose next cluster starts at `pos`.
    seg: Option<unicode_segmentation::Graphemes<'a>>,
}

impl<'a> Clusters<'a> {
    fn new(text: &'a str, pos: usize) -> Self {
        Clusters {
            text,
            pos,
            seg: None,
        }
    }
}

/// Chars that never join a neighbour of this same set into one extended grapheme cluster: the
/// grapheme break property `Other` or `Control`, not pictographic, and no Hangul jamo (the test checks
/// every one against the segmenter). CR is left out (CR LF is one cluster). Covers ASCII, Latin,
/// Greek, Cyrillic, Hebrew and Arabic letters, common punctuation, kana, CJK ideographs and fullwidth
/// forms.
#[inline]
fn stands_alone(c: char) -> bool {
    let u = c as usize;
    ALONE.get(u >> 6).is_some_and(|w| (w >> (u & 63)) & 1 == 1)
}

/// The ranges of [`stands_alone`], as a bitmap over the Basic Multilingual Plane.
const ALONE_RANGES: [(u32, u32); 22] = [
    (0x00, 0x0C),
    (0x0E, 0x7F),
    (0xA0, 0xA8),
    (0xAA, 0xAD),
    (0xAF, 0x24F),
    (0x386, 0x3FF),
    (0x400, 0x482),
    (0x48A, 0x52F),
    (0x5D0, 0x5EA),
    (0x621, 0x64A),
    (0x660, 0x66F),
    (0x671, 0x6D3),
    (0x200B, 0x200B),
    (0x200E, 0x203B),
    (0x3001, 0x3003),
    (0x3008, 0x3011),
    (0x3041, 0x3096),
    (0x30A1, 0x30FA),
    (0x30FC, 0x30FE),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xFF01, 0xFF5E),
];
/// Halfwidth katakana without the two sound marks (they extend the char before them).
const ALONE_HALFWIDTH: (u32, u32) = (0xFF61, 0xFF9D);

static ALONE: [u64; 1024] = {
    let mut bits = [0u64; 1024];
    let mut r = 0;
    while r <= ALONE_RANGES.len() {
        let (lo, hi) = if r < ALONE_RANGES.len() {
            ALONE_RANGES[r]
        } else {
            ALONE_HALFWIDTH
        };
        let mut u = lo;
        while u <= hi {
            bits[(u >> 6) as usize] |= 1 << (u & 63);
            u += 1;
        }
        r += 1;
    }
    bits
};

impl<'a> Iterator for Clusters<'a> {
    type Item = &'a str;

    #[inline]
    fn next(&mut self) -> Option<&'a str> {
        let rest = self.text.get(self.pos..)?;
        let mut chars = rest.chars();
        let c = chars.next()?;
        let g = if stands_alone(c) && chars.next().is_none_or(stands_alone) {
            self.seg = None;
            rest.get(..c.len_utf8())?
        } else {
            self.seg
                .get_or_insert_with(|| rest.graphemes(true))
                .next()?
        };
        self.pos += g.len();
        Some(g)
    }
}

/// Hugging Face's edit list for replacing `old` by `new`.
fn replace(edits: &mut Vec<(char, isize)>, old: &str, new: &str) {
    let old_count = old.chars().count() as isize;
    let new_count = new.chars().count() as isize;
    let diff = new_count - old_count;
    edits.extend(new.chars().map(|c| (c, 0)));
    if diff > 0 {
        for e in edits.iter_mut().rev().take(diff as usize) {
            e.1 = 1;
        }
    } else if diff < 0 {
        if let Some(e) = edits.last_mut() {
            e.1 += diff;
        }
    }
}

/// `Nmt`: drops ASCII control chars and maps other whitespace-like chars to a space.
pub fn nmt(n: &mut NormalizedString) {
    let drop = |c: char| matches!(c as u32, 0x01..=0x08 | 0x0B | 0x0E..=0x1F | 0x7F | 0x8F | 0x9F);
    let space = |c: char| {
        matches!(
            c as u32,
            0x09 | 0x0A | 0x0C | 0x0D | 0x1680 | 0x200B
                ..=0x200F | 0x2028 | 0x2029 | 0x2581 | 0xFEFF | 0xFFFD
        )
    };
    if !n.as_str().chars().any(|c| drop(c) || space(c)) {
        return;
    }
    n.filter(|c| !drop(c));
    n.map(|c| if space(c) { ' ' } else { c });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corrupt_blobs_are_config_errors() {
        for b64 in ["!!", "AAEAAA==", "AAAAAA==", "CAAAAP////////////8="] {
            let e = Precompiled::from_base64(b64, "normalizer.precompiled_charsmap").unwrap_err();
            assert!(
                e.to_string().contains("normalizer.precompiled_charsmap"),
                "{e}"
            );
        }
    }

    // Hugging Face's edits for "™\x1eg" → "TMg": an expansion, then a removal taken from the last edit.
    #[test]
    fn expansion_followed_by_removal() {
        let mut edits = Vec::new();
        replace(&mut edits, "™", "TM");
        replace(&mut edits, "\u{1e}", "");
        edits.push(('g', 0));
        assert_eq!(edits, [('T', 0), ('M', 0), ('g', 0)]);
        let mut n = NormalizedString::from_original("™\u{1e}g", 0);
        n.transform(edits, 0);
        assert_eq!(n.as_str(), "TMg");
    }

    #[test]
    fn decode_at_reads_every_length() {
        let text = "a\u{7f}\u{80}é\u{7ff}\u{800}中\u{ffff}\u{10000}👍\u{10ffff}";
        for (i, c) in text.char_indices() {
            assert_eq!(decode_at(text.as_bytes(), i), Some((c, c.len_utf8())));
        }
        assert_eq!(decode_at(text.as_bytes(), text.len()), None);
    }

    #[test]
    fn clusters_cut_simple_chars_without_the_segmenter() {
        let text = "ab\r\ne\u{301}x👍🏽中文，\u{3099}か\u{3099}ا\u{64B}";
        let got: Vec<&str> = Clusters::new(text, 0).collect();
        let expected: Vec<&str> = text.graphemes(true).collect();
        assert_eq!(got, expected);
        assert_eq!(got[..6], ["a", "b", "\r\n", "e\u{301}", "x", "👍🏽"]);
    }

    // Every char of the set: alone, before and after `a`, and doubled, it is a cluster of its own.
    // Joins between two chars need one of them to be Extend, SpacingMark, ZWJ, Prepend, a regional
    // indicator or a Hangul jamo, and each of those fails one of these three checks.
    #[test]
    fn stands_alone_is_what_the_segmenter_says() {
        for c in (0..0x11_0000)
            .filter_map(char::from_u32)
            .filter(|&c| stands_alone(c))
        {
            for s in [format!("{c}a"), format!("a{c}"), format!("{c}{c}")] {
                assert_eq!(s.graphemes(true).count(), 2, "U+{:04X}", c as u32);
            }
        }
    }
}
