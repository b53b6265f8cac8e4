//! Fused fast path for ByteLevel(use_regex) + byte-level BPE over a raw text segment: splits with the
//! hand-written GPT-2 matcher and merges straight from bytes, without building mapped strings.
//! It gives exactly what the generic path (`ByteLevel::pre_tokenize` + `Bpe::tokenize`) gives.

use crate::error::Result;
use crate::models::bpe::with_word;
use crate::models::bpe_merge::Word;
use crate::models::{Bpe, TokenBuffer};
use crate::normalizers::NormalizedString;
use crate::pre_tokenizers::byte_level::BYTE_TO_CHAR;
use crate::pre_tokenizers::gpt2_split;
use crate::pre_tokenizers::{ByteLevel, PreTokenizedString};
use std::cell::RefCell;

/// Direct-mapped per-thread cache of short pieces → tokens; fixed size, so it never grows.
const SLOTS_BITS: u32 = 15;
const KEY_MAX: usize = 16;
const TOK_MAX: usize = 4;

#[derive(Clone, Copy, Default)]
struct Entry {
    key: [u64; 2],
    /// Piece length; 0 marks an empty slot.
    klen: u8,
    n: u8,
    ends: [u8; TOK_MAX],
    ids: [u32; TOK_MAX],
}

struct Cache {
    owner: u64,
    slots: Vec<Entry>,
}

impl Cache {
    fn for_bpe(&mut self, bpe: &Bpe) {
        // `ignore_merges` is a public field a clone may change: it is part of the identity.
        let owner = bpe.cache_id() * 2 + u64::from(bpe.ignore_merges);
        if self.owner != owner || self.slots.is_empty() {
            self.owner = owner;
            self.slots.clear();
            self.slots.resize(1 << SLOTS_BITS, Entry::default());
        }
    }
}

/// Piece bytes as two zero-padded words, and the slot they hash to.
#[inline]
fn cache_key(piece: &[u8]) -> ([u64; 2], usize) {
    let mut buf = [0u8; KEY_MAX];
    let n = piece.len().min(KEY_MAX);
    buf[..n].copy_from_slice(&piece[..n]);
    let (lo, hi) = buf.split_at(8);
    let lo = u64::from_le_bytes(lo.try_into().unwrap_or_default());
    let hi = u64::from_le_bytes(hi.try_into().unwrap_or_default());
    let h = (lo ^ hi.rotate_left(29) ^ n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    ([lo, hi], (h >> (64 - SLOTS_BITS)) as usize)
}

thread_local! {
    static CACHE: RefCell<Cache> = const { RefCell::new(Cache { owner: 0, slots: Vec::new() }) };
}

thread_local! {
    /// Reused buffer for the prefixed text and for `ignore_merges` lookups.
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

/// Merge one piece given as raw bytes, through the cache for short pieces.
#[inline]
fn merge_piece(
    bpe: &Bpe,
    piece: &[u8],
    w: &mut Word,
    key: &mut String,
    cache: Option<&mut Cache>,
    mut emit: impl FnMut(u32, usize, usize),
) {
    if let [b] = piece {
        emit(bpe.byte_id(*b), 0, 1);
        return;
    }
    let Some(cache) = cache.filter(|_| piece.len() <= KEY_MAX) else {
        return merge_uncached(bpe, piece, w, key, emit);
    };
    let (k, slot) = cache_key(piece);
    if let Some(e) = cache.slots.get(slot) {
        if e.klen as usize == piece.len() && e.key == k {
            let mut start = 0;
            for (&id, &end) in e.ids.iter().zip(&e.ends).take(e.n as usize) {
                emit(id, start, end as usize);
                start = end as usize;
            }
            return;
        }
    }
    let mut e = Entry {
        key: k,
        klen: piece.len() as u8,
        ..Entry::default()
    };
    let mut fits = true;
    merge_uncached(bpe, piece, w, key, |id, s, end| {
        match (e.ids.get_mut(e.n as usize), e.ends.get_mut(e.n as usize)) {
            (Some(i), Some(x)) => {
                *i = id;
                *x = end as u8;
                e.n += 1;
            }
            _ => fits = false,
        }
        emit(id, s, end);
    });
    if let (true, Some(slot)) = (fits, cache.slots.get_mut(slot)) {
        *slot = e;
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
    TEXT.with(|cell| {
        let mut guard = cell.try_borrow_mut();
        let mut local = (String::new(), String::new());
        let (buf, key) = match guard.as_mut() {
            Ok(g) => {
                let g: &mut (String, String) = g;
                (&mut g.0, &mut g.1)
            }
            Err(_) => (&mut local.0, &mut local.1),
        };
        let v: &str = if prefixed {
            buf.clear();
            buf.push(' ');
            buf.push_str(text);
            buf
        } else {
            text
        };
        let shift = usize::from(prefixed);
        let t = text.as_bytes();
        CACHE.with(|cache_cell| {
            with_word(|w| {
                let mut cache = cache_cell.try_borrow_mut().ok();
                if let Some(c) = cache.as_deref_mut() {
                    c.for_bpe(bpe);
                }
                let mut emit_piece = |a: usize, b: usize| {
                    let piece = v.as_bytes().get(a..b).unwrap_or_default();
                    let wi = *word;
                    merge_piece(bpe, piece, w, key, cache.as_deref_mut(), |id, s, e| {
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
                };
                if pre.use_regex {
                    for (a, b) in gpt2_split::pieces(v) {
                        emit_piece(a, b);
                    }
                } else {
                    emit_piece(0, v.len());
                }
            })
        });
        Ok(())
    })
}

/// Byte-level BPE over pieces of `text` that the caller already split (e.g. a Split regex followed by
/// ByteLevel(use_regex=false, add_prefix_space=false)); each piece is one word.
pub fn encode_pieces(
    bpe: &Bpe,
    text: &str,
    pieces: impl IntoIterator<Item = (usize, usize)>,
    base: usize,
    word: &mut u32,
    out: &mut TokenBuffer,
) -> Result<()> {
    let pre = ByteLevel {
        add_prefix_space: false,
        trim_offsets: false,
        use_regex: false,
    };
    for (a, b) in pieces {
        let piece = text.get(a..b).ok_or_else(|| {
            crate::error::Error::Internal(format!("piece {a}..{b} is not on char boundaries"))
        })?;
        encode_segment(&pre, bpe, piece, base + a, word, out)?;
    }
    Ok(())
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
