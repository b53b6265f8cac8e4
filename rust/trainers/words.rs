//! Word counting for training: texts go through the normalizer and pre-tokenizer, and each distinct
//! word is counted. Texts arrive in chunks (the caller streams its corpus); each chunk is cut into a
//! few parts per worker of the pool, the workers take parts as they free up (so one slowed-down worker
//! does not hold the others at the end of a chunk) and count into the shard of their own thread: no
//! lock is contended and no per-chunk merge is paid. Each shard is split by a hash of the word into
//! one part per worker, so that the merge, once, when training starts, is parallel too: worker p sums
//! part p of every shard (parts p of different shards share words; different parts share none), maps
//! it to byte-level chars when the words are raw bytes (each distinct word once) and sorts it; the
//! sorted parts are then merged in one linear pass, into the order trainers walk words in. Memory is
//! bounded by the distinct words (times the number of workers), never by the corpus.

use super::Control;
use crate::error::Result;
use crate::kernel::BYTE_TO_CHAR;
use rayon::prelude::*;
use rayon::ThreadPool;
use rustc_hash::{FxHashMap, FxHasher};
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

/// Cuts one text into its words (the tokenizer's normalizer + pre-tokenizer), calling back per word.
pub type Splitter<'a> = dyn Fn(&str, &mut dyn FnMut(&str)) -> Result<()> + Sync + 'a;

type Map = FxHashMap<Box<str>, u64>;

/// Words and counts, sorted by word, each word once. Each word comes with its first bytes as a number
/// (`key`), which orders most pairs of words without reading their text from the heap.
type Sorted = Vec<(u64, Box<str>, u64)>;

/// The first 8 bytes of `w`, big-endian, zero-padded: `key(a) < key(b)` implies `a < b`, and equal
/// keys leave the order to the full comparison.
#[inline]
fn key(w: &str) -> u64 {
    let mut b = [0u8; 8];
    let n = w.len().min(8);
    if let (Some(dst), Some(src)) = (b.get_mut(..n), w.as_bytes().get(..n)) {
        dst.copy_from_slice(src);
    }
    u64::from_be_bytes(b)
}

#[inline]
fn order(a: &(u64, Box<str>, u64), b: &(u64, Box<str>, u64)) -> std::cmp::Ordering {
    a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1))
}

/// Below this many bytes a chunk is counted on the calling thread: waking the pool costs more.
const PARALLEL_MIN_BYTES: usize = 64 * 1024;

/// Parts per worker a chunk is cut into: enough for the workers to even out their loads.
const PARTS_PER_WORKER: usize = 4;

#[derive(Debug, Default)]
pub struct WordCounts {
    /// One shard per worker thread of the pool (index 0 also for counting on the calling thread), each
    /// `parts` maps.
    shards: Vec<Mutex<Vec<Map>>>,
    /// Maps per shard: the pool's threads (1 without a pool), fixed by the first feed.
    parts: usize,
    /// Texts seen so far (for progress reports).
    pub texts: u64,
    /// The shards hold raw text: map their bytes to byte-level chars when they are merged (each
    /// distinct word once, instead of every occurrence).
    bytes_to_chars: bool,
    /// Words given in their final form by `add`.
    added: Map,
    /// Words merged out of the shards (final form), sorted.
    done: Sorted,
    /// The pool the shards were counted on, to merge them on.
    pool: Option<Arc<ThreadPool>>,
}

fn count_into(maps: &mut [Map], split: &Splitter<'_>, texts: &[&str]) -> Result<()> {
    if let [map] = maps {
        for text in texts {
            split(text, &mut |w| add(map, w, 1))?;
        }
        return Ok(());
    }
    let n = maps.len() as u64;
    for text in texts {
        split(text, &mut |w| {
            if let Some(map) = maps.get_mut(part_of(w, n)) {
                add(map, w, 1);
            }
        })?;
    }
    Ok(())
}

/// Which of `n` parts `w` is counted in: bits of its hash that the maps do not use to place it (they
/// use the low bits and the top 7), so each part's map still spreads its words over all buckets.
#[inline]
fn part_of(w: &str, n: u64) -> usize {
    let mut h = FxHasher::default();
    w.hash(&mut h);
    ((h.finish() >> 32) % n) as usize
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

/// `w`'s bytes as GPT-2's byte-level chars, allocated once at the exact size.
fn byte_level(w: &str) -> Box<str> {
    let len = w
        .bytes()
        .map(|b| BYTE_TO_CHAR[usize::from(b)].len_utf8())
        .sum();
    let mut s = String::with_capacity(len);
    s.extend(w.bytes().map(|b| BYTE_TO_CHAR[usize::from(b)]));
    s.into_boxed_str()
}

/// A map's words as a sorted list (mapped to byte-level chars when `map_bytes`); the map is emptied
/// and its memory given back.
fn sorted_list(map: &mut Map, map_bytes: bool) -> Sorted {
    let map = std::mem::take(map);
    let mut v: Sorted = if map_bytes {
        map.into_iter()
            .map(|(w, n)| {
                let w = byte_level(&w);
                (key(&w), w, n)
            })
            .collect()
    } else {
        map.into_iter().map(|(w, n)| (key(&w), w, n)).collect()
    };
    v.sort_unstable_by(order);
    v
}

/// Two sorted lists as one, the counts of a word in both added.
fn merge_sorted(a: Sorted, b: Sorted) -> Sorted {
    if a.is_empty() {
        return b;
    }
    if b.is_empty() {
        return a;
    }
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut a, mut b) = (a.into_iter().peekable(), b.into_iter().peekable());
    loop {
        let next = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) => match order(x, y) {
                std::cmp::Ordering::Less => a.next(),
                std::cmp::Ordering::Greater => b.next(),
                std::cmp::Ordering::Equal => {
                    let n = y.2;
                    b.next();
                    a.next().map(|(k, w, m)| (k, w, m + n))
                }
            },
            (Some(_), None) => a.next(),
            (None, Some(_)) => b.next(),
            (None, None) => break,
        };
        out.extend(next);
    }
    out
}

impl WordCounts {
    pub fn new() -> Self {
        WordCounts::default()
    }

    fn shard(&mut self, k: usize) -> &mut Vec<Map> {
        let parts = self.parts.max(1);
        while self.shards.len() <= k {
            self.shards.push(Mutex::new(vec![Map::default(); parts]));
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
        add(&mut self.added, word, n);
    }

    /// Cut `texts` into words with `split` and count them, on `pool` when the chunk is large.
    pub fn feed(
        &mut self,
        split: &Splitter<'_>,
        texts: &[&str],
        pool: Option<&Arc<ThreadPool>>,
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
        pool: Option<&Arc<ThreadPool>>,
        ctl: &Control,
        meanwhile: impl FnOnce() -> R,
    ) -> (Result<()>, R) {
        if let Err(e) = ctl.check() {
            return (Err(e), meanwhile());
        }
        self.texts += texts.len() as u64;
        if self.parts == 0 {
            self.parts = pool.map_or(1, |p| p.current_num_threads().max(1));
        }
        let bytes: usize = texts.iter().map(|t| t.len()).sum();
        let pool = match pool {
            Some(p) if bytes >= PARALLEL_MIN_BYTES && texts.len() > 1 => p,
            _ => {
                let r = count_into(self.shard(0), split, texts);
                return (r, meanwhile());
            }
        };
        if self.pool.is_none() {
            self.pool = Some(pool.clone());
        }
        let threads = pool.current_num_threads();
        self.shard(threads - 1);
        // Contiguous parts of about equal bytes, a few per worker.
        let want = (threads * PARTS_PER_WORKER).min(texts.len());
        let mut parts: Vec<&[&str]> = Vec::with_capacity(want);
        let (mut start, mut acc) = (0, 0);
        for (i, t) in texts.iter().enumerate() {
            acc += t.len();
            if acc * want >= bytes * (parts.len() + 1) && parts.len() + 1 < want {
                parts.extend(texts.get(start..=i));
                start = i + 1;
            }
        }
        parts.extend(texts.get(start..));
        let shards = &self.shards;
        let failure: Mutex<Option<crate::Error>> = Mutex::new(None);
        // The calling thread is not one of the pool's: it runs `meanwhile`, then waits for the parts.
        let got = pool.in_place_scope(|s| {
            for part in &parts {
                let failure = &failure;
                s.spawn(move |_| {
                    // Each worker counts into its own shard: the lock is never contended.
                    let k = rayon::current_thread_index().unwrap_or(0);
                    let r = match shards.get(k) {
                        Some(m) => {
                            let mut m = m.lock().unwrap_or_else(|e| e.into_inner());
                            count_into(&mut m, split, part)
                        }
                        None => Ok(()),
                    };
                    if let Err(e) = r {
                        failure
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .get_or_insert(e);
                    }
                });
            }
            meanwhile()
        });
        let failure = failure.into_inner().unwrap_or_else(|e| e.into_inner());
        (failure.map_or(Ok(()), Err), got)
    }

    /// Move the shards' words into `done` (mapped to byte-level chars when they are raw), part by
    /// part on the pool they were counted on.
    fn merge(&mut self) -> &Sorted {
        let map = self.bytes_to_chars;
        // columns[p]: part p of every shard.
        let mut columns: Vec<Vec<Map>> = Vec::new();
        for shard in self.shards.iter_mut() {
            let parts = std::mem::take(shard.get_mut().unwrap_or_else(|e| e.into_inner()));
            *shard.get_mut().unwrap_or_else(|e| e.into_inner()) = vec![Map::default(); parts.len()];
            for (p, m) in parts.into_iter().enumerate() {
                if m.is_empty() {
                    continue;
                }
                while columns.len() <= p {
                    columns.push(Vec::new());
                }
                if let Some(c) = columns.get_mut(p) {
                    c.push(m);
                }
            }
        }
        if columns.is_empty() && self.added.is_empty() {
            return &self.done;
        }
        let one = |column: Vec<Map>| -> Sorted {
            let mut maps = column.into_iter();
            let mut sum = maps.next().unwrap_or_default();
            for m in maps {
                for (w, n) in m {
                    *sum.entry(w).or_insert(0) += n;
                }
            }
            sorted_list(&mut sum, map)
        };
        let lists: Vec<Sorted> = match &self.pool {
            Some(p) if columns.len() > 1 => {
                p.install(|| columns.into_par_iter().map(one).collect())
            }
            _ => columns.into_iter().map(one).collect(),
        };
        let mut done = std::mem::take(&mut self.done);
        for list in lists {
            done = merge_sorted(done, list);
        }
        self.done = merge_sorted(done, sorted_list(&mut self.added, false));
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
        self.merge().iter().map(|(_, w, n)| (&**w, *n)).collect()
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
        let pool = Arc::new(
            rayon::ThreadPoolBuilder::new()
                .num_threads(3)
                .build()
                .unwrap(),
        );
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
    fn keyed_order_is_the_string_order() {
        let mut words: Vec<String> =
            crate::kernel::test_util::random_strings("ab\0é\u{1}z", 12, 2000);
        words.extend(
            [
                "",
                "a",
                "a\0",
                "a\0\0",
                "abcdefgh",
                "abcdefgh\0",
                "abcdefghi",
                "abcdefgg~",
            ]
            .map(String::from),
        );
        let mut keyed: Vec<(u64, Box<str>, u64)> = words
            .iter()
            .map(|w| (key(w), w.as_str().into(), 0))
            .collect();
        keyed.sort_unstable_by(order);
        words.sort_unstable();
        let got: Vec<&str> = keyed.iter().map(|(_, w, _)| &**w).collect();
        assert_eq!(got, words);
    }

    #[test]
    fn counting_after_a_merge_adds_to_it() {
        let pool = Arc::new(
            rayon::ThreadPoolBuilder::new()
                .num_threads(2)
                .build()
                .unwrap(),
        );
        let text: Vec<String> = (0..30_000)
            .map(|i| format!("w{} x{}", i % 501, i % 7))
            .collect();
        let refs: Vec<&str> = text.iter().map(String::as_str).collect();
        let ctl = Control::default();
        let mut wc = WordCounts::new();
        wc.feed(&whitespace, &refs, Some(&pool), &ctl).unwrap();
        assert_eq!(wc.len(), 508);
        wc.add("w3", 5);
        wc.feed(&whitespace, &refs, Some(&pool), &ctl).unwrap();
        let mut serial = WordCounts::new();
        serial.feed(&whitespace, &refs, None, &ctl).unwrap();
        serial.feed(&whitespace, &refs, None, &ctl).unwrap();
        let mut want: Vec<(String, u64)> = serial
            .sorted()
            .into_iter()
            .map(|(w, n)| (w.to_string(), n))
            .collect();
        for (w, n) in want.iter_mut() {
            if w == "w3" {
                *n += 5;
            }
        }
        let got: Vec<(String, u64)> = wc
            .sorted()
            .into_iter()
            .map(|(w, n)| (w.to_string(), n))
            .collect();
        assert_eq!(got, want);
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
