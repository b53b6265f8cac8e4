//! Unicode normalization forms (NFC, NFD, NFKC, NFKD) with alignment tracking.

use crate::error::Result;
use crate::normalizers::NormalizedString;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnicodeForm {
    Nfc,
    Nfd,
    Nfkc,
    Nfkd,
}

impl UnicodeForm {
    pub fn normalize(&self, n: &mut NormalizedString) -> Result<()> {
        let _ = n;
        Err(crate::error::Error::Internal(
            "unicode normalizer: not implemented yet".into(),
        ))
    }
}
