//! Split: split on a string or regex pattern with a chosen behaviour, optionally inverted.

use crate::error::Result;
use crate::loading::json::Obj;
use crate::pre_tokenizers::PreTokenizedString;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split;

impl Split {
    pub fn from_json(o: &Obj, field: &str) -> Result<Self> {
        let _ = (o, field);
        Ok(Split)
    }

    pub fn pre_tokenize(&self, pts: &mut PreTokenizedString) -> Result<()> {
        let _ = pts;
        Err(crate::error::Error::Internal(
            "Split: not implemented yet".into(),
        ))
    }
}
