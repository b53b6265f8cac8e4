//! PLBart (`PLBartTokenizer`), which transformers 5.24 runs through the `sentencepiece` library in Python:
//! fairseq's ids (`<s> <pad> </s> <unk>`, then the model's pieces shifted by one), its programming- and
//! natural-language codes after the pieces, `<mask>` last (`base` only), and `A </s> lang_code`.

use super::language_codes;
use super::legacy::LegacyConfig;
use super::sentencepiece::{precompiled, Parts, Post};
use super::sentencepiece_classes::{content, named, seq, sp, Defaults};
use super::sentencepiece_proto::{SpModel, NORMAL};
use super::sentencepiece_python::{require_legacy, sentencepiece_model, NEVER};
use crate::added_tokens::AddedToken;
use crate::error::{Error, Result};
use serde_json::Value;

/// transformers' short names for the codes (`FAIRSEQ_LANGUAGE_CODES_MAP`).
fn code_of(lang: &str) -> String {
    match lang {
        "java" | "python" | "en_XX" | "javascript" | "php" | "ruby" | "go" => format!("__{lang}__"),
        other => other.to_string(),
    }
}

pub(super) fn plbart(m: &SpModel, cfg: &LegacyConfig, d: Defaults) -> Result<Parts> {
    require_legacy(cfg, "PLBartTokenizer")?;
    let named = named(cfg, d, true);
    let (kind, codes) = language_codes::choose(
        cfg,
        "base",
        &[
            ("base", &language_codes::PLBART_BASE),
            ("multi", &language_codes::PLBART_MULTI),
        ],
    )?;
    // `base` has no source language unless the config names one; `multi` defaults to English.
    let src_lang = match cfg.config.get("src_lang").and_then(Value::as_str) {
        Some(lang) => Some(code_of(lang)),
        None if kind == "multi" => Some("__en_XX__".to_string()),
        None => None,
    };
    if let Some(lang) = &src_lang {
        if !codes.contains(&lang.as_str()) {
            return Err(Error::config(
                "",
                "tokenizer_config.json: src_lang",
                format!("{lang:?} is not one of the {kind:?} language codes {codes:?}"),
            ));
        }
    }
    // fairseq's four tokens, then the model's pieces from id 3 (its `<unk> <s> </s>` come first);
    // only normal pieces come out of segmentation.
    let mut vocab: Vec<(String, f64)> = ["<s>", "<pad>", "</s>", "<unk>"]
        .iter()
        .map(|t| (t.to_string(), NEVER))
        .collect();
    vocab.extend(
        m.pieces
            .iter()
            .skip(3)
            .map(|(p, s, t)| (p.clone(), if *t == NORMAL { f64::from(*s) } else { NEVER })),
    );
    vocab.extend(codes.iter().map(|c| (c.to_string(), NEVER)));
    if kind == "base" {
        vocab.push(("<mask>".to_string(), NEVER));
    }
    let mut extras: Vec<AddedToken> = codes.iter().map(|c| AddedToken::special(c)).collect();
    if let Some(listed) = cfg
        .config
        .get("additional_special_tokens")
        .and_then(Value::as_array)
    {
        for t in listed.iter().filter_map(Value::as_str) {
            if !extras.iter().any(|e| e.content == t) {
                extras.push(AddedToken::special(t));
            }
        }
    }
    let unk = content(&named, "unk_token");
    let mut model = sentencepiece_model(m, &unk);
    if model["type"] == "Unigram" {
        model["unk_id"] = Value::from(3);
    }
    let eos = content(&named, "eos_token");
    let mut suffix = vec![sp(&eos, 0)];
    suffix.extend(src_lang.iter().map(|l| sp(l, 0)));
    let mut single = vec![seq("A", 0)];
    single.extend(suffix.iter().cloned());
    let mut pair = vec![seq("A", 0), seq("B", 0)];
    pair.extend(suffix);
    Ok(Parts::library_metaspace(
        m,
        model,
        vocab,
        precompiled(m).unwrap_or(Value::Null),
        named,
        extras,
        Post::Template { single, pair },
    ))
}
