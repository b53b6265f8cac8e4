//! BPEDecoder: a word-end suffix (`</w>`) becomes a space (nothing after the last token).

use crate::error::Result;
use crate::json::{opt_str, Obj};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BpeDecoder {
    pub suffix: String,
}

impl Default for BpeDecoder {
    fn default() -> Self {
        BpeDecoder {
            suffix: "</w>".to_string(),
        }
    }
}

impl BpeDecoder {
    pub fn from_json(o: &Obj, field: &str) -> Result<Self> {
        Ok(BpeDecoder {
            suffix: opt_str(o, "suffix", field)?.unwrap_or("</w>").to_string(),
        })
    }

    pub fn decode_chain(&self, tokens: Vec<String>) -> Result<Vec<String>> {
        let last = tokens.len().saturating_sub(1);
        Ok(tokens
            .into_iter()
            .enumerate()
            .map(|(i, t)| t.replace(&self.suffix, if i == last { "" } else { " " }))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_like_hf() {
        // Expected from tokenizers 0.23.3 decoders.BPEDecoder().decode_chain / decode.
        let d = BpeDecoder::default();
        let t = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            d.decode_chain(t(&["hel", "lo</w>", "wor", "ld</w>"]))
                .unwrap(),
            ["hel", "lo ", "wor", "ld"]
        );
        assert_eq!(d.decode_chain(t(&["a</w>b</w>"])).unwrap(), ["ab"]);
        // An empty suffix matches between every char, as in Hugging Face: decode gives " a b".
        let e = BpeDecoder {
            suffix: String::new(),
        };
        assert_eq!(e.decode_chain(t(&["a", "b"])).unwrap().concat(), " a b");
    }
}
