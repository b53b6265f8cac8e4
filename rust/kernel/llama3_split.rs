//! A hand-written matcher for the pre-tokenization regex of Llama-3 and Qwen2 (they differ in how many
//! digits a number piece takes):
//! `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`.
//! Every char is a letter, number, whitespace or other, and some alternative takes each class, so the
//! matches tile the text; `match_end` gives the end of the match starting at a position, following the
//! regex's leftmost-first alternation and backtracking. Char classes are those of `gpt2_split`
//! (differentially tested against Hugging Face on every code point).

use super::gpt2_split::{at, run, ws_lookahead_end, Class};
use std::ops::Range;

/// The patterns, as written in Llama-3's and Qwen2's tokenizer.json.
pub const LLAMA3: &str = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";
pub const QWEN2: &str = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

/// Digits a number piece may take, if `pattern` is one of the two.
pub fn max_digits(pattern: &str) -> Option<usize> {
    match pattern {
        LLAMA3 => Some(3),
        QWEN2 => Some(1),
        _ => None,
    }
}

/// End of `(?i:'s|'t|'re|'ve|'m|'ll|'d)` at `i` (an apostrophe), if it matches. Case-insensitive
/// as the regex engines fold it: `s` also matches `S` and `ſ` (U+017F, which folds to `s`).
fn contraction(b: &[u8], i: usize) -> Option<usize> {
    let lower = |k: usize| b.get(k).map(u8::to_ascii_lowercase);
    match lower(i + 1)? {
        b's' | b't' | b'm' | b'd' => Some(i + 2),
        b'r' | b'v' if lower(i + 2) == Some(b'e') => Some(i + 3),
        b'l' if lower(i + 2) == Some(b'l') => Some(i + 3),
        0xC5 if b.get(i + 2) == Some(&0xBF) => Some(i + 3),
        _ => None,
    }
}

/// End of the run of `\r` / `\n` bytes starting at `i`.
fn crlf_run(b: &[u8], mut i: usize) -> usize {
    while matches!(b.get(i), Some(b'\r' | b'\n')) {
        i += 1;
    }
    i
}

/// End of the match starting at byte `i` of `s` (`i < s.len()`, a char boundary).
pub fn match_end(s: &str, i: usize, max_digits: usize) -> usize {
    let b = s.as_bytes();
    let Some((class, n)) = at(s, i) else {
        return s.len();
    };
    let first = b.get(i).copied().unwrap_or(0);
    if first == b'\'' {
        if let Some(end) = contraction(b, i) {
            return end;
        }
    }
    // `[^\r\n\p{L}\p{N}]?\p{L}+`: letters, or one char of another kind glued to the letters after it.
    if class == Class::Letter {
        return run(s, i + n, Class::Letter);
    }
    if class != Class::Number && first != b'\r' && first != b'\n' {
        if let Some((Class::Letter, m)) = at(s, i + n) {
            return run(s, i + n + m, Class::Letter);
        }
    }
    match class {
        Class::Number => {
            let mut end = i + n;
            for _ in 1..max_digits {
                match at(s, end) {
                    Some((Class::Number, m)) => end += m,
                    _ => break,
                }
            }
            return end;
        }
        // ` ?[^\s\p{L}\p{N}]+[\r\n]*`
        Class::Other => return crlf_run(b, run(s, i + n, Class::Other)),
        _ => {}
    }
    if first == b' ' {
        if let Some((Class::Other, m)) = at(s, i + 1) {
            return crlf_run(b, run(s, i + 1 + m, Class::Other));
        }
    }
    // Whitespace. `\s*[\r\n]+` backtracks to the last line break of the run.
    let end = run(s, i, Class::Space);
    let run_bytes = b.get(i..end).unwrap_or_default();
    if let Some(k) = run_bytes.iter().rposition(|&c| c == b'\r' || c == b'\n') {
        return i + k + 1;
    }
    ws_lookahead_end(s, i, end)
}

/// The matches of the pattern in `s` (they tile it), appended to `out`.
pub fn find_into(s: &str, max_digits: usize, out: &mut Vec<Range<usize>>) {
    let mut pos = 0;
    while pos < s.len() {
        let end = match_end(s, pos, max_digits).max(pos + 1).min(s.len());
        out.push(pos..end);
        pos = end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference(re: &fancy_regex::Regex, s: &str) -> Vec<Range<usize>> {
        re.find_iter(s)
            .filter_map(|m| m.ok())
            .map(|m| m.range())
            .collect()
    }

    fn ours(s: &str, digits: usize) -> Vec<Range<usize>> {
        let mut v = Vec::new();
        find_into(s, digits, &mut v);
        v
    }

    #[test]
    fn known_cases() {
        // Pieces checked with Hugging Face's Split(LLAMA3, isolated) (tokenizers 0.23.3).
        let s = "Hello world's  20245 !!\n\n  x\t'LL 'll (foo) 'ſ\r\nx'ſt";
        let got: Vec<&str> = ours(s, 3).into_iter().filter_map(|r| s.get(r)).collect();
        assert_eq!(
            got,
            [
                "Hello", " world", "'s", " ", " ", "202", "45", " !!\n\n", " ", " x", "\t", "'LL",
                " '", "ll", " (", "foo", ")", " '", "ſ", "\r\n", "x", "'ſ", "t"
            ]
        );
    }

    #[test]
    fn pattern_names() {
        assert_eq!(max_digits(LLAMA3), Some(3));
        assert_eq!(max_digits(QWEN2), Some(1));
        assert_eq!(max_digits(r"\s+"), None);
    }

    /// Differential test against fancy-regex on random strings over an adversarial alphabet.
    #[test]
    fn differential_random() {
        let alphabet = " \t\n\r\u{a0}\u{3000}'sSſtTrRevVElLmMdDx1٣Ⅻ²é日!?-_\u{301}\u{200b}😀\u{85}\u{2028}\u{b}";
        let strings = crate::kernel::test_util::random_strings(alphabet, 23, 4000);
        for (pattern, digits) in [(LLAMA3, 3), (QWEN2, 1)] {
            let re = fancy_regex::Regex::new(pattern).unwrap_or_else(|e| panic!("{e}"));
            for s in &strings {
                assert_eq!(ours(s, digits), reference(&re, s), "{s:?}");
            }
        }
    }

    #[test]
    fn every_codepoint_class_matches_regex() {
        // One char in several contexts exercises its class in all alternatives.
        for (pattern, digits) in [(LLAMA3, 3), (QWEN2, 1)] {
            let re = fancy_regex::Regex::new(pattern).unwrap_or_else(|e| panic!("{e}"));
            for cp in (0u32..0x3_0000).step_by(11).chain(0..0x3000) {
                let Some(c) = char::from_u32(cp) else {
                    continue;
                };
                let s = format!("a{c}b {c}{c}1{c} '{c}\n{c}");
                assert_eq!(ours(&s, digits), reference(&re, &s), "U+{cp:04X}");
            }
        }
    }
}
