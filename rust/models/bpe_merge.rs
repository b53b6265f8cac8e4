//! The BPE merge loop over one word: a linked list of symbols and a binary heap of candidate merges,
//! O(n log n) per word. It follows Hugging Face's order exactly: lowest rank first, leftmost on ties,
//! and a popped candidate is applied when the pair at its position still merges into the same id.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Multiply-shift hasher for the `(left, right)` id pairs of the merge table (SipHash is too slow here).
#[derive(Default, Clone, Copy)]
pub struct PairHasher(u64);

impl Hasher for PairHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u32(&mut self, x: u32) {
        self.write_u64(u64::from(x));
    }
    fn write_u64(&mut self, x: u64) {
        self.0 = (self.0.rotate_left(32) ^ x).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
    fn finish(&self) -> u64 {
        self.0 ^ (self.0 >> 29)
    }
}

/// `(left id, right id)` packed in one u64 → `(rank, merged id)`.
pub type MergeMap = HashMap<u64, (u32, u32), BuildHasherDefault<PairHasher>>;

/// The merge table: pair → (rank, merged id), and rank → merged id (heap entries only keep the rank).
#[derive(Debug, Clone, Default)]
pub struct Merges {
    pub map: MergeMap,
    pub new_ids: Vec<u32>,
}

#[inline]
pub fn pair_key(a: u32, b: u32) -> u64 {
    (u64::from(a) << 32) | u64::from(b)
}

const NONE: u32 = u32::MAX;

#[derive(Debug, Clone, Copy)]
struct Symbol {
    id: u32,
    prev: u32,
    next: u32,
    /// Byte length in the word; 0 once merged into its left neighbour.
    len: u32,
}

/// An 8-ary min-heap of `rank << 32 | position`: shallow, and each node's children share a cache line
/// or two, which keeps words of a million symbols fast.
#[derive(Debug, Default)]
struct Heap {
    v: Vec<u64>,
}

const ARITY: usize = 8;

impl Heap {
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

    /// Restore the heap order over the whole vector (Floyd), O(n).
    fn heapify(&mut self) {
        let n = self.v.len();
        if n < 2 {
            return;
        }
        for i in (0..=(n - 2) / ARITY).rev() {
            let x = self.v[i];
            self.sift_down(i, x);
        }
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
}

/// Reusable buffers for one word, so that merging allocates nothing once warm.
#[derive(Debug, Default)]
pub struct Word {
    symbols: Vec<Symbol>,
    heap: Heap,
}

impl Word {
    pub fn clear(&mut self) {
        self.symbols.clear();
        self.heap.clear();
    }

    pub fn len(&self) -> usize {
        self.symbols.len()
    }

    pub fn is_empty(&self) -> bool {
        self.symbols.is_empty()
    }

    /// Append a symbol of `len` bytes.
    #[inline]
    pub fn push(&mut self, id: u32, len: u32) {
        let i = self.symbols.len() as u32;
        if let Some(last) = self.symbols.last_mut() {
            last.next = i;
        }
        self.symbols.push(Symbol {
            id,
            prev: if i == 0 { NONE } else { i - 1 },
            next: NONE,
            len,
        });
    }

    #[inline]
    fn key(merges: &MergeMap, pos: u32, a: u32, b: u32) -> Option<u64> {
        merges
            .get(&pair_key(a, b))
            .map(|&(rank, _)| (u64::from(rank) << 32) | u64::from(pos))
    }

    /// Apply all merges: lowest rank first, leftmost on ties; a popped entry is applied only when the
    /// pair at its position still merges into the id its rank gives (Hugging Face's staleness rule).
    pub fn merge_all(&mut self, merges: &Merges) {
        let n = self.symbols.len();
        if n < 2 {
            return;
        }
        let map = &merges.map;
        self.heap.clear();
        for (i, w) in self.symbols.windows(2).enumerate() {
            if let Some(k) = Self::key(map, i as u32, w[0].id, w[1].id) {
                self.heap.v.push(k);
            }
        }
        self.heap.heapify();
        while let Some(key) = self.heap.pop() {
            let pos = (key & 0xFFFF_FFFF) as usize;
            let Some(&new_id) = merges.new_ids.get((key >> 32) as usize) else {
                continue;
            };
            let Some(&cur) = self.symbols.get(pos) else {
                continue;
            };
            if cur.len == 0 || cur.next == NONE {
                continue;
            }
            let next_pos = cur.next as usize;
            let Some(&right) = self.symbols.get(next_pos) else {
                continue;
            };
            match map.get(&pair_key(cur.id, right.id)) {
                Some(&(_, id)) if id == new_id => {}
                _ => continue,
            }
            let merged = Symbol {
                id: new_id,
                prev: cur.prev,
                next: right.next,
                len: cur.len + right.len,
            };
            self.symbols[pos] = merged;
            self.symbols[next_pos].len = 0;
            if let Some(after) = self.symbols.get_mut(right.next as usize) {
                after.prev = pos as u32;
            }
            if let Some(&prev) = self.symbols.get(merged.prev as usize) {
                if let Some(k) = Self::key(map, merged.prev, prev.id, new_id) {
                    self.heap.push(k);
                }
            }
            if let Some(&after) = self.symbols.get(merged.next as usize) {
                if let Some(k) = Self::key(map, pos as u32, new_id, after.id) {
                    self.heap.push(k);
                }
            }
        }
    }

    /// The surviving symbols in order, as `(id, start, end)` byte ranges from 0.
    pub fn tokens(&self) -> impl Iterator<Item = (u32, u32, u32)> + '_ {
        let mut start = 0u32;
        self.symbols.iter().filter(|s| s.len != 0).map(move |s| {
            let t = (s.id, start, start + s.len);
            start += s.len;
            t
        })
    }
}

thread_local! {
    static SCRATCH: RefCell<Word> = RefCell::new(Word::default());
}

/// Run `f` with this thread's reusable `Word` (a fresh one if it is already in use).
pub fn with_word<R>(f: impl FnOnce(&mut Word) -> R) -> R {
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut w) => {
            w.clear();
            f(&mut w)
        }
        Err(_) => f(&mut Word::default()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heap_pops_in_order() {
        let mut h = Heap::default();
        let mut x = 12345u64;
        let mut all = Vec::new();
        for i in 0..1000 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let k = x >> 40;
            all.push(k);
            if i < 500 {
                h.v.push(k);
            }
        }
        h.heapify();
        for &k in &all[500..] {
            h.push(k);
        }
        all.sort_unstable();
        let popped: Vec<u64> = std::iter::from_fn(|| h.pop()).collect();
        assert_eq!(popped, all);
    }
}
