//! WordPiece decoder: glue `##` continuations, optionally clean up tokenization spaces.

use crate::error::Result;
use crate::json::{opt_bool, opt_str, Obj};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WordPieceDecoder {
    pub prefix: String,
    pub cleanup: bool,
}

impl Default for WordPieceDecoder {
    fn default() -> Self {
        WordPieceDecoder {
            prefix: "##".into(),
            cleanup: true,
        }
    }
}

/// HF's `clean_up_tokenization` replacements, applied in this order to each token separately.
const CLEANUP: [(&str, &str); 11] = [
    (" .", "."),
    (" ?", "?"),
    (" !", "!"),
    (" ,", ","),
    (" ' ", "'"),
    (" n't", "n't"),
    (" 'm", "'m"),
    (" do not", " don't"),
    (" 's", "'s"),
    (" 've", "'ve"),
    (" 're", "'re"),
];

/// Apply the cleanup replacements to one string.
pub fn cleanup(s: &str) -> String {
    let mut out = s.to_string();
    for (from, to) in CLEANUP {
        if out.contains(from) {
            out = out.replace(from, to);
        }
    }
    out
}

impl WordPieceDecoder {
    pub fn from_json(o: &Obj, field: &str) -> Result<Self> {
        Ok(WordPieceDecoder {
            prefix: opt_str(o, "prefix", field)?.unwrap_or("##").to_string(),
            cleanup: opt_bool(o, "cleanup", field, true)?,
        })
    }

    /// Every token but the first loses one leading prefix, or else gets a leading space; the first token
    /// is kept as is. Cleanup (when on) runs on each resulting token, not on the joined text.
    pub fn decode_chain(&self, tokens: Vec<String>) -> Result<Vec<String>> {
        Ok(tokens
            .into_iter()
            .enumerate()
            .map(|(i, t)| {
                let t = if i == 0 {
                    t
                } else if let Some(rest) = t.strip_prefix(self.prefix.as_str()) {
                    rest.to_string()
                } else {
                    format!(" {t}")
                };
                if self.cleanup {
                    cleanup(&t)
                } else {
                    t
                }
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(d: &WordPieceDecoder, toks: &[&str]) -> String {
        let v = toks.iter().map(|s| s.to_string()).collect();
        d.decode_chain(v)
            .map(|v| v.concat())
            .unwrap_or_else(|e| panic!("{e}"))
    }

    // Expected from `tokenizers.decoders.WordPiece(...).decode` (0.23.3).
    #[test]
    fn decodes_like_hf() {
        let d = WordPieceDecoder::default();
        let toks = [
            "##a", "b", "##c", ".", "do", "not", "n't", "'", "s", "'m", "?", "!", ",", "'ve",
            "'re", "##",
        ];
        assert_eq!(dec(&d, &toks), "##a bc. do notn't ' s'm?!,'ve're");
        assert_eq!(dec(&d, &["a", "do not"]), "a don't");
        assert_eq!(dec(&d, &["do not"]), "do not");
        assert_eq!(dec(&d, &["x", "' ", "y"]), "x' y");
        let raw = WordPieceDecoder {
            prefix: "@@".into(),
            cleanup: false,
        };
        assert_eq!(dec(&raw, &["@@a", "b", "@@c", ".", "@@@@d"]), "@@a bc .@@d");
    }
}
