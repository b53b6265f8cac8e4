//! A compact byte trie over the WordPiece vocabulary, built once from the sorted keys.
//!
//! Children of a node are contiguous and sorted; nodes with many children (the root, the `##` node, the
//! lead bytes of UTF-8 sequences) get a dense 256-entry table so the hot first steps are one load.

const NONE: u32 = u32::MAX;
/// Nodes with more children than this get a dense table.
const DENSE_MIN: usize = 12;

#[derive(Debug, Clone, Copy)]
struct Node {
    edge_start: u32,
    edge_len: u32,
    /// Index into `dense`, or `NONE`.
    dense: u32,
    /// Token id ending here, valid when `has_value`.
    value: u32,
    has_value: bool,
}

#[derive(Debug, Clone, Default)]
pub struct ByteTrie {
    nodes: Vec<Node>,
    edge_bytes: Vec<u8>,
    edge_targets: Vec<u32>,
    /// Child node per byte; 0 means none (the root is never a child).
    dense: Vec<[u32; 256]>,
}

impl ByteTrie {
    /// Build from `(key, id)` pairs with distinct keys.
    pub fn build(mut keys: Vec<(&[u8], u32)>) -> Self {
        keys.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let mut t = ByteTrie::default();
        t.nodes.push(Node {
            edge_start: 0,
            edge_len: 0,
            dense: NONE,
            value: 0,
            has_value: false,
        });
        // (node, keys range sharing the node's prefix, depth); keys are sorted so a group is contiguous.
        let mut stack: Vec<(usize, usize, usize, usize)> = vec![(0, 0, keys.len(), 0)];
        while let Some((node, mut lo, hi, depth)) = stack.pop() {
            if let Some(&(k, id)) = keys.get(lo) {
                if k.len() == depth {
                    if let Some(n) = t.nodes.get_mut(node) {
                        n.value = id;
                        n.has_value = true;
                    }
                    lo += 1;
                }
            }
            let edge_start = t.edge_bytes.len();
            let mut i = lo;
            while i < hi {
                // Keys in a group are distinct and longer than `depth` (the one equal to the prefix
                // sorts first and was taken above), so `get` only guards against a logic slip.
                let Some(&b) = keys[i].0.get(depth) else {
                    i += 1;
                    continue;
                };
                let mut j = i + 1;
                while j < hi && keys[j].0.get(depth) == Some(&b) {
                    j += 1;
                }
                let child = t.nodes.len();
                t.nodes.push(Node {
                    edge_start: 0,
                    edge_len: 0,
                    dense: NONE,
                    value: 0,
                    has_value: false,
                });
                t.edge_bytes.push(b);
                t.edge_targets.push(child as u32);
                stack.push((child, i, j, depth + 1));
                i = j;
            }
            let len = t.edge_bytes.len() - edge_start;
            let mut dense = NONE;
            if len > DENSE_MIN {
                let mut table = [0u32; 256];
                for k in edge_start..t.edge_bytes.len() {
                    table[t.edge_bytes[k] as usize] = t.edge_targets[k];
                }
                dense = t.dense.len() as u32;
                t.dense.push(table);
            }
            if let Some(n) = t.nodes.get_mut(node) {
                n.edge_start = edge_start as u32;
                n.edge_len = len as u32;
                n.dense = dense;
            }
        }
        t
    }

    pub fn root(&self) -> u32 {
        0
    }

    #[inline]
    pub fn child(&self, node: u32, b: u8) -> Option<u32> {
        let n = self.nodes.get(node as usize)?;
        if n.dense != NONE {
            let c = *self.dense.get(n.dense as usize)?.get(b as usize)?;
            return (c != 0).then_some(c);
        }
        let s = n.edge_start as usize;
        let bytes = self.edge_bytes.get(s..s + n.edge_len as usize)?;
        let k = bytes.iter().position(|&x| x == b)?;
        self.edge_targets.get(s + k).copied()
    }

    /// The node reached by walking `key` from `node`.
    pub fn walk(&self, mut node: u32, key: &[u8]) -> Option<u32> {
        for &b in key {
            node = self.child(node, b)?;
        }
        Some(node)
    }

    pub fn value(&self, node: u32) -> Option<u32> {
        self.nodes
            .get(node as usize)
            .and_then(|n| n.has_value.then_some(n.value))
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
            if let Some(n) = self.nodes.get(node as usize) {
                if n.has_value {
                    best = Some((k + 1, n.value));
                }
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
        assert_eq!(t.longest_prefix(t.root(), b"C!"), None);
    }
}
