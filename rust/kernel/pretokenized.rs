//! The text between pre-tokenization and the model: a list of splits, each a `NormalizedString` that
//! keeps its alignment to the original text, some already turned into tokens (added tokens).

use crate::error::Result;
use crate::kernel::NormalizedString;
use serde::{Deserialize, Serialize};
use std::ops::Range;

/// A token produced by a model for one split: `offsets` are byte offsets into that split's normalized text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub id: u32,
    pub offsets: (u32, u32),
}

#[derive(Debug, Clone)]
pub struct Split {
    pub normalized: NormalizedString,
    /// `Some` once the split is tokenized (an added token, or after the model ran).
    pub tokens: Option<Vec<Token>>,
}

/// What happens to the delimiter when a string is split on a pattern (Hugging Face's names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SplitBehavior {
    Removed,
    Isolated,
    MergedWithPrevious,
    MergedWithNext,
    Contiguous,
}

impl SplitBehavior {
    /// The behaviour tokenizers' Python API names in snake case ("merged_with_previous").
    pub fn from_snake_case(name: &str) -> Option<Self> {
        Some(match name {
            "removed" => SplitBehavior::Removed,
            "isolated" => SplitBehavior::Isolated,
            "merged_with_previous" => SplitBehavior::MergedWithPrevious,
            "merged_with_next" => SplitBehavior::MergedWithNext,
            "contiguous" => SplitBehavior::Contiguous,
            _ => return None,
        })
    }
}

/// Cut `ns` at the pattern matches described by `matches` (sorted, non-overlapping byte ranges of `ns`),
/// treating each match according to `behavior`. Empty pieces are dropped.
pub fn split_with_behavior(
    ns: &NormalizedString,
    matches: &[Range<usize>],
    behavior: SplitBehavior,
) -> Vec<NormalizedString> {
    let len = ns.len();
    // Full cover of the string: (range, is_match).
    let mut parts: Vec<(Range<usize>, bool)> = Vec::with_capacity(matches.len() * 2 + 1);
    let mut last = 0;
    // Empty matches are kept: like Hugging Face, they still cut the text (e.g. a lookahead).
    for m in matches {
        if m.start > last {
            parts.push((last..m.start, false));
        }
        parts.push((m.clone(), true));
        last = m.end;
    }
    if last < len {
        parts.push((last..len, false));
    }
    split_parts(ns, parts, behavior)
}

/// Cut `ns` into pieces given a full cover of it by `(range, is_match)` parts (empty parts allowed: they
/// still separate their neighbours), treating the matched parts according to `behavior` as Hugging Face
/// does. Empty pieces are dropped.
pub fn split_parts(
    ns: &NormalizedString,
    parts: Vec<(Range<usize>, bool)>,
    behavior: SplitBehavior,
) -> Vec<NormalizedString> {
    let pieces: Vec<Range<usize>> = match behavior {
        SplitBehavior::Isolated => parts.into_iter().map(|(r, _)| r).collect(),
        SplitBehavior::Removed => parts
            .into_iter()
            .filter(|(_, m)| !m)
            .map(|(r, _)| r)
            .collect(),
        SplitBehavior::MergedWithPrevious => {
            let mut out: Vec<Range<usize>> = Vec::with_capacity(parts.len());
            let mut previous_match = false;
            for (r, is_match) in parts {
                match out.last_mut() {
                    Some(prev) if is_match && !previous_match => prev.end = r.end,
                    _ => out.push(r),
                }
                previous_match = is_match;
            }
            out
        }
        SplitBehavior::MergedWithNext => {
            let mut out: Vec<Range<usize>> = Vec::with_capacity(parts.len());
            let mut previous_match = false;
            for (r, is_match) in parts.into_iter().rev() {
                match out.last_mut() {
                    Some(next) if is_match && !previous_match => next.start = r.start,
                    _ => out.push(r),
                }
                previous_match = is_match;
            }
            out.reverse();
            out
        }
        SplitBehavior::Contiguous => {
            let mut out: Vec<Range<usize>> = Vec::with_capacity(parts.len());
            let mut previous_match = false;
            for (r, is_match) in parts {
                match out.last_mut() {
                    Some(prev) if is_match == previous_match => prev.end = r.end,
                    _ => out.push(r),
                }
                previous_match = is_match;
            }
            out
        }
    };
    pieces
        .into_iter()
        .filter(|r| r.start < r.end)
        .map(|r| ns.slice(r))
        .collect()
}

/// Byte ranges of the chars of `s` for which `pred` holds, one range per char.
pub fn char_matches(s: &str, mut pred: impl FnMut(char) -> bool) -> Vec<Range<usize>> {
    s.char_indices()
        .filter(|&(_, c)| pred(c))
        .map(|(i, c)| i..i + c.len_utf8())
        .collect()
}

#[derive(Debug, Clone, Default)]
pub struct PreTokenizedString {
    pub splits: Vec<Split>,
}

impl PreTokenizedString {
    pub fn from_normalized(ns: NormalizedString) -> Self {
        PreTokenizedString {
            splits: vec![Split {
                normalized: ns,
                tokens: None,
            }],
        }
    }

    /// Replace every split that has no tokens yet by the pieces `f` cuts it into. `f` gets the split's
    /// index among all splits (Metaspace's `prepend_scheme: first` needs it).
    pub fn split<F>(&mut self, mut f: F) -> Result<()>
    where
        F: FnMut(usize, NormalizedString) -> Result<Vec<NormalizedString>>,
    {
        let old = std::mem::take(&mut self.splits);
        let mut out = Vec::with_capacity(old.len());
        for (i, split) in old.into_iter().enumerate() {
            if split.tokens.is_some() {
                out.push(split);
                continue;
            }
            for piece in f(i, split.normalized)? {
                if !piece.is_empty() {
                    out.push(Split {
                        normalized: piece,
                        tokens: None,
                    });
                }
            }
        }
        self.splits = out;
        Ok(())
    }

    /// Change in place every split that has no tokens yet.
    pub fn for_each_untokenized<F>(&mut self, mut f: F) -> Result<()>
    where
        F: FnMut(&mut NormalizedString) -> Result<()>,
    {
        for split in self.splits.iter_mut().filter(|s| s.tokens.is_none()) {
            f(&mut split.normalized)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strs(v: &[NormalizedString]) -> Vec<&str> {
        v.iter().map(|n| n.as_str()).collect()
    }

    #[test]
    fn behaviors() {
        let ns = NormalizedString::from_original("a--b-", 0);
        let m = char_matches(ns.as_str(), |c| c == '-');
        let run = |b| {
            split_with_behavior(&ns, &m, b)
                .iter()
                .map(|n| n.as_str().to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(run(SplitBehavior::Removed), ["a", "b"]);
        assert_eq!(run(SplitBehavior::Isolated), ["a", "-", "-", "b", "-"]);
        assert_eq!(run(SplitBehavior::MergedWithPrevious), ["a-", "-", "b-"]);
        assert_eq!(run(SplitBehavior::MergedWithNext), ["a", "-", "-b", "-"]);
        assert_eq!(run(SplitBehavior::Contiguous), ["a", "--", "b", "-"]);
        let pieces = split_with_behavior(&ns, &m, SplitBehavior::Removed);
        assert_eq!(strs(&pieces), ["a", "b"]);
        assert_eq!(pieces[1].original_range(0..1), (3, 4));
    }
}
