//! SpeechT5 (`SpeechT5Tokenizer`), which transformers 5.24 runs through the `sentencepiece` library in
//! Python over a character-level model (`spm_char.model`): one token per character (a run of unknown
//! characters is one `<unk>`, as the library gives it), the model's ids, `</s>` appended.

use super::legacy::LegacyConfig;
use super::sentencepiece::{precompiled, unigram, Parts, Post};
use super::sentencepiece_classes::{content, named, seq, sp, Defaults};
use super::sentencepiece_proto::SpModel;
use super::sentencepiece_python::{library_vocab, require_legacy};
use crate::error::Result;
use serde_json::Value;

pub(super) fn speecht5(m: &SpModel, cfg: &LegacyConfig, d: Defaults) -> Result<Parts> {
    require_legacy(cfg, "SpeechT5Tokenizer")?;
    let named = named(cfg, d, false);
    let eos = content(&named, "eos_token");
    // Every piece of a character model is one character, so a Unigram model over them segments char
    // by char, and fuses a run of unknown chars into one `<unk>` as the library does.
    Ok(Parts::library_metaspace(
        m,
        unigram(m.unk_id, false),
        library_vocab(m),
        precompiled(m).unwrap_or(Value::Null),
        named,
        Vec::new(),
        Post::Template {
            single: vec![seq("A", 0), sp(&eos, 0)],
            pair: vec![seq("A", 0), seq("B", 0), sp(&eos, 0)],
        },
    ))
}
