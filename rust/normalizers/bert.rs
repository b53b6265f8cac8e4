//! BERT's normalizer: clean control chars, pad CJK ideographs with spaces, strip accents, lowercase.

use crate::error::Result;
use crate::loading::json::{opt_bool, opt_bool_or_null, Obj};
use crate::normalizers::NormalizedString;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BertNormalizer {
    pub clean_text: bool,
    pub handle_chinese_chars: bool,
    /// `None` follows `lowercase`.
    pub strip_accents: Option<bool>,
    pub lowercase: bool,
}

impl BertNormalizer {
    pub fn from_json(o: &Obj, field: &str) -> Result<Self> {
        Ok(BertNormalizer {
            clean_text: opt_bool(o, "clean_text", field, true)?,
            handle_chinese_chars: opt_bool(o, "handle_chinese_chars", field, true)?,
            strip_accents: opt_bool_or_null(o, "strip_accents", field)?,
            lowercase: opt_bool(o, "lowercase", field, true)?,
        })
    }

    pub fn normalize(&self, n: &mut NormalizedString) -> Result<()> {
        let _ = n;
        Err(crate::error::Error::Internal("BertNormalizer: not implemented yet".into()))
    }
}
