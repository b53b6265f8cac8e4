//! The views one stage takes of another: a vocabulary, a normalizer. Stages name these traits instead
//! of each other's types, so they depend on the kernel only.

use crate::error::Result;
use crate::kernel::NormalizedString;

/// Id → token string lookup (model vocabulary plus added tokens), for offset trimming.
pub trait TokenLookup {
    fn token(&self, id: u32) -> Option<&str>;
}

/// Token string → id lookup in a model's vocabulary, for giving added tokens their ids.
pub trait Vocab {
    fn token_to_id(&self, token: &str) -> Option<u32>;
    fn vocab_size(&self) -> usize;
}

/// A normalizer as the added-token matcher runs it (on the text between added tokens, and on the
/// contents of `normalized` added tokens).
pub trait Normalize {
    fn normalize(&self, n: &mut NormalizedString) -> Result<()>;

    /// Normalize a standalone string (the content of a `normalized` added token).
    fn normalize_str(&self, s: &str) -> Result<String> {
        let mut n = NormalizedString::from_original(s, 0);
        self.normalize(&mut n)?;
        Ok(n.as_str().to_string())
    }
}
