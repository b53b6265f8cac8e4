//! The tokenizer's per-text step: added tokens split out, then the fused path or the generic normalize →
//! pre-tokenize → model chain.

use super::*;
use crate::kernel::PreTokenizedString;

/// Tokens to reserve for a text of `bytes` bytes, with room for the special tokens around it: about one
/// token per 3 bytes of prose (as many as the fast paths reserve for), so that a vector is allocated
/// once instead of growing.
pub(super) fn token_estimate(bytes: usize) -> usize {
    bytes / 3 + 4 + crate::kernel::encoding::SPECIAL_SLACK
}

/// Each pre-tokenized word of `pts` through `tokenize`, its tokens appended to `out` with original offsets
/// and word indices counted on from `word`: the unfused fallback of the fast paths.
pub(super) fn push_words(
    pts: &PreTokenizedString,
    word: &mut u32,
    out: &mut TokenBuffer,
    mut tokenize: impl FnMut(&str, &mut Vec<Token>) -> Result<()>,
) -> Result<()> {
    let mut toks = Vec::new();
    for split in &pts.splits {
        toks.clear();
        tokenize(split.normalized.as_str(), &mut toks)?;
        for t in &toks {
            let r = split
                .normalized
                .original_range(t.offsets.0 as usize..t.offsets.1 as usize);
            out.push(t.id, r, Some(*word));
        }
        *word += 1;
    }
    Ok(())
}

impl Tokenizer {
    /// Tokens of one text (no special tokens), appended to `out`. Byte offsets are relative to `text`.
    /// `word_override` gives every token that word index (pre-tokenized input).
    pub(super) fn tokenize_text(
        &self,
        text: &str,
        word_override: Option<u32>,
        matching: Matching,
        out: &mut TokenBuffer,
    ) -> Result<()> {
        let start = out.len();
        // Text that NFC would change must go through the normalizer (and its alignments).
        let nfc_ok = || match &self.normalizer {
            Some(Normalizer::Unicode(UnicodeForm::Nfc)) => {
                unicode_normalization::is_nfc_quick(text.chars())
                    == unicode_normalization::IsNormalized::Yes
            }
            _ => match (self.fast, whitespace_metaspace(self.pre_tokenizer.as_ref())) {
                // As a string: the SIMD substring search, not a char search that stops at every
                // byte equal to the char's last one (every CJK char, for `▁`).
                (FastPath::Unigram, Some((rep, _))) => {
                    !text.contains(&*rep.encode_utf8(&mut [0u8; 4]))
                }
                _ => true,
            },
        };
        // Normalized added tokens are only found by the generic chain (unless none is looked for).
        let no_normalized = matching.matches_nothing() || !self.added.has_normalized_tokens();
        // Whole special words go to the model as text: the generic chain only.
        let kept_words = matches!(matching, Matching::SpecialWords { .. });
        if self.fast != FastPath::Generic && no_normalized && !kept_words && nfc_ok() {
            self.tokenize_fast(text, matching, out)?;
        } else {
            self.tokenize_generic(text, matching, out)?;
        }
        if let Some(w) = word_override {
            for word in out.words.iter_mut().skip(start) {
                *word = Some(w);
            }
        }
        Ok(())
    }

    fn tokenize_fast(&self, text: &str, matching: Matching, out: &mut TokenBuffer) -> Result<()> {
        let want = token_estimate(text.len());
        out.ids.reserve(want);
        out.offsets.reserve(want);
        out.words.reserve(want);
        let mut word = 0u32;
        let split;
        let parts: &[(std::ops::Range<usize>, Option<u32>)] = if self.added.no_raw_match(text) {
            &[(0..text.len(), None)]
        } else {
            split = self.added.split_raw(text, matching);
            &split
        };
        for (range, id) in parts.iter().cloned() {
            if out.full() {
                break;
            }
            if let Some(id) = id {
                let matched = text.get(range.clone()).unwrap_or_default();
                if self.added.id_to_token(id) != Some(matched) {
                    out.texts.push((out.len(), matched.to_string()));
                }
                out.push(id, (range.start, range.end), Some(word));
                word += 1;
                continue;
            }
            let Some(segment) = text.get(range.clone()) else {
                return Err(Error::Internal(
                    "added-token split off a char boundary".into(),
                ));
            };
            match (
                self.fast,
                &self.normalizer,
                &self.pre_tokenizer,
                &self.model,
            ) {
                (FastPath::Bert, Some(Normalizer::Bert(n)), _, Model::WordPiece(wp)) => {
                    fast_bert::encode_segment(n, wp, segment, range.start, &mut word, out)?
                }
                (FastPath::ByteLevel, _, Some(PreTokenizer::ByteLevel(b)), Model::Bpe(bpe)) => {
                    fast_byte_level::encode_segment(b, bpe, segment, range.start, &mut word, out)?
                }
                (
                    FastPath::SplitByteLevel,
                    _,
                    Some(PreTokenizer::Sequence(seq)),
                    Model::Bpe(bpe),
                ) => {
                    let Some(split) = split_then_byte_level(seq) else {
                        return Err(Error::Internal(
                            "split fast path without its pre-tokenizers".into(),
                        ));
                    };
                    let mut matches = Vec::new();
                    split.pattern.find_into(segment, &mut matches)?;
                    // Isolated: every match and every gap is a word; empty ones are dropped (an empty
                    // match still cuts the gap it falls in, as in Hugging Face).
                    let pieces =
                        crate::pre_tokenizers::split::cover(&matches, segment.len(), false)
                            .into_iter()
                            .filter(|(r, _)| r.start < r.end)
                            .map(|(r, _)| (r.start, r.end));
                    fast_byte_level::encode_pieces(
                        bpe,
                        segment,
                        pieces,
                        range.start,
                        &mut word,
                        out,
                    )?
                }
                (FastPath::Unigram, n, p, Model::Unigram(u)) => {
                    let Some(cut) = whitespace_metaspace(p.as_ref()) else {
                        return Err(Error::Internal(
                            "unigram fast path without its pre-tokenizers".into(),
                        ));
                    };
                    let norm = match n {
                        Some(Normalizer::Precompiled(pc)) => Some(&**pc),
                        _ => None,
                    };
                    fast_unigram::encode_segment(
                        norm,
                        cut,
                        u,
                        segment,
                        range.start,
                        &mut word,
                        out,
                    )?
                }
                _ => {
                    return Err(Error::Internal(
                        "fast path chosen for another configuration".into(),
                    ))
                }
            }
        }
        Ok(())
    }

    fn tokenize_generic(
        &self,
        text: &str,
        matching: Matching,
        out: &mut TokenBuffer,
    ) -> Result<()> {
        if self.has_host_stages() {
            // Host callbacks show the original text of the pieces they are given.
            return crate::kernel::host::with_input(text, || {
                self.tokenize_pieces(text, matching, out)
            });
        }
        self.tokenize_pieces(text, matching, out)
    }

    fn tokenize_pieces(&self, text: &str, matching: Matching, out: &mut TokenBuffer) -> Result<()> {
        let mut pts =
            self.added
                .extract_and_normalize(self.normalizer.as_ref(), text, 0, matching)?;
        if let Some(p) = &self.pre_tokenizer {
            p.pre_tokenize(&mut pts)?;
        }
        let mut toks: Vec<Token> = Vec::new();
        for (idx, split) in pts.splits.iter().enumerate() {
            let word = Some(idx as u32);
            let ns = &split.normalized;
            let word_id = match (&split.tokens, matching) {
                (None, Matching::Words) => self.added.token_to_id(ns.as_str()),
                _ => None,
            };
            let tokens: &[Token] = match &split.tokens {
                // A whole special word, or a word-level model's word that is an added token.
                Some(_) if matches!(matching, Matching::SpecialWords { .. }) => {
                    toks.clear();
                    self.model.tokenize(ns.as_str(), &mut toks)?;
                    &toks
                }
                None if word_id.is_some() => {
                    toks.clear();
                    toks.extend(word_id.map(|id| Token {
                        id,
                        offsets: (0, ns.len() as u32),
                    }));
                    &toks
                }
                Some(t) => {
                    // An added token: report the text it matched when that differs from its content.
                    if let [tok] = t.as_slice() {
                        if self.added.id_to_token(tok.id) != Some(ns.as_str()) {
                            out.texts.push((out.len(), ns.as_str().to_string()));
                        }
                    }
                    t
                }
                None => {
                    toks.clear();
                    self.model.tokenize(ns.as_str(), &mut toks)?;
                    &toks
                }
            };
            // Hugging Face's Unigram names an unknown token by the text it covers, not `<unk>`.
            let unigram_unk = match &self.model {
                Model::Unigram(u) if split.tokens.is_none() => u.unk_id,
                _ => None,
            };
            for t in tokens {
                if Some(t.id) == unigram_unk {
                    let covered = ns.as_str().get(t.offsets.0 as usize..t.offsets.1 as usize);
                    if let Some(s) = covered.filter(|&s| Some(s) != self.model.id_to_token(t.id)) {
                        out.texts.push((out.len(), s.to_string()));
                    }
                }
                let r = ns.original_range(t.offsets.0 as usize..t.offsets.1 as usize);
                out.push(t.id, r, word);
            }
        }
        Ok(())
    }
}
