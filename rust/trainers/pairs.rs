//! BPE training's words and pairs, shared by the BPE trainers (`bpe.rs`, `parity_bpe.rs`): the
//! vocabulary being built, words as symbols, pair counts with the words holding each pair, and merging a
//! pair in those words with Hugging Face's order of count changes.

use super::Control;
use crate::error::Result;
use rustc_hash::FxHashMap;

pub(crate) type Pair = (u32, u32);

/// A symbol of a word during training: its token id and how many chars it covers.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Sym {
    pub(crate) c: u32,
    pub(crate) len: usize,
}

/// Token strings by id, and ids by string.
#[derive(Debug, Default)]
pub(crate) struct Vocab {
    pub(crate) w2id: FxHashMap<String, u32>,
    pub(crate) id2w: Vec<String>,
}

impl Vocab {
    pub(crate) fn intern(&mut self, s: &str) -> u32 {
        if let Some(&id) = self.w2id.get(s) {
            return id;
        }
        let id = self.id2w.len() as u32;
        self.id2w.push(s.to_string());
        self.w2id.insert(s.to_string(), id);
        id
    }

    pub(crate) fn get(&self, s: &str) -> Option<u32> {
        self.w2id.get(s).copied()
    }

    pub(crate) fn token(&self, id: u32) -> &str {
        self.id2w.get(id as usize).map_or("", String::as_str)
    }

    pub(crate) fn len(&self) -> usize {
        self.id2w.len()
    }

    /// The token a merge of `pair` makes: both parts, the second without its continuing-subword prefix.
    pub(crate) fn merged(&self, pair: Pair, prefix: Option<&str>) -> String {
        let a = self.token(pair.0);
        let mut b = self.token(pair.1);
        if let Some(p) = prefix {
            b = b.strip_prefix(p).unwrap_or(b);
        }
        format!("{a}{b}")
    }
}

/// The alphabet, sorted by code point: every char of `words` (weighted by count) and `initial`
/// (always kept unless `limit` is below its size); `limit` keeps the most frequent chars (ties: the
/// larger char).
pub(crate) fn alphabet<'a>(
    words: impl Iterator<Item = (&'a str, u64)>,
    initial: &[char],
    limit: Option<usize>,
) -> Vec<char> {
    let mut counts: FxHashMap<char, u64> = FxHashMap::default();
    for (w, n) in words {
        for c in w.chars() {
            let e = counts.entry(c).or_insert(0);
            *e = e.saturating_add(n);
        }
    }
    for &c in initial {
        counts.insert(c, u64::MAX);
    }
    let mut kept: Vec<(char, u64)> = counts.into_iter().collect();
    if let Some(limit) = limit {
        let to_remove = kept.len().saturating_sub(limit);
        if to_remove > 0 {
            kept.sort_unstable_by_key(|&(c, n)| (n, c));
            kept.drain(..to_remove);
        }
    }
    let mut chars: Vec<char> = kept.into_iter().map(|(c, _)| c).collect();
    chars.sort_unstable();
    chars
}

/// `w` as symbols: chars outside the vocabulary are dropped (their neighbours keep their first/last
/// status, as in Hugging Face); the others get the prefix (not first) and suffix (last), interned.
pub(crate) fn word_syms(
    w: &str,
    vocab: &mut Vocab,
    prefix: Option<&str>,
    suffix: Option<&str>,
    buf: &mut String,
) -> Vec<Sym> {
    let nchars = w.chars().count();
    let mut word = Vec::with_capacity(nchars);
    for (k, c) in w.chars().enumerate() {
        buf.clear();
        buf.push(c);
        if vocab.get(buf).is_none() {
            continue;
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
        word.push(Sym {
            c: vocab.intern(buf),
            len: 1,
        });
    }
    word
}

/// Pair counts over `syms` (word `i` counted `counts[i]` times) and, per pair, the words holding it.
#[allow(clippy::type_complexity)]
pub(crate) fn count_pairs(
    syms: &[Vec<Sym>],
    counts: &[u64],
    ctl: &Control,
) -> Result<(FxHashMap<Pair, i64>, FxHashMap<Pair, Vec<u32>>)> {
    let mut pair_counts: FxHashMap<Pair, i64> = FxHashMap::default();
    let mut where_to_update: FxHashMap<Pair, Vec<u32>> = FxHashMap::default();
    for (i, word) in syms.iter().enumerate() {
        if i % 65536 == 0 {
            ctl.check()?;
            ctl.set_done(i as u64);
        }
        for win in word.windows(2) {
            let pair = (win[0].c, win[1].c);
            *pair_counts.entry(pair).or_insert(0) += counts[i] as i64;
            let pos = where_to_update.entry(pair).or_default();
            if pos.last() != Some(&(i as u32)) {
                pos.push(i as u32);
            }
        }
    }
    Ok((pair_counts, where_to_update))
}

/// Merge `pair` into `new` in the words at `positions` (a word listed twice is merged once), updating
/// the pair counts and the words holding each new pair. The count changes are appended to `changes`;
/// returns how many symbols the corpus lost.
#[allow(clippy::too_many_arguments)]
pub(crate) fn merge_words(
    syms: &mut [Vec<Sym>],
    counts: &[u64],
    positions: &[u32],
    pair: Pair,
    new: u32,
    max_length: usize,
    pair_counts: &mut FxHashMap<Pair, i64>,
    where_to_update: &mut FxHashMap<Pair, Vec<u32>>,
    changes: &mut Vec<(Pair, i64)>,
) -> i64 {
    let mut shorter = 0i64;
    for &i in positions {
        let before = changes.len();
        let Some(word) = syms.get_mut(i as usize) else {
            continue;
        };
        let len = word.len();
        merge_word(word, pair, new, max_length, changes);
        let n = counts.get(i as usize).copied().unwrap_or(0) as i64;
        shorter += (len - word.len()) as i64 * n;
        for &(p, change) in changes.get(before..).unwrap_or_default() {
            *pair_counts.entry(p).or_insert(0) += change * n;
            if change > 0 {
                let pos = where_to_update.entry(p).or_default();
                if pos.last() != Some(&i) {
                    pos.push(i);
                }
            }
        }
    }
    shorter
}

/// The merges in rank order, a pair merged twice keeping its last rank (Hugging Face stores merges
/// in a map).
pub(crate) fn last_ranks(merges: &[(Pair, u32)]) -> Vec<Pair> {
    let mut last: FxHashMap<Pair, usize> = FxHashMap::default();
    for (rank, (pair, _)) in merges.iter().enumerate() {
        last.insert(*pair, rank);
    }
    merges
        .iter()
        .enumerate()
        .filter(|(rank, (pair, _))| last.get(pair) == Some(rank))
        .map(|(_, (pair, _))| *pair)
        .collect()
}

/// Merge `(c1, c2)` into `new` everywhere in `word`, appending the pair-count changes as Hugging Face's
/// `Word::merge` does (same order of events, same `max_length` rule). In place: symbols are read at `r`
/// and written at `w <= r`, so the left neighbour is the (possibly merged) symbol written last and the
/// right neighbour one not read yet, as in Hugging Face's vector edits.
pub(crate) fn merge_word(
    word: &mut Vec<Sym>,
    (c1, c2): Pair,
    new: u32,
    max_length: usize,
    changes: &mut Vec<(Pair, i64)>,
) {
    let n = word.len();
    let (mut r, mut w) = (0, 0);
    while r < n {
        let first = word[r];
        if first.c == c1 && r + 1 < n && word[r + 1].c == c2 {
            let second = word[r + 1];
            let new_s = Sym {
                c: new,
                len: first.len + second.len,
            };
            if w > 0 {
                let prev = word[w - 1];
                changes.push(((prev.c, first.c), -1));
                if prev.len.saturating_add(new_s.len) < max_length {
                    changes.push(((prev.c, new), 1));
                }
            }
            if let Some(&next) = word.get(r + 2) {
                changes.push(((second.c, next.c), -1));
                if next.len.saturating_add(new_s.len) < max_length {
                    changes.push(((new, next.c), 1));
                }
            }
            word[w] = new_s;
            r += 2;
        } else {
            word[w] = first;
            r += 1;
        }
        w += 1;
    }
    word.truncate(w);
}
