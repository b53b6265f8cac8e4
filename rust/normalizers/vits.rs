//! VITS / MMS-TTS text preparation (ferrotok's own normalizer: transformers' VitsTokenizer runs it in
//! Python before tokenizing).
//!
//! With `normalize`: at each position the first vocabulary entry (in vocab.json order, then the added
//! tokens) that starts there is kept as written, any other char is lower-cased (Python's `str.lower()`);
//! Romanian (`language: "ron"`) spells `ț` as `ţ`; then every char that is not an entry of its own is
//! dropped and the ends are stripped. `blank` (the token of id 0, with `add_blank`) is then written
//! before each char and after the last, so each char and each blank is one token.

use crate::error::{Error, Result};
use crate::json::{field, Obj};
use crate::kernel::rewrite::is_py_space;
use crate::kernel::NormalizedString;
use rustc_hash::{FxHashMap, FxHashSet};
use serde_json::Value;

#[derive(Debug, Clone, Default)]
pub struct Vits {
    /// The vocabulary entries in order, grouped by first char (indices into `words`).
    words: Vec<String>,
    by_first: FxHashMap<char, Vec<usize>>,
    /// The entries of one char: what survives normalization.
    chars: FxHashSet<char>,
    normalize: bool,
    romanian: bool,
    blank: Option<String>,
}

impl Vits {
    pub fn from_json(o: &Obj, fld: &str) -> Result<Self> {
        let list = |key: &str| -> Result<Vec<String>> {
            match o.get(key) {
                None | Some(Value::Null) => Ok(Vec::new()),
                Some(Value::Array(items)) => items
                    .iter()
                    .map(|v| {
                        v.as_str().map(str::to_string).ok_or_else(|| {
                            Error::config("", field(fld, key), "expected a list of strings")
                        })
                    })
                    .collect(),
                Some(_) => Err(Error::config(
                    "",
                    field(fld, key),
                    "expected a list of strings",
                )),
            }
        };
        let flag = |key: &str| o.get(key).and_then(Value::as_bool).unwrap_or(false);
        let mut v = Vits {
            normalize: flag("normalize"),
            romanian: flag("romanian"),
            blank: o.get("blank").and_then(Value::as_str).map(str::to_string),
            ..Vits::default()
        };
        for (i, w) in list("words")?.into_iter().enumerate() {
            let mut cs = w.chars();
            if let Some(first) = cs.next() {
                v.by_first.entry(first).or_default().push(i);
                if cs.next().is_none() {
                    v.chars.insert(first);
                }
            }
            v.words.push(w);
        }
        Ok(v)
    }

    pub fn normalize(&self, n: &mut NormalizedString) {
        if self.normalize {
            self.lower_outside_words(n);
        }
        if self.romanian {
            n.map(|c| if c == 'ț' { 'ţ' } else { c });
        }
        if self.normalize {
            n.filter(|c| self.chars.contains(&c));
            strip_python(n);
        }
        if let Some(blank) = &self.blank {
            intersperse(n, blank);
        }
    }

    /// Lower-case every char that no vocabulary entry covers (entries matched left to right, the first
    /// in order at each position winning).
    fn lower_outside_words(&self, n: &mut NormalizedString) {
        let text = n.as_str();
        let mut keep = Vec::with_capacity(text.len());
        let mut at = 0;
        while let Some(c) = text[at..].chars().next() {
            let word = self.by_first.get(&c).and_then(|ids| {
                ids.iter()
                    .map(|&i| &self.words[i])
                    .find(|w| text[at..].starts_with(w.as_str()))
            });
            match word {
                Some(w) => {
                    keep.extend(std::iter::repeat_n(true, w.chars().count()));
                    at += w.len();
                }
                None => {
                    keep.push(false);
                    at += c.len_utf8();
                }
            }
        }
        if keep.iter().all(|&k| k) {
            return;
        }
        let mut k = keep.into_iter();
        n.map_expand(|c, out| {
            if k.next().unwrap_or(false) {
                out.push(c);
            } else {
                out.extend(c.to_lowercase());
            }
        });
    }
}

/// Python's `str.strip()` ([`is_py_space`]).
fn strip_python(n: &mut NormalizedString) {
    let text = n.as_str();
    let start = text.len() - text.trim_start_matches(is_py_space).len();
    let end = text.trim_end_matches(is_py_space).len().max(start);
    if start == 0 && end == text.len() {
        return;
    }
    let keep: Vec<bool> = text
        .char_indices()
        .map(|(i, _)| i >= start && i < end)
        .collect();
    // (`filter` would call the predicate twice per char: it checks first whether anything goes.)
    let mut k = keep.into_iter();
    n.map_expand(|c, out| {
        if k.next().unwrap_or(false) {
            out.push(c);
        }
    });
}

/// `blank` before each char and after the last (nothing for an empty string).
fn intersperse(n: &mut NormalizedString, blank: &str) {
    if n.is_empty() {
        return;
    }
    let chars: Vec<char> = n.as_str().chars().collect();
    let mut dest = Vec::with_capacity(chars.len() * (blank.chars().count() + 1) + 1);
    for &c in &chars {
        dest.extend(blank.chars().map(|b| (b, 1)));
        dest.push((c, 0));
    }
    dest.extend(blank.chars().map(|b| (b, 1)));
    n.transform(dest, 0);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(config: Value, text: &str) -> String {
        let v = Vits::from_json(config.as_object().unwrap(), "normalizer").unwrap();
        let mut n = NormalizedString::from_original(text, 0);
        v.normalize(&mut n);
        n.as_str().to_string()
    }

    #[test]
    fn keeps_entries_lowercases_the_rest_and_filters() {
        let words = json!(["k", "a", "b", " ", "A", "ţ", "ț", "<x>"]);
        let config = json!({"words": words, "normalize": true});
        assert_eq!(run(config, "  Ab<x>AB! "), "AbAb");
        let config_ron = json!({"words": words, "normalize": true, "romanian": true});
        assert_eq!(run(config_ron, "ț"), "ţ");
        let blank = json!({"words": words, "blank": "k"});
        assert_eq!(run(blank, "ab"), "kakbk");
        assert_eq!(run(json!({"words": words, "blank": "k"}), ""), "");
        let strip = json!({"words": words, "normalize": true});
        assert_eq!(run(strip, " \u{1c} a b\t "), "a b");
    }
}
