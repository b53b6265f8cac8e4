//! Byte-level BPE straight from raw bytes: merges one pre-token piece without building its mapped
//! string, through a per-thread cache of pieces merged before. The cache belongs to the model: it is
//! keyed by the `Bpe` it serves and cleared when another one uses the thread. The fused byte-level
//! paths (`tokenizer::fast_byte_level`) reach BPE only through `with_merger`.

use super::bpe::with_word;
use super::bpe_merge::Word;
use super::bpe_pieces::{PieceKey, Reach};
use super::Bpe;
use crate::kernel::BYTE_TO_CHAR;
use std::cell::RefCell;
use std::hash::BuildHasher;

/// Per-thread cache of the short pieces that merge into several tokens (single-token pieces are served
/// by the vocabulary's `PieceTable`): two-way sets, most recent first, fixed size so it never grows.
const SET_BITS: u32 = 13;
const TOK_MAX: usize = 8;

#[derive(Clone, Copy, Default)]
struct Entry {
    key: [u64; 2],
    /// Piece length; 0 marks an empty slot.
    klen: u8,
    n: u8,
    ends: [u8; TOK_MAX],
    ids: [u32; TOK_MAX],
}

impl Entry {
    #[inline]
    fn matches(&self, k: &PieceKey) -> bool {
        self.klen == k.len && self.key == k.words
    }
}

/// Pieces the fixed entries cannot hold (longer than `KEY_MAX` bytes or more than `TOK_MAX` tokens),
/// up to `LONG_KEY_MAX` bytes: their merges are the costly ones. A piece is stored the second time it
/// is merged (a bitset of hashes remembers the first), so a text of unique long words does not pay for
/// filling the map; the map and the bitset are cleared together when it is full.
const LONG_KEY_MAX: usize = 128;
const LONG_ENTRIES: usize = 1024;
const SEEN_BITS: u32 = 16;

/// Tokens of a piece as (id, end byte).
type Toks = Box<[(u32, u32)]>;

#[derive(Default)]
struct LongCache {
    map: rustc_hash::FxHashMap<Box<[u8]>, Toks>,
    seen: Vec<u64>,
}

impl LongCache {
    fn clear(&mut self) {
        self.map.clear();
        self.seen.clear();
    }

    fn get(&self, piece: &[u8]) -> Option<&[(u32, u32)]> {
        self.map.get(piece).map(|t| &**t)
    }

    /// Store `toks` for `piece` if this is the second time it was merged.
    fn admit(&mut self, piece: &[u8], toks: &[(u32, u32)]) {
        if piece.len() > LONG_KEY_MAX {
            return;
        }
        if self.seen.is_empty() {
            self.seen.resize(1 << (SEEN_BITS - 6), 0);
        }
        let h = rustc_hash::FxBuildHasher.hash_one(piece) >> (64 - SEEN_BITS);
        let (word, bit) = ((h >> 6) as usize, 1u64 << (h & 63));
        let Some(w) = self.seen.get_mut(word) else {
            return;
        };
        if *w & bit == 0 {
            *w |= bit;
            return;
        }
        if self.map.len() >= LONG_ENTRIES {
            self.clear();
        }
        self.map.insert(piece.into(), toks.into());
    }
}

struct Cache {
    owner: u64,
    slots: Vec<Entry>,
    long: LongCache,
    /// The tokens of the piece being merged, as (id, end).
    scratch: Vec<(u32, u32)>,
}

impl Cache {
    fn for_bpe(&mut self, bpe: &Bpe) {
        // `ignore_merges` is a public field a clone may change: it is part of the identity.
        let owner = bpe.cache_id() * 2 + u64::from(bpe.ignore_merges);
        if self.owner != owner || self.slots.is_empty() {
            self.owner = owner;
            self.slots.clear();
            self.slots.resize(2 << SET_BITS, Entry::default());
            self.long.clear();
        }
    }

    #[inline]
    fn set(&mut self, k: &PieceKey) -> Option<&mut [Entry]> {
        let i = (k.hash >> (64 - SET_BITS)) as usize * 2;
        self.slots.get_mut(i..i + 2)
    }

    /// The entry for `k`, moved to the front of its set.
    #[inline]
    fn get(&mut self, k: &PieceKey) -> Option<Entry> {
        let set = self.set(k)?;
        if set.first()?.matches(k) {
            return set.first().copied();
        }
        if set.get(1)?.matches(k) {
            set.swap(0, 1);
            return set.first().copied();
        }
        None
    }

    #[inline]
    fn insert(&mut self, e: Entry, k: &PieceKey) {
        if let Some(set) = self.set(k) {
            set.swap(0, 1);
            if let Some(first) = set.first_mut() {
                *first = e;
            }
        }
    }
}

thread_local! {
    static CACHE: RefCell<Cache> = RefCell::new(Cache {
        owner: 0,
        slots: Vec::new(),
        long: LongCache::default(),
        scratch: Vec::new(),
    });
}

/// Merge one piece given as raw bytes: one byte, a whole vocabulary token, a cached piece, or merged.
#[inline]
fn merge_piece(
    bpe: &Bpe,
    piece: &[u8],
    key_of_piece: Option<PieceKey>,
    w: &mut Word,
    key: &mut String,
    cache: Option<&mut Cache>,
    mut emit: impl FnMut(u32, usize, usize),
) {
    if let [b] = piece {
        emit(bpe.byte_id(*b), 0, 1);
        return;
    }
    let Some(k) = key_of_piece else {
        return match cache {
            Some(c) => merge_cached(bpe, piece, w, key, c, None, emit),
            None => merge_uncached(bpe, piece, w, key, emit),
        };
    };
    let table = bpe.piece_table();
    if bpe.ignore_merges {
        if let Some(id) = table.id(&k) {
            return emit(id, 0, piece.len());
        }
    } else {
        match table.find(&k) {
            Reach::Single(id) => return emit(id, 0, piece.len()),
            Reach::Unknown(id, slot) => {
                let mut single = true;
                let mut n = 0;
                merge_uncached(bpe, piece, w, key, |t, s, e| {
                    single &= n == 0 && t == id;
                    n += 1;
                    emit(t, s, e);
                });
                slot.settle(single);
                return;
            }
            Reach::Other => {}
        }
    }
    let Some(cache) = cache else {
        return merge_uncached(bpe, piece, w, key, emit);
    };
    if let Some(e) = cache.get(&k) {
        let mut start = 0;
        for (&id, &end) in e.ids.iter().zip(&e.ends).take(e.n as usize) {
            emit(id, start, end as usize);
            start = end as usize;
        }
        return;
    }
    merge_cached(bpe, piece, w, key, cache, Some(&k), emit)
}

/// A piece the fixed entries do not have: from the map of long pieces, or merged and then stored (in a
/// fixed entry when `short` is its key and it fits, else offered to the long map).
fn merge_cached(
    bpe: &Bpe,
    piece: &[u8],
    w: &mut Word,
    key: &mut String,
    cache: &mut Cache,
    short: Option<&PieceKey>,
    mut emit: impl FnMut(u32, usize, usize),
) {
    let toks = match cache.long.get(piece) {
        Some(t) => t,
        None => {
            cache.scratch.clear();
            let toks = &mut cache.scratch;
            merge_uncached(bpe, piece, w, key, |id, _, end| toks.push((id, end as u32)));
            match short {
                Some(k) if cache.scratch.len() <= TOK_MAX => {
                    let mut e = Entry {
                        key: k.words,
                        klen: k.len,
                        n: cache.scratch.len() as u8,
                        ..Entry::default()
                    };
                    let slots = e.ids.iter_mut().zip(&mut e.ends);
                    for ((i, x), &(id, end)) in slots.zip(&cache.scratch) {
                        *i = id;
                        *x = end as u8;
                    }
                    cache.insert(e, k);
                }
                _ => cache.long.admit(piece, &cache.scratch),
            }
            &cache.scratch
        }
    };
    let mut start = 0;
    for &(id, end) in toks {
        emit(id, start, end as usize);
        start = end as usize;
    }
}

/// Merge one piece given as raw bytes; calls `emit(id, start, end)` with byte ranges in the piece.
#[inline]
fn merge_uncached(
    bpe: &Bpe,
    piece: &[u8],
    w: &mut Word,
    key: &mut String,
    mut emit: impl FnMut(u32, usize, usize),
) {
    if bpe.ignore_merges {
        key.clear();
        key.extend(piece.iter().map(|&b| BYTE_TO_CHAR[b as usize]));
        if let Some(id) = bpe.word_id(key) {
            emit(id, 0, piece.len());
            return;
        }
    }
    w.clear();
    for &b in piece {
        w.push(bpe.byte_id(b), 1);
    }
    w.merge_all(bpe.merge_table());
    for (id, s, e) in w.tokens() {
        emit(id, s as usize, e as usize);
    }
}

/// Merges byte-level pieces for one `Bpe` with this thread's cache and word buffer.
pub struct PieceMerger<'a> {
    bpe: &'a Bpe,
    w: &'a mut Word,
    key: &'a mut String,
    /// `None` when a caller up the stack holds this thread's cache: merge without it.
    cache: Option<&'a mut Cache>,
}

impl PieceMerger<'_> {
    /// Merge `piece` (raw bytes; `k` its key when it has one), calling `emit(id, start, end)` with
    /// byte ranges in the piece.
    #[inline]
    pub fn merge(
        &mut self,
        piece: &[u8],
        k: Option<PieceKey>,
        emit: impl FnMut(u32, usize, usize),
    ) {
        let cache = self.cache.as_deref_mut();
        merge_piece(self.bpe, piece, k, self.w, self.key, cache, emit)
    }
}

/// Run `f` with a merger for `bpe`; `key` is scratch space for `ignore_merges` lookups.
pub fn with_merger<R>(bpe: &Bpe, key: &mut String, f: impl FnOnce(&mut PieceMerger<'_>) -> R) -> R {
    CACHE.with(|cell| {
        with_word(|w| {
            let mut cache = cell.try_borrow_mut().ok();
            if let Some(c) = cache.as_deref_mut() {
                c.for_bpe(bpe);
            }
            let mut merger = PieceMerger {
                bpe,
                w,
                key,
                cache: cache.as_deref_mut(),
            };
            f(&mut merger)
        })
    })
}
