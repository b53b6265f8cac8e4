//! Placeholder until the fused byte-level path lands.
use crate::error::Result;
use crate::models::{Bpe, TokenBuffer};
use crate::pre_tokenizers::ByteLevel;

pub fn encode_segment(
    pre: &ByteLevel,
    bpe: &Bpe,
    text: &str,
    base: usize,
    word: &mut u32,
    out: &mut TokenBuffer,
) -> Result<()> {
    let _ = (pre, bpe, text, base, word, out);
    Err(crate::error::Error::Internal(
        "fast_byte_level not implemented".into(),
    ))
}
