//! Whole-piece lookup for byte-level BPE: most pre-tokenizer pieces of real text (" the", " function")
//! are one vocabulary token, so a hash probe on the piece's bytes usually replaces merging.
//!
//! A piece in the vocabulary is not always merged into that one token (the merges may never build it),
//! so every entry remembers whether merging its bytes gives exactly its id. That is found out the first
//! time the entry is hit (`Reach::Unknown`) and stored in an atomic, shared by all threads and clones;
//! two threads racing on it compute and store the same answer.

use std::sync::atomic::{AtomicU8, Ordering};

/// Longest piece (in bytes) the table holds: the key is two u64 words.
pub const KEY_MAX: usize = 16;

const UNKNOWN: u8 = 0;
const SINGLE: u8 = 1;
const SPLIT: u8 = 2;

/// A piece of at most `KEY_MAX` bytes packed into two zero-padded words, and its hash.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PieceKey {
    pub words: [u64; 2],
    pub len: u8,
    pub hash: u64,
}

impl PieceKey {
    #[inline]
    pub fn new(piece: &[u8]) -> Option<Self> {
        let n = piece.len();
        if n == 0 || n > KEY_MAX {
            return None;
        }
        // Loads of whole (overlapping) words from the piece itself: copying it into a zeroed buffer
        // first made every key wait on a failed store-to-load forward (~10 % of GPT-2's encode time).
        let (lo, hi) = if n >= 8 {
            let first = load8(piece, 0)?;
            // The last 8 bytes, shifted so that byte 8 of the piece lands in the low byte.
            let last = load8(piece, n - 8)?;
            (first, last.checked_shr(8 * (16 - n) as u32).unwrap_or(0))
        } else if n >= 4 {
            let first = u64::from(load4(piece, 0)?);
            let last = u64::from(load4(piece, n - 4)?);
            (first | last << (8 * (n - 4)), 0)
        } else {
            let (a, m, z) = (piece.first()?, piece.get(n / 2)?, piece.get(n - 1)?);
            let lo =
                u64::from(*a) | u64::from(*m) << (8 * (n / 2)) | u64::from(*z) << (8 * (n - 1));
            (lo, 0)
        };
        let len = n as u64;
        let hash =
            (lo ^ hi.rotate_left(29) ^ len.rotate_left(58)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        Some(PieceKey {
            words: [lo, hi],
            len: n as u8,
            hash: hash ^ (hash >> 31),
        })
    }
}

#[inline]
fn load8(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

#[inline]
fn load4(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// What the table knows about a piece.
pub enum Reach<'a> {
    /// Merging the piece gives this one token.
    Single(u32),
    /// The piece is the vocabulary token `id`, not yet checked; report the answer with `settle`.
    Unknown(u32, &'a Slot),
    /// Not a vocabulary token, or one the merges do not build from these bytes.
    Other,
}

pub struct Slot {
    words: [u64; 2],
    id: u32,
    /// 0 marks an empty slot.
    len: u8,
    reach: AtomicU8,
}

impl Slot {
    fn empty() -> Slot {
        Slot {
            words: [0; 2],
            id: 0,
            len: 0,
            reach: AtomicU8::new(UNKNOWN),
        }
    }

    /// Record whether merging this entry's bytes gave exactly its id.
    pub fn settle(&self, single: bool) {
        self.reach
            .store(if single { SINGLE } else { SPLIT }, Ordering::Relaxed);
    }
}

/// Open addressing with linear probing, at most half full.
pub struct PieceTable {
    slots: Box<[Slot]>,
    mask: usize,
}

impl std::fmt::Debug for PieceTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PieceTable({} slots)", self.slots.len())
    }
}

impl PieceTable {
    /// Entries for `(bytes, id)` pairs; pieces longer than `KEY_MAX` are left out.
    pub fn build(tokens: impl Iterator<Item = (Vec<u8>, u32)>) -> Self {
        let tokens: Vec<(PieceKey, u32)> = tokens
            .filter_map(|(b, id)| PieceKey::new(&b).map(|k| (k, id)))
            .collect();
        let cap = (tokens.len() * 2).next_power_of_two().max(16);
        let mut slots: Vec<Slot> = (0..cap).map(|_| Slot::empty()).collect();
        let mask = cap - 1;
        for (k, id) in tokens {
            let mut i = k.hash as usize & mask;
            // The table is at most half full, so an empty slot is always reached.
            while let Some(s) = slots.get_mut(i) {
                if s.len == 0 {
                    *s = Slot {
                        words: k.words,
                        id,
                        len: k.len,
                        reach: AtomicU8::new(UNKNOWN),
                    };
                    break;
                }
                if s.len == k.len && s.words == k.words {
                    break; // the same bytes twice: the first id wins, as in a map built in order
                }
                i = (i + 1) & mask;
            }
        }
        PieceTable {
            slots: slots.into_boxed_slice(),
            mask,
        }
    }

    #[inline]
    fn slot(&self, k: &PieceKey) -> Option<&Slot> {
        let mut i = k.hash as usize & self.mask;
        while let Some(s) = self.slots.get(i) {
            if s.len == 0 {
                return None;
            }
            if s.len == k.len && s.words == k.words {
                return Some(s);
            }
            i = (i + 1) & self.mask;
        }
        None
    }

    /// Hint the CPU to load the slot of `k`: the table is megabytes, and a probe that misses the
    /// caches costs more than the rest of a piece's work; callers prefetch a few pieces ahead.
    #[inline]
    pub fn prefetch(&self, k: &PieceKey) {
        if let Some(s) = self.slots.get(k.hash as usize & self.mask) {
            super::prefetch(s);
        }
    }

    #[inline]
    pub fn find(&self, k: &PieceKey) -> Reach<'_> {
        match self.slot(k) {
            Some(s) => match s.reach.load(Ordering::Relaxed) {
                SINGLE => Reach::Single(s.id),
                UNKNOWN => Reach::Unknown(s.id, s),
                _ => Reach::Other,
            },
            None => Reach::Other,
        }
    }

    /// The id stored for the piece, reachable or not (`ignore_merges` takes any vocabulary token whole).
    #[inline]
    pub fn id(&self, k: &PieceKey) -> Option<u32> {
        self.slot(k).map(|s| s.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_pack_bytes_like_a_zero_padded_buffer() {
        let data: Vec<u8> = (0u8..40)
            .map(|i| i.wrapping_mul(37).wrapping_add(1))
            .collect();
        for start in 0..data.len() {
            for n in 0..=KEY_MAX + 1 {
                let Some(piece) = data.get(start..start + n) else {
                    continue;
                };
                let key = PieceKey::new(piece);
                if n == 0 || n > KEY_MAX {
                    assert!(key.is_none());
                    continue;
                }
                let mut buf = [0u8; 16];
                buf[..n].copy_from_slice(piece);
                let want = [
                    u64::from_le_bytes(buf[..8].try_into().unwrap()),
                    u64::from_le_bytes(buf[8..].try_into().unwrap()),
                ];
                let key = key.unwrap();
                assert_eq!(key.words, want, "{piece:?}");
                assert_eq!(key.len as usize, n);
            }
        }
    }

    #[test]
    fn finds_entries_and_remembers_reachability() {
        let t = PieceTable::build(
            [
                (b"ab".to_vec(), 7),
                (b" the".to_vec(), 9),
                (vec![b'x'; 20], 3),
            ]
            .into_iter(),
        );
        let k = PieceKey::new(b" the").unwrap_or_else(|| unreachable!());
        let Reach::Unknown(9, slot) = t.find(&k) else {
            panic!("expected an unchecked entry")
        };
        slot.settle(true);
        assert!(matches!(t.find(&k), Reach::Single(9)));
        let k = PieceKey::new(b"ab").unwrap_or_else(|| unreachable!());
        if let Reach::Unknown(_, s) = t.find(&k) {
            s.settle(false);
        }
        assert!(matches!(t.find(&k), Reach::Other));
        assert_eq!(t.id(&k), Some(7));
        assert!(PieceKey::new(&[b'x'; 20]).is_none());
        let k = PieceKey::new(b"abc").unwrap_or_else(|| unreachable!());
        assert!(matches!(t.find(&k), Reach::Other));
        assert_eq!(t.id(&k), None);
        // Keys differ by length even when the padded words are equal.
        let k = PieceKey::new(b"ab\0").unwrap_or_else(|| unreachable!());
        assert_eq!(t.id(&k), None);
    }
}
