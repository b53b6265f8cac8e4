//! ferrotok: a tokenizer engine bit-exact with Hugging Face tokenizers.
//!
//! The pipeline, one module per stage:
//! text → [`added_tokens`] split → [`normalizers`] → [`pre_tokenizers`] → [`models`] →
//! [`postprocess`] (truncation) → [`processors`] (special tokens) → [`postprocess`] (padding) → arrays.
//! [`decoders`] go back from ids to text; [`loading`] reads tokenizer.json and the legacy files.
//! The PyO3 binding (`bindings`, feature `python`) only converts types.

pub mod added_tokens;
pub mod alloc;
pub mod decoders;
pub mod error;
pub mod loading;
pub mod models;
pub mod normalizers;
pub mod postprocess;
pub mod pre_tokenizers;
pub mod processors;
pub mod tokenizer;
pub mod trainers;

#[cfg(feature = "python")]
mod bindings;

pub use error::{Error, Result};

pub use tokenizer::{Encoding, Tokenizer};
