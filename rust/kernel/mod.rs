//! The kernel: the types every pipeline stage shares. Stages depend on these (and on `error` and
//! `json`), never on each other; only `tokenizer` and `loading` wire stages together.
//!
//! - [`NormalizedString`]: text with each byte aligned to the original input (normalizers edit it).
//! - [`PreTokenizedString`]: the normalized text cut into splits, some already tokens ([`Token`]).
//! - [`Pattern`]: a regex or literal, as tokenizer.json's `Split`/`Replace` give it.
//! - [`TokenBuffer`]: one sequence's ids, offsets and words as the model emits them.
//! - [`Encoding`]: the result of a call (ids, masks, type ids, offsets, overflow), with [`Direction`].
//! - [`TokenLookup`], [`Vocab`], [`Normalize`]: how one stage sees another.
//! - [`host`]: components written in the host language (Python callbacks), behind traits.
//! - [`VocabMap`]: a plain vocabulary both ways (token → id, id → token).
//! - [`ByteTrie`]: a packed byte trie (WordPiece's vocabulary, the Unigram trainer's pieces).
//! - GPT-2's byte ↔ char table, BERT's char classes, the Metaspace configuration, and the hand-written
//!   matchers of GPT-2's and Llama-3's split regexes behind [`Pattern`], and the Unicode 9.0
//!   normalization data Hugging Face uses (`unicode9`).

pub mod bert_chars;
pub mod byte_chars;
pub mod byte_rewrite;
pub mod byte_trie;
pub mod char_trie;
pub mod encoding;
pub mod gpt2_split;
pub mod host;
pub mod llama3_split;
pub mod lookup;
pub mod metaspace;
pub mod moses_data;
pub mod normalized;
pub mod pattern;
pub mod pretokenized;
pub mod rewrite;
#[cfg(test)]
pub mod test_util;
pub mod token_buffer;
pub mod unicode9;
pub mod vocab_map;
pub mod word_chars;

pub use byte_chars::{char_to_byte, BYTE_TO_CHAR};
pub use byte_trie::ByteTrie;
pub use char_trie::CharTrie;
pub use encoding::{CharOffsets, Direction, Encoding};
pub use lookup::{Normalize, TokenLookup, Vocab};
pub use metaspace::PrependScheme;
pub use normalized::{Align, NormalizedString};
pub use pattern::Pattern;
pub use pretokenized::{PreTokenizedString, Split, SplitBehavior, Token};
pub use token_buffer::TokenBuffer;
pub use vocab_map::VocabMap;
