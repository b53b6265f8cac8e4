//! VitsTokenizer (transformers' Python class for VITS and MMS-TTS): vocab.json maps characters to ids;
//! the text is prepared (`normalize`: entries kept, the rest lower-cased, chars outside the vocabulary
//! dropped, ends stripped; Romanian's `ț`), cut into chars, and with `add_blank` the token of id 0 goes
//! between every two and at both ends (ferrotok's `Vits` normalizer does both). `phonemize=True` needs
//! the `phonemizer` package and espeak, which ferrotok does not run: such a folder is refused. Decoding
//! (every second token with `add_blank`) is the Python layer's (`_decoding.py`).

use super::legacy::{read_to_string, LegacyConfig};
use super::model_json::Vocab;
use super::named_tokens::{named_content, named_specials, present, AddedIds};
use super::sentencepiece::{cfg_bool, cfg_str, SpecialTokens};
use super::vocab_file::{plain_template, tokenizer_document};
use crate::error::{Error, Result};
use serde_json::{json, Map, Value};
use std::path::Path;

/// The classes built here (without a trailing `Fast`).
pub const CLASSES: [&str; 1] = ["VitsTokenizer"];

pub fn handles(class: &str) -> bool {
    CLASSES.contains(&class.trim_end_matches("Fast"))
}

/// The tokenizer.json document and special tokens of a VitsTokenizer folder.
pub fn document(dir: &Path, cfg: &LegacyConfig) -> Result<(Value, SpecialTokens)> {
    if cfg_bool(cfg, "phonemize", true) {
        return Err(Error::config(
            dir.join("tokenizer_config.json").display().to_string(),
            "phonemize",
            "VitsTokenizer with phonemize=true needs the `phonemizer` package and espeak, which ferrotok \
             does not run: load it with phonemize=False and give the text in the vocabulary's characters",
        ));
    }
    let path = dir.join("vocab.json");
    let file = path.display().to_string();
    let text = read_to_string(&path)?;
    // vocab.json's order counts: at each position the first entry that matches is kept as written.
    let pairs = match serde_json::from_str::<Vocab<'_>>(&text) {
        Ok(Vocab::Pairs(pairs)) => pairs,
        Ok(Vocab::Other(_)) => {
            return Err(Error::config(
                file,
                "(document)",
                "expected an object of char → id",
            ))
        }
        Err(e) => {
            return Err(Error::config(
                file,
                "(document)",
                format!("invalid JSON: {e}"),
            ))
        }
    };
    let id_of = |t: &str| pairs.iter().find(|(k, _)| k == t).map(|(_, id)| *id);
    let defaults = [("unk_token", "<unk>"), ("pad_token", "<pad>")];
    let named = named_specials(cfg, &defaults);
    let mut added = AddedIds::new(pairs.iter().map(|(_, id)| id + 1).max().unwrap_or(0));
    for t in present(&named) {
        let id = id_of(&t.content);
        added.add(t, id);
    }
    let unk = named_content(&named, "unk_token").unwrap_or_default();

    let mut words: Vec<String> = pairs.iter().map(|(k, _)| k.to_string()).collect();
    words.extend(added.tokens.iter().map(|(_, t)| t.content.clone()));
    let blank = pairs
        .iter()
        .find(|(_, id)| *id == 0)
        .map(|(k, _)| k.to_string());
    let add_blank = cfg_bool(cfg, "add_blank", true);
    let split = match &blank {
        Some(b) if add_blank && b.chars().count() > 1 => format!("(?s){}|.", regex::escape(b)),
        _ => "(?s).".to_string(),
    };
    let mut vocab_json = Map::new();
    for (t, id) in &pairs {
        vocab_json.insert(t.to_string(), json!(id));
    }
    // The unknown token has an id of its own even outside vocab.json (an added token).
    if let Some((id, _)) = added.tokens.iter().find(|(_, t)| t.content == unk) {
        vocab_json.entry(unk.clone()).or_insert(json!(id));
    }
    let added = added.into_sorted();
    let doc = tokenizer_document(
        &added,
        json!({
            "normalizer": {
                "type": "Vits",
                "words": words,
                "normalize": cfg_bool(cfg, "normalize", true),
                "romanian": cfg_str(cfg, "language", "") == "ron",
                "blank": if add_blank { blank.map_or(Value::Null, Value::String) } else { Value::Null },
            },
            // One token per char (the blank too, when it is one char; a longer blank is matched whole).
            "pre_tokenizer": {
                "type": "Split",
                "pattern": {"Regex": split},
                "behavior": "Isolated",
                "invert": false,
            },
            "post_processor": plain_template(),
            "decoder": null,
            "model": {"type": "WordLevel", "vocab": vocab_json, "unk_token": unk},
        }),
    );
    let specials = SpecialTokens::new(&named, Vec::new());
    Ok((doc, specials))
}
