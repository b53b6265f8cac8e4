//! Metaspace decoder: the replacement char becomes a space, the leading one dropped per prepend scheme.

use crate::error::Result;
use crate::json::Obj;
use crate::kernel::metaspace::{parse_metaspace, PrependScheme};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetaspaceDecoder {
    pub replacement: char,
    pub prepend_scheme: PrependScheme,
}

impl MetaspaceDecoder {
    /// Same config (and the same validation) as the Metaspace pre-tokenizer.
    pub fn from_json(o: &Obj, field: &str) -> Result<Self> {
        let m = parse_metaspace(o, field)?;
        Ok(MetaspaceDecoder {
            replacement: m.replacement,
            prepend_scheme: m.prepend_scheme,
        })
    }

    /// Hugging Face drops EVERY replacement char of the first token (not only a leading one) unless
    /// the scheme is "never"; elsewhere each becomes a space.
    pub fn decode_chain(&self, tokens: Vec<String>) -> Result<Vec<String>> {
        let r = self.replacement;
        Ok(tokens
            .into_iter()
            .enumerate()
            .map(|(i, t)| {
                if !t.contains(r) {
                    return t;
                }
                if i == 0 && self.prepend_scheme != PrependScheme::Never {
                    t.chars().filter(|&c| c != r).collect()
                } else {
                    t.chars().map(|c| if c == r { ' ' } else { c }).collect()
                }
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn dec(scheme: &str, toks: &[&str]) -> String {
        let v = json!({"type": "Metaspace", "replacement": "▁", "prepend_scheme": scheme, "split": true});
        let d = MetaspaceDecoder::from_json(v.as_object().unwrap(), "decoder").unwrap();
        d.decode_chain(toks.iter().map(|s| s.to_string()).collect())
            .unwrap()
            .concat()
    }

    // Expected values from Hugging Face tokenizers 0.23.3 (decoders.Metaspace(...).decode).
    #[test]
    fn schemes() {
        for scheme in ["always", "first"] {
            assert_eq!(dec(scheme, &["▁▁a▁b", "▁c"]), "ab c");
            assert_eq!(dec(scheme, &["a", "▁b"]), "a b");
            assert_eq!(dec(scheme, &[]), "");
            assert_eq!(dec(scheme, &["▁"]), "");
            assert_eq!(dec(scheme, &["", "▁x"]), " x");
        }
        assert_eq!(dec("never", &["▁▁a▁b", "▁c"]), "  a b c");
        assert_eq!(dec("never", &["▁"]), " ");
        assert_eq!(dec("never", &["", "▁x"]), " x");
    }

    #[test]
    fn config_is_validated() {
        let v = json!({"type": "Metaspace", "replacement": "▁", "add_prefix_space": false});
        let e = MetaspaceDecoder::from_json(v.as_object().unwrap(), "decoder").unwrap_err();
        assert!(e.to_string().contains("decoder.add_prefix_space"), "{e}");
        let v = json!({"type": "Metaspace", "replacement": "▁", "add_prefix_space": true});
        let d = MetaspaceDecoder::from_json(v.as_object().unwrap(), "decoder").unwrap();
        assert_eq!(d.prepend_scheme, PrependScheme::Always);
    }
}
