//! GPT-2's byte-level pre-tokenizer: optional prefix space, GPT-2 regex split, bytes mapped to printable chars.

use crate::error::Result;
use crate::loading::json::Obj;
use crate::pre_tokenizers::PreTokenizedString;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ByteLevel {
    pub add_prefix_space: bool,
    pub trim_offsets: bool,
    pub use_regex: bool,
}

impl ByteLevel {
    pub fn from_json(o: &Obj, field: &str) -> Result<Self> {
        let _ = (o, field);
        Ok(ByteLevel {
            add_prefix_space: false,
            trim_offsets: true,
            use_regex: true,
        })
    }

    pub fn pre_tokenize(&self, pts: &mut PreTokenizedString) -> Result<()> {
        let _ = pts;
        Err(crate::error::Error::Internal(
            "ByteLevel: not implemented yet".into(),
        ))
    }
}
