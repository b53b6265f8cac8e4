//! BPE: byte-level or classic merges, with unk/byte fallback, suffixes and prefixes.
//! Semantics follow Hugging Face tokenizers' `BPE` model (without dropout).

use super::bpe_merge::{pair_key, Merges, Word};
use super::bpe_pieces::PieceTable;
use crate::error::{Error, Result};
use crate::json::{as_array, as_u32, field, index, opt_bool, opt_str, req, Obj};
use crate::kernel::char_to_byte;
use crate::kernel::Token;
use crate::kernel::BYTE_TO_CHAR;
use rustc_hash::FxHashMap;
use serde_json::Value;
use std::sync::{Arc, OnceLock};

pub use super::bpe_merge::with_word;

/// Options of a BPE model built from legacy files (tokenizer.json carries them in the model object).
#[derive(Debug, Clone, Default)]
pub struct BpeOptions {
    pub unk_token: Option<String>,
    pub continuing_subword_prefix: Option<String>,
    pub end_of_word_suffix: Option<String>,
    pub fuse_unk: bool,
    pub byte_fallback: bool,
    pub ignore_merges: bool,
}

#[derive(Debug, Clone)]
pub struct Bpe {
    vocab: FxHashMap<String, u32>,
    vocab_r: TokensById,
    merges: Box<Merges>,
    pub unk_token: Option<String>,
    pub continuing_subword_prefix: Option<String>,
    pub end_of_word_suffix: Option<String>,
    pub fuse_unk: bool,
    pub byte_fallback: bool,
    pub ignore_merges: bool,
    /// Set by the loader when the pre-tokenizer is ByteLevel: enables the byte tables below.
    pub byte_level: bool,
    /// Id of GPT-2's printable char for each byte (`u32::MAX` if the vocab lacks it).
    byte_ids: Box<[u32; 256]>,
    /// Every byte has an id in `byte_ids` (checked once: it was a 256-entry scan per encoded text).
    all_byte_ids: bool,
    /// Id of `<0xAB>` for each byte (`u32::MAX` if absent).
    fallback_ids: Box<[u32; 256]>,
    /// Identity of this vocabulary for per-thread caches (clones share it: same results).
    cache_id: u64,
    /// Byte-level pieces → whole-token ids, built on first use and shared by clones.
    pieces: Arc<OnceLock<PieceTable>>,
    /// A symbol read as another token's id (`alias_symbol`), kept out of the vocabulary's views.
    alias: Option<String>,
}

static NEXT_CACHE_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// id → token (`id_to_token`): every token's text in one buffer and its span by id, in a table when the
/// ids are dense (every released vocabulary), else in a map.
///
/// Decision: not a map of id → a copy of each token: 50k – 150k string allocations and map inserts on
/// every load, a tenth of loading GPT-2's vocabulary, and as many frees when the tokenizer is dropped.
#[derive(Debug, Clone, Default)]
struct TokensById {
    text: String,
    /// `(start, end)` in `text` by id; `(1, 0)` (empty, so `get` fails) for an id no token has.
    dense: Vec<(usize, usize)>,
    sparse: FxHashMap<u32, (usize, usize)>,
}

impl TokensById {
    const NONE: (usize, usize) = (1, 0);

    fn new(vocab: &FxHashMap<String, u32>) -> Self {
        let size = vocab.values().max().map_or(0, |&m| m as usize + 1);
        let dense = size <= 2 * vocab.len() + 1024;
        let mut t = TokensById {
            text: String::with_capacity(vocab.keys().map(String::len).sum()),
            dense: if dense {
                vec![Self::NONE; size]
            } else {
                Vec::new()
            },
            sparse: FxHashMap::default(),
        };
        // In the map's order, the last of tokens sharing an id winning, as the map of copies had it.
        for (token, &id) in vocab {
            let span = (t.text.len(), t.text.len() + token.len());
            t.text.push_str(token);
            match t.dense.get_mut(id as usize) {
                Some(slot) if dense => *slot = span,
                _ => {
                    t.sparse.insert(id, span);
                }
            }
        }
        t
    }

    fn get(&self, id: u32) -> Option<&str> {
        let &(start, end) = if self.dense.is_empty() {
            self.sparse.get(&id)?
        } else {
            self.dense.get(id as usize)?
        };
        self.text.get(start..end)
    }
}

const NO_ID: u32 = u32::MAX;

impl Bpe {
    /// Build from a vocab and merges (in rank order). `field` prefixes error paths; `file` names the file.
    pub fn new<A: AsRef<str>, B: AsRef<str>>(
        vocab: FxHashMap<String, u32>,
        merges: &[(A, B)],
        opts: BpeOptions,
        merge_field: &dyn Fn(usize) -> String,
    ) -> Result<Self> {
        let prefix_len = opts
            .continuing_subword_prefix
            .as_ref()
            .map_or(0, |p| p.len());
        let mut map = Merges::default();
        map.map.reserve(merges.len());
        map.new_ids.reserve(merges.len());
        map.pairs.reserve(merges.len());
        let mut merged = String::new(); // one buffer for every merge result looked up
        for (rank, (a, b)) in merges.iter().enumerate() {
            let (a, b) = (a.as_ref(), b.as_ref());
            let unknown = |t: &str| {
                Error::config(
                    "",
                    merge_field(rank),
                    format!("token `{t}` of the merge is not in the vocabulary"),
                )
            };
            let a_id = *vocab.get(a).ok_or_else(|| unknown(a))?;
            let b_id = *vocab.get(b).ok_or_else(|| unknown(b))?;
            let tail = b.get(prefix_len..).ok_or_else(|| {
                Error::config(
                    "",
                    merge_field(rank),
                    format!("`{b}` is shorter than the continuing subword prefix"),
                )
            })?;
            merged.clear();
            merged.push_str(a);
            merged.push_str(tail);
            let new_id = *vocab.get(merged.as_str()).ok_or_else(|| {
                Error::config(
                    "",
                    merge_field(rank),
                    format!("merge result `{merged}` is not in the vocabulary"),
                )
            })?;
            map.map.insert(pair_key(a_id, b_id), (rank as u32, new_id));
            map.new_ids.push(new_id);
            map.pairs.push(pair_key(a_id, b_id));
        }
        map.finish();
        let vocab_r = TokensById::new(&vocab);
        let mut bpe = Bpe {
            vocab,
            vocab_r,
            merges: Box::new(map),
            unk_token: opts.unk_token,
            continuing_subword_prefix: opts.continuing_subword_prefix,
            end_of_word_suffix: opts.end_of_word_suffix,
            fuse_unk: opts.fuse_unk,
            byte_fallback: opts.byte_fallback,
            ignore_merges: opts.ignore_merges,
            byte_level: false,
            byte_ids: Box::new([NO_ID; 256]),
            all_byte_ids: false,
            fallback_ids: Box::new([NO_ID; 256]),
            cache_id: NEXT_CACHE_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            pieces: Arc::default(),
            alias: None,
        };
        let mut buf = [0u8; 4];
        for b in 0..=255u8 {
            let c = BYTE_TO_CHAR[b as usize].encode_utf8(&mut buf);
            bpe.byte_ids[b as usize] = bpe.vocab.get(&*c).copied().unwrap_or(NO_ID);
            let code = format!("<0x{b:02X}>");
            bpe.fallback_ids[b as usize] = bpe.vocab.get(&code).copied().unwrap_or(NO_ID);
        }
        bpe.all_byte_ids = bpe.byte_ids.iter().all(|&i| i != NO_ID);
        Ok(bpe)
    }

    pub fn from_json(o: &Obj, fld: &str) -> Result<Self> {
        let vf = field(fld, "vocab");
        let vocab_obj = req(o, "vocab", fld)?
            .as_object()
            .ok_or_else(|| Error::config("", &vf, "expected an object of token → id"))?;
        let mut vocab = FxHashMap::default();
        vocab.reserve(vocab_obj.len());
        for (k, v) in vocab_obj {
            let id = match v.as_u64().and_then(|n| u32::try_from(n).ok()) {
                Some(id) => id,
                None => as_u32(v, &format!("{vf}.{k}"))?, // the error, naming the entry
            };
            vocab.insert(k.clone(), id);
        }
        let mf = field(fld, "merges");
        let mut merges = Vec::new();
        if let Some(list) = o.get("merges").filter(|v| !v.is_null()) {
            let list = as_array(list, &mf)?;
            merges.reserve(list.len());
            for (i, m) in list.iter().enumerate() {
                let bad = || Error::config("", index(&mf, i), "expected \"a b\" or [\"a\", \"b\"]");
                let pair = match m {
                    Value::String(s) => {
                        let mut parts = s.split(' ');
                        match (parts.next(), parts.next(), parts.next()) {
                            (Some(a), Some(b), None) => (a.to_string(), b.to_string()),
                            _ => return Err(bad()),
                        }
                    }
                    Value::Array(v) => match v.as_slice() {
                        [Value::String(a), Value::String(b)] => (a.clone(), b.clone()),
                        _ => return Err(bad()),
                    },
                    _ => return Err(bad()),
                };
                merges.push(pair);
            }
        }
        Self::from_parts(o, vocab, &merges, fld)
    }

    /// Build from a tokenizer.json `model` object whose vocabulary and merges were read already; `o`
    /// gives the options (its `vocab` and `merges` entries are not read).
    pub fn from_parts<A: AsRef<str>, B: AsRef<str>>(
        o: &Obj,
        vocab: FxHashMap<String, u32>,
        merges: &[(A, B)],
        fld: &str,
    ) -> Result<Self> {
        let mf = field(fld, "merges");
        match o.get("dropout") {
            None | Some(Value::Null) => {}
            Some(Value::Number(n)) if n.as_f64() == Some(0.0) => {}
            Some(v) => {
                return Err(Error::config(
                    "",
                    field(fld, "dropout"),
                    format!("BPE dropout is not supported (found {v}); use null"),
                ))
            }
        }
        let opts = BpeOptions {
            unk_token: opt_str(o, "unk_token", fld)?.map(str::to_string),
            // An empty prefix/suffix behaves exactly like none (transformers writes ""), and "none"
            // keeps the fused byte-level path available.
            continuing_subword_prefix: opt_str(o, "continuing_subword_prefix", fld)?
                .filter(|s| !s.is_empty())
                .map(str::to_string),
            end_of_word_suffix: opt_str(o, "end_of_word_suffix", fld)?
                .filter(|s| !s.is_empty())
                .map(str::to_string),
            fuse_unk: opt_bool(o, "fuse_unk", fld, false)?,
            byte_fallback: opt_bool(o, "byte_fallback", fld, false)?,
            ignore_merges: opt_bool(o, "ignore_merges", fld, false)?,
        };
        Bpe::new(vocab, merges, opts, &|i| index(&mf, i))
    }

    /// Build from the contents of a legacy `vocab.json` and `merges.txt`; errors name the file given.
    pub fn from_strs(
        vocab_json: &str,
        merges_txt: &str,
        opts: BpeOptions,
        vocab_name: &str,
        merges_name: &str,
    ) -> Result<Self> {
        let v: Value = serde_json::from_str(vocab_json)
            .map_err(|e| Error::config(vocab_name, "", format!("invalid JSON: {e}")))?;
        let obj = v
            .as_object()
            .ok_or_else(|| Error::config(vocab_name, "", "expected an object of token → id"))?;
        let mut vocab = FxHashMap::default();
        vocab.reserve(obj.len());
        for (k, id) in obj {
            vocab.insert(k.clone(), as_u32(id, k).map_err(|e| e.in_file(vocab_name))?);
        }
        let mut merges = Vec::new();
        let mut lines = Vec::new();
        for (n, line) in merges_txt.lines().enumerate() {
            if line.starts_with("#version") {
                continue;
            }
            let mut parts = line.split(' ');
            match (parts.next(), parts.next(), parts.next()) {
                (Some(a), Some(b), None) => {
                    merges.push((a.to_string(), b.to_string()));
                    lines.push(n + 1);
                }
                _ => {
                    return Err(Error::config(
                        merges_name,
                        format!("line {}", n + 1),
                        "expected two tokens separated by one space",
                    ))
                }
            }
        }
        let line_of = |i: usize| format!("line {}", lines.get(i).copied().unwrap_or(0));
        Bpe::new(vocab, &merges, opts, &line_of).map_err(|e| e.in_file(merges_name))
    }

    /// Read a legacy `vocab.json` + `merges.txt` pair from disk.
    pub fn from_files(vocab_path: &str, merges_path: &str, opts: BpeOptions) -> Result<Self> {
        let read = |p: &str| {
            std::fs::read_to_string(p).map_err(|e| match e.kind() {
                std::io::ErrorKind::NotFound => Error::NotFound {
                    path: p.to_string(),
                },
                _ => Error::Io {
                    path: p.to_string(),
                    source: e,
                },
            })
        };
        Bpe::from_strs(
            &read(vocab_path)?,
            &read(merges_path)?,
            opts,
            vocab_path,
            merges_path,
        )
    }

    pub fn set_byte_level(&mut self, on: bool) {
        self.byte_level = on;
    }

    /// Byte-level symbols can be built straight from bytes: every byte's char is in the vocab and no
    /// prefix/suffix decorates the symbols.
    pub fn byte_ids_complete(&self) -> bool {
        self.continuing_subword_prefix.is_none()
            && self.end_of_word_suffix.is_none()
            && self.all_byte_ids
    }

    #[inline]
    pub fn byte_id(&self, b: u8) -> u32 {
        self.byte_ids[b as usize]
    }

    /// Vocabulary tokens by their raw bytes (byte-level vocabularies), built on first use.
    pub fn piece_table(&self) -> &PieceTable {
        self.pieces.get_or_init(|| {
            PieceTable::build(self.vocab.iter().filter_map(|(tok, &id)| {
                let bytes: Option<Vec<u8>> = tok.chars().map(char_to_byte).collect();
                bytes.map(|b| (b, id))
            }))
        })
    }

    /// Unique per vocabulary (shared by clones), for caches keyed by word.
    pub fn cache_id(&self) -> u64 {
        self.cache_id
    }

    /// Whether long words can use the radix heap (see `Merges::monotone`).
    pub fn merges_monotone(&self) -> bool {
        self.merges.monotone
    }

    pub fn merge_table(&self) -> &Merges {
        &self.merges
    }

    /// Id of a whole word, for `ignore_merges`.
    pub fn word_id(&self, w: &str) -> Option<u32> {
        self.vocab.get(w).copied()
    }

    fn unk_id(&self, unk: &str) -> Result<u32> {
        self.vocab.get(unk).copied().ok_or_else(|| {
            Error::config(
                "",
                "model.unk_token",
                format!("unk token `{unk}` is not in the vocabulary"),
            )
        })
    }

    /// Fill `w` with the initial symbols of `word` (one per char, with Hugging Face's unk/fallback rules).
    fn build_word(&self, word: &str, w: &mut Word) -> Result<()> {
        let mut unk: Option<(u32, u32)> = None;
        let mut buf = String::new();
        let mut chars = word.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            let end = chars.peek().map_or(word.len(), |&(j, _)| j);
            let byte_len = (end - i) as u32;
            let mut s = &word[i..end];
            let decorate = (i > 0 && self.continuing_subword_prefix.is_some())
                || (end == word.len() && self.end_of_word_suffix.is_some());
            if decorate {
                buf.clear();
                if let (true, Some(p)) = (i > 0, &self.continuing_subword_prefix) {
                    buf.push_str(p);
                }
                buf.push(c);
                if let (true, Some(sfx)) = (end == word.len(), &self.end_of_word_suffix) {
                    buf.push_str(sfx);
                }
                s = &buf;
            }
            if let Some(&id) = self.vocab.get(s) {
                if let Some((uid, ulen)) = unk.take() {
                    w.push(uid, ulen);
                }
                w.push(id, byte_len);
                continue;
            }
            // Byte fallback covers every byte of the decorated symbol, one byte long each (as HF does);
            // a pending unk is emitted later, also as HF does.
            if self.byte_fallback && s.bytes().all(|b| self.fallback_ids[b as usize] != NO_ID) {
                for b in s.bytes() {
                    w.push(self.fallback_ids[b as usize], 1);
                }
                continue;
            }
            if let Some(u) = &self.unk_token {
                unk = match unk {
                    Some((uid, ulen)) if self.fuse_unk => Some((uid, ulen + byte_len)),
                    Some((uid, ulen)) => {
                        w.push(uid, ulen);
                        Some((self.unk_id(u)?, byte_len))
                    }
                    None => Some((self.unk_id(u)?, byte_len)),
                };
            }
        }
        if let Some((uid, ulen)) = unk {
            w.push(uid, ulen);
        }
        Ok(())
    }

    /// Append the tokens of `word`; offsets are byte offsets into `word`.
    pub fn tokenize(&self, word: &str, out: &mut Vec<Token>) -> Result<()> {
        if word.is_empty() {
            return Ok(());
        }
        if self.ignore_merges {
            if let Some(&id) = self.vocab.get(word) {
                out.push(Token {
                    id,
                    offsets: (0, word.len() as u32),
                });
                return Ok(());
            }
        }
        with_word(|w| {
            self.build_word(word, w)?;
            w.merge_all(&self.merges);
            out.extend(w.tokens().map(|(id, s, e)| Token {
                id,
                offsets: (s, e),
            }));
            Ok(())
        })
    }

    pub fn token_to_id(&self, token: &str) -> Option<u32> {
        if self.alias.as_deref() == Some(token) {
            return None;
        }
        self.vocab.get(token).copied()
    }

    /// Read `symbol` (absent from the vocabulary) as `target`'s id wherever the model meets it alone
    /// or as an initial symbol: transformers' ClvpTokenizer turns each `Ġ` piece into `[SPACE]`. The
    /// views of the vocabulary (`vocab`, `vocab_size`, `token_to_id`) do not show it. False (nothing
    /// changed) when `target` is missing or `symbol` is a token of its own.
    pub fn alias_symbol(&mut self, symbol: &str, target: &str) -> bool {
        let Some(&id) = self.vocab.get(target) else {
            return false;
        };
        if self.alias.is_some() || self.vocab.contains_key(symbol) {
            return false;
        }
        self.vocab.insert(symbol.to_string(), id);
        let mut buf = [0u8; 4];
        for b in 0..=255u8 {
            if BYTE_TO_CHAR[b as usize].encode_utf8(&mut buf) == symbol {
                self.byte_ids[b as usize] = id;
            }
        }
        self.all_byte_ids = self.byte_ids.iter().all(|&i| i != NO_ID);
        self.pieces = Arc::default();
        self.cache_id = NEXT_CACHE_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.alias = Some(symbol.to_string());
        true
    }

    pub fn id_to_token(&self, id: u32) -> Option<&str> {
        self.vocab_r.get(id)
    }

    pub fn vocab_size(&self) -> usize {
        self.vocab.len() - usize::from(self.alias.is_some())
    }

    pub fn vocab(&self) -> impl Iterator<Item = (&str, u32)> {
        let alias = self.alias.as_deref();
        self.vocab
            .iter()
            .filter(move |(k, _)| Some(k.as_str()) != alias)
            .map(|(k, &v)| (k.as_str(), v))
    }

    /// The merges in rank order, for serialization.
    pub fn merges(&self) -> Vec<(String, String)> {
        let mut m: Vec<(u32, u64)> = self.merges.map.iter().map(|(&k, &(r, _))| (r, k)).collect();
        m.sort_unstable();
        m.into_iter()
            .filter_map(|(_, k)| {
                let a = self.id_to_token((k >> 32) as u32)?;
                let b = self.id_to_token((k & 0xFFFF_FFFF) as u32)?;
                Some((a.to_string(), b.to_string()))
            })
            .collect()
    }
}

#[cfg(test)]
#[path = "bpe_tests.rs"]
mod tests;
