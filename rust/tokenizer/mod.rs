//! placeholder
#[derive(Debug, Clone, Default)]
pub struct Encoding;
#[derive(Debug, Clone, Default)]
pub struct Tokenizer;
pub mod fast_bert;
