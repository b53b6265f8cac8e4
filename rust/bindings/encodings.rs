//! `Encodings`: the per-row view of one batch call (BatchEncoding's `word_ids(i)`, `tokens(i)`, ...).

use super::encoding::PyEncoding;
use crate::tokenizer::plan::LazyPad;
use crate::tokenizer::{Direction, Encoding, Tokenizer};
use numpy::PyArray1;
use pyo3::exceptions::PyIndexError;
use pyo3::prelude::*;
use pyo3::types::PyString;
use std::borrow::Cow;
use std::sync::Arc;

/// Each input's text and pair text, kept when the call left the offsets in bytes (see `byte_texts`).
pub type InputTexts = Vec<(Py<PyString>, Option<Py<PyString>>)>;

#[pyclass(module = "ferrotok._core", name = "Encodings", frozen)]
pub struct PyEncodings {
    pub tokenizer: Arc<Tokenizer>,
    pub encodings: Vec<Encoding>,
    /// Row → (input index, overflow window index or None for the main row).
    pub rows: Vec<(usize, Option<usize>)>,
    pub pad: Option<LazyPad>,
    /// The pool worker that made each encoding (`parallel::worker_index`), to free it there.
    pub owners: Vec<u16>,
    /// 2 when the inputs were pairs.
    pub n_sequences: usize,
    /// Set when the call returned no offsets: the encodings keep byte offsets, and a row's are turned
    /// into Python's char offsets from its input's texts only when something asks for them (a call
    /// that wants only ids does not pay for the conversion). None: the offsets are chars already.
    pub byte_texts: Option<InputTexts>,
}

impl Drop for PyEncodings {
    fn drop(&mut self) {
        let encodings = std::mem::take(&mut self.encodings);
        crate::tokenizer::parallel::drop_on_owners(encodings, &self.owners);
    }
}

impl PyEncodings {
    fn row(&self, i: isize) -> PyResult<&Encoding> {
        let n = self.rows.len() as isize;
        let idx = if i < 0 { i + n } else { i };
        usize::try_from(idx)
            .ok()
            .and_then(|k| self.row_at(k))
            .ok_or_else(|| PyIndexError::new_err(format!("row {i} out of range ({n} rows)")))
    }

    /// Row `k` (an encoding or one of its overflow windows), if it exists.
    fn row_at(&self, k: usize) -> Option<&Encoding> {
        let &(s, o) = self.rows.get(k)?;
        let e = self.encodings.get(s)?;
        match o {
            None => Some(e),
            Some(w) => e.overflowing.get(w),
        }
    }

    /// Row `i` with char offsets (converted on a copy when the encodings keep byte offsets).
    fn row_chars(&self, py: Python<'_>, i: isize) -> PyResult<Cow<'_, Encoding>> {
        let e = self.row(i)?;
        let Some(texts) = &self.byte_texts else {
            return Ok(Cow::Borrowed(e));
        };
        let n = self.rows.len() as isize;
        let k = if i < 0 { i + n } else { i } as usize;
        let input = self.rows.get(k).map_or(0, |r| r.0);
        let mut e = e.clone();
        if let Some((a, b)) = texts.get(input) {
            let a = a.bind(py).to_str()?;
            match b {
                Some(b) => {
                    e.bytes_to_chars(a, Some(0));
                    e.bytes_to_chars(b.bind(py).to_str()?, Some(1));
                }
                None => e.bytes_to_chars(a, None),
            }
        }
        Ok(Cow::Owned(e))
    }

    /// `v` padded like the arrays were.
    fn padded<T: Clone>(&self, v: &[T], pad: T) -> Vec<T> {
        let Some(p) = self.pad else { return v.to_vec() };
        let n = p.cols.saturating_sub(v.len());
        let mut out = Vec::with_capacity(v.len() + n);
        if p.direction == Direction::Left {
            out.extend(std::iter::repeat_n(pad.clone(), n));
        }
        out.extend_from_slice(v);
        if p.direction == Direction::Right {
            out.extend(std::iter::repeat_n(pad, n));
        }
        out
    }

    fn pad_id(&self) -> u32 {
        self.pad.map_or(0, |p| p.pad_id)
    }
}

#[pymethods]
impl PyEncodings {
    fn __len__(&self) -> usize {
        self.rows.len()
    }

    /// Length of the longest row as returned (padding included), for the too-long warning: scanning
    /// the returned lists from Python took longer than the lists' own checks.
    fn longest(&self) -> usize {
        (0..self.rows.len())
            .filter_map(|k| self.row_at(k))
            .map(|e| self.pad.map_or(e.len(), |p| p.cols.max(e.len())))
            .max()
            .unwrap_or(0)
    }

    /// Row `i` as an `Encoding` (padded like the arrays).
    fn encoding(&self, py: Python<'_>, i: isize) -> PyResult<PyEncoding> {
        let mut e = self.row_chars(py, i)?.into_owned();
        if let Some(p) = self.pad {
            e.pad(p.cols, p.pad_id, p.pad_type_id, p.direction);
        }
        Ok(PyEncoding::new(
            self.tokenizer.clone(),
            e,
            None,
            self.n_sequences,
        ))
    }

    fn ids(&self, i: isize) -> PyResult<Vec<u32>> {
        Ok(self.padded(&self.row(i)?.ids, self.pad_id()))
    }

    fn tokens(&self, i: isize) -> PyResult<Vec<String>> {
        let e = self.row(i)?;
        let tok = self.tokenizer.as_ref();
        let strs: Vec<String> = (0..e.len()).map(|k| e.token(k, tok).to_string()).collect();
        let pad = self
            .pad
            .and_then(|p| tok.id_to_token(p.pad_id))
            .unwrap_or_default()
            .to_string();
        Ok(self.padded(&strs, pad))
    }

    fn word_ids(&self, i: isize) -> PyResult<Vec<Option<u32>>> {
        Ok(self.padded(&self.row(i)?.word_ids, None))
    }

    /// The tokens of sequence `seq` that truncation cut from input `i`, in text order (`left`: it cut
    /// on the left), from the overflow windows a request with `keep_cut_tokens` and stride 0 kept.
    fn cut_ids(&self, i: usize, seq: u32, left: bool) -> PyResult<Vec<u32>> {
        let e = self
            .encodings
            .get(i)
            .ok_or_else(|| PyIndexError::new_err(format!("input {i} out of range")))?;
        let mut out = Vec::new();
        let mut take = |w: &Encoding| {
            let kept = w.ids.iter().zip(&w.sequence_ids);
            out.extend(kept.filter(|(_, s)| **s == Some(seq)).map(|(id, _)| *id));
        };
        if left {
            e.overflowing.iter().rev().for_each(&mut take);
        } else {
            e.overflowing.iter().for_each(&mut take);
        }
        Ok(out)
    }

    fn sequence_ids(&self, i: isize) -> PyResult<Vec<Option<u32>>> {
        Ok(self.padded(&self.row(i)?.sequence_ids, None))
    }

    fn offsets(&self, py: Python<'_>, i: isize) -> PyResult<Vec<(usize, usize)>> {
        Ok(self.padded(&self.row_chars(py, i)?.offsets, (0, 0)))
    }

    fn type_ids(&self, i: isize) -> PyResult<Vec<u32>> {
        let t = self.pad.map_or(0, |p| p.pad_type_id);
        Ok(self.padded(&self.row(i)?.type_ids, t))
    }

    fn attention_mask(&self, i: isize) -> PyResult<Vec<u32>> {
        Ok(self.padded(&self.row(i)?.attention_mask, 0))
    }

    fn special_tokens_mask(&self, i: isize) -> PyResult<Vec<u32>> {
        Ok(self.padded(&self.row(i)?.special_tokens_mask, 1))
    }

    /// Every row's tokens end to end, padded like the arrays, as five int64 arrays: ids, word ids and
    /// sequence ids (-1 for none), whether the token starts at its word's first character (1 / 0), and
    /// each row's length; plus each row's input index. For per-token columns built from word-level
    /// data with numpy (the layout classes' boxes, labels and xpaths).
    #[allow(clippy::type_complexity)]
    fn alignment<'py>(
        &self,
        py: Python<'py>,
    ) -> PyResult<(
        Bound<'py, PyAny>,
        Bound<'py, PyAny>,
        Bound<'py, PyAny>,
        Bound<'py, PyAny>,
        Bound<'py, PyAny>,
        Bound<'py, PyAny>,
    )> {
        let rows: Vec<&Encoding> = (0..self.rows.len())
            .filter_map(|k| self.row_at(k))
            .collect();
        let width = |e: &Encoding| self.pad.map_or(e.len(), |p| p.cols.max(e.len()));
        let total: usize = rows.iter().map(|e| width(e)).sum();
        let (mut ids, mut words, mut seqs, mut starts) = (
            Vec::with_capacity(total),
            Vec::with_capacity(total),
            Vec::with_capacity(total),
            Vec::with_capacity(total),
        );
        let mut lengths = Vec::with_capacity(rows.len());
        let pad_id = i64::from(self.pad_id());
        let none = |v: &Option<u32>| v.map_or(-1, i64::from);
        for e in &rows {
            let n = width(e) - e.len();
            let left = self.pad.is_some_and(|p| p.direction == Direction::Left);
            let pad = |ids: &mut Vec<i64>,
                       words: &mut Vec<i64>,
                       seqs: &mut Vec<i64>,
                       st: &mut Vec<i64>| {
                ids.extend(std::iter::repeat_n(pad_id, n));
                words.extend(std::iter::repeat_n(-1, n));
                seqs.extend(std::iter::repeat_n(-1, n));
                st.extend(std::iter::repeat_n(0, n));
            };
            if left {
                pad(&mut ids, &mut words, &mut seqs, &mut starts);
            }
            ids.extend(e.ids.iter().map(|&i| i64::from(i)));
            words.extend(e.word_ids.iter().map(none));
            seqs.extend(e.sequence_ids.iter().map(none));
            starts.extend(e.offsets.iter().map(|o| i64::from(o.0 == 0)));
            if !left {
                pad(&mut ids, &mut words, &mut seqs, &mut starts);
            }
            lengths.push(width(e) as i64);
        }
        let samples: Vec<i64> = self.rows.iter().map(|r| r.0 as i64).collect();
        let arr = |v: Vec<i64>| PyArray1::from_vec(py, v).into_any();
        Ok((
            arr(ids),
            arr(words),
            arr(seqs),
            arr(starts),
            arr(lengths),
            arr(samples),
        ))
    }
}
