//! Unigram (SentencePiece): the segmentation of a word into vocabulary pieces whose summed log
//! probabilities are highest, found by Viterbi over the lattice of pieces.
//!
//! Matches Hugging Face's optimized encoder: positions are visited char by char; from each one a walk of
//! the vocabulary's trie, one step per char, finds every piece starting there (cost bounded by the
//! longest piece L, so a word of n chars costs O(n·L)). A char that starts no one-char piece also gets an unknown node scored
//! `min_score - 10`. Scores are summed in `f64` in the same order as Hugging Face, and a candidate
//! replaces the best path into a position only when strictly better, so ties go to the piece that
//! starts first (the longest one). Runs of unknown nodes are fused into one token; with
//! `byte_fallback` an unknown run becomes its UTF-8 bytes as `<0xXX>` pieces when all of them exist.

use crate::error::{Error, Result};
use crate::json::{field, index, opt_bool, opt_usize, req_array, Obj};
use crate::kernel::CharTrie;
use crate::kernel::Token;
use rustc_hash::FxHashMap;
use std::cell::RefCell;
use std::sync::Arc;

/// Hugging Face's (and SentencePiece's) penalty of an unknown char below the lowest piece score.
const UNK_PENALTY: f64 = 10.0;

/// The score ferrotok gives the pieces the SentencePiece library never produces from text (control
/// pieces of the classes that run the library): such a piece takes no part in the unknown token's score
/// (the library's lowest score is that of its normal pieces), so any other path beats it.
pub const NEVER: f64 = -1e10;

#[derive(Debug, Clone)]
pub struct Unigram {
    /// `(piece, score)` in id order, as in tokenizer.json.
    pieces: Vec<(String, f64)>,
    /// The scores alone, densely packed for the Viterbi loop.
    scores: Vec<f64>,
    /// Piece → id; a piece listed twice maps to its last id, like Hugging Face.
    ids: FxHashMap<String, u32>,
    /// The pieces by char (shared by clones).
    trie: Arc<CharTrie>,
    pub unk_id: Option<u32>,
    pub byte_fallback: bool,
    min_score: f64,
    /// Id of `<0xXX>` for each byte, when the vocabulary has it.
    byte_ids: Box<[Option<u32>; 256]>,
    /// Names this model in the per-thread word cache (clones share it: same vocabulary).
    cache_id: u64,
}

static NEXT_CACHE_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// Words up to this many bytes are cached; longer ones (unspaced scripts) rarely repeat.
const CACHE_WORD_MAX: usize = 48;
/// The cache is emptied when it holds this many words.
const CACHE_WORDS: usize = 1 << 15;

/// Per-thread cache of segmentations: word → range of `tokens`. Most words of running text repeat,
/// and one hash probe is much cheaper than a Viterbi pass.
#[derive(Default)]
struct WordCache {
    model: u64,
    words: FxHashMap<Box<[u8]>, (u32, u32)>,
    tokens: Vec<Token>,
}

/// Best path into one char boundary: its score, the char where its last piece starts (`NONE`: not
/// reached) and that piece's id.
#[derive(Debug, Clone, Copy)]
struct Node {
    score: f64,
    start: u32,
    id: u32,
}

const NONE: u32 = u32::MAX;

/// The lattice of one word, by char: the best paths, the char codes of the trie, and the byte offset
/// of each char boundary.
#[derive(Default)]
struct Lattice {
    nodes: Vec<Node>,
    codes: Vec<u32>,
    bounds: Vec<u32>,
}

thread_local! {
    /// Per-thread lattice, reused across words: no allocation per word once it has grown.
    static LATTICE: RefCell<Lattice> = RefCell::new(Lattice::default());
    static CACHE: RefCell<WordCache> = RefCell::new(WordCache::default());
}

impl Unigram {
    pub fn from_json(o: &Obj, parent: &str) -> Result<Self> {
        let vf = field(parent, "vocab");
        let items = req_array(o, "vocab", parent)?;
        let mut pieces = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let f = index(&vf, i);
            let pair = item.as_array().filter(|a| a.len() == 2);
            let (Some(piece), Some(score)) = (
                pair.and_then(|a| a[0].as_str()),
                pair.and_then(|a| a[1].as_f64()),
            ) else {
                return Err(Error::config(
                    "",
                    f,
                    "expected a [piece, score] pair of a string and a number",
                ));
            };
            pieces.push((piece.to_string(), score));
        }
        let unk_id = match opt_usize(o, "unk_id", parent)? {
            Some(u) => Some(u32::try_from(u).map_err(|_| {
                Error::config("", field(parent, "unk_id"), format!("{u} is too large"))
            })?),
            None => None,
        };
        let byte_fallback = opt_bool(o, "byte_fallback", parent, false)?;
        Self::new(pieces, unk_id, byte_fallback).map_err(|e| match e {
            Error::Config {
                field: f, message, ..
            } => Error::config("", format!("{parent}.{f}"), message),
            other => other,
        })
    }

    /// Build from `(piece, score)` pairs in id order. Errors name the field relative to the model
    /// (`vocab[3]`, `unk_id`).
    pub fn new(
        pieces: Vec<(String, f64)>,
        unk_id: Option<u32>,
        byte_fallback: bool,
    ) -> Result<Self> {
        if pieces.len() > CharTrie::MAX_ID as usize {
            return Err(Error::config("", "vocab", "too many pieces"));
        }
        let mut ids = FxHashMap::default();
        ids.reserve(pieces.len());
        let mut min_score = f64::INFINITY;
        for (i, (p, s)) in pieces.iter().enumerate() {
            if p.is_empty() {
                return Err(Error::config("", format!("vocab[{i}]"), "empty piece"));
            }
            if !s.is_finite() {
                return Err(Error::config(
                    "",
                    format!("vocab[{i}]"),
                    format!("score of {p:?} is not a finite number"),
                ));
            }
            ids.insert(p.clone(), i as u32);
            if *s > NEVER {
                min_score = min_score.min(*s);
            }
        }
        if let Some(u) = unk_id {
            if u as usize >= pieces.len() {
                return Err(Error::config(
                    "",
                    "unk_id",
                    format!("{u} is out of the vocabulary ({} pieces)", pieces.len()),
                ));
            }
        }
        let keys: Vec<(&str, u32)> = ids.iter().map(|(p, &id)| (p.as_str(), id)).collect();
        let trie = Arc::new(CharTrie::build(&keys));
        let mut byte_ids = Box::new([None; 256]);
        for (b, slot) in byte_ids.iter_mut().enumerate() {
            *slot = ids.get(format!("<0x{b:02X}>").as_str()).copied();
        }
        Ok(Unigram {
            scores: pieces.iter().map(|p| p.1).collect(),
            pieces,
            ids,
            trie,
            unk_id,
            byte_fallback,
            min_score,
            byte_ids,
            cache_id: NEXT_CACHE_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        })
    }

    fn missing_unk() -> Error {
        Error::config(
            "",
            "model.unk_id",
            "the text has a char with no piece and the model has no unk_id",
        )
    }

    /// Fill `lat.nodes` (one per char boundary of `word`) with the best paths; `lat.bounds` gets the
    /// byte offset of each char boundary.
    fn viterbi(&self, word: &str, lat: &mut Lattice) -> Result<()> {
        let Lattice {
            nodes,
            codes,
            bounds,
        } = lat;
        // Codes and bounds written through iterators over pre-sized buffers (a word has at most as
        // many chars as bytes): no capacity check per char.
        codes.clear();
        codes.resize(word.len(), 0);
        bounds.clear();
        bounds.resize(word.len() + 1, 0);
        let mut n = 0;
        let slots = codes.iter_mut().zip(bounds.iter_mut().skip(1));
        for ((code, bound), (i, c)) in slots.zip(word.char_indices()) {
            *code = self.trie.code(c);
            *bound = (i + c.len_utf8()) as u32;
            n += 1;
        }
        codes.truncate(n);
        bounds.truncate(n + 1);
        nodes.clear();
        nodes.resize(
            n + 1,
            Node {
                score: 0.0,
                start: NONE,
                id: 0,
            },
        );
        let unk_score = self.min_score - UNK_PENALTY;
        let root = self.trie.root();
        for pos in 0..n {
            let base = nodes.get(pos).map_or(0.0, |b| b.score);
            let mut rest = codes.get(pos..).unwrap_or_default().iter();
            // The one-char piece, then the longer ones, shortest first: one trie step per char.
            let mut single = false;
            let first = rest.next().and_then(|&c| self.trie.child(root, c));
            if let Some(mut node) = first {
                if let Some(id) = self.trie.value(node) {
                    self.relax(nodes, pos, pos + 1, id, base);
                    single = true;
                }
                let mut end = pos + 1;
                for &code in rest {
                    match self.trie.child(node, code) {
                        Some(ch) => node = ch,
                        None => break,
                    }
                    end += 1;
                    if let Some(id) = self.trie.value(node) {
                        self.relax(nodes, pos, end, id, base);
                    }
                }
            }
            if !single {
                let cand = unk_score + base;
                if let Some(t) = nodes.get_mut(pos + 1) {
                    if t.start == NONE || cand > t.score {
                        *t = Node {
                            score: cand,
                            start: pos as u32,
                            id: self.unk_id.ok_or_else(Self::missing_unk)?,
                        };
                    }
                }
            }
        }
        Ok(())
    }

    /// Offer piece `id` over chars `start..end` to the best path into `end`; a tie keeps the earlier
    /// piece.
    #[inline]
    fn relax(&self, lattice: &mut [Node], start: usize, end: usize, id: u32, base: f64) {
        let cand = self.scores.get(id as usize).copied().unwrap_or(0.0) + base;
        if let Some(t) = lattice.get_mut(end) {
            if t.start == NONE || cand > t.score {
                *t = Node {
                    score: cand,
                    start: start as u32,
                    id,
                };
            }
        }
    }

    /// Append the tokens of `word` to `out`; offsets are byte offsets into `word`.
    pub fn tokenize(&self, word: &str, out: &mut Vec<Token>) -> Result<()> {
        if word.is_empty() {
            return Ok(());
        }
        if word.len() > CACHE_WORD_MAX {
            return self.tokenize_uncached(word, out);
        }
        CACHE.with(|cell| {
            let Ok(mut cache) = cell.try_borrow_mut() else {
                return self.tokenize_uncached(word, out);
            };
            let cache = &mut *cache;
            if cache.model != self.cache_id {
                cache.words.clear();
                cache.tokens.clear();
                cache.model = self.cache_id;
            }
            if let Some(&(a, b)) = cache.words.get(word.as_bytes()) {
                out.extend_from_slice(cache.tokens.get(a as usize..b as usize).unwrap_or_default());
                return Ok(());
            }
            let first = out.len();
            self.tokenize_uncached(word, out)?;
            if cache.words.len() >= CACHE_WORDS {
                cache.words.clear();
                cache.tokens.clear();
            }
            let a = cache.tokens.len() as u32;
            cache
                .tokens
                .extend_from_slice(out.get(first..).unwrap_or_default());
            cache
                .words
                .insert(word.as_bytes().into(), (a, cache.tokens.len() as u32));
            Ok(())
        })
    }

    fn tokenize_uncached(&self, word: &str, out: &mut Vec<Token>) -> Result<()> {
        LATTICE.with(|cell| {
            // A re-entrant call cannot happen; fall back to a fresh lattice rather than panic.
            let mut fresh = Lattice::default();
            let mut guard = cell.try_borrow_mut();
            let lat = match guard.as_mut() {
                Ok(l) => &mut **l,
                Err(_) => &mut fresh,
            };
            self.viterbi(word, lat)?;
            let first = out.len();
            let byte = |i: usize| lat.bounds.get(i).map_or(0, |&b| b as usize);
            // Backtrack from the end, pushing tokens in reverse; runs of unknown nodes are fused.
            let mut end = lat.codes.len();
            let mut unk_end = None;
            while end > 0 {
                let Some(&node) = lat.nodes.get(end) else {
                    return Err(Error::Internal("unigram lattice out of range".into()));
                };
                if node.start == NONE {
                    return Err(Error::Internal("unigram lattice not connected".into()));
                }
                let start = node.start as usize;
                if Some(node.id) == self.unk_id {
                    unk_end.get_or_insert(end);
                } else {
                    if let Some(ue) = unk_end.take() {
                        self.push_unknown(word, byte(end), byte(ue), out)?;
                    }
                    out.push(Token {
                        id: node.id,
                        offsets: (byte(start) as u32, byte(end) as u32),
                    });
                }
                end = start;
            }
            if let Some(ue) = unk_end {
                self.push_unknown(word, 0, byte(ue), out)?;
            }
            out.get_mut(first..).unwrap_or_default().reverse();
            Ok(())
        })
    }

    /// One fused run of unknown nodes, `word[start..end]`, pushed in reverse order: the piece if the
    /// run happens to spell one, its bytes with `byte_fallback`, else `unk_id`.
    fn push_unknown(
        &self,
        word: &str,
        start: usize,
        end: usize,
        out: &mut Vec<Token>,
    ) -> Result<()> {
        let offsets = (start as u32, end as u32);
        let run = word.get(start..end).unwrap_or_default();
        if let Some(&id) = self.ids.get(run) {
            out.push(Token { id, offsets });
            return Ok(());
        }
        if self.byte_fallback && run.bytes().all(|b| self.byte_ids[b as usize].is_some()) {
            for b in run.bytes().rev() {
                if let Some(id) = self.byte_ids[b as usize] {
                    out.push(Token { id, offsets });
                }
            }
            return Ok(());
        }
        let id = self.unk_id.ok_or_else(Self::missing_unk)?;
        out.push(Token { id, offsets });
        Ok(())
    }

    pub fn token_to_id(&self, token: &str) -> Option<u32> {
        self.ids.get(token).copied()
    }

    pub fn id_to_token(&self, id: u32) -> Option<&str> {
        self.pieces.get(id as usize).map(|p| p.0.as_str())
    }

    /// Every (piece, id) of the vocabulary map (a duplicated piece once, with its last id).
    pub fn vocab(&self) -> impl Iterator<Item = (&str, u32)> {
        self.ids.iter().map(|(p, &id)| (p.as_str(), id))
    }

    /// Number of pieces, duplicates included (Hugging Face counts the list).
    pub fn vocab_size(&self) -> usize {
        self.pieces.len()
    }

    pub fn pieces(&self) -> &[(String, f64)] {
        &self.pieces
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(pieces: &[(&str, f64)], unk: Option<u32>, bf: bool) -> Unigram {
        Unigram::new(
            pieces.iter().map(|&(p, s)| (p.to_string(), s)).collect(),
            unk,
            bf,
        )
        .unwrap()
    }

    fn pieces_of(m: &Unigram, w: &str) -> Vec<String> {
        let mut out = Vec::new();
        m.tokenize(w, &mut out).unwrap();
        out.iter()
            .map(|t| w[t.offsets.0 as usize..t.offsets.1 as usize].to_string())
            .collect()
    }

    // The example of Hugging Face's `Unigram::encode` documentation (tokenizers 0.23.3).
    #[test]
    fn best_path_and_fused_unknowns() {
        let m = model(
            &[
                ("<unk>", 0.0),
                ("a", 0.0),
                ("b", 0.0),
                ("c", 0.0),
                ("d", 0.0),
                ("cd", 1.0),
                ("ab", 2.0),
                ("abc", 5.0),
                ("abcd", 10.0),
            ],
            Some(0),
            false,
        );
        assert_eq!(pieces_of(&m, "abcdacdxx"), ["abcd", "a", "cd", "xx"]);
        let mut out = Vec::new();
        m.tokenize("xxab", &mut out).unwrap();
        assert_eq!(
            out.iter().map(|t| (t.id, t.offsets)).collect::<Vec<_>>(),
            [(0, (0, 2)), (6, (2, 4))]
        );
    }

    #[test]
    fn ties_go_to_the_piece_that_starts_first() {
        let m = model(&[("<unk>", 0.0), ("a", -1.0), ("aa", -2.0)], Some(0), false);
        assert_eq!(pieces_of(&m, "aa"), ["aa"]);
    }

    #[test]
    fn byte_fallback_splits_unknown_runs() {
        let mut v = vec![("<unk>".to_string(), 0.0), ("a".to_string(), -1.0)];
        for b in 0..=255u8 {
            v.push((format!("<0x{b:02X}>"), -5.0));
        }
        let m = Unigram::new(v, Some(0), true).unwrap();
        let mut out = Vec::new();
        m.tokenize("aé", &mut out).unwrap();
        let ids: Vec<_> = out.iter().map(|t| (t.id, t.offsets)).collect();
        // é is C3 A9; both byte tokens carry the char's whole range, as in Hugging Face.
        assert_eq!(ids, [(1, (0, 1)), (2 + 0xC3, (1, 3)), (2 + 0xA9, (1, 3))]);
    }

    #[test]
    fn bad_vocabularies_are_refused() {
        let bad = |v: Vec<(&str, f64)>, unk| {
            Unigram::new(
                v.into_iter().map(|(p, s)| (p.to_string(), s)).collect(),
                unk,
                false,
            )
            .unwrap_err()
            .to_string()
        };
        assert!(bad(vec![("a", f64::NAN)], None).contains("vocab[0]"));
        assert!(bad(vec![("a", 0.0), ("b", f64::INFINITY)], None).contains("vocab[1]"));
        assert!(bad(vec![("", 0.0)], None).contains("empty piece"));
        assert!(bad(vec![("a", 0.0)], Some(1)).contains("unk_id"));
    }

    #[test]
    fn missing_unk_is_an_error_not_a_panic() {
        let m = model(&[("a", 0.0)], None, false);
        let mut out = Vec::new();
        assert!(m.tokenize("ab", &mut out).is_err());
        out.clear();
        m.tokenize("aa", &mut out).unwrap();
        assert_eq!(out.len(), 2);
    }
}

#[cfg(test)]
#[path = "unigram_tests.rs"]
mod differential;
