//! BPE trainer: Hugging Face's `BpeTrainer` algorithm, step for step, so that the same counts give the
//! same vocabulary and merges.
//!
//! Special tokens take the first ids, then the alphabet (sorted by code point), then chars carrying the
//! continuing-subword prefix or end-of-word suffix, then one token per merge. Each step merges the pair
//! of highest count (ties: the smallest pair of ids) in the words listed with its queue entry, exactly
//! as Hugging Face's queue does: an entry holds the words where the pair was last created, a stale
//! count is refreshed and pushed back, and a pair may be merged again later in other words (the later
//! rank is the one kept, as in Hugging Face's merge map).
//!
//! Where Hugging Face depends on hash order (ids of prefixed/suffixed chars, ties when `limit_alphabet`
//! drops chars of equal count), words are walked in sorted order instead, so results are deterministic.

use super::options::Options;
use super::pairs::{count_pairs, last_ranks, merge_words, word_syms, Pair, Sym};
use super::symbols::SymbolOptions;
use super::{Control, Trained};
use crate::error::{Error, Result};
use rustc_hash::FxHashMap;
use serde_json::{Map, Value};
use std::cmp::Ordering;
use std::collections::BinaryHeap;

#[derive(Debug, Clone)]
pub struct BpeTrainer {
    pub vocab_size: usize,
    pub symbols: SymbolOptions,
}

impl Default for BpeTrainer {
    fn default() -> Self {
        BpeTrainer {
            vocab_size: 30000,
            symbols: SymbolOptions::default(),
        }
    }
}

/// What BPE training learns: tokens by id, and merges (pairs of ids) in rank order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BpeVocab {
    pub tokens: Vec<String>,
    pub merges: Vec<(u32, u32)>,
}

/// A queue entry: ordered by count, then by the smallest pair (Hugging Face's `Merge`).
#[derive(Debug)]
struct Entry {
    count: u64,
    pair: Pair,
    pos: Vec<u32>,
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.count == other.count && self.pair == other.pair
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        self.count
            .cmp(&other.count)
            .then_with(|| other.pair.cmp(&self.pair))
    }
}

pub(crate) fn not_large_enough(vocab_size: usize, needed: usize) -> Error {
    Error::argument(
        "vocab_size",
        format!(
            "The vocabulary is not large enough to contain all chars: vocab_size={vocab_size}, but \
             the special tokens and the alphabet need {needed}"
        ),
    )
}

impl BpeTrainer {
    pub fn from_options(o: &mut Options<'_>) -> Result<Self> {
        let d = BpeTrainer::default();
        Ok(BpeTrainer {
            vocab_size: o.usize("vocab_size", d.vocab_size)?,
            symbols: SymbolOptions::from_options(o)?,
        })
    }

    /// Learn the vocabulary and merges from `(word, count)` pairs (sorted by word for determinism).
    pub fn learn(&self, words: &[(&str, u64)], ctl: &Control) -> Result<BpeVocab> {
        let s = &self.symbols;
        let mut vocab = s.seed_vocab(words.iter().copied());
        if vocab.len() > self.vocab_size {
            return Err(not_large_enough(self.vocab_size, vocab.len()));
        }

        ctl.start(1, words.len() as u64);
        let (prefix, suffix) = s.affixes();
        let mut buf = String::new();
        let mut syms: Vec<Vec<Sym>> = Vec::with_capacity(words.len());
        let mut counts: Vec<u64> = Vec::with_capacity(words.len());
        for (i, (w, n)) in words.iter().enumerate() {
            if i % 65536 == 0 {
                ctl.check()?;
                ctl.set_done(i as u64);
            }
            syms.push(word_syms(w, &mut vocab, prefix, suffix, &mut buf));
            counts.push(*n);
        }

        ctl.start(2, syms.len() as u64);
        let (mut pair_counts, mut where_to_update) = count_pairs(&syms, &counts, ctl)?;
        let mut queue: BinaryHeap<Entry> = BinaryHeap::with_capacity(pair_counts.len());
        let push_all = |queue: &mut BinaryHeap<Entry>,
                        wtu: &mut FxHashMap<Pair, Vec<u32>>,
                        pc: &FxHashMap<Pair, i64>| {
            for (pair, pos) in wtu.drain() {
                let count = pc.get(&pair).copied().unwrap_or(0);
                if count > 0 {
                    queue.push(Entry {
                        count: count as u64,
                        pair,
                        pos,
                    });
                }
            }
        };
        push_all(&mut queue, &mut where_to_update, &pair_counts);

        // Merges.
        ctl.start(3, self.vocab_size as u64);
        let max_length = s.max_length();
        let mut merges: Vec<(Pair, u32)> = Vec::new();
        let mut changes: Vec<(Pair, i64)> = Vec::new();
        let mut steps = 0u64;
        while vocab.len() < self.vocab_size {
            steps += 1;
            if steps % 256 == 0 {
                ctl.check()?;
                ctl.set_done(vocab.len() as u64);
            }
            let Some(mut top) = queue.pop() else { break };
            let current = pair_counts.get(&top.pair).copied().unwrap_or(0).max(0) as u64;
            if top.count != current {
                top.count = current;
                queue.push(top);
                continue;
            }
            if top.count < 1 || s.min_frequency > top.count {
                break;
            }
            let new_id = vocab.intern(&vocab.merged(top.pair, prefix));
            merges.push((top.pair, new_id));
            merge_words(
                &mut syms,
                &counts,
                &top.pos,
                top.pair,
                new_id,
                max_length,
                &mut pair_counts,
                &mut where_to_update,
                &mut changes,
            );
            changes.clear();
            push_all(&mut queue, &mut where_to_update, &pair_counts);
        }
        ctl.set_done(vocab.len() as u64);
        Ok(BpeVocab {
            tokens: vocab.id2w,
            merges: last_ranks(&merges),
        })
    }

    /// Train a BPE model; `base` holds the old model's fields (unk token, byte fallback...) to keep.
    pub fn train(
        &self,
        words: &mut super::WordCounts,
        base: Map<String, Value>,
        ctl: &Control,
    ) -> Result<Trained> {
        let sorted = words.sorted();
        let v = self.learn(&sorted, ctl)?;
        Ok(self.symbols.trained(&v, base))
    }
}

/// The tokenizer.json `model` object of a trained BPE.
pub fn bpe_model_json(
    v: &BpeVocab,
    mut base: Map<String, Value>,
    prefix: Option<&str>,
    suffix: Option<&str>,
) -> Value {
    let vocab: Map<String, Value> = v
        .tokens
        .iter()
        .enumerate()
        .map(|(id, t)| (t.clone(), Value::from(id as u32)))
        .collect();
    let tok = |id: u32| v.tokens.get(id as usize).cloned().unwrap_or_default();
    let merges: Vec<Value> = v
        .merges
        .iter()
        .map(|&(a, b)| Value::Array(vec![Value::String(tok(a)), Value::String(tok(b))]))
        .collect();
    base.insert("type".into(), "BPE".into());
    for (k, d) in [
        ("dropout", Value::Null),
        ("unk_token", Value::Null),
        ("fuse_unk", Value::Bool(false)),
        ("byte_fallback", Value::Bool(false)),
        ("ignore_merges", Value::Bool(false)),
    ] {
        base.entry(k).or_insert(d);
    }
    base.insert("continuing_subword_prefix".into(), prefix.into());
    base.insert("end_of_word_suffix".into(), suffix.into());
    base.insert("vocab".into(), Value::Object(vocab));
    base.insert("merges".into(), Value::Array(merges));
    Value::Object(base)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trainers::SpecialToken;

    fn learn(t: &BpeTrainer, words: &[(&str, u64)]) -> (Vec<String>, Vec<(String, String)>) {
        let v = t.learn(words, &Control::default()).unwrap();
        let s = |id: u32| v.tokens[id as usize].clone();
        let merges = v.merges.iter().map(|&(a, b)| (s(a), s(b))).collect();
        (v.tokens, merges)
    }

    #[test]
    fn merges_most_frequent_pairs_first() {
        let t = BpeTrainer {
            vocab_size: 8,
            ..BpeTrainer::default()
        };
        let (tokens, merges) = learn(&t, &[("hug", 10), ("pug", 5), ("hugs", 5)]);
        assert_eq!(tokens, ["g", "h", "p", "s", "u", "ug", "hug", "pug"]);
        assert_eq!(
            merges,
            [
                ("u".into(), "g".into()),
                ("h".into(), "ug".into()),
                ("p".into(), "ug".into())
            ]
        );
    }

    #[test]
    fn ties_go_to_the_smallest_pair() {
        let t = BpeTrainer {
            vocab_size: 5,
            ..BpeTrainer::default()
        };
        // (a, b) and (c, d) both have count 2: (a, b) has the smaller ids.
        let (_, merges) = learn(&t, &[("ab", 2), ("cd", 2)]);
        assert_eq!(merges, [("a".into(), "b".into())]);
    }

    #[test]
    fn suffix_and_prefix_decorate_chars() {
        let t = BpeTrainer {
            vocab_size: 100,
            symbols: SymbolOptions {
                end_of_word_suffix: Some("</w>".into()),
                ..SymbolOptions::default()
            },
        };
        let (tokens, merges) = learn(&t, &[("ab", 3)]);
        assert_eq!(tokens, ["a", "b", "b</w>", "ab</w>"]);
        assert_eq!(merges, [("a".into(), "b</w>".into())]);
        let t = BpeTrainer {
            vocab_size: 100,
            symbols: SymbolOptions {
                continuing_subword_prefix: Some("##".into()),
                ..SymbolOptions::default()
            },
        };
        let (tokens, _) = learn(&t, &[("abc", 3)]);
        assert_eq!(tokens, ["a", "b", "c", "##b", "##c", "ab", "abc"]);
    }

    #[test]
    fn specials_come_first_and_min_frequency_stops() {
        let t = BpeTrainer {
            vocab_size: 100,
            symbols: SymbolOptions {
                min_frequency: 3,
                special_tokens: vec![SpecialToken::new("<s>", true)],
                ..SymbolOptions::default()
            },
        };
        let (tokens, merges) = learn(&t, &[("ab", 3), ("cd", 2)]);
        assert_eq!(tokens, ["<s>", "a", "b", "c", "d", "ab"]);
        assert_eq!(merges.len(), 1);
    }

    #[test]
    fn repeated_symbols_merge_left_to_right() {
        let t = BpeTrainer {
            vocab_size: 100,
            ..BpeTrainer::default()
        };
        let (tokens, _) = learn(&t, &[("aaaa", 1)]);
        assert_eq!(tokens, ["a", "aa", "aaaa"]);
    }

    #[test]
    fn max_token_length_limits_new_pairs() {
        let t = BpeTrainer {
            vocab_size: 100,
            symbols: SymbolOptions {
                max_token_length: Some(2),
                ..SymbolOptions::default()
            },
        };
        let (tokens, _) = learn(&t, &[("abcd", 5)]);
        assert!(tokens.iter().all(|t| t.chars().count() <= 2), "{tokens:?}");
    }

    #[test]
    fn limit_alphabet_drops_rare_chars_and_small_vocab_fails() {
        let t = BpeTrainer {
            vocab_size: 100,
            symbols: SymbolOptions {
                limit_alphabet: Some(2),
                ..SymbolOptions::default()
            },
        };
        let (tokens, _) = learn(&t, &[("aab", 5), ("z", 1)]);
        assert_eq!(&tokens[..2], ["a", "b"]);
        assert!(!tokens.iter().any(|t| t.contains('z')));
        let t = BpeTrainer {
            vocab_size: 2,
            ..BpeTrainer::default()
        };
        let err = t.learn(&[("abc", 1)], &Control::default()).unwrap_err();
        assert!(err
            .to_string()
            .contains("not large enough to contain all chars"));
    }
}
