//! The char-wise Viterbi against a plain reference: every substring looked up in the vocabulary map,
//! positions and lengths in Hugging Face's order, on random vocabularies with tied scores.

use super::*;

/// Hugging Face's algorithm written plainly: byte positions, a hash lookup per substring.
fn reference(m: &Unigram, word: &str) -> Vec<(u32, (u32, u32))> {
    let n = word.len();
    let mut best: Vec<Option<(f64, usize, u32)>> = vec![None; n + 1];
    best[0] = Some((0.0, 0, 0));
    let unk_score = m.min_score - UNK_PENALTY;
    for (pos, c) in word.char_indices() {
        let base = best[pos].unwrap().0;
        let mut single = false;
        let ends = word[pos..]
            .char_indices()
            .map(|(k, ch)| pos + k + ch.len_utf8());
        for end in ends {
            if let Some(&id) = m.ids.get(&word[pos..end]) {
                let cand = m.scores[id as usize] + base;
                if best[end].is_none_or(|b| cand > b.0) {
                    best[end] = Some((cand, pos, id));
                }
                single |= end == pos + c.len_utf8();
            }
        }
        if !single {
            let end = pos + c.len_utf8();
            let cand = unk_score + base;
            if best[end].is_none_or(|b| cand > b.0) {
                best[end] = Some((cand, pos, m.unk_id.unwrap()));
            }
        }
    }
    // Backtrack, fusing unknown runs.
    let mut rev = Vec::new();
    let mut end = n;
    let mut unk_end = None;
    let flush = |s: usize, e: usize, rev: &mut Vec<(u32, (u32, u32))>| {
        let o = (s as u32, e as u32);
        let run = &word[s..e];
        if let Some(&id) = m.ids.get(run) {
            rev.push((id, o));
        } else if m.byte_fallback && run.bytes().all(|b| m.byte_ids[b as usize].is_some()) {
            rev.extend(
                run.bytes()
                    .rev()
                    .map(|b| (m.byte_ids[b as usize].unwrap(), o)),
            );
        } else {
            rev.push((m.unk_id.unwrap(), o));
        }
    };
    while end > 0 {
        let (_, start, id) = best[end].unwrap();
        if Some(id) == m.unk_id {
            unk_end.get_or_insert(end);
        } else {
            if let Some(ue) = unk_end.take() {
                flush(end, ue, &mut rev);
            }
            rev.push((id, (start as u32, end as u32)));
        }
        end = start;
    }
    if let Some(ue) = unk_end {
        flush(0, ue, &mut rev);
    }
    rev.reverse();
    rev
}

struct Rng(u64);

impl Rng {
    fn below(&mut self, m: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % m
    }
}

#[test]
fn charwise_viterbi_matches_the_reference() {
    const ALPHABET: [char; 9] = ['a', 'b', 'c', '▁', 'é', '東', '京', '😀', 'ß'];
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for round in 0..300 {
        let mut pieces = vec![("<unk>".to_string(), 0.0)];
        let byte_fallback = round % 3 == 0;
        if byte_fallback {
            for b in [0xC3u8, 0xA9, 0xF0, 0x9F, 0x98, 0x80] {
                pieces.push((format!("<0x{b:02X}>"), -3.0));
            }
        }
        let mut seen = std::collections::HashSet::new();
        for _ in 0..rng.below(40) {
            let len = 1 + rng.below(4) as usize;
            let p: String = (0..len)
                .map(|_| ALPHABET[rng.below(ALPHABET.len() as u64) as usize])
                .collect();
            if seen.insert(p.clone()) {
                // Few distinct scores: ties between paths are common.
                pieces.push((p, -(rng.below(4) as f64)));
            }
        }
        let m = Unigram::new(pieces, Some(0), byte_fallback).unwrap();
        for _ in 0..20 {
            let len = rng.below(12) as usize;
            let stray = rng.below(5) == 0;
            let w: String = (0..len)
                .map(|_| ALPHABET[rng.below(ALPHABET.len() as u64) as usize])
                .chain(stray.then_some('x'))
                .collect();
            let mut out = Vec::new();
            m.tokenize_uncached(&w, &mut out).unwrap();
            let got: Vec<_> = out.iter().map(|t| (t.id, t.offsets)).collect();
            assert_eq!(got, reference(&m, &w), "word {w:?}, vocab {:?}", m.pieces);
        }
    }
}

/// A piece scored `NEVER` (a control piece of the library classes) never wins, even over unknown chars:
/// the unknown token's score comes from the lowest of the other pieces.
#[test]
fn never_pieces_lose_to_unknown_chars() {
    let pieces = vec![
        ("<unk>".to_string(), NEVER),
        ("<s>".to_string(), NEVER),
        ("s".to_string(), -2.0),
        ("a".to_string(), -1.0),
    ];
    let m = Unigram::new(pieces, Some(0), false).unwrap();
    assert_eq!(m.min_score, -2.0);
    let mut out = Vec::new();
    m.tokenize_uncached("a<s>", &mut out).unwrap();
    let ids: Vec<u32> = out.iter().map(|t| t.id).collect();
    assert_eq!(ids, [3, 0, 2, 0]);
}
