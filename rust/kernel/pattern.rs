//! A compiled pattern that behaves like the Oniguruma regexes Hugging Face uses (`SysRegex`).
//!
//! The `regex` crate is used whenever the pattern compiles there (linear time); patterns it rejects
//! (lookaround, backreferences, `\h`...) fall back to `fancy-regex`, except the common GPT-style tail
//! `|\s+(?!\S)|\s+`, whose lookahead is emulated on top of the `regex` crate. Both are compiled in multi-line
//! mode because Oniguruma's Ruby syntax makes `^`/`$` line anchors. Their `\s`, `\d`, `\p{..}` and
//! case folding agree with Oniguruma; `\w` is narrowed to Oniguruma's definition (see `onig_compat`).
//! Llama-3's and Qwen2's patterns, the most common ones after GPT-2's, run on a hand-written matcher
//! (`llama3_split`), several times faster than any regex engine on them.

use crate::error::{Error, Result};
use crate::json::{as_obj, field as sub, Obj};
use std::ops::Range;

#[derive(Debug, Clone)]
enum Engine {
    Fast(regex::Regex),
    /// `PREFIX|\s+(?!\S)|\s+` (GPT-2, Llama-3, Qwen2...) run as `(?:PREFIX)|(?P<ws>\s+)` on the
    /// `regex` crate, the lookahead applied afterwards (see `find_ws_lookahead`).
    WsLookahead(regex::Regex),
    Fancy(Box<fancy_regex::Regex>),
    /// Llama-3's or Qwen2's pattern, by the hand-written matcher (the number is digits per piece).
    Llama3(usize),
}

/// The trailing alternatives that make most GPT-style split patterns need a lookahead.
const WS_LOOKAHEAD_TAIL: &str = r"|\s+(?!\S)|\s+";

#[derive(Debug, Clone)]
pub struct Pattern {
    source: String,
    engine: Engine,
}

impl Pattern {
    /// Compile a regex written for Oniguruma; the error names the pattern.
    pub fn regex(pattern: &str) -> Result<Self> {
        if let Some(digits) = super::llama3_split::max_digits(pattern) {
            return Ok(Pattern {
                source: pattern.to_string(),
                engine: Engine::Llama3(digits),
            });
        }
        if let Some(prefix) = pattern.strip_suffix(WS_LOOKAHEAD_TAIL) {
            // The prefix must stand alone (so the tail is a top-level alternative) and need no
            // lookaround itself.
            let combined = format!("(?:{})|(?P<ws>\\s+)", onig_compat(prefix));
            let prefix_ok = regex::RegexBuilder::new(&onig_compat(prefix))
                .multi_line(true)
                .build()
                .is_ok();
            if prefix_ok {
                if let Ok(re) = regex::RegexBuilder::new(&combined).multi_line(true).build() {
                    return Ok(Pattern {
                        source: pattern.to_string(),
                        engine: Engine::WsLookahead(re),
                    });
                }
            }
        }
        let translated = onig_compat(pattern);
        let engine = match regex::RegexBuilder::new(&translated)
            .multi_line(true)
            .build()
        {
            Ok(re) => Engine::Fast(re),
            Err(_) => {
                let re = fancy_regex::Regex::new(&format!("(?m){translated}"))
                    .map_err(|e| Error::regex(pattern, e))?;
                Engine::Fancy(Box::new(re))
            }
        };
        Ok(Pattern {
            source: pattern.to_string(),
            engine,
        })
    }

    /// A pattern that matches `s` literally (Hugging Face's `{"String": s}`).
    pub fn literal(s: &str) -> Result<Self> {
        let re = regex::Regex::new(&regex::escape(s)).map_err(|e| Error::regex(s, e))?;
        Ok(Pattern {
            source: s.to_string(),
            engine: Engine::Fast(re),
        })
    }

    /// Parse the `{"String": s}` / `{"Regex": r}` object found at `o[key]`.
    pub fn from_json(o: &Obj, key: &str, parent: &str) -> Result<Self> {
        let f = sub(parent, key);
        let v = o
            .get(key)
            .ok_or_else(|| Error::config("", &f, "missing field"))?;
        let p = as_obj(v, &f)?;
        match (p.get("String"), p.get("Regex")) {
            (Some(serde_json::Value::String(s)), None) => Pattern::literal(s),
            // Name the field, not just the pattern: a file can hold several regexes.
            (None, Some(serde_json::Value::String(r))) => Pattern::regex(r).map_err(|e| match e {
                Error::Regex { pattern, message } => Error::config(
                    "",
                    sub(&f, "Regex"),
                    format!("invalid regex `{pattern}`: {message}"),
                ),
                other => other,
            }),
            _ => Err(Error::config(
                "",
                f,
                "expected {\"String\": ...} or {\"Regex\": ...} with a string",
            )),
        }
    }

    /// Whether this is the regex ` +` (runs of ASCII spaces), which fused paths may scan for by hand.
    pub fn is_space_runs(&self) -> bool {
        matches!(&self.engine, Engine::Fast(re) if re.as_str() == " +")
    }

    /// The pattern as written in the config.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Append the byte ranges of all non-overlapping matches in `text` to `out` (cleared first). As in
    /// Oniguruma's iteration, an empty match right after the previous match is not reported; as in
    /// Hugging Face, an empty text has no match at all (not even an empty one).
    pub fn find_into(&self, text: &str, out: &mut Vec<Range<usize>>) -> Result<()> {
        out.clear();
        if text.is_empty() {
            return Ok(());
        }
        match &self.engine {
            Engine::Fast(re) => out.extend(re.find_iter(text).map(|m| m.range())),
            Engine::WsLookahead(re) => find_ws_lookahead(re, text, out),
            Engine::Llama3(digits) => super::llama3_split::find_into(text, *digits, out),
            Engine::Fancy(re) => {
                for m in re.find_iter(text) {
                    let m = m.map_err(|e| Error::regex(&self.source, e))?;
                    out.push(m.range());
                }
            }
        }
        Ok(())
    }

    pub fn find_all(&self, text: &str) -> Result<Vec<Range<usize>>> {
        let mut out = Vec::new();
        self.find_into(text, &mut out)?;
        Ok(out)
    }
}

/// Matches of `(?:PREFIX)|(?P<ws>\s+)` turned into those of `PREFIX|\s+(?!\S)|\s+`. When the
/// whitespace group matched, it took the whole whitespace run (the prefix failed here). If a
/// non-whitespace char follows a run of two or more chars, Oniguruma's `\s+(?!\S)` gives the run
/// minus its last char (left for the next match, e.g. " word"); otherwise `\s+(?!\S)` or `\s+` gives
/// the whole run. Empty matches follow the usual rule: none right after the previous match.
fn find_ws_lookahead(re: &regex::Regex, text: &str, out: &mut Vec<Range<usize>>) {
    let mut pos = 0;
    let mut last_end: Option<usize> = None;
    let mut locs = re.capture_locations();
    let ws = re
        .capture_names()
        .position(|n| n == Some("ws"))
        .unwrap_or(usize::MAX);
    while pos <= text.len() {
        let Some((start, mut end)) = re.find_at(text, pos).map(|m| (m.start(), m.end())) else {
            break;
        };
        if start == end {
            if last_end != Some(end) {
                out.push(start..end);
                last_end = Some(end);
            }
            pos = end
                + text
                    .get(end..)
                    .and_then(|t| t.chars().next())
                    .map_or(1, char::len_utf8);
            continue;
        }
        let run = text.get(start..end).unwrap_or_default();
        // Index of the run's last char; > 0 means the run has two chars or more.
        let last = run.char_indices().next_back().map_or(0, |(i, _)| i);
        // Only a whitespace run of 2+ chars followed by more text can need the lookahead; the
        // (slower) capture search then tells whether the whitespace alternative matched.
        if last > 0
            && end < text.len()
            && run.chars().all(char::is_whitespace)
            && re.captures_read_at(&mut locs, text, pos).is_some()
            && locs.get(ws).is_some()
        {
            end = start + last;
        }
        out.push(start..end);
        last_end = Some(end);
        pos = end;
    }
}

/// Rewrite the constructs whose meaning differs between Oniguruma and the Rust engines: `\w`, `\W`,
/// the word boundaries `\b`, `\B`, and the Oniguruma-only `\Z`, `\uHHHH`, `\p{^X}`. Oniguruma's `\w` lacks the joiners U+200C/U+200D that Rust's has; outside a class it also
/// takes the Latin-1 superscripts and fractions (²³¹¼½¾), inside a class it does not. Measured against
/// Hugging Face over all code points.
fn onig_compat(pattern: &str) -> String {
    const WORD_IN_CLASS: &str = r"\p{Alphabetic}\p{M}\p{Nd}\p{Pc}";
    const LATIN1_EXTRA: &str = r"\xB2\xB3\xB9\xBC-\xBE";
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars();
    // Depth of `[...]` classes we are in (nested classes are allowed by both syntaxes).
    let mut class_depth = 0usize;
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(w @ ('w' | 'W')) => {
                    out.push_str(if w == 'w' { "[" } else { "[^" });
                    out.push_str(WORD_IN_CLASS);
                    if class_depth == 0 {
                        out.push_str(LATIN1_EXTRA);
                    }
                    out.push(']');
                }
                // Word boundaries follow the same word definition; spelled with lookarounds, which
                // sends the pattern to fancy-regex.
                Some(b @ ('b' | 'B')) if class_depth == 0 => {
                    let w = format!("[{WORD_IN_CLASS}{LATIN1_EXTRA}]");
                    if b == 'b' {
                        out.push_str(&format!("(?:(?<={w})(?!{w})|(?<!{w})(?={w}))"));
                    } else {
                        out.push_str(&format!("(?:(?<={w})(?={w})|(?<!{w})(?!{w}))"));
                    }
                }
                // End of text or before a final newline (Rust has no `\Z`).
                Some('Z') if class_depth == 0 => out.push_str(r"(?=\n?\z)"),
                // `\uHHHH` is Ruby syntax for `\x{HHHH}`.
                Some('u') => {
                    let hex: String = chars.clone().take(4).collect();
                    if hex.len() == 4 && hex.chars().all(|h| h.is_ascii_hexdigit()) {
                        out.push_str(&format!("\\x{{{hex}}}"));
                        chars.nth(3);
                    } else {
                        out.push_str("\\u");
                    }
                }
                // `\p{^X}` is Oniguruma's spelling of `\P{X}`.
                Some(p @ ('p' | 'P')) if chars.as_str().starts_with("{^") => {
                    out.push('\\');
                    out.push(if p == 'p' { 'P' } else { 'p' });
                    out.push('{');
                    chars.nth(1);
                }
                Some(other) => {
                    out.push('\\');
                    out.push(other);
                }
                None => out.push('\\'),
            },
            '[' => {
                class_depth += 1;
                out.push(c);
            }
            ']' if class_depth > 0 => {
                class_depth -= 1;
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, s: &str) -> Vec<&'static str> {
        let pat = Pattern::regex(p).unwrap();
        let r = pat.find_all(s).unwrap();
        r.into_iter()
            .map(|r| &*Box::leak(s[r].to_string().into_boxed_str()))
            .collect()
    }

    #[test]
    fn falls_back_for_lookaround_and_names_bad_patterns() {
        assert!(matches!(
            Pattern::regex(r"\s+(?!\S)").unwrap().engine,
            Engine::Fancy(_)
        ));
        assert!(matches!(
            Pattern::regex(r"\p{L}+").unwrap().engine,
            Engine::Fast(_)
        ));
        let err = Pattern::regex("(ab").unwrap_err().to_string();
        assert!(err.contains("(ab"), "{err}");
    }

    #[test]
    fn space_runs_is_the_regex_only() {
        assert!(Pattern::regex(" +").unwrap().is_space_runs());
        assert!(!Pattern::literal(" +").unwrap().is_space_runs());
        assert!(!Pattern::regex(" ").unwrap().is_space_runs());
        assert!(!Pattern::regex(r"\s+").unwrap().is_space_runs());
    }

    // Expected values from Hugging Face tokenizers 0.23.3 (Split pre-tokenizer, Oniguruma).
    #[test]
    fn onig_semantics() {
        // `^`/`$` are line anchors; `\A` is the text start.
        assert_eq!(m("^a", "a\na"), ["a", "a"]);
        assert_eq!(m("a$", "a\na"), ["a", "a"]);
        assert_eq!(m(r"\Aa", "a\na"), ["a"]);
        // Oniguruma's \w: Roman numerals and circled letters in, joiners out, Latin-1 superscripts in.
        assert_eq!(
            m(r"\w+", "aⅠbⒶc\u{200d}d\u{301}_²"),
            ["aⅠbⒶc", "d\u{301}_²"]
        );
        assert_eq!(m(r"[\w]+", "aⅠb\u{200c}"), ["aⅠb"]);
        assert_eq!(m(r"\W+", "aⅠb\u{200c}¼"), ["\u{200c}"]);
        assert_eq!(m(r"\w+(?=!)", "ab\u{200c}! c²!"), ["c²"]);
        // Word boundaries use Oniguruma's word chars too.
        let at = |p: &str, s: &str| Pattern::regex(p).unwrap().find_all(s).unwrap();
        assert_eq!(at(r"\bx", "²x \u{200d}x Ⅻx ax x"), [7..8, 17..18]);
        assert_eq!(at(r"\Bx", "²x \u{200d}x ax"), [2..3, 10..11]);
        // Oniguruma-only syntax.
        assert_eq!(at(r"a\Z", "a\na"), vec![2..3]);
        assert_eq!(at(r"a\Z", "aa\n"), vec![1..2]);
        assert!(at(r"a\Z", "a\n\n").is_empty());
        assert_eq!(m(r"\p{^L}+", "ab12cd!"), ["12", "!"]);
        assert_eq!(m(r"[\p{^L}]+", "ab12cd!"), ["12", "!"]);
        assert_eq!(m(r"\u00e9+", "aéé"), ["éé"]);
        assert_eq!(m(r"[\u00e9x]+", "aééx"), ["ééx"]);
        assert_eq!(m(r"\h+", "xfF09g"), ["fF09"]);
        // ... but inside a class the superscripts are not word chars.
        assert_eq!(m(r"[^\w\s]+", "a-²\u{200b} ¼b"), ["-²\u{200b}", "¼"]);
        assert_eq!(m("(?i:'s|'t)", "'S 'ſ 'T"), ["'S", "'ſ", "'T"]);
    }
}
