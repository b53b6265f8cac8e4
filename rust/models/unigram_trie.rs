//! A double-array byte trie over the Unigram pieces, for the common-prefix search the Viterbi pass makes
//! at every char: one step is one array read (`base + byte` must name its parent in `check`), where a
//! node-by-node trie scans its edge list. Each unit carries the piece id ending there, so a step and
//! its match come from the same cache line.

/// A free unit, and a unit that ends no piece.
const FREE: u32 = u32::MAX;
pub const NO_PIECE: u32 = u32::MAX;

#[derive(Debug, Clone, Copy)]
pub struct Unit {
    /// Children of this state are at `base + byte + 1` (the root, state 0, is never a child).
    base: u32,
    /// The parent state, or `FREE`.
    check: u32,
    /// The id of the piece that ends here, or `NO_PIECE`.
    pub value: u32,
}

#[derive(Debug, Clone, Default)]
pub struct DoubleArray {
    units: Vec<Unit>,
}

const EMPTY: Unit = Unit {
    base: 0,
    check: FREE,
    value: NO_PIECE,
};

impl DoubleArray {
    /// Build from `(key, id)` pairs with distinct, non-empty keys. `None` when the array would not be
    /// addressable with `u32` (far beyond any real vocabulary).
    pub fn build(mut keys: Vec<(&[u8], u32)>) -> Option<Self> {
        keys.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let mut units = vec![Unit { check: 0, ..EMPTY }];
        // Lowest unit that may be free: the search for a base starts there.
        let mut first_free = 1usize;
        // Breadth-first: (state, keys sharing its prefix, depth).
        let mut queue: Vec<(usize, usize, usize, usize)> = vec![(0, 0, keys.len(), 0)];
        let mut head = 0;
        let mut labels: Vec<(u8, usize, usize)> = Vec::new();
        while let Some(&(state, mut lo, hi, depth)) = queue.get(head) {
            head += 1;
            if let Some(&(k, id)) = keys.get(lo) {
                if k.len() == depth {
                    units.get_mut(state)?.value = id;
                    lo += 1;
                }
            }
            labels.clear();
            let mut i = lo;
            while i < hi {
                let b = *keys.get(i)?.0.get(depth)?;
                let mut j = i + 1;
                while j < hi && keys.get(j).and_then(|k| k.0.get(depth)) == Some(&b) {
                    j += 1;
                }
                labels.push((b, i, j));
                i = j;
            }
            let Some(&(first, _, _)) = labels.first() else {
                continue;
            };
            let free = |units: &[Unit], t: usize| units.get(t).is_none_or(|u| u.check == FREE);
            // The lowest base whose slots for every label are free.
            let mut slot = first_free.max(first as usize + 1);
            let base = loop {
                if free(&units, slot) {
                    let base = slot - first as usize - 1;
                    if labels
                        .iter()
                        .all(|&(b, _, _)| free(&units, base + b as usize + 1))
                    {
                        break base;
                    }
                }
                slot += 1;
            };
            let top = base + labels.last().map_or(0, |l| l.0 as usize) + 2;
            if top >= FREE as usize {
                return None;
            }
            if units.len() < top {
                units.resize(top, EMPTY);
            }
            units.get_mut(state)?.base = base as u32;
            for &(b, i, j) in &labels {
                let t = base + b as usize + 1;
                units.get_mut(t)?.check = state as u32;
                queue.push((t, i, j, depth + 1));
            }
            while !free(&units, first_free) {
                first_free += 1;
            }
        }
        Some(DoubleArray { units })
    }

    /// Every piece that starts `text`, shortest first: `f(length in bytes, id)`.
    #[inline]
    pub fn prefixes(&self, text: &[u8], mut f: impl FnMut(usize, u32)) {
        let units = self.units.as_slice();
        let Some(root) = units.first() else {
            return;
        };
        let mut state = 0u32;
        let mut base = root.base as usize;
        for (k, &b) in text.iter().enumerate() {
            let t = base + b as usize + 1;
            let Some(u) = units.get(t) else {
                return;
            };
            if u.check != state {
                return;
            }
            if u.value != NO_PIECE {
                f(k + 1, u.value);
            }
            state = t as u32;
            base = u.base as usize;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(da: &DoubleArray, text: &str) -> Vec<(usize, u32)> {
        let mut out = Vec::new();
        da.prefixes(text.as_bytes(), |n, id| out.push((n, id)));
        out
    }

    #[test]
    fn finds_every_prefix_and_nothing_else() {
        let keys = [
            "a", "ab", "abc", "b", "\u{0}", "\u{ff}", "中", "中文", "▁the", "▁th",
        ];
        let da = DoubleArray::build(
            keys.iter()
                .enumerate()
                .map(|(i, k)| (k.as_bytes(), i as u32))
                .collect(),
        )
        .unwrap();
        assert_eq!(found(&da, "abcd"), [(1, 0), (2, 1), (3, 2)]);
        assert_eq!(found(&da, "b"), [(1, 3)]);
        assert_eq!(found(&da, "\u{0}x"), [(1, 4)]);
        assert_eq!(found(&da, "中文字"), [(3, 6), (6, 7)]);
        assert_eq!(found(&da, "▁then"), [(5, 9), (6, 8)]);
        assert_eq!(found(&da, "c"), []);
        assert_eq!(found(&da, ""), []);
        // Every key of a larger set finds itself, and only its own prefixes.
        let many: Vec<String> = (0..3000u32)
            .map(|i| {
                format!(
                    "{}{}",
                    char::from_u32(0x4E00 + i % 700).unwrap(),
                    i * 7919 % 1000
                )
            })
            .collect();
        let da = DoubleArray::build(
            many.iter()
                .enumerate()
                .map(|(i, k)| (k.as_bytes(), i as u32))
                .collect(),
        )
        .unwrap();
        for (i, k) in many.iter().enumerate() {
            let got = found(&da, k);
            assert_eq!(got.last(), Some(&(k.len(), i as u32)), "{k}");
            for (n, id) in got {
                assert!(k.starts_with(many[id as usize].as_str()) && many[id as usize].len() == n);
            }
        }
    }
}
