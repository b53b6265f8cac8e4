//! Fused fast path for ByteLevel(use_regex) + byte-level BPE over a raw text segment: splits with the
//! hand-written GPT-2 matcher and merges straight from bytes, without building mapped strings.
//! It gives exactly what the generic path (`ByteLevel::pre_tokenize` + `Bpe::tokenize`) gives.

use crate::error::Result;
use crate::kernel::{gpt2_split, NormalizedString, PreTokenizedString, TokenBuffer};
use crate::models::bpe_bytes::with_merger;
use crate::models::bpe_pieces::PieceKey;
use crate::models::Bpe;
use crate::pre_tokenizers::ByteLevel;
use std::cell::RefCell;

/// Pieces split (and prefetched) ahead of the one being merged.
const AHEAD: usize = 16;

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
    with_merger(bpe, key, |merger| {
        let mut emit_piece = |a: usize, b: usize, k: Option<PieceKey>| {
            let piece = v.as_bytes().get(a..b).unwrap_or_default();
            let wi = *word;
            merger.merge(piece, k, |id, s, e| {
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
    super::tokenize::push_words(&pts, word, out, |w, toks| bpe.tokenize(w, toks))
}

#[cfg(test)]
#[path = "fast_byte_level_tests.rs"]
mod tests;
