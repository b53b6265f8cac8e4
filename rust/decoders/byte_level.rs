//! ByteLevel decoder: map GPT-2's printable chars back to bytes, then to UTF-8 (lossy).

use crate::error::Result;
use crate::json::Obj;
use crate::kernel::char_to_byte;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ByteLevelDecoder;

impl ByteLevelDecoder {
    pub fn from_json(o: &Obj, field: &str) -> Result<Self> {
        let _ = (o, field);
        Ok(ByteLevelDecoder)
    }

    /// All tokens become one string. A token with a char outside GPT-2's table keeps its UTF-8 bytes
    /// unchanged (Hugging Face does the same).
    pub fn decode_chain(&self, tokens: Vec<String>) -> Result<Vec<String>> {
        let mut bytes = Vec::with_capacity(tokens.iter().map(String::len).sum());
        for t in &tokens {
            let start = bytes.len();
            for c in t.chars() {
                match char_to_byte(c) {
                    Some(b) => bytes.push(b),
                    None => {
                        bytes.truncate(start);
                        bytes.extend_from_slice(t.as_bytes());
                        break;
                    }
                }
            }
        }
        Ok(vec![String::from_utf8_lossy(&bytes).into_owned()])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_like_hf() {
        // Expected from tokenizers 0.23.3 decoders.ByteLevel().decode([...]).
        let d = ByteLevelDecoder;
        let t = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            d.decode_chain(t(&["Hello", "Ġw", "Ã¶rld"])).unwrap(),
            ["Hello wörld"]
        );
        assert_eq!(d.decode_chain(t(&["Ã", "日Ġ"])).unwrap(), ["\u{fffd}日Ġ"]);
        assert_eq!(d.decode_chain(t(&[])).unwrap(), [""]);
    }
}
