//! The lattice the Unigram trainer works on: every vocabulary piece found at every char position of a
//! word (found by walking a byte trie), with an unknown-piece node where no single-char piece exists.
//! Forward-backward gives expected piece counts (E step); Viterbi the best segmentation.
//!
//! Positions are char indices. Scores are log probabilities; the trainer's piece 0 is the unknown piece.

use crate::kernel::ByteTrie;

/// Pieces penalised by this much below the lowest score stand for unknown chars (sentencepiece's value).
pub const UNK_PENALTY: f64 = 10.0;

/// A byte trie over the pieces: `prefixes` lists every piece starting at a position. Packed into one
/// array (the models' `ByteTrie`): the first E steps walk a million seed pieces, where a hashed trie
/// missed the cache on every byte.
#[derive(Debug, Default)]
pub struct PieceTrie {
    trie: ByteTrie,
}

impl PieceTrie {
    /// A piece given twice keeps its last id.
    pub fn new<'a>(pieces: impl Iterator<Item = (u32, &'a str)>) -> Self {
        let mut keys: Vec<(&[u8], u32)> = pieces.map(|(id, p)| (p.as_bytes(), id)).collect();
        keys.sort_unstable_by(|a, b| a.0.cmp(b.0).then(b.1.cmp(&a.1)));
        keys.dedup_by(|later, first| later.0 == first.0);
        PieceTrie {
            trie: ByteTrie::build(keys),
        }
    }

    /// (piece id, byte length, char length) of every piece that is a prefix of `s`, shortest first.
    #[inline]
    fn prefixes(&self, s: &[u8], mut each: impl FnMut(u32, usize, u32)) {
        let mut node = self.trie.root();
        let mut chars = 0u32;
        for (i, &b) in s.iter().enumerate() {
            match self.trie.child(node, b) {
                Some(n) => node = n,
                None => return,
            }
            // Not a UTF-8 continuation byte: one more char.
            chars += u32::from((b as i8) >= -0x40);
            if let Some(id) = self.trie.value(node) {
                each(id, i + 1, chars);
            }
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Node {
    pub start: u32,
    pub end: u32,
    pub id: u32,
    pub score: f64,
}

/// The nodes of one word, in order of start: every node ending at a position comes before the nodes
/// starting there, which is all the passes below need.
#[derive(Debug, Default)]
pub struct Lattice {
    pub nodes: Vec<Node>,
    pub len: usize,
    /// Scratch for forward-backward and Viterbi, reused between words.
    a: Vec<f64>,
    b: Vec<f64>,
    seen: Vec<bool>,
    best: Vec<(f64, u32)>,
}

fn log_sum_exp(x: f64, y: f64, init: bool) -> f64 {
    if init {
        y
    } else {
        let (lo, hi) = if x < y { (x, y) } else { (y, x) };
        if hi > lo + 50.0 {
            hi
        } else {
            hi + (1.0 + (lo - hi).exp()).ln()
        }
    }
}

impl Lattice {
    /// Fill with the pieces of `word`. `scores[id]` is each piece's score; `unk` the unknown piece's id
    /// and score.
    pub fn build(&mut self, word: &str, trie: &PieceTrie, scores: &[f64], unk: (u32, f64)) {
        self.nodes.clear();
        let bytes = word.as_bytes();
        let mut pos = 0u32;
        for (at, c) in word.char_indices() {
            let clen = c.len_utf8();
            let mut single = false;
            let rest = bytes.get(at..).unwrap_or_default();
            trie.prefixes(rest, |id, n, chars| {
                single |= n == clen;
                self.nodes.push(Node {
                    start: pos,
                    end: pos + chars,
                    id,
                    score: scores.get(id as usize).copied().unwrap_or(0.0),
                });
            });
            if !single {
                self.nodes.push(Node {
                    start: pos,
                    end: pos + 1,
                    id: unk.0,
                    score: unk.1,
                });
            }
            pos += 1;
        }
        self.len = pos as usize;
    }

    /// Add `freq` × each node's marginal probability to `expected[id]`; returns `freq` × log Z.
    pub fn marginal(&mut self, freq: f64, expected: &mut [f64]) -> f64 {
        let n = self.len;
        self.a.clear();
        self.a.resize(n + 1, 0.0);
        self.b.clear();
        self.b.resize(n + 1, 0.0);
        self.seen.clear();
        self.seen.resize(n + 1, false);
        for node in &self.nodes {
            let (s, e) = (node.start as usize, node.end as usize);
            let v = self.a[s] + node.score;
            self.a[e] = log_sum_exp(self.a[e], v, !self.seen[e]);
            self.seen[e] = true;
        }
        self.seen.clear();
        self.seen.resize(n + 1, false);
        for node in self.nodes.iter().rev() {
            let (s, e) = (node.start as usize, node.end as usize);
            let v = self.b[e] + node.score;
            self.b[s] = log_sum_exp(self.b[s], v, !self.seen[s]);
            self.seen[s] = true;
        }
        let z = self.a[n];
        for node in &self.nodes {
            let (s, e) = (node.start as usize, node.end as usize);
            let p = (self.a[s] + node.score + self.b[e] - z).exp();
            if let Some(x) = expected.get_mut(node.id as usize) {
                *x += freq * p;
            }
        }
        freq * z
    }

    /// Ids of the best segmentation (first best on ties, as Hugging Face); `skip` excludes one node
    /// (by index). Empty when no segmentation exists.
    pub fn viterbi(&mut self, skip: Option<usize>, out: &mut Vec<u32>) {
        out.clear();
        let n = self.len;
        self.best.clear();
        // (score, index of the last node) per end position; u32::MAX = unreachable.
        self.best.resize(n + 1, (f64::NEG_INFINITY, u32::MAX));
        if let Some(b) = self.best.get_mut(0) {
            *b = (0.0, u32::MAX - 1);
        }
        for (k, node) in self.nodes.iter().enumerate() {
            if Some(k) == skip {
                continue;
            }
            let (s, e) = (node.start as usize, node.end as usize);
            let (prev, reach) = self.best[s];
            if reach == u32::MAX {
                continue;
            }
            let v = prev + node.score;
            let cur = &mut self.best[e];
            if cur.1 == u32::MAX || v > cur.0 {
                *cur = (v, k as u32);
            }
        }
        let mut at = n;
        while at > 0 {
            let k = self.best[at].1;
            let Some(node) = self.nodes.get(k as usize) else {
                out.clear();
                return;
            };
            out.push(node.id);
            at = node.start as usize;
        }
        out.reverse();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn viterbi_and_marginals() {
        let pieces = ["<unk>", "a", "b", "ab"];
        let scores = [0.0, -1.0, -1.0, -1.5];
        let trie = PieceTrie::new(
            pieces
                .iter()
                .enumerate()
                .skip(1)
                .map(|(i, p)| (i as u32, *p)),
        );
        let mut l = Lattice::default();
        l.build("abc", &trie, &scores, (0, -11.0));
        let mut out = Vec::new();
        l.viterbi(None, &mut out);
        assert_eq!(out, [3, 0]);
        let mut expected = vec![0.0; 4];
        l.marginal(1.0, &mut expected);
        // "c" is always the unknown piece; "ab" is likelier than "a b".
        assert!((expected[0] - 1.0).abs() < 1e-9);
        assert!(expected[3] > expected[1]);
        assert!((expected[3] + expected[1] - 1.0).abs() < 1e-9);
    }
}
