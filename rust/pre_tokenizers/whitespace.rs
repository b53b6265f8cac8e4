//! Whitespace (`\w+|[^\w\s]+`), WhitespaceSplit (split on whitespace) and CharDelimiterSplit.

use crate::error::Result;
use crate::loading::json::Obj;
use crate::pre_tokenizers::PreTokenizedString;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Whitespace;

impl Whitespace {
    pub fn pre_tokenize(&self, pts: &mut PreTokenizedString) -> Result<()> {
        let _ = pts;
        Err(crate::error::Error::Internal(
            "Whitespace: not implemented yet".into(),
        ))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WhitespaceSplit;

impl WhitespaceSplit {
    pub fn pre_tokenize(&self, pts: &mut PreTokenizedString) -> Result<()> {
        let _ = pts;
        Err(crate::error::Error::Internal(
            "WhitespaceSplit: not implemented yet".into(),
        ))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CharDelimiterSplit {
    pub delimiter: char,
}

impl CharDelimiterSplit {
    pub fn from_json(o: &Obj, field: &str) -> Result<Self> {
        let _ = (o, field);
        Ok(CharDelimiterSplit { delimiter: ' ' })
    }

    pub fn pre_tokenize(&self, pts: &mut PreTokenizedString) -> Result<()> {
        let _ = pts;
        Err(crate::error::Error::Internal(
            "CharDelimiterSplit: not implemented yet".into(),
        ))
    }
}
