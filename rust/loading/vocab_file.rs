//! What the loaders of vocabulary-file classes share: vocab.json read in id order (CTC, phoneme,
//! MGP-STR, CTRL, BlenderbotSmall), the document around their stages, and the template of the classes
//! that add no special tokens.

use super::legacy::read_json;
use super::named_tokens::json_id;
use crate::added_tokens::AddedToken;
use crate::error::{Error, Result};
use serde_json::{json, Map, Value};
use std::path::Path;

/// A vocab.json object (token → id) with its entries in id order.
#[derive(Debug)]
pub struct VocabJson {
    pub map: Map<String, Value>,
    /// (token, id), sorted by id.
    pub pairs: Vec<(String, u32)>,
}

impl VocabJson {
    /// The object in the file at `path`; anything else is an error naming the file.
    pub fn read(path: &Path) -> Result<Self> {
        let file = path.display().to_string();
        let Value::Object(map) = read_json(path)? else {
            return Err(Error::config(file, "(document)", "expected a JSON object"));
        };
        Self::new(map, &file)
    }

    /// `map` read from `file`; an id that is not a u32 is an error naming its token.
    pub fn new(map: Map<String, Value>, file: &str) -> Result<Self> {
        let mut pairs: Vec<(String, u32)> = Vec::with_capacity(map.len());
        for (token, id) in &map {
            let id = id
                .as_u64()
                .and_then(|i| u32::try_from(i).ok())
                .ok_or_else(|| {
                    Error::config(
                        file,
                        format!("vocab.json: {token:?}"),
                        format!("expected a non-negative integer id, got {id}"),
                    )
                })?;
            pairs.push((token.clone(), id));
        }
        pairs.sort_by_key(|(_, id)| *id);
        Ok(VocabJson { map, pairs })
    }

    /// The id of `token`, if the vocabulary has it.
    pub fn id(&self, token: &str) -> Option<u32> {
        json_id(&self.map, token)
    }

    /// One after the highest id: where transformers numbers the tokens it adds.
    pub fn after_last(&self) -> u32 {
        self.pairs.last().map_or(0, |(_, id)| id + 1)
    }

    /// The model's `vocab` field: token → id in id order.
    pub fn model_vocab(&self) -> Map<String, Value> {
        self.pairs
            .iter()
            .map(|(t, id)| (t.clone(), json!(id)))
            .collect()
    }
}

/// The tokenizer.json document of `stages` (an object with the normalizer, pre-tokenizer, post-processor,
/// decoder and model) and the `added` tokens (in id order), with no truncation or padding.
pub fn tokenizer_document(added: &[(u32, AddedToken)], stages: Value) -> Value {
    let mut doc = json!({
        "version": "1.0",
        "truncation": null,
        "padding": null,
        "added_tokens": added.iter().map(|(id, t)| t.to_json(*id)).collect::<Vec<_>>(),
    });
    if let (Some(doc), Value::Object(stages)) = (doc.as_object_mut(), stages) {
        doc.extend(stages);
    }
    doc
}

/// A pre-tokenizer that makes each char a word of its own (character-level classes).
pub fn char_split() -> Value {
    json!({"type": "Split", "pattern": {"Regex": "(?s)."}, "behavior": "Isolated", "invert": false})
}

/// A template that adds no special tokens; the second text of a pair has type id 1.
pub fn plain_template() -> Value {
    json!({
        "type": "TemplateProcessing",
        "single": [{"Sequence": {"id": "A", "type_id": 0}}],
        "pair": [{"Sequence": {"id": "A", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}}],
        "special_tokens": {},
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_in_id_order_and_bad_ids_named() {
        let map: Map<String, Value> = serde_json::from_str(r#"{"b": 2, "a": 0, "c": 1}"#).unwrap();
        let v = VocabJson::new(map, "v.json").unwrap();
        let order: Vec<&str> = v.pairs.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(order, ["a", "c", "b"]);
        assert_eq!((v.id("c"), v.id("z"), v.after_last()), (Some(1), None, 3));
        let bad: Map<String, Value> = serde_json::from_str(r#"{"x": -1}"#).unwrap();
        let err = VocabJson::new(bad, "v.json").unwrap_err().to_string();
        assert!(err.contains("v.json") && err.contains("\"x\""), "{err}");
    }
}
