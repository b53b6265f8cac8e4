//! The Moses text preparation transformers' XLM-family classes run before the Moses tokenizer:
//!
//! - `MosesReplaceUnicodePunct`: `replace_unicode_punct` (full-width punctuation and digits to ASCII,
//!   `。` and `．` with the whitespace after them to `. `);
//! - `MosesPunctNormalizer`: sacremoses' `MosesPunctNormalizer(lang).normalize` (penn quotes, quote and
//!   comma order, number separators), then `str.strip()`;
//! - `MosesRemoveNonPrinting`: `remove_non_printing_char` (every char of a `C*` general category).
//!
//! Each regex substitution is one pass compiled once, in sacremoses' order; every pass is linear.

use crate::error::{Error, Result};
use crate::json::Obj;
use crate::kernel::rewrite::{strip_py, Substitution, PY_SPACE};
use crate::kernel::NormalizedString;
use std::sync::Arc;
use unicode_general_category::{get_general_category, GeneralCategory};

#[derive(Debug, Clone)]
pub struct MosesPunct {
    pub lang: String,
    passes: Arc<Vec<Substitution>>,
}

fn sub(pattern: &str, replacement: &str) -> Result<Substitution> {
    Substitution::new(pattern, replacement).map_err(|e| Error::Regex {
        pattern: pattern.into(),
        message: e.to_string(),
    })
}

fn lit(text: &str, replacement: &str) -> Result<Substitution> {
    sub(&regex::escape(text), replacement)
}

impl MosesPunct {
    pub fn from_json(o: &Obj, _field: &str) -> Result<Self> {
        let lang = o.get("lang").and_then(|v| v.as_str()).unwrap_or("en");
        Self::new(lang)
    }

    /// sacremoses' normalizer with its defaults (`penn`, `norm_quote_commas`, `norm_numbers`).
    pub fn new(lang: &str) -> Result<Self> {
        let nbsp = "\u{a0}";
        let mut p = vec![
            // EXTRA_WHITESPACE
            sub(r"\r", "")?,
            sub(r"\(", " (")?,
            sub(r"\)", ") ")?,
            sub(" +", " ")?,
            sub(r"\) ([.!:?;,])", ")${1}")?,
            sub(r"\( ", "(")?,
            sub(r" \)", ")")?,
            sub(r"(\d) %", "${1}%")?,
            sub(" :", ":")?,
            sub(" ;", ";")?,
            // NORMALIZE_UNICODE_IF_NOT_PENN (added when `penn`)
            lit("`", "'")?,
            lit("''", " \" ")?,
            // NORMALIZE_UNICODE
            lit("„", "\"")?,
            lit("“", "\"")?,
            lit("”", "\"")?,
            lit("–", "-")?,
            lit("—", " - ")?,
            sub(" +", " ")?,
            lit("´", "'")?,
            sub("([a-zA-Z])‘([a-zA-Z])", "${1}'${2}")?,
            sub("([a-zA-Z])’([a-zA-Z])", "${1}'${2}")?,
            lit("‘", "'")?,
            lit("‚", "'")?,
            lit("’", "'")?,
            lit("''", "\"")?,
            lit("´´", "\"")?,
            lit("…", "...")?,
            // FRENCH_QUOTES
            lit(&format!("{nbsp}«{nbsp}"), "\"")?,
            lit(&format!("«{nbsp}"), "\"")?,
            lit("«", "\"")?,
            lit(&format!("{nbsp}»{nbsp}"), "\"")?,
            lit(&format!("{nbsp}»"), "\"")?,
            lit("»", "\"")?,
            // HANDLE_PSEUDO_SPACES
            lit(&format!("{nbsp}%"), "%")?,
            lit(&format!("nº{nbsp}"), "nº ")?,
            lit(&format!("{nbsp}:"), ":")?,
            lit(&format!("{nbsp}ºC"), " ºC")?,
            lit(&format!("{nbsp}cm"), " cm")?,
            lit(&format!("{nbsp}?"), "?")?,
            lit(&format!("{nbsp}!"), "!")?,
            lit(&format!("{nbsp};"), ";")?,
            lit(&format!(",{nbsp}"), ", ")?,
            sub(" +", " ")?,
        ];
        match lang {
            "en" => p.push(sub(r#""([,.]+)"#, "${1}\"")?),
            "de" | "es" | "fr" => {
                p.push(lit(",\"", "\",")?);
                p.push(sub(&format!(r#"(\.+)"([{PY_SPACE}]*[^<])"#), "\"${1}${2}")?);
            }
            _ => {}
        }
        let separator = if matches!(lang, "de" | "es" | "cz" | "cs" | "fr") {
            ","
        } else {
            "."
        };
        p.push(sub(r"(\d)\x{a0}(\d)", &format!("${{1}}{separator}${{2}}"))?);
        Ok(MosesPunct {
            lang: lang.to_string(),
            passes: Arc::new(p),
        })
    }

    pub fn normalize(&self, n: &mut NormalizedString) -> Result<()> {
        for pass in self.passes.iter() {
            pass.apply(n);
        }
        strip_py(n);
        Ok(())
    }
}

/// `replace_unicode_punct`: the char table, then `。\s*` / `．\s*` to `. `.
#[derive(Debug, Clone)]
pub struct ReplaceUnicodePunct {
    stops: Arc<Substitution>,
}

impl ReplaceUnicodePunct {
    pub fn new() -> Result<Self> {
        Ok(ReplaceUnicodePunct {
            stops: Arc::new(sub(&format!("[。．][{PY_SPACE}]*"), ". ")?),
        })
    }

    pub fn normalize(&self, n: &mut NormalizedString) -> Result<()> {
        // The table's replacements neither make nor take whitespace, so their order does not matter.
        if !n.as_str().is_ascii() {
            self.stops.apply(n);
            n.map_expand(|c, out| match punct(c) {
                Some(s) => out.extend(s.chars()),
                None => out.push(c),
            });
        }
        Ok(())
    }
}

fn punct(c: char) -> Option<&'static str> {
    Some(match c {
        '，' | '、' => ",",
        '”' | '“' | '《' | '》' | '」' | '「' => "\"",
        '∶' | '：' => ":",
        '？' => "?",
        '）' => ")",
        '！' => "!",
        '（' => "(",
        '；' => ";",
        '０'..='９' => {
            ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"][c as usize - '０' as usize]
        }
        '～' => "~",
        '’' => "'",
        '…' => "...",
        '━' => "-",
        '〈' => "<",
        '〉' => ">",
        '【' => "[",
        '】' => "]",
        '％' => "%",
        _ => return None,
    })
}

/// `remove_non_printing_char`: drop every char of a `C*` general category.
pub fn remove_non_printing(n: &mut NormalizedString) {
    let other = |c: char| {
        matches!(
            get_general_category(c),
            GeneralCategory::Control
                | GeneralCategory::Format
                | GeneralCategory::Surrogate
                | GeneralCategory::PrivateUse
                | GeneralCategory::Unassigned
        )
    };
    if n.as_str().chars().any(other) {
        n.filter(|c| !other(c));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(lang: &str, s: &str) -> String {
        let mut n = NormalizedString::from_original(s, 0);
        ReplaceUnicodePunct::new()
            .unwrap()
            .normalize(&mut n)
            .unwrap();
        MosesPunct::new(lang).unwrap().normalize(&mut n).unwrap();
        remove_non_printing(&mut n);
        n.as_str().to_string()
    }

    #[test]
    fn as_sacremoses_normalizes() {
        // sacremoses 0.1.1 (`MosesPunctNormalizer(lang).normalize` after `replace_unicode_punct`).
        assert_eq!(
            run("en", "«Bonjour» , dit-il ( x ) ."),
            "\"Bonjour\" , dit-il (x)."
        );
        assert_eq!(
            run("en", "a\u{a0}1\u{a0}000 ，。  x\u{200b}"),
            "a\u{a0}1.000 ,. x"
        );
        assert_eq!(run("fr", "1\u{a0}000 \"voilà\"."), "1,000 \"voilà\".");
        assert_eq!(
            run("en", "He said ``hi'' — ok…"),
            "He said \" hi \" - ok..."
        );
    }
}
