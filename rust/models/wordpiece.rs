//! WordPiece: greedy longest-match-first subwords with a continuation prefix (`##`).
//!
//! Matching walks a byte trie of the vocabulary: from each start position the walk stops at the first
//! byte with no child, so one step costs at most the length of the longest vocabulary token L and a word
//! of n bytes costs O(n·L) (L is a constant of the vocabulary, ~20 for BERT): linear in the input.
//! Continuation pieces start the walk at the node of the prefix, found once at load time. Before any
//! walk, the rest of the word is looked up whole in a hash table (one probe; when it hits it is the
//! longest match by definition), which settles most words with a single token.

use crate::error::{Error, Result};
use crate::json::{as_obj, as_u32, field, opt_str, opt_usize, req, Obj};
use crate::kernel::ByteTrie;
use crate::kernel::Token;
use std::collections::HashMap;

#[derive(Debug, Clone)]
pub struct WordPiece {
    pub unk_token: String,
    pub continuing_subword_prefix: String,
    pub max_input_chars_per_word: usize,
    /// ferrotok's own option (`unk_per_char`), for transformers' CPM-Ant: a position that matches
    /// nothing gives the unknown token for its char and matching goes on after it, where HF's WordPiece
    /// makes the whole word unknown.
    pub unk_per_char: bool,
    unk_id: u32,
    trie: ByteTrie,
    /// Trie node of `continuing_subword_prefix`; `None` when no token starts with it.
    cont_root: Option<u32>,
    /// Id → token, kept out of line: only decoding and `vocab` read it.
    strings: Box<Strings>,
    /// Whole tokens, and continuation tokens without their prefix: most words (and word tails) are one
    /// token, found with one hash probe instead of a trie walk (it is the longest match by definition).
    whole: WordTable,
    cont: WordTable,
}

/// All token strings back to back; `entries` holds `(id, start, end)` into `arena`, sorted by id.
#[derive(Debug, Clone, Default)]
struct Strings {
    arena: String,
    entries: Vec<(u32, u32, u32)>,
}

/// Open-addressing hash map from short tokens (at most `INLINE_MAX` bytes, stored inline so a probe is
/// one cache line and two integer compares) to ids; load factor <= 1/2. Longer tokens are left to the
/// trie, which finds them too, only slower.
#[derive(Debug, Clone)]
struct WordTable {
    /// `(bytes 0..8, bytes 8..11 | len << 24, id)`; a zero second word marks an empty slot.
    slots: Vec<(u64, u32, u32)>,
    shift: u32,
    /// Direct ids of one-byte ASCII keys (punctuation is a large share of all tokens); `u32::MAX` = none.
    ascii: Box<[u32; 128]>,
}

const INLINE_MAX: usize = 11;

/// The inline key of `w`, or `None` when it is empty or too long to be inline.
#[inline]
fn inline_key(w: &[u8]) -> Option<(u64, u32)> {
    if w.is_empty() || w.len() > INLINE_MAX {
        return None;
    }
    let mut a = [0u8; 12];
    a.get_mut(..w.len())?.copy_from_slice(w);
    a[11] = w.len() as u8;
    let (lo, hi) = a.split_at(8);
    Some((
        u64::from_le_bytes(lo.try_into().ok()?),
        u32::from_le_bytes(hi.try_into().ok()?),
    ))
}

#[inline]
fn hash_key(k: (u64, u32)) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let h = (k.0 ^ (u64::from(k.1) << 21)).wrapping_mul(K);
    (h ^ (h >> 32)).wrapping_mul(K)
}

impl WordTable {
    /// Index the tokens that start with `prefix`, keyed by the rest of the token.
    fn build(pairs: &[(&str, u32)], prefix: &str) -> Self {
        let keys: Vec<((u64, u32), u32)> = pairs
            .iter()
            .filter_map(|&(t, id)| {
                let rest = t.strip_prefix(prefix)?;
                Some((inline_key(rest.as_bytes())?, id))
            })
            .collect();
        let bits = (keys.len().max(1) * 2).next_power_of_two().trailing_zeros();
        let mut t = WordTable {
            slots: vec![(0, 0, 0); 1 << bits],
            shift: 64 - bits,
            ascii: Box::new([u32::MAX; 128]),
        };
        let mask = t.slots.len() - 1;
        for &(t_str, id) in pairs {
            if let Some(&[b]) = t_str.strip_prefix(prefix).map(str::as_bytes) {
                if let Some(slot) = t.ascii.get_mut(b as usize) {
                    *slot = id;
                }
            }
        }
        for (k, id) in keys {
            let mut i = (hash_key(k) >> t.shift) as usize & mask;
            while t.slots.get(i).is_some_and(|s| s.1 != 0) {
                i = (i + 1) & mask;
            }
            if let Some(slot) = t.slots.get_mut(i) {
                *slot = (k.0, k.1, id);
            }
        }
        t
    }

    #[inline]
    fn get(&self, w: &[u8]) -> Option<u32> {
        if let &[b] = w {
            if let Some(&id) = self.ascii.get(b as usize) {
                return (id != u32::MAX).then_some(id);
            }
        }
        let k = inline_key(w)?;
        let mask = self.slots.len().wrapping_sub(1);
        let mut i = (hash_key(k) >> self.shift) as usize & mask;
        loop {
            let s = self.slots.get(i)?;
            if s.0 == k.0 && s.1 == k.1 {
                return Some(s.2);
            }
            if s.1 == 0 {
                return None;
            }
            i = (i + 1) & mask;
        }
    }
}

impl WordPiece {
    pub fn from_json(o: &Obj, parent: &str) -> Result<Self> {
        let vocab_field = field(parent, "vocab");
        let vocab = as_obj(req(o, "vocab", parent)?, &vocab_field)?;
        let mut pairs = Vec::with_capacity(vocab.len());
        for (tok, v) in vocab {
            let id = match v.as_u64().and_then(|n| u32::try_from(n).ok()) {
                Some(id) => id,
                None => as_u32(v, &format!("{vocab_field}[{tok:?}]"))?, // the error, naming the entry
            };
            pairs.push((tok.as_str(), id));
        }
        Self::from_pairs(o, pairs, parent)
    }

    /// Build from a tokenizer.json `model` object whose vocabulary was read already (`pairs`, no token
    /// twice); `o` gives the options.
    pub fn from_pairs<'a>(
        o: &'a Obj,
        mut pairs: Vec<(&'a str, u32)>,
        parent: &str,
    ) -> Result<Self> {
        let vocab_field = field(parent, "vocab");
        let unk = opt_str(o, "unk_token", parent)?.unwrap_or("[UNK]");
        // An untrained model (`WordPiece(unk_token=...)` before training) has no vocabulary: it gets
        // its unk token as only entry, so that it loads and encodes (every word as unk).
        if pairs.is_empty() {
            pairs.push((unk, 0));
        }
        let prefix = opt_str(o, "continuing_subword_prefix", parent)?.unwrap_or("##");
        let max = opt_usize(o, "max_input_chars_per_word", parent)?.unwrap_or(100);
        let mut model = Self::build(
            pairs,
            unk,
            prefix,
            max,
            "",
            &vocab_field,
            &field(parent, "unk_token"),
        )?;
        model.unk_per_char = o.get("unk_per_char").and_then(|v| v.as_bool()) == Some(true);
        Ok(model)
    }

    /// Read a BERT `vocab.txt`: one token per line (trailing whitespace trimmed, like HF), id = line
    /// number. A repeated token keeps its last line, as in HF.
    pub fn from_vocab_txt(
        path: &str,
        unk_token: &str,
        prefix: &str,
        max_chars: usize,
    ) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Error::NotFound { path: path.into() },
            _ => Error::Io {
                path: path.into(),
                source: e,
            },
        })?;
        let text = std::str::from_utf8(&bytes).map_err(|e| {
            let line = bytes
                .get(..e.valid_up_to())
                .map_or(0, |b| b.iter().filter(|&&c| c == b'\n').count());
            Error::config(path, format!("line {}", line + 1), "invalid UTF-8")
        })?;
        let mut ids: HashMap<&str, u32> = HashMap::new();
        for (i, line) in text.lines().enumerate() {
            let id = u32::try_from(i)
                .map_err(|_| Error::config(path, format!("line {}", i + 1), "too many lines"))?;
            ids.insert(line.trim_end(), id);
        }
        Self::build(
            ids.into_iter().collect(),
            unk_token,
            prefix,
            max_chars,
            path,
            "vocab",
            "unk_token",
        )
    }

    fn build(
        mut pairs: Vec<(&str, u32)>,
        unk_token: &str,
        prefix: &str,
        max_chars: usize,
        file: &str,
        vocab_field: &str,
        unk_field: &str,
    ) -> Result<Self> {
        pairs.sort_unstable_by_key(|&(t, id)| (id, t));
        for w in pairs.windows(2) {
            if let [(a, x), (b, y)] = w {
                if x == y {
                    return Err(Error::config(
                        file,
                        vocab_field,
                        format!("id {x} is given to both {a:?} and {b:?}"),
                    ));
                }
            }
        }
        let mut arena = String::with_capacity(pairs.iter().map(|p| p.0.len()).sum());
        let mut entries = Vec::with_capacity(pairs.len());
        for &(t, id) in &pairs {
            let start = arena.len() as u32;
            arena.push_str(t);
            entries.push((id, start, arena.len() as u32));
        }
        let trie = ByteTrie::build(pairs.iter().map(|&(t, id)| (t.as_bytes(), id)).collect());
        let unk_id = trie
            .walk(trie.root(), unk_token.as_bytes())
            .and_then(|n| trie.value(n))
            .ok_or_else(|| {
                Error::config(
                    file,
                    unk_field,
                    format!("unk token {unk_token:?} is not in the vocabulary"),
                )
            })?;
        let cont_root = trie.walk(trie.root(), prefix.as_bytes());
        let whole = WordTable::build(&pairs, "");
        let cont = WordTable::build(&pairs, prefix);
        Ok(WordPiece {
            unk_token: unk_token.to_string(),
            continuing_subword_prefix: prefix.to_string(),
            max_input_chars_per_word: max_chars,
            unk_per_char: false,
            unk_id,
            trie,
            cont_root,
            strings: Box::new(Strings { arena, entries }),
            whole,
            cont,
        })
    }

    pub fn unk_id(&self) -> u32 {
        self.unk_id
    }

    /// Whether `word` is over `max_input_chars_per_word` chars (HF then gives one unk token).
    #[inline]
    pub fn too_long(&self, word: &[u8]) -> bool {
        word.len() > self.max_input_chars_per_word
            && word.iter().filter(|&&b| (b as i8) >= -0x40).count() > self.max_input_chars_per_word
    }

    /// Greedy longest-match-first pieces of `word` (UTF-8 bytes), given to `push(id, start, end)`.
    /// Returns false as soon as a position matches nothing; the caller then drops what was pushed and
    /// emits the unk token over the whole word (HF semantics). Length limits are the caller's job.
    #[inline]
    pub fn pieces(&self, word: &[u8], mut push: impl FnMut(u32, usize, usize)) -> bool {
        let mut start = 0;
        while start < word.len() {
            let (node, table, rest) = if start == 0 {
                (Some(self.trie.root()), &self.whole, word)
            } else {
                (
                    self.cont_root,
                    &self.cont,
                    word.get(start..).unwrap_or_default(),
                )
            };
            if let Some(id) = table.get(rest) {
                push(id, start, word.len());
                return true;
            }
            match node.and_then(|n| self.trie.longest_prefix(n, rest)) {
                Some((len, id)) => {
                    push(id, start, start + len);
                    start += len;
                }
                None => return false,
            }
        }
        true
    }

    /// `pieces` where an unmatched position gives the unknown token over its char (`unk_per_char`).
    fn pieces_or_unk(&self, word: &str, out: &mut Vec<Token>) {
        let bytes = word.as_bytes();
        let mut start = 0;
        while start < bytes.len() {
            let rest = bytes.get(start..).unwrap_or_default();
            let node = if start == 0 {
                Some(self.trie.root())
            } else {
                self.cont_root
            };
            let found = node.and_then(|n| self.trie.longest_prefix(n, rest));
            let (id, len) = match found.filter(|&(len, _)| len > 0) {
                Some((len, id)) => (id, len),
                None => {
                    let len = word
                        .get(start..)
                        .and_then(|r| r.chars().next())
                        .map_or(1, char::len_utf8);
                    (self.unk_id, len)
                }
            };
            out.push(Token {
                id,
                offsets: (start as u32, (start + len) as u32),
            });
            start += len;
        }
    }

    pub fn tokenize(&self, word: &str, out: &mut Vec<Token>) -> Result<()> {
        let unk = Token {
            id: self.unk_id,
            offsets: (0, word.len() as u32),
        };
        if self.too_long(word.as_bytes()) {
            out.push(unk);
            return Ok(());
        }
        if self.unk_per_char {
            self.pieces_or_unk(word, out);
            return Ok(());
        }
        let before = out.len();
        let ok = self.pieces(word.as_bytes(), |id, s, e| {
            out.push(Token {
                id,
                offsets: (s as u32, e as u32),
            })
        });
        if !ok {
            out.truncate(before);
            out.push(unk);
        }
        Ok(())
    }

    pub fn token_to_id(&self, token: &str) -> Option<u32> {
        self.trie
            .walk(self.trie.root(), token.as_bytes())
            .and_then(|n| self.trie.value(n))
    }

    pub fn id_to_token(&self, id: u32) -> Option<&str> {
        // Ids are usually 0..n, so the entry at index `id` is checked first.
        let entries = &self.strings.entries;
        let e = match entries.get(id as usize) {
            Some(e) if e.0 == id => *e,
            _ => *entries.get(entries.binary_search_by_key(&id, |e| e.0).ok()?)?,
        };
        self.strings.arena.get(e.1 as usize..e.2 as usize)
    }

    pub fn vocab_size(&self) -> usize {
        self.strings.entries.len()
    }

    /// Every `(token, id)` of the vocabulary, by increasing id.
    pub fn vocab(&self) -> impl Iterator<Item = (&str, u32)> {
        self.strings.entries.iter().filter_map(|&(id, s, e)| {
            self.strings
                .arena
                .get(s as usize..e as usize)
                .map(|t| (t, id))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn model(vocab: serde_json::Value) -> Result<WordPiece> {
        let v = json!({"type": "WordPiece", "vocab": vocab, "unk_token": "[UNK]", "max_input_chars_per_word": 8});
        WordPiece::from_json(v.as_object().unwrap_or(&Obj::new()), "model")
    }

    fn toks(m: &WordPiece, w: &str) -> Vec<(u32, (u32, u32))> {
        let mut out = Vec::new();
        m.tokenize(w, &mut out).unwrap_or_else(|e| panic!("{e}"));
        out.iter().map(|t| (t.id, t.offsets)).collect()
    }

    // Expected from `tokenizers.models.WordPiece(vocab, unk_token="[UNK]", max_input_chars_per_word=8)`
    // through `Tokenizer.encode` with a WhitespaceSplit pre-tokenizer (0.23.3).
    #[test]
    fn greedy_longest_match() {
        let m = model(json!({"[UNK]": 0, "un": 1, "una": 2, "##aff": 3, "##able": 4, "##a": 5, "é": 6, "##é": 7}))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(toks(&m, "unaffable"), [(0, (0, 9))]);
        assert_eq!(toks(&m, "unaable"), [(2, (0, 3)), (4, (3, 7))]);
        assert_eq!(toks(&m, "unaff"), [(0, (0, 5))]);
        assert_eq!(toks(&m, "unx"), [(0, (0, 3))]);
        assert_eq!(toks(&m, "éé"), [(6, (0, 2)), (7, (2, 4))]);
        assert_eq!(toks(&m, "ééééééééé"), [(0, (0, 18))]);
        let eight: Vec<_> = std::iter::once((6, (0, 2)))
            .chain((1..8).map(|i| (7, (2 * i, 2 * i + 2))))
            .collect();
        assert_eq!(toks(&m, "éééééééé"), eight);
        assert_eq!(m.token_to_id("##aff"), Some(3));
        assert_eq!(m.token_to_id("##af"), None);
        assert_eq!(m.id_to_token(4), Some("##able"));
        assert_eq!(m.id_to_token(8), None);
        assert_eq!(m.vocab_size(), 8);
        assert_eq!(
            m.vocab().map(|(_, id)| id).collect::<Vec<_>>(),
            (0..8).collect::<Vec<_>>()
        );
    }

    // transformers' CpmAntTokenizer matcher (no prefix, an unknown char alone as unk, then on).
    #[test]
    fn unk_per_char_goes_on_after_an_unknown_char() {
        let v = json!({"type": "WordPiece", "vocab": {"<unk>": 0, "中": 1, "中国": 2, "人": 3, "é": 4},
            "unk_token": "<unk>", "continuing_subword_prefix": "", "max_input_chars_per_word": 5,
            "unk_per_char": true});
        let m =
            WordPiece::from_json(v.as_object().unwrap(), "model").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            toks(&m, "中国x人é"),
            [(2, (0, 6)), (0, (6, 7)), (3, (7, 10)), (4, (10, 12))]
        );
        assert_eq!(toks(&m, "xx"), [(0, (0, 1)), (0, (1, 2))]);
        assert_eq!(toks(&m, "人人人人人人"), [(0, (0, 18))]);
    }

    #[test]
    fn config_errors_name_the_field() {
        let e = model(json!({"a": 0}))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("model.unk_token"), "{e}");
        let e = model(json!({"[UNK]": 0, "a": 0}))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("model.vocab") && e.contains("id 0"), "{e}");
        let e = model(json!({"[UNK]": 0, "a": 5_000_000_000u64}))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("model.vocab[\"a\"]"), "{e}");
        let e = WordPiece::from_vocab_txt("/nonexistent/vocab.txt", "[UNK]", "##", 100).err();
        assert!(matches!(e, Some(Error::NotFound { .. })));
    }

    #[test]
    fn sparse_ids() {
        let m = model(json!({"[UNK]": 7, "b": 3, "a": 100})).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(m.id_to_token(100), Some("a"));
        assert_eq!(m.id_to_token(7), Some("[UNK]"));
        assert_eq!(m.id_to_token(0), None);
        assert_eq!(toks(&m, "ab"), [(7, (0, 2))]);
    }
}
