//! Placeholder until the fused BERT path lands.
use crate::error::Result;
use crate::models::{TokenBuffer, WordPiece};
use crate::normalizers::BertNormalizer;

pub fn encode_segment(
    norm: &BertNormalizer,
    wp: &WordPiece,
    text: &str,
    base: usize,
    word: &mut u32,
    out: &mut TokenBuffer,
) -> Result<()> {
    let _ = (norm, wp, text, base, word, out);
    Err(crate::error::Error::Internal(
        "fast_bert not implemented".into(),
    ))
}
