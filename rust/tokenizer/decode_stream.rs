//! Incremental decoding for generation (tokenizers' `DecodeStream`): ids arrive one (or a few) at a time and
//! each step yields only the text they add, once that text is complete.
//!
//! The whole window of ids is decoded again at each step, because a decoder's output for a token can depend
//! on its neighbours (WordPiece's `##`, Metaspace's leading space, byte-level characters split across
//! tokens). A step yields nothing while the decoded window does not grow or ends in U+FFFD (an incomplete
//! UTF-8 sequence); when it yields, the window is cut so that it starts at the ids of the previous chunk,
//! which keeps the context the next token needs and the work per step bounded.

use super::Tokenizer;
use crate::error::{Error, Result};

const REPLACEMENT: char = '\u{FFFD}';

#[derive(Debug, Clone, Default)]
pub struct DecodeStream {
    skip_special_tokens: bool,
    /// The window: the ids of the last chunk yielded, then the ids not yet yielded.
    ids: Vec<u32>,
    /// The decoded text of `ids[..prefix_index]`, cut off the next decoded window to give the new text.
    prefix: String,
    /// How many ids of the window `prefix` covers.
    prefix_index: usize,
}

impl DecodeStream {
    /// A stream whose window starts with `ids` (text already shown: the prompt, or ids yielded earlier).
    pub fn new(ids: Vec<u32>, skip_special_tokens: bool) -> Self {
        DecodeStream {
            skip_special_tokens,
            ids,
            prefix: String::new(),
            prefix_index: 0,
        }
    }

    /// Add `new_ids` and return the text they complete, or None while there is none yet.
    pub fn step(&mut self, tokenizer: &Tokenizer, new_ids: &[u32]) -> Result<Option<String>> {
        let skip = self.skip_special_tokens;
        // Ids given at creation count as shown text: the first step takes their decoding as the prefix
        // (unless it ends in an incomplete character, which then comes out with the next chunk).
        if self.prefix.is_empty() && !self.ids.is_empty() {
            let start = tokenizer.decode(&self.ids, skip)?;
            if !start.ends_with(REPLACEMENT) {
                self.prefix = start;
                self.prefix_index = self.ids.len();
            }
        }
        self.ids.extend_from_slice(new_ids);
        let text = tokenizer.decode(&self.ids, skip)?;
        if text.len() <= self.prefix.len() || text.ends_with(REPLACEMENT) {
            return Ok(None);
        }
        let Some(new_text) = text.strip_prefix(self.prefix.as_str()) else {
            return Err(Error::argument(
                "id",
                format!(
                    "the stream's text changed before the new token {}: expected it to start with {:?}, \
                     got {text:?}",
                    self.ids.last().copied().unwrap_or_default(),
                    self.prefix
                ),
            ));
        };
        let new_text = new_text.to_string();
        // The next window starts at the ids of the chunk just yielded.
        let next_index = self.ids.len() - self.prefix_index;
        self.ids.drain(..self.prefix_index);
        self.prefix = tokenizer.decode(&self.ids, skip)?;
        self.prefix_index = next_index;
        Ok(Some(new_text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A byte-level tokenizer: "é" is the two tokens "Ã" (0xC3) and "©" (0xA9).
    fn byte_level() -> Tokenizer {
        Tokenizer::from_json_str(
            r#"{"version": "1.0", "truncation": null, "padding": null,
                "added_tokens": [{"id": 5, "content": "<eos>", "single_word": false, "lstrip": false,
                                  "rstrip": false, "normalized": false, "special": true}],
                "normalizer": null, "pre_tokenizer": null, "post_processor": null,
                "decoder": {"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true,
                            "use_regex": true},
                "model": {"type": "BPE", "vocab": {"h": 0, "Ã": 1, "©": 2, "Ġ": 3, "i": 4, "<eos>": 5},
                          "merges": []}}"#,
        )
        .unwrap_or_else(|e| panic!("{e}"))
    }

    fn wordpiece() -> Tokenizer {
        Tokenizer::from_json_str(
            r###"{"version": "1.0", "truncation": null, "padding": null, "added_tokens": [],
                "normalizer": null, "pre_tokenizer": null, "post_processor": null,
                "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": true},
                "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                          "max_input_chars_per_word": 100,
                          "vocab": {"[UNK]": 0, "hel": 1, "##lo": 2, "world": 3, ",": 4}}}"###,
        )
        .unwrap_or_else(|e| panic!("{e}"))
    }

    fn steps(t: &Tokenizer, s: &mut DecodeStream, ids: &[u32]) -> Vec<Option<String>> {
        ids.iter()
            .map(|&id| s.step(t, &[id]).unwrap_or_else(|e| panic!("{e}")))
            .collect()
    }

    #[test]
    fn waits_for_a_whole_character() {
        let t = byte_level();
        let mut s = DecodeStream::new(vec![], false);
        let out = steps(&t, &mut s, &[0, 1, 2, 3, 4]);
        let expected = [Some("h"), None, Some("é"), Some(" "), Some("i")];
        assert_eq!(out, expected.map(|o| o.map(str::to_string)));
    }

    #[test]
    fn skips_special_tokens_when_asked() {
        let t = byte_level();
        let mut keep = DecodeStream::new(vec![], false);
        let mut skip = DecodeStream::new(vec![], true);
        let kept: Vec<String> = steps(&t, &mut keep, &[0, 5])
            .into_iter()
            .flatten()
            .collect();
        assert_eq!(kept, ["h", "<eos>"]);
        assert_eq!(steps(&t, &mut skip, &[0, 5]), [Some("h".to_string()), None]);
    }

    #[test]
    fn continuation_pieces_join_the_previous_word() {
        let t = wordpiece();
        let mut s = DecodeStream::new(vec![], false);
        let out = steps(&t, &mut s, &[1, 2, 3, 4]);
        let expected = [Some("hel"), Some("lo"), Some(" world"), Some(",")];
        assert_eq!(out, expected.map(|o| o.map(str::to_string)));
    }

    #[test]
    fn ids_given_at_creation_are_not_yielded_again() {
        let t = wordpiece();
        let mut s = DecodeStream::new(vec![1], false);
        assert_eq!(s.step(&t, &[2]).ok().flatten().as_deref(), Some("lo"));
        // Several ids in one step.
        let mut s = DecodeStream::new(vec![], false);
        assert_eq!(
            s.step(&t, &[1, 2, 3]).ok().flatten().as_deref(),
            Some("hello world")
        );
    }

    #[test]
    fn a_window_stays_short() {
        let t = wordpiece();
        let mut s = DecodeStream::new(vec![], false);
        for _ in 0..100 {
            let _ = s.step(&t, &[3]);
        }
        assert!(s.ids.len() <= 2, "{:?}", s.ids);
    }
}
