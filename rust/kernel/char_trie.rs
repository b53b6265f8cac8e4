//! A double array over chars: the Unigram vocabulary as a trie whose edges are whole code points, so a
//! walk costs one step per char (three or four bytes of CJK text are one step, not three byte steps).
//!
//! Chars are first mapped to dense codes (1 and up, the most frequent in the keys first; 0 is a char no
//! key holds). A node `s` has its children at `base[s] + code`, each marked with `check = s`: a step
//! is two loads and a compare.
//!
//! The build is bounded in time and memory whatever the alphabet. Nodes are placed level by level,
//! those with the most children first, each at the first base (among a bounded number tried) where
//! all its children's slots are free; the array grows geometrically so that at most half of it is
//! taken, and nodes with several children search from the first stretch of the array that is at least
//! half free. A node whose children fit no base tried (their codes spread over thousands of slots, as
//! in a vocabulary over tens of thousands of CJK chars) takes the base where most fit and puts the
//! rest in free slots anywhere, found through a side table that a walk reads only after a miss at
//! such a node.

use rustc_hash::FxHashMap;

/// Check of a free slot.
const FREE: u32 = u32::MAX;
/// Check of a taken slot that no base reaches: the root and children kept in the side table.
const TAKEN: u32 = u32::MAX - 1;
/// Bit of `Unit::value` set on a node with children in the side table.
const SPILLS: u32 = 1 << 31;
/// `Unit::value` (less `SPILLS`) of a node that ends no key.
const NO_VALUE: u32 = SPILLS - 1;
/// Chars below this get their code by a table lookup; the rest through a hash map.
const TABLE_CHARS: usize = 0x1_0000;
/// Bases tried for one node. Most nodes fit at the first or second; the bound only matters for nodes
/// whose children spread over a wide alphabet, which then spill what does not fit.
const MAX_TRIES: usize = 128;
/// Free slots (of 64) a word of the free bitset needs for nodes with several children to search from
/// it.
const SPARSE_FREE: u32 = 32;

#[derive(Debug, Clone, Copy)]
struct Unit {
    base: u32,
    check: u32,
    value: u32,
}

/// Codes packed into `Key::prefix` (every code fits in `CODE_BITS`: there are fewer chars).
const PREFIX: usize = 6;
const CODE_BITS: u32 = 21;

/// A key while building: its first `PREFIX` codes packed for a cheap sort, its codes at
/// `start..end` of the build's code buffer, its id.
#[derive(Clone, Copy)]
struct Key {
    prefix: u128,
    start: u32,
    end: u32,
    id: u32,
}

#[derive(Debug, Clone, Default)]
pub struct CharTrie {
    units: Vec<Unit>,
    /// Code of each char below `TABLE_CHARS` (0: in no key).
    table: Box<[u32]>,
    /// Codes of the chars from `TABLE_CHARS` up.
    astral: FxHashMap<u32, u32>,
    /// Children not at `base + code`: `(parent << 32 | code)` → child.
    spill: FxHashMap<u64, u32>,
}

impl CharTrie {
    /// Largest id a key may carry; `build` leaves out keys with larger ids.
    pub const MAX_ID: u32 = NO_VALUE - 1;

    /// Build from `(key, id)` pairs with distinct, non-empty keys.
    pub fn build(keys: &[(&str, u32)]) -> Self {
        let kept = || {
            keys.iter()
                .filter(|&&(k, id)| !k.is_empty() && id <= Self::MAX_ID)
        };
        // Every key's chars in one buffer (one UTF-8 decode, rewritten as codes below), counted on
        // the way: in a table below `TABLE_CHARS`, the rare others in a map.
        let mut flat: Vec<u32> = Vec::with_capacity(kept().map(|k| k.0.len()).sum());
        let mut spans: Vec<Key> = Vec::with_capacity(keys.len());
        let mut freq = vec![0u32; TABLE_CHARS];
        let mut astral_freq: FxHashMap<u32, u32> = FxHashMap::default();
        for &(k, id) in kept() {
            let start = flat.len() as u32;
            for c in k.chars() {
                let c = c as u32;
                match freq.get_mut(c as usize) {
                    Some(f) => *f += 1,
                    None => *astral_freq.entry(c).or_insert(0) += 1,
                }
                flat.push(c);
            }
            spans.push(Key {
                prefix: 0,
                start,
                end: flat.len() as u32,
                id,
            });
        }
        // Codes by descending frequency (ties by char), so the common children sit close together.
        let mut chars: Vec<(u32, u32)> = (0u32..)
            .zip(freq)
            .filter(|&(_, f)| f > 0)
            .chain(astral_freq)
            .collect();
        chars.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut table = vec![0u32; TABLE_CHARS].into_boxed_slice();
        let mut astral = FxHashMap::default();
        for (i, &(c, _)) in chars.iter().enumerate() {
            let code = i as u32 + 1;
            match table.get_mut(c as usize) {
                Some(slot) => *slot = code,
                None => {
                    astral.insert(c, code);
                }
            }
        }
        let mut trie = CharTrie {
            units: Vec::new(),
            table,
            astral,
            spill: FxHashMap::default(),
        };
        for x in &mut flat {
            *x = trie.code_of(*x);
        }
        // Keys sorted by codes, so that keys sharing a prefix are consecutive and a node's children
        // come in code order. The first codes packed in an integer make most comparisons one
        // compare; only keys sharing all of them compare the rest.
        let codes_of = |k: &Key, from: usize| {
            flat.get(k.start as usize + from..k.end as usize)
                .unwrap_or_default()
        };
        for k in &mut spans {
            let codes = codes_of(k, 0);
            k.prefix = (0..PREFIX).fold(0, |p, i| {
                p << CODE_BITS | u128::from(codes.get(i).copied().unwrap_or(0))
            });
        }
        spans.sort_unstable_by(|a, b| {
            a.prefix
                .cmp(&b.prefix)
                .then_with(|| codes_of(a, PREFIX).cmp(codes_of(b, PREFIX)))
        });
        trie.place(&spans, &flat, chars.len());
        trie
    }

    /// Lay the keys (sorted by codes) out level by level.
    fn place(&mut self, spans: &[Key], flat: &[u32], alphabet: usize) {
        let mut alloc = Alloc::default();
        // Room for the array at its largest (twice the nodes, which are at most the codes) without
        // copying it as it grows; pages never touched cost no memory.
        self.units.reserve(2 * (flat.len() + 1) + alphabet + 64);
        alloc.grow(&mut self.units, alphabet + 1);
        alloc.take(&mut self.units, 0, TAKEN);
        let code_at = |i: usize, d: usize| {
            let s = spans.get(i)?;
            let p = s.start as usize + d;
            if p < s.end as usize {
                flat.get(p).copied()
            } else {
                None
            }
        };
        // A level's nodes as (slot, lo, hi): the node at `slot` stands for the keys lo..hi, which share
        // `depth` codes.
        let mut level = vec![(0u32, 0usize, spans.len())];
        let mut next = Vec::new();
        // Per node of the level: (slot, range of its children in `children`); children as (code, lo, hi).
        let mut nodes: Vec<(u32, usize, usize)> = Vec::new();
        let mut children: Vec<(u32, usize, usize)> = Vec::new();
        let mut codes: Vec<u32> = Vec::new();
        let mut fits: Vec<bool> = Vec::new();
        let mut depth = 0;
        while !level.is_empty() {
            nodes.clear();
            children.clear();
            for &(slot, mut lo, hi) in &level {
                if lo < hi && code_at(lo, depth).is_none() {
                    if let (Some(u), Some(s)) = (self.units.get_mut(slot as usize), spans.get(lo)) {
                        u.value = s.id;
                    }
                    lo += 1;
                }
                let from = children.len();
                let mut i = lo;
                while i < hi {
                    let Some(c) = code_at(i, depth) else {
                        i += 1;
                        continue;
                    };
                    let mut j = i + 1;
                    while j < hi && code_at(j, depth) == Some(c) {
                        j += 1;
                    }
                    children.push((c, i, j));
                    i = j;
                }
                if children.len() > from {
                    nodes.push((slot, from, children.len()));
                }
            }
            // The widest nodes first, while the array has the most room (one-child nodes fit
            // anywhere).
            let wide = partition_wide(&mut nodes);
            if let Some(w) = nodes.get_mut(..wide) {
                w.sort_unstable_by_key(|&(slot, a, b)| (std::cmp::Reverse(b - a), slot));
            }
            next.clear();
            for &(slot, a, b) in &nodes {
                let kids = children.get(a..b).unwrap_or_default();
                codes.clear();
                codes.extend(kids.iter().map(|k| k.0));
                let base = alloc.find_base(&mut self.units, &codes, &mut fits);
                // The children that fit first: a spilled child may take any slot left free.
                for (&(c, i, j), _) in kids.iter().zip(&fits).filter(|k| *k.1) {
                    alloc.take(&mut self.units, base + c, slot);
                    next.push((base + c, i, j));
                }
                let mut spilled = false;
                for (&(c, i, j), _) in kids.iter().zip(&fits).filter(|k| !*k.1) {
                    spilled = true;
                    let t = alloc.any_free(&mut self.units);
                    alloc.take(&mut self.units, t, TAKEN);
                    self.spill.insert(u64::from(slot) << 32 | u64::from(c), t);
                    next.push((t, i, j));
                }
                if let Some(u) = self.units.get_mut(slot as usize) {
                    u.base = base;
                    if spilled {
                        u.value |= SPILLS;
                    }
                }
            }
            std::mem::swap(&mut level, &mut next);
            depth += 1;
        }
        // Trailing free slots are never reached: a base plus a code past the end finds nothing.
        let used = self
            .units
            .iter()
            .rposition(|u| u.check != FREE)
            .map_or(0, |i| i + 1);
        self.units.truncate(used);
        self.units.shrink_to_fit();
        self.spill.shrink_to_fit();
    }

    pub fn root(&self) -> u32 {
        0
    }

    /// The code of `c`: 0 when no key holds it.
    #[inline]
    pub fn code(&self, c: char) -> u32 {
        self.code_of(c as u32)
    }

    #[inline]
    fn code_of(&self, c: u32) -> u32 {
        match self.table.get(c as usize) {
            Some(&k) => k,
            None => self.astral.get(&c).copied().unwrap_or(0),
        }
    }

    /// The child of `node` by char code `code` (≥ 1).
    #[inline]
    pub fn child(&self, node: u32, code: u32) -> Option<u32> {
        let u = self.units.get(node as usize)?;
        let t = u.base.wrapping_add(code);
        // Code 0 finds nothing: no child has it, and the root's check is `TAKEN`.
        if self.units.get(t as usize).is_some_and(|c| c.check == node) {
            return Some(t);
        }
        if u.value & SPILLS == 0 {
            return None;
        }
        self.spilled_child(node, code)
    }

    #[inline(never)]
    fn spilled_child(&self, node: u32, code: u32) -> Option<u32> {
        self.spill
            .get(&(u64::from(node) << 32 | u64::from(code)))
            .copied()
    }

    /// The id of the key that ends at `node`.
    #[inline]
    pub fn value(&self, node: u32) -> Option<u32> {
        let v = self.units.get(node as usize)?.value & !SPILLS;
        (v != NO_VALUE).then_some(v)
    }

    /// The node reached by walking `key` from the root.
    pub fn walk(&self, key: &str) -> Option<u32> {
        key.chars()
            .try_fold(self.root(), |n, c| self.child(n, self.code(c)))
    }

    /// Slots in the array and children in the side table (for tests and benchmarks).
    pub fn size(&self) -> (usize, usize) {
        (self.units.len(), self.spill.len())
    }
}

/// Move the nodes (slot, children range) with more than one child to the front; returns how many there
/// are.
fn partition_wide(nodes: &mut [(u32, usize, usize)]) -> usize {
    let mut wide = 0;
    for i in 0..nodes.len() {
        if nodes.get(i).is_some_and(|n| n.2 - n.1 > 1) {
            nodes.swap(wide, i);
            wide += 1;
        }
    }
    wide
}

/// The free slots of the array being built, as a bitset (one bit per slot, set when free).
#[derive(Default)]
struct Alloc {
    free: Vec<u64>,
    taken: usize,
    /// No slot below this is free.
    frontier: usize,
    /// No word of `free` below this word has `SPARSE_FREE` free slots.
    sparse: usize,
}

impl Alloc {
    /// Grow the array (new slots are free) to `len` slots.
    fn grow(&mut self, units: &mut Vec<Unit>, len: usize) {
        let from = units.len();
        if len <= from {
            return;
        }
        units.resize(
            len,
            Unit {
                base: 0,
                check: FREE,
                value: NO_VALUE,
            },
        );
        self.free.resize(len.div_ceil(64), 0);
        // Set the new slots' bits a word at a time.
        let mut k = from;
        while k < len {
            let n = (64 - (k & 63)).min(len - k);
            let bits = if n == 64 {
                !0
            } else {
                ((1u64 << n) - 1) << (k & 63)
            };
            if let Some(w) = self.free.get_mut(k >> 6) {
                *w |= bits;
            }
            k += n;
        }
    }

    fn is_free(&self, slot: usize) -> bool {
        self.free
            .get(slot >> 6)
            .is_some_and(|w| w >> (slot & 63) & 1 == 1)
    }

    /// The first free slot at or after `p`, or the array's length.
    fn next_free(&self, p: usize, len: usize) -> usize {
        let mut k = p >> 6;
        let mut w = self.free.get(k).map_or(0, |&w| {
            if p & 63 == 0 {
                w
            } else {
                w & (!0u64 << (p & 63))
            }
        });
        loop {
            if w != 0 {
                return (k * 64 + w.trailing_zeros() as usize).min(len);
            }
            k += 1;
            match self.free.get(k) {
                Some(&x) => w = x,
                None => return len,
            }
        }
    }

    /// Mark free `slot` taken by a child of `parent`.
    fn take(&mut self, units: &mut [Unit], slot: u32, parent: u32) {
        let s = slot as usize;
        if let Some(w) = self.free.get_mut(s >> 6) {
            *w &= !(1 << (s & 63));
        }
        if let Some(u) = units.get_mut(s) {
            u.check = parent;
        }
        self.taken += 1;
    }

    /// A free slot anywhere (the array grows when none is left).
    fn any_free(&mut self, units: &mut Vec<Unit>) -> u32 {
        self.frontier = self.next_free(self.frontier, units.len());
        if self.frontier >= units.len() {
            let len = units.len();
            self.grow(units, len + len / 2 + 64);
        }
        self.frontier as u32
    }

    /// A base for children with the ascending codes `codes` (at least one); `fits[i]` says whether
    /// child `i` may take `base + codes[i]` (the others go to the side table).
    fn find_base(&mut self, units: &mut Vec<Unit>, codes: &[u32], fits: &mut Vec<bool>) -> u32 {
        let k = codes.len();
        let first = codes.first().copied().unwrap_or(0) as usize;
        let last = codes.last().copied().unwrap_or(0) as usize;
        // At most half the array taken, and room past the search's start for the widest spread.
        let need = (self.taken + k) * 2;
        if need > units.len() {
            let len = units.len();
            self.grow(units, need.max(len + len / 2));
        }
        let len = units.len();
        let start = if k == 1 {
            self.frontier = self.next_free(self.frontier, len);
            self.frontier
        } else {
            while self
                .free
                .get(self.sparse)
                .is_some_and(|w| w.count_ones() < SPARSE_FREE)
            {
                self.sparse += 1;
            }
            self.sparse * 64
        };
        if start + last + 1 > len {
            self.grow(units, (start + last + 1).max(len + len / 2));
        }
        let len = units.len();
        // Bases where the first child lands on a free slot, until every child fits.
        let mut best = (0usize, usize::MAX);
        let mut s = self.next_free(start.max(first), len);
        for _ in 0..MAX_TRIES {
            let base = s - first;
            if base + last >= len {
                break;
            }
            let mut misses = 0;
            for &c in codes.iter().skip(1) {
                if !self.is_free(base + c as usize) {
                    misses += 1;
                    if misses >= best.1 {
                        break;
                    }
                }
            }
            if misses < best.1 {
                best = (base, misses);
                if misses == 0 {
                    break;
                }
            }
            s = self.next_free(s + 1, len);
        }
        if best.1 == usize::MAX {
            // No free slot for the first child before the end: past the end, where all is free.
            let base = len.max(first) - first;
            self.grow(units, base + last + 1);
            best = (base, 0);
        }
        let base = best.0;
        fits.clear();
        fits.extend(codes.iter().map(|&c| self.is_free(base + c as usize)));
        base as u32
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    fn lookup_all(t: &CharTrie, keys: &[(&str, u32)]) {
        for &(k, id) in keys {
            assert_eq!(t.walk(k).and_then(|n| t.value(n)), Some(id), "{k:?}");
        }
    }

    #[test]
    fn keys_walks_and_prefixes() {
        let keys = [
            ("a", 1),
            ("ab", 2),
            ("abcd", 3),
            ("▁東京", 4),
            ("東", 5),
            ("😀x", 6),
            ("b", 7),
        ];
        let t = CharTrie::build(&keys);
        lookup_all(&t, &keys);
        // Prefixes that are not keys have nodes without values; absent paths have no node.
        assert_eq!(t.walk("abc").map(|n| t.value(n)), Some(None));
        assert_eq!(t.walk("▁東").map(|n| t.value(n)), Some(None));
        assert_eq!(t.walk("abd"), None);
        assert_eq!(t.walk("z"), None);
        assert_eq!(t.code('z'), 0);
        assert_eq!(t.walk("😀").map(|n| t.value(n)), Some(None));
        assert_eq!(t.child(t.root(), 0), None);
    }

    /// A deterministic xorshift generator: `rnd(m)` is below `m`.
    fn rng(mut x: u64) -> impl FnMut(u64) -> u64 {
        move |m| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % m
        }
    }

    /// The keys of `set`, numbered in order.
    fn numbered(set: &std::collections::BTreeSet<String>) -> Vec<(&str, u32)> {
        set.iter()
            .enumerate()
            .map(|(i, s)| (s.as_str(), i as u32))
            .collect()
    }

    /// Keys that share more leading chars than the build's sort packs into one integer, and
    /// prefixes of each other past it.
    #[test]
    fn keys_sharing_long_prefixes() {
        let mut rnd = rng(0x5bd1_e995);
        let mut set = std::collections::BTreeSet::new();
        while set.len() < 3000 {
            let tail: String = (0..rnd(8))
                .map(|_| char::from(b'a' + rnd(4) as u8))
                .collect();
            set.insert(format!("▁abcdefgh{tail}"));
            set.insert(format!("abcdef{tail}"));
            set.insert(format!("😀😁😂{tail}"));
        }
        let keys = numbered(&set);
        let t = CharTrie::build(&keys);
        lookup_all(&t, &keys);
        assert_eq!(t.walk("abcde").map(|n| t.value(n)), Some(None));
        assert_eq!(t.walk("abcdefe"), None);
    }

    #[test]
    fn many_keys_over_a_large_alphabet() {
        // Deterministic pseudo-random keys of 1 – 6 chars from 3000 CJK chars and ASCII.
        let mut rnd = rng(0x2545_f491);
        let mut set = std::collections::BTreeSet::new();
        while set.len() < 20_000 {
            let len = 1 + rnd(6) as usize;
            let s: String = (0..len)
                .map(|_| {
                    if rnd(3) == 0 {
                        char::from(b'a' + rnd(26) as u8)
                    } else {
                        char::from_u32(0x4E00 + rnd(3000) as u32).unwrap_or('x')
                    }
                })
                .collect();
            set.insert(s);
        }
        let keys = numbered(&set);
        let t = CharTrie::build(&keys);
        lookup_all(&t, &keys);
        // Every node is some key's prefix: a key plus one more char is found only if it is a key.
        for &(k, _) in keys.iter().take(2000) {
            let longer = format!("{k}q");
            assert_eq!(
                t.walk(&longer).and_then(|n| t.value(n)).is_some(),
                set.contains(&longer)
            );
        }
    }

    /// Keys drawn uniformly from a wide alphabet: each node's children spread over all of it. The
    /// array stays a small multiple of the trie's nodes (before bounding, it grew by the spread
    /// each time a node found no base), and children in the side table are found like the others.
    #[test]
    fn build_is_bounded_over_a_wide_alphabet() {
        let mut rnd = rng(0x9e37_79b9);
        let mut set = std::collections::BTreeSet::new();
        for i in 0..20_000 {
            set.insert(char::from_u32(0x4E00 + i).unwrap_or('x').to_string());
        }
        while set.len() < 80_000 {
            let len = 2 + rnd(3) as usize;
            let s: String = (0..len)
                .map(|_| char::from_u32(0x4E00 + rnd(20_000) as u32).unwrap_or('x'))
                .collect();
            set.insert(s);
        }
        let keys = numbered(&set);
        let t = CharTrie::build(&keys);
        lookup_all(&t, &keys);
        let mut prefixes = std::collections::HashSet::new();
        for k in &set {
            for (i, _) in k.char_indices().skip(1) {
                prefixes.insert(&k[..i]);
            }
            prefixes.insert(k.as_str());
        }
        let (units, spilled) = t.size();
        assert!(
            units <= 4 * (prefixes.len() + 1),
            "{units} slots for {} nodes",
            prefixes.len()
        );
        assert!(spilled < prefixes.len() / 4, "{spilled} spilled");
        for k in set.iter().take(5000) {
            let longer = format!("{k}\u{4e01}");
            assert_eq!(
                t.walk(&longer).and_then(|n| t.value(n)).is_some(),
                set.contains(&longer)
            );
        }
    }
}
