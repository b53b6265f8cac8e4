//! BERT's pre-tokenizer: split on whitespace (removed) and punctuation (isolated).

use crate::error::Result;
use crate::loading::json::Obj;
use crate::pre_tokenizers::PreTokenizedString;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BertPreTokenizer;

impl BertPreTokenizer {
    pub fn from_json(o: &Obj, field: &str) -> Result<Self> {
        let _ = (o, field);
        Ok(BertPreTokenizer)
    }

    pub fn pre_tokenize(&self, pts: &mut PreTokenizedString) -> Result<()> {
        let _ = pts;
        Err(crate::error::Error::Internal("BertPreTokenizer: not implemented yet".into()))
    }
}
