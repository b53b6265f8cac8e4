//! CodeLlamaTokenizer's recipe from a SentencePiece model: Llama's vocabulary and merges, the class's own
//! pre-tokenizer and decoder (`class_pipelines`), the unknown token passed to the model, the infilling
//! tokens (`▁<PRE>`, `▁<MID>`, `▁<SUF>`, `▁<EOT>`, `<FILL_ME>`) added as extra special tokens, and bos on by
//! default. (Infilling itself, a text split at `<FILL_ME>`, is not offered.)

use super::class_pipelines;
use super::legacy::LegacyConfig;
use super::sentencepiece::{
    bpe, cfg_bool, extractor_extras, merges_by_id, named_token, pieces, Parts, Post,
};
use super::sentencepiece_classes::{content, named, Defaults};
use super::sentencepiece_proto::SpModel;
use crate::added_tokens::AddedToken;
use serde_json::Value;

/// The infilling tokens: (config key, default).
const INFILL: [(&str, &str); 5] = [
    ("prefix_token", "▁<PRE>"),
    ("middle_token", "▁<MID>"),
    ("suffix_token", "▁<SUF>"),
    ("eot_token", "▁<EOT>"),
    ("fill_token", "<FILL_ME>"),
];

pub(super) fn code_llama(m: &SpModel, cfg: &LegacyConfig, d: Defaults) -> Parts {
    let vocab = pieces(m);
    let merges = merges_by_id(&vocab);
    let named = named(cfg, d, false);
    let unk = content(&named, "unk_token");
    let (normalizer, pre_tokenizer, decoder) =
        class_pipelines::stages(cfg).unwrap_or((Value::Null, Value::Null, Value::Null));
    let mut extras = extractor_extras(m);
    for (key, default) in INFILL {
        if let Some(token) = named_token(cfg, key, Some(AddedToken::special(default))) {
            if !extras.iter().any(|t| t.content == token.content) {
                extras.push(AddedToken {
                    special: true,
                    ..token
                });
            }
        }
    }
    Parts {
        model: bpe(
            merges,
            Some(&unk).filter(|u| !u.is_empty()).map(|u| u.as_str()),
            true,
            false,
        ),
        vocab,
        normalizer,
        pre_tokenizer,
        decoder,
        named,
        extras,
        post: Post::BosEos {
            add_bos: cfg_bool(cfg, "add_bos_token", true),
            add_eos: cfg_bool(cfg, "add_eos_token", false),
        },
    }
}
