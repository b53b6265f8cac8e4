//! tokenizers' `Token` and the parts of `PreTokenizedString` that deal with tokens: `tokenize(func)` (a
//! Python function gives each split's tokens) and `to_encoding(type_id, word_idx)`.
//!
//! The core's splits hold ids and offsets only; the strings a function gave (`Token.value`) are kept
//! beside them here, one list per tokenized split in split order. Tokenized splits are never cut or
//! changed again, so that order holds through later `split` and `normalize` calls.

use crate::kernel::{PreTokenizedString, Token};
use crate::models::{Model, WordLevel};
use crate::tokenizer::{Encoding, Tokenizer};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyList, PyTuple};
use std::collections::HashMap;
use std::sync::Arc;

/// tokenizers' `Token`: an id, its string and its byte offsets in the split it came from.
#[pyclass(module = "ferrotok", name = "Token", frozen, eq)]
#[derive(Clone, PartialEq, Eq)]
pub struct PyToken {
    #[pyo3(get)]
    pub id: u32,
    #[pyo3(get)]
    pub value: String,
    #[pyo3(get)]
    pub offsets: (usize, usize),
}

#[pymethods]
impl PyToken {
    #[new]
    fn new(id: u32, value: String, offsets: (usize, usize)) -> Self {
        PyToken { id, value, offsets }
    }

    fn as_tuple(&self) -> (u32, String, (usize, usize)) {
        (self.id, self.value.clone(), self.offsets)
    }

    fn __repr__(&self) -> String {
        format!(
            "Token(id={}, value={:?}, offsets=({}, {}))",
            self.id, self.value, self.offsets.0, self.offsets.1
        )
    }
}

/// The strings of each tokenized split, in split order (`None`: tokenized by the core, an added token).
pub type Values = Vec<Option<Vec<String>>>;

/// `values` for a string whose splits may already hold tokens.
pub fn values_of(pts: &PreTokenizedString) -> Values {
    pts.splits
        .iter()
        .filter(|s| s.tokens.is_some())
        .map(|_| None)
        .collect()
}

/// A token a function returned: ferrotok's `Token`, or any object with `id`, `value` and `offsets`
/// (tokenizers' `Token`).
fn token_of(item: &Bound<'_, PyAny>) -> PyResult<PyToken> {
    if let Ok(t) = item.downcast::<PyToken>() {
        return Ok(t.get().clone());
    }
    let read = || -> PyResult<PyToken> {
        Ok(PyToken {
            id: item.getattr("id")?.extract()?,
            value: item.getattr("value")?.extract()?,
            offsets: item.getattr("offsets")?.extract()?,
        })
    };
    read().map_err(|_| {
        PyTypeError::new_err(format!(
            "tokenize: the function must return a list of Token, got an item of type {}",
            item.get_type()
                .name()
                .map(|n| n.to_string())
                .unwrap_or_default()
        ))
    })
}

/// Give each split without tokens the tokens `func(normalized text)` returns.
pub fn tokenize(
    pts: &mut PreTokenizedString,
    values: &mut Values,
    func: &Bound<'_, PyAny>,
) -> PyResult<()> {
    if !func.is_callable() {
        return Err(PyTypeError::new_err(
            "tokenize: expected a callable `fn(str) -> list[Token]`",
        ));
    }
    let mut old = std::mem::take(values).into_iter();
    let mut out = Values::with_capacity(pts.splits.len());
    let mut failed = None;
    for split in pts.splits.iter_mut() {
        if split.tokens.is_some() {
            out.push(old.next().flatten());
            continue;
        }
        let given = func.call1((split.normalized.as_str(),)).and_then(|r| {
            if r.downcast::<PyList>().is_err() && r.downcast::<PyTuple>().is_err() {
                return Err(PyTypeError::new_err(format!(
                    "tokenize: the function must return a list of Token, got {}",
                    r.get_type().name()?
                )));
            }
            r.try_iter()?
                .map(|i| token_of(&i?))
                .collect::<PyResult<Vec<_>>>()
        });
        let given = match given {
            Ok(g) => g,
            Err(e) => {
                failed = Some(e);
                break;
            }
        };
        let mut tokens = Vec::with_capacity(given.len());
        for t in &given {
            let offset = |o: usize| {
                u32::try_from(o).map_err(|_| {
                    PyValueError::new_err(format!("tokenize: offset {o} of a Token is too large"))
                })
            };
            tokens.push(Token {
                id: t.id,
                offsets: (offset(t.offsets.0)?, offset(t.offsets.1)?),
            });
        }
        split.tokens = Some(tokens);
        out.push(Some(given.into_iter().map(|t| t.value).collect()));
    }
    // Splits left untouched after an error keep their order (and their strings).
    for split in pts.splits.iter().skip(out.len()) {
        if split.tokens.is_some() {
            out.push(old.next().flatten());
        }
    }
    *values = out;
    failed.map_or(Ok(()), Err)
}

/// The tokens of each split for `get_splits` (`None` where a split has none yet).
pub fn split_tokens(pts: &PreTokenizedString, values: &Values) -> Vec<Option<Vec<PyToken>>> {
    let mut strings = values.iter();
    pts.splits
        .iter()
        .map(|split| {
            let tokens = split.tokens.as_ref()?;
            let texts = strings.next().cloned().flatten().unwrap_or_default();
            Some(
                tokens
                    .iter()
                    .enumerate()
                    .map(|(k, t)| PyToken {
                        id: t.id,
                        value: texts.get(k).cloned().unwrap_or_default(),
                        offsets: (t.offsets.0 as usize, t.offsets.1 as usize),
                    })
                    .collect(),
            )
        })
        .collect()
}

/// Byte offsets of `source` → char offsets, as tokenizers converts them: a byte maps to the char it is
/// part of, an end at the text's end to the char count; anything else stays in bytes.
struct CharMap {
    of_byte: HashMap<usize, usize>,
}

impl CharMap {
    fn new(source: &str) -> Self {
        let mut of_byte = HashMap::with_capacity(source.len());
        for (i, (b, c)) in source.char_indices().enumerate() {
            for k in 0..c.len_utf8() {
                of_byte.insert(b + k, i);
            }
        }
        CharMap { of_byte }
    }

    fn convert(&self, (start, end): (usize, usize)) -> (usize, usize) {
        match (self.of_byte.get(&start), self.of_byte.get(&end)) {
            (Some(&s), Some(&e)) => (s, e),
            (Some(&s), None) => {
                let last = end
                    .checked_sub(1)
                    .and_then(|b| self.of_byte.get(&b))
                    .map_or(s + 1, |&c| c + 1);
                (s, last)
            }
            _ => (start, end),
        }
    }
}

/// A tokenizer with no vocabulary: the encodings built here spell every token themselves.
fn no_vocabulary() -> PyResult<Arc<Tokenizer>> {
    let model = WordLevel::new(&[], "", "vocab").map_err(super::to_py)?;
    Ok(Arc::new(Tokenizer::new(Model::WordLevel(model))))
}

/// tokenizers' `PreTokenizedString.to_encoding`: every split's tokens in order, offsets in chars of
/// the original text, word ids the split index (or `word_idx`), type ids `type_id`.
pub fn to_encoding(
    pts: &PreTokenizedString,
    values: &Values,
    source: &str,
    type_id: u32,
    word_idx: Option<u32>,
) -> PyResult<(Arc<Tokenizer>, Encoding)> {
    if pts.splits.iter().any(|s| s.tokens.is_none()) {
        return Err(PyValueError::new_err(
            "Split has not been tokenized, call `PreTokenizedString.tokenize` first",
        ));
    }
    let chars = CharMap::new(source);
    let mut e = Encoding::default();
    let mut strings = values.iter();
    for (index, split) in pts.splits.iter().enumerate() {
        let n = &split.normalized;
        let texts = strings.next().cloned().flatten().unwrap_or_default();
        for (k, t) in split.tokens.iter().flatten().enumerate() {
            let (a, b) = (t.offsets.0 as usize, t.offsets.1 as usize);
            // As tokenizers: a range outside the split keeps the offsets as given, an empty one is
            // not aligned (it moves by the split's start only).
            let bytes = if a == b && b <= n.len() {
                let start = n.original_range(0..n.len()).0;
                (start + a, start + a)
            } else if a < b && b <= n.len() {
                n.original_range(a..b)
            } else {
                (a, b)
            };
            let position = e.ids.len();
            e.ids.push(t.id);
            e.type_ids.push(type_id);
            e.offsets.push(chars.convert(bytes));
            e.special_tokens_mask.push(0);
            e.attention_mask.push(1);
            e.word_ids.push(Some(word_idx.unwrap_or(index as u32)));
            e.sequence_ids.push(Some(0));
            e.texts
                .push((position, texts.get(k).cloned().unwrap_or_default()));
        }
    }
    Ok((no_vocabulary()?, e))
}
