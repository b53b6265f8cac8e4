//! Pre-tokenization: cut each normalized split into words before the model sees them.

pub mod bert;
pub mod byte_level;
pub mod digits;
pub mod metaspace;
pub mod punctuation;
pub mod split;
pub mod whitespace;

pub use bert::BertPreTokenizer;
pub use byte_level::ByteLevel;
pub use digits::Digits;
pub use metaspace::Metaspace;
pub use punctuation::Punctuation;
pub use split::Split;
pub use whitespace::{CharDelimiterSplit, Whitespace, WhitespaceSplit};

use crate::error::Result;
use crate::json::{as_array, as_obj, index, type_tag, unsupported};
use crate::kernel::PreTokenizedString;
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
    Sequence(Vec<PreTokenizer>),
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
            PreTokenizer::Sequence(seq) => {
                for p in seq {
                    p.pre_tokenize(pts)?;
                }
                Ok(())
            }
        }
    }
}
