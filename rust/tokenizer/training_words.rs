//! Training words of common pipelines, cut without the generic normalize/pre-tokenize chain: training
//! needs the words only, not their alignments to the input, so these work on plain strings and
//! allocate nothing per word. Each gives exactly the generic chain's words (tested against it in
//! `training.rs`).

use crate::kernel::bert_chars::{
    decompose, is_cjk, is_nonspacing_mark, is_punct, is_removed, ASCII_CLASS, A_PUNCT, A_REMOVED,
    A_SPACE,
};
use crate::kernel::gpt2_split;
use crate::kernel::unicode9::canonical_combining_class;
use crate::normalizers::BertNormalizer;
use crate::pre_tokenizers::ByteLevel;
use std::cell::RefCell;
use std::sync::OnceLock;

/// GPT-2's pieces of `text` before the byte-to-char mapping (with the prefix space when asked).
pub fn byte_level_raw_words(b: &ByteLevel, text: &str, each: &mut dyn FnMut(&str)) {
    if text.is_empty() {
        return;
    }
    let prefixed;
    let v = if b.add_prefix_space && !text.starts_with(' ') {
        prefixed = format!(" {text}");
        prefixed.as_str()
    } else {
        text
    };
    if !b.use_regex {
        return each(v);
    }
    for (a, e) in gpt2_split::pieces(v) {
        if let Some(w) = v.get(a..e) {
            each(w);
        }
    }
}

/// BERT's words (BertNormalizer with `clean_text`, then BertPreTokenizer) of `text`.
pub fn bert_words(n: &BertNormalizer, text: &str, each: &mut dyn FnMut(&str)) {
    if text.is_ascii() {
        return bert_ascii_words(n.lowercase, text, each);
    }
    thread_local! {
        static BUFFERS: RefCell<(String, Vec<char>)> = const { RefCell::new((String::new(), Vec::new())) };
    }
    BUFFERS.with(|cell| match cell.try_borrow_mut() {
        Ok(mut bufs) => {
            let (normalized, marks) = &mut *bufs;
            bert_normalize(n, text, normalized, marks);
            bert_split(normalized, each);
        }
        // Re-entered from `each` (no caller does): fresh buffers.
        Err(_) => {
            let (mut normalized, mut marks) = (String::new(), Vec::new());
            bert_normalize(n, text, &mut normalized, &mut marks);
            bert_split(&normalized, each);
        }
    });
}

/// ASCII text: removed controls join their neighbours, whitespace separates, punctuation stands
/// alone, letters are lowercased when asked. Words are slices of `text` unless a removed control or
/// an uppercase letter forces a copy (into one buffer reused for every word).
fn bert_ascii_words(lowercase: bool, text: &str, each: &mut dyn FnMut(&str)) {
    let bytes = text.as_bytes();
    let mut word = String::new();
    // The current word is `text[start..i]` while `copied` is false, else `word`.
    let (mut start, mut copied) = (0usize, false);
    let flush = |i: usize,
                 start: usize,
                 copied: &mut bool,
                 word: &mut String,
                 each: &mut dyn FnMut(&str)| {
        if *copied {
            if !word.is_empty() {
                each(word);
            }
            word.clear();
            *copied = false;
        } else if i > start {
            if let Some(w) = text.get(start..i) {
                each(w);
            }
        }
    };
    for (i, &b) in bytes.iter().enumerate() {
        let class = ASCII_CLASS.get(usize::from(b)).copied().unwrap_or(0);
        if class & (A_SPACE | A_PUNCT) != 0 {
            flush(i, start, &mut copied, &mut word, each);
            if class & A_PUNCT != 0 {
                if let Some(p) = text.get(i..i + 1) {
                    each(p);
                }
            }
            start = i + 1;
        } else if class & A_REMOVED != 0 || (lowercase && b.is_ascii_uppercase()) {
            if !copied {
                word.clear();
                word.push_str(text.get(start..i).unwrap_or_default());
                copied = true;
            }
            if class & A_REMOVED == 0 {
                word.push(char::from(b.to_ascii_lowercase()));
            }
        } else if copied {
            word.push(char::from(b));
        }
    }
    flush(bytes.len(), start, &mut copied, &mut word, each);
}

/// BertNormalizer (`clean_text` on) on a string: the same steps in the same order as
/// `normalizers::bert`, with canonical reordering of combining marks when accents are stripped.
fn bert_normalize(n: &BertNormalizer, text: &str, out: &mut String, marks: &mut Vec<char>) {
    out.clear();
    marks.clear();
    let strip = n.strips_accents();
    // After accent stripping: lowercase.
    let lower = |c: char, out: &mut String| {
        if n.lowercase {
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    };
    // Canonical decomposition: marks after a starter wait in `marks` and are sorted by combining
    // class (stably) when the next starter or the end comes; nonspacing marks are then dropped.
    let flush_marks = |marks: &mut Vec<char>, out: &mut String| {
        if marks.len() > 1 {
            marks.sort_by_key(|&m| canonical_combining_class(m));
        }
        for m in marks.drain(..) {
            if !is_nonspacing_mark(m) {
                lower(m, out);
            }
        }
    };
    let inert = inert_chars();
    let push = |c: char, out: &mut String, marks: &mut Vec<char>| {
        if !strip {
            return lower(c, out);
        }
        let u = c as usize;
        if inert.get(u / 64).is_some_and(|w| w >> (u % 64) & 1 == 1) {
            flush_marks(marks, out);
            return lower(c, out);
        }
        decompose(c, |d| {
            if canonical_combining_class(d) == 0 {
                flush_marks(marks, out);
                if !is_nonspacing_mark(d) {
                    lower(d, out);
                }
            } else {
                marks.push(d);
            }
        });
    };
    for c in text.chars() {
        if is_removed(c) {
            continue;
        }
        let c = if c.is_whitespace() { ' ' } else { c };
        if n.handle_chinese_chars && is_cjk(c) {
            push(' ', out, marks);
            push(c, out, marks);
            push(' ', out, marks);
        } else {
            push(c, out, marks);
        }
    }
    flush_marks(marks, out);
}

/// Bits of the Basic Multilingual Plane chars that accent stripping leaves alone and that start no
/// reordering (no decomposition, combining class 0, not a nonspacing mark): most chars of most
/// scripts, which then skip the decomposition lookup.
fn inert_chars() -> &'static [u64] {
    static BITS: OnceLock<Vec<u64>> = OnceLock::new();
    BITS.get_or_init(|| {
        let mut bits = vec![0u64; 0x10000 / 64];
        for c in (0..0x10000u32).filter_map(char::from_u32) {
            let mut same = true;
            decompose(c, |d| same &= d == c);
            if same && canonical_combining_class(c) == 0 && !is_nonspacing_mark(c) {
                if let Some(w) = bits.get_mut(c as usize / 64) {
                    *w |= 1 << (c as usize % 64);
                }
            }
        }
        bits
    })
}

/// BertPreTokenizer on a string: whitespace separates (and is dropped), punctuation stands alone.
fn bert_split(s: &str, each: &mut dyn FnMut(&str)) {
    let mut start = 0;
    for (i, c) in s.char_indices() {
        let punct = is_punct(c);
        if punct || c.is_whitespace() {
            if i > start {
                if let Some(w) = s.get(start..i) {
                    each(w);
                }
            }
            if punct {
                if let Some(p) = s.get(i..i + c.len_utf8()) {
                    each(p);
                }
            }
            start = i + c.len_utf8();
        }
    }
    if start < s.len() {
        if let Some(w) = s.get(start..) {
            each(w);
        }
    }
}
