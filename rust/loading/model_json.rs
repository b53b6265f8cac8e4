//! tokenizer.json text → `Tokenizer` without building a `Value` tree of the vocabulary.
//!
//! The document's small entries are read as `Value`s (the components parse those), the `model` entry is
//! kept as text (`Source`) and read once more with typed visitors: the vocabulary straight into a
//! token → id map or a list of borrowed `(token, id)` pairs, the merges into borrowed pairs. Anything this
//! reader does not expect (an id that is not a u32, a token given twice, a merge that is not two tokens)
//! makes it give up, and the caller loads the document the general way, whose errors name the file and
//! the field; so this path only ever changes how fast a valid file loads.

use super::source::{ModelText, Source};
use crate::json::Obj;
use crate::models::{Bpe, Model, WordLevel, WordPiece};
use rustc_hash::FxHashMap;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;
use std::borrow::Cow;
use std::fmt;

/// A document split into its small entries and its model's text.
pub struct Document<'a> {
    pub rest: Obj,
    pub model: &'a RawValue,
}

impl<'de> Deserialize<'de> for Document<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Document<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a tokenizer.json object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut rest = Obj::new();
                let mut model = None;
                while let Some(key) = map.next_key::<Str<'de>>()? {
                    if key.0 == "model" {
                        model = Some(map.next_value::<&'de RawValue>()?);
                    } else {
                        rest.insert(key.0.into_owned(), map.next_value::<Value>()?);
                    }
                }
                let model = model.ok_or_else(|| de::Error::missing_field("model"))?;
                Ok(Document { rest, model })
            }
        }
        d.deserialize_map(V)
    }
}

/// A string that borrows from the input where it has no escapes.
struct Str<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Str<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Str<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Self::Value, E> {
                Ok(Str(Cow::Borrowed(s)))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
                Ok(Str(Cow::Owned(s.to_string())))
            }
            fn visit_string<E: de::Error>(self, s: String) -> Result<Self::Value, E> {
                Ok(Str(Cow::Owned(s)))
            }
        }
        d.deserialize_str(V)
    }
}

/// A model's `vocab`: an object of token → id as pairs (no token twice), or any other value (Unigram's
/// list of pieces) as it is.
pub enum Vocab<'a> {
    Pairs(Vec<(Cow<'a, str>, u32)>),
    Other(Value),
}

impl<'de> Deserialize<'de> for Vocab<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Vocab<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a vocabulary")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut pairs = Vec::with_capacity(map.size_hint().unwrap_or(0));
                while let Some((k, id)) = map.next_entry::<Str<'de>, u32>()? {
                    pairs.push((k.0, id));
                }
                let mut seen = rustc_hash::FxHashSet::default();
                seen.reserve(pairs.len());
                if !pairs.iter().all(|(k, _)| seen.insert(k.as_ref())) {
                    return Err(de::Error::custom("a token given twice"));
                }
                Ok(Vocab::Pairs(pairs))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                Value::deserialize(de::value::SeqAccessDeserializer::new(seq)).map(Vocab::Other)
            }
        }
        d.deserialize_any(V)
    }
}

impl Vocab<'_> {
    /// The pairs as a token → id map (what BPE keeps).
    pub fn into_map(pairs: Vec<(Cow<'_, str>, u32)>) -> FxHashMap<String, u32> {
        let mut map = FxHashMap::default();
        map.reserve(pairs.len());
        for (k, id) in pairs {
            map.insert(k.into_owned(), id);
        }
        map
    }
}

/// A BPE model's `merges`: `"a b"` strings or `["a", "b"]` pairs, in rank order.
pub struct Merges<'a>(pub Vec<(Cow<'a, str>, Cow<'a, str>)>);

impl<'de> Deserialize<'de> for Merges<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Merges<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of merges")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
                while let Some(m) = seq.next_element::<Merge<'de>>()? {
                    out.push(m.0);
                }
                Ok(Merges(out))
            }
        }
        d.deserialize_seq(V)
    }
}

struct Merge<'a>((Cow<'a, str>, Cow<'a, str>));

impl<'de> Deserialize<'de> for Merge<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        fn split<E: de::Error>(s: &str) -> Result<(&str, &str), E> {
            let mut parts = s.split(' ');
            match (parts.next(), parts.next(), parts.next()) {
                (Some(a), Some(b), None) => Ok((a, b)),
                _ => Err(E::custom("a merge that is not two tokens")),
            }
        }
        impl<'de> Visitor<'de> for V {
            type Value = Merge<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a merge")
            }
            fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Self::Value, E> {
                let (a, b) = split(s)?;
                Ok(Merge((Cow::Borrowed(a), Cow::Borrowed(b))))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
                let (a, b) = split(s)?;
                Ok(Merge((Cow::Owned(a.into()), Cow::Owned(b.into()))))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let two = (
                    seq.next_element::<Str<'de>>()?,
                    seq.next_element::<Str<'de>>()?,
                );
                match (two, seq.next_element::<de::IgnoredAny>()?) {
                    ((Some(a), Some(b)), None) => Ok(Merge((a.0, b.0))),
                    _ => Err(de::Error::custom("a merge that is not two tokens")),
                }
            }
        }
        d.deserialize_any(V)
    }
}

/// A `model` object: its vocabulary and merges read as above, its other entries as `Value`s.
pub struct ModelParts<'a> {
    pub rest: Obj,
    pub vocab: Option<Vocab<'a>>,
    pub merges: Option<Merges<'a>>,
}

impl<'de> Deserialize<'de> for ModelParts<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ModelParts<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a model object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut parts = ModelParts {
                    rest: Obj::new(),
                    vocab: None,
                    merges: None,
                };
                while let Some(key) = map.next_key::<Str<'de>>()? {
                    match key.0.as_ref() {
                        "vocab" if parts.vocab.is_none() => parts.vocab = Some(map.next_value()?),
                        "merges" if parts.merges.is_none() => {
                            // null is "no merges", as the general reader takes it.
                            parts.merges = Some(
                                map.next_value::<Option<Merges<'de>>>()?
                                    .unwrap_or(Merges(Vec::new())),
                            )
                        }
                        "vocab" | "merges" => {
                            return Err(de::Error::custom("an entry given twice"))
                        }
                        _ => {
                            let v = map.next_value::<Value>()?;
                            parts.rest.insert(key.0.into_owned(), v);
                        }
                    }
                }
                Ok(parts)
            }
        }
        d.deserialize_map(V)
    }
}

/// The document's small entries with its model's options under `model`, the model's vocabulary and
/// merges, and the model's text; `None` when the text is not a document this reader takes (see the
/// module's notes).
pub fn read(text: &str) -> Option<(Obj, ModelParts<'_>, &RawValue)> {
    let mut doc: Document<'_> = serde_json::from_str(text).ok()?;
    let mut parts: ModelParts<'_> = serde_json::from_str(doc.model.get()).ok()?;
    let options = std::mem::take(&mut parts.rest);
    doc.rest.insert("model".into(), Value::Object(options));
    Some((doc.rest, parts, doc.model))
}

/// `Source` of a document read by `read` (`rest` as `read` gave it, maybe edited since).
pub fn source(mut rest: Obj, model: &RawValue) -> Source {
    let options = match rest.remove("model") {
        Some(Value::Object(o)) => o,
        _ => Obj::new(),
    };
    Source::with_model_text(rest, ModelText::Json(model.get().into()), options)
}

/// The model of `parts` (`field`: its path, for errors).
pub fn build_model(parts: ModelParts<'_>, field: &str) -> crate::error::Result<Model> {
    let ModelParts {
        mut rest,
        vocab,
        merges,
    } = parts;
    let tag = crate::json::opt_str(&rest, "type", field)?;
    // Untagged models: guessed like the general reader does (`Model::from_json`).
    let tag = tag
        .unwrap_or(match (&vocab, &merges) {
            (_, Some(_)) => "BPE",
            (Some(Vocab::Other(Value::Array(_))), _) => "Unigram",
            _ => "WordPiece",
        })
        .to_string();
    let pairs = match vocab {
        Some(Vocab::Pairs(pairs)) if tag != "Unigram" => pairs,
        other => {
            // Not a token → id object (Unigram's pieces), or no vocabulary: the general reader.
            if let Some(v) = other {
                let v = match v {
                    Vocab::Pairs(pairs) => Value::Object(
                        pairs
                            .into_iter()
                            .map(|(k, id)| (k.into_owned(), Value::from(id)))
                            .collect(),
                    ),
                    Vocab::Other(v) => v,
                };
                rest.insert("vocab".into(), v);
            }
            if let Some(Merges(m)) = merges {
                let list = m.into_iter().map(|(a, b)| Value::from(vec![a, b]));
                rest.insert("merges".into(), Value::Array(list.collect()));
            }
            return Model::from_json(&Value::Object(rest), field);
        }
    };
    Ok(match tag.as_str() {
        "BPE" => {
            let merges = merges.map(|m| m.0).unwrap_or_default();
            Model::Bpe(Bpe::from_parts(
                &rest,
                Vocab::into_map(pairs),
                &merges,
                field,
            )?)
        }
        "WordPiece" => {
            let refs = pairs.iter().map(|(k, id)| (k.as_ref(), *id)).collect();
            Model::WordPiece(WordPiece::from_pairs(&rest, refs, field)?)
        }
        "WordLevel" => {
            let refs: Vec<(&str, u32)> = pairs.iter().map(|(k, id)| (k.as_ref(), *id)).collect();
            Model::WordLevel(WordLevel::from_pairs(&rest, &refs, field)?)
        }
        other => return Err(crate::json::unsupported("model", field, other)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokenizer::Tokenizer;

    /// The quick reader and the general one build the same tokenizer and write the same document.
    fn same_both_ways(text: &str) {
        assert!(read(text).is_some(), "the quick reader should take {text}");
        let quick = super::super::tokenizer_json::from_str(text, "t.json").unwrap();
        let v: Value = serde_json::from_str(text).unwrap();
        let general = super::super::tokenizer_json::from_value(v, "t.json").unwrap();
        assert_eq!(
            quick.to_json_string(false).unwrap(),
            general.to_json_string(false).unwrap()
        );
        let enc = |t: &Tokenizer| {
            let opts = crate::tokenizer::EncodeOptions::default();
            let e = t
                .encode(
                    crate::tokenizer::InputSequence::Raw("ab abc a\u{e9}c"),
                    None,
                    &opts,
                )
                .unwrap();
            (e.ids, e.offsets)
        };
        assert_eq!(enc(&quick), enc(&general));
    }

    #[test]
    fn bpe_wordpiece_and_wordlevel_documents_read_quickly_as_in_general() {
        let bpe = r#"{"version": "1.0", "added_tokens": [{"id": 5, "content": "<s>", "special": true}],
            "pre_tokenizer": {"type": "Whitespace"},
            "model": {"type": "BPE", "dropout": null, "unk_token": "<s>",
                      "vocab": {"a": 0, "b": 1, "c": 2, "ab": 3, "abc": 4, "<s>": 5, "\u00e9": 6},
                      "merges": ["a b", ["ab", "c"]]}}"#;
        same_both_ways(bpe);
        // No type: guessed from the merges, as the general reader does; escaped tokens are owned.
        same_both_ways(
            &bpe.replace(r#""type": "BPE", "#, "")
                .replace(r#""a": 0"#, r#""\u0061": 0"#),
        );
        let wp = r###"{"model": {"type": "WordPiece", "unk_token": "[UNK]",
            "vocab": {"[UNK]": 0, "a": 1, "##b": 2, "##c": 3, "ab": 4}}}"###;
        same_both_ways(wp);
        same_both_ways(
            r#"{"model": {"type": "WordLevel", "unk_token": "<unk>", "vocab": {"<unk>": 0, "ab": 1}},
            "pre_tokenizer": {"type": "Whitespace"}}"#,
        );
        same_both_ways(
            &std::fs::read_to_string(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/fixtures/bert-uncased/tokenizer.json"
            ))
            .unwrap(),
        );
    }

    #[test]
    fn what_the_quick_reader_refuses_goes_the_general_way_with_its_errors() {
        let base =
            r#"{"model": {"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2}, "merges": MERGES}}"#;
        // A token given twice (the general reader keeps the last) and a merge of three tokens.
        let twice = base
            .replace(r#""b": 1"#, r#""b": 1, "a": 3"#)
            .replace("MERGES", "[]");
        assert!(read(&twice).is_none());
        let t = super::super::tokenizer_json::from_str(&twice, "t.json").unwrap();
        assert_eq!(t.token_to_id("a"), Some(3));
        let three = base.replace("MERGES", r#"["a b c"]"#);
        assert!(read(&three).is_none());
        let e = super::super::tokenizer_json::from_str(&three, "t.json").unwrap_err();
        assert_eq!(
            e.to_string(),
            "t.json: model.merges[0]: expected \"a b\" or [\"a\", \"b\"]"
        );
        // An error the quick reader finds while building is the general reader's, naming file and field.
        let unknown = base.replace("MERGES", r#"["a x"]"#);
        let e = super::super::tokenizer_json::from_str(&unknown, "t.json").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("t.json: model.merges[0]: token `x`"),
            "{e}"
        );
        let big = base
            .replace(r#""a": 0"#, r#""a": 5000000000"#)
            .replace("MERGES", "[]");
        let e = super::super::tokenizer_json::from_str(&big, "t.json").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("t.json: model.vocab.a: expected an id"),
            "{e}"
        );
    }

    #[test]
    fn a_unigram_vocabulary_goes_through_the_general_model_reader() {
        let text = r#"{"model": {"type": "Unigram", "unk_id": 0,
            "vocab": [["<unk>", 0.0], ["a", -1.0], ["b", -2.0], ["ab", -1.5]]}}"#;
        same_both_ways(text);
    }
}
