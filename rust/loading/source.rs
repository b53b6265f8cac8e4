//! The tokenizer.json document a tokenizer was built from, kept for serialization and for reading a
//! stage's parameters back.
//!
//! Decision: the model's part of a document read from text (the vocabulary and merges: nearly all of
//! the file) is kept as its JSON text and turned into a `Value` only when something asks for it (saving,
//! `stage_json`). Building that tree of 50k – 150k nodes on every load took a third of the load time,
//! and most tokenizers are never saved.

use super::canonical::Node;
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::sync::{Arc, OnceLock};

const MODEL: &str = "model";

/// The `model` value as JSON text (an object: already parsed once at load).
///
/// Decision: a legacy folder keeps its two files and writes the model's text from them when first asked
/// (serializing, `stage_json`): writing it at load (every merge line as a JSON string, then checking the
/// whole text again) was a fifth of the load, for tokenizers most of which are never written.
#[derive(Debug)]
pub enum ModelText {
    Json(Box<str>),
    /// vocab.json's text (already read as a JSON object) and merges.txt's merge lines.
    Files {
        vocab_json: String,
        merges_txt: String,
        text: OnceLock<String>,
    },
}

impl ModelText {
    /// A legacy BPE folder's files: `{"merges": [the merge lines], "vocab": vocab.json}` on first use.
    pub fn files(vocab_json: String, merges_txt: String) -> Self {
        ModelText::Files {
            vocab_json,
            merges_txt,
            text: OnceLock::new(),
        }
    }

    pub fn get(&self) -> &str {
        match self {
            ModelText::Json(text) => text,
            ModelText::Files {
                vocab_json,
                merges_txt,
                text,
            } => text.get_or_init(|| files_text(vocab_json, merges_txt)),
        }
    }

    /// The model read as borrowed `Node`s (`canonical`, to write it). A folder's files are read as the
    /// text `get` writes from them would be, without writing it: the merge lines as strings.
    pub fn node(&self) -> Option<Node<'_>> {
        match self {
            ModelText::Json(text) => serde_json::from_str(text).ok(),
            ModelText::Files {
                vocab_json,
                merges_txt,
                ..
            } => {
                let vocab = serde_json::from_str(vocab_json).ok()?;
                // In key order, as `Node` keeps an object's entries.
                Some(Node::Object(vec![
                    (Cow::Borrowed("merges"), Node::MergeLines(merges_txt)),
                    (Cow::Borrowed("vocab"), vocab),
                ]))
            }
        }
    }
}

/// `{"merges": [merges.txt's merge lines as JSON strings], "vocab": vocab.json's text}`.
fn files_text(vocab_json: &str, merges_txt: &str) -> String {
    let mut out = Vec::with_capacity(vocab_json.len() + merges_txt.len() * 5 / 4 + 32);
    out.extend_from_slice(b"{\"merges\":[");
    for (i, line) in super::legacy::merge_lines(merges_txt).enumerate() {
        if i > 0 {
            out.push(b',');
        }
        // Writing a str into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut out, line);
    }
    out.extend_from_slice(b"],\"vocab\":");
    out.extend_from_slice(vocab_json.as_bytes());
    out.push(b'}');
    // Made of two str and JSON text: UTF-8 throughout.
    String::from_utf8(out).unwrap_or_default()
}

#[derive(Debug, Clone, Default)]
pub struct Source {
    /// The document; without its `model` entry while `model_text` holds it.
    doc: Value,
    /// The `model` value as JSON text, parsed into `model` on first use, with `model_options`
    /// written over it.
    model_text: Option<Arc<ModelText>>,
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
        model: ModelText,
        options: Map<String, Value>,
    ) -> Self {
        let model = Arc::new(model);
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
    pub fn kept_model(&self) -> Option<(&Value, &ModelText, &Map<String, Value>)> {
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
        let raw = ModelText::Json(r#"{"type": "BPE", "vocab": {"a": 0}}"#.into());
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

    #[test]
    fn a_folder_s_files_are_written_as_the_model_s_text_on_demand() {
        let vocab = r#"{"a": 0, "\"": 1, "a\"": 2}"#;
        let merges = "#version: 0.2\na \"\n\n";
        let files = ModelText::files(vocab.into(), merges.into());
        let ModelText::Files { text, .. } = &files else {
            panic!("files")
        };
        assert!(text.get().is_none());
        assert_eq!(
            files.get(),
            r#"{"merges":["a \""],"vocab":{"a": 0, "\"": 1, "a\"": 2}}"#
        );
        // Read as nodes straight from the files, as from the text.
        let write = |node: Node<'_>| serde_json::to_string(&node).unwrap();
        let from_text: Node<'_> = serde_json::from_str(files.get()).unwrap();
        assert_eq!(write(files.node().unwrap()), write(from_text));
        let s = Source::with_model_text(Map::new(), files, Map::new());
        assert_eq!(s.get("model").unwrap()["merges"][0], "a \"");
    }
}
