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
        };
        p.validate().map_err(corrupt)?;
        for b in 0..128u8 {
            let c = [b];
            let s = std::str::from_utf8(&c).unwrap_or_default();
            p.ascii[b as usize] = p.transform(s).map(Into::into);
        }
        Ok(p)
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

    /// False when no replacement can happen in `text`, found without grapheme segmentation: a
    /// replacement needs a char that is a key, or a cluster whose first two chars begin a key.
    fn may_change(&self, text: &str) -> bool {
        let Some(&root) = self.array.first() else {
            return false;
        };
        let root = offset(root);
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            let mut buf = [0u8; 4];
            match self.step(root, c.encode_utf8(&mut buf).as_bytes()) {
                None => {}
                Some((_, true)) => return true,
                Some((pos, false)) => {
                    if let Some(&d) = chars.peek() {
                        let mut buf = [0u8; 4];
                        if self.step(pos, d.encode_utf8(&mut buf).as_bytes()).is_some() {
                            return true;
                        }
                    }
                }
            }
        }
        false
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
        Some(rest.split('\0').next().unwrap_or_default())
    }

    pub fn normalize(&self, n: &mut NormalizedString) -> Result<()> {
        let text = n.as_str();
        // Most text maps to itself: find the first change before building anything.
        let Some(first) = self.first_change(text) else {
            return Ok(());
        };
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
    fn first_change(&self, text: &str) -> Option<usize> {
        if !self.may_change(text) {
            return None;
        }
        let mut clusters = Clusters::new(text, 0);
        loop {
            let i = clusters.pos;
            let g = clusters.next()?;
            let changed = if let &[b] = g.as_bytes() {
                self.ascii.get(b as usize).is_some_and(Option::is_some)
            } else {
                (g.len() < 6 && self.transform(g).is_some())
                    || g.chars().any(|c| {
                        let mut b = [0u8; 4];
                        self.transform(c.encode_utf8(&mut b)).is_some()
                    })
            };
            if changed {
                return Some(i);
            }
        }
    }
}

/// The extended grapheme clusters of `text` from byte `pos` (a cluster boundary). An ASCII char
/// followed by ASCII is a whole cluster (except CR LF) and is cut without the segmenter; the segmenter
/// runs on the other stretches, one iterator per stretch.
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

impl<'a> Iterator for Clusters<'a> {
    type Item = &'a str;

    #[inline]
    fn next(&mut self) -> Option<&'a str> {
        let rest = self.text.get(self.pos..)?;
        let g = match rest.as_bytes() {
            [] => return None,
            [b, next, ..] if *b < 0x80 && *next < 0x80 && !(*b == b'\r' && *next == b'\n') => {
                self.seg = None;
                rest.get(..1)?
            }
            [b] if *b < 0x80 => rest.get(..1)?,
            _ => self
                .seg
                .get_or_insert_with(|| rest.graphemes(true))
                .next()?,
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
    fn clusters_cut_ascii_without_the_segmenter() {
        let text = "ab\r\ne\u{301}x👍🏽";
        let got: Vec<&str> = Clusters::new(text, 0).collect();
        assert_eq!(got, ["a", "b", "\r\n", "e\u{301}", "x", "👍🏽"]);
    }
}
