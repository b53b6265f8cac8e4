//! Models: turn one pre-tokenized word into vocabulary ids.

pub mod bpe;
pub mod bpe_bytes;
pub mod bpe_merge;
pub mod bpe_pieces;
pub mod bpe_queue;
pub mod codes;
pub mod digit_comma;
pub mod fast_bpe;
pub mod mapped;
pub mod subword_japanese;
pub mod unigram;
pub mod wordlevel;
pub mod wordpiece;

pub use bpe::Bpe;
pub use codes::Codes;
pub use digit_comma::DigitComma;
pub use fast_bpe::FastBpe;
pub use mapped::Mapped;
pub use subword_japanese::SubwordJapanese;
pub use unigram::Unigram;
pub use wordlevel::WordLevel;
pub use wordpiece::WordPiece;

use crate::error::Result;
use crate::json::{as_obj, opt_str, unsupported};
use crate::kernel::{Token, Vocab};
use serde_json::Value;

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

#[derive(Debug, Clone)]
pub enum Model {
    WordPiece(WordPiece),
    Bpe(Bpe),
    Unigram(Unigram),
    WordLevel(WordLevel),
    Codes(Codes),
    FastBpe(FastBpe),
    Mapped(Mapped),
    /// GPTNeoXJapanese's smallest-id pieces (ferrotok's own, `subword_japanese`).
    SubwordJapanese(SubwordJapanese),
    DigitComma(DigitComma),
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
            "Codes" => Model::Codes(Codes::from_json(o, field)?),
            "FastBPE" => Model::FastBpe(FastBpe::from_json(o, field)?),
            "Mapped" => Model::Mapped(Mapped::from_json(o, field)?),
            "SubwordJapanese" => Model::SubwordJapanese(SubwordJapanese::from_json(o, field)?),
            "DigitComma" => Model::DigitComma(DigitComma::from_json(o, field)?),
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
            Model::Codes(m) => m.tokenize(word, out),
            Model::FastBpe(m) => m.tokenize(word, out),
            Model::Mapped(m) => m.tokenize(word, out),
            Model::SubwordJapanese(m) => m.tokenize(word, out),
            Model::DigitComma(m) => m.tokenize(word, out),
        }
    }

    pub fn token_to_id(&self, token: &str) -> Option<u32> {
        match self {
            Model::WordPiece(m) => m.token_to_id(token),
            Model::Bpe(m) => m.token_to_id(token),
            Model::Unigram(m) => m.token_to_id(token),
            Model::WordLevel(m) => m.vocab_map().id(token),
            Model::Codes(m) => m.token_to_id(token),
            Model::FastBpe(m) => m.vocab_map().id(token),
            Model::Mapped(m) => m.vocab_map().id(token),
            Model::SubwordJapanese(m) => m.token_to_id(token),
            Model::DigitComma(m) => m.token_to_id(token),
        }
    }

    pub fn id_to_token(&self, id: u32) -> Option<&str> {
        match self {
            Model::WordPiece(m) => m.id_to_token(id),
            Model::Bpe(m) => m.id_to_token(id),
            Model::Unigram(m) => m.id_to_token(id),
            Model::WordLevel(m) => m.vocab_map().token(id),
            Model::Codes(m) => m.id_to_token(id),
            Model::FastBpe(m) => m.vocab_map().token(id),
            Model::Mapped(m) => m.vocab_map().token(id),
            Model::SubwordJapanese(m) => m.id_to_token(id),
            Model::DigitComma(m) => m.id_to_token(id),
        }
    }

    /// Every (token, id) of the vocabulary.
    pub fn vocab(&self) -> Vec<(&str, u32)> {
        match self {
            Model::WordPiece(m) => m.vocab().collect(),
            Model::Bpe(m) => m.vocab().collect(),
            Model::Unigram(m) => m.vocab().collect(),
            Model::WordLevel(m) => m.vocab_map().iter().collect(),
            Model::Codes(m) => m.vocab().collect(),
            Model::FastBpe(m) => m.vocab_map().iter().collect(),
            Model::Mapped(m) => m.vocab_map().iter().collect(),
            Model::SubwordJapanese(m) => m.vocab().collect(),
            Model::DigitComma(m) => m.vocab(),
        }
    }

    /// The string tokenizers' `Model.tokenize` reports for `token` of `word`: its vocabulary entry, except
    /// that an unknown piece of a Unigram model reports the text it covers.
    pub fn token_value<'a>(&'a self, word: &'a str, token: &Token) -> &'a str {
        let covered = || word.get(token.offsets.0 as usize..token.offsets.1 as usize);
        match self {
            Model::Unigram(m) if m.unk_id == Some(token.id) => covered(),
            _ => self.id_to_token(token.id),
        }
        .unwrap_or_default()
    }

    /// Number of entries of the vocabulary (not counting added tokens).
    pub fn vocab_size(&self) -> usize {
        match self {
            Model::WordPiece(m) => m.vocab_size(),
            Model::Bpe(m) => m.vocab_size(),
            Model::Unigram(m) => m.vocab_size(),
            Model::WordLevel(m) => m.vocab_map().len(),
            Model::Codes(m) => m.vocab_size(),
            Model::FastBpe(m) => m.vocab_map().len(),
            Model::Mapped(m) => m.vocab_map().len(),
            Model::SubwordJapanese(m) => m.vocab_size(),
            Model::DigitComma(m) => m.vocab_size(),
        }
    }
}

impl Vocab for Model {
    fn token_to_id(&self, token: &str) -> Option<u32> {
        Model::token_to_id(self, token)
    }

    fn vocab_size(&self) -> usize {
        Model::vocab_size(self)
    }
}
