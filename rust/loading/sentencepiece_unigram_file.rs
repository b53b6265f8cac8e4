//! tokenizers' `SentencePieceUnigramTokenizer.from_spm`: a Unigram `.model` file as that class builds
//! it, whatever the model's own settings say: its pieces, scores, unknown id and byte fallback; the
//! model's Precompiled charsmap (when it has one) then runs of spaces folded into one; `▁` prepended
//! always; no special tokens and no template.

use super::sentencepiece::{metaspace, pieces, precompiled, replace_regex, sequence};
use super::sentencepiece_proto::{SpModel, UNIGRAM};
use super::tokenizer_json;
use crate::error::{Error, Result};
use crate::tokenizer::Tokenizer;
use serde_json::{json, Value};
use std::path::Path;

/// The tokenizer.json document `from_spm` builds from `m` (read from `file`).
pub fn document(m: &SpModel, file: &str) -> Result<Value> {
    if m.model_type != UNIGRAM {
        return Err(Error::config(
            file,
            "trainer_spec.model_type",
            "not a Unigram model (SentencePieceUnigramTokenizer.from_spm reads Unigram models)",
        ));
    }
    let vocab: Vec<Value> = pieces(m).into_iter().map(|(p, s)| json!([p, s])).collect();
    let mut normalizers: Vec<Value> = precompiled(m).into_iter().collect();
    normalizers.push(replace_regex(" {2,}", " "));
    Ok(json!({
        "version": "1.0",
        "truncation": null,
        "padding": null,
        "added_tokens": [],
        "normalizer": sequence("Sequence", "normalizers", normalizers),
        "pre_tokenizer": metaspace("Metaspace", "always", true),
        "post_processor": null,
        "decoder": metaspace("Metaspace", "always", true),
        "model": {"type": "Unigram", "unk_id": m.unk_id, "vocab": vocab, "byte_fallback": m.byte_fallback},
    }))
}

impl Tokenizer {
    /// Load a SentencePiece Unigram `.model` file as tokenizers' `SentencePieceUnigramTokenizer.from_spm`.
    pub fn from_sentencepiece_unigram(path: impl AsRef<Path>) -> Result<Tokenizer> {
        let path = path.as_ref();
        let file = path.display().to_string();
        let m = SpModel::read(path)?;
        tokenizer_json::from_value(document(&m, &file)?, &file)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loading::sentencepiece_proto::{
        ModelProto, NormalizerSpec, SentencePiece, TrainerSpec, BPE, NORMAL,
    };
    use prost::Message;

    fn model(model_type: i32, charsmap: Option<Vec<u8>>) -> SpModel {
        let pieces = [("<unk>", 0.0), ("▁a", -1.0), ("b", -2.5)];
        let bytes = ModelProto {
            pieces: pieces
                .iter()
                .map(|(p, s)| SentencePiece {
                    piece: Some(p.to_string()),
                    score: Some(*s),
                    r#type: Some(if *p == "<unk>" { 2 } else { NORMAL }),
                })
                .collect(),
            trainer_spec: Some(TrainerSpec {
                model_type: Some(model_type),
                byte_fallback: Some(true),
                unk_id: Some(0),
                ..Default::default()
            }),
            normalizer_spec: Some(NormalizerSpec {
                precompiled_charsmap: charsmap,
                ..Default::default()
            }),
        }
        .encode_to_vec();
        match SpModel::from_bytes(&bytes, "m.model") {
            Ok(m) => m,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn unigram_model_gets_the_from_spm_pipeline() {
        let doc = match document(&model(UNIGRAM, None), "m.model") {
            Ok(d) => d,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(
            doc["model"],
            json!({"type": "Unigram", "unk_id": 0, "vocab": [["<unk>", 0.0], ["▁a", -1.0], ["b", -2.5]],
                   "byte_fallback": true})
        );
        // No charsmap: only the folding of space runs.
        assert_eq!(
            doc["normalizer"]["normalizers"],
            json!([replace_regex(" {2,}", " ")])
        );
        assert_eq!(doc["pre_tokenizer"]["prepend_scheme"], "always");
        assert!(tokenizer_json::from_value(doc, "m.model").is_ok());
    }

    #[test]
    fn other_model_types_are_refused_naming_the_field() {
        let err = document(&model(BPE, None), "m.model")
            .map(|_| ())
            .unwrap_err();
        assert!(err.to_string().contains("model_type"), "{err}");
        assert!(err.to_string().contains("m.model"), "{err}");
    }
}
