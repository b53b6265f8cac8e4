//! Word counting for training: texts go through the normalizer and pre-tokenizer, and each distinct
//! word is counted. Texts arrive in chunks (the caller streams its corpus), each chunk is cut into one
//! part per worker of the pool, and worker k counts into shard k: no locks are contended and no
//! per-chunk merge is paid. The shards are merged once, when training starts. Memory is bounded by the
//! distinct words (times the number of workers), never by the corpus.

use super::Control;
use crate::error::Result;
use crate::kernel::BYTE_TO_CHAR;
use rayon::ThreadPool;
use rustc_hash::FxHashMap;
use std::sync::Mutex;

/// Cuts one text into its words (the tokenizer's normalizer + pre-tokenizer), calling back per word.
pub type Splitter<'a> = dyn Fn(&str, &mut dyn FnMut(&str)) -> Result<()> + Sync + 'a;

type Map = FxHashMap<Box<str>, u64>;

/// Below this many bytes a chunk is counted on the calling thread: waking the pool costs more.
const PARALLEL_MIN_BYTES: usize = 64 * 1024;

#[derive(Debug, Default)]
pub struct WordCounts {
    shards: Vec<Mutex<Map>>,
    /// Texts seen so far (for progress reports).
    pub texts: u64,
    /// The shards hold raw text: map their bytes to byte-level chars when they are merged (each
    /// distinct word once, instead of every occurrence).
    bytes_to_chars: bool,
    /// Words merged out of the shards (final form).
    done: Map,
}

fn count_into(map: &mut Map, split: &Splitter<'_>, texts: &[&str]) -> Result<()> {
    for text in texts {
        split(text, &mut |w| add(map, w, 1))?;
    }
    Ok(())
}

#[inline]
fn add(map: &mut Map, w: &str, n: u64) {
    match map.get_mut(w) {
        Some(c) => *c += n,
        None => {
            map.insert(w.into(), n);
        }
    }
}

impl WordCounts {
    pub fn new() -> Self {
        WordCounts::default()
    }

    fn shard(&mut self, k: usize) -> &mut Map {
        while self.shards.len() <= k {
            self.shards.push(Mutex::default());
        }
        // `get_mut` on a Mutex never blocks; a poisoned shard is still a valid map.
        match self.shards[k].get_mut() {
            Ok(m) => m,
            Err(e) => e.into_inner(),
        }
    }

    /// Words fed from now on are raw text whose bytes become GPT-2's byte-level chars before training.
    pub fn map_bytes_to_chars(&mut self) {
        self.bytes_to_chars = true;
    }

    /// Count `n` more occurrences of `word` (already pre-tokenized, in its final form).
    pub fn add(&mut self, word: &str, n: u64) {
        add(&mut self.done, word, n);
    }

    /// Cut `texts` into words with `split` and count them, on `pool` when the chunk is large.
    pub fn feed(
        &mut self,
        split: &Splitter<'_>,
        texts: &[&str],
        pool: Option<&ThreadPool>,
        ctl: &Control,
    ) -> Result<()> {
        self.feed_then(split, texts, pool, ctl, || ()).0
    }

    /// `feed`, running `meanwhile` on the calling thread while the pool counts (the binding reads the
    /// next chunk from Python there); with no pool, after counting.
    pub fn feed_then<R>(
        &mut self,
        split: &Splitter<'_>,
        texts: &[&str],
        pool: Option<&ThreadPool>,
        ctl: &Control,
        meanwhile: impl FnOnce() -> R,
    ) -> (Result<()>, R) {
        if let Err(e) = ctl.check() {
            return (Err(e), meanwhile());
        }
        self.texts += texts.len() as u64;
        let bytes: usize = texts.iter().map(|t| t.len()).sum();
        let pool = match pool {
            Some(p) if bytes >= PARALLEL_MIN_BYTES && texts.len() > 1 => p,
            _ => {
                let r = count_into(self.shard(0), split, texts);
                return (r, meanwhile());
            }
        };
        let workers = pool.current_num_threads().min(texts.len());
        self.shard(workers - 1);
        // Contiguous parts of about equal bytes, one per worker.
        let mut parts: Vec<&[&str]> = Vec::with_capacity(workers);
        let (mut start, mut acc) = (0, 0);
        for (i, t) in texts.iter().enumerate() {
            acc += t.len();
            if acc * workers >= bytes * (parts.len() + 1) && parts.len() + 1 < workers {
                parts.extend(texts.get(start..=i));
                start = i + 1;
            }
        }
        parts.extend(texts.get(start..));
        let shards = &self.shards;
        let results = Mutex::new(Vec::with_capacity(parts.len()));
        // The calling thread is not one of the pool's: it runs `meanwhile`, then waits for the parts.
        let got = pool.in_place_scope(|s| {
            for (k, part) in parts.iter().enumerate() {
                let results = &results;
                s.spawn(move |_| {
                    let r = match shards.get(k) {
                        Some(m) => {
                            let mut m = m.lock().unwrap_or_else(|e| e.into_inner());
                            count_into(&mut m, split, part)
                        }
                        None => Ok(()),
                    };
                    results.lock().unwrap_or_else(|e| e.into_inner()).push(r);
                });
            }
            meanwhile()
        });
        let results = results.into_inner().unwrap_or_else(|e| e.into_inner());
        (results.into_iter().collect(), got)
    }

    /// Move the shards' words into `done` (mapped to byte-level chars when they are raw).
    fn merge(&mut self) -> &Map {
        let map = self.bytes_to_chars;
        let done = &mut self.done;
        for shard in self.shards.iter_mut() {
            let m = shard.get_mut().unwrap_or_else(|e| e.into_inner());
            for (w, n) in m.drain() {
                let key: Box<str> = if map {
                    w.bytes()
                        .map(|b| BYTE_TO_CHAR[usize::from(b)])
                        .collect::<String>()
                        .into()
                } else {
                    w
                };
                *done.entry(key).or_insert(0) += n;
            }
        }
        &self.done
    }

    /// Number of distinct words.
    pub fn len(&mut self) -> usize {
        self.merge().len()
    }

    pub fn is_empty(&mut self) -> bool {
        self.len() == 0
    }

    /// Every (word, count), sorted by word: trainers walk words in this order, which makes their
    /// results independent of hashing.
    pub fn sorted(&mut self) -> Vec<(&str, u64)> {
        let mut v: Vec<(&str, u64)> = self.merge().iter().map(|(w, &n)| (&**w, n)).collect();
        v.sort_unstable_by(|a, b| a.0.cmp(b.0));
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn whitespace(text: &str, each: &mut dyn FnMut(&str)) -> Result<()> {
        for w in text.split_whitespace() {
            each(w);
        }
        Ok(())
    }

    #[test]
    fn counts_words_across_chunks() {
        let mut wc = WordCounts::new();
        let ctl = Control::default();
        wc.feed(&whitespace, &["a b a", "b c"], None, &ctl).unwrap();
        wc.feed(&whitespace, &["a"], None, &ctl).unwrap();
        assert_eq!(wc.sorted(), vec![("a", 3), ("b", 2), ("c", 1)]);
    }

    #[test]
    fn parallel_chunks_count_the_same() {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .unwrap();
        let text: Vec<String> = (0..20_000)
            .map(|i| format!("w{} x{}", i % 97, i % 13))
            .collect();
        let refs: Vec<&str> = text.iter().map(String::as_str).collect();
        let ctl = Control::default();
        let mut wc = WordCounts::new();
        wc.feed(&whitespace, &refs, Some(&pool), &ctl).unwrap();
        let mut serial = WordCounts::new();
        for r in &refs {
            serial.feed(&whitespace, &[r], None, &ctl).unwrap();
        }
        assert_eq!(wc.sorted(), serial.sorted());
        assert_eq!(wc.texts, 20_000);
    }

    #[test]
    fn cancelled_feed_stops() {
        let ctl = Control::default();
        ctl.cancel();
        let mut wc = WordCounts::new();
        let r = wc.feed(&whitespace, &["a"], None, &ctl);
        assert!(matches!(r, Err(crate::Error::Cancelled)));
    }
}
