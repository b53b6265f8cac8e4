//! The tokenizer.json document a tokenizer was built from, kept for serialization and for reading a
//! stage's parameters back.
//!
//! Decision: the model's part of a document read from text (the vocabulary and merges: nearly all of
//! the file) is kept as its JSON text and turned into a `Value` only when something asks for it (saving,
//! `stage_json`). Building that tree of 50k – 150k nodes on every load took a third of the load time,
//! and most tokenizers are never saved.

use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::sync::{Arc, OnceLock};

const MODEL: &str = "model";

#[derive(Debug, Clone, Default)]
pub struct Source {
    /// The document; without its `model` entry while `model_text` holds it.
    doc: Value,
    /// The `model` value as JSON text, parsed into `model` on first use, with `model_options`
    /// written over it.
    model_text: Option<Arc<RawValue>>,
    model_options: Arc<Map<String, Value>>,
    model: OnceLock<Value>,
}

impl Source {
    pub fn new(doc: Value) -> Self {
        Source {
            doc,
            ..Source::default()
        }
    }

    /// A document whose `model` entry is given as JSON text (already checked to be a JSON object), with
    /// `options` (entries other than the vocabulary, changed since: a class's rebuild) written over it.
    pub fn with_model_text(
        doc: Map<String, Value>,
        model: Arc<RawValue>,
        options: Map<String, Value>,
    ) -> Self {
        Source {
            doc: Value::Object(doc),
            model_text: Some(model),
            model_options: Arc::new(options),
            model: OnceLock::new(),
        }
    }

    fn model(&self) -> Option<&Value> {
        let text = self.model_text.as_ref()?;
        Some(self.model.get_or_init(|| {
            // The text was parsed once already at load, so this cannot fail; null keeps it total.
            let mut m = serde_json::from_str(text.get()).unwrap_or(Value::Null);
            if let Value::Object(o) = &mut m {
                for (k, v) in self.model_options.iter() {
                    o.insert(k.clone(), v.clone());
                }
            }
            m
        }))
    }

    /// While the model is kept as text: the document without it, the model's text and the options
    /// written over it (for `canonical`, which writes them without a `Value` of the model).
    pub fn kept_model(&self) -> Option<(&Value, &RawValue, &Map<String, Value>)> {
        let text = self.model_text.as_ref()?;
        Some((&self.doc, text, &self.model_options))
    }

    pub fn is_object(&self) -> bool {
        self.doc.is_object()
    }

    /// The entry `key` of the document.
    pub fn get(&self, key: &str) -> Option<&Value> {
        if key == MODEL {
            if let Some(m) = self.model() {
                return Some(m);
            }
        }
        self.doc.get(key)
    }

    /// Set the entry `key` (the document becomes an object if it was not one).
    pub fn insert(&mut self, key: &str, v: Value) {
        if key == MODEL {
            self.model_text = None;
            self.model = OnceLock::new();
        }
        if !self.doc.is_object() {
            self.doc = Value::Object(Map::new());
        }
        if let Value::Object(o) = &mut self.doc {
            o.insert(key.into(), v);
        }
    }

    /// The whole document, `None` when it is not an object (a tokenizer not read from a file).
    pub fn to_object(&self) -> Option<Map<String, Value>> {
        let Value::Object(o) = &self.doc else {
            return None;
        };
        let mut o = o.clone();
        if let Some(m) = self.model() {
            o.insert(MODEL.into(), m.clone());
        }
        Some(o)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_model_text_is_read_back_on_demand_and_replaced_by_insert() {
        let raw: Arc<RawValue> = Arc::from(
            RawValue::from_string(r#"{"type": "BPE", "vocab": {"a": 0}}"#.into()).unwrap(),
        );
        let mut doc = Map::new();
        doc.insert("version".into(), "1.0".into());
        let mut options = Map::new();
        options.insert("unk_token".into(), "[UNK]".into());
        let mut s = Source::with_model_text(doc, raw, options);
        assert_eq!(s.get("model").unwrap()["vocab"]["a"], 0);
        assert_eq!(s.get("model").unwrap()["unk_token"], "[UNK]");
        assert_eq!(s.get("version").unwrap(), "1.0");
        let full = s.to_object().unwrap();
        assert_eq!(full["model"]["type"], "BPE");
        s.insert("model", serde_json::json!({"type": "WordLevel"}));
        assert_eq!(s.get("model").unwrap()["type"], "WordLevel");
        assert!(Source::new(Value::Null).to_object().is_none());
    }
}
