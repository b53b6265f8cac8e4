//! FSMTTokenizer (transformers' Python class for fairseq's WMT19 translation models, facebook/wmt19-*): two
//! languages (`langs`: source, target) and two vocabularies over one BPE. `vocab-src.json` gives the ids of
//! the encoded text (`text_target` included: the class always tokenizes in the source language),
//! `vocab-tgt.json` turns ids back into tokens and text; `merges.txt` holds the merges (a count may follow
//! each pair; the class reads the first two fields of every line before the last newline).
//!
//! The pipeline is XLM's text preparation and sacremoses' tokenizer in the source language (optionally
//! after Python's lower-casing, `do_lower_case`), with dash splits and XML escapes, a BPE with `</w>` word
//! ends and one `<unk>` per unknown piece, the template `A </s>` / `A </s> B </s>` (the second text and its
//! `</s>` of type 1), and the Moses detokenizer of the target language. The target side (a load with
//! `fsmt_target_side`) is the same document with `vocab-tgt.json` as the model's vocabulary and no merges;
//! its added tokens keep their source ids, as transformers' added tokens win over either vocabulary.

use super::class_pipelines::{moses_normalizer, word_end_options};
use super::legacy::{read_to_string, LegacyConfig};
use super::named_tokens::{named_content, named_specials, present, AddedIds};
use super::sentencepiece::{cfg_bool, SpecialTokens};
use super::vocab_file::{tokenizer_document, VocabJson};
use crate::error::{Error, Result};
use crate::kernel::rewrite::is_py_space;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::Path;

pub const CLASS: &str = "FSMTTokenizer";
pub const SOURCE_VOCAB: &str = "vocab-src.json";
pub const TARGET_VOCAB: &str = "vocab-tgt.json";
const MERGES: &str = "merges.txt";
/// The load override that reads the target side.
pub const TARGET_SIDE: &str = "fsmt_target_side";

/// The class's special tokens (no eos, cls or mask token).
const SPECIALS: [(&str, &str); 4] = [
    ("bos_token", "<s>"),
    ("unk_token", "<unk>"),
    ("sep_token", "</s>"),
    ("pad_token", "<pad>"),
];

pub fn handles(class: &str) -> bool {
    class.trim_end_matches("Fast") == CLASS
}

/// Whether `cfg` asks for the target side.
pub fn target_side(cfg: &LegacyConfig) -> bool {
    handles(cfg.class()) && cfg_bool(cfg, TARGET_SIDE, false)
}

/// `langs`: exactly two language codes (source, target), as the class requires.
fn languages(dir: &Path, cfg: &LegacyConfig) -> Result<(String, String)> {
    let langs = cfg.config.get("langs").and_then(Value::as_array);
    match langs.map(Vec::as_slice) {
        Some([Value::String(src), Value::String(tgt)]) => Ok((src.clone(), tgt.clone())),
        _ => Err(Error::config(
            dir.join("tokenizer_config.json").display().to_string(),
            "langs",
            format!(
                "{CLASS} needs a list of two languages (source, target), e.g. [\"en\", \"ru\"]; got {}",
                cfg.config.get("langs").unwrap_or(&Value::Null)
            ),
        )),
    }
}

/// A merges.txt line's first two fields (Python's whitespace), if it has two.
fn pair(line: &str) -> Option<(&str, &str)> {
    let mut fields = line.split(is_py_space).filter(|f| !f.is_empty());
    Some((fields.next()?, fields.next()?))
}

/// The merges as the class ranks them: the lines before the last newline, the first two fields of each
/// (Python's whitespace); a pair listed twice keeps its last rank, and a line of fewer fields merges nothing.
fn merges(text: &str) -> Vec<Value> {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut lines: Vec<&str> = text.split('\n').collect();
    lines.pop();
    let mut last: HashMap<(&str, &str), usize> = HashMap::new();
    for (rank, p) in lines.iter().filter_map(|l| pair(l)).enumerate() {
        last.insert(p, rank);
    }
    lines
        .iter()
        .filter_map(|l| pair(l))
        .enumerate()
        .filter(|(rank, p)| last.get(p) == Some(rank))
        .map(|(_, (a, b))| json!([a, b]))
        .collect()
}

/// The tokenizer.json document and special tokens of an FSMTTokenizer folder (its source side, or with
/// `fsmt_target_side` its target side).
pub fn document(dir: &Path, cfg: &LegacyConfig) -> Result<(Value, SpecialTokens)> {
    let (src, tgt) = languages(dir, cfg)?;
    let source = VocabJson::read(&dir.join(SOURCE_VOCAB))?;
    // The class opens vocab-tgt.json and merges.txt whichever side is used.
    let target = VocabJson::read(&dir.join(TARGET_VOCAB))?;
    let codes = read_to_string(&dir.join(MERGES))?;
    let named = named_specials(cfg, &SPECIALS);
    let added = AddedIds::resolve(source.pairs.len() as u32, present(&named), |t| source.id(t));
    let id_of = |content: &str| {
        added
            .iter()
            .find(|(_, t)| t.content == content)
            .map(|(id, _)| *id)
    };
    let unk = named_content(&named, "unk_token").unwrap_or_else(|| "None".to_string());
    let sep = named_content(&named, "sep_token").unwrap_or_default();
    let post = match id_of(&sep) {
        Some(sep_id) => json!({
            "type": "TemplateProcessing",
            "single": [
                {"Sequence": {"id": "A", "type_id": 0}},
                {"SpecialToken": {"id": sep, "type_id": 0}},
            ],
            "pair": [
                {"Sequence": {"id": "A", "type_id": 0}},
                {"SpecialToken": {"id": sep, "type_id": 0}},
                {"Sequence": {"id": "B", "type_id": 1}},
                {"SpecialToken": {"id": sep, "type_id": 1}},
            ],
            "special_tokens": {sep.clone(): {"id": sep, "ids": [sep_id], "tokens": [sep]}},
        }),
        None => Value::Null,
    };
    let mut first = Vec::new();
    if cfg_bool(cfg, "do_lower_case", false) {
        first.push(json!({"type": "PythonLowercase"}));
    }
    // The target side only names ids: no merges (their results need not be target pieces).
    let (vocab, merges) = if target_side(cfg) {
        (target.model_vocab(), Vec::new())
    } else {
        (source.map, merges(&codes))
    };
    let mut model = word_end_options();
    model["type"] = json!("BPE");
    model["unk_token"] = json!(unk);
    model["vocab"] = Value::Object(vocab);
    model["merges"] = Value::Array(merges);
    let doc = tokenizer_document(
        &added,
        json!({
            "normalizer": moses_normalizer(first, &src),
            "pre_tokenizer": {"type": "Moses", "lang": src, "aggressive_dash_splits": true,
                "lowercase_and_remove_accent": false, "escape": true},
            "post_processor": post,
            "decoder": {"type": "MosesDetokenizer", "lang": tgt, "suffix": "</w>"},
            "model": model,
        }),
    );
    Ok((doc, SpecialTokens::new(&named, Vec::new())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_keep_two_fields_and_the_last_rank_of_a_pair() {
        let got = merges("a b 10\nc\nd e 9\na b 8\nf g\u{1c}7\nlast line");
        assert_eq!(
            got,
            [json!(["d", "e"]), json!(["a", "b"]), json!(["f", "g"])]
        );
    }

    #[test]
    fn langs_must_name_two_languages() {
        let cfg = LegacyConfig::from_json(json!({"tokenizer_class": CLASS, "langs": ["en"]}));
        let error = languages(Path::new("/x"), &cfg).unwrap_err().to_string();
        assert!(error.contains("langs"), "{error}");
        let cfg = LegacyConfig::from_json(json!({"langs": ["en", "de"]}));
        assert_eq!(
            languages(Path::new("/x"), &cfg).unwrap(),
            ("en".to_string(), "de".to_string())
        );
    }
}
