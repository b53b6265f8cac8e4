//! Marian (`MarianTokenizer`), which transformers 5.24 runs through the `sentencepiece` library in Python:
//! `source.spm` segments the text, `vocab.json` gives the ids (`</s>` appended). Folders whose vocabulary
//! has `>>lang<<` codes (transformers takes one only at the very start of a text) are refused rather than
//! tokenized differently. The target side (`text_target`) is the same folder read with `target.spm`
//! (`TARGET_SIDE` in the load overrides); with `separate_vocabs` its ids come from `target_vocab.json`
//! (the Python layer gives its special tokens their `vocab.json` ids, as transformers' added tokens).

use super::legacy::LegacyConfig;
use super::sentencepiece::{cfg_bool, precompiled, Parts, Post};
use super::sentencepiece_classes::{content, named, seq, sp, Defaults};
use super::sentencepiece_proto::{SpModel, NORMAL};
use super::sentencepiece_python::{sentencepiece_model, vocab_json_file, vocab_json_unk_id, NEVER};
use crate::error::{Error, Result};
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// The load override that reads a Marian folder's target side.
pub const TARGET_SIDE: &str = "marian_target_side";
/// The target side's vocabulary when tokenizer_config.json sets `separate_vocabs`.
pub const TARGET_VOCAB: &str = "target_vocab.json";

/// `target.spm` when the overrides ask for a Marian folder's target side, else None.
pub(super) fn target_model_file(dir: &Path, cfg: &LegacyConfig) -> Option<PathBuf> {
    let marian = cfg.class().trim_end_matches("Fast") == "MarianTokenizer";
    (marian && cfg_bool(cfg, TARGET_SIDE, false)).then(|| dir.join("target.spm"))
}

/// Whether this load reads the target side of a folder with separate vocabularies.
fn separate_target(cfg: &LegacyConfig) -> bool {
    cfg_bool(cfg, TARGET_SIDE, false) && cfg_bool(cfg, "separate_vocabs", false)
}

pub(super) fn marian(m: &SpModel, cfg: &LegacyConfig, d: Defaults, dir: &Path) -> Result<Parts> {
    let name = if separate_target(cfg) {
        TARGET_VOCAB
    } else {
        "vocab.json"
    };
    let file = dir.join(name).display().to_string();
    let named = named(cfg, d, false);
    let pieces = vocab_json_file(&dir.join(name))?;
    if let Some(code) = pieces
        .iter()
        .find(|p| p.starts_with(">>") && p.ends_with("<<"))
    {
        return Err(Error::config(
            file,
            format!("{name}: {code:?}"),
            "MarianTokenizer language codes (taken only at the start of a text) are not supported",
        ));
    }
    let known: HashSet<&str> = pieces.iter().map(String::as_str).collect();
    // transformers maps a piece missing from vocab.json to <unk>; a model document cannot say that.
    if let Some(missing) = m
        .pieces
        .iter()
        .find(|(p, _, t)| *t == NORMAL && !known.contains(p.as_str()))
    {
        return Err(Error::config(
            file,
            format!("{name}: {:?}", missing.0),
            if cfg_bool(cfg, TARGET_SIDE, false) {
                format!("a piece of target.spm is missing from {name}")
            } else {
                "a piece of source.spm is missing from vocab.json".to_string()
            },
        ));
    }
    let unk = content(&named, "unk_token");
    let unk_id = vocab_json_unk_id(&pieces, &unk, dir)?;
    let scores: HashMap<&str, f64> = m
        .pieces
        .iter()
        .filter(|(_, _, t)| *t == NORMAL)
        .map(|(p, s, _)| (p.as_str(), f64::from(*s)))
        .collect();
    let mut model = sentencepiece_model(m, &unk);
    if model["type"] == "Unigram" {
        model["unk_id"] = Value::from(unk_id);
    }
    let eos = content(&named, "eos_token");
    Ok(Parts::library_metaspace(
        m,
        model,
        pieces
            .iter()
            .map(|p| (p.clone(), scores.get(p.as_str()).copied().unwrap_or(NEVER)))
            .collect(),
        precompiled(m).unwrap_or(Value::Null),
        named,
        Vec::new(),
        Post::Template {
            single: vec![seq("A", 0), sp(&eos, 0)],
            pair: vec![seq("A", 0), seq("B", 0), sp(&eos, 0)],
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn target_side_reads_target_spm_for_marian_only() {
        let dir = Path::new("folder");
        let marian = |extra: Value| {
            let mut config = json!({"tokenizer_class": "MarianTokenizer"});
            config
                .as_object_mut()
                .unwrap()
                .extend(extra.as_object().unwrap().clone());
            LegacyConfig::from_json(config)
        };
        assert_eq!(target_model_file(dir, &marian(json!({}))), None);
        assert_eq!(
            target_model_file(dir, &marian(json!({TARGET_SIDE: true}))),
            Some(dir.join("target.spm"))
        );
        let other =
            LegacyConfig::from_json(json!({"tokenizer_class": "T5Tokenizer", TARGET_SIDE: true}));
        assert_eq!(target_model_file(dir, &other), None);
    }

    #[test]
    fn only_a_separate_target_side_reads_target_vocab_json() {
        let cfg = LegacyConfig::from_json;
        assert!(separate_target(&cfg(
            json!({"separate_vocabs": true, TARGET_SIDE: true})
        )));
        assert!(!separate_target(&cfg(json!({"separate_vocabs": true}))));
        assert!(!separate_target(&cfg(json!({TARGET_SIDE: true}))));
    }
}
