//! Legacy SentencePiece folders: a `.model` file (spiece.model, sentencepiece.bpe.model, tokenizer.model…)
//! with a tokenizer_config.json naming the class. The model is read with `prost`
//! (`sentencepiece_proto`), and a class recipe (`sentencepiece_classes`) says how transformers 5 builds
//! that class's fast tokenizer from it. The result is a tokenizer.json document, loaded by the common path.
//!
//! This file holds what the recipes share: the pieces → model vocabularies, transformers' merge order
//! for BPE models, the special-token resolution (config over class defaults) and the id assignment of
//! added tokens, done exactly as `tokenizers`' added vocabulary does it.

use super::legacy::LegacyConfig;
use super::named_tokens::Named;
use super::sentencepiece_proto::{SpModel, BPE, CONTROL, NORMAL, USER_DEFINED};
use crate::added_tokens::AddedToken;
use crate::error::Result;
use base64::Engine;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The SentencePiece file names transformers' classes use, most common first.
pub const MODEL_FILES: [&str; 7] = [
    "spiece.model",
    "sentencepiece.bpe.model",
    "tokenizer.model",
    "spm.model",
    "sentencepiece.model",
    "source.spm",
    "spm_char.model",
];

/// The SentencePiece model file of a folder, if it has one.
pub fn find_model_file(dir: &Path) -> Option<PathBuf> {
    MODEL_FILES
        .iter()
        .map(|name| dir.join(name))
        .find(|p| p.is_file())
}

/// The named special tokens, in transformers' attribute order (the order they are added in).
pub const NAMED: [&str; 7] = [
    "bos_token",
    "eos_token",
    "unk_token",
    "sep_token",
    "pad_token",
    "cls_token",
    "mask_token",
];

/// A named special token as transformers resolves it: the config's value (a string keeps the class's
/// flags, an AddedToken dict brings its own, null removes it), else the class default.
pub fn named_token(
    cfg: &LegacyConfig,
    key: &str,
    default: Option<AddedToken>,
) -> Option<AddedToken> {
    match cfg.config.get(key) {
        Some(Value::String(s)) => Some(match default {
            Some(d) => AddedToken {
                content: s.clone(),
                ..d
            },
            None => AddedToken::special(s),
        }),
        Some(Value::Object(o)) => AddedToken::from_config_dict(o),
        Some(Value::Null) => None,
        _ => default,
    }
}

/// A config boolean, else `default`.
pub fn cfg_bool(cfg: &LegacyConfig, key: &str, default: bool) -> bool {
    cfg.config
        .get(key)
        .and_then(Value::as_bool)
        .unwrap_or(default)
}

/// A config string, else `default`.
pub fn cfg_str(cfg: &LegacyConfig, key: &str, default: &str) -> String {
    cfg.config
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or(default)
        .to_string()
}

/// The control and user-defined pieces, which transformers' SentencePiece extractor passes on as
/// additional special tokens (control pieces special, user-defined ones not), in id order.
pub fn extractor_extras(m: &SpModel) -> Vec<AddedToken> {
    m.pieces
        .iter()
        .filter(|(_, _, t)| *t == CONTROL || *t == USER_DEFINED)
        .map(|(p, _, t)| AddedToken {
            special: *t == CONTROL,
            ..AddedToken::special(p)
        })
        .collect()
}

/// One element of a post-processing template: `$A`/`$B` or a special token, with its type id.
#[derive(Debug, Clone)]
pub enum Item {
    Seq(&'static str, u32),
    Special(String, u32),
}

/// How a recipe post-processes: a fixed template, or transformers' `update_post_processor`
/// (bos / eos around each sequence, as `add_bos_token` / `add_eos_token` say).
#[derive(Debug, Clone)]
pub enum Post {
    Template { single: Vec<Item>, pair: Vec<Item> },
    BosEos { add_bos: bool, add_eos: bool },
}

impl Post {
    /// `BosEos` as the config's `add_bos_token` / `add_eos_token` say (both off when absent).
    pub fn bos_eos(cfg: &LegacyConfig) -> Post {
        Post::BosEos {
            add_bos: cfg_bool(cfg, "add_bos_token", false),
            add_eos: cfg_bool(cfg, "add_eos_token", false),
        }
    }
}

/// What a class recipe builds; `finish` turns it into the tokenizer.json document.
pub struct Parts {
    /// The model document without its vocabulary; `vocab` is filled in by `finish`.
    pub model: Value,
    /// Model vocabulary in id order, with scores (Unigram) or not (BPE: scores ignored).
    pub vocab: Vec<(String, f64)>,
    pub normalizer: Value,
    pub pre_tokenizer: Value,
    pub decoder: Value,
    /// Named special tokens (bos, eos, unk, sep, pad, cls, mask) after config resolution.
    pub named: Named,
    pub extras: Vec<AddedToken>,
    pub post: Post,
}

/// The pieces as (piece, score), in id order.
pub fn pieces(m: &SpModel) -> Vec<(String, f64)> {
    m.pieces
        .iter()
        .map(|(p, s, _)| (p.clone(), f64::from(*s)))
        .collect()
}

/// transformers' `generate_merges(vocab)`: for every piece, each split into two pieces of the vocabulary
/// (pairs of one piece ordered by the ids of their halves), then all pairs ordered by the merged piece's
/// id and the halves' lengths (a stable sort, as Python's).
pub fn merges_by_id(vocab: &[(String, f64)]) -> Vec<(String, String)> {
    let ids: HashMap<&str, usize> = vocab
        .iter()
        .enumerate()
        .map(|(i, (p, _))| (p.as_str(), i))
        .collect();
    // A piece that appears twice keeps its last id, as a Python dict built in order does.
    let mut out: Vec<(usize, usize, usize, String, String)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (piece, _) in vocab {
        if !seen.insert(piece.as_str()) {
            continue;
        }
        let id = ids[piece.as_str()];
        let mut local = Vec::new();
        for (split, _) in piece.char_indices().skip(1) {
            let (l, r) = piece.split_at(split);
            if let (Some(&li), Some(&ri)) = (ids.get(l), ids.get(r)) {
                local.push((li, ri, l, r));
            }
        }
        local.sort_by_key(|&(li, ri, _, _)| (li, ri));
        for (_, _, l, r) in local {
            out.push((id, l.chars().count(), r.chars().count(), l.into(), r.into()));
        }
    }
    out.sort_by_key(|&(id, ll, rl, _, _)| (id, ll, rl));
    out.into_iter().map(|(_, _, _, l, r)| (l, r)).collect()
}

/// `build_tokenizer_from_spm_proto`'s merges: splits of normal pieces into two normal pieces, ordered by
/// the merged piece's score (highest first), then its id.
pub fn merges_by_score(m: &SpModel) -> Vec<(String, String)> {
    let normal: HashMap<&str, (f32, usize)> = m
        .pieces
        .iter()
        .enumerate()
        .filter(|(_, (_, _, t))| *t == NORMAL)
        .map(|(i, (p, s, _))| (p.as_str(), (*s, i)))
        .collect();
    let mut ranked: Vec<(f32, usize, &str, &str)> = Vec::new();
    for (i, (piece, score, t)) in m.pieces.iter().enumerate() {
        if *t != NORMAL || normal.get(piece.as_str()).map(|x| x.1) != Some(i) {
            continue;
        }
        for (split, _) in piece.char_indices().skip(1) {
            let (l, r) = piece.split_at(split);
            if normal.contains_key(l) && normal.contains_key(r) {
                ranked.push((-score, i, l, r));
            }
        }
    }
    ranked.sort_by(|a, b| {
        a.0.total_cmp(&b.0)
            .then(a.1.cmp(&b.1))
            .then(a.2.cmp(b.2))
            .then(a.3.cmp(b.3))
    });
    ranked
        .into_iter()
        .map(|(_, _, l, r)| (l.to_string(), r.to_string()))
        .collect()
}

pub fn is_bpe(m: &SpModel) -> bool {
    m.model_type == BPE
}

/// The Precompiled normalizer of the model's charsmap, or None when it has none.
pub fn precompiled(m: &SpModel) -> Option<Value> {
    (!m.precompiled_charsmap.is_empty()).then(|| {
        json!({
            "type": "Precompiled",
            "precompiled_charsmap":
                base64::engine::general_purpose::STANDARD.encode(&m.precompiled_charsmap),
        })
    })
}

pub fn metaspace(kind: &str, prepend_scheme: &str, split: bool) -> Value {
    json!({"type": kind, "replacement": "▁", "prepend_scheme": prepend_scheme, "split": split})
}

pub fn replace_regex(pattern: &str, content: &str) -> Value {
    json!({"type": "Replace", "pattern": {"Regex": pattern}, "content": content})
}

pub fn replace_string(pattern: &str, content: &str) -> Value {
    json!({"type": "Replace", "pattern": {"String": pattern}, "content": content})
}

pub fn sequence(kind: &str, key: &str, items: Vec<Value>) -> Value {
    json!({"type": kind, key: items})
}

/// Unigram model document (vocabulary filled by `finish`).
pub fn unigram(unk_id: i64, byte_fallback: bool) -> Value {
    json!({"type": "Unigram", "unk_id": unk_id, "byte_fallback": byte_fallback})
}

/// BPE model document (vocabulary filled by `finish`).
pub fn bpe(
    merges: Vec<(String, String)>,
    unk_token: Option<&str>,
    byte_fallback: bool,
    ignore_merges: bool,
) -> Value {
    let merges: Vec<Value> = merges.into_iter().map(|(l, r)| json!([l, r])).collect();
    json!({
        "type": "BPE",
        "dropout": null,
        "unk_token": unk_token,
        "continuing_subword_prefix": null,
        "end_of_word_suffix": null,
        "fuse_unk": true,
        "byte_fallback": byte_fallback,
        "ignore_merges": ignore_merges,
        "merges": merges,
    })
}

/// Assemble the document: model vocabulary, added tokens with the ids `tokenizers` gives them (the
/// config's `added_tokens_decoder` first, then the named special tokens in attribute order, then the
/// extra ones), and the post-processor with those ids.
/// The special tokens a folder's tokenizer reports: the named ones (`NAMED` order) and the extra ones.
#[derive(Debug, Clone, Default)]
pub struct SpecialTokens {
    pub named: Vec<(&'static str, Option<String>)>,
    pub extra: Vec<String>,
}

impl SpecialTokens {
    /// The names of resolved named tokens (in their order) and of extra special tokens.
    pub fn new(named: &[(&'static str, Option<AddedToken>)], extra: Vec<String>) -> Self {
        let named = named
            .iter()
            .map(|(k, t)| (*k, t.as_ref().map(|t| t.content.clone())))
            .collect();
        SpecialTokens { named, extra }
    }
}

pub fn finish(parts: Parts, cfg: &LegacyConfig) -> Result<(Value, SpecialTokens)> {
    let Parts {
        mut model,
        vocab,
        normalizer,
        pre_tokenizer,
        decoder,
        named,
        extras,
        post,
    } = parts;
    let mut model_ids: HashMap<&str, u32> = HashMap::new();
    for (i, (p, _)) in vocab.iter().enumerate() {
        model_ids.insert(p.as_str(), i as u32);
    }
    let vocab_size = vocab.len() as u32;
    let mut added: Vec<(u32, AddedToken)> = Vec::new();
    for t in config_added_tokens(cfg) {
        add_token(&mut added, &model_ids, vocab_size, t, true);
    }
    let mut named_map: HashMap<&str, String> = HashMap::new();
    // A named or extra token already added keeps its flags (transformers skips it).
    for (key, tok) in &named {
        if let Some(t) = tok {
            named_map.insert(key, t.content.clone());
            add_token(&mut added, &model_ids, vocab_size, t.clone(), false);
        }
    }
    let specials = SpecialTokens::new(&named, extras.iter().map(|t| t.content.clone()).collect());
    for t in extras {
        add_token(&mut added, &model_ids, vocab_size, t, false);
    }
    let known = |content: &str| -> Option<u32> {
        added
            .iter()
            .find(|(_, t)| t.content == content)
            .map(|(id, _)| *id)
            .or_else(|| model_ids.get(content).copied())
    };
    // A template token outside the vocabulary gets the unknown token's id, as transformers'
    // `convert_tokens_to_ids` gives it (NLLB's language code on a plain SentencePiece model).
    let unk_id = named_map
        .get("unk_token")
        .and_then(|u| known(u))
        .or_else(|| model["unk_id"].as_u64().map(|i| i as u32));
    let id_of = |content: &str| known(content).or(unk_id);
    let post_processor = post_document(post, &|key| named_map.get(key).cloned(), &id_of);
    let vocab_json: Value = if model["type"] == "Unigram" {
        vocab.iter().map(|(p, s)| json!([p, s])).collect()
    } else {
        let mut m = Map::new();
        for (i, (p, _)) in vocab.iter().enumerate() {
            m.insert(p.clone(), json!(i));
        }
        Value::Object(m)
    };
    model["vocab"] = vocab_json;
    added.sort_by_key(|(id, _)| *id);
    let added_json: Vec<Value> = added.iter().map(|(id, t)| t.to_json(*id)).collect();
    let doc = json!({
        "version": "1.0",
        "truncation": null,
        "padding": null,
        "added_tokens": added_json,
        "normalizer": normalizer,
        "pre_tokenizer": pre_tokenizer,
        "post_processor": post_processor,
        "decoder": decoder,
        "model": model,
    });
    Ok((doc, specials))
}

/// The TemplateProcessing document of `post`: `token_of` gives a named special token's content
/// (`bos_token`, `eos_token`), `id_of` a token's id.
pub fn post_document(
    post: Post,
    token_of: &dyn Fn(&str) -> Option<String>,
    id_of: &dyn Fn(&str) -> Option<u32>,
) -> Value {
    let (single, pair) = match post {
        Post::Template { single, pair } => (single, pair),
        Post::BosEos { add_bos, add_eos } => {
            let bos = token_of("bos_token").filter(|_| add_bos);
            let eos = token_of("eos_token").filter(|_| add_eos);
            let mut single = Vec::new();
            let mut pair = Vec::new();
            for (seq, type_id, out) in [("A", 0, &mut single), ("B", 1, &mut pair)] {
                if let Some(b) = &bos {
                    out.push(Item::Special(b.clone(), type_id));
                }
                out.push(Item::Seq(seq, type_id));
                if let Some(e) = &eos {
                    out.push(Item::Special(e.clone(), type_id));
                }
            }
            let pair = single.iter().cloned().chain(pair).collect();
            (single, pair)
        }
    };
    template(&single, &pair, id_of)
}

/// `tokenizers`' AddedVocabulary rule: a token of the model keeps its id, a new one gets the next id
/// after the vocabulary and the added tokens so far. A token already added is updated (`replace`) or kept.
fn add_token(
    added: &mut Vec<(u32, AddedToken)>,
    model_ids: &HashMap<&str, u32>,
    vocab_size: u32,
    t: AddedToken,
    replace: bool,
) {
    if t.content.is_empty() {
        return;
    }
    if let Some(slot) = added.iter_mut().find(|(_, a)| a.content == t.content) {
        if replace {
            slot.1 = t;
        }
        return;
    }
    let id = match model_ids.get(t.content.as_str()) {
        Some(&id) => id,
        None => match added.iter().map(|(id, _)| *id).max() {
            Some(m) if m >= vocab_size || vocab_size == 0 => m + 1,
            _ => vocab_size,
        },
    };
    added.push((id, t));
}

/// tokenizer_config.json's `added_tokens_decoder`, in id order.
fn config_added_tokens(cfg: &LegacyConfig) -> Vec<AddedToken> {
    let Some(Value::Object(dec)) = cfg.config.get("added_tokens_decoder") else {
        return Vec::new();
    };
    let mut entries: Vec<(u64, AddedToken)> = dec
        .iter()
        .filter_map(|(k, v)| {
            let id = k.parse::<u64>().ok()?;
            let t = AddedToken::from_config_dict(v.as_object()?)?;
            Some((id, t))
        })
        .collect();
    entries.sort_by_key(|(id, _)| *id);
    entries.into_iter().map(|(_, t)| t).collect()
}

/// A TemplateProcessing document; a special token without an id is left out of `special_tokens`
/// (the loader then names it).
fn template(single: &[Item], pair: &[Item], id_of: &dyn Fn(&str) -> Option<u32>) -> Value {
    let conv = |items: &[Item]| -> Vec<Value> {
        items
            .iter()
            .map(|it| match it {
                Item::Seq(s, t) => json!({"Sequence": {"id": s, "type_id": t}}),
                Item::Special(s, t) => json!({"SpecialToken": {"id": s, "type_id": t}}),
            })
            .collect()
    };
    let mut specials = Map::new();
    for it in single.iter().chain(pair) {
        if let Item::Special(s, _) = it {
            if let Some(id) = id_of(s) {
                specials.insert(s.clone(), json!({"id": s, "ids": [id], "tokens": [s]}));
            }
        }
    }
    json!({
        "type": "TemplateProcessing",
        "single": conv(single),
        "pair": conv(pair),
        "special_tokens": specials,
    })
}
