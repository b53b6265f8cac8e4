//! MyT5Tokenizer (byte_maps.json): ByT5's byte tokens and specials (`byte_classes`), each byte spelled
//! as two hex digits, and the bytes of each text between added tokens rewritten by the folder's
//! `decompose_map` then `merge_map` on encode; decode runs the reversed maps the other way round
//! (`kernel::byte_rewrite`, the `HexBytes` decoder).

use super::byte_classes;
use super::legacy::{read_json, LegacyConfig};
use super::sentencepiece::SpecialTokens;
use crate::error::{Error, Result};
use serde_json::{json, Value};
use std::path::Path;

/// The file of the maps, as the class names it.
pub const MAPS_FILE: &str = "byte_maps.json";

pub(super) fn handles(class: &str) -> bool {
    class.trim_end_matches("Fast") == "MyT5Tokenizer"
}

/// The class's document: ByT5's, with the maps of `dir`'s byte_maps.json in the model and decoder.
pub(super) fn document(dir: &Path, cfg: &LegacyConfig) -> Result<(Value, SpecialTokens)> {
    let path = dir.join(MAPS_FILE);
    let maps = read_json(&path)?;
    let file = path.display().to_string();
    let maps = json!({
        "decompose_map": maps.get("decompose_map").cloned().unwrap_or(Value::Null),
        "merge_map": maps.get("merge_map").cloned().unwrap_or(Value::Null),
    });
    with_maps("MyT5Tokenizer", cfg, maps).map_err(|e| e.in_file(&file))
}

fn with_maps(class: &str, cfg: &LegacyConfig, maps: Value) -> Result<(Value, SpecialTokens)> {
    for key in ["decompose_map", "merge_map"] {
        if !maps[key].is_object() {
            return Err(Error::config("", key, "expected an object {bytes: bytes}"));
        }
    }
    let (mut doc, specials) = byte_classes::document(class, cfg)?;
    doc["model"]["spelling"] = json!("hex");
    doc["model"]["rewrite"] = maps.clone();
    doc["decoder"] = json!({"type": "HexBytes", "rewrite": maps});
    Ok((doc, specials))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokenizer::Tokenizer;

    fn load(maps: Value) -> Result<Tokenizer> {
        let cfg = LegacyConfig::from_json(json!({"tokenizer_class": "MyT5Tokenizer"}));
        let (doc, _) = with_maps("MyT5Tokenizer", &cfg, maps)?;
        super::super::tokenizer_json::from_value(doc, "<test>")
    }

    #[test]
    fn rewritten_hex_bytes_and_back() {
        let maps = json!({"decompose_map": {"c3 a9": "80 91"}, "merge_map": {"80 91 61": "f0"}});
        let t = load(maps).unwrap();
        let opts = crate::tokenizer::test_options();
        let e = t
            .encode(
                crate::tokenizer::InputSequence::Raw("éa </s>b"),
                None,
                &opts,
            )
            .unwrap();
        assert_eq!(e.ids, [0xF3, 1, 0x65, 1]);
        let tokens: Vec<_> = e.ids.iter().map(|&id| t.id_to_token(id)).collect();
        assert_eq!(tokens, [Some("f0"), Some("</s>"), Some("62"), Some("</s>")]);
        assert_eq!(t.decode(&e.ids, false).unwrap(), "éa</s>b</s>");
        assert_eq!(t.token_to_id("<extra_id_0>"), Some(259));
        assert!(load(json!({"decompose_map": {}})).is_err());
        assert!(handles("MyT5Tokenizer") && !handles("ByT5Tokenizer"));
    }
}
