//! MgpstrTokenizer (transformers' Python class for MGP-STR scene-text recognition): vocab.json maps
//! characters to ids (`[GO]` and `[s]` first). Every char of the text is one token (spaces included), a
//! char outside the vocabulary is the unknown token (`[GO]`); no special tokens around the text, the
//! second text of a pair of type id 1; decoding joins the tokens with spaces (no decoder).

use super::ctc_classes::{ids_in_order, plain_template};
use super::legacy::{read_json, LegacyConfig};
use super::named_tokens::{named_content, named_specials, AddedIds};
use super::sentencepiece::SpecialTokens;
use crate::error::{Error, Result};
use serde_json::{json, Map, Value};
use std::path::Path;

pub fn handles(class: &str) -> bool {
    class.trim_end_matches("Fast") == "MgpstrTokenizer"
}

/// The tokenizer.json document and special tokens of a MgpstrTokenizer folder.
pub fn document(dir: &Path, cfg: &LegacyConfig) -> Result<(Value, SpecialTokens)> {
    let path = dir.join("vocab.json");
    let file = path.display().to_string();
    let Value::Object(vocab) = read_json(&path)? else {
        return Err(Error::config(file, "(document)", "expected a JSON object"));
    };
    let pairs = ids_in_order(&vocab, &file)?;
    let defaults = [
        ("unk_token", "[GO]"),
        ("bos_token", "[GO]"),
        ("eos_token", "[s]"),
        ("pad_token", "[GO]"),
    ];
    let named = named_specials(cfg, &defaults);
    let mut added = AddedIds::new(pairs.iter().map(|(_, id)| id + 1).max().unwrap_or(0));
    for t in named.iter().filter_map(|(_, t)| t.clone()) {
        let id = vocab.get(&t.content).and_then(Value::as_u64);
        added.add(t, id.map(|id| id as u32));
    }
    let added = added.into_sorted();
    let unk = named_content(&named, "unk_token").unwrap_or_default();
    let mut vocab_json = Map::new();
    for (t, id) in &pairs {
        vocab_json.insert(t.clone(), json!(id));
    }
    if let Some((id, _)) = added.iter().find(|(_, t)| t.content == unk) {
        vocab_json.entry(unk.clone()).or_insert(json!(id));
    }
    let doc = json!({
        "version": "1.0",
        "truncation": null,
        "padding": null,
        "added_tokens": added.iter().map(|(id, t)| t.to_json(*id)).collect::<Vec<_>>(),
        "normalizer": null,
        "pre_tokenizer": {
            "type": "Split",
            "pattern": {"Regex": "(?s)."},
            "behavior": "Isolated",
            "invert": false,
        },
        "post_processor": plain_template(),
        "decoder": null,
        "model": {"type": "WordLevel", "vocab": vocab_json, "unk_token": unk},
    });
    Ok((doc, SpecialTokens::new(&named, Vec::new())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokenizer::{EncodeOptions, InputSequence, Tokenizer};

    #[test]
    fn every_char_is_a_token() {
        let dir = std::env::temp_dir().join(format!("ferrotok-mgpstr-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("vocab.json"),
            r#"{"[GO]": 0, "[s]": 1, "a": 2, "b": 3}"#,
        )
        .unwrap();
        let out = document(&dir, &LegacyConfig { config: Map::new() });
        std::fs::remove_dir_all(&dir).unwrap();
        let t: Tokenizer = super::super::tokenizer_json::from_value(out.unwrap().0, "<t>").unwrap();
        let opts = EncodeOptions {
            add_special_tokens: true,
            ..EncodeOptions::default()
        };
        let e = t
            .encode(InputSequence::Raw("ab a[s]X"), None, &opts)
            .unwrap();
        assert_eq!(e.ids, [2, 3, 0, 2, 1, 0]);
        assert_eq!(t.decode(&[2, 3, 0, 1], true).unwrap(), "a b");
    }
}
