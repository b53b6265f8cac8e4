//! Pre-tokenization: cut each normalized split into words before the model sees them.

pub mod bert;
pub mod byte_level;
pub mod digits;
pub mod fixed_length;
pub mod jieba;
pub mod metaspace;
pub mod moses;
pub mod punctuation;
pub mod split;
pub mod unicode_scripts;
mod unicode_scripts_table;
pub mod whitespace;

pub use bert::BertPreTokenizer;
pub use byte_level::ByteLevel;
pub use digits::Digits;
pub use fixed_length::FixedLength;
pub use jieba::JiebaPreTokenizer;
pub use metaspace::Metaspace;
pub use punctuation::Punctuation;
pub use split::Split;
pub use unicode_scripts::UnicodeScripts;
pub use whitespace::{CharDelimiterSplit, Whitespace, WhitespaceSplit};

use crate::error::Result;
use crate::json::{as_array, as_obj, index, type_tag, unsupported};
use crate::kernel::host::{Host, PreTokenizeHost};
use crate::kernel::{NormalizedString, PreTokenizedString};
use serde_json::Value;

#[derive(Debug, Clone)]
pub enum PreTokenizer {
    Bert(BertPreTokenizer),
    ByteLevel(ByteLevel),
    Split(Split),
    Whitespace(Whitespace),
    WhitespaceSplit(WhitespaceSplit),
    CharDelimiterSplit(CharDelimiterSplit),
    Digits(Digits),
    Punctuation(Punctuation),
    Metaspace(Metaspace),
    FixedLength(FixedLength),
    UnicodeScripts(UnicodeScripts),
    /// ferrotok's own type (tokenizers has no such stage): RoFormer's jieba segmentation, keeping the
    /// model's vocabulary words whole (the loader gives them, `Tokenizer` assembly).
    Jieba(JiebaPreTokenizer),
    Sequence(Vec<PreTokenizer>),
    /// Each word lower-cased as Python's `str.lower()` (ferrotok's own: BlenderbotSmall lower-cases
    /// its words after cutting them, so a capital sigma's word-final form depends on the cuts).
    PythonLowercase,
    /// The Moses tokenizer (ferrotok's own: transformers runs sacremoses in Python, `moses`).
    Moses(moses::Moses),
    /// A pre-tokenizer written in the host language (`PreTokenizer.custom`).
    Host(Host<dyn PreTokenizeHost>),
}

impl PreTokenizer {
    /// Parse a `pre_tokenizer` object of a tokenizer.json; `field` is its path, for errors.
    pub fn from_json(v: &Value, field: &str) -> Result<Self> {
        let o = as_obj(v, field)?;
        let t = type_tag(o, field)?;
        Ok(match t {
            "BertPreTokenizer" => PreTokenizer::Bert(BertPreTokenizer),
            "ByteLevel" => PreTokenizer::ByteLevel(ByteLevel::from_json(o, field)?),
            "Split" => PreTokenizer::Split(Split::from_json(o, field)?),
            "Whitespace" => PreTokenizer::Whitespace(Whitespace),
            "WhitespaceSplit" => PreTokenizer::WhitespaceSplit(WhitespaceSplit),
            "CharDelimiterSplit" => {
                PreTokenizer::CharDelimiterSplit(CharDelimiterSplit::from_json(o, field)?)
            }
            "Digits" => PreTokenizer::Digits(Digits::from_json(o, field)?),
            "Punctuation" => PreTokenizer::Punctuation(Punctuation::from_json(o, field)?),
            "Metaspace" => PreTokenizer::Metaspace(Metaspace::from_json(o, field)?),
            "FixedLength" => PreTokenizer::FixedLength(FixedLength::from_json(o, field)?),
            "UnicodeScripts" => PreTokenizer::UnicodeScripts(UnicodeScripts),
            "PythonLowercase" => PreTokenizer::PythonLowercase,
            "Jieba" => PreTokenizer::Jieba(match o.get("words").and_then(Value::as_str) {
                Some("all") => JiebaPreTokenizer::every_word(),
                _ => JiebaPreTokenizer::default(),
            }),
            "Moses" => PreTokenizer::Moses(moses::Moses::from_json(o, field)?),
            "Sequence" => {
                let f = format!("{field}.pretokenizers");
                let items = as_array(o.get("pretokenizers").unwrap_or(&Value::Null), &f)?;
                PreTokenizer::Sequence(
                    items
                        .iter()
                        .enumerate()
                        .map(|(i, p)| PreTokenizer::from_json(p, &index(&f, i)))
                        .collect::<Result<_>>()?,
                )
            }
            other => return Err(unsupported("pre_tokenizer", field, other)),
        })
    }

    pub fn pre_tokenize(&self, pts: &mut PreTokenizedString) -> Result<()> {
        match self {
            PreTokenizer::Bert(p) => p.pre_tokenize(pts),
            PreTokenizer::ByteLevel(p) => p.pre_tokenize(pts),
            PreTokenizer::Split(p) => p.pre_tokenize(pts),
            PreTokenizer::Whitespace(p) => p.pre_tokenize(pts),
            PreTokenizer::WhitespaceSplit(p) => p.pre_tokenize(pts),
            PreTokenizer::CharDelimiterSplit(p) => p.pre_tokenize(pts),
            PreTokenizer::Digits(p) => p.pre_tokenize(pts),
            PreTokenizer::Punctuation(p) => p.pre_tokenize(pts),
            PreTokenizer::Metaspace(p) => p.pre_tokenize(pts),
            PreTokenizer::FixedLength(p) => p.pre_tokenize(pts),
            PreTokenizer::UnicodeScripts(p) => p.pre_tokenize(pts),
            PreTokenizer::Jieba(p) => p.pre_tokenize(pts),
            PreTokenizer::Moses(p) => p.pre_tokenize(pts),
            PreTokenizer::PythonLowercase => pts.for_each_untokenized(|n| {
                n.lowercase_python();
                Ok(())
            }),
            PreTokenizer::Sequence(seq) => {
                for p in seq {
                    p.pre_tokenize(pts)?;
                }
                Ok(())
            }
            PreTokenizer::Host(h) => h.0.pre_tokenize(pts),
        }
    }
}

impl PreTokenizer {
    /// The pieces `s` is cut into, each with its (start, end) offsets in chars of `s` (tokenizers'
    /// `pre_tokenize_str`).
    pub fn pre_tokenize_str(&self, s: &str) -> Result<Vec<(String, (usize, usize))>> {
        let mut pts = PreTokenizedString::from_normalized(NormalizedString::from_original(s, 0));
        self.pre_tokenize(&mut pts)?;
        // Char index of every byte boundary of `s`.
        let mut chars = vec![0usize; s.len() + 1];
        let mut count = 0;
        for (i, c) in s.char_indices() {
            chars[i..i + c.len_utf8()].fill(count);
            count += 1;
        }
        chars[s.len()] = count;
        let at = |b: usize| chars.get(b).copied().unwrap_or(count);
        Ok(pts
            .splits
            .iter()
            .map(|split| {
                let n = &split.normalized;
                let (start, end) = n.original_range(0..n.len());
                (n.as_str().to_string(), (at(start), at(end)))
            })
            .collect())
    }
}
