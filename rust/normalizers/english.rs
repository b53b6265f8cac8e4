//! CLVP's English text cleaner (transformers' `EnglishNormalizer`, which `ClvpTokenizer` runs on every
//! piece of text between added tokens before its byte-level BPE): non-ASCII chars dropped, lower case,
//! numbers spelled out (commas in numbers, dollar amounts, decimal points, ordinals, years), abbreviations
//! expanded, whitespace runs collapsed to one space and double quotes dropped.
//!
//! Each of transformers' regex substitutions is one left-to-right pass here, in the same order, so a
//! pass sees what the previous one wrote (as `re.sub` calls in a row do). Every pass is linear. A
//! replaced span's chars all take the original range of the whole span (transformers' Python class has
//! no offsets to follow).

use crate::kernel::rewrite::splice;
use crate::kernel::NormalizedString;
use std::ops::Range;

/// `\bX\.` → replacement, matched on whole words (the text is lower-case ASCII by then).
const ABBREVIATIONS: [(&str, &str); 18] = [
    ("mrs", "misess"),
    ("mr", "mister"),
    ("dr", "doctor"),
    ("st", "saint"),
    ("co", "company"),
    ("jr", "junior"),
    ("maj", "major"),
    ("gen", "general"),
    ("drs", "doctors"),
    ("rev", "reverend"),
    ("lt", "lieutenant"),
    ("hon", "honorable"),
    ("sgt", "sergeant"),
    ("capt", "captain"),
    ("esq", "esquire"),
    ("ltd", "limited"),
    ("col", "colonel"),
    ("ft", "fort"),
];

const ONES: [&str; 10] = [
    "", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
];
const TEENS: [&str; 10] = [
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];
const TENS: [&str; 10] = [
    "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];
/// (scale, name) from the largest; numbers from 10^18 up are "number out of range".
const SCALES: [(u64, &str); 5] = [
    (1_000_000_000_000_000, " quadrillion"),
    (1_000_000_000_000, " trillion"),
    (1_000_000_000, " billion"),
    (1_000_000, " million"),
    (1_000, " thousand"),
];

type Replacements = Vec<(Range<usize>, String)>;

/// Apply transformers' `EnglishNormalizer.__call__` to `n`.
pub fn normalize(n: &mut NormalizedString) {
    if !n.as_str().is_ascii() {
        n.filter(|c| c.is_ascii());
    }
    n.lowercase();
    rewrite(n, digit_comma_runs);
    // `£([0-9,]*[0-9])` never matches: the ASCII filter has already dropped `£`.
    rewrite(n, dollars);
    rewrite(n, decimal_points);
    rewrite(n, ordinals);
    rewrite(n, numbers);
    rewrite(n, abbreviations);
    rewrite(n, whitespace_runs);
    if n.as_str().contains('"') {
        n.filter(|c| c != '"');
    }
}

/// Run one pass: `find` lists the spans to replace (sorted, disjoint), then they are spliced in.
fn rewrite(n: &mut NormalizedString, find: fn(&[u8], &mut Replacements)) {
    let mut found = Vec::new();
    find(n.as_str().as_bytes(), &mut found);
    if !found.is_empty() {
        splice(n, &found);
    }
}

/// End of the run of bytes from `i` for which `f` holds.
/// Calls `at(i)` at each position whose byte passes `first`, left to right; `at` returns where the scan
/// goes on (past what it replaced).
fn scan(s: &[u8], first: impl Fn(u8) -> bool, mut at: impl FnMut(usize) -> usize) {
    let mut i = 0;
    while i < s.len() {
        i = if first(s[i]) { at(i).max(i + 1) } else { i + 1 };
    }
}

fn run_end(s: &[u8], mut i: usize, f: impl Fn(u8) -> bool) -> usize {
    while i < s.len() && f(s[i]) {
        i += 1;
    }
    i
}

/// `([0-9][0-9,]+[0-9])` → the digits without commas: in each run of digits and commas, the commas
/// between its first and last digit go.
fn digit_comma_runs(s: &[u8], out: &mut Replacements) {
    scan(
        s,
        |b| b.is_ascii_digit(),
        |i| {
            let end = run_end(s, i, |b| b.is_ascii_digit() || b == b',');
            let last = (i..end).rev().find(|&j| s[j].is_ascii_digit()).unwrap_or(i) + 1;
            if s[i..last].contains(&b',') {
                let digits = s[i..last]
                    .iter()
                    .filter(|b| **b != b',')
                    .map(|&b| b as char);
                out.push((i..last, digits.collect()));
            }
            end
        },
    );
}

/// `\$([0-9.,]*[0-9])` → dollars and cents (transformers' `_expand_dollars`).
fn dollars(s: &[u8], out: &mut Replacements) {
    scan(
        s,
        |b| b == b'$',
        |i| {
            let end = run_end(s, i + 1, |b| b.is_ascii_digit() || b == b'.' || b == b',');
            let Some(last) = (i + 1..end).rev().find(|&j| s[j].is_ascii_digit()) else {
                return i + 1;
            };
            // ASCII bytes, so always valid UTF-8.
            let amount = std::str::from_utf8(&s[i + 1..=last]).unwrap_or_default();
            out.push((i..last + 1, spell_dollars(amount)));
            last + 1
        },
    );
}

fn spell_dollars(amount: &str) -> String {
    let parts: Vec<&str> = amount.split('.').collect();
    if parts.len() > 2 {
        return format!("{amount} dollars");
    }
    // transformers' `int()` raises on a comma left in a part (`$1,.5`); ferrotok skips the comma.
    let value = |p: &str| -> String {
        let digits = p.trim_start_matches(['0', ',']).replace(',', "");
        if digits.is_empty() {
            "0".into()
        } else {
            digits
        }
    };
    let dollars = value(parts[0]);
    let cents = value(parts.get(1).copied().unwrap_or(""));
    let unit = |v: &str, one: &'static str, many: &'static str| if v == "1" { one } else { many };
    match (dollars != "0", cents != "0") {
        (true, true) => format!(
            "{dollars} {}, {cents} {}",
            unit(&dollars, "dollar", "dollars"),
            unit(&cents, "cent", "cents")
        ),
        (true, false) => format!("{dollars} {}", unit(&dollars, "dollar", "dollars")),
        (false, true) => format!("{cents} {}", unit(&cents, "cent", "cents")),
        (false, false) => "zero dollars".into(),
    }
}

/// `([0-9]++\.[0-9]+)` → the point spelled ` point `.
fn decimal_points(s: &[u8], out: &mut Replacements) {
    scan(
        s,
        |b| b.is_ascii_digit(),
        |i| {
            let dot = run_end(s, i, |b| b.is_ascii_digit());
            if dot + 1 < s.len() && s[dot] == b'.' && s[dot + 1].is_ascii_digit() {
                out.push((dot..dot + 1, " point ".into()));
                run_end(s, dot + 1, |b| b.is_ascii_digit())
            } else {
                dot
            }
        },
    );
}

/// `[0-9]++(st|nd|rd|th)` → the number spelled out with the suffix its value takes (`1th` is `onest`).
fn ordinals(s: &[u8], out: &mut Replacements) {
    scan(
        s,
        |b| b.is_ascii_digit(),
        |i| {
            let end = run_end(s, i, |b| b.is_ascii_digit());
            let suffixed = matches!(s.get(end..end + 2), Some(b"st" | b"nd" | b"rd" | b"th"));
            if suffixed {
                let mut words = String::new();
                let value = parse(&s[i..end]);
                spell(value, &mut words);
                // The last two digits decide, as `num % 100` does.
                let last_two = s[i..end]
                    .iter()
                    .rev()
                    .take(2)
                    .rev()
                    .fold(0u32, |v, b| v * 10 + u32::from(b - b'0'));
                words.push_str(match (last_two, last_two % 10) {
                    (10..=20, _) => "th",
                    (_, 1) => "st",
                    (_, 2) => "nd",
                    (_, 3) => "rd",
                    _ => "th",
                });
                out.push((i..end + 2, words));
                end + 2
            } else {
                end
            }
        },
    );
}

/// `[0-9]+` → the number spelled out, years between 1000 and 3000 read as years (transformers'
/// `_expand_number`).
fn numbers(s: &[u8], out: &mut Replacements) {
    scan(
        s,
        |b| b.is_ascii_digit(),
        |i| {
            let end = run_end(s, i, |b| b.is_ascii_digit());
            let mut words = String::new();
            match parse(&s[i..end]) {
                Some(2000) => words.push_str("two thousand"),
                Some(n @ 2001..=2009) => {
                    words.push_str("two thousand ");
                    spell(Some(n % 100), &mut words);
                }
                Some(n @ 1001..=2999) if n % 100 == 0 => {
                    spell(Some(n / 100), &mut words);
                    words.push_str(" hundred");
                }
                value => spell(value, &mut words),
            }
            out.push((i..end, words));
            end
        },
    );
}

/// The value of a run of ASCII digits; `None` from 10^18 up (out of transformers' range).
fn parse(digits: &[u8]) -> Option<u64> {
    let start = digits
        .iter()
        .position(|&b| b != b'0')
        .unwrap_or(digits.len());
    let digits = &digits[start..];
    if digits.len() > 18 {
        return None;
    }
    Some(
        digits
            .iter()
            .fold(0u64, |v, &b| v * 10 + u64::from(b - b'0')),
    )
}

/// transformers' `number_to_words`.
fn spell(value: Option<u64>, out: &mut String) {
    let Some(n) = value else {
        out.push_str("number out of range");
        return;
    };
    match n {
        0 => out.push_str("zero"),
        1..=9 => out.push_str(ONES[n as usize]),
        10..=19 => out.push_str(TEENS[n as usize - 10]),
        20..=99 => {
            out.push_str(TENS[n as usize / 10]);
            if n % 10 != 0 {
                out.push('-');
                spell(Some(n % 10), out);
            }
        }
        100..=999 => {
            out.push_str(ONES[n as usize / 100]);
            out.push_str(" hundred");
            if n % 100 != 0 {
                out.push(' ');
                spell(Some(n % 100), out);
            }
        }
        _ => {
            let (scale, name) = SCALES
                .iter()
                .copied()
                .find(|(scale, _)| n >= *scale)
                .unwrap_or(SCALES[4]);
            spell(Some(n / scale), out);
            out.push_str(name);
            if n % scale != 0 {
                out.push_str(", ");
                spell(Some(n % scale), out);
            }
        }
    }
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// `\bX\.` for each abbreviation X: a whole word followed by a dot. (transformers runs one substitution
/// per abbreviation; no replacement ends in a dot, so one pass gives the same text.)
fn abbreviations(s: &[u8], out: &mut Replacements) {
    let mut i = 0;
    while i < s.len() {
        if !is_word(s[i]) {
            i += 1;
            continue;
        }
        let end = run_end(s, i, is_word);
        if s.get(end) == Some(&b'.') {
            let word = &s[i..end];
            if let Some((_, long)) = ABBREVIATIONS.iter().find(|(a, _)| a.as_bytes() == word) {
                out.push((i..end + 1, (*long).into()));
            }
        }
        i = end;
    }
}

/// Python's `\s` on ASCII text: the C whitespace chars and the separators 0x1C-0x1F.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t'..=b'\r' | 0x1c..=0x1f)
}

/// `\s+` → one space.
fn whitespace_runs(s: &[u8], out: &mut Replacements) {
    let mut i = 0;
    while i < s.len() {
        if !is_space(s[i]) {
            i += 1;
            continue;
        }
        let end = run_end(s, i, is_space);
        if end - i > 1 || s[i] != b' ' {
            out.push((i..end, " ".into()));
        }
        i = end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clean(s: &str) -> String {
        let mut n = NormalizedString::from_original(s, 0);
        normalize(&mut n);
        n.as_str().to_string()
    }

    // Expected values from transformers 5.24's `EnglishNormalizer()(text)`.
    #[test]
    fn spells_numbers_as_transformers_does() {
        let cases = [
            ("I have $1.50 and 3 cats", "i have one dollar, fifty cents and three cats"),
            ("In 1999, 2000 and 2005 we met", "in one thousand, nine hundred ninety-nine, two thousand and two thousand five we met"),
            ("1,234,567 people", "one million, two hundred thirty-four thousand, five hundred sixty-seven people"),
            ("the 1st 2nd 3rd 4th 11th 21st 112th", "the onest twond threerd fourth eleventh twenty-onest one hundred twelveth"),
            ("pi is 3.14159", "pi is three point fourteen thousand, one hundred fifty-nine"),
            ("$0.01 $1 $2 $.5 $0 $1.2.3", "one cent one dollar two dollars five cents zero dollars one point two.three dollars"),
            ("1500 2100 2010 007", "fifteen hundred twenty-one hundred two thousand, ten seven"),
            ("1000000000000000000", "number out of range"),
        ];
        for (text, want) in cases {
            assert_eq!(clean(text), want, "{text}");
        }
    }

    #[test]
    fn abbreviations_whitespace_quotes_and_non_ascii() {
        assert_eq!(
            clean("Mr. Smith and Dr.Who, St. X; mr.mr. a_mr. \"Ltd.\""),
            "mister smith and doctorwho, saint x; mistermister a_mr. limited"
        );
        assert_eq!(clean("  a\t\n\x1cb  café ☃ "), " a b caf ");
        assert_eq!(clean(""), "");
    }

    #[test]
    fn a_replacement_takes_the_whole_span() {
        let mut n = NormalizedString::from_original("é 12", 0);
        normalize(&mut n);
        assert_eq!(n.as_str(), " twelve");
        assert_eq!(n.original_range(0..1), (2, 3));
        assert_eq!(n.original_range(1..7), (3, 5));
    }
}
