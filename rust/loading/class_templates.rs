//! The post-processor transformers 5 gives a folder's tokenizer.json at load, by the class its config names.
//!
//! Model classes that set their template after the backend is built (T5Tokenizer, XLMRobertaTokenizer,
//! BertTokenizer, the translation classes with `src_lang`, ...) replace the file's template with their
//! own, built from the folder's special tokens; the other classes keep the file's template. (transformers
//! ignores tokenizer_config.json's `add_bos_token` / `add_eos_token` when there is a tokenizer.json.)
//! One table, `class_post`.

use super::class_pipelines::{BERT_CLASSES, ROBERTA_CLASSES};
use super::classes;
use super::legacy::LegacyConfig;
use super::named_tokens::named_content;
use super::sentencepiece::{cfg_bool, cfg_str, post_document, Item, Post};
use super::sentencepiece_classes::{
    bert_template, cls_sep_template, content, named, seq, sp, t5_template, xlnet_template,
};
use super::sentencepiece_fairseq::{
    fairseq_template, lang_prefix_template, lang_suffix_template, nllb_template,
};
use super::whisper;
use crate::added_tokens::AddedToken;
use crate::error::Result;
use crate::tokenizer::Tokenizer;

/// The template transformers builds at load for the configured class (`named`: its special tokens), or
/// None to keep the file's.
fn class_post(cfg: &LegacyConfig, named: &[(&str, Option<AddedToken>)]) -> Option<Post> {
    let class = cfg.class().trim_end_matches("Fast");
    let token = |key: &str| content(named, key);
    Some(match class {
        "T5Tokenizer" => t5_template(&token("eos_token")),
        // BioGPT: `</s> A`, `</s> A </s> B`, the second `</s>` and B of type 1.
        "BioGptTokenizer" => {
            let sep = token("sep_token");
            Post::Template {
                single: vec![sp(&sep, 0), seq("A", 0)],
                pair: vec![sp(&sep, 0), seq("A", 0), sp(&sep, 1), seq("B", 1)],
            }
        }
        // XLM and Flaubert: `<s> A </s>`, `<s> A </s> B </s>`, the second text (and its `</s>`) of type 1.
        "XLMTokenizer" | "FlaubertTokenizer" => {
            bert_template(&token("bos_token"), &token("sep_token"))
        }
        "XLMRobertaTokenizer" | "LayoutXLMTokenizer" | "CamembertTokenizer" => {
            fairseq_template(&token("bos_token"), &token("eos_token"))
        }
        "XLNetTokenizer" => xlnet_template(&token("sep_token"), &token("cls_token")),
        "DebertaV2Tokenizer"
        | "BigBirdTokenizer"
        | "RemBertTokenizer"
        | "LayoutLMv2Tokenizer"
        | "RoFormerTokenizer" => bert_template(&token("cls_token"), &token("sep_token")),
        c if BERT_CLASSES.contains(&c) => bert_template(&token("cls_token"), &token("sep_token")),
        // DeBERTa (v1): `[CLS] A [SEP] [SEP] B [SEP]`, all of type 0 (fairseq's shape).
        "DebertaTokenizer" => fairseq_template(&token("cls_token"), &token("sep_token")),
        // Funnel gives its cls token type id 2.
        "FunnelTokenizer" => cls_sep_template(&token("cls_token"), &token("sep_token"), 2, 1),
        "SplinterTokenizer" => splinter_template(cfg, &token("cls_token"), &token("sep_token")),
        // GPTNeoX rebuilds its bos / eos template after load, from its defaults (transformers drops the
        // config's add_bos_token / add_eos_token beside a tokenizer.json).
        "GPTNeoXTokenizer" => Post::BosEos {
            add_bos: false,
            add_eos: false,
        },
        "MBartTokenizer" => {
            lang_suffix_template(&token("eos_token"), &cfg_str(cfg, "src_lang", "en_XX"))
        }
        "MBart50Tokenizer" => {
            lang_prefix_template(&cfg_str(cfg, "src_lang", "en_XX"), &token("eos_token"))
        }
        "NllbTokenizer" => nllb_template(cfg, &token("eos_token")),
        // MarkupLM: `<s> A </s>`, `<s> A </s> B </s>`, all of type 0.
        "MarkupLMTokenizer" => cls_sep_template(&token("cls_token"), &token("sep_token"), 0, 0),
        // Nougat: `<s> A </s>`, pairs without special tokens.
        "NougatTokenizer" => {
            let (bos, eos) = (token("bos_token"), token("eos_token"));
            Post::Template {
                single: vec![sp(&bos, 0), seq("A", 0), sp(&eos, 0)],
                pair: vec![seq("A", 0), seq("B", 1)],
            }
        }
        // transformers drops the config's add_bos_token / add_eos_token when a folder has tokenizer.json;
        // CodeLlamaTokenizer then rebuilds bos / eos from its own defaults (bos on, eos off).
        "CodeLlamaTokenizer" => Post::BosEos {
            add_bos: true,
            add_eos: false,
        },
        _ => return None,
    })
}

/// Splinter's question token: the config's `question_token` (a string or an AddedToken dict), else
/// `[QUESTION]`.
fn splinter_question(cfg: &LegacyConfig) -> String {
    let token = cfg.config.get("question_token");
    token
        .and_then(|t| t.as_str().or_else(|| t.get("content")?.as_str()))
        .unwrap_or("[QUESTION]")
        .to_string()
}

/// Splinter's template: `[CLS] A [SEP]`, and for pairs `[QUESTION]` and `.` after the question,
/// which is the first sequence when padding on the right and the second otherwise (`padding_side`).
fn splinter_template(cfg: &LegacyConfig, cls: &str, sep: &str) -> Post {
    // transformers 5 takes a config's plain-string `question_token` away as a model-specific token before
    // the constructor runs (the token is still added), so the template names the default; an AddedToken
    // entry (a dict) reaches the constructor and is used. ferrotok gives the same ids.
    let question = match cfg.config.get("question_token") {
        Some(serde_json::Value::Object(o)) => o
            .get("content")
            .and_then(serde_json::Value::as_str)
            .unwrap_or("[QUESTION]"),
        _ => "[QUESTION]",
    };
    let pair = if cfg_str(cfg, "padding_side", "right") == "right" {
        vec![
            sp(cls, 0),
            seq("A", 0),
            sp(question, 0),
            sp(".", 0),
            sp(sep, 0),
            seq("B", 1),
            sp(sep, 1),
        ]
    } else {
        vec![
            sp(cls, 0),
            seq("A", 0),
            sp(sep, 0),
            seq("B", 1),
            sp(question, 0),
            sp(".", 0),
            sp(sep, 1),
        ]
    };
    Post::Template {
        single: vec![sp(cls, 0), seq("A", 0), sp(sep, 0)],
        pair,
    }
}

/// The RobertaProcessing the Roberta classes (`trim_offsets`, `add_prefix_space` from the config), MPNet and
/// CLIP (fixed) build after load, or None for other classes or a folder without cls / sep tokens.
fn roberta_post(
    tokenizer: &Tokenizer,
    cfg: &LegacyConfig,
    named: &[(&str, Option<AddedToken>)],
) -> Option<serde_json::Value> {
    let class = cfg.class().trim_end_matches("Fast");
    let (trim_offsets, add_prefix_space) = if ROBERTA_CLASSES.contains(&class) {
        (
            cfg_bool(cfg, "trim_offsets", true),
            cfg_bool(cfg, "add_prefix_space", false),
        )
    } else if class == "MPNetTokenizer" || class == "CLIPTokenizer" {
        (class == "MPNetTokenizer", false)
    } else if class == "LayoutLMv3Tokenizer" {
        // Its constructor trims offsets and takes `add_prefix_space` (on by default) from the config.
        (true, cfg_bool(cfg, "add_prefix_space", true))
    } else if class == "LukeTokenizer" {
        // Luke builds its RobertaProcessing with the processor's own defaults, whatever the config says.
        (true, true)
    } else {
        return None;
    };
    // CLIP puts its bos first and its eos last.
    let (cls, sep) = if class == "CLIPTokenizer" {
        (content(named, "bos_token"), content(named, "eos_token"))
    } else {
        (content(named, "cls_token"), content(named, "sep_token"))
    };
    if cls.is_empty() || sep.is_empty() {
        return None;
    }
    let unk = tokenizer.token_to_id(&content(named, "unk_token"));
    let id = |t: &str| tokenizer.token_to_id(t).or(unk);
    Some(serde_json::json!({
        "type": "RobertaProcessing",
        "sep": [sep, id(&sep)?],
        "cls": [cls, id(&cls)?],
        "trim_offsets": trim_offsets,
        "add_prefix_space": add_prefix_space,
    }))
}

/// Add the named special tokens that are not added tokens yet, in transformers' order (bos, eos, unk, sep,
/// pad, cls, mask), as its constructor does before the classes build their template over their ids.
fn add_named_tokens(tokenizer: &mut Tokenizer, named: &[(&str, Option<AddedToken>)]) -> Result<()> {
    let mut known: std::collections::HashSet<String> = tokenizer
        .added_vocabulary()
        .tokens()
        .map(|(_, t)| t.content.clone())
        .collect();
    let mut missing = Vec::new();
    for token in named.iter().filter_map(|(_, t)| t.as_ref()) {
        if !token.content.is_empty() && known.insert(token.content.clone()) {
            missing.push(AddedToken {
                special: true,
                ..token.clone()
            });
        }
    }
    if !missing.is_empty() {
        tokenizer.add_tokens(&missing)?;
    }
    Ok(())
}

/// Replace `tokenizer`'s post-processor with the one transformers builds at load for the folder's class
/// (`cfg`), where that class builds its own; the ids come from the loaded tokenizer (the unknown
/// token's for a token outside the vocabulary, as `convert_tokens_to_ids` gives).
pub fn apply(tokenizer: &mut Tokenizer, cfg: &LegacyConfig) -> Result<()> {
    apply_with(tokenizer, cfg, false)
}

/// `apply` for a folder built from vocab.json + merges.txt: there the config's `add_bos_token` /
/// `add_eos_token` count, and a class without a template of its own gets the bos / eos one
/// (transformers' `update_post_processor`, as its constructor leaves no post-processor).
pub fn apply_legacy(tokenizer: &mut Tokenizer, cfg: &LegacyConfig) -> Result<()> {
    apply_with(tokenizer, cfg, true)
}

fn apply_with(tokenizer: &mut Tokenizer, cfg: &LegacyConfig, legacy: bool) -> Result<()> {
    let class = cfg.class().trim_end_matches("Fast");
    let defaults = classes::lookup(class).unwrap_or(&classes::GENERIC).specials;
    let named = named(cfg, defaults, false);
    if super::class_pipelines::rebuilds(cfg) {
        add_named_tokens(tokenizer, &named)?;
    }
    if class == "ClvpTokenizer" {
        clvp_space(tokenizer);
    }
    if class == "SplinterTokenizer" {
        // Its constructor adds the question token (as a special token) when the folder does not have it.
        let question = splinter_question(cfg);
        if !tokenizer
            .added_vocabulary()
            .tokens()
            .any(|(_, t)| t.content == question)
        {
            tokenizer.add_tokens(&[AddedToken::special(&question)])?;
        }
    }
    if let Some(document) = roberta_post(tokenizer, cfg, &named) {
        return super::tokenizer_json::replace_post_processor(tokenizer, &document);
    }
    if class == "HerbertTokenizer" {
        // Its constructor sets BertProcessing with the ids 2 (sep) and 0 (cls) whatever the vocabulary says.
        let (cls, sep) = (content(&named, "cls_token"), content(&named, "sep_token"));
        let document =
            serde_json::json!({"type": "BertProcessing", "sep": [sep, 2], "cls": [cls, 0]});
        return super::tokenizer_json::replace_post_processor(tokenizer, &document);
    }
    let post = if class == "WhisperTokenizer" {
        let (unk, eos) = (content(&named, "unk_token"), content(&named, "eos_token"));
        whisper::template(tokenizer, cfg, &unk, &eos)?
    } else if legacy && class == "GPTNeoXTokenizer" {
        Some(Post::bos_eos(cfg))
    } else {
        class_post(cfg, &named)
    };
    let post = match post {
        Some(post) => post,
        // CodeGen's constructor sets a ByteLevel post-processor (offsets only): kept as none.
        None if legacy && class != "CodeGenTokenizer" && super::class_pipelines::rebuilds(cfg) => {
            Post::bos_eos(cfg)
        }
        None => return Ok(()),
    };
    // A class template naming a token the folder does not have (`cls_token: null`): keep the file's.
    if let Post::Template { single, pair } = &post {
        if single
            .iter()
            .chain(pair)
            .any(|it| matches!(it, Item::Special(t, _) if t.is_empty()))
        {
            return Ok(());
        }
    }
    let token_of = |key: &str| named_content(&named, key);
    let unk_id = token_of("unk_token").and_then(|u| tokenizer.token_to_id(&u));
    let id_of = |t: &str| tokenizer.token_to_id(t).or(unk_id);
    let document = post_document(post, &token_of, &id_of);
    super::tokenizer_json::replace_post_processor(tokenizer, &document)
}

/// transformers' ClvpTokenizer turns each `Ġ` piece of its BPE into `[SPACE]` when the vocabulary has
/// that token (CLVP's own vocabulary spells spaces so); the model reads `Ġ` as `[SPACE]`'s id.
fn clvp_space(tokenizer: &mut Tokenizer) {
    if let crate::models::Model::Bpe(bpe) = tokenizer.model() {
        let mut bpe = bpe.clone();
        if bpe.alias_symbol("\u{120}", "[SPACE]") {
            tokenizer.set_model(crate::models::Model::Bpe(bpe));
        }
    }
}
