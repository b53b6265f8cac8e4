//! placeholder
pub mod fast_byte_level;

#[derive(Debug, Clone, Default)]
pub struct Encoding;
#[derive(Debug, Clone, Default)]
pub struct Tokenizer;
