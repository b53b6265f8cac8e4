//! A compiled pattern that behaves like the Oniguruma regexes Hugging Face uses (`SysRegex`).
//!
//! The `regex` crate is used whenever the pattern compiles there (linear time); patterns it rejects
//! (lookaround, backreferences, `\h`...) fall back to `fancy-regex`. Both are compiled in multi-line
//! mode because Oniguruma's Ruby syntax makes `^`/`$` line anchors. Their `\s`, `\d`, `\p{..}` and
//! case folding agree with Oniguruma; `\w` is narrowed to Oniguruma's definition (see `onig_compat`).

use crate::error::{Error, Result};
use crate::loading::json::{as_obj, field as sub, Obj};
use std::ops::Range;

#[derive(Debug, Clone)]
enum Engine {
    Fast(regex::Regex),
    Fancy(Box<fancy_regex::Regex>),
}

#[derive(Debug, Clone)]
pub struct Pattern {
    source: String,
    engine: Engine,
}

impl Pattern {
    /// Compile a regex written for Oniguruma; the error names the pattern.
    pub fn regex(pattern: &str) -> Result<Self> {
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
            (None, Some(serde_json::Value::String(r))) => Pattern::regex(r),
            _ => Err(Error::config(
                "",
                f,
                "expected {\"String\": ...} or {\"Regex\": ...} with a string",
            )),
        }
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
