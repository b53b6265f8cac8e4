//! Wav2Vec2CTCTokenizer (transformers' Python class for wav2vec2 / MMS speech models): a character
//! vocabulary in vocab.json, spaces spelled as the word delimiter `|`, every other char one token (or
//! `<unk>`); `do_lower_case` upper-cases the text first (the vocabularies are upper case). Its multi-char
//! entries are added tokens that strip the spaces around them. The CTC part of decoding (merging repeated
//! ids, dropping the pad id, stripping, lower-casing) is the Python layer's (`_decoding.py`); the decoder
//! here turns the delimiter back into `replace_word_delimiter_char` and joins.

use super::legacy::{read_json, LegacyConfig};
use super::named_tokens::{named_content, named_tokens, present, AddedIds};
use super::sentencepiece::{cfg_bool, cfg_str, SpecialTokens};
use super::vocab_file::{char_split, plain_template, tokenizer_document, VocabJson};
use crate::added_tokens::AddedToken;
use crate::error::{Error, Result};
use serde_json::{json, Map, Value};
use std::path::Path;

/// The classes built here (without a trailing `Fast`).
pub const CLASSES: [&str; 1] = ["Wav2Vec2CTCTokenizer"];

pub fn handles(class: &str) -> bool {
    CLASSES.contains(&class.trim_end_matches("Fast"))
}

/// vocab.json's token → id map; a multilingual one (MMS: one map per language) needs `target_lang`.
fn encoder(dir: &Path, cfg: &LegacyConfig) -> Result<Map<String, Value>> {
    let path = dir.join("vocab.json");
    let file = path.display().to_string();
    let Value::Object(vocab) = read_json(&path)? else {
        return Err(Error::config(file, "(document)", "expected a JSON object"));
    };
    let target = cfg.config.get("target_lang").and_then(Value::as_str);
    let nested = vocab.values().any(Value::is_object);
    match (target, nested) {
        (Some(lang), true) => match vocab.get(lang) {
            Some(Value::Object(inner)) => Ok(inner.clone()),
            _ => Err(Error::config(
                file,
                "tokenizer_config.json: target_lang",
                format!("{lang:?} is not a language of vocab.json"),
            )),
        },
        (None, true) => Err(Error::config(
            file,
            "tokenizer_config.json: target_lang",
            "vocab.json has one vocabulary per language: `target_lang` must name one",
        )),
        (_, false) => Ok(vocab),
    }
}

/// The tokenizer.json document and special tokens of a Wav2Vec2CTCTokenizer folder.
pub fn document(dir: &Path, cfg: &LegacyConfig) -> Result<(Value, SpecialTokens)> {
    let file = dir.join("vocab.json").display().to_string();
    let vocab = VocabJson::new(encoder(dir, cfg)?, &file)?;
    let defaults = [
        ("bos_token", "<s>"),
        ("eos_token", "</s>"),
        ("unk_token", "<unk>"),
        ("pad_token", "<pad>"),
    ];
    let named = named_tokens(cfg, |key| {
        let d = defaults.iter().find(|d| d.0 == key)?;
        Some(AddedToken {
            lstrip: true,
            rstrip: true,
            normalized: false,
            ..AddedToken::new(d.1, false)
        })
    });
    let content = |key: &str| named_content(&named, key).unwrap_or_default();
    let delimiter = cfg_str(cfg, "word_delimiter_token", "|");
    let replacement = cfg_str(cfg, "replace_word_delimiter_char", " ");
    let unk = content("unk_token");

    // Added tokens in transformers' order: the named ones, the delimiter, then every multi-char entry of
    // the vocabulary (stripping the spaces around it, matched in the raw text). A token outside the
    // vocabulary gets the next id.
    let order = present(&named)
        .chain([AddedToken::special(&delimiter)])
        .chain(
            vocab
                .pairs
                .iter()
                .filter(|(t, _)| t.chars().count() > 1)
                .map(|(t, _)| AddedToken {
                    lstrip: true,
                    rstrip: true,
                    normalized: false,
                    ..AddedToken::new(t, false)
                }),
        );
    let added = AddedIds::resolve(vocab.after_last(), order, |t| vocab.id(t));

    let mut normalizers = Vec::new();
    if cfg_bool(cfg, "do_lower_case", false) {
        normalizers.push(json!({"type": "Uppercase"}));
    }
    normalizers.push(json!({"type": "Replace", "pattern": {"String": " "}, "content": delimiter}));
    let vocab_json = vocab.model_vocab();
    let doc = tokenizer_document(
        &added,
        json!({
            "normalizer": {"type": "Sequence", "normalizers": normalizers},
            "pre_tokenizer": char_split(),
            // No special tokens around the text; the second text of a pair has type id 1.
            "post_processor": plain_template(),
            "decoder": {
                "type": "Sequence",
                "decoders": [
                    {"type": "Replace", "pattern": {"String": delimiter}, "content": replacement},
                    {"type": "Fuse"},
                ],
            },
            "model": {"type": "WordLevel", "vocab": vocab_json, "unk_token": unk},
        }),
    );
    let mut specials = SpecialTokens::new(&named, Vec::new());
    // The class's own named token, in its special tokens map after the common ones.
    specials
        .named
        .push(("word_delimiter_token", Some(delimiter.clone())));
    Ok((doc, specials))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokenizer::{EncodeOptions, InputSequence, Tokenizer};

    fn load(vocab: Value, config: Value) -> Result<Tokenizer> {
        let dir = std::env::temp_dir().join(format!(
            "ferrotok-ctc-{}-{}",
            std::process::id(),
            config.to_string().len()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("vocab.json"), vocab.to_string()).unwrap();
        let Value::Object(config) = config else {
            unreachable!()
        };
        let out = document(&dir, &LegacyConfig { config });
        std::fs::remove_dir_all(&dir).unwrap();
        super::super::tokenizer_json::from_value(out?.0, "<test>")
    }

    #[test]
    fn spaces_become_the_delimiter() {
        let vocab = json!({"<pad>": 0, "<s>": 1, "</s>": 2, "<unk>": 3, "|": 4, "A": 5, "B": 6});
        let opts = EncodeOptions {
            add_special_tokens: true,
            char_offsets: true,
            ..EncodeOptions::default()
        };
        let ids =
            |t: &Tokenizer, s: &str| t.encode(InputSequence::Raw(s), None, &opts).unwrap().ids;
        let t = load(vocab.clone(), json!({})).unwrap();
        assert_eq!(ids(&t, "AB a <s> B"), [5, 6, 4, 3, 1, 6]);
        assert_eq!(t.decode(&[5, 4, 6], false).unwrap(), "A B");
        let t = load(vocab.clone(), json!({"do_lower_case": true})).unwrap();
        assert_eq!(ids(&t, "ab"), [5, 6]);
        let nested = json!({"eng": vocab});
        assert!(load(nested.clone(), json!({})).is_err());
        assert!(load(nested, json!({"target_lang": "eng"})).is_ok());
    }
}
