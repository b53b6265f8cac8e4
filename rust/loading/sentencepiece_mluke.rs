//! mLUKE (`MLukeTokenizer`) as transformers 5.24 builds it from `sentencepiece.bpe.model`: the model's
//! pieces and ids as a Unigram (unknown id 0), `` and '' made `"`, Metaspace, and XLM-R's special tokens
//! (those the model lacks after its pieces), then the entity markers `▁<ent>` / `▁<ent2>` and the entity
//! vocabulary's special tokens as extra special tokens. `<s> A </s>` and `<s> A </s> </s> B </s>`, B of
//! type 1. Only the word-level ids: entity inputs (`entities`, `entity_spans`, …) are not offered.

use super::legacy::LegacyConfig;
use super::sentencepiece::{
    cfg_str, extractor_extras, is_bpe, metaspace, pieces, replace_string, sequence, unigram, Parts,
    Post,
};
use super::sentencepiece_classes::{content, named, seq, sp, Defaults};
use super::sentencepiece_proto::SpModel;
use crate::added_tokens::AddedToken;
use crate::error::{Error, Result};

pub(super) fn mluke(m: &SpModel, cfg: &LegacyConfig, d: Defaults) -> Result<Parts> {
    if is_bpe(m) {
        // transformers' Unigram rejects the extractor's BPE vocabulary: it cannot build one either.
        return Err(Error::config(
            "",
            "trainer_spec.model_type",
            "MLukeTokenizer is built from a UNIGRAM (1) model; this one is BPE (2)",
        ));
    }
    let named = named(cfg, d, true);
    let mut extras = extractor_extras(m);
    let mut seen: Vec<String> = extras.iter().map(|t| t.content.clone()).collect();
    // The class reads `entity_token_1` before its own `entity_1_token` argument.
    let marker = |keys: [&str; 2], default: &str| {
        let spelled = keys
            .iter()
            .find_map(|k| cfg.config.get(*k).and_then(|v| v.as_str()));
        format!("▁{}", spelled.unwrap_or(default))
    };
    let entity_specials = [
        ("entity_unk_token", "[UNK]"),
        ("entity_pad_token", "[PAD]"),
        ("entity_mask_token", "[MASK]"),
        ("entity_mask2_token", "[MASK2]"),
    ];
    let tokens = [
        marker(["entity_token_1", "entity_1_token"], "<ent>"),
        marker(["entity_token_2", "entity_2_token"], "<ent2>"),
    ]
    .into_iter()
    .chain(
        entity_specials
            .iter()
            .map(|(key, default)| cfg_str(cfg, key, default)),
    );
    for token in tokens {
        if !seen.contains(&token) {
            extras.push(AddedToken::special(&token));
            seen.push(token);
        }
    }
    let (cls, sep) = (content(&named, "cls_token"), content(&named, "sep_token"));
    Ok(Parts {
        model: unigram(0, false),
        vocab: pieces(m),
        normalizer: sequence(
            "Sequence",
            "normalizers",
            vec![replace_string("``", "\""), replace_string("''", "\"")],
        ),
        pre_tokenizer: metaspace("Metaspace", "always", true),
        decoder: metaspace("Metaspace", "always", true),
        named,
        extras,
        post: Post::Template {
            single: vec![sp(&cls, 0), seq("A", 0), sp(&sep, 0)],
            pair: vec![
                sp(&cls, 0),
                seq("A", 0),
                sp(&sep, 0),
                sp(&sep, 0),
                seq("B", 1),
                sp(&sep, 1),
            ],
        },
    })
}
