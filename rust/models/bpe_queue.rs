//! Priority queues of packed `rank << 32 | position` merge candidates for the BPE merge loop.
//! `Heap` is a general 8-ary min-heap. `RadixHeap` needs keys pushed no smaller than the last popped
//! one, which holds for merge tables where every merge only uses tokens made by earlier merges (checked
//! when the model is built); its buckets are scanned sequentially, so a million-symbol word stays fast.

pub trait Queue {
    fn clear(&mut self);
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
    fn clear(&mut self) {
        self.v.clear();
    }

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

/// A radix heap over u64 keys: bucket `b` holds keys whose highest bit differing from the last popped
/// key is bit `b - 1`. Keys pushed must not be smaller than the last popped key.
#[derive(Debug)]
pub struct RadixHeap {
    last: u64,
    len: usize,
    buckets: Vec<Vec<u64>>,
}

impl Default for RadixHeap {
    fn default() -> Self {
        RadixHeap {
            last: 0,
            len: 0,
            buckets: (0..65).map(|_| Vec::new()).collect(),
        }
    }
}

#[inline]
fn bucket(x: u64) -> usize {
    (64 - x.leading_zeros()) as usize
}

impl Queue for RadixHeap {
    fn clear(&mut self) {
        for b in &mut self.buckets {
            b.clear();
        }
        self.last = 0;
        self.len = 0;
    }

    #[inline]
    fn push(&mut self, key: u64) {
        debug_assert!(key >= self.last, "radix heap keys must be monotone");
        if let Some(b) = self.buckets.get_mut(bucket(key ^ self.last)) {
            b.push(key);
            self.len += 1;
        }
    }

    fn pop(&mut self) -> Option<u64> {
        if self.len == 0 {
            return None;
        }
        if self.buckets.first().map_or(true, |b| b.is_empty()) {
            let i = self.buckets.iter().position(|b| !b.is_empty())?;
            let mut moved = std::mem::take(&mut self.buckets[i]);
            let min = moved.iter().copied().min()?;
            self.last = min;
            // Every key of bucket `i` lands in a lower bucket relative to the new minimum.
            for k in moved.drain(..) {
                if let Some(b) = self.buckets.get_mut(bucket(k ^ min)) {
                    b.push(k);
                }
            }
            self.buckets[i] = moved;
        }
        let k = self.buckets.first_mut()?.pop()?;
        self.len -= 1;
        Some(k)
    }

    fn fill(&mut self, keys: impl Iterator<Item = u64>) {
        self.clear();
        for k in keys {
            self.push(k);
        }
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
    fn radix_heap_pops_in_order() {
        check::<RadixHeap>();
    }
}
