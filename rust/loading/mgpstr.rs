//! MgpstrTokenizer (transformers' Python class for MGP-STR scene-text recognition): vocab.json maps
//! characters to ids (`[GO]` and `[s]` first). Every char of the text is one token (spaces included), a
//! char outside the vocabulary is the unknown token (`[GO]`); no special tokens around the text, the
//! second text of a pair of type id 1; decoding joins the tokens with spaces (no decoder).

use super::legacy::LegacyConfig;
use super::named_tokens::{named_content, named_specials, present, AddedIds};
use super::sentencepiece::SpecialTokens;
use super::vocab_file::{char_split, plain_template, tokenizer_document, VocabJson};
use crate::error::Result;
use serde_json::{json, Value};
use std::path::Path;

pub fn handles(class: &str) -> bool {
    class.trim_end_matches("Fast") == "MgpstrTokenizer"
}

/// The tokenizer.json document and special tokens of a MgpstrTokenizer folder.
pub fn document(dir: &Path, cfg: &LegacyConfig) -> Result<(Value, SpecialTokens)> {
    let vocab = VocabJson::read(&dir.join("vocab.json"))?;
    let defaults = [
        ("unk_token", "[GO]"),
        ("bos_token", "[GO]"),
        ("eos_token", "[s]"),
        ("pad_token", "[GO]"),
    ];
    let named = named_specials(cfg, &defaults);
    let added = AddedIds::resolve(vocab.after_last(), present(&named), |t| vocab.id(t));
    let unk = named_content(&named, "unk_token").unwrap_or_default();
    let mut vocab_json = vocab.model_vocab();
    if let Some((id, _)) = added.iter().find(|(_, t)| t.content == unk) {
        vocab_json.entry(unk.clone()).or_insert(json!(id));
    }
    let doc = tokenizer_document(
        &added,
        json!({
            "normalizer": null,
            "pre_tokenizer": char_split(),
            "post_processor": plain_template(),
            "decoder": null,
            "model": {"type": "WordLevel", "vocab": vocab_json, "unk_token": unk},
        }),
    );
    Ok((doc, SpecialTokens::new(&named, Vec::new())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokenizer::{EncodeOptions, InputSequence, Tokenizer};
    use serde_json::Map;

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
