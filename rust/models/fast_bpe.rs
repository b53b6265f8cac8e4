//! fastBPE: the BPE of PhoBERT and BERTweet (`vocab.txt` + `bpe.codes`), whose merges and vocabulary
//! speak two different spellings of a piece.
//!
//! A word is split into its chars, the last one marked with `end_of_word_suffix` (`</w>`), and merged
//! by rank (lowest first, leftmost on ties) like any BPE. The merges know only these symbols; the
//! vocabulary knows the pieces as the tokenizer prints them: every piece but the word's last gets
//! `suffix` (`@@`) appended, and the last one loses its `</w>`. So the symbols live in a table of their
//! own (every symbol of a merge, and every vocabulary entry spelled as a symbol), each with the id of
//! its inner and of its final spelling in the vocabulary, or the unknown token's id when the vocabulary
//! lacks it, as transformers looks each piece up. tokenizers has no such model: `"type": "FastBPE"` in
//! tokenizer.json is ferrotok's own.

use super::bpe_merge::{pair_key, with_word, Merges};
use crate::error::{Error, Result};
use crate::json::{as_array, field, index, opt_str, req, Obj};
use crate::kernel::{Token, VocabMap};
use rustc_hash::FxHashMap;
use serde_json::Value;

#[derive(Debug, Clone)]
pub struct FastBpe {
    pub unk_token: String,
    pub suffix: String,
    pub end_of_word_suffix: String,
    vocab: VocabMap,
    /// Symbol → its index in `inner` / `last`.
    symbols: FxHashMap<String, u32>,
    /// A char marked as a word's end (`c</w>`) → its symbol, so that words are split without allocating.
    finals: FxHashMap<char, u32>,
    /// Vocabulary id of each symbol as a word's inner piece (`NO_ID`: unknown).
    inner: Vec<u32>,
    /// Vocabulary id of each symbol as a word's last piece (`NO_ID`: unknown).
    last: Vec<u32>,
    merges: Box<Merges>,
}

const NO_ID: u32 = u32::MAX;

impl FastBpe {
    /// Build from the vocabulary (printed spellings) and the merges of symbols, in rank order.
    pub fn new<A: AsRef<str>, B: AsRef<str>>(
        vocab: VocabMap,
        merges: &[(A, B)],
        unk_token: &str,
        suffix: &str,
        end_of_word_suffix: &str,
    ) -> Result<Self> {
        if end_of_word_suffix.is_empty() {
            return Err(Error::config(
                "",
                "model.end_of_word_suffix",
                "must not be empty",
            ));
        }
        let mut symbols: FxHashMap<String, u32> = FxHashMap::default();
        symbols.reserve(vocab.len() + merges.len());
        let mut intern = |s: &str| -> u32 {
            let next = symbols.len() as u32;
            *symbols.entry(s.to_string()).or_insert(next)
        };
        let mut table = Merges::default();
        let mut merged = String::new();
        for (rank, (a, b)) in merges.iter().enumerate() {
            let (a, b) = (a.as_ref(), b.as_ref());
            let (a_id, b_id) = (intern(a), intern(b));
            merged.clear();
            merged.push_str(a);
            merged.push_str(b);
            let new_id = intern(&merged);
            table
                .map
                .insert(pair_key(a_id, b_id), (rank as u32, new_id));
            table.new_ids.push(new_id);
            table.pairs.push(pair_key(a_id, b_id));
        }
        for (token, _) in vocab.iter() {
            match token.strip_suffix(suffix).filter(|_| !suffix.is_empty()) {
                Some(inner) => intern(inner),
                None => intern(&format!("{token}{end_of_word_suffix}")),
            };
        }
        table.finish();
        let mut inner = vec![NO_ID; symbols.len()];
        let mut last = vec![NO_ID; symbols.len()];
        let mut buf = String::new();
        for (symbol, &i) in &symbols {
            buf.clear();
            buf.push_str(symbol);
            buf.push_str(suffix);
            inner[i as usize] = vocab.id(&buf).unwrap_or(NO_ID);
            if let Some(word_end) = symbol.strip_suffix(end_of_word_suffix) {
                last[i as usize] = vocab.id(word_end).unwrap_or(NO_ID);
            }
        }
        let finals = symbols
            .iter()
            .filter_map(|(symbol, &i)| {
                let mut chars = symbol.strip_suffix(end_of_word_suffix)?.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => Some((c, i)),
                    _ => None,
                }
            })
            .collect();
        Ok(FastBpe {
            unk_token: unk_token.to_string(),
            suffix: suffix.to_string(),
            end_of_word_suffix: end_of_word_suffix.to_string(),
            vocab,
            symbols,
            finals,
            inner,
            last,
            merges: Box::new(table),
        })
    }

    /// A tokenizer.json `model` object: `vocab` {token: id}, `merges` (`"a b"` strings or `[a, b]`
    /// pairs), `unk_token`, `suffix` (default `@@`), `end_of_word_suffix` (default `</w>`).
    pub fn from_json(o: &Obj, parent: &str) -> Result<Self> {
        let vocab = VocabMap::from_value(req(o, "vocab", parent)?, &field(parent, "vocab"))?;
        let mf = field(parent, "merges");
        let mut merges: Vec<(String, String)> = Vec::new();
        if let Some(list) = o.get("merges") {
            for (i, m) in as_array(list, &mf)?.iter().enumerate() {
                let bad = || Error::config("", index(&mf, i), "expected \"a b\" or [a, b]");
                let pair = match m {
                    Value::String(s) => s.split_once(' ').ok_or_else(bad)?,
                    Value::Array(p) => match p.as_slice() {
                        [Value::String(a), Value::String(b)] => (a.as_str(), b.as_str()),
                        _ => return Err(bad()),
                    },
                    _ => return Err(bad()),
                };
                merges.push((pair.0.to_string(), pair.1.to_string()));
            }
        }
        let unk = opt_str(o, "unk_token", parent)?.unwrap_or("<unk>");
        let suffix = opt_str(o, "suffix", parent)?.unwrap_or("@@");
        let eow = opt_str(o, "end_of_word_suffix", parent)?.unwrap_or("</w>");
        Self::new(vocab, &merges, unk, suffix, eow)
    }

    fn unk_id(&self) -> Result<u32> {
        self.vocab.id(&self.unk_token).ok_or_else(|| {
            Error::config(
                "",
                "model.unk_token",
                format!("unk token `{}` is not in the vocabulary", self.unk_token),
            )
        })
    }

    /// The vocabulary, both ways (`Model` answers id / token lookups through it).
    pub fn vocab_map(&self) -> &VocabMap {
        &self.vocab
    }

    /// Append the pieces of `word`; offsets are byte offsets into `word`.
    pub fn tokenize(&self, word: &str, out: &mut Vec<Token>) -> Result<()> {
        if word.is_empty() {
            return Ok(());
        }
        let unknown = self.inner.len() as u32; // a symbol of no merge, unknown either way
        with_word(|w| {
            let mut chars = word.char_indices().peekable();
            while let Some((i, c)) = chars.next() {
                let end = chars.peek().map_or(word.len(), |&(j, _)| j);
                let symbol = if end == word.len() {
                    self.finals.get(&c)
                } else {
                    self.symbols.get(&word[i..end])
                };
                w.push(symbol.copied().unwrap_or(unknown), (end - i) as u32);
            }
            w.merge_all(&self.merges);
            let mut pieces = w.tokens().peekable();
            while let Some((symbol, start, end)) = pieces.next() {
                let table = if pieces.peek().is_some() {
                    &self.inner
                } else {
                    &self.last
                };
                let id = match table.get(symbol as usize).copied().unwrap_or(NO_ID) {
                    NO_ID => self.unk_id()?,
                    id => id,
                };
                out.push(Token {
                    id,
                    offsets: (start, end),
                });
            }
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> FastBpe {
        let tokens = [
            "<unk>", "he@@", "llo", "hello", "h@@", "e@@", "l@@", "o", "x", "lo",
        ];
        let pairs = tokens.iter().enumerate().map(|(i, t)| (*t, i as u32));
        let vocab = VocabMap::from_pairs(pairs, "vocab").unwrap();
        let merges = [
            ("h", "e"),
            ("l", "o</w>"),
            ("l", "lo</w>"),
            ("he", "llo</w>"),
        ];
        FastBpe::new(vocab, &merges, "<unk>", "@@", "</w>").unwrap()
    }

    fn ids(m: &FastBpe, word: &str) -> Vec<(u32, (u32, u32))> {
        let mut out = Vec::new();
        m.tokenize(word, &mut out).unwrap();
        out.iter().map(|t| (t.id, t.offsets)).collect()
    }

    #[test]
    fn merges_symbols_and_prints_pieces() {
        let m = model();
        assert_eq!(ids(&m, "hello"), vec![(3, (0, 5))]);
        // "hel" + "lo": he@@ l@@ lo
        assert_eq!(ids(&m, "helo"), vec![(1, (0, 2)), (9, (2, 4))]);
        // one char: its final spelling; unknown pieces are unk, one each
        assert_eq!(ids(&m, "x"), vec![(8, (0, 1))]);
        assert_eq!(ids(&m, "xé"), vec![(0, (0, 1)), (0, (1, 3))]);
        assert_eq!(ids(&m, "ho"), vec![(4, (0, 1)), (7, (1, 2))]);
        assert_eq!(ids(&m, ""), vec![]);
    }

    #[test]
    fn reads_both_merge_spellings() {
        let o = serde_json::json!({"type": "FastBPE", "vocab": {"<unk>": 0, "ab": 1},
            "merges": ["a b</w>", ["x", "y"]]});
        let m = FastBpe::from_json(o.as_object().unwrap(), "model").unwrap();
        assert_eq!(ids(&m, "ab"), vec![(1, (0, 2))]);
        let bad = serde_json::json!({"vocab": {}, "merges": [1]});
        assert!(FastBpe::from_json(bad.as_object().unwrap(), "model").is_err());
    }
}
