//! BERT's pre-tokenizer: split on whitespace (removed) and punctuation (isolated).
//!
//! Whitespace is Rust's `char::is_whitespace` (what HF uses here, unlike the normalizer's cleaning);
//! punctuation is BERT's definition (ASCII symbol ranges plus HF's Unicode 8 P* categories).

use crate::error::Result;
use crate::json::Obj;
use crate::kernel::bert_chars::is_punct;
use crate::kernel::pretokenized::{char_matches, split_with_behavior};
use crate::kernel::{PreTokenizedString, SplitBehavior};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BertPreTokenizer;

impl BertPreTokenizer {
    pub fn from_json(o: &Obj, field: &str) -> Result<Self> {
        let _ = (o, field);
        Ok(BertPreTokenizer)
    }

    pub fn pre_tokenize(&self, pts: &mut PreTokenizedString) -> Result<()> {
        pts.split(|_, ns| {
            let ws = char_matches(ns.as_str(), char::is_whitespace);
            let mut out = Vec::new();
            for piece in split_with_behavior(&ns, &ws, SplitBehavior::Removed) {
                let p = char_matches(piece.as_str(), is_punct);
                if p.is_empty() {
                    out.push(piece);
                } else {
                    out.extend(split_with_behavior(&piece, &p, SplitBehavior::Isolated));
                }
            }
            Ok(out)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::NormalizedString;

    // Expected from `tokenizers.pre_tokenizers.BertPreTokenizer().pre_tokenize_str` (0.23.3).
    #[test]
    fn splits_like_hf() {
        let text = "Hey, friend!  «ok»\u{b}x\u{85}y a.b";
        let mut pts = PreTokenizedString::from_normalized(NormalizedString::from_original(text, 0));
        BertPreTokenizer
            .pre_tokenize(&mut pts)
            .unwrap_or_else(|e| panic!("{e}"));
        let got: Vec<(&str, (usize, usize))> = pts
            .splits
            .iter()
            .map(|s| {
                (
                    s.normalized.as_str(),
                    s.normalized.original_range(0..s.normalized.len()),
                )
            })
            .collect();
        let expected = [
            ("Hey", (0, 3)),
            (",", (3, 4)),
            ("friend", (5, 11)),
            ("!", (11, 12)),
            ("«", (14, 16)),
            ("ok", (16, 18)),
            ("»", (18, 20)),
            ("x", (21, 22)),
            ("y", (24, 25)),
            ("a", (26, 27)),
            (".", (27, 28)),
            ("b", (28, 29)),
        ];
        assert_eq!(got, expected);
    }
}
