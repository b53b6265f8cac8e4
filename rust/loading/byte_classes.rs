//! Byte- and character-level classes that transformers 5 builds in Python from tokenizer_config.json
//! alone (no vocabulary file): ByT5, Perceiver and Dia (UTF-8 bytes after their special ids), CANINE
//! (code points). Each becomes a `Codes` model with the class's special tokens, template and decoder, so
//! encode, batches, padding, truncation, offsets and decode run as for any other model.

use super::legacy::LegacyConfig;
use super::named_tokens::named_tokens;
use super::sentencepiece::{post_document, Post, SpecialTokens};
use super::sentencepiece_classes::{bert_template, cls_sep_template, seq, t5_template};
use super::vocab_file::tokenizer_document;
use crate::added_tokens::AddedToken;
use crate::error::{Error, Result};
use crate::models::codes::{Codes, Unit};
use serde_json::{json, Map, Value};

/// The classes built here (without a trailing `Fast`).
pub const CLASSES: [&str; 5] = [
    "ByT5Tokenizer",
    "MyT5Tokenizer",
    "PerceiverTokenizer",
    "CanineTokenizer",
    "DiaTokenizer",
];

/// CANINE's private-use code points that transformers names when it turns an id into a token and no
/// added token has that id (`[CLS]`, `[SEP]`, `[MASK]` and `[PAD]` are added tokens by default).
const CANINE_NAMES: [(&str, u32); 2] = [("[BOS]", 0xE002), ("[RESERVED]", 0xE004)];

/// How one class builds its tokens.
struct Recipe {
    unit: Unit,
    /// Named tokens with the ids below the first unit, in id order (ByT5: pad, eos, unk).
    reserved: &'static [&'static str],
    /// Class defaults: (attribute, content, lstrip, rstrip); the reserved ones first.
    defaults: &'static [(&'static str, &'static str, bool, bool)],
    /// Non-special tokens the class adds after the reserved ones (Dia's speaker tags).
    tags: &'static [&'static str],
    decoder: Value,
}

fn recipe(class: &str) -> Option<Recipe> {
    Some(match class {
        // MyT5: ByT5's tokens, its bytes spelled in hex and rewritten (`myt5`).
        "ByT5Tokenizer" | "MyT5Tokenizer" => Recipe {
            unit: Unit::Byte,
            reserved: &["pad_token", "eos_token", "unk_token"],
            // ByT5 strips the spaces around them "for backward compatibility".
            defaults: &[
                ("pad_token", "<pad>", true, true),
                ("eos_token", "</s>", true, true),
                ("unk_token", "<unk>", true, true),
            ],
            tags: &[],
            decoder: json!({"type": "ByteChars", "errors": "ignore"}),
        },
        "PerceiverTokenizer" => Recipe {
            unit: Unit::Byte,
            reserved: &[
                "pad_token",
                "bos_token",
                "eos_token",
                "mask_token",
                "cls_token",
                "sep_token",
            ],
            defaults: &[
                ("pad_token", "[PAD]", false, false),
                ("bos_token", "[BOS]", false, false),
                ("eos_token", "[EOS]", false, false),
                ("mask_token", "[MASK]", false, false),
                ("cls_token", "[CLS]", false, false),
                ("sep_token", "[SEP]", false, false),
            ],
            tags: &[],
            decoder: json!({"type": "ByteChars", "errors": "replace"}),
        },
        "CanineTokenizer" => Recipe {
            unit: Unit::Char,
            reserved: &[],
            defaults: &[
                ("bos_token", "\u{E000}", false, false),
                ("eos_token", "\u{E001}", false, false),
                ("sep_token", "\u{E001}", false, false),
                ("cls_token", "\u{E000}", false, false),
                ("pad_token", "\0", false, false),
                // The class asks for `lstrip` on its mask token, but transformers 5.24 registers the
                // code point without it (the space before stays a token).
                ("mask_token", "\u{E003}", false, false),
            ],
            tags: &[],
            decoder: json!({"type": "Fuse"}),
        },
        // Dia's decode concatenates the byte chars without reading them as UTF-8 (transformers 5.24).
        "DiaTokenizer" => Recipe {
            unit: Unit::Byte,
            reserved: &["pad_token"],
            defaults: &[
                ("pad_token", "<pad>", false, false),
                ("unk_token", "<pad>", false, false),
            ],
            tags: &["[S1]", "[S2]"],
            decoder: json!({"type": "Fuse"}),
        },
        _ => return None,
    })
}

/// Whether `class` (a trailing `Fast` ignored) is built here.
pub fn handles(class: &str) -> bool {
    CLASSES.contains(&class.trim_end_matches("Fast"))
}

/// ByT5 and MyT5: `extra_ids` sentinels and `</s>` once after the text.
fn t5_like(class: &str) -> bool {
    matches!(class, "ByT5Tokenizer" | "MyT5Tokenizer")
}

fn cfg_u32(cfg: &LegacyConfig, key: &str, default: u32) -> Result<u32> {
    match cfg.config.get(key) {
        None | Some(Value::Null) => Ok(default),
        Some(v) => v
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .ok_or_else(|| {
                Error::config(
                    "",
                    format!("tokenizer_config.json: {key}"),
                    format!("expected a non-negative integer, got {v}"),
                )
            }),
    }
}

/// The config's extra special tokens (`extra_special_tokens` or `additional_special_tokens`).
fn config_extras(cfg: &LegacyConfig) -> Option<Vec<AddedToken>> {
    let list = ["extra_special_tokens", "additional_special_tokens"]
        .iter()
        .find_map(|k| cfg.config.get(*k)?.as_array())?;
    let tokens: Vec<AddedToken> = list
        .iter()
        .filter_map(|v| match v {
            Value::String(s) => Some(AddedToken::special(s)),
            Value::Object(o) => AddedToken::from_config_dict(o),
            _ => None,
        })
        .collect();
    Some(tokens).filter(|t| !t.is_empty())
}

/// The tokenizer.json document and special tokens of `class` as transformers builds it from `cfg`.
pub fn document(class: &str, cfg: &LegacyConfig) -> Result<(Value, SpecialTokens)> {
    let class = class.trim_end_matches("Fast");
    let r = recipe(class).ok_or_else(|| Error::Unsupported {
        file: String::new(),
        field: "tokenizer_config.json: tokenizer_class".into(),
        kind: "byte- or character-level tokenizer class",
        name: class.to_string(),
    })?;
    let named = named_tokens(cfg, |key| {
        let d = r.defaults.iter().find(|d| d.0 == key)?;
        Some(AddedToken {
            lstrip: d.2,
            rstrip: d.3,
            ..AddedToken::special(d.1)
        })
    });
    let token = |key: &str| {
        named
            .iter()
            .find(|(k, _)| *k == key)
            .and_then(|(_, t)| t.clone())
    };
    let content = |key: &str| token(key).map(|t| t.content).unwrap_or_default();

    // The reserved ids are named after the class's tokens; Dia's tags follow its pad token.
    let mut names: Vec<(String, u32)> = Vec::new();
    for (i, key) in r.reserved.iter().enumerate() {
        names.push((content(key), i as u32));
    }
    for tag in r.tags {
        names.push((tag.to_string(), names.len() as u32));
    }
    let offset = match class {
        "DiaTokenizer" => cfg_u32(cfg, "offset", 0)?,
        _ => r.reserved.len() as u32,
    };
    // A name given twice (one content for two reserved ids) keeps its first id, as transformers'
    // encoder keeps the first; the later id still decodes to it.
    let mut unique: Vec<(&str, u32)> = Vec::new();
    for (n, id) in &names {
        if !n.is_empty() && !unique.iter().any(|(u, _)| u == n) {
            unique.push((n.as_str(), *id));
        }
    }
    let mut model = Codes::new(r.unit, offset, &unique)?;
    let aliases: &[(&str, u32)] = if class == "CanineTokenizer" {
        &CANINE_NAMES
    } else {
        &[]
    };
    model.set_aliases(aliases);

    // Added tokens in the order transformers adds them: the reserved ones, the tags, the config's
    // `added_tokens_decoder`, the named ones, the extra ones (ByT5: `extra_ids` sentinels by default).
    let mut order: Vec<AddedToken> = Vec::new();
    for key in r.reserved {
        order.extend(token(key));
    }
    order.extend(r.tags.iter().map(|t| AddedToken::new(t, false)));
    order.extend(config_added(cfg));
    for (_, t) in &named {
        order.extend(t.clone());
    }
    let extras = match config_extras(cfg) {
        Some(list) => list,
        None if t5_like(class) => (0..cfg_u32(cfg, "extra_ids", 125)?)
            .map(|i| AddedToken::special(&format!("<extra_id_{i}>")))
            .collect(),
        None => Vec::new(),
    };
    let extra_names: Vec<String> = extras.iter().map(|t| t.content.clone()).collect();
    order.extend(extras);
    let added = assign_ids(&model, order);

    let post = match class {
        "ByT5Tokenizer" | "MyT5Tokenizer" => t5_template(&content("eos_token")),
        "PerceiverTokenizer" => bert_template(&content("cls_token"), &content("sep_token")),
        "CanineTokenizer" => cls_sep_template(&content("cls_token"), &content("sep_token"), 0, 0),
        // Dia: nothing around the text, and a pair's type ids all 0.
        _ => Post::Template {
            single: vec![seq("A", 0)],
            pair: vec![seq("A", 0), seq("B", 0)],
        },
    };
    let id_of = |c: &str| {
        added
            .iter()
            .find(|(_, t)| t.content == c)
            .map(|(id, _)| *id)
            .or_else(|| model.token_to_id(c))
    };
    let mut post_processor = post_document(post, &|key| Some(content(key)), &id_of);
    if let (true, Some(o)) = (t5_like(class), post_processor.as_object_mut()) {
        // No `</s>` after a text that already ends with one, as transformers' ByT5 does.
        o.insert("once".into(), json!(true));
    }
    let as_map = |pairs: &[(&str, u32)]| -> Map<String, Value> {
        pairs
            .iter()
            .map(|(n, id)| (n.to_string(), json!(id)))
            .collect()
    };
    let doc = tokenizer_document(
        &added,
        json!({
            "normalizer": null,
            "pre_tokenizer": null,
            "post_processor": post_processor,
            "decoder": r.decoder,
            "model": {
                "type": "Codes",
                "unit": if r.unit == Unit::Byte { "byte" } else { "char" },
                "offset": offset,
                "names": as_map(&unique),
                "aliases": as_map(aliases),
            },
        }),
    );
    let specials = SpecialTokens::new(&named, extra_names);
    Ok((doc, specials))
}

/// tokenizer_config.json's `added_tokens_decoder` in id order; the ids follow from the order (as
/// transformers and tokenizers give them), so only the tokens and their flags are read.
fn config_added(cfg: &LegacyConfig) -> Vec<AddedToken> {
    config_added_ids(cfg).into_iter().map(|(_, t)| t).collect()
}

/// tokenizer_config.json's `added_tokens_decoder` in id order, with the ids it names.
pub(super) fn config_added_ids(cfg: &LegacyConfig) -> Vec<(u64, AddedToken)> {
    let Some(Value::Object(dec)) = cfg.config.get("added_tokens_decoder") else {
        return Vec::new();
    };
    let mut entries: Vec<(u64, AddedToken)> = dec
        .iter()
        .filter_map(|(k, v)| {
            Some((
                k.parse().ok()?,
                AddedToken::from_config_dict(v.as_object()?)?,
            ))
        })
        .collect();
    entries.sort_by_key(|(id, _)| *id);
    entries
}

/// The ids tokenizers gives added tokens on load (see `AddedVocabulary::add`): the model's id for a
/// token it knows, else the next one after the vocabulary and the tokens so far. A token seen again
/// keeps its first id and flags, as transformers skips a token it already has.
fn assign_ids(model: &Codes, tokens: Vec<AddedToken>) -> Vec<(u32, AddedToken)> {
    let vocab_size = model.vocab_size() as u32;
    let mut added: Vec<(u32, AddedToken)> = Vec::new();
    for t in tokens {
        if t.content.is_empty() || added.iter().any(|(_, a)| a.content == t.content) {
            continue;
        }
        let id = model.token_to_id(&t.content).unwrap_or_else(|| {
            match added.iter().map(|(id, _)| *id).max() {
                Some(m) if m >= vocab_size => m + 1,
                _ => vocab_size,
            }
        });
        added.push((id, t));
    }
    added.sort_by_key(|(id, _)| *id);
    added
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokenizer::Tokenizer;

    fn load(class: &str, extra: Value) -> Tokenizer {
        let mut config = json!({"tokenizer_class": class});
        if let (Value::Object(c), Value::Object(e)) = (&mut config, extra) {
            c.extend(e);
        }
        let Value::Object(config) = config else {
            unreachable!()
        };
        let (doc, _) = document(class, &LegacyConfig { config }).unwrap();
        super::super::tokenizer_json::from_value(doc, "<test>").unwrap()
    }

    fn ids(t: &Tokenizer, text: &str) -> Vec<u32> {
        let opts = crate::tokenizer::test_options();
        let input = crate::tokenizer::InputSequence::Raw(text);
        t.encode(input, None, &opts).unwrap().ids
    }

    #[test]
    fn byt5_bytes_sentinels_and_eos() {
        let t = load("ByT5Tokenizer", json!({}));
        assert_eq!(ids(&t, "hé"), [107, 198, 172, 1]);
        assert_eq!(ids(&t, "a </s> b<extra_id_0>"), [100, 1, 101, 259, 1]);
        // A text that already ends with `</s>` gets no second one (the spaces it strips included).
        assert_eq!(ids(&t, "a </s> "), [100, 1]);
        assert_eq!(ids(&t, "</s>"), [1]);
        assert_eq!(t.token_to_id("<extra_id_124>"), Some(383));
        assert_eq!(t.decode(&[107, 198, 172, 200, 1], false).unwrap(), "hé</s>");
        let t = load("ByT5Tokenizer", json!({"extra_ids": 0}));
        assert_eq!(t.token_to_id("<extra_id_0>"), None);
    }

    #[test]
    fn perceiver_canine_dia() {
        let t = load("PerceiverTokenizer", json!({}));
        assert_eq!(ids(&t, "a[MASK]"), [4, 103, 3, 5]);
        let t = load("CanineTokenizer", json!({}));
        assert_eq!(ids(&t, "a😀"), [0xE000, 97, 0x1F600, 0xE001]);
        assert_eq!(t.decode(&[97, 0xE002], false).unwrap(), "a[BOS]");
        let t = load("DiaTokenizer", json!({}));
        assert_eq!(ids(&t, "[S1] é"), [1, 32, 0xC3, 0xA9]);
        let empty = LegacyConfig { config: Map::new() };
        assert!(document("NoSuchTokenizer", &empty).is_err());
    }
}
