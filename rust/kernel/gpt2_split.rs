//! A hand-written matcher for GPT-2's pre-tokenization regex
//! `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`.
//! The alternatives cover every char, so the matches tile the text; `match_end` gives the end of the
//! match that starts at a position, with the regex's leftmost-first alternation and backtracking.

use unicode_general_category::{get_general_category, GeneralCategory as G};

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Class {
    Letter,
    Number,
    Space,
    Other,
}

/// Classes of the ASCII bytes, looked up on the hot path.
const ASCII: [Class; 128] = ascii_table();

const fn ascii_table() -> [Class; 128] {
    let mut t = [Class::Other; 128];
    let mut b = 0u8;
    while b < 128 {
        t[b as usize] = if b.is_ascii_alphabetic() {
            Class::Letter
        } else if b.is_ascii_digit() {
            Class::Number
        } else if matches!(b, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r') {
            Class::Space
        } else {
            Class::Other
        };
        b += 1;
    }
    t
}

#[inline]
fn classify(c: char) -> Class {
    if let Some(&k) = ASCII.get(c as usize) {
        return k;
    }
    if c.is_whitespace() {
        return Class::Space;
    }
    match get_general_category(c) {
        G::UppercaseLetter
        | G::LowercaseLetter
        | G::TitlecaseLetter
        | G::ModifierLetter
        | G::OtherLetter => Class::Letter,
        G::DecimalNumber | G::LetterNumber | G::OtherNumber => Class::Number,
        _ => Class::Other,
    }
}

/// Class and byte length of the char at byte `i` (which must be a char boundary).
#[inline]
pub(crate) fn at(s: &str, i: usize) -> Option<(Class, usize)> {
    let b = *s.as_bytes().get(i)?;
    if let Some(&c) = ASCII.get(b as usize) {
        return Some((c, 1));
    }
    let c = s.get(i..)?.chars().next()?;
    Some((classify(c), c.len_utf8()))
}

/// End of the run of chars of class `k` starting at `i`.
#[inline]
pub(crate) fn run(s: &str, mut i: usize, k: Class) -> usize {
    let bytes = s.as_bytes();
    while let Some(&b) = bytes.get(i) {
        if let Some(&c) = ASCII.get(b as usize) {
            if c != k {
                break;
            }
            i += 1;
        } else {
            match at(s, i) {
                Some((c, n)) if c == k => i += n,
                _ => break,
            }
        }
    }
    i
}

/// End of the GPT-2 match starting at byte `i` of `s` (`i < s.len()`, a char boundary).
pub fn match_end(s: &str, i: usize) -> usize {
    let bytes = s.as_bytes();
    let Some((class, n)) = at(s, i) else {
        return s.len();
    };
    if bytes[i] == b'\'' {
        match (bytes.get(i + 1), bytes.get(i + 2)) {
            (Some(b's' | b't' | b'm' | b'd'), _) => return i + 2,
            (Some(b'r'), Some(b'e')) | (Some(b'v'), Some(b'e')) | (Some(b'l'), Some(b'l')) => {
                return i + 3
            }
            _ => {}
        }
    }
    match class {
        Class::Letter | Class::Number | Class::Other => run(s, i + n, class),
        Class::Space => {
            // ` ?X+`: a single ASCII space glued to the run of letters/numbers/others after it.
            if bytes[i] == b' ' {
                if let Some((next, m)) = at(s, i + 1) {
                    if next != Class::Space {
                        return run(s, i + 1 + m, next);
                    }
                }
            }
            ws_lookahead_end(s, i, run(s, i + n, Class::Space))
        }
    }
}

/// End of `\s+(?!\S)|\s+` at `i`, given the end of the whitespace run there: the lookahead gives back
/// the run's last char when a non-space follows a run of two or more; `\s+` takes a lone one.
pub(crate) fn ws_lookahead_end(s: &str, i: usize, end: usize) -> usize {
    if end == s.len() {
        return end;
    }
    let last = last_char_start(s, end);
    if last > i {
        last
    } else {
        end
    }
}

/// Byte index of the char that ends at `end`.
fn last_char_start(s: &str, end: usize) -> usize {
    let bytes = s.as_bytes();
    let mut j = end.saturating_sub(1);
    while j > 0 && (bytes[j] & 0xC0) == 0x80 {
        j -= 1;
    }
    j
}

/// Iterator over the byte ranges of the GPT-2 pieces of `s`.
pub struct Pieces<'a> {
    s: &'a str,
    pos: usize,
}

pub fn pieces(s: &str) -> Pieces<'_> {
    Pieces { s, pos: 0 }
}

impl Iterator for Pieces<'_> {
    type Item = (usize, usize);
    #[inline]
    fn next(&mut self) -> Option<(usize, usize)> {
        if self.pos >= self.s.len() {
            return None;
        }
        let start = self.pos;
        let end = match_end(self.s, start).max(start + 1).min(self.s.len());
        self.pos = end;
        Some((start, end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PATTERN: &str =
        r"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    fn reference(re: &fancy_regex::Regex, s: &str) -> Vec<(usize, usize)> {
        re.find_iter(s)
            .map(|m| m.unwrap())
            .map(|m| (m.start(), m.end()))
            .collect()
    }

    fn ours(s: &str) -> Vec<(usize, usize)> {
        pieces(s).collect()
    }

    #[test]
    fn known_cases() {
        // Pieces checked with Hugging Face's ByteLevel pre-tokenizer (tokenizers 0.23.3).
        let s = "Hello world's  2024 !!\n\n  x\t'LL 'll";
        let got: Vec<&str> = ours(s).iter().map(|&(a, b)| &s[a..b]).collect();
        assert_eq!(
            got,
            [
                "Hello", " world", "'s", " ", " 2024", " !!", "\n\n ", " x", "\t", "'", "LL", " '",
                "ll"
            ]
        );
    }

    /// Differential test against fancy-regex on random strings over an adversarial alphabet.
    #[test]
    fn differential_random() {
        let alphabet = " \t\n\r\u{a0}\u{3000}'sStrevlmdx1٣Ⅻ²é日!?-_\u{301}\u{200b}😀\u{85}\u{2028}";
        let re = fancy_regex::Regex::new(PATTERN).unwrap();
        for s in crate::kernel::test_util::random_strings(alphabet, 23, 3000) {
            assert_eq!(ours(&s), reference(&re, &s), "{s:?}");
        }
    }

    #[test]
    fn every_codepoint_class_matches_regex() {
        // One char between two letters exercises its class in all alternatives.
        let re = fancy_regex::Regex::new(PATTERN).unwrap();
        for cp in (0u32..0x3_0000).step_by(7).chain(0..0x3000) {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            let s = format!("a{c}b {c}{c}");
            let r: Vec<(usize, usize)> = re
                .find_iter(&s)
                .map(|m| m.unwrap())
                .map(|m| (m.start(), m.end()))
                .collect();
            assert_eq!(ours(&s), r, "U+{cp:04X}");
        }
    }
}
