//! The Moses detokenizer as BioGPT decodes with it: each token's spaces dropped and its word-end suffix
//! (`</w>`) made a space, the text cut into words, then sacremoses' `MosesDetokenizer(lang).detokenize`
//! (dash splits joined, XML entities unescaped, punctuation, quotes, currency symbols, contractions and
//! CJK words attached by its rules). Currency symbols and letters are Perl's lists from the installed
//! `sacremoses` package (`kernel::moses_data`). Linear in the text.

use crate::error::Result;
use crate::json::Obj;
use crate::kernel::moses_data::{CharSet, DetokenizerData};
use crate::kernel::rewrite::is_py_space;
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct MosesDetokenizer {
    pub lang: String,
    pub suffix: String,
    data: Arc<DetokenizerData>,
}

/// sacremoses' CJK ranges (Unicode blocks from Hangul Jamo to CJK Extension B), each open at both
/// ends as its `is_cjk` tests them.
const CJK: [(u32, u32); 11] = [
    (4352, 4607),
    (11904, 42191),
    (43072, 43135),
    (44032, 55215),
    (63744, 64255),
    (65072, 65103),
    (65381, 65500),
    (94208, 101119),
    (110592, 110895),
    (110960, 111359),
    (131072, 196607),
];

fn is_cjk(c: char) -> bool {
    let c = u32::from(c);
    for (start, end) in CJK {
        if c < end {
            return c > start;
        }
    }
    false
}

/// XML entities sacremoses unescapes, in its order.
const UNESCAPE: [(&str, &str); 11] = [
    ("&bar;", "|"),
    ("&#124;", "|"),
    ("&lt;", "<"),
    ("&gt;", ">"),
    ("&bra;", "["),
    ("&ket;", "]"),
    ("&quot;", "\""),
    ("&apos;", "'"),
    ("&#91;", "["),
    ("&#93;", "]"),
    ("&amp;", "&"),
];

impl MosesDetokenizer {
    pub fn from_json(o: &Obj, field: &str) -> Result<Self> {
        let lang = o.get("lang").and_then(|v| v.as_str()).unwrap_or("en");
        let suffix = o.get("suffix").and_then(|v| v.as_str()).unwrap_or("</w>");
        let data = DetokenizerData::load().map_err(|e| match e {
            crate::error::Error::Argument { message, .. } => {
                crate::error::Error::config("", field, message)
            }
            e => e,
        })?;
        Ok(Self::new(lang, suffix, data))
    }

    pub fn new(lang: &str, suffix: &str, data: DetokenizerData) -> Self {
        MosesDetokenizer {
            lang: lang.to_string(),
            suffix: suffix.to_string(),
            data: Arc::new(data),
        }
    }

    /// The whole text as one piece (the detokenizer looks at every word's neighbours).
    pub fn decode_chain(&self, tokens: Vec<String>) -> Result<Vec<String>> {
        let mut joined = String::new();
        for t in &tokens {
            let t: String = t.chars().filter(|&c| c != ' ').collect();
            if self.suffix.is_empty() {
                joined.push_str(&t);
            } else {
                joined.push_str(&t.replace(&self.suffix, " "));
            }
        }
        let words: Vec<&str> = joined
            .split(is_py_space)
            .filter(|w| !w.is_empty())
            .collect();
        Ok(vec![self.detokenize(&words)])
    }

    /// sacremoses' `detokenize(tokens)` (unescape on).
    pub fn detokenize(&self, words: &[&str]) -> String {
        let mut text = format!(" {} ", words.join(" ")).replace(" @-@ ", "-");
        for (entity, c) in UNESCAPE {
            if text.contains(entity) {
                text = text.replace(entity, c);
            }
        }
        let tokens: Vec<&str> = text.split(is_py_space).filter(|w| !w.is_empty()).collect();
        let lang = self.lang.as_str();
        let alpha = &self.data.alpha;
        let mut out = String::with_capacity(text.len());
        let mut prepend = " ";
        // Counts of `'`, `"`, `` ` `` and `` `` `` quotes seen (sacremoses' `quote_counts`).
        let mut quotes: Vec<(String, usize)> = Vec::new();
        for (i, &token) in tokens.iter().enumerate() {
            let first = token.chars().next().unwrap_or(' ');
            if is_cjk(first) && lang != "ko" {
                let after_cjk = i > 0 && tokens[i - 1].chars().last().is_some_and(is_cjk);
                if !after_cjk {
                    out.push_str(prepend);
                }
                out.push_str(token);
                prepend = " ";
            } else if self.is_currency(token) {
                out.push_str(prepend);
                out.push_str(token);
                prepend = "";
            } else if token.chars().all(|c| ",.?!:;\\%}])".contains(c)) {
                if lang == "fr" && token.chars().count() == 1 && "?!:;\\%".contains(token) {
                    out.push(' ');
                }
                out.push_str(token);
                prepend = " ";
            } else if (lang == "en" && i > 0 && english_contraction(token, alpha))
                || (lang == "cs" && cs_float(&tokens, token))
            {
                out.push_str(token);
                prepend = " ";
            } else if matches!(lang, "fr" | "it" | "ga")
                && i + 2 <= tokens.len()
                && french_contraction(token, alpha)
                && tokens
                    .get(i + 1)
                    .and_then(|t| t.chars().next())
                    .is_some_and(|c| alpha.contains(c))
            {
                out.push_str(prepend);
                out.push_str(token);
                prepend = "";
            } else if token.chars().all(|c| "'\"„“`".contains(c)) {
                let key = if token.chars().all(|c| "„“”".contains(c)) {
                    "\""
                } else {
                    token
                };
                let at = match quotes.iter().position(|(k, _)| k == key) {
                    Some(at) => at,
                    None => {
                        quotes.push((key.to_string(), 0));
                        quotes.len() - 1
                    }
                };
                if lang == "cs" && token == "„" {
                    quotes[at].1 = 0;
                }
                if lang == "cs" && token == "“" {
                    quotes[at].1 = 1;
                }
                if quotes[at].1 % 2 == 0 {
                    if lang == "en" && token == "'" && i > 0 && tokens[i - 1].ends_with('s') {
                        out.push_str(token);
                        prepend = " ";
                    } else {
                        out.push_str(prepend);
                        out.push_str(token);
                        prepend = "";
                        quotes[at].1 += 1;
                    }
                } else {
                    out.push_str(token);
                    prepend = " ";
                    quotes[at].1 += 1;
                }
            } else {
                out.push_str(prepend);
                out.push_str(token);
                prepend = " ";
            }
        }
        // ` {2,}` to one space, then `str.strip()`.
        let mut merged = String::with_capacity(out.len());
        let mut spaces = 0;
        for c in out.chars() {
            if c == ' ' {
                spaces += 1;
                continue;
            }
            if spaces > 0 {
                merged.push(' ');
                spaces = 0;
            }
            merged.push(c);
        }
        if spaces > 0 {
            merged.push(' ');
        }
        merged.trim_matches(is_py_space).to_string()
    }

    /// `^[{IsSc}\(\[\{\¿\¡]+$`
    fn is_currency(&self, token: &str) -> bool {
        token
            .chars()
            .all(|c| self.data.currency.contains(c) || "([{¿¡".contains(c))
    }
}

/// `^['][{IsAlpha}]`
fn english_contraction(token: &str, alpha: &CharSet) -> bool {
    let mut it = token.chars();
    it.next() == Some('\'') && it.next().is_some_and(|c| alpha.contains(c))
}

/// `[{IsAlpha}][']$`
fn french_contraction(token: &str, alpha: &CharSet) -> bool {
    let mut it = token.chars().rev();
    it.next() == Some('\'') && it.next().is_some_and(|c| alpha.contains(c))
}

/// sacremoses' Czech decimal rule (it looks at the last two words of the text, as it is written).
fn cs_float(tokens: &[&str], token: &str) -> bool {
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    tokens.len() > 2
        && digits(tokens[tokens.len() - 2])
        && matches!(tokens[tokens.len() - 1], "." | ",")
        && digits(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detok(lang: &str) -> MosesDetokenizer {
        let data = DetokenizerData {
            currency: CharSet::from_chars("$€£".chars().collect::<Vec<_>>()),
            alpha: CharSet::from_chars(('a'..='z').chain('A'..='Z').collect::<Vec<_>>()),
        };
        MosesDetokenizer::new(lang, "</w>", data)
    }

    #[test]
    fn english_rules_as_sacremoses() {
        // sacremoses 0.1.1 MosesDetokenizer("en").detokenize on the same words.
        let d = detok("en");
        let words = "The state @-@ of @-@ the @-@ art , isn 't it ? &quot; yes &quot; $ 5 ( ok ) the Jones ' house 中 文 x";
        let words: Vec<&str> = words.split(' ').collect();
        assert_eq!(
            d.detokenize(&words),
            "The state-of-the-art, isn't it? \"yes\" $5 (ok) the Jones' house 中文 x"
        );
        let chain = d
            .decode_chain(vec!["hel".into(), "lo</w>".into(), ",</w>".into()])
            .unwrap();
        assert_eq!(chain, ["hello,"]);
        assert_eq!(detok("fr").detokenize(&["l'", "homme", "!"]), "l'homme !");
    }
}
