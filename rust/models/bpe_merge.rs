//! The BPE merge loop over one word: a linked list of symbols and a binary heap of candidate merges,
//! O(n log n) per word. It follows Hugging Face's order exactly: lowest rank first, leftmost on ties,
//! and a popped candidate is applied when the pair at its position still merges into the same id.

use super::bpe_queue::{Heap, Queue, RankBatches};
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
    /// rank → the `(left, right)` pair it merges, packed like the map's keys.
    pub pairs: Vec<u64>,
    /// Every token is made by at most one merge, and merges only use tokens made by earlier merges:
    /// then merge candidates are popped in non-decreasing key order (see `bpe_queue`).
    pub monotone: bool,
}

impl Merges {
    /// Decide `monotone` once all merges are in.
    ///
    /// Decision: the rank of the merge making each token is kept in a table by id when the ids are
    /// dense (every released vocabulary), else in a map: on GPT-2's 50k merges the map's inserts and
    /// 100k lookups were 7.8 M instructions of every load, the table's under 2 M.
    pub fn finish(&mut self) {
        let top = self.new_ids.iter().max().map_or(0, |&id| id as usize + 1);
        self.monotone = if top <= 2 * self.map.len() + 1024 {
            let mut creator = vec![NONE; top];
            let mut unique = true;
            for &(rank, new_id) in self.map.values() {
                let slot = &mut creator[new_id as usize];
                unique &= *slot == NONE;
                *slot = rank;
            }
            let before =
                |t: u32, r: u32| creator.get(t as usize).is_none_or(|&c| c == NONE || c < r);
            unique && self.all_pairs_after(before)
        } else {
            // Fx, not SipHash: one insert per merge and two lookups.
            let mut creator: rustc_hash::FxHashMap<u32, u32> =
                rustc_hash::FxHashMap::with_capacity_and_hasher(self.map.len(), Default::default());
            let mut unique = true;
            for &(rank, new_id) in self.map.values() {
                unique &= creator.insert(new_id, rank).is_none();
            }
            let before = |t: u32, r: u32| creator.get(&t).is_none_or(|&c| c < r);
            unique && self.all_pairs_after(before)
        };
    }

    /// Every merge's two tokens are made (`before(token, rank)`) by no merge or by an earlier one.
    fn all_pairs_after(&self, before: impl Fn(u32, u32) -> bool) -> bool {
        self.map
            .iter()
            .all(|(&k, &(r, _))| before((k >> 32) as u32, r) && before(k as u32, r))
    }
}

#[inline]
pub fn pair_key(a: u32, b: u32) -> u64 {
    (u64::from(a) << 32) | u64::from(b)
}

const NONE: u32 = u32::MAX;

/// Words of at most this many symbols merge by scanning (`merge_small`).
const SMALL: usize = 128;
// `merge_small` links symbols by u8 positions, u8::MAX meaning none.
const _: () = assert!(SMALL < u8::MAX as usize);

#[derive(Debug, Clone, Copy)]
struct Symbol {
    id: u32,
    prev: u32,
    next: u32,
    /// Byte length in the word; 0 once merged into its left neighbour.
    len: u32,
}

/// A symbol of `merge_small`: its id and byte length, the id its pair with the next symbol merges
/// into, and its neighbours' positions (u8::MAX / past `n` at the ends).
#[derive(Debug, Clone, Copy, Default)]
struct Small {
    id: u32,
    len: u32,
    merged: u32,
    prev: u8,
    next: u8,
}

/// Reusable buffers for one word, so that merging allocates nothing once warm.
#[derive(Debug, Default)]
pub struct Word {
    symbols: Vec<Symbol>,
    heap: Heap,
    batches: RankBatches,
    batch: Vec<u64>,
}

impl Word {
    pub fn clear(&mut self) {
        self.symbols.clear();
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
        if self.symbols.len() < 2 {
            return;
        }
        if self.symbols.len() <= SMALL {
            return self.merge_small(merges);
        }
        // Long words on monotone tables use the radix heap; both give the same pop order there.
        if merges.monotone && self.symbols.len() > 256 {
            self.merge_batched(merges);
        } else {
            let mut q = std::mem::take(&mut self.heap);
            self.merge_with(merges, &mut q);
            self.heap = q;
        }
    }

    /// Short words: each step merges the leftmost lowest-ranked adjacent pair, which is the candidate
    /// the heap would pop (the heap's stale entries are the pairs no longer adjacent). Quadratic in the
    /// word, but the scans run over one array of ranks in vector registers and cost less than heap
    /// upkeep for up to `SMALL` symbols. Symbols stay where they start, linked to their neighbours (a
    /// merge is O(1) besides the scan); `n <= SMALL` bounds every index below.
    fn merge_small(&mut self, merges: &Merges) {
        let n = self.symbols.len().min(SMALL);
        // ranks[k]: the rank merging the symbol at k with its right neighbour, NONE where there is
        // none (past the end too, so that whole chunks can be scanned).
        let mut ranks = [NONE; SMALL];
        let mut syms = [Small::default(); SMALL];
        for (k, (slot, s)) in syms.iter_mut().zip(&self.symbols).enumerate() {
            *slot = Small {
                id: s.id,
                len: s.len,
                merged: 0,
                prev: k.wrapping_sub(1) as u8,
                next: (k + 1) as u8,
            };
        }
        let lookup = |a: u32, b: u32| {
            merges
                .map
                .get(&pair_key(a, b))
                .copied()
                .unwrap_or((NONE, 0))
        };
        for k in 1..n {
            (ranks[k - 1], syms[k - 1].merged) = lookup(syms[k - 1].id, syms[k].id);
        }
        while let Some(at) = first_min(&ranks, n - 1) {
            let cur = syms[at];
            let right = usize::from(cur.next);
            let after = usize::from(syms[right].next);
            ranks[right] = NONE;
            syms[at].id = cur.merged;
            syms[at].len += syms[right].len;
            syms[at].next = after as u8;
            (ranks[at], syms[at].merged) = match syms.get(after).filter(|_| after < n) {
                Some(s) => {
                    let found = lookup(cur.merged, s.id);
                    syms[after].prev = at as u8;
                    found
                }
                None => (NONE, 0),
            };
            let p = usize::from(cur.prev);
            if p < n {
                (ranks[p], syms[p].merged) = lookup(syms[p].id, cur.merged);
            }
        }
        self.symbols.clear();
        let mut k = 0;
        while let Some(s) = syms.get(k).filter(|_| k < n) {
            self.push(s.id, s.len);
            k = usize::from(s.next);
        }
    }

    /// `merge_all` forced onto the general heap (tests compare it with the radix heap).
    #[cfg(test)]
    pub fn merge_all_heap_only(&mut self, merges: &Merges) {
        let mut q = std::mem::take(&mut self.heap);
        self.merge_with(merges, &mut q);
        self.heap = q;
    }

    fn merge_with<Q: Queue>(&mut self, merges: &Merges, q: &mut Q) {
        let map = &merges.map;
        q.fill(
            self.symbols
                .windows(2)
                .enumerate()
                .filter_map(|(i, w)| Self::key(map, i as u32, w[0].id, w[1].id)),
        );
        while let Some(key) = q.pop() {
            self.apply(merges, key, |k| q.push(k));
        }
    }

    /// Long words on monotone tables: all candidates of one rank are applied in position order (as the
    /// heap would pop them; none of that rank can appear meanwhile), with the symbols prefetched ahead.
    fn merge_batched(&mut self, merges: &Merges) {
        let map = &merges.map;
        let mut q = std::mem::take(&mut self.batches);
        let mut batch = std::mem::take(&mut self.batch);
        q.clear();
        for (i, w) in self.symbols.windows(2).enumerate() {
            if let Some(k) = Self::key(map, i as u32, w[0].id, w[1].id) {
                q.push(k);
            }
        }
        const AHEAD: usize = 16;
        while q.pop_batch(&mut batch) {
            for (j, &key) in batch.iter().enumerate() {
                if let Some(&ahead) = batch.get(j + AHEAD) {
                    self.prefetch((ahead & 0xFFFF_FFFF) as usize);
                }
                self.apply(merges, key, |k| q.push(k));
            }
        }
        self.batches = q;
        self.batch = batch;
    }

    #[inline]
    fn prefetch(&self, pos: usize) {
        if let Some(s) = self.symbols.get(pos) {
            super::prefetch(s);
        }
    }

    /// Pop handling of one candidate: apply it unless stale, then queue the two new neighbour pairs.
    #[inline]
    fn apply(&mut self, merges: &Merges, key: u64, mut push: impl FnMut(u64)) {
        let map = &merges.map;
        let pos = (key & 0xFFFF_FFFF) as usize;
        let Some(&new_id) = merges.new_ids.get((key >> 32) as usize) else {
            return;
        };
        let Some(&cur) = self.symbols.get(pos) else {
            return;
        };
        if cur.len == 0 || cur.next == NONE {
            return;
        }
        let next_pos = cur.next as usize;
        let Some(&right) = self.symbols.get(next_pos) else {
            return;
        };
        // Still the pair this rank merges? (Symbols only grow rightwards from their start, so a pair
        // at this position that makes the same token is this very pair: comparing with the rank's pair
        // is Hugging Face's "same merged id" test without a hash lookup.)
        if merges.pairs.get((key >> 32) as usize) != Some(&pair_key(cur.id, right.id)) {
            return;
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
                push(k);
            }
        }
        if let Some(&after) = self.symbols.get(merged.next as usize) {
            if let Some(k) = Self::key(map, pos as u32, new_id, after.id) {
                push(k);
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

/// The position of the first lowest rank among the first `pairs` of `ranks`, None when none merges.
/// `ranks` is NONE from `pairs` on, so whole chunks are scanned: a min over lanes, then the chunk
/// holding it, without branches per element.
#[inline]
fn first_min(ranks: &[u32; SMALL], pairs: usize) -> Option<usize> {
    const LANES: usize = 16;
    let used = ranks.get(..pairs.div_ceil(LANES) * LANES)?;
    let mut lanes = [NONE; LANES];
    for chunk in used.chunks_exact(LANES) {
        for (m, &r) in lanes.iter_mut().zip(chunk) {
            *m = (*m).min(r);
        }
    }
    let best = lanes.iter().copied().min().unwrap_or(NONE);
    if best == NONE {
        return None;
    }
    let (c, chunk) = used
        .chunks_exact(LANES)
        .enumerate()
        .find(|(_, chunk)| chunk.iter().fold(false, |hit, &r| hit | (r == best)))?;
    chunk.iter().position(|&r| r == best).map(|i| c * LANES + i)
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

    /// `(left, right, merged)` ids of merges in rank order.
    type Rules<'a> = &'a [(u32, u32, u32)];

    /// A table of the merges `merges`, every id plus `offset`.
    fn table(merges: Rules<'_>, offset: u32) -> Merges {
        let mut m = Merges::default();
        for (rank, &(a, b, new_id)) in merges.iter().enumerate() {
            let key = pair_key(a + offset, b + offset);
            m.map.insert(key, (rank as u32, new_id + offset));
            m.new_ids.push(new_id + offset);
            m.pairs.push(key);
        }
        m.finish();
        m
    }

    #[test]
    fn monotone_is_decided_alike_by_the_table_and_the_map() {
        let cases: [(Rules<'_>, bool); 5] = [
            (&[(0, 1, 3), (3, 2, 4), (4, 4, 5)], true),
            (&[], true),
            // Token 3 made by two merges.
            (&[(0, 1, 3), (1, 2, 3)], false),
            // The second merge uses token 5, made only by the third.
            (&[(0, 1, 3), (3, 5, 4), (0, 2, 5)], false),
            // The same pair twice: the map keeps the later rank, one maker of token 3.
            (&[(0, 1, 3), (0, 1, 3), (3, 3, 4)], true),
        ];
        for (merges, monotone) in cases {
            // Small ids go through the table; ids past 2 · merges + 1024 through the map.
            assert_eq!(table(merges, 0).monotone, monotone, "{merges:?}");
            assert_eq!(
                table(merges, 1 << 20).monotone,
                monotone,
                "{merges:?} (map)"
            );
        }
    }
}
