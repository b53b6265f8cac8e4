//! Chinese word segmentation with jieba: RoFormer's pre-tokenizer (transformers' `JiebaPreTokenizer`).
//!
//! Each split is cut into words by jieba (the `jieba-rs` crate, the version transformers' `rjieba` wraps,
//! without its HMM). A word of the model's vocabulary stays whole; any other word is cut as BERT's
//! normalizer and `str.split` would cut it: each CJK character alone, whitespace dropped. As in
//! transformers, the pieces of such a word are laid end to end from the word's start (whitespace inside
//! a word would shift them; jieba never yields such a word).
//!
//! jieba's dictionary (about 350k words) is built on first use, once per process, so loading a tokenizer
//! that never segments Chinese costs nothing.

use crate::error::Result;
use crate::kernel::bert_chars::is_cjk;
use crate::kernel::rewrite::is_py_space;
use crate::kernel::PreTokenizedString;
use jieba_rs::Jieba;
use rustc_hash::FxHashSet;
use std::fmt;
use std::sync::{Arc, OnceLock};

static DICTIONARY: OnceLock<Jieba> = OnceLock::new();

fn jieba() -> &'static Jieba {
    DICTIONARY.get_or_init(Jieba::new)
}

/// The words kept whole: the model's vocabulary, given by the loader (`with_words`); or, with `every_word`
/// (transformers' CPM-Ant, `{"type": "Jieba", "words": "all"}`), every word as jieba gives it, whitespace
/// included.
#[derive(Clone, Default)]
pub struct JiebaPreTokenizer {
    words: Arc<FxHashSet<Box<str>>>,
    pub every_word: bool,
}

impl fmt::Debug for JiebaPreTokenizer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JiebaPreTokenizer")
            .field("words", &self.words.len())
            .finish()
    }
}

impl JiebaPreTokenizer {
    /// A pre-tokenizer keeping the words of `words` whole.
    pub fn with_words<'a>(words: impl IntoIterator<Item = &'a str>) -> Self {
        JiebaPreTokenizer {
            words: Arc::new(words.into_iter().map(Box::from).collect()),
            every_word: false,
        }
    }

    /// Every word as jieba gives it.
    pub fn every_word() -> Self {
        JiebaPreTokenizer {
            every_word: true,
            ..Self::default()
        }
    }

    pub fn pre_tokenize(&self, pts: &mut PreTokenizedString) -> Result<()> {
        pts.split(|_, ns| {
            let mut out = Vec::new();
            for token in jieba().cut(ns.as_str(), false) {
                if self.every_word || self.words.contains(token.word) {
                    out.push(ns.slice(token.byte_start..token.byte_end));
                    continue;
                }
                // Lengths (in chars) of the pieces BERT's CJK spacing then `str.split()` give, laid end
                // to end from the word's start.
                let word = token.word;
                let mut at = token.byte_start; // where the next piece starts, in bytes of the split
                let mut piece_chars = 0usize;
                let mut emit = |n: &mut usize, out: &mut Vec<_>| {
                    if *n == 0 {
                        return;
                    }
                    let len: usize = word[at - token.byte_start..]
                        .chars()
                        .take(*n)
                        .map(char::len_utf8)
                        .sum();
                    out.push(ns.slice(at..at + len));
                    at += len;
                    *n = 0;
                };
                for c in word.chars() {
                    if is_py_space(c) {
                        emit(&mut piece_chars, &mut out);
                    } else if is_cjk(c) {
                        emit(&mut piece_chars, &mut out);
                        piece_chars = 1;
                        emit(&mut piece_chars, &mut out);
                    } else {
                        piece_chars += 1;
                    }
                }
                emit(&mut piece_chars, &mut out);
            }
            Ok(out)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::NormalizedString;

    fn run(p: &JiebaPreTokenizer, text: &str) -> Vec<(String, (usize, usize))> {
        let mut pts = PreTokenizedString::from_normalized(NormalizedString::from_original(text, 0));
        p.pre_tokenize(&mut pts).unwrap_or_else(|e| panic!("{e}"));
        pts.splits
            .iter()
            .map(|s| {
                let n = &s.normalized;
                (n.as_str().to_string(), n.original_range(0..n.len()))
            })
            .collect()
    }

    // Expected from transformers 5.24's `JiebaPreTokenizer` (rjieba 0.2.2) over the same words.
    #[test]
    fn vocabulary_words_stay_whole_others_are_cut() {
        // jieba's words: 今天天气 非常 好 。 hello ␠ world ␠ 3 . 14 \r\n 东西
        let p = JiebaPreTokenizer::with_words(["非常", "hello"]);
        let got = run(&p, "今天天气非常好。hello world 3.14\r\n东西");
        let pieces: Vec<&str> = got.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(
            pieces,
            [
                "今", "天", "天", "气", "非常", "好", "。", "hello", "world", "3", ".", "14", "东",
                "西"
            ]
        );
        assert_eq!(got[1].1, (3, 6));
        assert_eq!(got[4].1, (12, 18));
        assert_eq!(got[8].1, (30, 35));
    }

    #[test]
    fn every_word_mode_keeps_whitespace_words() {
        let got = run(&JiebaPreTokenizer::every_word(), "今天天气 好\n");
        let pieces: Vec<&str> = got.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(pieces, ["今天天气", " ", "好", "\n"]);
    }

    #[test]
    fn empty_and_whitespace_give_nothing() {
        let p = JiebaPreTokenizer::default();
        assert!(run(&p, "").is_empty());
        assert!(run(&p, " \t\u{2028}\r\n").is_empty());
    }
}
