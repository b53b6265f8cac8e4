//! Test helpers: render pre-tokenized splits compactly as (piece, original byte offsets).

use crate::error::Result;
use crate::kernel::{NormalizedString, PreTokenizedString};

pub type Pieces = Vec<(String, (usize, usize))>;

/// Every split as (normalized text, original byte range).
pub fn pieces(pts: &PreTokenizedString) -> Pieces {
    pts.splits
        .iter()
        .map(|s| {
            let n = &s.normalized;
            (n.as_str().to_string(), n.original_range(0..n.len()))
        })
        .collect()
}

/// Pre-tokenize the untouched text `s` with `f` and render the result.
pub fn run(f: impl Fn(&mut PreTokenizedString) -> Result<()>, s: &str) -> Pieces {
    let mut pts = PreTokenizedString::from_normalized(NormalizedString::from_original(s, 0));
    f(&mut pts).expect("pre-tokenization failed");
    pieces(&pts)
}

/// Owned form of an expected value written as string literals.
pub fn exp(v: &[(&str, (usize, usize))]) -> Pieces {
    v.iter().map(|(s, r)| (s.to_string(), *r)).collect()
}

/// Random strings of up to `max_len` chars drawn from `alphabet` (xorshift, fixed seed: reproducible).
pub fn random_strings(alphabet: &str, max_len: u64, count: usize) -> Vec<String> {
    let alphabet: Vec<char> = alphabet.chars().collect();
    let mut state = 0x1234_5678_9abc_def0u64;
    let mut rnd = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..count)
        .map(|_| {
            let len = rnd() % (max_len + 1);
            (0..len)
                .filter_map(|_| alphabet.get((rnd() % alphabet.len() as u64) as usize))
                .collect()
        })
        .collect()
}
