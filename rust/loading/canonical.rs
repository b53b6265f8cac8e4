//! A document whose model is kept as JSON text (`Source`) written out without a `serde_json::Value`
//! tree of that model.
//!
//! Decision: writing a tokenizer (`to_str`, and the hash in a shard run's sidecar) used to parse the kept
//! model text into a `Value` (a B-tree of 50k – 150k keys, each an owned string) and clone it into the
//! document, only to serialize it at once: most of a shard run's start-up after the load itself. Here the
//! text is read into borrowed nodes whose objects are sorted entry lists, and written through the same
//! serde calls a `Value` makes, so the output is byte for byte what the `Value` path writes: keys in
//! `Value`'s (byte) order, the last of keys given twice, numbers and escapes as `Value` writes them.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::{Map, Number, Value};
use std::borrow::Cow;
use std::fmt;

/// A JSON value borrowed from its text where it can be.
pub enum Node<'a> {
    Null,
    Bool(bool),
    Number(Number),
    Str(Cow<'a, str>),
    Array(Vec<Node<'a>>),
    /// Sorted by key, each key once (the last given, as `Value`'s map keeps it).
    Object(Vec<(Cow<'a, str>, Node<'a>)>),
    /// merges.txt's text, written as the array of its merge lines (`legacy::merge_lines`) as strings.
    ///
    /// Decision: not an `Array` of the 50k lines: building and growing it was 9 M instructions of every
    /// hash of a legacy folder's tokenizer, for a list that is only walked once.
    MergeLines(&'a str),
}

impl<'de> Deserialize<'de> for Node<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Node::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Node::Null)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Node::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Node::Number(v.into()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Node::Number(v.into()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Number::from_f64(v).map_or(Node::Null, Node::Number))
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Node::Str(Cow::Borrowed(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Node::Str(Cow::Owned(v.to_string())))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Node::Str(Cow::Owned(v)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Node::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut entries: Vec<(Cow<'de, str>, Node<'de>)> = Vec::new();
        while let Some((key, value)) = map.next_entry::<Key<'de>, Node<'de>>()? {
            entries.push((key.0, value));
        }
        Ok(Node::Object(sorted_unique(entries)))
    }
}

/// `entries` in key order, each key once: the last given, as `Value`'s map keeps it.
///
/// Decision: a vocabulary's 50k – 150k entries (a key and a node, 56 bytes) were sorted in place by a
/// stable sort: moving the entries and comparing the keys' bytes was most of the cost of writing a
/// tokenizer. Here (first 8 key bytes as a big-endian number, position) pairs are sorted, which settles
/// nearly every comparison without reading the keys (padding with zeros keeps byte order: a shorter key
/// that is a prefix ties and goes to the full comparison), and the position keeps equal keys in the order
/// given, as the stable sort did. Each entry then moves once.
fn sorted_unique<'a>(entries: Vec<(Cow<'a, str>, Node<'a>)>) -> Vec<(Cow<'a, str>, Node<'a>)> {
    let mut order: Vec<(u64, usize)> = entries
        .iter()
        .enumerate()
        .map(|(i, (key, _))| (key_prefix(key), i))
        .collect();
    order.sort_unstable_by(|a, b| {
        a.0.cmp(&b.0)
            .then_with(|| entries[a.1].0.cmp(&entries[b.1].0))
            .then(a.1.cmp(&b.1))
    });
    let mut slots: Vec<Option<(Cow<'a, str>, Node<'a>)>> = entries.into_iter().map(Some).collect();
    let mut unique: Vec<(Cow<'a, str>, Node<'a>)> = Vec::with_capacity(slots.len());
    for (_, i) in order {
        let Some(entry) = slots[i].take() else {
            continue; // each position is in `order` once
        };
        match unique.last_mut() {
            Some(last) if last.0 == entry.0 => *last = entry,
            _ => unique.push(entry),
        }
    }
    unique
}

/// The first 8 bytes of `key`, zero-padded, as a big-endian number: ordered as the keys where they differ.
fn key_prefix(key: &str) -> u64 {
    let bytes = key.as_bytes();
    let n = bytes.len().min(8);
    let mut head = [0u8; 8];
    head[..n].copy_from_slice(&bytes[..n]);
    u64::from_be_bytes(head)
}

/// An object key, borrowed where it has no escapes.
struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match d.deserialize_str(NodeVisitor)? {
            Node::Str(s) => Ok(Key(s)),
            _ => Err(de::Error::custom("an object key that is not a string")),
        }
    }
}

impl Serialize for Node<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Node::Null => s.serialize_unit(),
            Node::Bool(b) => s.serialize_bool(*b),
            Node::Number(n) => n.serialize(s),
            Node::Str(v) => s.serialize_str(v),
            Node::Array(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Node::MergeLines(text) => {
                let mut seq = s.serialize_seq(None)?;
                for line in super::legacy::merge_lines(text) {
                    seq.serialize_element(line)?;
                }
                seq.end()
            }
            Node::Object(entries) => {
                let mut map = s.serialize_map(Some(entries.len()))?;
                for (k, v) in entries {
                    map.serialize_entry(k.as_ref(), v)?;
                }
                map.end()
            }
        }
    }
}

/// A model read as `Node`s with `options` written over its entries (as `Source` writes them over the
/// parsed text).
pub struct WithOptions<'a> {
    pub node: &'a Node<'a>,
    pub options: &'a Map<String, Value>,
}

impl Serialize for WithOptions<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let Node::Object(entries) = self.node else {
            return self.node.serialize(s);
        };
        let kept = entries
            .iter()
            .filter(|(k, _)| !self.options.contains_key(k.as_ref()));
        let len = kept.clone().count() + self.options.len();
        let mut map = s.serialize_map(Some(len))?;
        // Both in key order: merge them.
        let mut kept = kept.peekable();
        let mut options = self.options.iter().peekable();
        loop {
            match (kept.peek(), options.peek()) {
                (Some((k, v)), Some((ok, _))) if k.as_ref() < ok.as_str() => {
                    map.serialize_entry(k.as_ref(), v)?;
                    kept.next();
                }
                (_, Some((ok, ov))) => {
                    map.serialize_entry(ok.as_str(), ov)?;
                    options.next();
                }
                (Some((k, v)), None) => {
                    map.serialize_entry(k.as_ref(), v)?;
                    kept.next();
                }
                (None, None) => break,
            }
        }
        map.end()
    }
}

/// A document (`doc`, whose `model` entry is a placeholder) with `model` written as its `model` entry.
pub struct WithModel<'a> {
    pub doc: &'a Map<String, Value>,
    pub model: WithOptions<'a>,
}

impl Serialize for WithModel<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.doc.len()))?;
        for (k, v) in self.doc {
            if k == "model" {
                map.serialize_entry(k, &self.model)?;
            } else {
                map.serialize_entry(k, v)?;
            }
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `text` as `Value` writes it and as `Node` writes it, with `options` over it, compact and pretty.
    fn same_as_value(text: &str, options: Value) {
        let Value::Object(options) = options else {
            panic!("options")
        };
        let mut value: Value = serde_json::from_str(text).unwrap();
        if let Value::Object(o) = &mut value {
            for (k, v) in &options {
                o.insert(k.clone(), v.clone());
            }
        }
        let node: Node = serde_json::from_str(text).unwrap();
        let model = WithOptions {
            node: &node,
            options: &options,
        };
        assert_eq!(
            serde_json::to_string(&model).unwrap(),
            serde_json::to_string(&value).unwrap()
        );
        assert_eq!(
            serde_json::to_string_pretty(&model).unwrap(),
            serde_json::to_string_pretty(&value).unwrap()
        );
    }

    #[test]
    fn written_as_a_value_writes_it() {
        let text = r#"{"vocab": {"b": 1, "a": 0, "\u00e9\"": 2, "a\\b": 3, "B": 4, "é": 5},
            "merges": ["a b", ["a", "\u0062"]], "z": [1.5, -2, 0.1, 18446744073709551615, 1e2, -0.0,
            null, true, false, {"y": 1, "x": {"k": []}}], "type": "BPE", "dropout": null,
            "x": 1, "x": 2, "y": {"q": 1}, "y": 3}"#;
        same_as_value(text, serde_json::json!({}));
        same_as_value(
            text,
            serde_json::json!({"type": "WordPiece", "unk_token": "[UNK]", "a": 1, "zz": {}}),
        );
        same_as_value("[1, 2, {\"b\": 1, \"a\": 2}]", serde_json::json!({"a": 1}));
        same_as_value("{}", serde_json::json!({"a": 1}));
    }

    #[test]
    fn keys_sharing_a_prefix_or_nul_bytes_sort_as_value_sorts_them() {
        let text = r#"{"abcdefghij": 1, "abcdefgh": 2, "abcdefgh\u0000": 3, "a": 4, "a\u0000": 5,
            "": 6, "\u0000": 7, "abcdefghi": 8, "abcdefgh": 9, "é": 10, "e\u0301": 11, "zz": 12,
            "abcdefghij": 13, "\uffff": 14, "\ud83d\ude00": 15}"#;
        same_as_value(text, serde_json::json!({}));
        same_as_value(text, serde_json::json!({"abcdefgh": 0, "b": 1}));
    }

    #[test]
    fn the_model_goes_in_its_place_among_the_entries() {
        let node: Node = serde_json::from_str(r#"{"vocab": {"a": 0}}"#).unwrap();
        let options = Map::new();
        let doc = serde_json::json!({"added_tokens": [], "model": null, "version": "1.0"});
        let Value::Object(doc) = doc else { panic!() };
        let out = WithModel {
            doc: &doc,
            model: WithOptions {
                node: &node,
                options: &options,
            },
        };
        assert_eq!(
            serde_json::to_string(&out).unwrap(),
            r#"{"added_tokens":[],"model":{"vocab":{"a":0}},"version":"1.0"}"#
        );
    }
}
