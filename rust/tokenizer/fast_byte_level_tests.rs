//! Expected ids/offsets/word ids come from tokenizers 0.23.3: `Tokenizer(models.BPE.from_file(vocab, merges))`
//! with `pre_tokenizers.ByteLevel(add_prefix_space=...)`, offsets converted from chars to bytes.

use super::*;
use crate::models::bpe::BpeOptions;
use crate::models::bpe_merge::Word;
use crate::models::Model;
use crate::pre_tokenizers::PreTokenizer;
use crate::tokenizer::{reference, Tokenizer};

fn gpt2() -> Bpe {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/gpt2/");
    let mut b = Bpe::from_files(
        &format!("{dir}vocab.json"),
        &format!("{dir}merges.txt"),
        BpeOptions::default(),
    )
    .unwrap();
    b.set_byte_level(true);
    b
}

fn pre(add_prefix_space: bool) -> ByteLevel {
    ByteLevel {
        add_prefix_space,
        ..ByteLevel::default()
    }
}

fn fast(p: &ByteLevel, b: &Bpe, s: &str, base: usize) -> TokenBuffer {
    let mut out = TokenBuffer::default();
    let mut w = 0;
    encode_segment(p, b, s, base, &mut w, &mut out).unwrap();
    out
}

/// The generic chain (`super::super::reference`) for each ByteLevel / BPE setting a test uses.
#[derive(Default)]
struct Reference {
    toks: Vec<((bool, bool, bool), Tokenizer)>,
}

impl Reference {
    fn tokens(&mut self, p: &ByteLevel, b: &Bpe, s: &str, base: usize) -> TokenBuffer {
        let key = (p.add_prefix_space, p.use_regex, b.ignore_merges);
        let i = match self.toks.iter().position(|(k, _)| *k == key) {
            Some(i) => i,
            None => {
                let pre = Some(PreTokenizer::ByteLevel(p.clone()));
                let t = reference(None, pre, Model::Bpe(b.clone()));
                self.toks.push((key, t));
                self.toks.len() - 1
            }
        };
        self.toks[i].1.reference_tokens(s, base, 0)
    }
}

fn words(v: &[u32]) -> Vec<Option<u32>> {
    v.iter().map(|&w| Some(w)).collect()
}

#[test]
fn gpt2_matches_hf() {
    let b = gpt2();
    type Case<'a> = (&'a str, &'a [u32], &'a [(usize, usize)], &'a [u32]);
    let cases: [Case; 4] = [
        (
            "Hello world! It's 2024, isn't it?",
            &[15496, 995, 0, 632, 338, 48609, 11, 2125, 470, 340, 30],
            &[
                (0, 5),
                (5, 11),
                (11, 12),
                (12, 15),
                (15, 17),
                (17, 22),
                (22, 23),
                (23, 27),
                (27, 29),
                (29, 32),
                (32, 33),
            ],
            &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
        ),
        (
            "héllo wörld 日本語 😀 naïve",
            &[
                71, 2634, 18798, 266, 30570, 335, 10545, 245, 98, 17312, 105, 45739, 252, 30325,
                222, 41492,
            ],
            &[
                (0, 1),
                (1, 3),
                (3, 6),
                (6, 8),
                (8, 11),
                (11, 13),
                (13, 17),
                (14, 17),
                (14, 17),
                (17, 20),
                (17, 20),
                (20, 23),
                (20, 23),
                (23, 28),
                (24, 28),
                (28, 35),
            ],
            &[0, 0, 0, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 3, 3, 4],
        ),
        (
            "  leading\n\n\ttabs   and spaces  ",
            &[220, 3756, 628, 197, 8658, 82, 220, 220, 290, 9029, 220, 220],
            &[
                (0, 1),
                (1, 9),
                (9, 11),
                (11, 12),
                (12, 15),
                (15, 16),
                (16, 17),
                (17, 18),
                (18, 22),
                (22, 29),
                (29, 30),
                (30, 31),
            ],
            &[0, 1, 2, 3, 4, 4, 5, 5, 6, 7, 8, 8],
        ),
        (
            "'s's's 'll",
            &[338, 338, 338, 705, 297],
            &[(0, 2), (2, 4), (4, 6), (6, 8), (8, 10)],
            &[0, 1, 2, 3, 4],
        ),
    ];
    let mut generic = Reference::default();
    for (s, ids, offs, ws) in cases {
        for out in [
            fast(&pre(false), &b, s, 0),
            generic.tokens(&pre(false), &b, s, 0),
        ] {
            assert_eq!(out.ids, ids, "{s:?}");
            assert_eq!(out.offsets, offs, "{s:?}");
            assert_eq!(out.words, words(ws), "{s:?}");
        }
    }
    let a20 = fast(&pre(false), &b, &"a".repeat(20), 0);
    assert_eq!(a20.ids, [24794; 5]);
    // add_prefix_space=True: the added space has the empty range at the start.
    let out = fast(&pre(true), &b, "héllo\n world", 10);
    assert_eq!(out.ids, [289, 2634, 18798, 198, 995]);
    assert_eq!(
        out.offsets,
        [(10, 11), (11, 13), (13, 16), (16, 17), (17, 23)]
    );
    assert_eq!(out.words, words(&[0, 0, 0, 1, 2]));
}

/// The fused path equals the generic one on random adversarial strings.
#[test]
fn fast_equals_generic_random() {
    let b = gpt2();
    let mut im = b.clone();
    im.ignore_merges = true;
    let alphabet = " \t\n'sSrevltx1٣²é日!?-\u{301}\u{a0}😀\u{3000}ab";
    let strings = crate::kernel::test_util::random_strings(alphabet, 39, 400);
    let mut generic = Reference::default();
    for (i, s) in strings.iter().enumerate() {
        let p = pre(i % 2 == 0);
        assert_eq!(fast(&p, &b, s, 3), generic.tokens(&p, &b, s, 3), "{s:?}");
        let nr = ByteLevel {
            use_regex: false,
            ..p
        };
        assert_eq!(fast(&nr, &b, s, 0), generic.tokens(&nr, &b, s, 0), "{s:?}");
        assert_eq!(fast(&p, &im, s, 0), generic.tokens(&p, &im, s, 0), "{s:?}");
    }
    // With ignore_merges a piece that is a vocab entry is one token; "ĠHello" is id 18435 in GPT-2.
    assert_eq!(fast(&pre(true), &im, "Hello", 0).ids, [18435]);
}

/// Long words take the radix heap on GPT-2 (a monotone table); it must pop like the general heap.
#[test]
fn radix_heap_equals_heap_on_long_words() {
    let b = gpt2();
    assert!(b.merges_monotone());
    let mut state = 7u64;
    let mut text: Vec<u8> = (0..3000)
        .map(|_| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            b"abcdefghijklmnopqrstuvwxyz"[((state >> 33) % 26) as usize]
        })
        .collect();
    text.extend_from_slice(&[b'a'; 1000]);
    assert_eq!(merged(&b, &text, false), merged(&b, &text, true));
}

/// The tokens of `word` merged as a whole, by `merge_all` or forced onto the general heap.
fn merged(b: &Bpe, word: &[u8], heap_only: bool) -> Vec<(u32, u32, u32)> {
    let mut w = Word::default();
    for &c in word {
        w.push(b.byte_id(c), 1);
    }
    if heap_only {
        w.merge_all_heap_only(b.merge_table());
    } else {
        w.merge_all(b.merge_table());
    }
    w.tokens().collect()
}

/// Words of up to `SMALL` symbols merge by scanning; it must agree with the heap on every word,
/// including runs of one letter (equal ranks side by side) and letters, digits, spaces and UTF-8 bytes
/// mixed.
#[test]
fn scan_equals_heap_on_short_words() {
    let b = gpt2();
    let p = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/multilingual/sample.txt"
    );
    let text = std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{p}: {e}"));
    let mut state = 11u64;
    let mut next = |m: u64| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((state >> 33) % m) as usize
    };
    let bytes = text.as_bytes();
    let mut words: Vec<Vec<u8>> = Vec::new();
    for _ in 0..10000 {
        let len = 2 + next(130);
        let start = next(bytes.len().saturating_sub(len) as u64 + 1);
        words.push(bytes.get(start..start + len).unwrap_or_default().to_vec());
        words.push((0..len).map(|_| b"aab th"[next(6)]).collect());
    }
    words.extend([vec![b'a'; 128], vec![b'e'; 127], vec![b'!'; 129]]);
    for word in &words {
        let (scan, heap) = (merged(&b, word, false), merged(&b, word, true));
        assert_eq!(scan, heap, "{:?}", String::from_utf8_lossy(word));
    }
}

#[test]
fn pieces_entry_point() {
    let b = gpt2();
    let mut out = TokenBuffer::default();
    let mut w = 5;
    encode_pieces(&b, "ab cd", [(0, 2), (2, 5)], 100, &mut w, &mut out).unwrap();
    assert_eq!(w, 7);
    assert_eq!(out.offsets.first(), Some(&(100, 102)));
    assert_eq!(out.words.last(), Some(&Some(6)));
}
