//! Loading: tokenizer.json and the legacy files (vocab.txt, vocab.json + merges.txt,
//! tokenizer_config.json / special_tokens_map.json).

pub mod legacy;
pub mod tokenizer_json;

use crate::error::{Error, Result};
use crate::tokenizer::Tokenizer;
use std::path::Path;

impl Tokenizer {
    /// Load a tokenizer.json file.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Tokenizer> {
        let path = path.as_ref();
        let text = legacy::read_to_string(path)?;
        tokenizer_json::from_str(&text, &path.display().to_string())
    }

    /// Load a tokenizer.json document given as text.
    pub fn from_json_str(s: &str) -> Result<Tokenizer> {
        tokenizer_json::from_str(s, "<string>")
    }

    /// Load a folder: tokenizer.json when present, else the legacy files.
    pub fn from_pretrained(dir: impl AsRef<Path>) -> Result<Tokenizer> {
        let dir = dir.as_ref();
        if !dir.is_dir() {
            return Err(Error::NotFound {
                path: dir.display().to_string(),
            });
        }
        let tj = dir.join("tokenizer.json");
        if tj.is_file() {
            return Tokenizer::from_file(tj);
        }
        let cfg = legacy::LegacyConfig::load(dir)?;
        let (doc, file) = if dir.join("vocab.txt").is_file() {
            (legacy::bert(dir, &cfg)?, dir.join("vocab.txt"))
        } else if dir.join("vocab.json").is_file() && dir.join("merges.txt").is_file() {
            (legacy::bpe(dir, &cfg)?, dir.join("merges.txt"))
        } else {
            return Err(Error::NotFound {
                path: format!(
                    "{}: no tokenizer.json, vocab.txt, or vocab.json + merges.txt",
                    dir.display()
                ),
            });
        };
        tokenizer_json::from_value(doc, &file.display().to_string())
    }

    /// Serialize to a tokenizer.json document.
    pub fn to_json_string(&self, pretty: bool) -> String {
        let v = tokenizer_json::to_value(self);
        let s = if pretty {
            serde_json::to_string_pretty(&v)
        } else {
            serde_json::to_string(&v)
        };
        s.unwrap_or_default()
    }
}
