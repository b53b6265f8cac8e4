//! Byte rewriting (MyT5's morphological byte maps): rules `"c3 a9" -> "80 91"` of hex bytes, applied
//! left to right, each time the longest rule that matches at the current byte (a byte no rule starts
//! with stays as it is). MyT5 runs a decompose map then a merge map on encode, and the reversed maps
//! (each rule's output matched, its input written) in the opposite order on decode.
//!
//! The rules are a trie over bytes with a dense root; a match is a walk down the trie remembering the
//! last node that ends a rule, so one pass costs at most the longest rule's length per input byte.
//! Units carry the span of the source text they came from, so that rewritten bytes keep offsets; a
//! `BARRIER` unit (an added token between bytes on decode) matches nothing and is copied as it is.

use crate::error::{Error, Result};
use crate::json::{as_obj, field};
use rustc_hash::FxHashMap;

/// A unit that no rule reads: copied through, ending any match in progress.
pub const BARRIER: u16 = 256;

/// One byte (or a `BARRIER`, whose `start` the caller uses as it likes) and the source span it covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unit {
    pub value: u16,
    pub start: u32,
    pub end: u32,
}

#[derive(Debug, Clone, Default)]
struct Node {
    children: FxHashMap<u8, u32>,
    /// The rule ending here: its output's range in `ByteRewriter::out`.
    leaf: Option<(u32, u32)>,
}

/// The trie of one map's rules, in one direction.
#[derive(Debug, Clone)]
pub struct ByteRewriter {
    /// Node index of each first byte (every byte has one: by default the rule `b -> b`).
    root: Box<[u32; 256]>,
    nodes: Vec<Node>,
    out: Vec<u8>,
}

/// Parse `"c3 a9"` into bytes; `field` names the rule for errors.
pub fn parse_hex(text: &str, field: &str) -> Result<Vec<u8>> {
    text.split(' ')
        .map(|b| {
            if b.len() == 2 {
                u8::from_str_radix(b, 16).ok()
            } else {
                None
            }
            .ok_or_else(|| {
                Error::config(
                    "",
                    field.to_string(),
                    format!("{text:?}: expected bytes as two hex digits separated by spaces"),
                )
            })
        })
        .collect()
}

impl ByteRewriter {
    /// The trie of `rules` (input, output); a later rule with the same input replaces an earlier one.
    pub fn new<'a>(rules: impl IntoIterator<Item = (&'a [u8], &'a [u8])>) -> Self {
        let mut nodes = Vec::with_capacity(512);
        let mut out = Vec::with_capacity(512);
        let mut root = Box::new([0u32; 256]);
        for b in 0..=255u8 {
            root[usize::from(b)] = nodes.len() as u32;
            nodes.push(Node {
                children: FxHashMap::default(),
                leaf: Some((out.len() as u32, out.len() as u32 + 1)),
            });
            out.push(b);
        }
        let mut rewriter = ByteRewriter { root, nodes, out };
        for (input, output) in rules {
            rewriter.add(input, output);
        }
        rewriter
    }

    fn add(&mut self, input: &[u8], output: &[u8]) {
        let Some((&first, rest)) = input.split_first() else {
            return; // an empty input matches nothing
        };
        let mut node = self.root[usize::from(first)] as usize;
        for &b in rest {
            let next = self.nodes.len() as u32;
            let child = *self.nodes[node].children.entry(b).or_insert(next);
            if child == next {
                self.nodes.push(Node::default());
            }
            node = child as usize;
        }
        let start = self.out.len() as u32;
        self.out.extend_from_slice(output);
        self.nodes[node].leaf = Some((start, self.out.len() as u32));
    }

    /// Append the rewriting of `input` to `out`. Each output byte of a rule covers the span from its
    /// first input unit's start to its last one's end.
    pub fn rewrite(&self, input: &[Unit], out: &mut Vec<Unit>) {
        let mut i = 0;
        while i < input.len() {
            let first = input[i];
            if first.value >= BARRIER {
                out.push(first);
                i += 1;
                continue;
            }
            let mut node = self.root[usize::from(first.value as u8)] as usize;
            let mut best = (self.nodes[node].leaf, i);
            for (j, unit) in input.iter().enumerate().skip(i + 1) {
                let next = match u8::try_from(unit.value) {
                    Ok(b) => self.nodes[node].children.get(&b),
                    Err(_) => None,
                };
                let Some(&next) = next else { break };
                node = next as usize;
                if let Some(leaf) = self.nodes[node].leaf {
                    best = (Some(leaf), j);
                }
            }
            let (leaf, last) = best;
            let (start, end) = (first.start, input[last].end);
            match leaf {
                Some((a, b)) => {
                    out.extend(self.out[a as usize..b as usize].iter().map(|&v| Unit {
                        value: u16::from(v),
                        start,
                        end,
                    }))
                }
                None => out.push(first), // unreachable: every first byte ends a rule
            }
            i = last + 1;
        }
    }
}

/// The two rewriters of MyT5's `byte_maps.json` maps (`decompose_map`, `merge_map`: {input: output}),
/// forward for encode or reversed for decode, in the order they run.
pub fn morphological(
    maps: &[&serde_json::Map<String, serde_json::Value>; 2],
    reverse: bool,
    field: &str,
) -> Result<[ByteRewriter; 2]> {
    let build = |map: &serde_json::Map<String, serde_json::Value>, name: &str| {
        let mut rules = Vec::with_capacity(map.len());
        for (input, output) in map {
            let f = format!("{field}.{name}[{input:?}]");
            let output = output
                .as_str()
                .ok_or_else(|| Error::config("", f.clone(), "expected a string of hex bytes"))?;
            let (a, b) = (parse_hex(input, &f)?, parse_hex(output, &f)?);
            rules.push(if reverse { (b, a) } else { (a, b) });
        }
        Ok::<_, Error>(ByteRewriter::new(
            rules.iter().map(|(a, b)| (a.as_slice(), b.as_slice())),
        ))
    };
    let decompose = build(maps[0], "decompose_map")?;
    let merge = build(maps[1], "merge_map")?;
    Ok(if reverse {
        [merge, decompose]
    } else {
        [decompose, merge]
    })
}

/// `morphological` for the maps as one value (`{"decompose_map": {..}, "merge_map": {..}}`, MyT5's
/// `byte_maps.json`); `at` names the value for errors.
pub fn from_maps(v: &serde_json::Value, at: &str, reverse: bool) -> Result<[ByteRewriter; 2]> {
    let o = as_obj(v, at)?;
    let map = |key: &str| {
        as_obj(
            o.get(key).unwrap_or(&serde_json::Value::Null),
            &field(at, key),
        )
    };
    morphological(&[map("decompose_map")?, map("merge_map")?], reverse, at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn units(bytes: &[u16]) -> Vec<Unit> {
        bytes
            .iter()
            .enumerate()
            .map(|(i, &value)| Unit {
                value,
                start: i as u32,
                end: i as u32 + 1,
            })
            .collect()
    }

    fn run(rules: &[(&[u8], &[u8])], input: &[u16]) -> Vec<(u16, u32, u32)> {
        let r = ByteRewriter::new(rules.iter().copied());
        let mut out = Vec::new();
        r.rewrite(&units(input), &mut out);
        out.iter().map(|u| (u.value, u.start, u.end)).collect()
    }

    #[test]
    fn longest_rule_with_a_leaf_wins() {
        let rules: &[(&[u8], &[u8])] = &[(b"qu", b"Q"), (b"quick", b"K"), (b"xyz", b"!")];
        let got = run(rules, &[b'q' as u16, b'u' as u16, b'i' as u16, b'x' as u16]);
        // "qui" has no rule: the longest one seen ("qu") is used, then "i" and "x" stay.
        assert_eq!(
            got,
            [
                (b'Q' as u16, 0, 2),
                (b'i' as u16, 2, 3),
                (b'x' as u16, 3, 4)
            ]
        );
        let word: Vec<u16> = b"quick".iter().map(|&b| u16::from(b)).collect();
        assert_eq!(run(rules, &word), [(b'K' as u16, 0, 5)]);
        // "xy" ends no rule and "xyz" is cut: x and y stay.
        assert_eq!(run(rules, &[120, 121]), [(120, 0, 1), (121, 1, 2)]);
    }

    #[test]
    fn one_byte_rules_replace_the_byte_and_barriers_cut() {
        let rules: &[(&[u8], &[u8])] = &[(b"z", b"zz"), (b"ab", b"")];
        assert_eq!(run(rules, &[122]), [(122, 0, 1), (122, 0, 1)]);
        assert_eq!(
            run(rules, &[97, BARRIER, 98]),
            [(97, 0, 1), (BARRIER, 1, 2), (98, 2, 3)]
        );
        assert_eq!(run(rules, &[97, 98, 99]), [(99, 2, 3)]);
    }

    #[test]
    fn maps_parse_and_reverse() {
        let maps = serde_json::json!({"d": {"c3 a9": "80 91"}, "m": {"80 91 41": "f0"}});
        let (d, m) = (
            maps["d"].as_object().unwrap(),
            maps["m"].as_object().unwrap(),
        );
        let [first, second] = morphological(&[d, m], false, "byte_maps").unwrap();
        let mut a = Vec::new();
        first.rewrite(&units(&[0xc3, 0xa9, 0x41]), &mut a);
        let mut b = Vec::new();
        second.rewrite(&a, &mut b);
        assert_eq!(b.iter().map(|u| u.value).collect::<Vec<_>>(), [0xf0]);
        let [back1, back2] = morphological(&[d, m], true, "byte_maps").unwrap();
        let (mut c, mut e) = (Vec::new(), Vec::new());
        back1.rewrite(&b, &mut c);
        back2.rewrite(&c, &mut e);
        assert_eq!(
            e.iter().map(|u| u.value).collect::<Vec<_>>(),
            [0xc3, 0xa9, 0x41]
        );
        let bad = serde_json::json!({"c3a9": "80"});
        assert!(morphological(&[bad.as_object().unwrap(), m], false, "x").is_err());
    }
}
