//! SentencePiece's `ModelProto` (sentencepiece_model.proto), declared by hand for `prost`: only the fields
//! the converters read. Unknown fields (self-test data, training options we ignore) are skipped by prost.
//! `SpModel::read` decodes a `.model` file and checks it, so that nothing half-read reaches a converter.

use crate::error::{Error, Result};
use prost::Message;
use std::path::Path;

#[derive(Clone, PartialEq, Message)]
pub struct ModelProto {
    #[prost(message, repeated, tag = "1")]
    pub pieces: Vec<SentencePiece>,
    #[prost(message, optional, tag = "2")]
    pub trainer_spec: Option<TrainerSpec>,
    #[prost(message, optional, tag = "3")]
    pub normalizer_spec: Option<NormalizerSpec>,
}

#[derive(Clone, PartialEq, Message)]
pub struct SentencePiece {
    #[prost(string, optional, tag = "1")]
    pub piece: Option<String>,
    #[prost(float, optional, tag = "2")]
    pub score: Option<f32>,
    /// NORMAL = 1, UNKNOWN = 2, CONTROL = 3, USER_DEFINED = 4, UNUSED = 5, BYTE = 6.
    #[prost(int32, optional, tag = "3")]
    pub r#type: Option<i32>,
}

#[derive(Clone, PartialEq, Message)]
pub struct TrainerSpec {
    /// UNIGRAM = 1, BPE = 2, WORD = 3, CHAR = 4.
    #[prost(int32, optional, tag = "3")]
    pub model_type: Option<i32>,
    #[prost(bool, optional, tag = "24")]
    pub treat_whitespace_as_suffix: Option<bool>,
    #[prost(bool, optional, tag = "35")]
    pub byte_fallback: Option<bool>,
    #[prost(int32, optional, tag = "40")]
    pub unk_id: Option<i32>,
    #[prost(int32, optional, tag = "41")]
    pub bos_id: Option<i32>,
    #[prost(int32, optional, tag = "42")]
    pub eos_id: Option<i32>,
    #[prost(string, optional, tag = "45")]
    pub unk_piece: Option<String>,
    #[prost(string, optional, tag = "46")]
    pub bos_piece: Option<String>,
    #[prost(string, optional, tag = "47")]
    pub eos_piece: Option<String>,
}

#[derive(Clone, PartialEq, Message)]
pub struct NormalizerSpec {
    #[prost(string, optional, tag = "1")]
    pub name: Option<String>,
    #[prost(bytes = "vec", optional, tag = "2")]
    pub precompiled_charsmap: Option<Vec<u8>>,
    #[prost(bool, optional, tag = "3")]
    pub add_dummy_prefix: Option<bool>,
    #[prost(bool, optional, tag = "4")]
    pub remove_extra_whitespaces: Option<bool>,
    #[prost(bool, optional, tag = "5")]
    pub escape_whitespaces: Option<bool>,
}

/// Piece types (sentencepiece_model.proto `SentencePiece.Type`).
pub const NORMAL: i32 = 1;
pub const CONTROL: i32 = 3;
pub const USER_DEFINED: i32 = 4;

pub const UNIGRAM: i32 = 1;
pub const BPE: i32 = 2;
pub const CHAR: i32 = 4;

/// A checked SentencePiece model with the proto's defaults applied.
#[derive(Debug, Clone)]
pub struct SpModel {
    /// (piece, score, type), in id order.
    pub pieces: Vec<(String, f32, i32)>,
    pub model_type: i32,
    pub byte_fallback: bool,
    pub unk_id: i64,
    pub bos_id: i64,
    pub eos_id: i64,
    pub unk_piece: String,
    pub bos_piece: String,
    pub eos_piece: String,
    pub precompiled_charsmap: Vec<u8>,
    pub add_dummy_prefix: bool,
    pub remove_extra_whitespaces: bool,
    pub escape_whitespaces: bool,
}

impl SpModel {
    /// Read and check a `.model` file; errors name the file and the proto field.
    pub fn read(path: &Path) -> Result<SpModel> {
        let file = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                Error::NotFound { path: file.clone() }
            } else {
                Error::Io {
                    path: file.clone(),
                    source: e,
                }
            }
        })?;
        Self::from_bytes(&bytes, &file)
    }

    pub fn from_bytes(bytes: &[u8], file: &str) -> Result<SpModel> {
        let proto = ModelProto::decode(bytes).map_err(|e| {
            Error::config(
                file,
                "ModelProto",
                format!("not a SentencePiece model (protobuf decode failed: {e})"),
            )
        })?;
        Self::from_proto(proto, file)
    }

    fn from_proto(proto: ModelProto, file: &str) -> Result<SpModel> {
        if proto.pieces.is_empty() {
            return Err(Error::config(
                file,
                "pieces",
                "no pieces (not a SentencePiece model, or a truncated one)",
            ));
        }
        let mut pieces = Vec::with_capacity(proto.pieces.len());
        for (i, p) in proto.pieces.into_iter().enumerate() {
            let piece = p.piece.unwrap_or_default();
            if piece.is_empty() {
                return Err(Error::config(
                    file,
                    format!("pieces[{i}].piece"),
                    "empty piece",
                ));
            }
            let score = p.score.unwrap_or(0.0);
            if !score.is_finite() {
                return Err(Error::config(
                    file,
                    format!("pieces[{i}].score"),
                    format!("score {score} is not finite"),
                ));
            }
            let ty = p.r#type.unwrap_or(NORMAL);
            if !(1..=6).contains(&ty) {
                return Err(Error::config(
                    file,
                    format!("pieces[{i}].type"),
                    format!("unknown piece type {ty}"),
                ));
            }
            pieces.push((piece, score, ty));
        }
        let t = proto.trainer_spec.unwrap_or_default();
        let n = proto.normalizer_spec.unwrap_or_default();
        let model_type = t.model_type.unwrap_or(UNIGRAM);
        // CHAR models are checked per class (SpeechT5 reads one).
        if model_type != UNIGRAM && model_type != BPE && model_type != CHAR {
            return Err(Error::config(
                file,
                "trainer_spec.model_type",
                format!(
                    "model type {model_type} (WORD = 3) is not supported; \
                     only UNIGRAM (1) and BPE (2) have Hugging Face converters"
                ),
            ));
        }
        let unk_id = i64::from(t.unk_id.unwrap_or(0));
        if unk_id < 0 || unk_id as usize >= pieces.len() {
            return Err(Error::config(
                file,
                "trainer_spec.unk_id",
                format!("unk_id {unk_id} is outside the {} pieces", pieces.len()),
            ));
        }
        Ok(SpModel {
            pieces,
            model_type,
            byte_fallback: t.byte_fallback.unwrap_or(false),
            unk_id,
            bos_id: i64::from(t.bos_id.unwrap_or(1)),
            eos_id: i64::from(t.eos_id.unwrap_or(2)),
            unk_piece: t.unk_piece.unwrap_or_else(|| "<unk>".into()),
            bos_piece: t.bos_piece.unwrap_or_else(|| "<s>".into()),
            eos_piece: t.eos_piece.unwrap_or_else(|| "</s>".into()),
            precompiled_charsmap: n.precompiled_charsmap.unwrap_or_default(),
            add_dummy_prefix: n.add_dummy_prefix.unwrap_or(true),
            remove_extra_whitespaces: n.remove_extra_whitespaces.unwrap_or(true),
            escape_whitespaces: n.escape_whitespaces.unwrap_or(true),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(pieces: &[(&str, f32, i32)]) -> Vec<u8> {
        ModelProto {
            pieces: pieces
                .iter()
                .map(|(p, s, t)| SentencePiece {
                    piece: Some(p.to_string()),
                    score: Some(*s),
                    r#type: Some(*t),
                })
                .collect(),
            trainer_spec: Some(TrainerSpec {
                model_type: Some(BPE),
                byte_fallback: Some(true),
                ..Default::default()
            }),
            normalizer_spec: Some(NormalizerSpec {
                add_dummy_prefix: Some(false),
                ..Default::default()
            }),
        }
        .encode_to_vec()
    }

    #[test]
    fn reads_pieces_and_applies_proto_defaults() {
        let bytes = model(&[("<unk>", 0.0, 2), ("<s>", 0.0, 3), ("▁a", -1.5, 1)]);
        let m = SpModel::from_bytes(&bytes, "x.model").unwrap();
        assert_eq!(m.pieces[2], ("▁a".to_string(), -1.5, NORMAL));
        assert_eq!(m.model_type, BPE);
        assert!(m.byte_fallback && !m.add_dummy_prefix && m.remove_extra_whitespaces);
        assert_eq!((m.unk_id, m.bos_id, m.eos_id), (0, 1, 2));
        assert_eq!(m.unk_piece, "<unk>");
    }

    #[test]
    fn truncated_garbage_and_bad_fields_name_file_and_field() {
        let bytes = model(&[("<unk>", 0.0, 2), ("▁abc", -1.0, 1)]);
        let err = SpModel::from_bytes(&bytes[..bytes.len() - 3], "t.model").unwrap_err();
        assert!(err.to_string().starts_with("t.model: "), "{err}");
        let err = SpModel::from_bytes(b"hello, not a model", "g.model").unwrap_err();
        assert!(err.to_string().starts_with("g.model: "), "{err}");
        let err = SpModel::from_bytes(&[], "e.model").unwrap_err();
        assert!(err.to_string().contains("pieces"), "{err}");
        let nan = model(&[("<unk>", 0.0, 2), ("a", f32::NAN, 1)]);
        let err = SpModel::from_bytes(&nan, "n.model").unwrap_err();
        assert!(err.to_string().contains("pieces[1].score"), "{err}");
        let empty = model(&[("<unk>", 0.0, 2), ("", 0.0, 1)]);
        let err = SpModel::from_bytes(&empty, "p.model").unwrap_err();
        assert!(err.to_string().contains("pieces[1].piece"), "{err}");
        let mut proto = ModelProto::decode(&bytes[..]).unwrap();
        proto.trainer_spec.as_mut().unwrap().unk_id = Some(7);
        let err = SpModel::from_bytes(&proto.encode_to_vec(), "u.model").unwrap_err();
        assert!(err.to_string().contains("trainer_spec.unk_id"), "{err}");
    }
}
