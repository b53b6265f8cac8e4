//! The dev sets of parity-aware BPE (`parity_bpe.rs`): every language's dev words as symbols, merged as
//! training goes, to measure each language's length in tokens.

use super::pairs::{Pair, Vocab};
use rustc_hash::FxHashMap;

/// The dev words of all languages as symbols, with per-language counts, kept merged as training goes.
pub(crate) struct DevSet {
    words: Vec<Vec<u32>>,
    freqs: Vec<Vec<i64>>,
    /// Which entry holds each symbol sequence (a merged word equal to another replaces it).
    index: FxHashMap<Vec<u32>, u32>,
    places: FxHashMap<Pair, Vec<u32>>,
}

impl DevSet {
    /// Dev words keep only chars of the vocabulary, with the prefix and suffix that training gave
    /// them; a word with any other char is left out.
    pub(crate) fn new(
        dev: &[Vec<(&str, u64)>],
        vocab: &Vocab,
        prefix: Option<&str>,
        suffix: Option<&str>,
    ) -> Self {
        let n = dev.len();
        let mut d = DevSet {
            words: Vec::new(),
            freqs: Vec::new(),
            index: FxHashMap::default(),
            places: FxHashMap::default(),
        };
        let mut buf = String::new();
        for (l, words) in dev.iter().enumerate() {
            'words: for &(w, count) in words {
                let nchars = w.chars().count();
                let mut ids = Vec::with_capacity(nchars);
                for (k, c) in w.chars().enumerate() {
                    buf.clear();
                    buf.push(c);
                    if vocab.get(&buf).is_none() {
                        continue 'words;
                    }
                    if k > 0 {
                        if let Some(p) = prefix {
                            buf.insert_str(0, p);
                        }
                    }
                    if k + 1 == nchars {
                        if let Some(s) = suffix {
                            buf.push_str(s);
                        }
                    }
                    match vocab.get(&buf) {
                        Some(id) => ids.push(id),
                        None => continue 'words,
                    }
                }
                if ids.is_empty() {
                    continue;
                }
                let next = d.words.len() as u32;
                let e = *d.index.entry(ids.clone()).or_insert(next);
                if e == next {
                    d.note_pairs(next, &ids, None);
                    d.words.push(ids);
                    d.freqs.push(vec![0; n]);
                }
                d.freqs[e as usize][l] += count as i64;
            }
        }
        d
    }

    fn note_pairs(&mut self, i: u32, ids: &[u32], with: Option<u32>) {
        for w in ids.windows(2) {
            if with.is_some_and(|t| w[0] != t && w[1] != t) {
                continue;
            }
            let pos = self.places.entry((w[0], w[1])).or_default();
            if pos.last() != Some(&i) {
                pos.push(i);
            }
        }
    }

    pub(crate) fn lengths(&self, n: usize) -> Vec<i64> {
        let mut out = vec![0i64; n];
        for (w, f) in self.words.iter().zip(&self.freqs) {
            for (o, &c) in out.iter_mut().zip(f) {
                *o += w.len() as i64 * c;
            }
        }
        out
    }

    /// Merge `pair` into `new` in every dev word; returns how many tokens each language lost.
    pub(crate) fn merge(&mut self, pair: Pair, new: u32) -> Vec<i64> {
        let n = self.freqs.first().map_or(0, Vec::len);
        let mut shorter = vec![0i64; n];
        let Some(mut places) = self.places.remove(&pair) else {
            return shorter;
        };
        places.sort_unstable();
        places.dedup();
        for i in places {
            let old = std::mem::take(&mut self.words[i as usize]);
            if !old.windows(2).any(|w| (w[0], w[1]) == pair) {
                self.words[i as usize] = old;
                continue;
            }
            let mut word = Vec::with_capacity(old.len());
            let mut k = 0;
            while k < old.len() {
                if k + 1 < old.len() && (old[k], old[k + 1]) == pair {
                    word.push(new);
                    k += 2;
                } else {
                    word.push(old[k]);
                    k += 1;
                }
            }
            let lost = (old.len() - word.len()) as i64;
            for (s, &f) in shorter.iter_mut().zip(&self.freqs[i as usize]) {
                *s += lost * f;
            }
            self.index.remove(&old);
            if let Some(j) = self.index.insert(word.clone(), i) {
                // Hugging Face's map insert: the other word's counts are replaced by this one's.
                self.words[j as usize].clear();
                self.freqs[j as usize].iter_mut().for_each(|f| *f = 0);
            }
            self.note_pairs(i, &word, Some(new));
            self.words[i as usize] = word;
        }
        shorter
    }
}
