//! Punctuation: split on Unicode punctuation with a chosen behaviour.

use crate::error::Result;
use crate::loading::json::Obj;
use crate::pre_tokenizers::PreTokenizedString;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Punctuation;

impl Punctuation {
    pub fn from_json(o: &Obj, field: &str) -> Result<Self> {
        let _ = (o, field);
        Ok(Punctuation)
    }

    pub fn pre_tokenize(&self, pts: &mut PreTokenizedString) -> Result<()> {
        let _ = pts;
        Err(crate::error::Error::Internal(
            "Punctuation: not implemented yet".into(),
        ))
    }
}
