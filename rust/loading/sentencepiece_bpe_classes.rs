//! Classes that transformers 5.24 builds as a BPE from a SentencePiece model (`tokenizer.model`) with a
//! pipeline of their own: the extractor's vocabulary (the pieces in id order) and merges (every split of a
//! piece into two pieces, ordered by id), its control and user-defined pieces as added tokens, then the
//! class's constructor.
//!
//! - `Qwen3_5Tokenizer`: byte-level BPE (NFC, Qwen3.5's split, byte-level without its own regex). The
//!   pieces of a SentencePiece model are not byte-level symbols, so most text comes out as the pieces
//!   that happen to match; that is what transformers gives, and the ids are kept identical.
//! - `Tipsv2Tokenizer`: lowercase (`do_lower_case`, default true) and the model's charsmap, then
//!   whitespace split and Metaspace, BPE with byte fallback and no unknown token.

use super::legacy::LegacyConfig;
use super::sentencepiece::{
    bpe, cfg_bool, extractor_extras, merges_by_id, metaspace, pieces, precompiled, sequence, Parts,
    Post,
};
use super::sentencepiece_classes::{named, ws_metaspace, Defaults};
use super::sentencepiece_proto::SpModel;
use serde_json::{json, Value};

/// Qwen3.5's split before the byte-level stage (transformers' `Qwen3_5Tokenizer`: marks join letters).
pub(super) const QWEN3_5_PATTERN: &str = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?[\p{L}\p{M}]+|\p{N}| ?[^\s\p{L}\p{M}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

/// Qwen3.5's pre-tokenizer: its split, then byte-level without a regex of its own.
pub(super) fn qwen3_5_pre_tokenizer(add_prefix_space: bool) -> Value {
    json!({"type": "Sequence", "pretokenizers": [
        {"type": "Split", "pattern": {"Regex": QWEN3_5_PATTERN}, "behavior": "Isolated", "invert": false},
        {"type": "ByteLevel", "add_prefix_space": add_prefix_space, "trim_offsets": true, "use_regex": false},
    ]})
}

pub(super) fn qwen3_5(m: &SpModel, cfg: &LegacyConfig, d: Defaults) -> Parts {
    let vocab = pieces(m);
    let mut model = super::class_pipelines::bpe_options();
    model["type"] = json!("BPE");
    model["merges"] = json!(merges_by_id(&vocab)
        .into_iter()
        .map(|(l, r)| json!([l, r]))
        .collect::<Vec<_>>());
    Parts {
        model,
        vocab,
        normalizer: json!({"type": "NFC"}),
        pre_tokenizer: qwen3_5_pre_tokenizer(cfg_bool(cfg, "add_prefix_space", false)),
        decoder: json!({"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true}),
        named: named(cfg, d, false),
        extras: extractor_extras(m),
        post: Post::bos_eos(cfg),
    }
}

pub(super) fn tipsv2(m: &SpModel, cfg: &LegacyConfig, d: Defaults) -> Parts {
    let vocab = pieces(m);
    let merges = merges_by_id(&vocab);
    let (normalizer, pre_tokenizer, decoder) = tipsv2_stages(cfg, precompiled(m));
    Parts {
        // No unknown token: a character without a piece or byte piece is dropped, as transformers does.
        model: bpe(merges, None, true, false),
        vocab,
        normalizer,
        pre_tokenizer,
        decoder,
        named: named(cfg, d, false),
        extras: extractor_extras(m),
        post: Post::bos_eos(cfg),
    }
}

/// Tipsv2's normalizer (from `do_lower_case` and the charsmap), pre-tokenizer and decoder.
pub(super) fn tipsv2_stages(cfg: &LegacyConfig, charsmap: Option<Value>) -> (Value, Value, Value) {
    let mut norms = Vec::new();
    if cfg_bool(cfg, "do_lower_case", true) {
        norms.push(json!({"type": "Lowercase"}));
    }
    norms.extend(charsmap);
    (
        sequence("Sequence", "normalizers", norms),
        ws_metaspace("always"),
        sequence(
            "Sequence",
            "decoders",
            vec![
                metaspace("Metaspace", "always", true),
                json!({"type": "ByteFallback"}),
                json!({"type": "Fuse"}),
            ],
        ),
    )
}
