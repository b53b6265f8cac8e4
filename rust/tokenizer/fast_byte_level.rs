//! Fused fast path for ByteLevel(use_regex) + byte-level BPE over a raw text segment: splits with the
//! hand-written GPT-2 matcher and merges straight from bytes, without building mapped strings.
//! It gives exactly what the generic path (`ByteLevel::pre_tokenize` + `Bpe::tokenize`) gives.

use crate::error::Result;
use crate::kernel::{gpt2_split, NormalizedString, PreTokenizedString, TokenBuffer, BYTE_TO_CHAR};
use crate::models::bpe::with_word;
use crate::models::bpe_merge::Word;
use crate::models::bpe_pieces::{PieceKey, Reach};
use crate::models::Bpe;
use crate::pre_tokenizers::ByteLevel;
use std::cell::RefCell;
use std::hash::BuildHasher;

/// Pieces split (and prefetched) ahead of the one being merged.
const AHEAD: usize = 16;

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

thread_local! {
    /// Reused buffers for the prefixed text and for `ignore_merges` lookups.
    static TEXT: RefCell<(String, String)> = const { RefCell::new((String::new(), String::new())) };
}

#[inline]
fn is_continuation(b: u8) -> bool {
    (b & 0xC0) == 0x80
}

/// Start of the char holding byte `i` of `t`.
#[inline]
fn char_start(t: &[u8], mut i: usize) -> usize {
    while i > 0 && t.get(i).is_some_and(|&b| is_continuation(b)) {
        i -= 1;
    }
    i
}

/// End of the char holding byte `end - 1` of `t` (`end` exclusive).
#[inline]
fn char_end(t: &[u8], mut end: usize) -> usize {
    while t.get(end).is_some_and(|&b| is_continuation(b)) {
        end += 1;
    }
    end
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

/// Tokenize `text` (starting at byte `base` of the original input) the way ByteLevel then BPE would,
/// appending ids, absolute original offsets and word indices (one word per pre-token piece).
pub fn encode_segment(
    pre: &ByteLevel,
    bpe: &Bpe,
    text: &str,
    base: usize,
    word: &mut u32,
    out: &mut TokenBuffer,
) -> Result<()> {
    if text.is_empty() {
        return Ok(());
    }
    if !bpe.byte_ids_complete() {
        return encode_generic(pre, bpe, text, base, word, out);
    }
    let prefixed = pre.add_prefix_space && !text.starts_with(' ');
    // About one token per 3-4 bytes of text: reserve once instead of growing three vectors.
    let want = text.len() / 3 + 1;
    out.ids.reserve(want);
    out.offsets.reserve(want);
    out.words.reserve(want);
    with_text(|buf, key| {
        let v: &str = if prefixed {
            buf.clear();
            buf.push(' ');
            buf.push_str(text);
            buf
        } else {
            text
        };
        let shift = usize::from(prefixed);
        let at = Place { base, word, out };
        if pre.use_regex {
            encode_ranges(bpe, v, text, shift, at, key, gpt2_split::pieces(v));
        } else {
            encode_ranges(bpe, v, text, shift, at, key, std::iter::once((0, v.len())));
        }
    });
    Ok(())
}

/// Byte-level BPE over pieces of `text` that the caller already split (e.g. a Split regex followed by
/// ByteLevel(use_regex=false, add_prefix_space=false)); each non-empty piece is one word.
pub fn encode_pieces(
    bpe: &Bpe,
    text: &str,
    pieces: impl IntoIterator<Item = (usize, usize)>,
    base: usize,
    word: &mut u32,
    out: &mut TokenBuffer,
) -> Result<()> {
    let mut bad = None;
    let pieces = pieces
        .into_iter()
        .filter(|(a, b)| a < b)
        .map_while(|(a, b)| {
            let ok = text.is_char_boundary(a) && text.is_char_boundary(b) && b <= text.len();
            if !ok {
                bad = Some((a, b));
            }
            ok.then_some((a, b))
        });
    if bpe.byte_ids_complete() {
        with_text(|_, key| {
            encode_ranges(bpe, text, text, 0, Place { base, word, out }, key, pieces)
        });
    } else {
        let pre = ByteLevel {
            add_prefix_space: false,
            trim_offsets: false,
            use_regex: false,
        };
        for (a, b) in pieces {
            let piece = text.get(a..b).unwrap_or_default();
            encode_generic(&pre, bpe, piece, base + a, word, out)?;
        }
    }
    match bad {
        Some((a, b)) => Err(crate::error::Error::Internal(format!(
            "piece {a}..{b} is not on char boundaries"
        ))),
        None => Ok(()),
    }
}

/// Where tokens go: original offset of the text, the running word index, the buffer.
struct Place<'a> {
    base: usize,
    word: &'a mut u32,
    out: &'a mut TokenBuffer,
}

/// This thread's reused buffers (the prefixed text, the `ignore_merges` key), or fresh ones when a
/// caller up the stack holds them.
fn with_text<R>(f: impl FnOnce(&mut String, &mut String) -> R) -> R {
    TEXT.with(|cell| match cell.try_borrow_mut() {
        Ok(mut g) => {
            let (buf, key) = &mut *g;
            f(buf, key)
        }
        Err(_) => f(&mut String::new(), &mut String::new()),
    })
}

/// Merge the pieces `ranges` of `v` (which is `text`, or `text` after `shift` bytes of added prefix
/// space) and push their tokens with offsets in `text`, one word per piece. Stops early once `out`
/// is full.
fn encode_ranges(
    bpe: &Bpe,
    v: &str,
    text: &str,
    shift: usize,
    at: Place<'_>,
    key: &mut String,
    mut ranges: impl Iterator<Item = (usize, usize)>,
) {
    let Place { base, word, out } = at;
    let t = text.as_bytes();
    CACHE.with(|cache_cell| {
        with_word(|w| {
            let mut cache = cache_cell.try_borrow_mut().ok();
            if let Some(c) = cache.as_deref_mut() {
                c.for_bpe(bpe);
            }
            let mut emit_piece = |a: usize, b: usize, k: Option<PieceKey>| {
                let piece = v.as_bytes().get(a..b).unwrap_or_default();
                let wi = *word;
                merge_piece(bpe, piece, k, w, key, cache.as_deref_mut(), |id, s, e| {
                    let (vs, ve) = (a + s, a + e);
                    let start = if vs < shift {
                        0
                    } else {
                        char_start(t, vs - shift)
                    };
                    // The added prefix space takes the first char's range, as in Hugging Face.
                    let end = if ve <= shift {
                        char_end(t, 1.min(t.len()))
                    } else {
                        char_end(t, ve - shift)
                    };
                    out.push(id, (base + start, base + end), Some(wi));
                });
                *word += 1;
                out.full()
            };
            // Pieces in groups, their table slots prefetched before any is looked up.
            let table = bpe.piece_table();
            let mut group = [(0usize, 0usize, None::<PieceKey>); AHEAD];
            loop {
                let mut n = 0;
                for (slot, (a, b)) in group.iter_mut().zip(ranges.by_ref()) {
                    // One-byte pieces are served by the byte table: no key, no probe.
                    let k = if b > a + 1 {
                        v.as_bytes().get(a..b).and_then(PieceKey::new)
                    } else {
                        None
                    };
                    if let Some(k) = &k {
                        table.prefetch(k);
                    }
                    *slot = (a, b, k);
                    n += 1;
                }
                let mut full = false;
                for &(a, b, k) in group.iter().take(n) {
                    if emit_piece(a, b, k) {
                        full = true;
                        break;
                    }
                }
                if n < AHEAD || full {
                    break;
                }
            }
        })
    });
}

/// The unfused path, for vocabularies the byte tables cannot serve (and the reference in tests).
pub fn encode_generic(
    pre: &ByteLevel,
    bpe: &Bpe,
    text: &str,
    base: usize,
    word: &mut u32,
    out: &mut TokenBuffer,
) -> Result<()> {
    let mut pts = PreTokenizedString::from_normalized(NormalizedString::from_original(text, base));
    pre.pre_tokenize(&mut pts)?;
    let mut toks = Vec::new();
    for split in &pts.splits {
        toks.clear();
        bpe.tokenize(split.normalized.as_str(), &mut toks)?;
        for t in &toks {
            let r = split
                .normalized
                .original_range(t.offsets.0 as usize..t.offsets.1 as usize);
            out.push(t.id, r, Some(*word));
        }
        *word += 1;
    }
    Ok(())
}

#[cfg(test)]
#[path = "fast_byte_level_tests.rs"]
mod tests;
