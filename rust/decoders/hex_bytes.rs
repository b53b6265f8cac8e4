//! HexBytes (ferrotok's own): the decoder of MyT5's byte model, whose byte tokens are spelled as two hex
//! digits (`"e3"`). The reversed merge and decompose maps run over all the tokens at once (`rewrite`,
//! the maps as `byte_maps.json` holds them), any other token (an added one) ending a match and kept as
//! its own UTF-8; the bytes are then read as UTF-8 with invalid bytes dropped, as transformers'
//! `MyT5Tokenizer.convert_tokens_to_string` does.

use crate::error::Result;
use crate::json::{field, Obj};
use crate::kernel::byte_rewrite::{from_maps, ByteRewriter, Unit, BARRIER};
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct HexBytes {
    /// The reversed merge map, then the reversed decompose map.
    reverse: Option<Arc<[ByteRewriter; 2]>>,
}

fn hex_byte(token: &str) -> Option<u8> {
    let b = token.as_bytes();
    (b.len() == 2 && b.iter().all(u8::is_ascii_hexdigit))
        .then(|| u8::from_str_radix(token, 16).ok())
        .flatten()
}

impl HexBytes {
    pub fn from_json(o: &Obj, parent: &str) -> Result<Self> {
        let reverse = match o.get("rewrite") {
            Some(v) => Some(Arc::new(from_maps(v, &field(parent, "rewrite"), true)?)),
            None => None,
        };
        Ok(HexBytes { reverse })
    }

    pub fn decode_chain(&self, tokens: Vec<String>) -> Result<Vec<String>> {
        let mut units: Vec<Unit> = tokens
            .iter()
            .enumerate()
            .map(|(i, t)| Unit {
                value: hex_byte(t).map_or(BARRIER, u16::from),
                start: i as u32,
                end: i as u32 + 1,
            })
            .collect();
        if let Some(reverse) = &self.reverse {
            let mut merged = Vec::with_capacity(units.len());
            reverse[0].rewrite(&units, &mut merged);
            units.clear();
            reverse[1].rewrite(&merged, &mut units);
        }
        let mut bytes = Vec::with_capacity(units.len());
        for u in &units {
            match u8::try_from(u.value) {
                Ok(b) => bytes.push(b),
                Err(_) => bytes.extend_from_slice(tokens[u.start as usize].as_bytes()),
            }
        }
        let mut out = String::with_capacity(bytes.len());
        for chunk in bytes.utf8_chunks() {
            out.push_str(chunk.valid());
        }
        Ok(vec![out])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn decode(doc: serde_json::Value, tokens: &[&str]) -> String {
        let d = HexBytes::from_json(doc.as_object().unwrap(), "decoder").unwrap();
        let tokens = tokens.iter().map(|t| t.to_string()).collect();
        d.decode_chain(tokens).unwrap().concat()
    }

    #[test]
    fn reversed_maps_and_added_tokens() {
        let doc = json!({"rewrite": {"decompose_map": {"c3 a9": "80 91"},
            "merge_map": {"80 91 61": "f0"}}});
        assert_eq!(
            decode(doc.clone(), &["f0", "62", "</s>", "80", "91"]),
            "éab</s>é"
        );
        // An added token between the two bytes of a rule's output cuts it: the lone bytes are dropped.
        assert_eq!(decode(doc, &["80", "<pad>", "91", "c3"]), "<pad>");
        assert_eq!(decode(json!({}), &["68", "69", "e2", "82"]), "hi");
    }
}
