//! Replace: a literal string or a regex pattern replaced by a content string.

use crate::error::{Error, Result};
use crate::loading::json::Obj;
use crate::normalizers::NormalizedString;

#[derive(Debug, Clone)]
pub struct Replace {
    pub content: String,
}

impl Replace {
    pub fn from_json(o: &Obj, field: &str) -> Result<Self> {
        let _ = o;
        Err(Error::config("", field, "Replace: not implemented yet"))
    }

    pub fn normalize(&self, n: &mut NormalizedString) -> Result<()> {
        let _ = n;
        Ok(())
    }
}
