//! A double array over chars: the Unigram vocabulary as a trie whose edges are whole code points, so a
//! walk costs one step per char (three or four bytes of CJK text are one step, not three byte steps).
//!
//! Chars are first mapped to dense codes (1 and up, the most frequent in the keys first; 0 is a char no
//! key holds). A node `s` has its children at `base[s] + code`, each marked with `check = s`: a step
//! is two loads and a compare. Nodes are placed breadth-first, each at the first base where all its
//! children's slots are free, found through a bitset of the free slots; with frequent chars on small
//! codes the array stays dense.

use rustc_hash::FxHashMap;

/// No value, or a free slot's check.
const NONE: u32 = u32::MAX;
/// Check of a taken slot that is no node's child: the root (its children set theirs to the parent).
const TAKEN: u32 = u32::MAX - 1;
/// Chars below this get their code by a table lookup; the rest through a hash map.
const TABLE_CHARS: usize = 0x1_0000;
/// Free slots tried for one node before the search jumps to the end of the array. Jumps cost the
/// spread of the node's child codes in empty slots, so the search is long: with it, 250k random
/// pieces over 20k CJK chars pack into 0.7 M units (2.8 per piece) in about 0.5 s; with 512 tries
/// they took 17 M.
const MAX_TRIES: usize = 8192;

#[derive(Debug, Clone, Copy)]
struct Unit {
    base: u32,
    check: u32,
    value: u32,
}

#[derive(Debug, Clone, Default)]
pub struct CharTrie {
    units: Vec<Unit>,
    /// Code of each char below `TABLE_CHARS` (0: in no key).
    table: Box<[u32]>,
    /// Codes of the chars from `TABLE_CHARS` up.
    astral: FxHashMap<u32, u32>,
}

impl CharTrie {
    /// Build from `(key, id)` pairs with distinct, non-empty keys.
    pub fn build(keys: &[(&str, u32)]) -> Self {
        // Codes by descending frequency (ties by char), so the common children sit close together.
        let mut freq: FxHashMap<char, u32> = FxHashMap::default();
        for (k, _) in keys {
            for c in k.chars() {
                *freq.entry(c).or_insert(0) += 1;
            }
        }
        let mut chars: Vec<(char, u32)> = freq.into_iter().collect();
        chars.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut table = vec![0u32; TABLE_CHARS].into_boxed_slice();
        let mut astral = FxHashMap::default();
        for (i, &(c, _)) in chars.iter().enumerate() {
            let code = i as u32 + 1;
            match table.get_mut(c as usize) {
                Some(slot) => *slot = code,
                None => {
                    astral.insert(c as u32, code);
                }
            }
        }
        let mut trie = CharTrie {
            units: Vec::new(),
            table,
            astral,
        };
        // Keys as code strings in one buffer, sorted.
        let mut flat: Vec<u32> = Vec::new();
        let mut spans: Vec<(u32, u32, u32)> = Vec::with_capacity(keys.len());
        for &(k, id) in keys {
            let a = flat.len() as u32;
            flat.extend(k.chars().map(|c| trie.code(c)));
            spans.push((a, flat.len() as u32, id));
        }
        let key = |s: &(u32, u32, u32)| flat.get(s.0 as usize..s.1 as usize).unwrap_or_default();
        spans.sort_unstable_by(|a, b| key(a).cmp(key(b)));
        trie.place(&spans, &flat);
        trie
    }

    /// Lay the sorted keys out breadth-first.
    fn place(&mut self, spans: &[(u32, u32, u32)], flat: &[u32]) {
        let mut alloc = Alloc::new();
        alloc.reserve(&mut self.units, 0);
        // Queue of (slot, lo, hi, depth): the node at `slot` stands for keys lo..hi sharing `depth` codes.
        let mut queue = std::collections::VecDeque::new();
        queue.push_back((0u32, 0usize, spans.len(), 0usize));
        let code_at = |i: usize, d: usize| {
            spans
                .get(i)
                .and_then(|s| flat.get(s.0 as usize..s.1 as usize))
                .and_then(|k| k.get(d))
                .copied()
        };
        let mut children: Vec<(u32, usize, usize)> = Vec::new();
        while let Some((slot, mut lo, hi, depth)) = queue.pop_front() {
            if lo < hi && code_at(lo, depth).is_none() {
                if let (Some(u), Some(s)) = (self.units.get_mut(slot as usize), spans.get(lo)) {
                    u.value = s.2;
                }
                lo += 1;
            }
            children.clear();
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
            let Some(&(first, _, _)) = children.first() else {
                continue;
            };
            let base = alloc.find_base(&mut self.units, first, &children);
            if let Some(u) = self.units.get_mut(slot as usize) {
                u.base = base;
            }
            for &(c, i, j) in &children {
                let t = base + c;
                alloc.reserve(&mut self.units, t);
                if let Some(u) = self.units.get_mut(t as usize) {
                    u.check = slot;
                }
                queue.push_back((t, i, j, depth + 1));
            }
        }
        self.units.shrink_to_fit();
    }

    pub fn root(&self) -> u32 {
        0
    }

    /// The code of `c`: 0 when no key holds it.
    #[inline]
    pub fn code(&self, c: char) -> u32 {
        match self.table.get(c as usize) {
            Some(&k) => k,
            None => self.astral.get(&(c as u32)).copied().unwrap_or(0),
        }
    }

    /// The child of `node` by char code `code` (≥ 1).
    #[inline]
    pub fn child(&self, node: u32, code: u32) -> Option<u32> {
        let base = self.units.get(node as usize)?.base;
        let t = base.wrapping_add(code);
        let u = self.units.get(t as usize)?;
        // Code 0 finds nothing: no child has it, and the root's check is `TAKEN`.
        (u.check == node).then_some(t)
    }

    /// The id of the key that ends at `node`.
    #[inline]
    pub fn value(&self, node: u32) -> Option<u32> {
        let v = self.units.get(node as usize)?.value;
        (v != NONE).then_some(v)
    }

    /// The node reached by walking `key` from the root.
    pub fn walk(&self, key: &str) -> Option<u32> {
        key.chars()
            .try_fold(self.root(), |n, c| self.child(n, self.code(c)))
    }
}

/// The free slots of the array being built, as a bitset: the next free slot at or after a position
/// is a scan over words, so the search for a base starts at the node's first child code directly.
struct Alloc {
    /// One bit per slot of `units`: set when free.
    free: Vec<u64>,
    /// No slot below this is free (advanced lazily).
    frontier: usize,
}

impl Alloc {
    fn new() -> Self {
        Alloc {
            free: Vec::new(),
            frontier: 0,
        }
    }

    /// Grow the array (new slots are free) so that `slot` exists.
    fn grow(&mut self, units: &mut Vec<Unit>, slot: u32) {
        let want = slot as usize + 1;
        if units.len() >= want {
            return;
        }
        let from = units.len();
        units.resize(
            want,
            Unit {
                base: 0,
                check: NONE,
                value: NONE,
            },
        );
        self.free.resize(want.div_ceil(64), 0);
        for k in from..want {
            if let Some(w) = self.free.get_mut(k >> 6) {
                *w |= 1 << (k & 63);
            }
        }
    }

    /// The first free slot at or after `p`, or the array's length.
    fn next_free(&self, p: usize, len: usize) -> usize {
        let mut k = p >> 6;
        let mut w = self.free.get(k).map_or(0, |&w| w & (!0u64 << (p & 63)));
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

    /// Mark `slot` taken (growing the array to it first).
    fn reserve(&mut self, units: &mut Vec<Unit>, slot: u32) {
        self.grow(units, slot);
        let s = slot as usize;
        if let Some(w) = self.free.get_mut(s >> 6) {
            *w &= !(1 << (s & 63));
        }
        if let Some(u) = units.get_mut(s) {
            if u.check == NONE {
                u.check = TAKEN;
            }
        }
    }

    /// A base where every child slot `base + code` is free (or past the end): the first child goes
    /// to one of the next `MAX_TRIES` free slots from the frontier (and from its own code), else past
    /// the end of the array.
    fn find_base(
        &mut self,
        units: &mut Vec<Unit>,
        first: u32,
        children: &[(u32, usize, usize)],
    ) -> u32 {
        let len = units.len();
        let fits = |units: &Vec<Unit>, base: usize| {
            children
                .iter()
                .all(|&(c, _, _)| units.get(base + c as usize).is_none_or(|u| u.check == NONE))
        };
        self.frontier = self.next_free(self.frontier, len);
        let first = first as usize;
        let mut s = self.next_free(self.frontier.max(first), len);
        for _ in 0..MAX_TRIES {
            if s >= len {
                break;
            }
            if fits(units, s - first) {
                return (s - first) as u32;
            }
            s = self.next_free(s + 1, len);
        }
        // Past every slot in use.
        let mut b = len.max(first) - first;
        while !fits(units, b) {
            b += 1;
        }
        b as u32
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

    #[test]
    fn many_keys_over_a_large_alphabet() {
        // Deterministic pseudo-random keys of 1 – 6 chars from 3000 CJK chars and ASCII.
        let mut x = 0x2545_f491_u64;
        let mut rnd = |m: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % m
        };
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
        let keys: Vec<(&str, u32)> = set
            .iter()
            .enumerate()
            .map(|(i, s)| (s.as_str(), i as u32))
            .collect();
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
}
