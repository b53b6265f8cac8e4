//! Truncation (before the post-processor adds special tokens) and padding (after it).

pub mod padding;
pub mod truncation;

pub use padding::{PaddingParams, PaddingStrategy};
pub use truncation::{TruncationParams, TruncationStrategy};
