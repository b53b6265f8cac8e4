//! Padding parameters and the batch-level pad length.

use crate::error::{Error, Result};
use crate::kernel::Direction;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaddingStrategy {
    /// Pad to the longest row of the batch.
    BatchLongest,
    /// Pad to a fixed length (rows longer than it stay longer).
    Fixed(usize),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaddingParams {
    pub strategy: PaddingStrategy,
    pub pad_to_multiple_of: Option<usize>,
    pub direction: Direction,
    pub pad_id: u32,
    pub pad_type_id: u32,
    pub pad_token: String,
}

impl PaddingParams {
    pub fn validate(&self) -> Result<()> {
        if self.pad_to_multiple_of == Some(0) {
            return Err(Error::argument(
                "pad_to_multiple_of",
                "must be a positive integer",
            ));
        }
        Ok(())
    }

    /// The length every row is padded to, given the longest row.
    pub fn target_length(&self, longest: usize) -> usize {
        let mut n = match self.strategy {
            PaddingStrategy::BatchLongest => longest,
            PaddingStrategy::Fixed(n) => n,
        };
        if let Some(m) = self.pad_to_multiple_of {
            if m > 0 {
                // Saturating: an absurd length is refused by the batch size check, not wrapped.
                n = n.checked_next_multiple_of(m).unwrap_or(usize::MAX);
            }
        }
        n
    }
}
