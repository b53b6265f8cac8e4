//! Fused fast path for BertNormalizer + BertPreTokenizer + WordPiece over one raw text segment.
//!
//! One pass over the bytes: ASCII goes through a class table; a word made only of contiguous ASCII
//! bytes is handed to WordPiece as a slice of the input (or a lowercased copy in a reused buffer) and
//! its offsets are `base + start + i`. Only a word that holds non-ASCII chars or dropped controls is
//! copied into a reused buffer together with a per-byte map to the original range of its source char
//! (all BERT normalization steps give every produced char the range of the char it came from).
//! The one case this cannot follow char by char, canonical reordering of a kept combining char (a
//! non-Mn char with a nonzero combining class while stripping accents), sends the whole segment to
//! the generic path, which produces the reference result.

use crate::error::Result;
use crate::kernel::bert_chars::{
    decompose, is_cjk, is_nonspacing_mark, is_punct, is_removed, ASCII_CLASS, A_PUNCT, A_SPACE,
    A_UPPER,
};
use crate::kernel::unicode9::canonical_combining_class;
use crate::kernel::{NormalizedString, PreTokenizedString, TokenBuffer};
use crate::models::WordPiece;
use crate::normalizers::BertNormalizer;
use crate::pre_tokenizers::BertPreTokenizer;

/// Encode `text` (which starts at byte `base` of the original input) into `out`: one entry per token
/// with its id, original byte offsets and word index (`*word`, incremented after each word).
pub fn encode_segment(
    norm: &BertNormalizer,
    wp: &WordPiece,
    text: &str,
    base: usize,
    word: &mut u32,
    out: &mut TokenBuffer,
) -> Result<()> {
    let (len0, word0) = (out.len(), *word);
    let mut f = Fused {
        wp,
        out,
        word: *word,
        base,
        lowercase: norm.lowercase,
        strip: norm.strips_accents(),
        state: NONE,
        start: 0,
        end: 0,
        upper: false,
        buf: Vec::new(),
        align: Vec::new(),
        tmp: Vec::new(),
    };
    if f.run(norm, text) {
        *word = f.word;
        return Ok(());
    }
    truncate(out, len0);
    *word = word0;
    encode_segment_generic(norm, wp, text, base, word, out)
}

/// The reference composition: normalize a `NormalizedString`, pre-tokenize, tokenize each word and map
/// its offsets back through the alignments.
pub fn encode_segment_generic(
    norm: &BertNormalizer,
    wp: &WordPiece,
    text: &str,
    base: usize,
    word: &mut u32,
    out: &mut TokenBuffer,
) -> Result<()> {
    let mut ns = NormalizedString::from_original(text, base);
    norm.normalize(&mut ns)?;
    let mut pts = PreTokenizedString::from_normalized(ns);
    BertPreTokenizer.pre_tokenize(&mut pts)?;
    super::tokenize::push_words(&pts, word, out, |w, toks| wp.tokenize(w, toks))
}

fn truncate(out: &mut TokenBuffer, len: usize) {
    out.ids.truncate(len);
    out.offsets.truncate(len);
    out.words.truncate(len);
}

/// Tokenize one word; `map(start, end)` turns byte offsets in `w` into original offsets.
#[inline]
fn emit(
    wp: &WordPiece,
    w: &[u8],
    out: &mut TokenBuffer,
    word: u32,
    map: impl Fn(usize, usize) -> (usize, usize),
) {
    let before = out.len();
    if !wp.too_long(w) {
        if wp.pieces(w, |id, s, e| out.push(id, map(s, e), Some(word))) {
            return;
        }
        truncate(out, before);
    }
    out.push(wp.unk_id(), map(0, w.len()), Some(word));
}

/// State of the word being collected.
const NONE: u8 = 0;
/// `text[start..end]`, all ASCII; `upper` if it holds a capital to lowercase.
const IDENT: u8 = 1;
/// In `buf`, with `align`.
const MAPPED: u8 = 2;

struct Fused<'a> {
    wp: &'a WordPiece,
    out: &'a mut TokenBuffer,
    word: u32,
    base: usize,
    lowercase: bool,
    strip: bool,
    // The current word, as plain scalars (an enum returned by value cost store-forwarding stalls).
    state: u8,
    start: usize,
    end: usize,
    upper: bool,
    /// Normalized bytes of a mapped word and the original range of each.
    buf: Vec<u8>,
    align: Vec<(u32, u32)>,
    /// Lowercased copy of an identity word.
    tmp: Vec<u8>,
}

impl Fused<'_> {
    /// Returns false when the segment needs the generic path (see the module comment).
    fn run(&mut self, norm: &BertNormalizer, text: &str) -> bool {
        let bytes = text.as_bytes();
        let mut i = 0;
        while let Some(&b) = bytes.get(i) {
            if self.out.full() {
                // The caller keeps only the tokens already in (see `TokenBuffer::limit`).
                return true;
            }
            if b < 0x80 {
                let cls = ASCII_CLASS[b as usize];
                if cls & !A_UPPER == 0 {
                    // The hot loop: a run of letters and digits.
                    let start = i;
                    let mut upper = cls != 0;
                    i += 1;
                    while let Some(&c) = bytes.get(i) {
                        let k = ASCII_CLASS[(c & 0x7f) as usize];
                        if c >= 0x80 || k & !A_UPPER != 0 {
                            break;
                        }
                        upper |= k != 0;
                        i += 1;
                    }
                    self.push_ascii(text, start, i, upper);
                } else if cls & A_SPACE != 0 {
                    self.flush(text);
                    i += 1;
                } else if cls & A_PUNCT != 0 {
                    self.flush(text);
                    let p = self.base + i;
                    let w = bytes.get(i..i + 1).unwrap_or_default();
                    emit(self.wp, w, self.out, self.word, |s, e| (p + s, p + e));
                    self.word += 1;
                    i += 1;
                } else if norm.clean_text {
                    // A dropped control: the word goes on but is no longer a slice of the input.
                    self.make_mapped(text);
                    i += 1;
                } else if b == 0x0b || b == 0x0c {
                    // Not cleaned, but whitespace for the pre-tokenizer.
                    self.flush(text);
                    i += 1;
                } else {
                    self.push_ascii(text, i, i + 1, false);
                    i += 1;
                }
                continue;
            }
            let Some(c) = text.get(i..).and_then(|s| s.chars().next()) else {
                break;
            };
            let (s, e) = (i, i + c.len_utf8());
            i = e;
            if norm.clean_text {
                if is_removed(c) {
                    self.make_mapped(text);
                    continue;
                }
                if c.is_whitespace() {
                    self.flush(text);
                    continue;
                }
            }
            let cjk = norm.handle_chinese_chars && is_cjk(c);
            if cjk {
                self.flush(text);
            }
            if !self.push_char(text, c, s, e) {
                return false;
            }
            if cjk {
                self.flush(text);
            }
        }
        self.flush(text);
        true
    }

    #[inline]
    fn push_ascii(&mut self, text: &str, start: usize, end: usize, upper: bool) {
        if self.state == NONE {
            (self.state, self.start, self.end, self.upper) = (IDENT, start, end, upper);
        } else if self.state == IDENT && self.end == start {
            self.end = end;
            self.upper |= upper;
        } else {
            self.make_mapped(text);
            self.append_ascii(text, start, end);
        }
    }

    fn append_ascii(&mut self, text: &str, start: usize, end: usize) {
        let bytes = text.as_bytes().get(start..end).unwrap_or_default();
        let lower = self.lowercase;
        self.buf.extend(
            bytes
                .iter()
                .map(|b| if lower { b.to_ascii_lowercase() } else { *b }),
        );
        let base = self.base;
        self.align
            .extend((start..end).map(|k| ((base + k) as u32, (base + k + 1) as u32)));
    }

    /// Switch the current word to the mapped form (an empty word becomes an empty mapped one).
    fn make_mapped(&mut self, text: &str) {
        if self.state != MAPPED {
            self.buf.clear();
            self.align.clear();
            if self.state == IDENT {
                self.append_ascii(text, self.start, self.end);
            }
            self.state = MAPPED;
        }
    }

    /// Normalize one non-ASCII char (strip accents, lowercase) and feed the results to the word, splitting
    /// on produced whitespace and punctuation. False: the segment needs the generic path.
    fn push_char(&mut self, text: &str, c: char, s: usize, e: usize) -> bool {
        let mut parts = ['\0'; 4];
        let mut n = 0;
        if self.strip {
            let mut reorder = false;
            decompose(c, |d| {
                if is_nonspacing_mark(d) {
                    return;
                }
                reorder |= canonical_combining_class(d) != 0;
                if let Some(slot) = parts.get_mut(n) {
                    *slot = d;
                    n += 1;
                }
            });
            if reorder {
                return false;
            }
        } else {
            parts[0] = c;
            n = 1;
        }
        for &d in parts.get(..n).unwrap_or_default() {
            if self.lowercase {
                for l in d.to_lowercase() {
                    self.push_normalized(text, l, s, e);
                }
            } else {
                self.push_normalized(text, d, s, e);
            }
        }
        true
    }

    fn push_normalized(&mut self, text: &str, r: char, s: usize, e: usize) {
        let (os, oe) = (self.base + s, self.base + e);
        if r.is_whitespace() {
            return self.flush(text);
        }
        let mut utf8 = [0u8; 4];
        let rb = r.encode_utf8(&mut utf8).as_bytes();
        if is_punct(r) {
            self.flush(text);
            emit(self.wp, rb, self.out, self.word, |_, _| (os, oe));
            self.word += 1;
            return;
        }
        self.make_mapped(text);
        self.buf.extend_from_slice(rb);
        self.align
            .extend(std::iter::repeat_n((os as u32, oe as u32), rb.len()));
    }

    /// Tokenize the current word, if any; the new current word is empty.
    #[inline]
    fn flush(&mut self, text: &str) {
        let state = std::mem::replace(&mut self.state, NONE);
        if state == IDENT {
            let w = text
                .as_bytes()
                .get(self.start..self.end)
                .unwrap_or_default();
            let w = if self.upper && self.lowercase {
                self.tmp.clear();
                self.tmp.extend(w.iter().map(u8::to_ascii_lowercase));
                &self.tmp[..]
            } else {
                w
            };
            let p = self.base + self.start;
            emit(self.wp, w, self.out, self.word, |s, e| (p + s, p + e));
        } else if state == MAPPED && !self.buf.is_empty() {
            let align = &self.align;
            let map = |s: usize, e: usize| {
                let a = align.get(s).map_or(0, |a| a.0 as usize);
                let b = align.get(e.wrapping_sub(1)).map_or(a, |a| a.1 as usize);
                (a, b)
            };
            emit(self.wp, &self.buf, self.out, self.word, map);
        } else {
            // No word, or one made only of dropped chars.
            return;
        }
        self.word += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const VOCAB_TXT: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/bert-uncased/vocab.txt"
    );

    /// BERT-uncased's vocab.txt, committed under tests/fixtures (a missing file fails the test).
    fn real_vocab() -> WordPiece {
        WordPiece::from_vocab_txt(VOCAB_TXT, "[UNK]", "##", 100).unwrap_or_else(|e| panic!("{e}"))
    }

    /// The fused path's tokens and the generic chain's (`tokenizer::reference`), at base 7 from word 3.
    fn both(norm: &BertNormalizer, wp: &WordPiece, text: &str) -> (TokenBuffer, TokenBuffer) {
        let mut fast = TokenBuffer::default();
        let mut w1 = 3u32;
        encode_segment(norm, wp, text, 7, &mut w1, &mut fast).unwrap_or_else(|e| panic!("{e}"));
        let reference = crate::tokenizer::reference(
            Some(crate::normalizers::Normalizer::Bert(norm.clone())),
            Some(crate::pre_tokenizers::PreTokenizer::Bert(BertPreTokenizer)),
            crate::models::Model::WordPiece(wp.clone()),
        );
        let slow = reference.reference_tokens(text, 7, 3);
        let words = slow.words.iter().flatten().max().map_or(3, |w| w + 1);
        assert_eq!(w1, words.max(3), "word count for {text:?}");
        (fast, slow)
    }

    /// A small vocabulary that hits whole words, continuations, non-ASCII pieces and misses.
    fn small_vocab() -> WordPiece {
        let mut v = serde_json::Map::new();
        let mut add = |t: String| {
            let id = v.len();
            v.entry(t).or_insert(json!(id));
        };
        add("[UNK]".into());
        for c in ('a'..='z')
            .chain('0'..='9')
            .chain("é中文и́ßçÇ!.,'\"-".chars())
        {
            add(c.to_string());
            add(format!("##{c}"));
        }
        for w in [
            "hello", "world", "the", "un", "##aff", "##able", "caf", "##é", "прив", "##ет",
            "i\u{307}",
        ] {
            add(w.to_string());
        }
        let o = json!({"vocab": v, "unk_token": "[UNK]", "max_input_chars_per_word": 12});
        WordPiece::from_json(o.as_object().unwrap_or(&serde_json::Map::new()), "model")
            .unwrap_or_else(|e| panic!("{e}"))
    }

    fn configs() -> Vec<BertNormalizer> {
        let mut out = Vec::new();
        for bits in 0..24u32 {
            out.push(BertNormalizer {
                clean_text: bits & 1 != 0,
                handle_chinese_chars: bits & 2 != 0,
                lowercase: bits & 4 != 0,
                strip_accents: [None, Some(true), Some(false)][(bits / 8) as usize],
                python_lowercase: false,
            });
        }
        out
    }

    fn samples() -> Vec<String> {
        let mut v: Vec<String> = [
            "",
            "   ",
            "Hello, World! The quick brown fox.",
            "UNAFFABLE unaffable Unaffable-isms",
            "Café naïve résumé ÇA ça Straße",
            "中文字符 and 東京タワー, 豈\u{f900}x",
            "Привет, МИР! привет",
            "مرحبا بالعالم",
            "emoji 😀🥰👍🏽 and 👨‍👩‍👧",
            "ctl\u{0}a\u{1}b\u{7f}c\u{b}d\u{c}e\u{85}f\u{fffd}g\u{200b}h\u{feff}i",
            "tab\tnew\nline\r\u{a0}nbsp\u{3000}ideo\u{2003}em",
            "e\u{301}a\u{300}\u{323}b \u{301}\u{301} x\u{1ab0}",
            "İstanbul İİ i\u{307}",
            "Ǆ ǅ ß ẞ ΐ ﬃ K Å",
            "\u{1fef}x\u{37e}y\u{387}z",
            "a\u{1d165}b stem \u{1d16d}",
            "superlongwordwithoutanybreaksatallreally hellohellohellohello",
            "éééééééééééééé ééé",
            "«quoted» ‘single’ “double” — dash … ¿¡",
            "x\u{e000}y\u{f0000}z \u{1e000}q",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        // Deterministic random mixes of the tricky chars.
        let pool: Vec<char> = "aZé É中 ,.!\u{0}\u{1}\t\n\u{301}\u{323}İßиДم😀\u{200b}\u{a0}\u{b}\u{85}\u{fffd}\u{1fef}\u{37e}Kk\u{1d165}"
            .chars()
            .collect();
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..300 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let len = (seed % 24) as usize;
            let s: String = (0..len)
                .map(|k| {
                    let r = seed.rotate_left(k as u32 * 5) as usize;
                    pool.get(r % pool.len()).copied().unwrap_or('a')
                })
                .collect();
            v.push(s);
        }
        v
    }

    fn fused_equals_generic(wp: &WordPiece) {
        for norm in configs() {
            for text in samples() {
                let (fast, slow) = both(&norm, wp, &text);
                assert_eq!(fast, slow, "{norm:?} on {text:?}");
            }
        }
    }

    #[test]
    fn fused_equals_generic_small_vocab() {
        fused_equals_generic(&small_vocab());
    }

    #[test]
    fn fused_equals_generic_real_vocab() {
        fused_equals_generic(&real_vocab());
    }

    /// Ids, byte offsets and word ids from HF `tokenizers` 0.23.3 with all-MiniLM-L6-v2's tokenizer.json
    /// (`encode(s, add_special_tokens=False)`, char offsets converted to bytes).
    #[test]
    fn real_vocab_matches_hf() {
        let wp = real_vocab();
        let norm = BertNormalizer {
            clean_text: true,
            handle_chinese_chars: true,
            strip_accents: None,
            lowercase: true,
            python_lowercase: false,
        };
        type Case<'a> = (&'a str, Vec<u32>, Vec<(usize, usize)>, Vec<u32>);
        #[rustfmt::skip]
        let cases: Vec<Case> = vec![
            (
                "Hello, World! The quick brown fox jumps over the lazy dog.",
                vec![7592, 1010, 2088, 999, 1996, 4248, 2829, 4419, 14523, 2058, 1996, 13971,
                3899, 1012],
                vec![(0, 5), (5, 6), (7, 12), (12, 13), (14, 17), (18, 23), (24, 29), (30, 33),
                (34, 39), (40, 44), (45, 48), (49, 53), (54, 57), (57, 58)],
                (0..14).collect(),
            ),
            (
                "Café naïve résumé — İstanbul 東京タワー Привет мир",
                vec![7668, 15743, 13746, 1517, 9960, 1879, 1755, 1709, 30262, 30265, 1194, 16856,
                10325, 25529, 15290, 22919, 1191, 10325, 16856],
                vec![(0, 5), (6, 12), (13, 21), (22, 25), (26, 35), (36, 39), (39, 42), (42, 45),
                (45, 48), (48, 51), (52, 54), (54, 56), (56, 58), (58, 60), (60, 62), (62, 64),
                (65, 67), (67, 69), (69, 71)],
                vec![0, 1, 2, 3, 4, 5, 6, 7, 7, 7, 8, 8, 8, 8, 8, 8, 9, 9, 9],
            ),
            (
                "unaffable tokenization\u{200b} of emojis 😀🥰 and e\u{301} مرحبا",
                vec![14477, 20961, 3468, 19204, 3989, 1997, 7861, 29147, 2483, 100, 1998, 1041,
                1295, 17149, 29820, 29816, 25573],
                vec![(0, 3), (3, 6), (6, 9), (10, 15), (15, 22), (26, 28), (29, 31), (31, 33),
                (33, 35), (36, 44), (45, 48), (49, 50), (53, 55), (55, 57), (57, 59), (59, 61),
                (61, 63)],
                vec![0, 0, 0, 1, 1, 2, 3, 3, 3, 4, 5, 6, 7, 7, 7, 7, 7],
            ),
            (
                "\u{1fef}x İİ ﬃ Å \u{f900} a\u{1d165}b ctl\u{0}a\u{1}b ÇA\u{a0}va",
                vec![1036, 1060, 2462, 100, 1037, 100, 100, 14931, 20470, 6187, 12436],
                vec![(0, 3), (3, 4), (5, 9), (10, 13), (14, 16), (17, 20), (21, 27), (28, 30),
                (30, 35), (36, 39), (41, 43)],
                vec![0, 1, 2, 3, 4, 5, 6, 7, 7, 8, 9],
            ),
        ];
        for (text, ids, offsets, words) in cases {
            let mut out = TokenBuffer::default();
            let mut w = 0;
            encode_segment(&norm, &wp, text, 0, &mut w, &mut out).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(out.ids, ids, "{text}");
            assert_eq!(out.offsets, offsets, "{text}");
            assert_eq!(
                out.words,
                words.into_iter().map(Some).collect::<Vec<_>>(),
                "{text}"
            );
        }
    }
}
