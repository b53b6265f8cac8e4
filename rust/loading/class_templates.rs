//! The post-processor transformers 5 gives a folder's tokenizer.json at load, by the class its config names.
//!
//! Model classes that set their template after the backend is built (T5Tokenizer, XLMRobertaTokenizer,
//! BertTokenizer, the translation classes with `src_lang`, ...) replace the file's template with their
//! own, built from the folder's special tokens; the other classes keep the file's template. (transformers
//! ignores tokenizer_config.json's `add_bos_token` / `add_eos_token` when there is a tokenizer.json.)
//! One table, `class_post`.

use super::classes;
use super::legacy::LegacyConfig;
use super::sentencepiece::{cfg_str, post_document, Item, Post};
use super::sentencepiece_classes::{bert_template, content, named, t5_template, xlnet_template};
use super::sentencepiece_fairseq::{
    fairseq_template, lang_prefix_template, lang_suffix_template, nllb_template,
};
use crate::added_tokens::AddedToken;
use crate::error::Result;
use crate::tokenizer::Tokenizer;

/// BertTokenizer and the classes that are BertTokenizer in transformers 5 (aliases and subclasses).
const BERT_CLASSES: [&str; 11] = [
    "BertTokenizer",
    "ConvBertTokenizer",
    "DistilBertTokenizer",
    "DPRContextEncoderTokenizer",
    "DPRQuestionEncoderTokenizer",
    "DPRReaderTokenizer",
    "ElectraTokenizer",
    "LayoutLMTokenizer",
    "LxmertTokenizer",
    "MobileBertTokenizer",
    "SqueezeBertTokenizer",
];

/// The template transformers builds at load for the configured class (`named`: its special tokens), or
/// None to keep the file's.
fn class_post(cfg: &LegacyConfig, named: &[(&str, Option<AddedToken>)]) -> Option<Post> {
    let class = cfg.class().trim_end_matches("Fast");
    let token = |key: &str| content(named, key);
    Some(match class {
        "T5Tokenizer" => t5_template(&token("eos_token")),
        "XLMRobertaTokenizer" | "LayoutXLMTokenizer" | "CamembertTokenizer" => {
            fairseq_template(&token("bos_token"), &token("eos_token"))
        }
        "XLNetTokenizer" => xlnet_template(&token("sep_token"), &token("cls_token")),
        "DebertaV2Tokenizer" | "BigBirdTokenizer" | "RemBertTokenizer" => {
            bert_template(&token("cls_token"), &token("sep_token"))
        }
        c if BERT_CLASSES.contains(&c) => bert_template(&token("cls_token"), &token("sep_token")),
        "MBartTokenizer" => {
            lang_suffix_template(&token("eos_token"), &cfg_str(cfg, "src_lang", "en_XX"))
        }
        "MBart50Tokenizer" => {
            lang_prefix_template(&cfg_str(cfg, "src_lang", "en_XX"), &token("eos_token"))
        }
        "NllbTokenizer" => nllb_template(cfg, &token("eos_token")),
        // transformers drops the config's add_bos_token / add_eos_token when a folder has tokenizer.json;
        // CodeLlamaTokenizer then rebuilds bos / eos from its own defaults (bos on, eos off).
        "CodeLlamaTokenizer" => Post::BosEos {
            add_bos: true,
            add_eos: false,
        },
        _ => return None,
    })
}

/// Replace `tokenizer`'s post-processor with the one transformers builds at load for the folder's class
/// (`cfg`), where that class builds its own; the ids come from the loaded tokenizer (the unknown
/// token's for a token outside the vocabulary, as `convert_tokens_to_ids` gives).
pub fn apply(tokenizer: &mut Tokenizer, cfg: &LegacyConfig) -> Result<()> {
    let class = cfg.class().trim_end_matches("Fast");
    let defaults = classes::lookup(class).unwrap_or(&classes::GENERIC).specials;
    let named = named(cfg, defaults, false);
    let Some(post) = class_post(cfg, &named) else {
        return Ok(());
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
    let token_of = |key: &str| {
        named
            .iter()
            .find(|(k, _)| *k == key)
            .and_then(|(_, t)| t.as_ref())
            .map(|t| t.content.clone())
    };
    let unk_id = token_of("unk_token").and_then(|u| tokenizer.token_to_id(&u));
    let id_of = |t: &str| tokenizer.token_to_id(t).or(unk_id);
    let document = post_document(post, &token_of, &id_of);
    super::tokenizer_json::replace_post_processor(tokenizer, &document)
}
