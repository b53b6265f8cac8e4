//! A byte trie over a vocabulary (WordPiece's, the Unigram trainer's pieces), packed into one `u32` array so that each step of a walk
//! touches one place in memory: a node is `[header, value, edge bytes (4 per word)..., child offsets...]`,
//! or `[header, value, 256 child offsets]` when it has many children (the root, `##`, UTF-8 lead bytes).
//! A node is named by its offset in the array; children are laid out breadth-first.

/// Header bits: has a value, has a dense table; the edge count is `header >> 2`.
const HAS_VALUE: u32 = 1;
const DENSE: u32 = 2;
/// Nodes with more children than this get a dense table.
const DENSE_MIN: usize = 12;

#[derive(Debug, Clone, Default)]
pub struct ByteTrie {
    data: Vec<u32>,
}

/// A node while building: its value and its children (byte, index in build order).
struct Proto {
    value: Option<u32>,
    edges: Vec<(u8, usize)>,
}

impl ByteTrie {
    /// Build from `(key, id)` pairs with distinct keys.
    pub fn build(mut keys: Vec<(&[u8], u32)>) -> Self {
        keys.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let mut protos = vec![Proto {
            value: None,
            edges: Vec::new(),
        }];
        // Breadth-first over (node, keys range sharing the node's prefix, depth); keys are sorted
        // so a group is contiguous.
        let mut queue: Vec<(usize, usize, usize, usize)> = vec![(0, 0, keys.len(), 0)];
        let mut head = 0;
        while let Some(&(node, mut lo, hi, depth)) = queue.get(head) {
            head += 1;
            if let Some(&(k, id)) = keys.get(lo) {
                if k.len() == depth {
                    if let Some(p) = protos.get_mut(node) {
                        p.value = Some(id);
                    }
                    lo += 1;
                }
            }
            let mut i = lo;
            while i < hi {
                // Keys in a group are distinct and longer than `depth` (the one equal to the
                // prefix sorts first and was taken above); `get` only guards a logic slip.
                let Some(&b) = keys.get(i).and_then(|k| k.0.get(depth)) else {
                    i += 1;
                    continue;
                };
                let mut j = i + 1;
                while j < hi && keys.get(j).and_then(|k| k.0.get(depth)) == Some(&b) {
                    j += 1;
                }
                let child = protos.len();
                protos.push(Proto {
                    value: None,
                    edges: Vec::new(),
                });
                if let Some(p) = protos.get_mut(node) {
                    p.edges.push((b, child));
                }
                queue.push((child, i, j, depth + 1));
                i = j;
            }
        }
        // Offsets in build (breadth-first) order, then the packed records.
        let size = |p: &Proto| {
            2 + if p.edges.len() > DENSE_MIN {
                256
            } else {
                p.edges.len().div_ceil(4) + p.edges.len()
            }
        };
        let mut offsets = Vec::with_capacity(protos.len());
        let mut total = 0usize;
        for p in &protos {
            offsets.push(total as u32);
            total += size(p);
        }
        let mut data = Vec::with_capacity(total);
        for p in &protos {
            let dense = p.edges.len() > DENSE_MIN;
            let mut header = (p.edges.len() as u32) << 2;
            header |= if p.value.is_some() { HAS_VALUE } else { 0 };
            header |= if dense { DENSE } else { 0 };
            data.push(header);
            data.push(p.value.unwrap_or(0));
            let target = |c: usize| offsets.get(c).copied().unwrap_or(0);
            if dense {
                let at = data.len();
                data.resize(at + 256, 0);
                for &(b, c) in &p.edges {
                    if let Some(slot) = data.get_mut(at + b as usize) {
                        *slot = target(c);
                    }
                }
            } else {
                for chunk in p.edges.chunks(4) {
                    let mut w = [0u8; 4];
                    for (k, &(b, _)) in chunk.iter().enumerate() {
                        if let Some(x) = w.get_mut(k) {
                            *x = b;
                        }
                    }
                    data.push(u32::from_le_bytes(w));
                }
                data.extend(p.edges.iter().map(|&(_, c)| target(c)));
            }
        }
        ByteTrie { data }
    }

    pub fn root(&self) -> u32 {
        0
    }

    /// The child of `node` by byte `b` (offset 0, the root, is never a child).
    #[inline]
    pub fn child(&self, node: u32, b: u8) -> Option<u32> {
        let o = node as usize;
        let header = *self.data.get(o)?;
        let c = if header & DENSE != 0 {
            *self.data.get(o + 2 + b as usize)?
        } else {
            let len = (header >> 2) as usize;
            let words = len.div_ceil(4);
            let bytes = self.data.get(o + 2..o + 2 + words)?;
            // Four edge bytes per compare: the lowest zero byte of `x ^ pattern` is the first match
            // (the bit trick can only misflag bytes above a real zero).
            let pattern = u32::from(b) * 0x0101_0101;
            let mut found = None;
            for (w, &x) in bytes.iter().enumerate() {
                let v = x ^ pattern;
                let zero = v.wrapping_sub(0x0101_0101) & !v & 0x8080_8080;
                if zero != 0 {
                    // Past `len` is the last word's padding.
                    found = Some(w * 4 + (zero.trailing_zeros() / 8) as usize).filter(|&k| k < len);
                    break;
                }
            }
            *self.data.get(o + 2 + words + found?)?
        };
        (c != 0).then_some(c)
    }

    /// The node reached by walking `key` from `node`.
    pub fn walk(&self, mut node: u32, key: &[u8]) -> Option<u32> {
        for &b in key {
            node = self.child(node, b)?;
        }
        Some(node)
    }

    #[inline]
    pub fn value(&self, node: u32) -> Option<u32> {
        let o = node as usize;
        let header = *self.data.get(o)?;
        if header & HAS_VALUE != 0 {
            self.data.get(o + 1).copied()
        } else {
            None
        }
    }

    /// Longest key of at least one byte starting at `node` that prefixes `s`: `(length, id)`.
    /// Cost is bounded by the longest key, whatever the length of `s`.
    #[inline]
    pub fn longest_prefix(&self, mut node: u32, s: &[u8]) -> Option<(usize, u32)> {
        let mut best = None;
        for (k, &b) in s.iter().enumerate() {
            match self.child(node, b) {
                Some(c) => node = c,
                None => break,
            }
            if let Some(v) = self.value(node) {
                best = Some((k + 1, v));
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longest_prefix_and_walk() {
        let keys: Vec<(&[u8], u32)> =
            vec![(b"a", 1), (b"ab", 2), (b"abcd", 3), (b"##b", 4), (b"", 9)];
        let t = ByteTrie::build(keys);
        assert_eq!(t.longest_prefix(t.root(), b"abcx"), Some((2, 2)));
        assert_eq!(t.longest_prefix(t.root(), b"abcde"), Some((4, 3)));
        assert_eq!(t.longest_prefix(t.root(), b"x"), None);
        let cont = t.walk(t.root(), b"##");
        assert!(cont.is_some());
        assert_eq!(cont.and_then(|c| t.longest_prefix(c, b"bb")), Some((1, 4)));
        assert_eq!(t.value(t.root()), Some(9));
        // A wide node gets a dense table and still answers the same.
        let many: Vec<String> = (0u8..40)
            .map(|i| format!("{}z", (b'A' + i) as char))
            .collect();
        let t = ByteTrie::build(
            many.iter()
                .enumerate()
                .map(|(i, s)| (s.as_bytes(), i as u32))
                .collect(),
        );
        assert_eq!(t.longest_prefix(t.root(), b"Cz!"), Some((2, 2)));
        // Every edge position of a sparse node, and a zero byte that must not match the padding.
        let keys: Vec<Vec<u8>> = (1u8..=7).map(|i| vec![b'q', i * 30]).collect();
        let t = ByteTrie::build(
            keys.iter()
                .enumerate()
                .map(|(i, k)| (k.as_slice(), i as u32))
                .collect(),
        );
        for (i, k) in keys.iter().enumerate() {
            assert_eq!(t.longest_prefix(t.root(), k), Some((2, i as u32)));
        }
        assert_eq!(t.longest_prefix(t.root(), &[b'q', 0]), None);
        assert_eq!(t.longest_prefix(t.root(), &[b'q', 31]), None);
        assert_eq!(t.longest_prefix(t.root(), b"C!"), None);
    }
}
