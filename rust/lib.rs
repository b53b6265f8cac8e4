//! ferrotok: a tokenizer engine bit-exact with Hugging Face tokenizers.
//!
//! The pipeline, one module per stage:
//!
//! ```text
//! text → added_tokens (split out) → normalizers → pre_tokenizers → models
//!      → postprocess::truncation → processors (special tokens) → postprocess::padding → Encoding
//! ids  → decoders → text
//! ```
//!
//! Every stage depends only on the [`kernel`] (the shared types: `NormalizedString`,
//! `PreTokenizedString`, `Token`, `TokenBuffer`, `Encoding`, `Pattern`, `Direction` and the lookup
//! traits), on [`error`] and on the JSON helpers in `json`. Two modules wire stages together:
//! `loading` reads tokenizer.json and the legacy files, and [`tokenizer`] runs the stages for single
//! inputs and batches (with fused fast paths for BERT and byte-level BPE). The PyO3 binding (`bindings`,
//! feature `python`) only converts types.

pub(crate) mod added_tokens;
pub mod alloc;
pub(crate) mod decoders;
pub mod error;
pub(crate) mod json;
pub mod kernel;
pub(crate) mod loading;
pub(crate) mod models;
pub(crate) mod normalizers;
pub mod postprocess;
pub(crate) mod pre_tokenizers;
pub(crate) mod processors;
pub mod tokenizer;
pub mod trainers;

#[cfg(feature = "python")]
mod bindings;

pub use error::{Error, Result};
// Folders without tokenizer.json, and transformers' class defaults (what the Python settings read).
/// Where the Moses tokenizer (XLM, Flaubert) reads sacremoses' data: the installed package's folder.
pub use kernel::moses_data::set_data_dir as set_moses_data_dir;
pub use loading::classes::{lookup as class_defaults, ClassDefaults};
pub use loading::sentencepiece::SpecialTokens;
pub use loading::{legacy_folder, load_folder_with, LegacyFolder};

pub use tokenizer::{Encoding, Tokenizer};
