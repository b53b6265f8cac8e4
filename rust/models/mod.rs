//! Models: turn one pre-tokenized word into vocabulary ids.

pub mod bpe;
pub mod bpe_merge;
pub mod bpe_pieces;
pub mod bpe_queue;
pub mod unigram;
pub mod wordlevel;
pub mod wordpiece;
pub mod wordpiece_trie;

pub use bpe::Bpe;
pub use unigram::Unigram;
pub use wordlevel::WordLevel;
pub use wordpiece::WordPiece;

use crate::error::Result;
use crate::loading::json::{as_obj, opt_str, unsupported};
use crate::pre_tokenizers::Token;
use serde_json::Value;

/// The tokens of one sequence before truncation and post-processing: ids with their byte offsets in the
/// original text (absolute) and the index of the word each came from. Fused fast paths write here directly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenBuffer {
    pub ids: Vec<u32>,
    pub offsets: Vec<(usize, usize)>,
    pub words: Vec<Option<u32>>,
    /// (position, text) for added tokens whose matched text differs from their content (a normalized
    /// match, or whitespace taken by lstrip/rstrip): Hugging Face reports the matched text as the token.
    pub texts: Vec<(usize, String)>,
    /// Fast paths may stop once this many tokens are in (whole words at a time): the caller truncates
    /// on the right and drops the rest. `usize::MAX` (the default) tokenizes everything.
    pub limit: usize,
}

/// Hint the CPU to bring `r`'s cache line in ahead of use (a no-op off x86-64).
#[inline]
pub(crate) fn prefetch<T>(r: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch hint on a valid reference; it reads nothing and cannot fault.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
            (r as *const T).cast::<i8>(),
        )
    };
    #[cfg(not(target_arch = "x86_64"))]
    let _ = r;
}

impl Default for TokenBuffer {
    fn default() -> Self {
        TokenBuffer {
            ids: Vec::new(),
            offsets: Vec::new(),
            words: Vec::new(),
            texts: Vec::new(),
            limit: usize::MAX,
        }
    }
}

impl TokenBuffer {
    /// Enough tokens for the caller (see `limit`).
    #[inline]
    pub fn full(&self) -> bool {
        self.ids.len() >= self.limit
    }

    pub fn push(&mut self, id: u32, offsets: (usize, usize), word: Option<u32>) {
        self.ids.push(id);
        self.offsets.push(offsets);
        self.words.push(word);
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    pub fn clear(&mut self) {
        self.ids.clear();
        self.offsets.clear();
        self.words.clear();
        self.texts.clear();
    }
}

#[derive(Debug, Clone)]
pub enum Model {
    WordPiece(WordPiece),
    Bpe(Bpe),
    Unigram(Unigram),
    WordLevel(WordLevel),
}

impl Model {
    /// Parse the `model` object of a tokenizer.json; `field` is its path, for errors.
    pub fn from_json(v: &Value, field: &str) -> Result<Self> {
        let o = as_obj(v, field)?;
        // Old tokenizer.json files omit the tag; guess from the fields like Hugging Face does.
        let t = match opt_str(o, "type", field)? {
            Some(t) => t,
            None if o.contains_key("merges") => "BPE",
            None if o.get("vocab").is_some_and(Value::is_array) => "Unigram",
            None => "WordPiece",
        };
        Ok(match t {
            "WordPiece" => Model::WordPiece(WordPiece::from_json(o, field)?),
            "BPE" => Model::Bpe(Bpe::from_json(o, field)?),
            "Unigram" => Model::Unigram(Unigram::from_json(o, field)?),
            "WordLevel" => Model::WordLevel(WordLevel::from_json(o, field)?),
            other => return Err(unsupported("model", field, other)),
        })
    }

    /// Append the tokens of `word` to `out`; offsets are byte offsets into `word`.
    pub fn tokenize(&self, word: &str, out: &mut Vec<Token>) -> Result<()> {
        match self {
            Model::WordPiece(m) => m.tokenize(word, out),
            Model::Bpe(m) => m.tokenize(word, out),
            Model::Unigram(m) => m.tokenize(word, out),
            Model::WordLevel(m) => m.tokenize(word, out),
        }
    }

    pub fn token_to_id(&self, token: &str) -> Option<u32> {
        match self {
            Model::WordPiece(m) => m.token_to_id(token),
            Model::Bpe(m) => m.token_to_id(token),
            Model::Unigram(m) => m.token_to_id(token),
            Model::WordLevel(m) => m.token_to_id(token),
        }
    }

    pub fn id_to_token(&self, id: u32) -> Option<&str> {
        match self {
            Model::WordPiece(m) => m.id_to_token(id),
            Model::Bpe(m) => m.id_to_token(id),
            Model::Unigram(m) => m.id_to_token(id),
            Model::WordLevel(m) => m.id_to_token(id),
        }
    }

    /// Every (token, id) of the vocabulary.
    pub fn vocab(&self) -> Vec<(&str, u32)> {
        match self {
            Model::WordPiece(m) => m.vocab().collect(),
            Model::Bpe(m) => m.vocab().collect(),
            Model::Unigram(m) => m.vocab().collect(),
            Model::WordLevel(m) => m.vocab().collect(),
        }
    }

    /// Number of entries of the vocabulary (not counting added tokens).
    pub fn vocab_size(&self) -> usize {
        match self {
            Model::WordPiece(m) => m.vocab_size(),
            Model::Bpe(m) => m.vocab_size(),
            Model::Unigram(m) => m.vocab_size(),
            Model::WordLevel(m) => m.vocab_size(),
        }
    }
}
