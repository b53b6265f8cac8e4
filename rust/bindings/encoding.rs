//! `ferrotok._core.Encoding`: one encoded input, with `tokenizers.Encoding`'s attributes and alignment
//! methods (what `Tokenizer.encode` returns and what `BatchEncoding.encodings` holds).

use crate::tokenizer::{Direction, Encoding, Tokenizer};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use std::sync::Arc;

#[pyclass(module = "ferrotok._core", name = "Encoding")]
pub struct PyEncoding {
    pub tokenizer: Arc<Tokenizer>,
    pub encoding: Encoding,
    /// The token string of padded positions (tokenizers' `pad_token`); None: the pad id's own string.
    pub pad_token: Option<String>,
    /// 2 when the input had a pair (even an empty one), as tokenizers counts its sequence ranges.
    pub n_sequences: usize,
    /// After `truncate`, tokenizers reads every token (pads added later too) as sequence 0.
    pub flat_sequences: bool,
}

impl PyEncoding {
    pub fn new(
        tokenizer: Arc<Tokenizer>,
        encoding: Encoding,
        pad_token: Option<String>,
        n_sequences: usize,
    ) -> Self {
        PyEncoding {
            tokenizer,
            encoding,
            pad_token,
            n_sequences,
            flat_sequences: false,
        }
    }

    /// The tokens of sequence `seq`: their positions, in order.
    fn in_sequence(&self, seq: u32) -> impl Iterator<Item = usize> + '_ {
        let ids = &self.encoding.sequence_ids;
        (0..ids.len()).filter(move |&i| ids.get(i) == Some(&Some(seq)))
    }

    fn sequence_arg(sequence_index: usize) -> PyResult<u32> {
        match sequence_index {
            0 | 1 => Ok(sequence_index as u32),
            _ => Err(PyValueError::new_err(format!(
                "sequence_index: expected 0 or 1, got {sequence_index}"
            ))),
        }
    }
}

fn set_all_sequence_ids(e: &mut Encoding, seq: u32) {
    e.sequence_ids = vec![Some(seq); e.len()];
    e.overflowing
        .iter_mut()
        .for_each(|o| set_all_sequence_ids(o, seq));
}

fn direction(s: &str) -> PyResult<Direction> {
    super::convert::direction(s, "direction")
}

/// An empty encoding's tokenizer: the placeholder model alone (it spells no token).
fn empty_tokenizer() -> PyResult<Arc<Tokenizer>> {
    crate::loading::components::model_alone()
        .map(Arc::new)
        .map_err(super::to_py)
}

#[pymethods]
impl PyEncoding {
    /// An empty encoding, as `tokenizers.Encoding()` (a start for `merge`, `pad`, ...).
    #[new]
    fn py_new() -> PyResult<Self> {
        Ok(PyEncoding::new(
            empty_tokenizer()?,
            Encoding::default(),
            None,
            1,
        ))
    }

    #[getter]
    fn ids(&self) -> Vec<u32> {
        self.encoding.ids.clone()
    }

    #[getter]
    fn type_ids(&self) -> Vec<u32> {
        self.encoding.type_ids.clone()
    }

    #[getter]
    fn tokens(&self) -> Vec<String> {
        let e = &self.encoding;
        let tok = self.tokenizer.as_ref();
        (0..e.len())
            .map(|k| match &self.pad_token {
                Some(p) if e.attention_mask.get(k) == Some(&0) => p.clone(),
                _ => e.token(k, tok).to_string(),
            })
            .collect()
    }

    #[getter]
    fn offsets(&self) -> Vec<(usize, usize)> {
        self.encoding.offsets.clone()
    }

    #[getter]
    fn attention_mask(&self) -> Vec<u32> {
        self.encoding.attention_mask.clone()
    }

    #[getter]
    fn special_tokens_mask(&self) -> Vec<u32> {
        self.encoding.special_tokens_mask.clone()
    }

    #[getter]
    fn word_ids(&self) -> Vec<Option<u32>> {
        self.encoding.word_ids.clone()
    }

    /// The old name of `word_ids`, with tokenizers' DeprecationWarning.
    #[getter]
    fn words(&self, py: Python<'_>) -> PyResult<Vec<Option<u32>>> {
        let category = py.get_type::<pyo3::exceptions::PyDeprecationWarning>();
        PyErr::warn(
            py,
            category.as_any(),
            c"Deprecated in 0.9.4: Encoding.words is deprecated, please use Encoding.word_ids instead.",
            1,
        )?;
        Ok(self.encoding.word_ids.clone())
    }

    #[getter]
    fn sequence_ids(&self) -> Vec<Option<u32>> {
        self.encoding.sequence_ids.clone()
    }

    #[getter]
    fn overflowing(&self) -> Vec<PyEncoding> {
        self.encoding
            .overflowing
            .iter()
            .map(|o| {
                let (tok, pad) = (self.tokenizer.clone(), self.pad_token.clone());
                PyEncoding::new(tok, o.clone(), pad, self.n_sequences)
            })
            .collect()
    }

    #[getter]
    fn n_sequences(&self) -> usize {
        self.n_sequences
    }

    fn __len__(&self) -> usize {
        self.encoding.len()
    }

    fn __repr__(&self) -> String {
        format!(
            "Encoding(num_tokens={}, attributes=[ids, type_ids, tokens, offsets, attention_mask, \
             special_tokens_mask, overflowing])",
            self.encoding.len()
        )
    }

    /// Make every token part of sequence `sequence_id`.
    fn set_sequence_id(&mut self, sequence_id: usize) -> PyResult<()> {
        let seq = u32::try_from(sequence_id)
            .map_err(|_| PyValueError::new_err("sequence_id: too large"))?;
        set_all_sequence_ids(&mut self.encoding, seq);
        self.n_sequences = 1;
        Ok(())
    }

    /// Index of the sequence that token `token_index` comes from (None for special and pad tokens).
    fn token_to_sequence(&self, token_index: usize) -> Option<u32> {
        self.encoding
            .sequence_ids
            .get(token_index)
            .copied()
            .flatten()
    }

    /// The word of token `token_index` in its sequence.
    fn token_to_word(&self, token_index: usize) -> Option<u32> {
        self.token_to_sequence(token_index)?;
        self.encoding.word_ids.get(token_index).copied().flatten()
    }

    /// The character span of token `token_index` in its sequence.
    fn token_to_chars(&self, token_index: usize) -> Option<(usize, usize)> {
        self.token_to_sequence(token_index)?;
        self.encoding.offsets.get(token_index).copied()
    }

    /// The token span `(start, end)` of word `word_index` of sequence `sequence_index`.
    #[pyo3(signature = (word_index, sequence_index = 0))]
    fn word_to_tokens(
        &self,
        word_index: u32,
        sequence_index: usize,
    ) -> PyResult<Option<(usize, usize)>> {
        let seq = Self::sequence_arg(sequence_index)?;
        let e = &self.encoding;
        let mut span: Option<(usize, usize)> = None;
        for i in self.in_sequence(seq) {
            if e.word_ids.get(i).copied().flatten() == Some(word_index) {
                span = Some(span.map_or((i, i + 1), |(s, _)| (s, i + 1)));
            }
        }
        Ok(span)
    }

    /// The character span of word `word_index` of sequence `sequence_index`.
    #[pyo3(signature = (word_index, sequence_index = 0))]
    fn word_to_chars(
        &self,
        word_index: u32,
        sequence_index: usize,
    ) -> PyResult<Option<(usize, usize)>> {
        let Some((start, end)) = self.word_to_tokens(word_index, sequence_index)? else {
            return Ok(None);
        };
        let o = &self.encoding.offsets;
        Ok(match (o.get(start), o.get(end - 1)) {
            (Some(a), Some(b)) => Some((a.0, b.1)),
            _ => None,
        })
    }

    /// The token of sequence `sequence_index` that covers character `char_pos`.
    #[pyo3(signature = (char_pos, sequence_index = 0))]
    fn char_to_token(&self, char_pos: usize, sequence_index: usize) -> PyResult<Option<usize>> {
        let seq = Self::sequence_arg(sequence_index)?;
        let o = &self.encoding.offsets;
        Ok(self.in_sequence(seq).find(|&i| {
            o.get(i)
                .is_some_and(|&(s, e)| s <= char_pos && char_pos < e)
        }))
    }

    /// The word of sequence `sequence_index` that covers character `char_pos`.
    #[pyo3(signature = (char_pos, sequence_index = 0))]
    fn char_to_word(&self, char_pos: usize, sequence_index: usize) -> PyResult<Option<u32>> {
        let token = self.char_to_token(char_pos, sequence_index)?;
        Ok(token.and_then(|t| self.encoding.word_ids.get(t).copied().flatten()))
    }

    /// Pad to `length` tokens (overflowing windows too).
    #[pyo3(signature = (length, direction = "right", pad_id = 0, pad_type_id = 0, pad_token = "[PAD]"))]
    fn pad(
        &mut self,
        length: usize,
        direction: &str,
        pad_id: u32,
        pad_type_id: u32,
        pad_token: &str,
    ) -> PyResult<()> {
        let d = self::direction(direction)?;
        self.encoding.pad(length, pad_id, pad_type_id, d);
        if self.flat_sequences {
            set_all_sequence_ids(&mut self.encoding, 0);
        }
        self.pad_token = Some(pad_token.to_string());
        Ok(())
    }

    /// Keep `max_length` tokens; the rest becomes overflowing windows repeating `stride` tokens.
    #[pyo3(signature = (max_length, stride = 0, direction = "right"))]
    fn truncate(&mut self, max_length: usize, stride: usize, direction: &str) -> PyResult<()> {
        let d = self::direction(direction)?;
        if max_length > 0 && stride >= max_length {
            return Err(PyValueError::new_err(format!(
                "stride: {stride} must be smaller than max_length ({max_length})"
            )));
        }
        self.encoding.truncate(max_length, stride, d);
        // tokenizers forgets the sequence ranges here: every token, special ones too, then reads as
        // sequence 0.
        set_all_sequence_ids(&mut self.encoding, 0);
        self.n_sequences = 1;
        self.flat_sequences = true;
        Ok(())
    }

    /// One encoding made of `encodings` one after the other.
    #[staticmethod]
    #[pyo3(signature = (encodings, growing_offsets = true))]
    fn merge(encodings: &Bound<'_, PyAny>, growing_offsets: bool) -> PyResult<PyEncoding> {
        let mut parts = Vec::new();
        let mut tokenizer = None;
        let mut pad_token = None;
        let mut n_sequences = 1;
        for (i, item) in encodings.try_iter()?.enumerate() {
            let item = item?;
            let e = item.cast::<PyEncoding>().map_err(|_| {
                PyTypeError::new_err(format!("encodings[{i}]: expected an Encoding"))
            })?;
            let e = e.borrow();
            // The tokenizer that spells the tokens: the first part that has some (an empty
            // `Encoding()` has none to spell).
            if !e.encoding.ids.is_empty() {
                tokenizer.get_or_insert_with(|| e.tokenizer.clone());
            }
            if pad_token.is_none() {
                pad_token.clone_from(&e.pad_token);
            }
            n_sequences = n_sequences.max(e.n_sequences);
            parts.push(e.encoding.clone());
        }
        // No part with tokens (or none at all): an empty encoding, as tokenizers merges them.
        let tokenizer = match tokenizer {
            Some(t) => t,
            None => empty_tokenizer()?,
        };
        // tokenizers keeps one token range per sequence id, the last part's: earlier parts' tokens of
        // the same sequence read as no sequence.
        for k in 0..parts.len() {
            let later: Vec<u32> = parts
                .iter()
                .skip(k + 1)
                .flat_map(|p| p.sequence_ids.iter().flatten().copied())
                .collect();
            if let Some(part) = parts.get_mut(k) {
                for s in part.sequence_ids.iter_mut() {
                    if s.is_some_and(|id| later.contains(&id)) {
                        *s = None;
                    }
                }
            }
        }
        Ok(PyEncoding::new(
            tokenizer,
            Encoding::merge(parts, growing_offsets),
            pad_token,
            n_sequences,
        ))
    }
}
