//! Parity-aware BPE trainer: Hugging Face's `ParityBpeTrainer` (Foroutan et al., 2025), step for step.
//!
//! Each language has its own corpus. At each step one language is chosen (the one whose dev set is
//! longest in tokens, or with the lowest `compression / ratio`, or by the moving window), its most
//! frequent pair is merged, and the merge is applied to every language. The first `global_merges`
//! steps pick the most frequent pair over all languages instead. Pair counting and word merging are
//! the BPE trainer's (`bpe.rs`); what is new here is the choice of language.
//!
//! Ties between pairs of equal count go to the larger pair of strings (Hugging Face follows the
//! Python reference's `max`), ties between languages to the lower index. Where Hugging Face depends
//! on hash order (ids of prefixed/suffixed chars, a merged dev word equal to another one), words are
//! walked in sorted order. Where it would loop forever (every language still merging is over its
//! window share while another one has run out; only languages without text left), the turn goes to
//! the last language checked, or the first one still merging.

use super::bpe::BpeVocab;
use super::options::Options;
use super::pairs::{count_pairs, last_ranks, merge_words, word_syms, Pair, Sym};
use super::parity_dev::DevSet;
use super::symbols::SymbolOptions;
use super::{Control, Trained, WordCounts};
use crate::error::{Error, Result};
use rustc_hash::{FxHashMap, FxHashSet};
use serde_json::{Map, Value};
use std::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};
use std::rc::Rc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    Base,
    Window,
}

#[derive(Debug, Clone)]
pub struct ParityBpeTrainer {
    pub num_merges: usize,
    pub variant: Variant,
    /// Target compression rate per language (used when no dev set is given).
    pub ratio: Option<Vec<f64>>,
    pub global_merges: usize,
    pub window_size: usize,
    pub alpha: f64,
    pub total_symbols: bool,
    pub symbols: SymbolOptions,
}

impl Default for ParityBpeTrainer {
    fn default() -> Self {
        ParityBpeTrainer {
            num_merges: 32000,
            variant: Variant::Base,
            ratio: None,
            global_merges: 0,
            window_size: 100,
            alpha: 2.0,
            total_symbols: false,
            symbols: SymbolOptions::default(),
        }
    }
}

/// A queue entry: by count, then by the pair's strings (the larger wins, as Python's `max`).
#[derive(Debug)]
struct Entry {
    count: u64,
    key: (Rc<str>, Rc<str>),
    pair: Pair,
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
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
            .then_with(|| self.key.cmp(&other.key))
    }
}

/// Pairs by count with lazy deletion: entries are pushed whenever a count changes; a popped entry
/// whose count is stale is pushed back with the current one.
#[derive(Default)]
struct Queue(BinaryHeap<Entry>);

impl Queue {
    fn push(&mut self, pair: Pair, count: i64, names: &[Rc<str>]) {
        if count > 0 {
            let name = |id: u32| names.get(id as usize).cloned().unwrap_or_else(|| "".into());
            self.0.push(Entry {
                count: count as u64,
                key: (name(pair.0), name(pair.1)),
                pair,
            });
        }
    }

    /// The pair of highest current count (ties: larger strings), removed from the queue.
    fn pop(&mut self, counts: &FxHashMap<Pair, i64>) -> Option<(Pair, u64)> {
        while let Some(mut top) = self.0.pop() {
            let current = counts.get(&top.pair).copied().unwrap_or(0);
            if current <= 0 {
                continue;
            }
            if top.count != current as u64 {
                top.count = current as u64;
                self.0.push(top);
                continue;
            }
            return Some((top.pair, top.count));
        }
        None
    }
}

/// One language's training words and their pair statistics.
struct Lang {
    syms: Vec<Vec<Sym>>,
    counts: Vec<u64>,
    pairs: FxHashMap<Pair, i64>,
    places: FxHashMap<Pair, Vec<u32>>,
    queue: Queue,
}

impl Lang {
    /// Total symbols (tokens) of the corpus.
    fn length(&self) -> i64 {
        self.syms
            .iter()
            .zip(&self.counts)
            .map(|(w, &n)| w.len() as i64 * n as i64)
            .sum()
    }
}

/// What the choice of language looks at.
enum Measure {
    /// Tokens per language (dev set, or training set without dev set and ratio): longest first.
    Lengths(Vec<i64>),
    /// Training tokens at the start and now, and target ratios: lowest `(start / now) / ratio` first.
    Ratio {
        start: Vec<f64>,
        now: Vec<f64>,
        ratio: Vec<f64>,
    },
}

impl Measure {
    /// Per language, larger is chosen first; None for languages that cannot be chosen.
    fn scores(&self, exhausted: &[bool]) -> Vec<Option<f64>> {
        match self {
            Measure::Lengths(l) => l
                .iter()
                .zip(exhausted)
                .map(|(&v, &x)| (!x).then_some(v as f64))
                .collect(),
            Measure::Ratio { start, now, ratio } => (0..ratio.len())
                .map(|i| {
                    // Infinite or NaN rates (a language without text) are never chosen.
                    let v = -((start[i] / now[i]) / ratio[i]);
                    (!exhausted[i] && v.is_finite()).then_some(v)
                })
                .collect(),
        }
    }

    fn shorten(&mut self, lang: usize, by: i64) {
        match self {
            Measure::Lengths(l) => l[lang] -= by,
            Measure::Ratio { now, .. } => now[lang] -= by as f64,
        }
    }
}

/// The best language: highest score, ties to the lowest index; None when none can be chosen.
fn best(scores: &[Option<f64>], mask: &[bool]) -> Option<usize> {
    let mut out: Option<(usize, f64)> = None;
    for (i, s) in scores.iter().enumerate() {
        if let (Some(v), true) = (*s, mask[i]) {
            if out.is_none_or(|(_, b)| v > b) {
                out = Some((i, v));
            }
        }
    }
    out.map(|(i, _)| i)
}

/// The moving window: the best language whose share of the last `window_size` choices is at most
/// `threshold`, else the next best...; when all are over, the last one checked.
fn pick_window(
    scores: &[Option<f64>],
    window: &VecDeque<usize>,
    window_size: usize,
    threshold: f64,
) -> Option<usize> {
    let mut mask = vec![true; scores.len()];
    let mut last = None;
    while let Some(i) = best(scores, &mask) {
        let share = window.iter().filter(|&&x| x == i).count() as f64 / window_size as f64;
        if share <= threshold {
            return Some(i);
        }
        mask[i] = false;
        last = Some(i);
    }
    last
}

impl ParityBpeTrainer {
    pub fn from_options(o: &mut Options<'_>) -> Result<Self> {
        let d = ParityBpeTrainer::default();
        let variant = match o.opt_string("variant")?.as_deref() {
            None | Some("base") => Variant::Base,
            Some("window") => Variant::Window,
            Some(other) => {
                return Err(Error::argument(
                    "variant",
                    format!("unknown variant '{other}' (expected 'base' or 'window')"),
                ))
            }
        };
        Ok(ParityBpeTrainer {
            num_merges: o.usize("num_merges", d.num_merges)?,
            variant,
            ratio: o.opt_f64s("ratio")?,
            global_merges: o.usize("global_merges", d.global_merges)?,
            window_size: o.usize("window_size", d.window_size)?,
            alpha: o.f64("alpha", d.alpha)?,
            total_symbols: o.bool("total_symbols", d.total_symbols)?,
            symbols: SymbolOptions::from_options(o)?,
        })
    }

    /// Errors of options that depend on the number of languages.
    fn check(&self, langs: usize, dev: Option<usize>) -> Result<()> {
        if langs == 0 {
            return Err(Error::argument(
                "train_iterators",
                "must not be empty (one corpus per language)",
            ));
        }
        if let Some(d) = dev.filter(|&d| d != langs) {
            return Err(Error::argument(
                "dev_iterators",
                format!("length ({d}) must match train_iterators length ({langs})"),
            ));
        }
        if self.variant == Variant::Window {
            if self.window_size == 0 {
                return Err(Error::argument(
                    "window_size",
                    "must be > 0 when variant is 'window'",
                ));
            }
            if !self.alpha.is_finite() || self.alpha <= 0.0 {
                return Err(Error::argument(
                    "alpha",
                    format!(
                        "must be a positive finite number when variant is 'window' (got {})",
                        self.alpha
                    ),
                ));
            }
        }
        if let (Some(r), None) = (&self.ratio, dev) {
            if r.len() != langs {
                return Err(Error::argument(
                    "ratio",
                    format!(
                        "length ({}) does not match the number of languages ({langs})",
                        r.len()
                    ),
                ));
            }
            if let Some((i, v)) = r
                .iter()
                .enumerate()
                .find(|(_, v)| !v.is_finite() || **v <= 0.0)
            {
                return Err(Error::argument(
                    format!("ratio[{i}]"),
                    format!("must be a positive finite number (got {v})"),
                ));
            }
        }
        Ok(())
    }

    /// Learn from one `(word, count)` list per language (sorted by word) and, optionally, one dev list
    /// per language; the dev set, when given, takes precedence over `ratio`.
    pub fn learn(
        &self,
        train: &[Vec<(&str, u64)>],
        dev: Option<&[Vec<(&str, u64)>]>,
        ctl: &Control,
    ) -> Result<BpeVocab> {
        self.check(train.len(), dev.map(<[_]>::len))?;
        let n = train.len();
        let s = &self.symbols;
        let (prefix, suffix) = s.affixes();
        let all = train.iter().chain(dev.unwrap_or_default());
        let mut vocab = s.seed_vocab(all.flat_map(|l| l.iter().copied()));
        let mut buf = String::new();

        let total_words: usize = train.iter().map(Vec::len).sum();
        ctl.start(1, total_words as u64);
        let mut langs: Vec<Lang> = Vec::with_capacity(n);
        for words in train {
            ctl.check()?;
            let syms = words
                .iter()
                .map(|(w, _)| word_syms(w, &mut vocab, prefix, suffix, &mut buf))
                .collect();
            let counts = words.iter().map(|&(_, c)| c).collect();
            langs.push(Lang {
                syms,
                counts,
                pairs: FxHashMap::default(),
                places: FxHashMap::default(),
                queue: Queue::default(),
            });
        }
        let mut names: Vec<Rc<str>> = vocab.id2w.iter().map(|s| Rc::from(s.as_str())).collect();

        ctl.start(2, n as u64);
        for lang in &mut langs {
            let (pairs, places) = count_pairs(&lang.syms, &lang.counts, ctl)?;
            for (&p, &c) in &pairs {
                lang.queue.push(p, c, &names);
            }
            (lang.pairs, lang.places) = (pairs, places);
        }
        let want_global = self.global_merges > 0;
        let mut global: FxHashMap<Pair, i64> = FxHashMap::default();
        let mut global_queue = Queue::default();
        if want_global {
            for lang in &langs {
                for (&p, &c) in &lang.pairs {
                    if c > 0 {
                        *global.entry(p).or_insert(0) += c;
                    }
                }
            }
            for (&p, &c) in &global {
                global_queue.push(p, c, &names);
            }
        }

        let mut devs = dev.map(|d| DevSet::new(d, &vocab, prefix, suffix));
        let mut measure = match (&devs, &self.ratio) {
            (Some(d), _) => Measure::Lengths(d.lengths(n)),
            (None, Some(r)) => {
                let start: Vec<f64> = langs.iter().map(|l| l.length() as f64).collect();
                Measure::Ratio {
                    now: start.clone(),
                    start,
                    ratio: r.clone(),
                }
            }
            (None, None) => Measure::Lengths(langs.iter().map(Lang::length).collect()),
        };

        // `num_merges` counts every symbol: the specials and chars already there are taken off.
        let num_merges = if self.total_symbols {
            self.num_merges.saturating_sub(vocab.len())
        } else {
            self.num_merges
        };
        ctl.start(3, num_merges as u64);
        let threshold = self.alpha / n as f64;
        let max_length = s.max_length();
        let mut window: VecDeque<usize> = VecDeque::with_capacity(self.window_size + 1);
        let mut exhausted = vec![false; n];
        let mut merges: Vec<(Pair, u32)> = Vec::new();
        let mut changes: Vec<(Pair, i64)> = Vec::new();
        let mut changed: FxHashSet<Pair> = FxHashSet::default();
        while merges.len() < num_merges && exhausted.iter().any(|x| !x) {
            if merges.len() % 64 == 0 {
                ctl.check()?;
                ctl.set_done(merges.len() as u64);
            }
            let is_global = merges.len() < self.global_merges;
            let choice = if is_global {
                None
            } else {
                let scores = measure.scores(&exhausted);
                let pick = match self.variant {
                    Variant::Base => best(&scores, &vec![true; n]),
                    Variant::Window => pick_window(&scores, &window, self.window_size, threshold),
                };
                let lang = pick
                    .or_else(|| exhausted.iter().position(|x| !x))
                    .unwrap_or(0);
                if self.variant == Variant::Window {
                    window.push_back(lang);
                    if window.len() > self.window_size {
                        window.pop_front();
                    }
                }
                Some(lang)
            };
            let top = match choice {
                None => global_queue.pop(&global),
                Some(l) => {
                    let lang = &mut langs[l];
                    lang.queue.pop(&lang.pairs)
                }
            };
            let pair = match (top, choice) {
                (Some((p, c)), _) if c >= s.min_frequency => p,
                (_, None) => break,
                (_, Some(l)) => {
                    exhausted[l] = true;
                    continue;
                }
            };
            let new_id = vocab.intern(&vocab.merged(pair, prefix));
            names.extend(
                vocab.id2w[names.len()..]
                    .iter()
                    .map(|s| Rc::from(s.as_str())),
            );
            merges.push((pair, new_id));

            changed.clear();
            for (l, lang) in langs.iter_mut().enumerate() {
                let Some(places) = lang.places.remove(&pair) else {
                    continue;
                };
                let shorter = merge_words(
                    &mut lang.syms,
                    &lang.counts,
                    &places,
                    pair,
                    new_id,
                    max_length,
                    &mut lang.pairs,
                    &mut lang.places,
                    &mut changes,
                );
                lang.pairs.insert(pair, 0);
                for &(p, _) in &changes {
                    let c = lang.pairs.get(&p).copied().unwrap_or(0);
                    lang.queue.push(p, c, &names);
                    if want_global {
                        changed.insert(p);
                    }
                }
                changes.clear();
                if devs.is_none() {
                    measure.shorten(l, shorter);
                }
            }
            if want_global && merges.len() < self.global_merges {
                changed.insert(pair);
                for &p in &changed {
                    let total: i64 = langs
                        .iter()
                        .filter_map(|l| l.pairs.get(&p))
                        .sum::<i64>()
                        .max(0);
                    global.insert(p, total);
                    global_queue.push(p, total, &names);
                }
            }
            if let Some(d) = &mut devs {
                for (l, by) in d.merge(pair, new_id).into_iter().enumerate() {
                    measure.shorten(l, by);
                }
            }
        }
        ctl.set_done(merges.len() as u64);
        Ok(BpeVocab {
            tokens: vocab.id2w,
            merges: last_ranks(&merges),
        })
    }

    /// Train on one word count per language (and one dev count per language, or none).
    pub fn train_corpora(
        &self,
        train: &mut [WordCounts],
        dev: Option<&mut [WordCounts]>,
        base: Map<String, Value>,
        ctl: &Control,
    ) -> Result<Trained> {
        let train: Vec<Vec<(&str, u64)>> = train.iter_mut().map(WordCounts::sorted).collect();
        let dev: Option<Vec<Vec<(&str, u64)>>> =
            dev.map(|d| d.iter_mut().map(WordCounts::sorted).collect());
        let v = self.learn(&train, dev.as_deref(), ctl)?;
        Ok(self.symbols.trained(&v, base))
    }
}

#[cfg(test)]
#[path = "parity_bpe_tests.rs"]
mod tests;
