//! The Metaspace configuration shared by the Metaspace pre-tokenizer and decoder.

use crate::error::{Error, Result};
use crate::json::{field as sub, opt_bool, opt_bool_or_null, opt_str, req_str, Obj};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrependScheme {
    Always,
    /// Only the split that starts at offset 0 of the original text.
    First,
    Never,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetaspaceConfig {
    pub replacement: char,
    pub prepend_scheme: PrependScheme,
    pub split: bool,
}

/// Parse the fields shared by the Metaspace pre-tokenizer and decoder, with Hugging Face's rules:
/// `replacement` is a required single char, `prepend_scheme` defaults to "always", and the legacy
/// `add_prefix_space: false` is rejected unless the scheme is "never" (HF 0.23 does the same).
pub fn parse_metaspace(o: &Obj, field: &str) -> Result<MetaspaceConfig> {
    let r = req_str(o, "replacement", field)?;
    let mut chars = r.chars();
    let replacement = match (chars.next(), chars.next()) {
        (Some(c), None) => c,
        _ => {
            return Err(Error::config(
                "",
                sub(field, "replacement"),
                format!("expected a single char, found {r:?}"),
            ))
        }
    };
    let prepend_scheme = match opt_str(o, "prepend_scheme", field)? {
        None | Some("always") => PrependScheme::Always,
        Some("first") => PrependScheme::First,
        Some("never") => PrependScheme::Never,
        Some(other) => {
            return Err(Error::config(
                "",
                sub(field, "prepend_scheme"),
                format!("unknown prepend scheme `{other}` (expected first, never or always)"),
            ))
        }
    };
    if opt_bool_or_null(o, "add_prefix_space", field)? == Some(false)
        && prepend_scheme != PrependScheme::Never
    {
        return Err(Error::config(
            "",
            sub(field, "add_prefix_space"),
            "add_prefix_space does not match declared prepend_scheme",
        ));
    }
    Ok(MetaspaceConfig {
        replacement,
        prepend_scheme,
        split: opt_bool(o, "split", field, true)?,
    })
}
