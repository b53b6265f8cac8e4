//! Priority queues of packed `rank << 32 | position` merge candidates for the BPE merge loop.
//! `Heap` is a general 8-ary min-heap. `RadixHeap` needs keys pushed no smaller than the last popped
//! one, which holds for merge tables where every merge only uses tokens made by earlier merges (checked
//! when the model is built); its buckets are scanned sequentially, so a million-symbol word stays fast.

pub trait Queue {
    fn push(&mut self, key: u64);
    fn pop(&mut self) -> Option<u64>;
    /// Load the initial candidates (before any pop).
    fn fill(&mut self, keys: impl Iterator<Item = u64>);
}

const ARITY: usize = 8;

/// An 8-ary min-heap: shallow, and the children of a node share a cache line or two.
#[derive(Debug, Default)]
pub struct Heap {
    v: Vec<u64>,
}

impl Heap {
    /// Move `x` down from slot `i` to its place.
    #[inline]
    fn sift_down(&mut self, mut i: usize, x: u64) {
        let n = self.v.len();
        loop {
            let c = ARITY * i + 1;
            if c >= n {
                break;
            }
            let kids = &self.v[c..(c + ARITY).min(n)];
            let mut m = 0;
            for (k, &kv) in kids.iter().enumerate().skip(1) {
                if kv < kids[m] {
                    m = k;
                }
            }
            let mv = kids[m];
            if mv >= x {
                break;
            }
            self.v[i] = mv;
            i = c + m;
        }
        self.v[i] = x;
    }
}

impl Queue for Heap {
    #[inline]
    fn push(&mut self, x: u64) {
        let mut i = self.v.len();
        self.v.push(x);
        while i > 0 {
            let p = (i - 1) / ARITY;
            let pv = self.v[p];
            if pv <= x {
                break;
            }
            self.v[i] = pv;
            i = p;
        }
        self.v[i] = x;
    }

    #[inline]
    fn pop(&mut self) -> Option<u64> {
        let last = self.v.pop()?;
        let Some(&top) = self.v.first() else {
            return Some(last);
        };
        self.sift_down(0, last);
        Some(top)
    }

    /// Floyd's O(n) heap construction.
    fn fill(&mut self, keys: impl Iterator<Item = u64>) {
        self.v.clear();
        self.v.extend(keys);
        let n = self.v.len();
        if n < 2 {
            return;
        }
        for i in (0..=(n - 2) / ARITY).rev() {
            let x = self.v[i];
            self.sift_down(i, x);
        }
    }
}

/// A radix heap on the rank (high 32 bits of a key) that hands out all keys of the smallest rank at
/// once, sorted by position. Bucket `b` holds ranks whose highest bit differing from the last popped
/// rank is bit `b - 1`. Ranks pushed must be greater than the last popped one.
#[derive(Debug)]
pub struct RankBatches {
    last: u32,
    len: usize,
    buckets: Vec<Vec<u64>>,
}

impl Default for RankBatches {
    fn default() -> Self {
        RankBatches {
            last: 0,
            len: 0,
            buckets: (0..33).map(|_| Vec::new()).collect(),
        }
    }
}

#[inline]
fn bucket(x: u32) -> usize {
    (32 - x.leading_zeros()) as usize
}

impl RankBatches {
    pub fn clear(&mut self) {
        for b in &mut self.buckets {
            b.clear();
        }
        self.last = 0;
        self.len = 0;
    }

    #[inline]
    pub fn push(&mut self, key: u64) {
        if let Some(b) = self.buckets.get_mut(bucket((key >> 32) as u32 ^ self.last)) {
            b.push(key);
            self.len += 1;
        }
    }

    /// Replace `out` by the keys of the smallest rank, sorted; false when empty.
    pub fn pop_batch(&mut self, out: &mut Vec<u64>) -> bool {
        out.clear();
        if self.len == 0 {
            return false;
        }
        if self.buckets.first().is_none_or(|b| b.is_empty()) {
            let Some(i) = self.buckets.iter().position(|b| !b.is_empty()) else {
                return false;
            };
            let mut moved = std::mem::take(&mut self.buckets[i]);
            let Some(min) = moved.iter().map(|&k| (k >> 32) as u32).min() else {
                return false;
            };
            self.last = min;
            // Every key of bucket `i` lands in a lower bucket relative to the new minimum.
            for k in moved.drain(..) {
                if let Some(b) = self.buckets.get_mut(bucket((k >> 32) as u32 ^ min)) {
                    b.push(k);
                }
            }
            self.buckets[i] = moved;
        }
        if let Some(b0) = self.buckets.first_mut() {
            std::mem::swap(b0, out);
        }
        self.len -= out.len();
        out.sort_unstable();
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check<Q: Queue + Default>() {
        let mut q = Q::default();
        let mut x = 12345u64;
        let mut rnd = move || {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            x >> 40
        };
        let init: Vec<u64> = (0..500).map(|_| rnd()).collect();
        q.fill(init.iter().copied());
        let mut popped = Vec::new();
        let mut all = init.clone();
        // Interleave monotone pushes (larger than anything popped) with pops.
        for _ in 0..500 {
            let k = (1 << 24) + rnd();
            all.push(k);
            q.push(k);
            if let Some(p) = q.pop() {
                popped.push(p);
            }
        }
        popped.extend(std::iter::from_fn(|| q.pop()));
        all.sort_unstable();
        assert_eq!(popped, all);
    }

    #[test]
    fn heap_pops_in_order() {
        check::<Heap>();
    }

    #[test]
    fn rank_batches_pop_in_order() {
        let mut q = RankBatches::default();
        let mut x = 99u64;
        let mut rnd = move |m: u64| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (x >> 33) % m
        };
        let mut all: Vec<u64> = (0..2000).map(|_| (rnd(300) << 32) | rnd(5000)).collect();
        all.sort_unstable();
        all.dedup();
        for &k in all.iter().rev() {
            q.push(k);
        }
        let (mut popped, mut batch) = (Vec::new(), Vec::new());
        while q.pop_batch(&mut batch) {
            let r = batch.first().map_or(0, |k| k >> 32);
            assert!(batch.iter().all(|k| k >> 32 == r));
            popped.extend_from_slice(&batch);
            // Later ranks may arrive while a batch is processed.
            if r < 250 && rnd(4) == 0 {
                let k = ((r + 1 + rnd(40)) << 32) | (1 << 20) | rnd(1000);
                if !all.contains(&k) {
                    all.push(k);
                    q.push(k);
                }
            }
        }
        all.sort_unstable();
        assert_eq!(popped, all);
    }
}
