//! The data the Moses tokenizer reads, from the installed `sacremoses` package: Perl's Unicode property
//! char lists (`data/perluniprops/*.txt`, every char of the file, its final newline included, as
//! sacremoses reads it), the Indic viramas and nuktas it adds to the letters (`indic.py`), and the
//! language's nonbreaking prefixes (`data/nonbreaking_prefixes/nonbreaking_prefix.<lang>`, English for a
//! language without a list). None of it is copied into ferrotok: the package's folder is registered at
//! run time (`set_data_dir`; ferrotok's Python layer does it when `sacremoses` is installed).

use crate::error::{Error, Result};
use rustc_hash::FxHashSet;
use std::path::{Path, PathBuf};
use std::sync::RwLock;

static DATA_DIR: RwLock<Option<PathBuf>> = RwLock::new(None);

/// Register the installed `sacremoses` package's folder (the one holding `data/` and `indic.py`).
pub fn set_data_dir(dir: impl Into<PathBuf>) {
    if let Ok(mut d) = DATA_DIR.write() {
        *d = Some(dir.into());
    }
}

fn data_dir() -> Result<PathBuf> {
    DATA_DIR
        .read()
        .ok()
        .and_then(|d| d.clone())
        .ok_or_else(|| Error::Argument {
            argument: "Moses".into(),
            message:
                "the Moses tokenizer reads its nonbreaking prefixes and character classes from \
                      the `sacremoses` package, which is not installed (pip install sacremoses, or \
                      the `moses` extra of ferrotok)"
                    .into(),
        })
}

/// A set of chars as sorted, disjoint inclusive ranges.
#[derive(Debug, Clone, Default)]
pub struct CharSet(Vec<(u32, u32)>);

impl CharSet {
    pub fn from_chars(chars: impl IntoIterator<Item = char>) -> Self {
        let mut cps: Vec<u32> = chars.into_iter().map(u32::from).collect();
        cps.sort_unstable();
        cps.dedup();
        let mut ranges: Vec<(u32, u32)> = Vec::new();
        for c in cps {
            match ranges.last_mut() {
                Some(r) if r.1 + 1 == c => r.1 = c,
                _ => ranges.push((c, c)),
            }
        }
        CharSet(ranges)
    }

    pub fn union(&self, other: &CharSet) -> CharSet {
        let chars = self.chars().chain(other.chars());
        CharSet::from_chars(chars.collect::<Vec<_>>())
    }

    fn chars(&self) -> impl Iterator<Item = char> + '_ {
        self.0
            .iter()
            .flat_map(|&(a, b)| (a..=b).filter_map(char::from_u32))
    }

    pub fn contains(&self, c: char) -> bool {
        let c = u32::from(c);
        self.0
            .binary_search_by(|&(a, b)| {
                if b < c {
                    std::cmp::Ordering::Less
                } else if a > c {
                    std::cmp::Ordering::Greater
                } else {
                    std::cmp::Ordering::Equal
                }
            })
            .is_ok()
    }

    /// The ranges as the inside of a `regex` crate class (`\x{..}-\x{..}...`).
    pub fn class_body(&self) -> String {
        let mut s = String::with_capacity(self.0.len() * 20);
        for &(a, b) in &self.0 {
            if a == b {
                s.push_str(&format!("\\x{{{a:X}}}"));
            } else {
                s.push_str(&format!("\\x{{{a:X}}}-\\x{{{b:X}}}"));
            }
        }
        s
    }
}

/// What one language's Moses tokenizer reads.
#[derive(Debug, Clone)]
pub struct MosesData {
    pub alnum: CharSet,
    pub alpha: CharSet,
    pub numbers: CharSet,
    pub lower: CharSet,
    /// Nonbreaking prefixes (a `#NUMERIC_ONLY#` line is kept whole, as sacremoses keeps it).
    pub prefixes: FxHashSet<String>,
    /// The prefixes marked `#NUMERIC_ONLY#`, without the mark.
    pub numeric_only: FxHashSet<String>,
}

impl MosesData {
    /// The data of `lang` from the registered `sacremoses` folder.
    pub fn load(lang: &str) -> Result<Self> {
        Self::load_from(&data_dir()?, lang)
    }

    pub fn load_from(dir: &Path, lang: &str) -> Result<Self> {
        let props = |name: &str| -> Result<CharSet> {
            let p = dir.join("data/perluniprops").join(format!("{name}.txt"));
            Ok(CharSet::from_chars(read(&p)?.chars().collect::<Vec<_>>()))
        };
        let indic = CharSet::from_chars(indic_marks(&read(&dir.join("indic.py"))?));
        let mut alnum = props("IsAlnum")?.union(&indic);
        let mut alpha = props("IsAlpha")?.union(&indic);
        // sacremoses adds the CJK scripts to the letters of zh, ja, ko and cjk.
        let scripts: &[&str] = match lang {
            "ko" => &["Hangul"],
            "zh" => &["Han"],
            "ja" => &["Hiragana", "Katakana", "Han"],
            "cjk" => &["Hangul", "Han", "Hiragana", "Katakana", "Han"],
            _ => &[],
        };
        for s in scripts {
            let set = props(s)?;
            alnum = alnum.union(&set);
            alpha = alpha.union(&set);
        }
        let prefix_dir = dir.join("data/nonbreaking_prefixes");
        let mut file = prefix_dir.join(format!("nonbreaking_prefix.{lang}"));
        if lang.is_empty() || lang.contains(['/', '\\', '.']) || !file.is_file() {
            file = prefix_dir.join("nonbreaking_prefix.en");
        }
        let mut prefixes = FxHashSet::default();
        let mut numeric_only = FxHashSet::default();
        for line in read(&file)?.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if numeric_mark(line).is_some() {
                let head = line.rsplit_once(' ').map(|(h, _)| h).unwrap_or("");
                numeric_only.insert(head.to_string());
            }
            prefixes.insert(line.to_string());
        }
        Ok(MosesData {
            alnum,
            alpha,
            numbers: props("IsN")?,
            lower: props("IsLower")?,
            prefixes,
            numeric_only,
        })
    }
}

/// What the Moses detokenizer reads: Perl's currency symbols and letters (without the Indic marks).
#[derive(Debug, Clone)]
pub struct DetokenizerData {
    pub currency: CharSet,
    pub alpha: CharSet,
}

impl DetokenizerData {
    pub fn load() -> Result<Self> {
        let dir = data_dir()?;
        let props = |name: &str| -> Result<CharSet> {
            let p = dir.join("data/perluniprops").join(format!("{name}.txt"));
            Ok(CharSet::from_chars(read(&p)?.chars().collect::<Vec<_>>()))
        };
        Ok(DetokenizerData {
            currency: props("IsSc")?,
            alpha: props("IsAlpha")?,
        })
    }
}

/// `re.search(r"[\s]+(\#NUMERIC_ONLY\#)", line)`: where the mark is, after whitespace.
fn numeric_mark(line: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = line[from..].find("#NUMERIC_ONLY#") {
        let at = from + i;
        if line[..at].ends_with(char::is_whitespace) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// The chars written as `\uXXXX` / `\UXXXXXXXX` escapes in sacremoses' `indic.py` (its VIRAMAS and
/// NUKTAS lists, the only escapes the file holds).
fn indic_marks(source: &str) -> Vec<char> {
    let mut out = Vec::new();
    let b = source.as_bytes();
    let mut i = 0;
    while i + 1 < b.len() {
        if b[i] == b'\\' && (b[i + 1] == b'u' || b[i + 1] == b'U') {
            let len = if b[i + 1] == b'u' { 4 } else { 8 };
            if let Some(hex) = source.get(i + 2..i + 2 + len) {
                if let Some(c) = u32::from_str_radix(hex, 16).ok().and_then(char::from_u32) {
                    out.push(c);
                    i += 2 + len;
                    continue;
                }
            }
        }
        i += 1;
    }
    out
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| Error::Io {
        path: format!("{} (from the sacremoses package)", path.display()),
        source: e,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_the_package_the_error_names_it() {
        // Nothing registers the package in the core's own tests.
        let e = MosesData::load("en").unwrap_err().to_string();
        assert!(e.contains("sacremoses"), "{e}");
        let e = MosesData::load_from(Path::new("/nonexistent"), "en")
            .unwrap_err()
            .to_string();
        assert!(e.contains("sacremoses package"), "{e}");
    }

    #[test]
    fn char_sets_and_indic_escapes() {
        let s = CharSet::from_chars("cabz\n".chars());
        assert!(s.contains('a') && s.contains('\n') && !s.contains('d'));
        assert_eq!(s.class_body(), r"\x{A}\x{61}-\x{63}\x{7A}");
        let marks = indic_marks("VIRAMAS = [\n    \"\\u094D\",  # x\n    \"\\U00010A3F\",\n]");
        assert_eq!(marks, vec!['\u{94d}', '\u{10a3f}']);
        assert_eq!(numeric_mark("No #NUMERIC_ONLY#"), Some(3));
        assert_eq!(numeric_mark("#NUMERIC_ONLY#"), None);
    }
}
