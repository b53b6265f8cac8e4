//! The tokenizer: wires the stages together and runs them for single inputs and batches.

pub mod batch;
pub mod decode_stream;
pub mod overlap;
pub mod parallel;
pub mod plan;
pub mod stream;
mod tokenize;
use tokenize::token_estimate;
pub mod training;
mod training_files;
mod training_words;

pub use crate::kernel::{Direction, Encoding};

use crate::added_tokens::{AddedToken, AddedVocabulary, Matching};
use crate::decoders::Decoder;
use crate::error::{Error, Result};
use crate::kernel::encoding::SPECIAL_SLACK;
use crate::kernel::Token;
use crate::kernel::{TokenBuffer, TokenLookup};
use crate::models::Model;
use crate::normalizers::{Normalizer, UnicodeForm};
use crate::postprocess::{
    truncation::truncate_encodings, PaddingParams, TruncationParams, TruncationStrategy,
};
use crate::pre_tokenizers::PreTokenizer;
use crate::processors::{merge_sequences, PostProcessor};

/// One input sequence: raw text, or text already split into words (`is_split_into_words`).
#[derive(Debug, Clone, Copy)]
pub enum InputSequence<'a> {
    Raw(&'a str),
    Words(&'a [&'a str]),
}

/// Per-call options (the Python layer maps transformers' `__call__` arguments onto these).
#[derive(Debug, Clone, Default)]
pub struct EncodeOptions {
    pub add_special_tokens: bool,
    pub truncation: Option<TruncationParams>,
    pub padding: Option<PaddingParams>,
    /// Offsets in chars (Python's view of a str) instead of bytes.
    pub char_offsets: bool,
    /// Truncated tokens are not returned (no `return_overflowing_tokens`): no overflow windows are
    /// built, and a single text truncated on the right is only tokenized as far as it is kept.
    pub drop_overflow: bool,
    /// Match special added tokens in the text (false) or tokenize their text as ordinary text (true:
    /// transformers' `split_special_tokens`); None follows the tokenizer's `encode_special_tokens`.
    pub split_special_tokens: Option<bool>,
    /// Match no added token at all, special or not (transformers' `_encode_without_added_tokens`).
    pub skip_added_tokens: bool,
}

/// Which fused implementation can replace the generic normalize → pre-tokenize → model chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FastPath {
    Generic,
    Bert,
    ByteLevel,
    /// Llama-3 / Qwen style: [NFC] + Split(regex, Isolated) + ByteLevel(no regex, no prefix) + BPE.
    SplitByteLevel,
    /// SentencePiece style: [Precompiled] + WhitespaceSplit (or Split(" +")) + Metaspace(always) +
    /// Unigram.
    Unigram,
}

/// The replacement char of a `[WhitespaceSplit, Metaspace(prepend always)]` sequence, or of a
/// `[Split(" +", Removed), Metaspace(prepend always)]` one (the `sentencepiece` library's cut at ASCII
/// spaces only), with whether words are cut at spaces only.
fn whitespace_metaspace(p: Option<&PreTokenizer>) -> Option<(char, bool)> {
    let Some(PreTokenizer::Sequence(seq)) = p else {
        return None;
    };
    let (cut, m) = match seq.as_slice() {
        [cut, PreTokenizer::Metaspace(m)]
            if m.prepend_scheme == crate::kernel::metaspace::PrependScheme::Always =>
        {
            (cut, m)
        }
        _ => return None,
    };
    match cut {
        PreTokenizer::WhitespaceSplit(_) => Some((m.replacement, false)),
        PreTokenizer::Split(s)
            if s.pattern.is_space_runs()
                && !s.invert
                && s.behavior == crate::kernel::SplitBehavior::Removed =>
        {
            Some((m.replacement, true))
        }
        _ => None,
    }
}

/// The stages of one tokenizer. The components are private: their setters re-select the fused path
/// (and re-normalize `normalized` added tokens), so a tokenizer is never left running a path chosen
/// for other components.
#[derive(Debug, Clone)]
pub struct Tokenizer {
    normalizer: Option<Normalizer>,
    pre_tokenizer: Option<PreTokenizer>,
    model: Model,
    post_processor: Option<PostProcessor>,
    decoder: Option<Decoder>,
    added: AddedVocabulary,
    /// Defaults read from tokenizer.json (`truncation` / `padding` blocks).
    pub truncation: Option<TruncationParams>,
    pub padding: Option<PaddingParams>,
    /// The tokenizer.json document this was built from (serialization rewrites the parts that change).
    pub(crate) source: crate::loading::source::Source,
    /// Whether fused paths may be used (`set_fast_paths`); `fast` is the one selected.
    fast_paths: bool,
    fast: FastPath,
    /// Hugging Face's `encode_special_tokens`: special tokens in the text are tokenized as text
    /// unless a call says otherwise (`EncodeOptions::split_special_tokens`). Not serialized, as in
    /// Hugging Face.
    pub encode_special_tokens: bool,
    /// Whether splitting special tokens (above, or a call's `split_special_tokens`) also leaves the
    /// non-special added tokens unmatched: transformers' Python classes tokenize the whole text then,
    /// where Hugging Face's fast tokenizers still match the non-special ones. Not serialized.
    pub split_skips_added_tokens: bool,
    /// With `split_skips_added_tokens`: a special token that is a whole word of the text (as BERT's basic
    /// tokenizer cleans it) is still kept whole, neither normalized nor pre-tokenized, and given to the
    /// model as text: the `never_split` of transformers' Python classes on BERT's basic tokenizer
    /// (ProphetNet, RoCBert, BertJapanese's basic word tokenizer). Not serialized.
    pub split_keeps_special_words: bool,
}

/// The Split of a `[Split(regex, Isolated), ByteLevel(use_regex=false, add_prefix_space=false)]` sequence.
fn split_then_byte_level(seq: &[PreTokenizer]) -> Option<&crate::pre_tokenizers::Split> {
    match seq {
        [PreTokenizer::Split(s), PreTokenizer::ByteLevel(b)]
            if !s.invert
                && s.behavior == crate::kernel::SplitBehavior::Isolated
                && !b.use_regex
                && !b.add_prefix_space =>
        {
            Some(s)
        }
        _ => None,
    }
}

impl TokenLookup for Tokenizer {
    fn token(&self, id: u32) -> Option<&str> {
        self.id_to_token(id)
    }
}

impl Tokenizer {
    pub fn new(model: Model) -> Self {
        Tokenizer {
            normalizer: None,
            pre_tokenizer: None,
            model,
            post_processor: None,
            decoder: None,
            added: AddedVocabulary::default(),
            truncation: None,
            padding: None,
            source: crate::loading::source::Source::default(),
            fast_paths: true,
            fast: FastPath::Generic,
            encode_special_tokens: false,
            split_skips_added_tokens: false,
            split_keeps_special_words: false,
        }
    }

    /// Whether the normalizer puts spaces around CJK ideographs (BERT's, alone or in a sequence): they
    /// then end the whole words `split_keeps_special_words` looks for.
    fn spaces_cjk(&self) -> bool {
        fn spaces(n: &Normalizer) -> bool {
            match n {
                Normalizer::Bert(b) => b.handle_chinese_chars,
                Normalizer::Sequence(s) => s.iter().any(spaces),
                _ => false,
            }
        }
        self.normalizer.as_ref().is_some_and(spaces)
    }

    pub fn normalizer(&self) -> Option<&Normalizer> {
        self.normalizer.as_ref()
    }

    pub fn pre_tokenizer(&self) -> Option<&PreTokenizer> {
        self.pre_tokenizer.as_ref()
    }

    pub fn model(&self) -> &Model {
        &self.model
    }

    pub fn post_processor(&self) -> Option<&PostProcessor> {
        self.post_processor.as_ref()
    }

    pub fn decoder(&self) -> Option<&Decoder> {
        self.decoder.as_ref()
    }

    /// Whether a stage is written in the host language (`Normalizer.custom` and friends): such a
    /// tokenizer runs every call on the calling thread, whose interpreter lock the callbacks take, and
    /// cannot be serialized.
    pub fn has_host_stages(&self) -> bool {
        matches!(self.normalizer, Some(Normalizer::Host(_)))
            || matches!(self.pre_tokenizer, Some(PreTokenizer::Host(_)))
            || matches!(self.decoder, Some(Decoder::Host(_)))
    }

    /// The added tokens (special or not) on top of the model's vocabulary.
    pub fn added_vocabulary(&self) -> &AddedVocabulary {
        &self.added
    }

    /// Set the normalizer; `normalized` added tokens are matched in its output, so they are rebuilt.
    pub fn set_normalizer(&mut self, normalizer: Option<Normalizer>) -> Result<()> {
        self.normalizer = normalizer;
        self.added.refresh(self.normalizer.as_ref())?;
        self.select_path();
        Ok(())
    }

    pub fn set_pre_tokenizer(&mut self, pre_tokenizer: Option<PreTokenizer>) {
        self.pre_tokenizer = pre_tokenizer;
        self.select_path();
    }

    pub fn set_model(&mut self, model: Model) {
        self.model = model;
        self.select_path();
    }

    pub fn set_post_processor(&mut self, post_processor: Option<PostProcessor>) {
        self.post_processor = post_processor;
    }

    pub fn set_decoder(&mut self, decoder: Option<Decoder>) {
        self.decoder = decoder;
    }

    /// Allow (the default) or forbid the fused fast paths. With them off every text runs the generic
    /// normalize → pre-tokenize → model chain: the reference the fast paths are tested against.
    pub fn set_fast_paths(&mut self, enabled: bool) {
        self.fast_paths = enabled;
        self.select_path();
    }

    pub fn fast_paths(&self) -> bool {
        self.fast_paths
    }

    /// Pick the fused path for the current components.
    fn select_path(&mut self) {
        if !self.fast_paths {
            self.fast = FastPath::Generic;
            return;
        }
        self.fast = match (&self.normalizer, &self.pre_tokenizer, &self.model) {
            // The fused path lower-cases as Hugging Face does, char by char.
            (Some(Normalizer::Bert(n)), Some(PreTokenizer::Bert(_)), Model::WordPiece(_))
                if !n.python_lowercase =>
            {
                FastPath::Bert
            }
            (None, Some(PreTokenizer::ByteLevel(b)), Model::Bpe(_)) if b.use_regex => {
                FastPath::ByteLevel
            }
            (
                None | Some(Normalizer::Unicode(UnicodeForm::Nfc)),
                Some(PreTokenizer::Sequence(seq)),
                Model::Bpe(_),
            ) if split_then_byte_level(seq).is_some() => FastPath::SplitByteLevel,
            (None | Some(Normalizer::Precompiled(_)), _, Model::Unigram(_))
                if whitespace_metaspace(self.pre_tokenizer.as_ref()).is_some_and(|(rep, _)| {
                    !matches!(&self.normalizer, Some(Normalizer::Precompiled(p)) if p.produces(rep))
                }) =>
            {
                FastPath::Unigram
            }
            _ => FastPath::Generic,
        };
    }

    pub fn id_to_token(&self, id: u32) -> Option<&str> {
        self.added
            .id_to_token(id)
            .or_else(|| self.model.id_to_token(id))
    }

    pub fn token_to_id(&self, token: &str) -> Option<u32> {
        self.added
            .token_to_id(token)
            .or_else(|| self.model.token_to_id(token))
    }

    pub fn vocab_size(&self, with_added: bool) -> usize {
        if !with_added {
            // The byte and code-point models count their units (ByT5: 256, as transformers reports),
            // not the special ids before them.
            if let Model::Codes(m) = &self.model {
                return m.units() as usize;
            }
            return self.model.vocab_size();
        }
        let extra = self
            .added
            .tokens()
            .filter(|(id, t)| self.model.token_to_id(&t.content) != Some(*id))
            .count();
        self.model.vocab_size() + extra
    }

    pub fn add_tokens(&mut self, tokens: &[AddedToken]) -> Result<usize> {
        self.added
            .add(tokens, &self.model, self.normalizer.as_ref())
    }

    /// Number of special tokens the post-processor adds.
    pub fn num_special_tokens_to_add(&self, is_pair: bool) -> usize {
        self.post_processor
            .as_ref()
            .map_or(0, |p| p.added_tokens(is_pair))
    }

    /// The model tokens of one input sequence (`seq` is 0 or 1), offsets converted if asked. A raw
    /// text's vectors get `room` tokens of capacity beyond its own (the pair's second sequence).
    fn encode_sequence(
        &self,
        input: InputSequence<'_>,
        seq: u32,
        opts: &EncodeOptions,
        limit: usize,
        room: usize,
    ) -> Result<Encoding> {
        let char_offsets = opts.char_offsets;
        let matching = if opts.skip_added_tokens {
            Matching::Nothing
        } else if opts
            .split_special_tokens
            .unwrap_or(self.encode_special_tokens)
        {
            if self.split_skips_added_tokens && self.split_keeps_special_words {
                Matching::SpecialWords {
                    cjk: self.spaces_cjk(),
                }
            } else if self.split_skips_added_tokens {
                // A word-level model's words are looked up among the added tokens first.
                match self.model {
                    Model::WordLevel(_) => Matching::Words,
                    _ => Matching::Nothing,
                }
            } else {
                Matching::NonSpecial
            }
        } else {
            Matching::All
        };
        match input {
            InputSequence::Raw(text) => {
                let mut buf = TokenBuffer {
                    limit,
                    ..TokenBuffer::default()
                };
                if room > 0 {
                    let want = token_estimate(text.len()) + room;
                    buf.ids.reserve(want);
                    buf.offsets.reserve(want);
                    buf.words.reserve(want);
                }
                self.tokenize_text(text, None, matching, &mut buf)?;
                let mut e = Encoding::from_tokens_with_room(buf, seq, room.max(SPECIAL_SLACK));
                if char_offsets {
                    e.bytes_to_chars(text, None);
                }
                Ok(e)
            }
            InputSequence::Words(words) => {
                // Each word is tokenized alone; offsets stay relative to the word, like Hugging Face.
                let mut parts = Vec::with_capacity(words.len());
                for (i, w) in words.iter().enumerate() {
                    let mut buf = TokenBuffer::default();
                    self.tokenize_text(w, Some(i as u32), matching, &mut buf)?;
                    let mut e = Encoding::from_tokens(buf, seq);
                    if char_offsets {
                        e.bytes_to_chars(w, None);
                    }
                    parts.push(e);
                }
                Ok(Encoding::merge(parts, false))
            }
        }
    }

    /// Encode one sequence or a pair: tokenize, truncate, add special tokens; padding is left to the
    /// batch (`encode_batch`) unless `opts.padding` is set.
    pub fn encode(
        &self,
        first: InputSequence<'_>,
        second: Option<InputSequence<'_>>,
        opts: &EncodeOptions,
    ) -> Result<Encoding> {
        // Only truncation needs it (and it walks the template): not computed for every text otherwise.
        let n_added = if opts.add_special_tokens && opts.truncation.is_some() {
            self.num_special_tokens_to_add(second.is_some())
        } else {
            0
        };
        // A single text cut on the right keeps its first tokens: tokenizing stops once they are in.
        let limit = match &opts.truncation {
            Some(t)
                if opts.drop_overflow
                    && second.is_none()
                    && t.direction == Direction::Right
                    && t.strategy != TruncationStrategy::OnlySecond =>
            {
                t.max_length.checked_sub(n_added).unwrap_or(usize::MAX)
            }
            _ => usize::MAX,
        };
        // A pair is laid out in the first sequence's vectors (`PostProcessor::process_merged`): they
        // get room for the second one and the special tokens up front, instead of growing.
        let room = match &second {
            Some(InputSequence::Raw(text)) => {
                token_estimate(text.len()) + self.num_special_tokens_to_add(true)
            }
            _ => 0,
        };
        let a = self.encode_sequence(first, 0, opts, limit, room)?;
        let b = match second {
            Some(s) => Some(self.encode_sequence(s, 1, opts, usize::MAX, 0)?),
            None => None,
        };
        self.finish(a, b, opts, n_added)
    }

    /// Truncate, add special tokens and pad encodings made without them (tokenizers' `post_process`):
    /// `a` becomes sequence 0 and `b` sequence 1.
    pub fn post_process(
        &self,
        mut a: Encoding,
        mut b: Option<Encoding>,
        opts: &EncodeOptions,
    ) -> Result<Encoding> {
        let n_added = if opts.add_special_tokens && opts.truncation.is_some() {
            self.num_special_tokens_to_add(b.is_some())
        } else {
            0
        };
        a.set_sequence_ids(0);
        if let Some(b) = b.as_mut() {
            b.set_sequence_ids(1);
        }
        self.finish(a, b, opts, n_added)
    }

    /// `encode` after tokenizing: truncation, the post-processor, padding.
    fn finish(
        &self,
        mut a: Encoding,
        mut b: Option<Encoding>,
        opts: &EncodeOptions,
        n_added: usize,
    ) -> Result<Encoding> {
        if let Some(t) = &opts.truncation {
            t.validate(n_added)?;
            let params = TruncationParams {
                max_length: t.max_length - n_added,
                ..*t
            };
            truncate_encodings(&mut a, b.as_mut(), &params, !opts.drop_overflow)?;
        }
        let mut e = match (b, &self.post_processor) {
            (None, Some(p)) => p.process_single(a, opts.add_special_tokens, self)?,
            (None, None) => a,
            (Some(b), Some(p)) => p.process_merged(a, b, opts.add_special_tokens, self)?,
            (Some(b), None) => merge_sequences(vec![a, b]),
        };
        if let Some(p) = &opts.padding {
            p.validate()?;
            let target = p.target_length(e.len());
            e.pad(target, p.pad_id, p.pad_type_id, p.direction);
        }
        Ok(e)
    }

    /// Token strings for ids (added tokens first), skipping unknown ids like Hugging Face. Special
    /// tokens are skipped by their text, as in Hugging Face: a vocabulary entry that spells a special
    /// token under another id (XLM-R's two `<unk>`) is skipped too.
    pub fn ids_to_tokens(&self, ids: &[u32], skip_special_tokens: bool) -> Vec<String> {
        ids.iter()
            .filter_map(|&id| self.id_to_token(id))
            .filter(|t| !(skip_special_tokens && self.added.is_special_content(t)))
            .map(str::to_string)
            .collect()
    }

    pub fn decode(&self, ids: &[u32], skip_special_tokens: bool) -> Result<String> {
        let tokens = self.ids_to_tokens(ids, skip_special_tokens);
        match &self.decoder {
            Some(d) => d.decode(tokens),
            None => Ok(tokens.join(" ")),
        }
    }
}

pub mod fast_bert;
pub mod fast_byte_level;
pub mod fast_unigram;

/// The one reference of every fused path's differential tests: the generic chain, run by a tokenizer
/// with its fast paths off.
#[cfg(test)]
pub(crate) fn reference(
    normalizer: Option<Normalizer>,
    pre_tokenizer: Option<PreTokenizer>,
    model: Model,
) -> Tokenizer {
    let mut t = Tokenizer::new(model);
    t.set_fast_paths(false);
    t.set_pre_tokenizer(pre_tokenizer);
    if let Err(e) = t.set_normalizer(normalizer) {
        panic!("{e}");
    }
    t
}

#[cfg(test)]
impl Tokenizer {
    /// The tokens of `text` (at byte `base` of the input), words numbered from `word`, by the
    /// generic chain.
    pub(crate) fn reference_tokens(&self, text: &str, base: usize, word: u32) -> TokenBuffer {
        assert!(
            !self.fast_paths,
            "the reference runs with the fast paths off"
        );
        let mut out = TokenBuffer::default();
        if let Err(e) = self.tokenize_text(text, None, Matching::All, &mut out) {
            panic!("{e}");
        }
        for (s, e) in &mut out.offsets {
            *s += base;
            *e += base;
        }
        for w in out.words.iter_mut().flatten() {
            *w += word;
        }
        out
    }
}

#[cfg(test)]
mod split_tests;
#[cfg(test)]
mod tests;

/// The options unit tests encode with: special tokens, char offsets, nothing else.
#[cfg(test)]
pub(crate) fn test_options() -> EncodeOptions {
    EncodeOptions {
        add_special_tokens: true,
        truncation: None,
        padding: None,
        char_offsets: true,
        drop_overflow: false,
        split_special_tokens: None,
        skip_added_tokens: false,
    }
}

/// The BERT-uncased tokenizer.json of tests/fixtures, for this module's unit tests.
#[cfg(test)]
pub(crate) fn bert_fixture() -> Tokenizer {
    let p = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/bert-uncased/tokenizer.json"
    );
    match Tokenizer::from_file(p) {
        Ok(t) => t,
        Err(e) => panic!("fixture should load: {e}"),
    }
}
