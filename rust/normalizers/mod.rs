//! Normalization: the first stage. Every normalizer edits a `NormalizedString` in place, keeping the
//! alignment of each normalized byte to the original text.

pub mod bert;
pub mod byte_level;
pub mod english;
pub mod moses;
pub mod precompiled;
pub mod replace;
pub mod simple;
pub mod unicode;
pub mod vits;

pub use bert::BertNormalizer;
pub use precompiled::{Precompiled, Runs};
pub use replace::Replace;
pub use simple::{Prepend, Strip};
pub use unicode::UnicodeForm;

use crate::error::Result;
use crate::json::{as_array, as_obj, index, type_tag, unsupported};
use crate::kernel::host::{Host, NormalizeHost};
use crate::kernel::{Normalize, NormalizedString};
use serde_json::Value;

#[derive(Debug, Clone)]
pub enum Normalizer {
    Bert(BertNormalizer),
    Unicode(UnicodeForm),
    Lowercase,
    /// Python's `str.lower()`: Lowercase with a word-final capital sigma as `ς` (ferrotok's own: the
    /// Python classes of transformers lower-case this way).
    PythonLowercase,
    /// Python's `str.upper()` (ferrotok's own: Wav2Vec2's `do_lower_case` upper-cases the text).
    Uppercase,
    Strip(Strip),
    StripAccents,
    /// Drop every char of a non-zero canonical combining class (ferrotok's own: the accent stripping of
    /// transformers' Python XLNet-family classes, `unicodedata.combining`).
    StripCombining,
    Replace(Replace),
    Prepend(Prepend),
    Sequence(Vec<Normalizer>),
    Precompiled(Box<Precompiled>),
    Nmt,
    ByteLevel,
    /// CLVP's English text cleaner (ferrotok's own: transformers runs it in Python, `english`).
    ClvpEnglish,
    /// VITS's text preparation and blank tokens (ferrotok's own: transformers runs it in Python, `vits`).
    Vits(Box<vits::Vits>),
    /// sacremoses' punctuation normalizer (ferrotok's own: transformers runs it in Python, `moses`).
    MosesPunct(moses::MosesPunct),
    /// XLM's `replace_unicode_punct` (ferrotok's own, `moses`).
    MosesReplaceUnicodePunct(moses::ReplaceUnicodePunct),
    /// XLM's `remove_non_printing_char` (ferrotok's own, `moses`).
    MosesRemoveNonPrinting,
    /// A normalizer written in the host language (`Normalizer.custom`).
    Host(Host<dyn NormalizeHost>),
}

impl Normalizer {
    /// Parse a `normalizer` object of a tokenizer.json; `field` is its path, for errors.
    pub fn from_json(v: &Value, field: &str) -> Result<Self> {
        let o = as_obj(v, field)?;
        let t = type_tag(o, field)?;
        Ok(match t {
            "BertNormalizer" => Normalizer::Bert(BertNormalizer::from_json(o, field)?),
            "NFC" => Normalizer::Unicode(UnicodeForm::Nfc),
            "NFD" => Normalizer::Unicode(UnicodeForm::Nfd),
            "NFKC" => Normalizer::Unicode(UnicodeForm::Nfkc),
            "NFKD" => Normalizer::Unicode(UnicodeForm::Nfkd),
            "Lowercase" => Normalizer::Lowercase,
            "PythonLowercase" => Normalizer::PythonLowercase,
            "Uppercase" => Normalizer::Uppercase,
            "Strip" => Normalizer::Strip(Strip::from_json(o, field)?),
            "StripAccents" => Normalizer::StripAccents,
            "StripCombining" => Normalizer::StripCombining,
            "Replace" => Normalizer::Replace(Replace::from_json(o, field)?),
            "Prepend" => Normalizer::Prepend(Prepend::from_json(o, field)?),
            "Precompiled" => {
                let f = format!("{field}.precompiled_charsmap");
                let b64 = crate::json::req_str(o, "precompiled_charsmap", field)?;
                Normalizer::Precompiled(Box::new(Precompiled::from_base64(b64, &f)?))
            }
            "Nmt" => Normalizer::Nmt,
            "ByteLevel" => Normalizer::ByteLevel,
            "ClvpEnglish" => Normalizer::ClvpEnglish,
            "MosesPunct" => Normalizer::MosesPunct(moses::MosesPunct::from_json(o, field)?),
            "MosesReplaceUnicodePunct" => {
                Normalizer::MosesReplaceUnicodePunct(moses::ReplaceUnicodePunct::new()?)
            }
            "MosesRemoveNonPrinting" => Normalizer::MosesRemoveNonPrinting,
            "Vits" => Normalizer::Vits(Box::new(vits::Vits::from_json(o, field)?)),
            "Sequence" => {
                let f = format!("{field}.normalizers");
                let items = as_array(o.get("normalizers").unwrap_or(&Value::Null), &f)?;
                Normalizer::Sequence(
                    items
                        .iter()
                        .enumerate()
                        .map(|(i, n)| Normalizer::from_json(n, &index(&f, i)))
                        .collect::<Result<_>>()?,
                )
            }
            other => return Err(unsupported("normalizer", field, other)),
        })
    }

    pub fn normalize(&self, n: &mut NormalizedString) -> Result<()> {
        match self {
            Normalizer::Bert(b) => b.normalize(n),
            Normalizer::Unicode(u) => u.normalize(n),
            Normalizer::Lowercase => {
                n.lowercase();
                Ok(())
            }
            Normalizer::PythonLowercase => {
                n.lowercase_python();
                Ok(())
            }
            Normalizer::Uppercase => {
                n.uppercase();
                Ok(())
            }
            Normalizer::Strip(s) => s.normalize(n),
            Normalizer::StripAccents => {
                simple::strip_accents(n);
                Ok(())
            }
            Normalizer::StripCombining => {
                simple::strip_combining(n);
                Ok(())
            }
            Normalizer::Replace(r) => r.normalize(n),
            Normalizer::Prepend(p) => p.normalize(n),
            Normalizer::Precompiled(p) => p.normalize(n),
            Normalizer::Nmt => {
                precompiled::nmt(n);
                Ok(())
            }
            Normalizer::ByteLevel => {
                byte_level::normalize(n);
                Ok(())
            }
            Normalizer::ClvpEnglish => {
                english::normalize(n);
                Ok(())
            }
            Normalizer::MosesPunct(m) => m.normalize(n),
            Normalizer::MosesReplaceUnicodePunct(m) => m.normalize(n),
            Normalizer::MosesRemoveNonPrinting => {
                moses::remove_non_printing(n);
                Ok(())
            }
            Normalizer::Vits(v) => {
                v.normalize(n);
                Ok(())
            }
            Normalizer::Sequence(seq) => {
                for s in seq {
                    s.normalize(n)?;
                }
                Ok(())
            }
            Normalizer::Host(h) => h.0.normalize(n),
        }
    }
}

impl Normalize for Normalizer {
    #[inline]
    fn normalize(&self, n: &mut NormalizedString) -> Result<()> {
        Normalizer::normalize(self, n)
    }
}

impl Normalizer {
    /// The normalized form of `s` (tokenizers' `normalize_str`).
    pub fn normalize_str(&self, s: &str) -> Result<String> {
        let mut n = NormalizedString::from_original(s, 0);
        self.normalize(&mut n)?;
        Ok(n.as_str().to_string())
    }
}
