//! The Moses tokenizer as sacremoses' `MosesTokenizer(lang).tokenize(text, escape=False,
//! aggressive_dash_splits=...)` runs it (XLM, Flaubert, FSMT and BioGPT call it so), then cut on the
//! spaces it leaves. With `lowercase_and_remove_accent`, each word is then lower-cased, decomposed (NFD)
//! and stripped of its non-spacing marks, as XLMTokenizer does after Moses.
//!
//! Each of sacremoses' regex substitutions is one pass over the text, in its order, each compiled once
//! per language (and kept for the process: `cached`); the passes with lookahead, repetition until
//! nothing changes, or a word list (dash splits, dot runs, nonbreaking prefixes) are hand-written
//! scanners. Every pass is linear. The char classes and prefixes come from the `sacremoses` package
//! (`moses_data`).

use crate::error::{Error, Result};
use crate::json::Obj;
use crate::kernel::moses_data::MosesData;
use crate::kernel::pretokenized::split_with_behavior;
use crate::kernel::rewrite::{is_py_space, splice, strip_py, Substitution, PY_SPACE};
use crate::kernel::{NormalizedString, PreTokenizedString, SplitBehavior};
use rustc_hash::FxHashMap;
use std::ops::Range;
use std::sync::{Arc, Mutex};
use unicode_normalization::UnicodeNormalization;

#[derive(Debug, Clone)]
pub struct Moses {
    inner: Arc<MosesTokenizer>,
    pub lowercase_and_remove_accent: bool,
    /// sacremoses' `escape=True`: `& | < > ' " [ ]` as XML entities (BioGPT).
    pub escape: bool,
}

#[derive(Debug)]
pub struct MosesTokenizer {
    pub lang: String,
    pub aggressive_dash_splits: bool,
    data: MosesData,
    spaces: Substitution,
    junk: Substitution,
    pad_not_alnum: Substitution,
    commas: [Substitution; 3],
    apostrophes: Vec<Substitution>,
    trailing_dot_apostrophe: Substitution,
    dot_runs: regex::Regex,
}

impl Moses {
    pub fn from_json(o: &Obj, field: &str) -> Result<Self> {
        let lang = o.get("lang").and_then(|v| v.as_str()).unwrap_or("en");
        let flag = |k: &str| o.get(k).and_then(|v| v.as_bool()).unwrap_or(false);
        let inner = cached(lang, flag("aggressive_dash_splits")).map_err(|e| match e {
            Error::Argument { message, .. } => Error::config("", field, message),
            e => e,
        })?;
        Ok(Moses {
            inner,
            lowercase_and_remove_accent: flag("lowercase_and_remove_accent"),
            escape: flag("escape"),
        })
    }

    pub fn new(
        inner: Arc<MosesTokenizer>,
        lowercase_and_remove_accent: bool,
        escape: bool,
    ) -> Self {
        Moses {
            inner,
            lowercase_and_remove_accent,
            escape,
        }
    }

    pub fn pre_tokenize(&self, pts: &mut PreTokenizedString) -> Result<()> {
        pts.split(|_, mut ns| {
            self.inner.tokenize(&mut ns);
            if self.escape
                && ns
                    .as_str()
                    .contains(['&', '|', '<', '>', '\'', '"', '[', ']'])
            {
                ns.map_expand(|c, out| match xml_entity(c) {
                    Some(e) => out.extend(e.chars()),
                    None => out.push(c),
                });
            }
            let m = space_matches(ns.as_str());
            let mut words = split_with_behavior(&ns, &m, SplitBehavior::Removed);
            if self.lowercase_and_remove_accent {
                words.iter_mut().for_each(lowercase_and_remove_accent);
            }
            Ok(words)
        })
    }
}

/// The tokenizer of `lang`, built once per process.
pub fn cached(lang: &str, aggressive_dash_splits: bool) -> Result<Arc<MosesTokenizer>> {
    type Cache = Mutex<Option<FxHashMap<(String, bool), Arc<MosesTokenizer>>>>;
    static CACHE: Cache = Mutex::new(None);
    let key = (lang.to_string(), aggressive_dash_splits);
    if let Some(t) = CACHE
        .lock()
        .ok()
        .and_then(|c| c.as_ref()?.get(&key).cloned())
    {
        return Ok(t);
    }
    let t = Arc::new(MosesTokenizer::new(
        MosesData::load(lang)?,
        lang,
        aggressive_dash_splits,
    )?);
    if let Ok(mut c) = CACHE.lock() {
        c.get_or_insert_with(FxHashMap::default)
            .insert(key, t.clone());
    }
    Ok(t)
}

fn sub(pattern: &str, replacement: &str) -> Result<Substitution> {
    Substitution::new(pattern, replacement).map_err(|e| Error::Regex {
        pattern: pattern.chars().take(200).collect(),
        message: e.to_string(),
    })
}

impl MosesTokenizer {
    pub fn new(data: MosesData, lang: &str, aggressive_dash_splits: bool) -> Result<Self> {
        let alnum = data.alnum.class_body();
        let alpha = data.alpha.class_body();
        let n = data.numbers.class_body();
        let apostrophes = match lang {
            "en" => vec![
                sub(&format!("([^{alpha}])'([^{alpha}])"), "${1} ' ${2}")?,
                sub(&format!("([^{alpha}{n}])'([{alpha}])"), "${1} ' ${2}")?,
                sub(&format!("([{alpha}])'([^{alpha}])"), "${1} ' ${2}")?,
                sub(&format!("([{alpha}])'([{alpha}])"), "${1} '${2}")?,
                sub(&format!("([{n}])'([s])"), "${1} '${2}")?,
            ],
            "fr" | "it" => vec![
                sub(&format!("([^{alpha}])'([^{alpha}])"), "${1} ' ${2}")?,
                sub(&format!("([^{alpha}])'([{alpha}])"), "${1} ' ${2}")?,
                sub(&format!("([{alpha}])'([^{alpha}])"), "${1} ' ${2}")?,
                sub(&format!("([{alpha}])'([{alpha}])"), "${1}' ${2}")?,
            ],
            _ => vec![sub("'", " ' ")?],
        };
        Ok(MosesTokenizer {
            lang: lang.to_string(),
            aggressive_dash_splits,
            spaces: sub(&format!("[{PY_SPACE}]+"), " ")?,
            junk: sub(r"[\x00-\x1F]", "")?,
            pad_not_alnum: sub(&format!(r"([^{alnum}{PY_SPACE}.'`,\-])"), " ${1} ")?,
            commas: [
                sub(&format!("([^{n}]),"), "${1} , ")?,
                sub(&format!(",([^{n}])"), " , ${1}")?,
                sub(&format!("([{n}]),$"), "${1} , ")?,
            ],
            apostrophes,
            trailing_dot_apostrophe: sub(r"\.' ?$", " . ' ")?,
            dot_runs: regex::Regex::new("(?:DOT)+MULTI").map_err(|e| Error::Regex {
                pattern: "(?:DOT)+MULTI".into(),
                message: e.to_string(),
            })?,
            data,
        })
    }

    /// sacremoses' `tokenize(text, escape=False, return_str=True)` on `n`.
    pub fn tokenize(&self, n: &mut NormalizedString) {
        self.spaces.apply(n);
        self.junk.apply(n);
        strip_py(n);
        self.pad_not_alnum.apply(n);
        if self.aggressive_dash_splits {
            self.split_dashes(n);
        }
        replace_dot_runs(n);
        for c in &self.commas {
            c.apply(n);
        }
        for a in &self.apostrophes {
            a.apply(n);
        }
        self.nonbreaking_prefixes(n);
        self.spaces.apply(n);
        strip_py(n);
        self.trailing_dot_apostrophe.apply(n);
        self.restore_dot_runs(n);
    }

    /// `([alnum])\-(?=[alnum])` → `\1 @-@ `: every `-` between two letters or digits.
    fn split_dashes(&self, n: &mut NormalizedString) {
        let s = n.as_str();
        let mut reps = Vec::new();
        let mut prev: Option<char> = None;
        let mut it = s.char_indices().peekable();
        while let Some((i, c)) = it.next() {
            if c == '-' {
                let next = it.peek().map(|&(_, c)| c);
                if prev.is_some_and(|p| self.data.alnum.contains(p))
                    && next.is_some_and(|x| self.data.alnum.contains(x))
                {
                    reps.push((i..i + 1, " @-@ ".to_string()));
                }
            }
            prev = Some(c);
        }
        splice(n, &reps);
    }

    /// sacremoses' nonbreaking-prefix rule: a word ending in `.` gets the dot split off unless its
    /// prefix has a dot and a letter, is a listed prefix, is followed by a lower-case word, or is a
    /// numeric-only prefix followed by digits.
    fn nonbreaking_prefixes(&self, n: &mut NormalizedString) {
        let s = n.as_str();
        let words = word_ranges(s);
        let mut reps = Vec::new();
        for (i, w) in words.iter().enumerate() {
            let word = &s[w.clone()];
            let Some(prefix) = word.strip_suffix('.').filter(|p| !p.is_empty()) else {
                continue;
            };
            let next = words.get(i + 1).map(|r| &s[r.clone()]);
            let data = &self.data;
            let keep = (prefix.contains('.') && prefix.chars().any(|c| data.alpha.contains(c)))
                || (data.prefixes.contains(prefix) && !data.numeric_only.contains(prefix))
                || next
                    .and_then(|w| w.chars().next())
                    .is_some_and(|c| data.lower.contains(c))
                || (data.numeric_only.contains(prefix)
                    && next.is_some_and(|w| w.starts_with(|c: char| c.is_ascii_digit())));
            if !keep {
                reps.push((w.end - 1..w.end, " .".to_string()));
            }
        }
        splice(n, &reps);
    }

    /// `DOT…DOTMULTI` (k times `DOT`) back to k dots, as sacremoses' `restore_multidots`.
    fn restore_dot_runs(&self, n: &mut NormalizedString) {
        let reps: Vec<(Range<usize>, String)> = self
            .dot_runs
            .find_iter(n.as_str())
            .map(|m| (m.range(), ".".repeat((m.len() - 5) / 3)))
            .collect();
        splice(n, &reps);
    }
}

/// sacremoses' `replace_multidots`: a run of k >= 2 dots becomes ` ` + `DOT` k times + `MULTI`, and a
/// space after it unless it ends the text (a text holding `DOTMULTI.` itself gets `DOTDOTMULTI`).
fn replace_dot_runs(n: &mut NormalizedString) {
    let b = n.as_str().as_bytes();
    let mut reps = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'.' {
            let mut j = i;
            while j < b.len() && b[j] == b'.' {
                j += 1;
            }
            if j - i == 1 && b[..i].ends_with(b"DOTMULTI") {
                // Text that spells the placeholder itself: `DOTMULTI.` goes on as sacremoses' loop takes it.
                let mut s = String::from("DOTDOTMULTI");
                if j < b.len() {
                    s.push(' ');
                }
                reps.push((i - 8..j, s));
            } else if j - i >= 2 {
                let mut s = String::with_capacity(3 * (j - i) + 7);
                s.push(' ');
                (0..j - i).for_each(|_| s.push_str("DOT"));
                s.push_str("MULTI");
                if j < b.len() {
                    s.push(' ');
                }
                reps.push((i..j, s));
            }
            i = j;
        } else {
            i += 1;
        }
    }
    splice(n, &reps);
}

/// sacremoses' `escape_xml` entity of `c` (one pass: no entity is escaped again).
fn xml_entity(c: char) -> Option<&'static str> {
    Some(match c {
        '&' => "&amp;",
        '|' => "&#124;",
        '<' => "&lt;",
        '>' => "&gt;",
        '\'' => "&apos;",
        '"' => "&quot;",
        '[' => "&#91;",
        ']' => "&#93;",
        _ => return None,
    })
}

/// Byte ranges of the words of `s` (Python's `str.split()`).
fn word_ranges(s: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices() {
        match (is_py_space(c), start) {
            (true, Some(st)) => {
                out.push(st..i);
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(st) = start {
        out.push(st..s.len());
    }
    out
}

fn space_matches(s: &str) -> Vec<Range<usize>> {
    s.char_indices()
        .filter(|&(_, c)| is_py_space(c))
        .map(|(i, c)| i..i + c.len_utf8())
        .collect()
}

/// XLM's `lowercase_and_remove_accent` on one word: lower case, NFD, no non-spacing marks, lower case.
fn lowercase_and_remove_accent(w: &mut NormalizedString) {
    let s = w.as_str();
    if s.is_ascii() {
        // No marks to strip and no context-dependent lower case: bytes lower-cased in place.
        if s.bytes().any(|b| b.is_ascii_uppercase()) {
            w.lowercase();
        }
        return;
    }
    let out: String = s
        .to_lowercase()
        .nfd()
        .filter(|&c| {
            unicode_general_category::get_general_category(c)
                != unicode_general_category::GeneralCategory::NonspacingMark
        })
        .collect::<String>()
        .to_lowercase();
    if out != s {
        let len = w.len();
        splice(w, &[(0..len, out)]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::moses_data::CharSet;

    fn data() -> MosesData {
        let letters = ('a'..='z').chain('A'..='Z').chain("éÉ".chars());
        let alpha = CharSet::from_chars(letters.clone().collect::<Vec<_>>());
        let digits = CharSet::from_chars(('0'..='9').chain(['\n']).collect::<Vec<_>>());
        MosesData {
            alnum: alpha.union(&digits),
            alpha,
            numbers: digits,
            lower: CharSet::from_chars(('a'..='z').chain(['é']).collect::<Vec<_>>()),
            prefixes: ["Mr", "No #NUMERIC_ONLY#"]
                .into_iter()
                .map(String::from)
                .collect(),
            numeric_only: ["No"].into_iter().map(String::from).collect(),
        }
    }

    fn words(lang: &str, aggressive: bool, text: &str) -> Vec<String> {
        let t = MosesTokenizer::new(data(), lang, aggressive).unwrap();
        let mut n = NormalizedString::from_original(text, 0);
        t.tokenize(&mut n);
        n.as_str().split(' ').map(String::from).collect()
    }

    #[test]
    fn english_rules_as_sacremoses() {
        // sacremoses 0.1.1 with these classes and prefixes gives the same words.
        assert_eq!(
            words("en", false, "Mr. Smith isn't here... (5,300 $) No. 5 ok."),
            [
                "Mr.", "Smith", "isn", "'t", "here", "...", "(", "5,300", "$", ")", "No.", "5",
                "ok", "."
            ]
        );
        assert_eq!(
            words("en", true, "state-of-the-art a-"),
            ["state", "@-@", "of", "@-@", "the", "@-@", "art", "a-"]
        );
        assert_eq!(words("fr", false, "l'été"), ["l'", "été"]);
        assert_eq!(words("de", false, "it's"), ["it", "'", "s"]);
    }

    #[test]
    fn lowercase_and_accents() {
        let mut w = NormalizedString::from_original("ÉCOLE", 0);
        lowercase_and_remove_accent(&mut w);
        assert_eq!(w.as_str(), "ecole");
        assert_eq!(w.original_range(0..w.len()), (0, 6));
    }
}
