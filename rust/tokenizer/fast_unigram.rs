//! Fused SentencePiece path: `[Precompiled]` + `WhitespaceSplit` + `Metaspace(always)` + Unigram, the
//! pipeline transformers builds for T5, XLM-R, ALBERT, XLNet, CamemBERT and friends; or with
//! `Split(" +", Removed)` in place of `WhitespaceSplit`, the `sentencepiece` library's cut at ASCII spaces
//! only (the classes transformers runs through that library in Python: M2M100, Marian, GPT-SW3, ...).
//!
//! The generic chain builds a `NormalizedString` (one alignment entry per byte) for every word. Here the
//! text is normalized once per segment, and only when the charsmap changes something (most text maps to
//! itself), with its alignment kept as runs (`Precompiled::normalize_runs`); words are cut at whitespace, the replacement char is put in front in a reused buffer and
//! Viterbi runs on it. Offsets follow the generic chain: the prepended char takes the range of the word's
//! first char. The caller only takes this path for text without the replacement char (a literal `▁`
//! splits words inside Metaspace) and for charsmaps that never produce it.

use crate::error::Result;
use crate::kernel::{NormalizedString, Token, TokenBuffer};
use crate::models::Unigram;
use crate::normalizers::{Precompiled, Runs};
use std::cell::RefCell;

thread_local! {
    /// The current word with its prefix, and the model's tokens for it: reused, no allocation per word.
    static SCRATCH: RefCell<(String, Vec<Token>)> = const { RefCell::new((String::new(), Vec::new())) };
    /// The normalized segment and its alignment runs, reused.
    static NORM: RefCell<(String, Runs)> = RefCell::new((String::new(), Runs::default()));
}

#[inline]
fn is_ws(c: char) -> bool {
    c.is_whitespace()
}

/// Bytes that can start a whitespace char: ASCII `\t`..`\r` and space, and the lead bytes of U+0085,
/// U+00A0 (C2), U+1680 (E1), U+2000 – U+205F (E2) and U+3000 (E3). Continuation bytes never are.
const MAY_START_WS: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0x09;
    while b <= 0x0D {
        t[b] = true;
        b += 1;
    }
    t[0x20] = true;
    t[0xC2] = true;
    t[0xE1] = true;
    t[0xE2] = true;
    t[0xE3] = true;
    t
};

/// Whether a whitespace char starts at byte `i` (a char boundary whose lead byte is in `MAY_START_WS`):
/// the UTF-8 of U+0085, U+00A0, U+1680, U+2000 – U+200A, U+2028, U+2029, U+202F, U+205F and U+3000
/// compared as bytes, so that the kana and CJK punctuation sharing those lead bytes are not decoded.
#[inline]
fn ws_at(bytes: &[u8], i: usize) -> bool {
    matches!(
        bytes.get(i..).unwrap_or_default(),
        [0x09..=0x0D | 0x20, ..]
            | [0xC2, 0x85 | 0xA0, ..]
            | [0xE1, 0x9A, 0x80, ..]
            | [0xE2, 0x80, 0x80..=0x8A | 0xA8 | 0xA9 | 0xAF, ..]
            | [0xE2, 0x81, 0x9F, ..]
            | [0xE3, 0x80, 0x80, ..]
    )
}

/// Byte offset of the first whitespace char of `text` at or after `from` (a char boundary), or the
/// text's length: one table load per byte, the bytes after it compared only at a possible lead byte.
#[inline]
fn find_ws(text: &str, from: usize) -> usize {
    let bytes = text.as_bytes();
    let mut i = from;
    while let Some(&b) = bytes.get(i) {
        if MAY_START_WS[b as usize] && ws_at(bytes, i) {
            return i;
        }
        i += 1;
    }
    bytes.len()
}

/// Encode one segment (text between added tokens) that starts at byte `base` of the caller's text.
/// `cut`: the replacement char put before each word, and whether words are cut at ASCII spaces only
/// (else at every whitespace char).
pub fn encode_segment(
    norm: Option<&Precompiled>,
    cut: (char, bool),
    model: &Unigram,
    text: &str,
    base: usize,
    word: &mut u32,
    out: &mut TokenBuffer,
) -> Result<()> {
    NORM.with(|cell| {
        let mut fresh = (String::new(), Runs::default());
        let mut guard = cell.try_borrow_mut();
        let (text_buf, runs) = match guard.as_mut() {
            Ok(g) => {
                let g = &mut **g;
                (&mut g.0, &mut g.1)
            }
            Err(_) => (&mut fresh.0, &mut fresh.1),
        };
        let (replacement, spaces_only) = cut;
        let words = |text: &str, align: Align<'_>, word: &mut u32, out: &mut TokenBuffer| {
            if spaces_only {
                encode_words::<true>(replacement, model, text, align, word, out)
            } else {
                encode_words::<false>(replacement, model, text, align, word, out)
            }
        };
        let Some((p, first)) = norm.and_then(|p| Some((p, p.first_change(text)?))) else {
            return words(text, Align::Same(base), word, out);
        };
        if p.normalize_runs(text, first, base, text_buf, runs) {
            return words(text_buf, Align::Runs(runs), word, out);
        }
        let mut ns = NormalizedString::from_original(text, base);
        p.normalize_from(&mut ns, first)?;
        let align = Align::Bytes(ns.alignments(), base);
        words(ns.as_str(), align, word, out)
    })
}

/// Where normalized bytes come from in the original text.
enum Align<'a> {
    /// Unchanged text at this byte of the original.
    Same(usize),
    Runs(&'a Runs),
    /// One range per byte; the base gives the offsets of an empty text.
    Bytes(&'a [crate::kernel::Align], usize),
}

impl Align<'_> {
    /// Original range of normalized bytes `s..e` (non-empty).
    #[inline]
    fn orig(&self, s: usize, e: usize) -> (usize, usize) {
        match *self {
            Align::Same(base) => (base + s, base + e),
            Align::Runs(r) => r.orig(s, e),
            Align::Bytes(a, base) => (
                a.get(s).map_or(base, |x| x.0 as usize),
                a.get(e - 1).map_or(base, |x| x.1 as usize),
            ),
        }
    }
}

/// Cut normalized `text` into words (at ASCII spaces only when `SPACES`, else at every whitespace char)
/// and encode them.
fn encode_words<const SPACES: bool>(
    replacement: char,
    model: &Unigram,
    text: &str,
    align: Align<'_>,
    word: &mut u32,
    out: &mut TokenBuffer,
) -> Result<()> {
    let mut rep_buf = [0u8; 4];
    let rep: &str = replacement.encode_utf8(&mut rep_buf);
    let shift = rep.len();
    let unk = model.unk_id;
    SCRATCH.with(|cell| {
        let mut fresh = (String::new(), Vec::new());
        let mut guard = cell.try_borrow_mut();
        let (buf, toks) = match guard.as_mut() {
            Ok(g) => {
                let g = &mut **g;
                (&mut g.0, &mut g.1)
            }
            Err(_) => (&mut fresh.0, &mut fresh.1),
        };
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() && !out.full() {
            // Skip whitespace (spaces), then take the word up to the next whitespace (space).
            let rest = text.get(i..).unwrap_or_default();
            let start = if SPACES {
                rest.bytes().position(|b| b != b' ')
            } else {
                rest.find(|c: char| !is_ws(c))
            };
            let Some(start) = start.map(|k| i + k) else {
                break;
            };
            let end = if SPACES {
                text.get(start..)
                    .and_then(|w| w.find(' '))
                    .map_or(text.len(), |k| start + k)
            } else {
                find_ws(text, start)
            };
            i = end;
            let w = text.get(start..end).unwrap_or_default();
            let first_len = w.chars().next().map_or(0, char::len_utf8);
            buf.clear();
            buf.push_str(rep);
            buf.push_str(w);
            toks.clear();
            model.tokenize(buf, toks)?;
            // Word byte `k` of `buf` → normalized byte; the prefix maps to the word's first char.
            for t in toks.iter() {
                let (s, e) = (t.offsets.0 as usize, t.offsets.1 as usize);
                let ns = if s < shift { start } else { start + s - shift };
                let ne = if e <= shift {
                    start + first_len
                } else {
                    start + e - shift
                };
                if Some(t.id) == unk {
                    if let Some(piece) = buf.get(s..e) {
                        if Some(piece) != model.id_to_token(t.id) {
                            out.texts.push((out.len(), piece.to_string()));
                        }
                    }
                }
                out.push(t.id, align.orig(ns, ne), Some(*word));
            }
            *word += 1;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tokenizer with the `sentencepiece` library's cut (`Split(" +")` + Metaspace), fast paths on or off.
    fn spaces_only(fast: bool) -> crate::tokenizer::Tokenizer {
        let doc = serde_json::json!({
            "normalizer": null,
            "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
                {"type": "Split", "pattern": {"Regex": " +"}, "behavior": "Removed", "invert": false},
                {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "always", "split": true}
            ]},
            "model": {"type": "Unigram", "unk_id": 0, "byte_fallback": false, "vocab": [
                ["<unk>", 0.0], ["▁", -2.0], ["▁a", -1.0], ["a", -1.5], ["b", -1.5], ["\t", -3.0],
                ["\u{85}", -3.0], ["▁ab", -1.2], ["\u{3000}", -3.0]
            ]}
        });
        let text = doc.to_string();
        let mut t = match crate::tokenizer::Tokenizer::from_json_str(&text) {
            Ok(t) => t,
            Err(e) => panic!("{e}"),
        };
        t.set_fast_paths(fast);
        t
    }

    #[test]
    fn spaces_only_cut_matches_the_generic_chain() {
        let (fast, slow) = (spaces_only(true), spaces_only(false));
        let opts = crate::tokenizer::test_options();
        for text in [
            "ab a\tb  a\u{85}b ",
            "  a\u{3000}\u{3000}b\u{2028}a\n",
            "\t",
            "",
            "   ",
            "b a  ab\u{a0}ab",
        ] {
            let enc = |t: &crate::tokenizer::Tokenizer| {
                t.encode(crate::tokenizer::InputSequence::Raw(text), None, &opts)
                    .unwrap_or_else(|e| panic!("{e}"))
            };
            let (a, b) = (enc(&fast), enc(&slow));
            assert_eq!(a.ids, b.ids, "{text:?}");
            assert_eq!(a.offsets, b.offsets, "{text:?}");
            assert_eq!(a.word_ids, b.word_ids, "{text:?}");
            assert_eq!(a.texts, b.texts, "{text:?}");
        }
        // A tab stays inside the word: one word, not two.
        let e = fast
            .encode(crate::tokenizer::InputSequence::Raw("a\tb"), None, &opts)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(e.word_ids, [Some(0), Some(0), Some(0)]);
    }

    #[test]
    fn ws_at_agrees_with_char_is_whitespace_on_every_char() {
        let mut buf = [0u8; 4];
        for c in (0..0x11_0000u32).filter_map(char::from_u32) {
            let b = c.encode_utf8(&mut buf).as_bytes();
            let seen = MAY_START_WS[b[0] as usize] && ws_at(b, 0);
            assert_eq!(seen, c.is_whitespace(), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn find_ws_agrees_with_char_is_whitespace() {
        // Every whitespace char and its neighbours, after multi-byte chars sharing their lead bytes.
        let ws: Vec<char> = (0..0x1_0000u32)
            .filter_map(char::from_u32)
            .filter(|c| c.is_whitespace())
            .collect();
        let mut text = String::from("a東");
        for &c in &ws {
            for n in [c as u32 - 1, c as u32 + 1, 0x3041, 0x2010] {
                text.extend(char::from_u32(n).filter(|x| !x.is_whitespace()));
            }
            text.push(c);
        }
        text.push('ぁ');
        let want = |from: usize| {
            text.get(from..)
                .unwrap_or_default()
                .find(is_ws)
                .map_or(text.len(), |k| from + k)
        };
        for (i, _) in text.char_indices() {
            assert_eq!(find_ws(&text, i), want(i), "from byte {i}");
        }
        assert_eq!(find_ws(&text, text.len()), text.len());
    }
}
