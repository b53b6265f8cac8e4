//! Digits: split digits from the rest, each digit alone when `individual_digits`.

use crate::error::Result;
use crate::loading::json::Obj;
use crate::pre_tokenizers::PreTokenizedString;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digits;

impl Digits {
    pub fn from_json(o: &Obj, field: &str) -> Result<Self> {
        let _ = (o, field);
        Ok(Digits)
    }

    pub fn pre_tokenize(&self, pts: &mut PreTokenizedString) -> Result<()> {
        let _ = pts;
        Err(crate::error::Error::Internal(
            "Digits: not implemented yet".into(),
        ))
    }
}
