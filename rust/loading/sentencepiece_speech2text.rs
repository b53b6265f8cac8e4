//! Speech2Text (`Speech2TextTokenizer`), which transformers 5.24 runs through the `sentencepiece` library
//! in Python: the model's pieces (sentencepiece.bpe.model) mapped to ids through vocab.json, `</s>` after
//! the text (after both texts of a pair). `do_lower_case` changes nothing in 5.24's encoding (the Python
//! base class no longer lowercases the text), so it is not read either.

use super::legacy::LegacyConfig;
use super::sentencepiece::{cfg_bool, precompiled, Parts, Post};
use super::sentencepiece_classes::{content, named, seq, sp, Defaults};
use super::sentencepiece_proto::SpModel;
use super::sentencepiece_python::{require_legacy, vocab_json, vocab_json_model};
use crate::error::{Error, Result};
use serde_json::Value;
use std::path::Path;

pub(super) fn speech2text(
    m: &SpModel,
    cfg: &LegacyConfig,
    d: Defaults,
    dir: &Path,
) -> Result<Parts> {
    require_legacy(cfg, "Speech2TextTokenizer")?;
    // Options whose effect has no pipeline stage here: refused rather than silently ignored.
    if cfg_bool(cfg, "do_upper_case", false) {
        return Err(unsupported(
            "do_upper_case",
            "decoding to upper case is not supported",
        ));
    }
    if cfg.config.get("lang_codes").is_some_and(|v| !v.is_null()) {
        return Err(unsupported(
            "lang_codes",
            "the target-language prefix of multilingual Speech2Text folders is not supported",
        ));
    }
    let named = named(cfg, d, false);
    let pieces = vocab_json(dir)?;
    let (model, vocab) = vocab_json_model(m, &pieces, &content(&named, "unk_token"), dir)?;
    let eos = content(&named, "eos_token");
    Ok(Parts::library_metaspace(
        m,
        model,
        vocab,
        precompiled(m).unwrap_or(Value::Null),
        named,
        Vec::new(),
        Post::Template {
            single: vec![seq("A", 0), sp(&eos, 0)],
            pair: vec![seq("A", 0), seq("B", 0), sp(&eos, 0)],
        },
    ))
}

fn unsupported(key: &str, why: &str) -> Error {
    Error::config(
        "",
        format!("tokenizer_config.json: {key}"),
        format!("{why} (Speech2TextTokenizer)"),
    )
}
