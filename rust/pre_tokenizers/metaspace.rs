//! Metaspace: spaces become a replacement char (U+2581), optionally prepended, split before it.

use crate::error::Result;
use crate::loading::json::Obj;
use crate::pre_tokenizers::PreTokenizedString;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Metaspace;

impl Metaspace {
    pub fn from_json(o: &Obj, field: &str) -> Result<Self> {
        let _ = (o, field);
        Ok(Metaspace)
    }

    pub fn pre_tokenize(&self, pts: &mut PreTokenizedString) -> Result<()> {
        let _ = pts;
        Err(crate::error::Error::Internal(
            "Metaspace: not implemented yet".into(),
        ))
    }
}
