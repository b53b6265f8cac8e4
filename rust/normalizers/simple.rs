//! Small normalizers: Strip, StripAccents, Prepend (Lowercase lives on `NormalizedString`).

use crate::error::Result;
use crate::loading::json::{opt_bool, req_str, Obj};
use crate::normalizers::NormalizedString;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Strip {
    pub left: bool,
    pub right: bool,
}

impl Strip {
    pub fn from_json(o: &Obj, field: &str) -> Result<Self> {
        Ok(Strip {
            left: opt_bool(o, "strip_left", field, true)?,
            right: opt_bool(o, "strip_right", field, true)?,
        })
    }

    pub fn normalize(&self, n: &mut NormalizedString) -> Result<()> {
        n.strip(self.left, self.right);
        Ok(())
    }
}

/// Remove combining marks (Unicode category Mn), as Hugging Face's StripAccents does (no decomposition).
pub fn strip_accents(n: &mut NormalizedString) {
    let _ = n;
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepend {
    pub prepend: String,
}

impl Prepend {
    pub fn from_json(o: &Obj, field: &str) -> Result<Self> {
        Ok(Prepend {
            prepend: req_str(o, "prepend", field)?.to_string(),
        })
    }

    pub fn normalize(&self, n: &mut NormalizedString) -> Result<()> {
        let _ = n;
        Ok(())
    }
}
