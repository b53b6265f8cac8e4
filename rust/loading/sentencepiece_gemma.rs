//! GemmaTokenizer's recipe: how transformers 5 builds it from a SentencePiece model (the BPE vocabulary
//! and merges of the extractor, then the class's own pipeline: spaces become "▁" before a split at each
//! space, byte fallback, bos / eos as `add_bos_token` / `add_eos_token` say).

use super::legacy::LegacyConfig;
use super::sentencepiece::{bpe, cfg_bool, extractor_extras, merges_by_id, pieces, Parts, Post};
use super::sentencepiece_classes::{content, named, Defaults};
use super::sentencepiece_proto::SpModel;

pub(super) fn gemma(m: &SpModel, cfg: &LegacyConfig, d: Defaults) -> Parts {
    let vocab = pieces(m);
    let merges = merges_by_id(&vocab);
    let named = named(cfg, d, false);
    let unk = content(&named, "unk_token");
    let (normalizer, pre_tokenizer, decoder) = super::class_pipelines_spm::gemma_stages();
    Parts {
        model: bpe(merges, Some(&unk), true, false),
        vocab,
        normalizer,
        pre_tokenizer,
        decoder,
        named,
        extras: extractor_extras(m),
        post: Post::BosEos {
            add_bos: cfg_bool(cfg, "add_bos_token", false),
            add_eos: cfg_bool(cfg, "add_eos_token", false),
        },
    }
}
