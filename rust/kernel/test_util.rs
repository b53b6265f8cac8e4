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

/// Inputs the splitting pre-tokenizers' tests share: punctuation, digits (ASCII, other scripts, superscripts,
/// fractions), combining marks, zero-width and non-ASCII spaces, CJK, Arabic and emoji.
pub const SHARED_INPUTS: [&str; 11] = [
    "Hello, world! It's 2024...",
    "  ",
    "",
    "a²b ¼ Ⅻ x_y-z",
    "naïve e\u{301} café\u{200b}ok",
    "東京タワー。こんにちは！",
    "مرحبا، بالعالم؟",
    "🎉party🎉 ☃\u{fe0f}!",
    "tab\tnl\nnbsp\u{a0}ideo\u{3000}end",
    "$100.50 ¿qué? «oui» 3½",
    "٣٤5६",
];

/// Checks a pre-tokenizer that only cuts its input (and may drop the cuts) on `SHARED_INPUTS`. Each expected
/// value is the pieces joined by `|`; a piece's offsets are where it next occurs in the input, so the
/// expectations do not depend on the code under test.
pub fn check_slices(
    f: impl Fn(&mut PreTokenizedString) -> Result<()>,
    want: [&str; SHARED_INPUTS.len()],
) {
    for (input, want) in SHARED_INPUTS.into_iter().zip(want) {
        let mut expected = Pieces::new();
        let mut at = 0;
        for piece in want.split('|').filter(|p| !p.is_empty()) {
            let start = at + input[at..].find(piece).expect("piece not in input");
            at = start + piece.len();
            expected.push((piece.to_string(), (start, at)));
        }
        assert_eq!(run(&f, input), expected, "input {input:?}");
    }
}

/// Checks a pre-tokenizer whose pieces cover their input without gaps: each expected value is the pieces
/// joined by `|` and the original byte offsets of their boundaries.
pub fn check_spans<const N: usize>(
    f: impl Fn(&mut PreTokenizedString) -> Result<()>,
    inputs: &[&str; N],
    want: [(&str, &[usize]); N],
) {
    for (input, (joined, bounds)) in inputs.iter().zip(want) {
        let pieces: Vec<&str> = joined.split('|').filter(|p| !p.is_empty()).collect();
        assert_eq!(pieces.len() + 1, bounds.len().max(1), "input {input:?}");
        let expected: Pieces = pieces
            .iter()
            .zip(bounds.windows(2))
            .map(|(p, b)| (p.to_string(), (b[0], b[1])))
            .collect();
        assert_eq!(run(&f, input), expected, "input {input:?}");
    }
}
