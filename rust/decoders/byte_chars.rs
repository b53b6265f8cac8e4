//! ByteChars: the decoder of the `Codes` byte model (ByT5, Perceiver). A one-char token below U+0100
//! is the byte of that value; any other token (an added token) is its own UTF-8. The bytes are read
//! as UTF-8 at once, invalid sequences dropped (`errors: "ignore"`, ByT5) or replaced by U+FFFD for
//! each maximal invalid part (`"replace"`, Perceiver), as Python's `bytes.decode` does.

use crate::error::{Error, Result};
use crate::json::{field, opt_str, Obj};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ByteChars {
    /// Replace invalid UTF-8 with U+FFFD (else drop it).
    pub replace: bool,
}

impl ByteChars {
    pub fn from_json(o: &Obj, parent: &str) -> Result<Self> {
        let replace = match opt_str(o, "errors", parent)?.unwrap_or("ignore") {
            "ignore" => false,
            "replace" => true,
            other => {
                return Err(Error::config(
                    "",
                    field(parent, "errors"),
                    format!("unknown {other:?} (expected \"ignore\" or \"replace\")"),
                ))
            }
        };
        Ok(ByteChars { replace })
    }

    pub fn decode_chain(&self, tokens: Vec<String>) -> Result<Vec<String>> {
        let mut bytes = Vec::with_capacity(tokens.len());
        for t in &tokens {
            let mut chars = t.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) if (c as u32) < 0x100 => bytes.push(c as u32 as u8),
                _ => bytes.extend_from_slice(t.as_bytes()),
            }
        }
        let mut out = String::with_capacity(bytes.len());
        for chunk in bytes.utf8_chunks() {
            out.push_str(chunk.valid());
            if self.replace && !chunk.invalid().is_empty() {
                out.push(char::REPLACEMENT_CHARACTER);
            }
        }
        Ok(vec![out])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(replace: bool, tokens: &[&str]) -> String {
        let tokens = tokens.iter().map(|t| t.to_string()).collect();
        ByteChars { replace }.decode_chain(tokens).unwrap().concat()
    }

    #[test]
    fn bytes_and_added_tokens() {
        assert_eq!(decode(false, &["h", "Ã", "©", "</s>"]), "hé</s>");
        // A lone lead byte, then a byte that cannot start a sequence.
        assert_eq!(decode(false, &["\u{C5}", "\u{C3}", "A", "<pad>"]), "A<pad>");
        assert_eq!(
            decode(true, &["\u{C2}", "\u{C0}", ">"]),
            "\u{FFFD}\u{FFFD}>"
        );
        // A truncated 4-byte sequence is one maximal invalid part.
        assert_eq!(
            decode(true, &["\u{F0}", "\u{9F}", "\u{98}", "a"]),
            "\u{FFFD}a"
        );
        assert_eq!(decode(false, &[]), "");
    }
}
