//! ProphetNetTokenizer (transformers' Python class for ProphetNet): BERT's vocabulary in a file named
//! `prophetnet.tokenizer`, BERT's normalizer, split and WordPiece (`do_lower_case`, `strip_accents`,
//! `tokenize_chinese_chars` as BertTokenizer reads them), and a template of its own: `A [SEP]` and
//! `A [SEP] B [SEP]`, the second text and its separator of type id 1. Its own named special token
//! `x_sep_token` (`[X_SEP]`) is an added token (the next id when outside the vocabulary). Decoding joins
//! the pieces as BERT's does; the cleanup of spaces is the Python layer's (on by default for this class).

use super::legacy::{self, LegacyConfig};
use super::named_tokens::{named_content, named_specials};
use super::sentencepiece::{named_token, SpecialTokens};
use crate::added_tokens::AddedToken;
use crate::error::Result;
use serde_json::{json, Value};
use std::path::Path;

pub const VOCAB_FILE: &str = "prophetnet.tokenizer";

pub fn handles(class: &str) -> bool {
    class.trim_end_matches("Fast") == "ProphetNetTokenizer"
}

/// The tokenizer.json document and special tokens of a ProphetNetTokenizer folder.
pub fn document(dir: &Path, cfg: &LegacyConfig) -> Result<(Value, SpecialTokens)> {
    let mut doc = legacy::bert_file(&dir.join(VOCAB_FILE), cfg)?;
    let defaults = [
        ("unk_token", "[UNK]"),
        ("sep_token", "[SEP]"),
        ("pad_token", "[PAD]"),
        ("mask_token", "[MASK]"),
    ];
    let named = named_specials(cfg, &defaults);
    let x_sep = named_token(cfg, "x_sep_token", Some(AddedToken::special("[X_SEP]")));
    let sep = named_content(&named, "sep_token").unwrap_or_default();
    let vocab_id = |t: &str| doc["model"]["vocab"].get(t).and_then(Value::as_u64);
    let sep_id = vocab_id(&sep);
    // Ids of 0 are filled by the loader: the vocabulary's, else the next free one.
    let x_sep_id = x_sep
        .as_ref()
        .and_then(|t| vocab_id(&t.content))
        .unwrap_or(0);
    let mut added: Vec<Value> = match doc.get_mut("added_tokens") {
        Some(Value::Array(a)) => std::mem::take(a),
        _ => Vec::new(),
    };
    if let Some(t) = x_sep.as_ref().filter(|t| !t.content.is_empty()) {
        if !added.iter().any(|a| a["content"] == json!(t.content)) {
            added.push(t.to_json(x_sep_id as u32));
        }
    }
    doc["added_tokens"] = Value::Array(added);
    doc["decoder"]["cleanup"] = json!(false);
    // The class lower-cases with Python's `str.lower()` (BERT's basic tokenizer).
    doc["normalizer"]["python_lowercase"] = json!(true);
    let sp = |type_id: u32| json!({"SpecialToken": {"id": sep, "type_id": type_id}});
    doc["post_processor"] = json!({
        "type": "TemplateProcessing",
        "single": [{"Sequence": {"id": "A", "type_id": 0}}, sp(0)],
        "pair": [{"Sequence": {"id": "A", "type_id": 0}}, sp(0), {"Sequence": {"id": "B", "type_id": 1}}, sp(1)],
        "special_tokens": {sep.clone(): {"id": sep, "ids": [sep_id], "tokens": [sep]}},
    });
    let mut specials = SpecialTokens::new(&named, Vec::new());
    specials
        .named
        .push(("x_sep_token", x_sep.map(|t| t.content)));
    Ok((doc, specials))
}
