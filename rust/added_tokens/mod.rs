//! Added tokens (`[MASK]`, `<|endoftext|>`, user tokens): matched in the text before the model runs,
//! with Hugging Face's flags. Tokens with `normalized: false` are found in the raw text, the others in
//! the normalized text. Matching uses Aho-Corasick, leftmost-longest.

use crate::error::{Error, Result};
use crate::json::{as_obj, as_u32, field, opt_bool, req, req_str};
use crate::kernel::bert_chars::{is_cjk, is_removed};
use crate::kernel::{
    Normalize, NormalizedString, PreTokenizedString, Split as PreSplit, Token, Vocab,
};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use serde_json::Value;
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AddedToken {
    pub content: String,
    pub single_word: bool,
    pub lstrip: bool,
    pub rstrip: bool,
    pub normalized: bool,
    pub special: bool,
}

impl AddedToken {
    /// A token with Hugging Face's defaults: special tokens are not normalized, others are.
    pub fn new(content: &str, special: bool) -> Self {
        AddedToken {
            content: content.to_string(),
            single_word: false,
            lstrip: false,
            rstrip: false,
            normalized: !special,
            special,
        }
    }

    /// A special token as the legacy loaders add it: not normalized, no stripping.
    pub fn special(content: &str) -> Self {
        Self::new(content, true)
    }

    /// The same token, stripping the spaces on its left (mask tokens of several classes).
    pub fn with_lstrip(mut self) -> Self {
        self.lstrip = true;
        self
    }

    /// A serialized AddedToken of tokenizer_config.json or special_tokens_map.json: absent flags are
    /// transformers' defaults for a special token (special, not normalized); None without a string
    /// `content`.
    pub fn from_config_dict(o: &serde_json::Map<String, Value>) -> Option<Self> {
        let flag = |k: &str, d: bool| o.get(k).and_then(Value::as_bool).unwrap_or(d);
        Some(AddedToken {
            content: o.get("content")?.as_str()?.to_string(),
            single_word: flag("single_word", false),
            lstrip: flag("lstrip", false),
            rstrip: flag("rstrip", false),
            normalized: flag("normalized", false),
            special: flag("special", true),
        })
    }

    /// One entry of tokenizer.json's `added_tokens`, with its id.
    pub fn from_json(v: &Value, f: &str) -> Result<(u32, AddedToken)> {
        let o = as_obj(v, f)?;
        let id = as_u32(req(o, "id", f)?, &field(f, "id"))?;
        let special = opt_bool(o, "special", f, false)?;
        Ok((
            id,
            AddedToken {
                content: req_str(o, "content", f)?.to_string(),
                single_word: opt_bool(o, "single_word", f, false)?,
                lstrip: opt_bool(o, "lstrip", f, false)?,
                rstrip: opt_bool(o, "rstrip", f, false)?,
                normalized: opt_bool(o, "normalized", f, !special)?,
                special,
            },
        ))
    }

    pub fn to_json(&self, id: u32) -> Value {
        serde_json::json!({
            "id": id,
            "content": self.content,
            "single_word": self.single_word,
            "lstrip": self.lstrip,
            "rstrip": self.rstrip,
            "normalized": self.normalized,
            "special": self.special,
        })
    }
}

/// Which added tokens an encode call matches in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Matching {
    /// Every added token (the default).
    #[default]
    All,
    /// All but the special ones, whose text is tokenized as ordinary text (transformers'
    /// `split_special_tokens`, tokenizers' `encode_special_tokens`).
    NonSpecial,
    /// None: the text runs through the pipeline as if there were no added tokens (transformers'
    /// `_encode_without_added_tokens`, which `sanitize_control_tokens` uses).
    Nothing,
    /// None is split out, but a word the pre-tokenizer gives whole that is an added token's text is that
    /// token: a word-level model's words as transformers' Python classes convert them when splitting
    /// special tokens (`convert_tokens_to_ids` looks the added tokens up first). The tokenizer does the
    /// lookup; this stage matches nothing.
    Words,
    /// Only the special tokens that are whole words of the text as BERT's basic tokenizer cleans it:
    /// between whitespace (or the text's ends), control chars ignored, and CJK ideographs standing alone
    /// when `cjk` (its `never_split`, which keeps them from lower-casing and the cut at punctuation when
    /// transformers' Python BERT classes split special tokens). Looked for in the raw text, then (by
    /// their content) in the normalized text: a word that lower-cases to a special token is not cut at
    /// punctuation either. lstrip / rstrip / single_word do not apply; the tokenizer hands each match to
    /// the model as text.
    SpecialWords { cjk: bool },
}

impl Matching {
    /// Whether no token is split out of the text.
    pub fn matches_nothing(self) -> bool {
        matches!(self, Matching::Nothing | Matching::Words)
    }
}

/// A compiled matcher over a set of added tokens.
#[derive(Debug, Clone, Default)]
struct Matcher {
    ac: Option<AhoCorasick>,
    /// Pattern index → token id.
    ids: Vec<u32>,
}

impl Matcher {
    fn build(patterns: Vec<(String, u32)>) -> Result<Self> {
        if patterns.is_empty() {
            return Ok(Matcher::default());
        }
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build(patterns.iter().map(|(p, _)| p.as_str()))
            .map_err(|e| Error::Internal(format!("added-token matcher: {e}")))?;
        Ok(Matcher {
            ac: Some(ac),
            ids: patterns.into_iter().map(|(_, id)| id).collect(),
        })
    }
}

#[derive(Debug, Clone, Default)]
pub struct AddedVocabulary {
    /// In insertion order.
    tokens: Vec<(u32, AddedToken)>,
    by_content: HashMap<String, u32>,
    by_id: HashMap<u32, usize>,
    raw: Matcher,
    normalized: Matcher,
    /// Normalized forms of `normalized` tokens that differ from their content: Hugging Face's
    /// id → token lookup answers with this form (e.g. "another-one" for "Another-One" under BERT).
    normalized_forms: HashMap<u32, String>,
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Whether `c` ends a word of the text as BERT's basic tokenizer splits it (`Matching::SpecialWords`):
/// whitespace (Python's `str.split()`'s, a superset of BERT's), or a CJK ideograph, spaced when `cjk`.
fn is_bert_word_end(c: char, cjk: bool) -> bool {
    c.is_whitespace() || cjk && is_cjk(c)
}

/// Whether `s[start..stop]` is a whole word of `s` cleaned by BERT's basic tokenizer: the chars it drops
/// (control chars) are skipped on both sides, and the token itself survives the cleaning whole.
fn is_bert_word(s: &str, start: usize, stop: usize, cjk: bool) -> bool {
    let token = &s[start..stop];
    let kept = |c: char| !is_removed(c) && !is_bert_word_end(c, cjk);
    let bounded = |c: Option<char>| c.is_none_or(|c| is_bert_word_end(c, cjk));
    token.chars().all(kept)
        && bounded(s[..start].chars().rev().find(|&c| !is_removed(c)))
        && bounded(s[stop..].chars().find(|&c| !is_removed(c)))
}

impl AddedVocabulary {
    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    pub fn tokens(&self) -> impl Iterator<Item = (u32, &AddedToken)> {
        self.tokens.iter().map(|(id, t)| (*id, t))
    }

    pub fn token_to_id(&self, content: &str) -> Option<u32> {
        self.by_content.get(content).copied()
    }

    pub fn id_to_token(&self, id: u32) -> Option<&str> {
        if let Some(f) = self.normalized_forms.get(&id) {
            return Some(f);
        }
        self.get(id).map(|t| t.content.as_str())
    }

    pub fn get(&self, id: u32) -> Option<&AddedToken> {
        self.by_id
            .get(&id)
            .and_then(|&i| self.tokens.get(i))
            .map(|(_, t)| t)
    }

    pub fn is_special(&self, id: u32) -> bool {
        self.get(id).is_some_and(|t| t.special)
    }

    /// Whether `content` is the text of a special added token.
    pub fn is_special_content(&self, content: &str) -> bool {
        self.by_content
            .get(content)
            .is_some_and(|&id| self.is_special(id))
    }

    /// True when some added token must be looked for in normalized text (the fused fast paths only
    /// handle raw-text matching).
    pub fn has_normalized_tokens(&self) -> bool {
        self.normalized.ac.is_some()
    }

    /// Add tokens, giving new ones the next free id after the model's vocabulary, like Hugging Face.
    /// Returns how many were new. Existing contents get their flags updated.
    pub fn add<V: Vocab + ?Sized, N: Normalize + ?Sized>(
        &mut self,
        tokens: &[AddedToken],
        model: &V,
        normalizer: Option<&N>,
    ) -> Result<usize> {
        let mut added = 0;
        for t in tokens {
            if t.content.is_empty() {
                continue;
            }
            if let Some(&id) = self.by_content.get(&t.content) {
                if let Some(&i) = self.by_id.get(&id) {
                    if let Some(slot) = self.tokens.get_mut(i) {
                        slot.1 = t.clone();
                    }
                }
                continue;
            }
            let id = match model.token_to_id(&t.content) {
                Some(id) => id,
                None => {
                    let vs = model.vocab_size() as u32;
                    match self.tokens.iter().map(|(id, _)| *id).max() {
                        Some(m) if m >= vs || vs == 0 => m + 1,
                        _ => vs,
                    }
                }
            };
            self.insert(id, t.clone());
            added += 1;
        }
        self.refresh(normalizer)?;
        Ok(added)
    }

    /// Add a token with a known id (tokenizer.json's `added_tokens`). Call `refresh` afterwards.
    pub fn insert(&mut self, id: u32, t: AddedToken) {
        if let Some(old) = self.by_content.get(&t.content).copied() {
            self.by_id.remove(&old);
            self.tokens.retain(|(i, _)| *i != old);
            self.reindex();
        }
        self.by_content.insert(t.content.clone(), id);
        self.by_id.insert(id, self.tokens.len());
        self.tokens.push((id, t));
    }

    fn reindex(&mut self) {
        self.by_id = self
            .tokens
            .iter()
            .enumerate()
            .map(|(i, (id, _))| (*id, i))
            .collect();
    }

    /// Rebuild the matchers; normalized tokens are matched in their normalized form.
    pub fn refresh<N: Normalize + ?Sized>(&mut self, normalizer: Option<&N>) -> Result<()> {
        let mut raw = Vec::new();
        let mut norm = Vec::new();
        self.normalized_forms.clear();
        for (id, t) in &self.tokens {
            if t.normalized {
                let content = match normalizer {
                    Some(n) => n.normalize_str(&t.content)?,
                    None => t.content.clone(),
                };
                if content != t.content && !content.is_empty() {
                    self.normalized_forms.insert(*id, content.clone());
                }
                if !content.is_empty() {
                    norm.push((content, *id));
                }
            } else {
                raw.push((t.content.clone(), *id));
            }
        }
        self.raw = Matcher::build(raw)?;
        self.normalized = Matcher::build(norm)?;
        Ok(())
    }

    /// Cut `s` at the added tokens `m` finds: returns (range, Some(id)) for tokens and (range, None)
    /// for the text between them, honouring single_word / lstrip / rstrip and `matching`. As in Hugging
    /// Face, a special match that `Matching::NonSpecial` skips still hides the shorter matches that
    /// overlap it (leftmost-longest runs before the skip).
    fn find_matches(
        &self,
        s: &str,
        m: &Matcher,
        matching: Matching,
    ) -> Vec<(std::ops::Range<usize>, Option<u32>)> {
        let Some(ac) = m.ac.as_ref().filter(|_| !matching.matches_nothing()) else {
            return vec![(0..s.len(), None)];
        };
        let mut out = Vec::new();
        let mut start_offset = 0;
        for mat in ac.find_iter(s) {
            let (mut start, mut stop) = (mat.start(), mat.end());
            let Some(&id) = m.ids.get(mat.pattern().as_usize()) else {
                continue;
            };
            let Some(tok) = self.get(id) else { continue };
            if matching == Matching::NonSpecial && tok.special {
                continue;
            }
            if let Matching::SpecialWords { cjk } = matching {
                if tok.special && is_bert_word(s, start, stop, cjk) {
                    if start_offset < start {
                        out.push((start_offset..start, None));
                    }
                    out.push((start..stop, Some(id)));
                    start_offset = stop;
                }
                continue;
            }
            if tok.single_word {
                let before_ok = s[..start]
                    .chars()
                    .next_back()
                    .is_none_or(|c| !is_word_char(c));
                let after_ok = s[stop..].chars().next().is_none_or(|c| !is_word_char(c));
                if !before_ok || !after_ok {
                    continue;
                }
            }
            if tok.lstrip {
                let trimmed = s[..start].trim_end_matches(char::is_whitespace).len();
                start = trimmed.max(start_offset);
            }
            if tok.rstrip {
                stop += s[stop..].len() - s[stop..].trim_start_matches(char::is_whitespace).len();
            }
            if start < start_offset {
                // An earlier rstrip already consumed this region.
                continue;
            }
            if start_offset < start {
                out.push((start_offset..start, None));
            }
            out.push((start..stop, Some(id)));
            start_offset = stop;
        }
        if start_offset < s.len() || out.is_empty() {
            out.push((start_offset..s.len(), None));
        }
        out
    }

    fn split_pieces(&self, ns: NormalizedString, m: &Matcher, matching: Matching) -> Vec<PreSplit> {
        if m.ac.is_none() || matching.matches_nothing() {
            return vec![PreSplit {
                normalized: ns,
                tokens: None,
            }];
        }
        self.find_matches(ns.as_str(), m, matching)
            .into_iter()
            .map(|(r, id)| {
                let piece = ns.slice(r);
                let tokens = id.map(|id| {
                    vec![Token {
                        id,
                        offsets: (0, piece.len() as u32),
                    }]
                });
                PreSplit {
                    normalized: piece,
                    tokens,
                }
            })
            .filter(|s| !s.normalized.is_empty())
            .collect()
    }

    /// Raw-text split only (for the fused fast paths): (range, Some(id)) or (range, None).
    pub fn split_raw(
        &self,
        text: &str,
        matching: Matching,
    ) -> Vec<(std::ops::Range<usize>, Option<u32>)> {
        self.find_matches(text, &self.raw, matching)
    }

    /// Whether `split_raw` would return `text` whole: no raw-matched token occurs in it. Most texts
    /// have none, and the fast paths then skip building the split list (an allocation per text).
    pub fn no_raw_match(&self, text: &str) -> bool {
        self.raw
            .ac
            .as_ref()
            .is_none_or(|ac| ac.find(text).is_none())
    }

    /// Hugging Face's `extract_and_normalize`: split out raw-matched tokens, normalize the rest, then
    /// split out normalized-matched tokens. `base` is the offset of `text` in the original input;
    /// `matching` says which added tokens are looked for.
    pub fn extract_and_normalize<N: Normalize + ?Sized>(
        &self,
        normalizer: Option<&N>,
        text: &str,
        base: usize,
        matching: Matching,
    ) -> Result<PreTokenizedString> {
        let ns = NormalizedString::from_original(text, base);
        let mut pts = PreTokenizedString {
            splits: self.split_pieces(ns, &self.raw, matching),
        };
        let old = std::mem::take(&mut pts.splits);
        for split in old {
            if split.tokens.is_some() {
                pts.splits.push(split);
                continue;
            }
            let mut ns = split.normalized;
            if let Some(n) = normalizer {
                n.normalize(&mut ns)?;
            }
            // Whole special words are looked for again in the normalized text: BERT's basic tokenizer
            // spares a word the cut at punctuation when it lower-cases to a special token.
            let second = match matching {
                Matching::SpecialWords { .. } => &self.raw,
                _ => &self.normalized,
            };
            pts.splits.extend(self.split_pieces(ns, second, matching));
        }
        Ok(pts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whole words as BERT's basic tokenizer cuts the cleaned text: whitespace and the text's ends
    /// bound them, control chars are skipped, CJK ideographs stand alone only when spaced.
    #[test]
    fn bert_words_are_bounded_by_whitespace() {
        let word = |s: &str, t: &str, cjk: bool| {
            let start = s.find(t).unwrap_or_default();
            is_bert_word(s, start, start + t.len(), cjk)
        };
        assert!(word("[CLS]", "[CLS]", false));
        assert!(word("a [CLS]\u{2028}b", "[CLS]", false));
        assert!(word("a \u{0}\u{200b}[CLS]\u{7}\nb", "[CLS]", false));
        assert!(!word("a\u{200b}[CLS] b", "[CLS]", false));
        assert!(!word("a[CLS] b", "[CLS]", false));
        assert!(!word("a [CLS].", "[CLS]", false));
        assert!(word("中[CLS]中", "[CLS]", true));
        assert!(!word("中[CLS]中", "[CLS]", false));
        // A token the cleaning would change is never a word.
        assert!(!word("a [C\u{7}LS] b", "[C\u{7}LS]", false));
        assert!(!word("<a b>", "<a b>", false));
    }
}
