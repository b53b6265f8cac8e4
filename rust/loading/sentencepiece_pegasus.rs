//! Recipes for the T5-era classes with their own vocabulary layout or template: Pegasus puts pad, eos,
//! its two mask tokens and `<unk_2>` … `<unk_{offset-1}>` before the model's pieces (its pieces shift by
//! `offset`); UDOP, VideoPrism and LASR are T5 variants (ids, unk id, template).

use super::legacy::LegacyConfig;
use super::sentencepiece::{metaspace, pieces, precompiled, replace_regex, sequence, unigram};
use super::sentencepiece::{Parts, Post};
use super::sentencepiece_classes::{content, named, seq, sp, t5, t5_template, Defaults};
use super::sentencepiece_proto::SpModel;
use crate::added_tokens::AddedToken;
use crate::error::{Error, Result};
use serde_json::Value;

/// Pegasus's default offset: ids 0 … 102 are pad, eos, the masks and the `<unk_n>` placeholders.
const PEGASUS_OFFSET: u64 = 103;

/// A config entry as transformers' `str()` spells it: a string, an AddedToken's content, or None
/// when null.
fn cfg_token(cfg: &LegacyConfig, key: &str, default: &str) -> Option<String> {
    match cfg.config.get(key) {
        None => Some(default.to_string()),
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Object(o)) => o.get("content").and_then(Value::as_str).map(str::to_string),
        Some(_) => None,
    }
}

/// PegasusTokenizer: the vocabulary of transformers' `PegasusConverter.convert_from_spm` (whose mask
/// defaults are the other way round from the class's: `mask_token` `<mask_1>` comes first), the class's
/// normalizer and `A </s>` / `A B </s>` template.
pub(super) fn pegasus(m: &SpModel, cfg: &LegacyConfig, d: Defaults) -> Result<Parts> {
    let offset = match cfg.config.get("offset") {
        None => PEGASUS_OFFSET,
        Some(v) => v.as_u64().filter(|&o| o >= 2).ok_or_else(|| {
            Error::config(
                "",
                "tokenizer_config.json: offset",
                format!("expected an integer of at least 2, got {v}"),
            )
        })?,
    };
    let named = named(cfg, d, false);
    let mut vocab: Vec<(String, f64)> = vec![
        (
            cfg_token(cfg, "pad_token", "<pad>").unwrap_or_default(),
            0.0,
        ),
        (cfg_token(cfg, "eos_token", "</s>").unwrap_or_default(), 0.0),
    ];
    let mask = cfg_token(cfg, "mask_token", "<mask_1>");
    let mask_sent = cfg_token(cfg, "mask_token_sent", "<mask_2>");
    vocab.extend(mask.iter().map(|t| (t.clone(), 0.0)));
    vocab.extend(
        mask_sent
            .iter()
            .filter(|t| Some(*t) != mask.as_ref())
            .map(|t| (t.clone(), 0.0)),
    );
    vocab.extend((2..offset).map(|i| (format!("<unk_{i}>"), -100.0)));
    vocab.extend(pieces(m).into_iter().skip(2));
    // The class looks its unk token up with score 0.0 after id 0; transformers fails to build the
    // tokenizer without one (a model not laid out as Pegasus's: pad, eos, unk first).
    let unk = content(&named, "unk_token");
    let unk_id = vocab
        .iter()
        .skip(1)
        .position(|(p, s)| *p == unk && *s == 0.0)
        .map(|i| i + 1)
        .ok_or_else(|| {
            Error::config(
                "",
                "pieces",
                format!(
                    "PegasusTokenizer needs the unk token {unk:?} with score 0 at id 2 of the model \
                     (pad, eos, unk first)"
                ),
            )
        })?;
    // The class's extra special tokens (the sentence mask, then the placeholders), unless the config
    // lists its own: transformers 5 then keeps the config's list alone.
    let extras: Vec<AddedToken> = match cfg
        .config
        .get("additional_special_tokens")
        .or_else(|| cfg.config.get("extra_special_tokens"))
        .and_then(Value::as_array)
    {
        Some(listed) => listed
            .iter()
            .filter_map(|t| match t {
                Value::String(s) => Some(AddedToken::special(s)),
                Value::Object(o) => AddedToken::from_config_dict(o),
                _ => None,
            })
            .collect(),
        None => cfg_token(cfg, "mask_token_sent", "<mask_1>")
            .map(|t| AddedToken::special(&t))
            .into_iter()
            .chain((2..offset).map(|i| AddedToken::special(&format!("<unk_{i}>"))))
            .collect(),
    };
    let normalizer = match precompiled(m) {
        Some(p) => sequence(
            "Sequence",
            "normalizers",
            vec![p, replace_regex(" {2,}", " ")],
        ),
        None => sequence(
            "Sequence",
            "normalizers",
            vec![replace_regex("\n", " "), replace_regex(" {2,}", " ")],
        ),
    };
    let eos = content(&named, "eos_token");
    Ok(Parts {
        model: unigram(unk_id as i64, false),
        vocab,
        normalizer,
        pre_tokenizer: metaspace("Metaspace", "always", true),
        decoder: metaspace("Metaspace", "always", true),
        named,
        extras,
        post: Post::Template {
            single: vec![seq("A", 0), sp(&eos, 0)],
            pair: vec![seq("A", 0), seq("B", 0), sp(&eos, 0)],
        },
    })
}

/// UdopTokenizer: the model's pieces and ids (unk where the vocabulary has it, else id 2), no
/// normalizer, T5's template around `</s>`.
pub(super) fn udop(m: &SpModel, cfg: &LegacyConfig, d: Defaults) -> Parts {
    let named = named(cfg, d, false);
    let vocab = pieces(m);
    let unk = content(&named, "unk_token");
    let unk_id = vocab.iter().position(|(p, _)| *p == unk).unwrap_or(2);
    Parts::whitespace_metaspace(
        unigram(unk_id as i64, false),
        vocab,
        Value::Null,
        named,
        super::sentencepiece::extractor_extras(m),
        // The template names `</s>` literally, with the id of the eos token.
        t5_template("</s>"),
    )
}

/// VideoPrismTokenizer: T5's vocabulary and sentinels, without T5's template (bos / eos as the config's
/// `add_bos_token` / `add_eos_token` say, off by default).
pub(super) fn video_prism(m: &SpModel, cfg: &LegacyConfig, d: Defaults) -> Parts {
    Parts {
        post: Post::bos_eos(cfg),
        ..t5(m, cfg, d)
    }
}

/// LasrTokenizer: the model's pieces (no sentinels in the model: they follow as added tokens), the
/// class's fixed unk id 3, T5's pipeline and template around `</s>`.
pub(super) fn lasr(m: &SpModel, cfg: &LegacyConfig, d: Defaults) -> Parts {
    let extra_ids = cfg
        .config
        .get("extra_ids")
        .and_then(Value::as_u64)
        .unwrap_or(100);
    let mut extras = super::sentencepiece::extractor_extras(m);
    extras.extend((0..extra_ids).map(|i| AddedToken::special(&format!("<extra_id_{i}>"))));
    Parts::whitespace_metaspace(
        unigram(3, false),
        pieces(m),
        precompiled(m).unwrap_or(Value::Null),
        named(cfg, d, false),
        extras,
        t5_template("</s>"),
    )
}
