//! `ferrotok._core.Tokenizer`: the core tokenizer behind an `Arc`, swapped on mutation (copy on write),
//! so concurrent encodes from many Python threads never block each other or see a half-made change.

use super::convert;
use super::encodings::{LazyPad, PyEncodings};
use super::inputs::{chunk_end, has_pairs, sequence, texts, widen_offsets, word_refs};
use super::int_lists::IntTable;
use super::lists::{self, RowLists};
use super::{guard, to_py};
use crate::added_tokens::AddedToken;
use crate::tokenizer::batch::{
    pad_encodings, rows, to_arrays, worth_parallel, ArrayFields, BatchInput,
};
use crate::tokenizer::parallel::in_pool;
use crate::tokenizer::{EncodeOptions, Encoding, Tokenizer};
use numpy::{PyArray1, PyArrayMethods};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};
use std::sync::{Arc, RwLock};

#[pyclass(module = "ferrotok._core", name = "Tokenizer", frozen)]
pub struct PyTokenizer {
    inner: RwLock<Arc<Tokenizer>>,
    ints: IntTable,
}

pub(super) fn new_obj(t: Tokenizer) -> PyTokenizer {
    PyTokenizer {
        inner: RwLock::new(Arc::new(t)),
        ints: IntTable::default(),
    }
}

impl PyTokenizer {
    pub(super) fn get(&self) -> Arc<Tokenizer> {
        self.inner.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn set(&self, t: Tokenizer) {
        *self.inner.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(t);
    }
}

fn array2<'py>(
    py: Python<'py>,
    v: Vec<i64>,
    rows: usize,
    cols: usize,
) -> PyResult<Bound<'py, PyAny>> {
    Ok(PyArray1::from_vec(py, v).reshape([rows, cols])?.into_any())
}

/// Read-only facts about the model, for code that inspects `tokenizer._tokenizer.model` (transformers'
/// token-classification pipeline reads `continuing_subword_prefix`).
#[pyclass(module = "ferrotok._core", name = "ModelInfo", frozen, get_all)]
pub struct PyModelInfo {
    #[pyo3(name = "type")]
    kind: &'static str,
    continuing_subword_prefix: Option<String>,
    end_of_word_suffix: Option<String>,
    unk_token: Option<String>,
}

#[pymethods]
impl PyTokenizer {
    #[getter]
    fn model(&self) -> PyModelInfo {
        match self.get().model() {
            crate::models::Model::WordPiece(m) => PyModelInfo {
                kind: "WordPiece",
                continuing_subword_prefix: Some(m.continuing_subword_prefix.clone()),
                end_of_word_suffix: None,
                unk_token: Some(m.unk_token.clone()),
            },
            crate::models::Model::Bpe(m) => PyModelInfo {
                kind: "BPE",
                continuing_subword_prefix: m.continuing_subword_prefix.clone(),
                end_of_word_suffix: m.end_of_word_suffix.clone(),
                unk_token: m.unk_token.clone(),
            },
            crate::models::Model::Unigram(m) => PyModelInfo {
                kind: "Unigram",
                continuing_subword_prefix: None,
                end_of_word_suffix: None,
                unk_token: m
                    .unk_id
                    .and_then(|id| m.id_to_token(id))
                    .map(str::to_string),
            },
            crate::models::Model::WordLevel(m) => PyModelInfo {
                kind: "WordLevel",
                continuing_subword_prefix: None,
                end_of_word_suffix: None,
                unk_token: Some(m.unk_token.clone()),
            },
        }
    }

    /// Whether the fused fast paths may run (default true); off, every text takes the generic
    /// stage-by-stage chain. The output is the same either way: this exists for testing that.
    #[getter]
    fn fast_paths(&self) -> bool {
        self.get().fast_paths()
    }

    #[setter]
    fn set_fast_paths(&self, enabled: bool) {
        let mut t = (*self.get()).clone();
        t.set_fast_paths(enabled);
        self.set(t);
    }

    #[staticmethod]
    fn from_file(py: Python<'_>, path: &str) -> PyResult<Self> {
        guard(|| {
            py.detach(|| Tokenizer::from_file(path))
                .map(new_obj)
                .map_err(to_py)
        })
    }

    #[staticmethod]
    fn from_str(py: Python<'_>, json: &str) -> PyResult<Self> {
        guard(|| {
            py.detach(|| Tokenizer::from_json_str(json))
                .map(new_obj)
                .map_err(to_py)
        })
    }

    #[staticmethod]
    fn from_pretrained(py: Python<'_>, directory: &str) -> PyResult<Self> {
        guard(|| {
            py.detach(|| Tokenizer::from_pretrained(directory))
                .map(new_obj)
                .map_err(to_py)
        })
    }

    #[pyo3(signature = (pretty = false))]
    fn to_str(&self, pretty: bool) -> String {
        self.get().to_json_string(pretty)
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        let ctor = slf.get_type().getattr("from_str")?;
        Ok((ctor, (slf.get().get().to_json_string(false),)))
    }

    #[allow(clippy::too_many_arguments)]
    #[pyo3(signature = (first, second, is_pretokenized, add_special_tokens, truncation, padding,
                        as_arrays, return_overflowing, fields, pad_token = String::new()))]
    fn encode_batch<'py>(
        &self,
        py: Python<'py>,
        first: &Bound<'py, PyAny>,
        second: Option<&Bound<'py, PyAny>>,
        is_pretokenized: bool,
        add_special_tokens: bool,
        truncation: Option<convert::TruncationArgs>,
        padding: Option<convert::PaddingArgs>,
        as_arrays: bool,
        return_overflowing: bool,
        fields: Vec<String>,
        pad_token: String,
    ) -> PyResult<(Bound<'py, PyDict>, PyEncodings)> {
        guard(|| {
            let tok = self.get();
            let items_a = convert::batch(first, "text", is_pretokenized)?;
            let items_b = match second {
                Some(s) if !s.is_none() => Some(convert::batch(s, "text_pair", is_pretokenized)?),
                _ => None,
            };
            if let Some(b) = &items_b {
                if b.len() != items_a.len() {
                    return Err(PyValueError::new_err(format!(
                        "text_pair: {} pairs for {} texts; they must have the same length",
                        b.len(),
                        items_a.len()
                    )));
                }
            }
            let ta = texts(&items_a)?;
            let tb = items_b.as_deref().map(texts).transpose()?;
            let wa = word_refs(&ta);
            let wb = tb.as_deref().map(word_refs);
            let inputs: Vec<BatchInput<'_>> = ta
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    let a = sequence(t, &wa[i]);
                    let b = match (&tb, &wb) {
                        (Some(tb), Some(wb)) => Some(sequence(&tb[i], &wb[i])),
                        _ => None,
                    };
                    (a, b)
                })
                .collect();
            let opts = EncodeOptions {
                add_special_tokens,
                truncation: convert::truncation(truncation)?,
                padding: None,
                char_offsets: true,
                drop_overflow: !return_overflowing,
            };
            let padding = convert::padding(padding, pad_token)?;
            let want = |f: &str| fields.iter().any(|x| x == f);
            let af = ArrayFields {
                type_ids: want("token_type_ids"),
                attention_mask: want("attention_mask"),
                special_tokens_mask: want("special_tokens_mask"),
                offsets: want("offset_mapping"),
                length: want("length"),
            };
            let fix_offsets = |i: usize, e: &mut Encoding| {
                let (Some(a), b) = (ta.get(i), tb.as_ref().and_then(|t| t.get(i))) else {
                    return;
                };
                if has_pairs(a) || b.is_some_and(has_pairs) {
                    widen_offsets(e, a, b);
                }
            };
            let dict = PyDict::new(py);
            let size = tok.vocab_size(true);
            // Unpadded lists without overflow rows, on more than one thread: encode and convert at once.
            let pool = crate::tokenizer::parallel::pool();
            if let (Some(pool), false, None, false, true) = (
                pool,
                as_arrays,
                &padding,
                return_overflowing,
                inputs.len() >= lists::OVERLAP_MIN,
            ) {
                let mut rows = RowLists::new(py, size, af);
                let mut done = 0;
                let (encodings, owners) =
                    lists::encode_overlapped(py, &pool, &tok, &inputs, &opts, |part| {
                        for e in part.iter_mut() {
                            fix_offsets(done, e);
                            rows.push(&self.ints, e)?;
                            done += 1;
                        }
                        Ok(())
                    })?;
                rows.into_dict(&dict)?;
                let row_index = (0..encodings.len()).map(|i| (i, None)).collect();
                return Ok((
                    dict,
                    PyEncodings {
                        tokenizer: tok.clone(),
                        encodings,
                        rows: row_index,
                        pad: None,
                        owners,
                    },
                ));
            }
            let mut encodings: Vec<Encoding> = Vec::with_capacity(inputs.len());
            let mut owners: Vec<u16> = Vec::with_capacity(inputs.len());
            let mut start = 0;
            let mut arrays = None;
            let joined_pairs = ta.iter().chain(tb.iter().flatten()).any(has_pairs);
            if as_arrays
                && !joined_pairs
                && chunk_end(&inputs, 0) == inputs.len()
                && worth_parallel(&inputs)
            {
                // One large chunk: encode and fill the arrays in a single pool entry.
                let (e, o, a) = py
                    .detach(|| {
                        in_pool(|| {
                            let (e, o) = tok.encode_batch_owned(&inputs, &opts)?;
                            let a = to_arrays(&e, return_overflowing, padding.as_ref(), af)?;
                            Ok((e, o, a))
                        })
                    })
                    .map_err(to_py)?;
                (encodings, owners) = (e, o);
                arrays = Some(a);
                start = inputs.len();
            }
            while start < inputs.len() {
                let end = chunk_end(&inputs, start);
                let chunk = inputs.get(start..end).unwrap_or_default();
                let (part, made_by) = py
                    .detach(|| tok.encode_batch_owned(chunk, &opts))
                    .map_err(to_py)?;
                encodings.extend(part);
                owners.extend(made_by);
                start = end;
                py.check_signals()?;
            }
            for (i, e) in encodings.iter_mut().enumerate() {
                fix_offsets(i, e);
            }
            let row_index: Vec<(usize, Option<usize>)> = {
                let mut v = Vec::new();
                for (i, e) in encodings.iter().enumerate() {
                    v.push((i, None));
                    if return_overflowing {
                        v.extend((0..e.overflowing.len()).map(|k| (i, Some(k))));
                    }
                }
                v
            };
            let lazy = if as_arrays {
                let arr = match arrays {
                    Some(a) => a,
                    None => py
                        .detach(|| to_arrays(&encodings, return_overflowing, padding.as_ref(), af))
                        .map_err(to_py)?,
                };
                let (r, c) = (arr.rows, arr.cols);
                dict.set_item("input_ids", array2(py, arr.input_ids, r, c)?)?;
                if let Some(v) = arr.type_ids {
                    dict.set_item("token_type_ids", array2(py, v, r, c)?)?;
                }
                if let Some(v) = arr.attention_mask {
                    dict.set_item("attention_mask", array2(py, v, r, c)?)?;
                }
                if let Some(v) = arr.special_tokens_mask {
                    dict.set_item("special_tokens_mask", array2(py, v, r, c)?)?;
                }
                if let Some(v) = arr.offsets {
                    let a = PyArray1::from_vec(py, v).reshape([r, c, 2])?;
                    dict.set_item("offset_mapping", a)?;
                }
                if let Some(v) = arr.length {
                    dict.set_item("length", PyArray1::from_vec(py, v))?;
                }
                if return_overflowing {
                    dict.set_item(
                        "overflow_to_sample_mapping",
                        PyArray1::from_vec(py, arr.overflow_to_sample),
                    )?;
                }
                padding.as_ref().map(|p| LazyPad {
                    cols: c,
                    direction: p.direction,
                    pad_id: p.pad_id,
                    pad_type_id: p.pad_type_id,
                })
            } else {
                if let Some(p) = &padding {
                    pad_encodings(&mut encodings, p).map_err(to_py)?;
                }
                let rs = rows(&encodings, return_overflowing);
                let mut lists = RowLists::new(py, size, af);
                for (e, _) in &rs {
                    lists.push(&self.ints, e)?;
                }
                lists.into_dict(&dict)?;
                if return_overflowing {
                    dict.set_item(
                        "overflow_to_sample_mapping",
                        PyList::new(py, rs.iter().map(|(_, i)| *i))?,
                    )?;
                }
                None
            };
            Ok((
                dict,
                PyEncodings {
                    tokenizer: tok.clone(),
                    encodings,
                    rows: row_index,
                    pad: lazy,
                    owners,
                },
            ))
        })
    }

    #[pyo3(signature = (ids, skip_special_tokens = false))]
    fn decode(&self, py: Python<'_>, ids: Vec<u32>, skip_special_tokens: bool) -> PyResult<String> {
        guard(|| {
            let tok = self.get();
            py.detach(|| tok.decode(&ids, skip_special_tokens))
                .map_err(to_py)
        })
    }

    #[pyo3(signature = (batch, skip_special_tokens = false))]
    fn decode_batch(
        &self,
        py: Python<'_>,
        batch: Vec<Vec<u32>>,
        skip_special_tokens: bool,
    ) -> PyResult<Vec<String>> {
        guard(|| {
            let tok = self.get();
            py.detach(|| {
                batch
                    .iter()
                    .map(|ids| tok.decode(ids, skip_special_tokens))
                    .collect::<crate::Result<Vec<_>>>()
            })
            .map_err(to_py)
        })
    }

    /// tokenizers' `train_from_iterator`: train this tokenizer's model in place (`ferrotok.training`).
    #[pyo3(signature = (iterator, trainer = None, length = None))]
    fn train_from_iterator(
        slf: &Bound<'_, Self>,
        iterator: &Bound<'_, PyAny>,
        trainer: Option<&Bound<'_, PyAny>>,
        length: Option<usize>,
    ) -> PyResult<()> {
        let m = slf.py().import("ferrotok.training")?;
        m.call_method1("train_in_place", (slf, iterator, trainer, length))?;
        Ok(())
    }

    /// tokenizers' `train`: train on the lines of `files` (`ferrotok.training`).
    #[pyo3(signature = (files, trainer = None))]
    fn train(
        slf: &Bound<'_, Self>,
        files: &Bound<'_, PyAny>,
        trainer: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let m = slf.py().import("ferrotok.training")?;
        m.call_method1("train_files_in_place", (slf, files, trainer))?;
        Ok(())
    }

    /// Take `other`'s state (tokenizers' `train` changes a tokenizer in place).
    fn _replace_with(&self, other: &PyTokenizer) {
        self.set((*other.get()).clone());
    }

    fn token_to_id(&self, token: &str) -> Option<u32> {
        self.get().token_to_id(token)
    }

    fn id_to_token(&self, id: u32) -> Option<String> {
        self.get().id_to_token(id).map(str::to_string)
    }

    #[pyo3(signature = (with_added_tokens = true))]
    fn get_vocab<'py>(
        &self,
        py: Python<'py>,
        with_added_tokens: bool,
    ) -> PyResult<Bound<'py, PyDict>> {
        let tok = self.get();
        let d = PyDict::new(py);
        for (t, id) in tok.model().vocab() {
            d.set_item(t, id)?;
        }
        if with_added_tokens {
            for (id, t) in tok.added_vocabulary().tokens() {
                d.set_item(&t.content, id)?;
            }
        }
        Ok(d)
    }

    #[pyo3(signature = (with_added_tokens = true))]
    fn vocab_size(&self, with_added_tokens: bool) -> usize {
        self.get().vocab_size(with_added_tokens)
    }

    fn add_tokens(&self, tokens: &Bound<'_, PyAny>) -> PyResult<usize> {
        guard(|| {
            let mut list = Vec::new();
            for (i, item) in tokens.try_iter()?.enumerate() {
                let item = item?;
                let d = item.cast::<PyDict>().map_err(|_| {
                    PyTypeError::new_err(format!(
                        "tokens[{i}]: expected a dict with a 'content' key"
                    ))
                })?;
                let content: String = d
                    .get_item("content")?
                    .ok_or_else(|| {
                        PyValueError::new_err(format!("tokens[{i}]: missing 'content'"))
                    })?
                    .extract()?;
                let flag = |k: &str| -> PyResult<Option<bool>> {
                    d.get_item(k)?.map(|v| v.extract::<bool>()).transpose()
                };
                let special = flag("special")?.unwrap_or(false);
                let mut t = AddedToken::new(&content, special);
                t.single_word = flag("single_word")?.unwrap_or(false);
                t.lstrip = flag("lstrip")?.unwrap_or(false);
                t.rstrip = flag("rstrip")?.unwrap_or(false);
                t.normalized = flag("normalized")?.unwrap_or(!special);
                list.push(t);
            }
            let mut t = (*self.get()).clone();
            let n = t.add_tokens(&list).map_err(to_py)?;
            self.set(t);
            Ok(n)
        })
    }

    fn added_tokens<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
        let tok = self.get();
        let mut v: Vec<_> = tok.added_vocabulary().tokens().collect();
        v.sort_by_key(|(id, _)| *id);
        v.into_iter()
            .map(|(id, t)| {
                let d = PyDict::new(py);
                d.set_item("id", id)?;
                d.set_item("content", &t.content)?;
                d.set_item("special", t.special)?;
                d.set_item("single_word", t.single_word)?;
                d.set_item("lstrip", t.lstrip)?;
                d.set_item("rstrip", t.rstrip)?;
                d.set_item("normalized", t.normalized)?;
                Ok(d)
            })
            .collect()
    }

    fn num_special_tokens_to_add(&self, is_pair: bool) -> usize {
        self.get().num_special_tokens_to_add(is_pair)
    }

    /// The truncation/padding defaults of the tokenizer.json, as (max_length, stride, strategy,
    /// direction) and (length or None, pad_to_multiple_of, direction, pad_id, pad_type_id, pad_token).
    fn defaults<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
        let tok = self.get();
        let dir = |d| {
            if d == crate::tokenizer::Direction::Left {
                "left"
            } else {
                "right"
            }
        };
        let t = match &tok.truncation {
            Some(p) => (p.max_length, p.stride, p.strategy.name(), dir(p.direction))
                .into_pyobject(py)?
                .into_any(),
            None => py.None().into_bound(py),
        };
        let p = match &tok.padding {
            Some(p) => {
                let len = match p.strategy {
                    crate::postprocess::PaddingStrategy::Fixed(n) => Some(n),
                    crate::postprocess::PaddingStrategy::BatchLongest => None,
                };
                PyTuple::new(
                    py,
                    [
                        len.into_pyobject(py)?.into_any(),
                        p.pad_to_multiple_of.into_pyobject(py)?.into_any(),
                        dir(p.direction).into_pyobject(py)?.into_any(),
                        p.pad_id.into_pyobject(py)?.into_any(),
                        p.pad_type_id.into_pyobject(py)?.into_any(),
                        p.pad_token.as_str().into_pyobject(py)?.into_any(),
                    ],
                )?
                .into_any()
            }
            None => py.None().into_bound(py),
        };
        Ok((t, p))
    }
}
