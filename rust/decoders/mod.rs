//! Decoders: turn a list of token strings back into text. Each decoder maps the token list to a new list
//! (`decode_chain`); the tokenizer joins the final list.

pub mod bpe;
pub mod byte_chars;
pub mod byte_level;
pub mod fast_bpe;
pub mod hex_bytes;
pub mod metaspace;
pub mod moses;
pub mod simple;
pub mod wordpiece;

pub use bpe::BpeDecoder;
pub use byte_chars::ByteChars;
pub use byte_level::ByteLevelDecoder;
pub use fast_bpe::FastBpeDecoder;
pub use metaspace::MetaspaceDecoder;
pub use simple::{ByteFallback, Ctc, Fuse, FuseStrip, ReplaceDecoder, StripDecoder};
pub use wordpiece::WordPieceDecoder;

use crate::error::Result;
use crate::json::{as_array, as_obj, index, type_tag, unsupported};
use crate::kernel::host::{DecodeHost, Host};
use serde_json::Value;

#[derive(Debug, Clone)]
pub enum Decoder {
    WordPiece(WordPieceDecoder),
    ByteLevel(ByteLevelDecoder),
    Bpe(BpeDecoder),
    Metaspace(MetaspaceDecoder),
    Replace(ReplaceDecoder),
    Fuse(Fuse),
    /// Fuse, then Python's `str.strip()` (ferrotok's own).
    FuseStrip(FuseStrip),
    Strip(StripDecoder),
    ByteFallback(ByteFallback),
    Ctc(Ctc),
    ByteChars(ByteChars),
    /// MyT5's hex byte tokens, its maps reversed (ferrotok's own, `hex_bytes`).
    HexBytes(hex_bytes::HexBytes),
    FastBpe(FastBpeDecoder),
    /// The Moses detokenizer (ferrotok's own: transformers runs sacremoses in Python, `moses`).
    Moses(Box<moses::MosesDetokenizer>),
    Sequence(Vec<Decoder>),
    /// A decoder written in the host language (`Decoder.custom`).
    Host(Host<dyn DecodeHost>),
}

impl Decoder {
    /// Parse a `decoder` object of a tokenizer.json; `field` is its path, for errors.
    pub fn from_json(v: &Value, field: &str) -> Result<Self> {
        let o = as_obj(v, field)?;
        let t = type_tag(o, field)?;
        Ok(match t {
            "WordPiece" => Decoder::WordPiece(WordPieceDecoder::from_json(o, field)?),
            "ByteLevel" => Decoder::ByteLevel(ByteLevelDecoder),
            "BPEDecoder" => Decoder::Bpe(BpeDecoder::from_json(o, field)?),
            "Metaspace" => Decoder::Metaspace(MetaspaceDecoder::from_json(o, field)?),
            "Replace" => Decoder::Replace(ReplaceDecoder::from_json(o, field)?),
            "Fuse" => Decoder::Fuse(Fuse),
            "FuseStrip" => Decoder::FuseStrip(FuseStrip),
            "Strip" => Decoder::Strip(StripDecoder::from_json(o, field)?),
            "ByteFallback" => Decoder::ByteFallback(ByteFallback),
            "CTC" => Decoder::Ctc(Ctc::from_json(o, field)?),
            "ByteChars" => Decoder::ByteChars(ByteChars::from_json(o, field)?),
            "HexBytes" => Decoder::HexBytes(hex_bytes::HexBytes::from_json(o, field)?),
            "FastBPE" => Decoder::FastBpe(FastBpeDecoder::from_json(o, field)?),
            "MosesDetokenizer" => {
                Decoder::Moses(Box::new(moses::MosesDetokenizer::from_json(o, field)?))
            }
            "Sequence" => {
                let f = format!("{field}.decoders");
                let items = as_array(o.get("decoders").unwrap_or(&Value::Null), &f)?;
                Decoder::Sequence(
                    items
                        .iter()
                        .enumerate()
                        .map(|(i, d)| Decoder::from_json(d, &index(&f, i)))
                        .collect::<Result<_>>()?,
                )
            }
            other => return Err(unsupported("decoder", field, other)),
        })
    }

    pub fn decode_chain(&self, tokens: Vec<String>) -> Result<Vec<String>> {
        match self {
            Decoder::WordPiece(d) => d.decode_chain(tokens),
            Decoder::ByteLevel(d) => d.decode_chain(tokens),
            Decoder::Bpe(d) => d.decode_chain(tokens),
            Decoder::Moses(d) => d.decode_chain(tokens),
            Decoder::Metaspace(d) => d.decode_chain(tokens),
            Decoder::Replace(d) => d.decode_chain(tokens),
            Decoder::Fuse(d) => d.decode_chain(tokens),
            Decoder::FuseStrip(d) => d.decode_chain(tokens),
            Decoder::Strip(d) => d.decode_chain(tokens),
            Decoder::ByteFallback(d) => d.decode_chain(tokens),
            Decoder::Ctc(d) => d.decode_chain(tokens),
            Decoder::ByteChars(d) => d.decode_chain(tokens),
            Decoder::HexBytes(d) => d.decode_chain(tokens),
            Decoder::FastBpe(d) => d.decode_chain(tokens),
            Decoder::Sequence(seq) => {
                let mut t = tokens;
                for d in seq {
                    t = d.decode_chain(t)?;
                }
                Ok(t)
            }
            Decoder::Host(h) => h.0.decode_chain(tokens),
        }
    }

    /// Decode to one string.
    pub fn decode(&self, tokens: Vec<String>) -> Result<String> {
        Ok(self.decode_chain(tokens)?.concat())
    }
}
