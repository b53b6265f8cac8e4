//! Unigram trainer, Hugging Face's `UnigramTrainer` algorithm: seed pieces (every char, then the most
//! frequent substrings found with an enhanced suffix array, scored by frequency × length), EM
//! iterations on the lattice of each word (expected counts, then a digamma re-scoring that drops rare
//! pieces), and pruning of the pieces whose removal costs the least likelihood, until 1.1 × vocab_size
//! pieces remain; the final vocabulary is the special tokens, every char, then the best pieces.

use super::options::Options;
use super::unigram_lattice::{Lattice, PieceTrie, UNK_PENALTY};
use super::SpecialToken;
use super::{Control, Trained, WordCounts};
use crate::error::{Error, Result};
use rustc_hash::FxHashMap;
use serde_json::{Map, Value};

/// Pieces with their scores, by id, and the id of the unknown token.
pub type Learned = (Vec<(String, f64)>, Option<usize>);

#[derive(Debug, Clone)]
pub struct UnigramTrainer {
    pub vocab_size: usize,
    pub n_sub_iterations: usize,
    pub shrinking_factor: f64,
    pub show_progress: bool,
    pub special_tokens: Vec<SpecialToken>,
    pub initial_alphabet: Vec<char>,
    pub unk_token: Option<String>,
    pub max_piece_length: usize,
    pub seed_size: usize,
}

impl Default for UnigramTrainer {
    fn default() -> Self {
        UnigramTrainer {
            vocab_size: 8000,
            n_sub_iterations: 2,
            shrinking_factor: 0.75,
            show_progress: true,
            special_tokens: Vec::new(),
            initial_alphabet: Vec::new(),
            unk_token: None,
            max_piece_length: 16,
            seed_size: 1_000_000,
        }
    }
}

impl UnigramTrainer {
    pub fn from_options(o: &mut Options<'_>) -> Result<Self> {
        let d = UnigramTrainer::default();
        let t = UnigramTrainer {
            vocab_size: o.usize("vocab_size", d.vocab_size)?,
            n_sub_iterations: o.usize("n_sub_iterations", d.n_sub_iterations)?,
            shrinking_factor: o.f64("shrinking_factor", d.shrinking_factor)?,
            show_progress: o.bool("show_progress", d.show_progress)?,
            special_tokens: o.special_tokens("special_tokens")?,
            initial_alphabet: o.chars("initial_alphabet")?,
            unk_token: o.opt_string("unk_token")?,
            max_piece_length: o.usize("max_piece_length", d.max_piece_length)?,
            seed_size: o.usize("seed_size", d.seed_size)?,
        };
        if !(t.shrinking_factor > 0.0 && t.shrinking_factor < 1.0) {
            return Err(Error::argument(
                "shrinking_factor",
                format!("must be in (0, 1), got {}", t.shrinking_factor),
            ));
        }
        Ok(t)
    }

    /// Learn `(piece, score)` pairs and the unknown piece's id from `(word, count)` pairs.
    pub fn learn(&self, words: &[(&str, u64)], ctl: &Control) -> Result<Learned> {
        // Seeds: chars and frequent substrings (Hugging Face's `make_seed_sentence_pieces`).
        ctl.start(4, 1);
        ctl.check()?;
        let mut pieces: Vec<(String, f64)> = vec![("<UNK>".into(), f64::NAN)];
        pieces.extend(self.seeds(words));
        let desired = self.vocab_size * 11 / 10;
        let required = self.required_chars(words);
        if required.len() > self.vocab_size {
            return Err(super::bpe::not_large_enough(
                self.vocab_size,
                required.len(),
            ));
        }
        let loops = (((desired as f64).ln() - (pieces.len() as f64).ln())
            / self.shrinking_factor.ln())
        .max(0.0) as u64
            + 1;
        ctl.start(4, loops * self.n_sub_iterations as u64);
        let mut step = 0;
        loop {
            for _ in 0..self.n_sub_iterations {
                ctl.check()?;
                let expected = e_step(&pieces, words, ctl)?;
                pieces = m_step(&pieces, &expected);
                step += 1;
                ctl.set_done(step);
            }
            if pieces.len() <= desired {
                break;
            }
            pieces = self.prune(&pieces, words, ctl)?;
        }
        self.finalize(pieces, required)
    }

    fn required_chars(&self, words: &[(&str, u64)]) -> Vec<char> {
        let mut chars: Vec<char> = words
            .iter()
            .flat_map(|(w, _)| w.chars())
            .chain(self.initial_alphabet.iter().copied())
            .collect();
        chars.sort_unstable();
        chars.dedup();
        chars
    }

    fn seeds(&self, words: &[(&str, u64)]) -> Vec<(String, f64)> {
        let mut flat = String::new();
        let mut all_chars: FxHashMap<char, u64> = FxHashMap::default();
        for (w, n) in words {
            if w.is_empty() {
                continue;
            }
            flat.push_str(w);
            flat.push('\0');
            for c in w.chars().filter(|&c| c != '\0') {
                *all_chars.entry(c).or_insert(0) += n;
            }
        }
        let mut seeds: Vec<(String, f64)> = Vec::new();
        let mut chars: Vec<(u64, char)> = all_chars.into_iter().map(|(c, n)| (n, c)).collect();
        chars.sort_unstable_by(|a, b| b.cmp(a));
        seeds.extend(chars.into_iter().map(|(n, c)| (c.to_string(), n as f64)));
        if !flat.is_empty() {
            if let Ok(suffix) = esaxx_rs::suffix_rs(&flat) {
                let mut subs: Vec<(u64, &[char])> = suffix
                    .iter()
                    .filter(|(s, _)| s.len() > 1 && s.len() <= self.max_piece_length)
                    .filter(|(s, _)| !s.contains(&'\0'))
                    .map(|(s, freq)| (freq as u64 * s.len() as u64, s))
                    .collect();
                subs.sort_unstable_by(|a, b| b.cmp(a));
                for (score, s) in subs {
                    if seeds.len() >= self.seed_size {
                        break;
                    }
                    seeds.push((s.iter().collect(), score as f64));
                }
            }
        }
        let logsum = seeds.iter().map(|(_, s)| s).sum::<f64>().ln();
        for (_, s) in seeds.iter_mut() {
            *s = s.ln() - logsum;
        }
        seeds
    }

    /// Drop the pieces whose removal costs the least likelihood (Hugging Face's
    /// `prune_sentence_pieces`), down to `shrinking_factor` of them but not below 1.1 × vocab_size.
    fn prune(
        &self,
        pieces: &[(String, f64)],
        words: &[(&str, u64)],
        ctl: &Control,
    ) -> Result<Vec<(String, f64)>> {
        let model = Model::new(pieces);
        let mut lattice = Lattice::default();
        let mut path = Vec::new();
        let mut always_keep = vec![true; pieces.len()];
        let mut alternatives: Vec<Vec<u32>> = vec![Vec::new(); pieces.len()];
        for (id, (piece, _)) in pieces.iter().enumerate().skip(1) {
            if id % 4096 == 0 {
                ctl.check()?;
            }
            model.lattice(piece, &mut lattice);
            lattice.viterbi(None, &mut path);
            if path.len() >= 2 {
                always_keep[id] = false;
            } else if path.len() == 1 {
                // The piece is its own best segmentation: its alternative is the best one without it.
                let whole = lattice.nodes.iter().position(|n| {
                    n.start == 0 && n.end as usize == lattice.len && n.id == id as u32
                });
                if let Some(k) = whole {
                    lattice.viterbi(Some(k), &mut path);
                    alternatives[id] = path.clone();
                }
            }
        }
        let mut freq = vec![0.0f64; pieces.len()];
        let mut vsum = 0.0;
        for (i, (w, n)) in words.iter().enumerate() {
            if i % 4096 == 0 {
                ctl.check()?;
            }
            model.lattice(w, &mut lattice);
            vsum += *n as f64;
            lattice.viterbi(None, &mut path);
            for &id in &path {
                freq[id as usize] += *n as f64;
            }
        }
        let sum: f64 = freq.iter().sum();
        let logsum = sum.ln();
        let mut candidates: Vec<(usize, f64)> = Vec::new();
        let mut kept: Vec<(String, f64)> = vec![pieces[0].clone()];
        for (id, (piece, score)) in pieces.iter().enumerate().skip(1) {
            if freq[id] == 0.0 && !always_keep[id] {
                continue;
            } else if alternatives[id].is_empty() {
                kept.push((piece.clone(), *score));
            } else {
                // Each occurrence in a best segmentation, weighted by its word's count.
                let f = freq[id] / vsum;
                if f == 0.0 || f.is_nan() {
                    continue;
                }
                let logprob_sp = freq[id].ln() - logsum;
                // Hugging Face multiplies by (number of pieces - 1) here, where sentencepiece uses the
                // number of alternatives; kept for the same results.
                let logsum_alt = (sum + freq[id] * (pieces.len() - 1) as f64).ln();
                let logprob_alt: f64 = alternatives[id]
                    .iter()
                    .map(|&n| (freq[n as usize] + freq[id]).ln() - logsum_alt)
                    .sum();
                let loss = f * (logprob_sp - logprob_alt);
                if !loss.is_nan() {
                    candidates.push((id, loss));
                }
            }
        }
        let desired = self.vocab_size * 11 / 10;
        let pruned = desired.max((pieces.len() as f64 * self.shrinking_factor) as usize);
        candidates.sort_by(|a, b| b.1.partial_cmp(&a.1).unwrap_or(std::cmp::Ordering::Equal));
        for (id, _) in candidates {
            if kept.len() == pruned {
                break;
            }
            kept.push(pieces[id].clone());
        }
        Ok(kept)
    }

    /// The final vocabulary: special tokens (and the unknown token) first, every required char, then
    /// the best pieces, by decreasing score.
    fn finalize(&self, pieces: Vec<(String, f64)>, required: Vec<char>) -> Result<Learned> {
        let min_score = pieces
            .iter()
            .map(|p| p.1)
            .filter(|s| !s.is_nan())
            .fold(f64::INFINITY, f64::min);
        let existing: FxHashMap<&str, f64> = pieces.iter().map(|(p, s)| (p.as_str(), *s)).collect();
        let mut inserted: std::collections::HashSet<String> = std::collections::HashSet::new();
        inserted.insert("<UNK>".into());
        let mut out: Vec<(String, f64)> = Vec::new();
        let mut penalty = 0.0;
        for c in required {
            let s = c.to_string();
            let score = match existing.get(s.as_str()) {
                Some(&sc) => sc,
                None => {
                    let sc = min_score + penalty;
                    penalty += 0.0001;
                    sc
                }
            };
            inserted.insert(s.clone());
            out.push((s, score));
        }
        let specials: Vec<&str> = self
            .special_tokens
            .iter()
            .map(|t| t.content.as_str())
            .collect();
        let (unk_id, add_unk) = match &self.unk_token {
            Some(unk) => match specials.iter().position(|s| s == unk) {
                Some(i) => (Some(i), false),
                None => (Some(0), true),
            },
            None => (None, false),
        };
        let reserved = specials.len() + usize::from(add_unk);
        let room = self
            .vocab_size
            .checked_sub(reserved)
            .ok_or_else(|| super::bpe::not_large_enough(self.vocab_size, reserved))?;
        for (p, s) in &pieces {
            if out.len() >= room {
                break;
            }
            if inserted.contains(p) {
                continue;
            }
            inserted.insert(p.clone());
            out.push((p.clone(), if s.is_nan() { 0.0 } else { *s }));
        }
        out.sort_by(|a, b| b.1.partial_cmp(&a.1).unwrap_or(std::cmp::Ordering::Equal));
        let mut vocab: Vec<(String, f64)> = Vec::with_capacity(out.len() + reserved);
        if add_unk {
            vocab.push((self.unk_token.clone().unwrap_or_default(), 0.0));
        }
        vocab.extend(specials.iter().map(|s| (s.to_string(), 0.0)));
        vocab.extend(out);
        Ok((vocab, unk_id))
    }

    pub fn train(
        &self,
        words: &mut WordCounts,
        mut base: Map<String, Value>,
        ctl: &Control,
    ) -> Result<Trained> {
        let sorted = words.sorted();
        let (vocab, unk_id) = self.learn(&sorted, ctl)?;
        base.insert("type".into(), "Unigram".into());
        base.insert("unk_id".into(), unk_id.map_or(Value::Null, Value::from));
        base.entry("byte_fallback").or_insert(Value::Bool(false));
        base.insert(
            "vocab".into(),
            Value::Array(
                vocab
                    .into_iter()
                    .map(|(p, s)| Value::Array(vec![Value::String(p), Value::from(s)]))
                    .collect(),
            ),
        );
        Ok(Trained {
            model: Value::Object(base),
            special_tokens: self.special_tokens.clone(),
        })
    }
}

/// The pieces as a model for the lattice: trie, scores and the unknown piece's score.
struct Model {
    trie: PieceTrie,
    scores: Vec<f64>,
    unk_score: f64,
}

impl Model {
    fn new(pieces: &[(String, f64)]) -> Self {
        let scores: Vec<f64> = pieces.iter().map(|p| p.1).collect();
        let min = scores
            .iter()
            .copied()
            .filter(|s| !s.is_nan())
            .fold(f64::INFINITY, f64::min);
        // Piece 0 is the unknown piece: never matched as text.
        let trie = PieceTrie::new(
            pieces
                .iter()
                .enumerate()
                .skip(1)
                .map(|(i, (p, _))| (i as u32, p.as_str())),
        );
        Model {
            trie,
            scores,
            unk_score: min - UNK_PENALTY,
        }
    }

    fn lattice(&self, word: &str, l: &mut Lattice) {
        l.build(word, &self.trie, &self.scores, (0, self.unk_score));
    }
}

/// Expected count of every piece over all words (weighted by their counts).
fn e_step(pieces: &[(String, f64)], words: &[(&str, u64)], ctl: &Control) -> Result<Vec<f64>> {
    let model = Model::new(pieces);
    let mut expected = vec![0.0; pieces.len()];
    let mut lattice = Lattice::default();
    for (i, (w, n)) in words.iter().enumerate() {
        if i % 4096 == 0 {
            ctl.check()?;
        }
        model.lattice(w, &mut lattice);
        lattice.marginal(*n as f64, &mut expected);
    }
    Ok(expected)
}

/// Keep pieces expected at least half a time and re-score them (Bayesian EM with a digamma prior, as
/// Hugging Face and sentencepiece). Piece 0 (unknown) is always kept.
fn m_step(pieces: &[(String, f64)], expected: &[f64]) -> Vec<(String, f64)> {
    let mut kept: Vec<(String, f64)> = Vec::with_capacity(pieces.len());
    let mut sum = 0.0;
    for (i, ((p, _), &f)) in pieces.iter().zip(expected).enumerate() {
        if i == 0 {
            kept.push((p.clone(), f64::NAN));
            continue;
        }
        if f < 0.5 {
            continue;
        }
        kept.push((p.clone(), f));
        sum += f;
    }
    let logsum = digamma(sum);
    kept.into_iter()
        .map(|(p, c)| (p, digamma(c) - logsum))
        .collect()
}

fn digamma(mut x: f64) -> f64 {
    let mut result = 0.0;
    while x < 7.0 {
        result -= 1.0 / x;
        x += 1.0;
    }
    x -= 0.5;
    let xx = 1.0 / x;
    let xx2 = xx * xx;
    let xx4 = xx2 * xx2;
    result + x.ln() + xx2 / 24.0 - 7.0 / 960.0 * xx4 + 31.0 / 8064.0 * xx4 * xx2
        - 127.0 / 30720.0 * xx4 * xx4
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learns_frequent_pieces_and_keeps_every_char() {
        let t = UnigramTrainer {
            vocab_size: 12,
            unk_token: Some("<unk>".into()),
            special_tokens: vec![SpecialToken::new("<unk>", true)],
            ..UnigramTrainer::default()
        };
        let words = [("hello", 10), ("help", 5), ("yellow", 3), ("low", 4)];
        let (vocab, unk) = t.learn(&words, &Control::default()).unwrap();
        assert_eq!(unk, Some(0));
        assert_eq!(vocab[0].0, "<unk>");
        assert!(vocab.len() <= 12);
        for c in "helowyp".chars() {
            assert!(
                vocab.iter().any(|(p, _)| *p == c.to_string()),
                "{c} missing: {vocab:?}"
            );
        }
        assert!(vocab
            .iter()
            .skip(1)
            .all(|(_, s)| s.is_finite() && *s <= 0.0));
    }

    #[test]
    fn too_small_vocab_is_an_error() {
        let t = UnigramTrainer {
            vocab_size: 3,
            ..UnigramTrainer::default()
        };
        let err = t.learn(&[("abcdef", 1)], &Control::default()).unwrap_err();
        assert!(err
            .to_string()
            .contains("not large enough to contain all chars"));
    }
}
