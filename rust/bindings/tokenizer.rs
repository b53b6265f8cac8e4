//! `ferrotok._core.Tokenizer`: the core tokenizer behind an `Arc`, swapped on mutation (copy on write),
//! so concurrent encodes from many Python threads never block each other or see a half-made change.

use super::batch_io::{arrays_into, batch_inputs, batch_items, encodings_view, side, zero_offsets};
use super::convert;
use super::encoding::PyEncoding;
use super::encodings::PyEncodings;
use super::inputs::{has_pairs, input_texts, texts, word_refs};
use super::int_lists::IntTable;
use super::lists::{PySink, RowLists};
use super::request::PyEncodeRequest;
use super::{guard, to_py};
use crate::added_tokens::AddedToken;
use crate::postprocess::{PaddingParams, PaddingStrategy, TruncationParams, TruncationStrategy};
use crate::tokenizer::batch::{rows, ArrayFields};
use crate::tokenizer::plan::{run_batch, BatchRequest, Output, DETACH_MIN_BYTES, DETACH_MIN_IDS};
use crate::tokenizer::{EncodeOptions, InputSequence, Tokenizer};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::MutexExt;
use pyo3::types::{PyDict, PyList, PyString, PyTuple};
use std::sync::{Arc, Mutex, RwLock};

#[pyclass(module = "ferrotok._core", name = "Tokenizer", frozen)]
pub struct PyTokenizer {
    inner: RwLock<Arc<Tokenizer>>,
    /// Held by a change from copy to swap, so that two threads changing settings at once both land
    /// (each copying the other's result) without blocking encodes while the copy is made.
    writer: Mutex<()>,
    ints: IntTable,
}

pub(super) fn new_obj(t: Tokenizer) -> PyTokenizer {
    PyTokenizer {
        inner: RwLock::new(Arc::new(t)),
        writer: Mutex::new(()),
        ints: IntTable::default(),
    }
}

impl PyTokenizer {
    /// The size of the shared-int table to build, once.
    fn table_size(&self, tok: &Tokenizer) -> usize {
        if self.ints.is_built() {
            0
        } else {
            tok.vocab_size(true)
        }
    }

    pub(super) fn get(&self) -> Arc<Tokenizer> {
        self.inner.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Change a copy of the tokenizer with `f` and swap it in (encodes under way keep the old one).
    fn update(&self, py: Python<'_>, f: impl FnOnce(&mut Tokenizer)) {
        let _ = self.try_update(py, |t| {
            f(t);
            Ok(())
        });
    }

    /// `update` with a change that may fail: on an error the tokenizer stays as it was.
    pub(super) fn try_update<R>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&mut Tokenizer) -> crate::Result<R>,
    ) -> crate::Result<R> {
        let _writer = self
            .writer
            .lock_py_attached(py)
            .unwrap_or_else(|e| e.into_inner());
        let mut t = (*self.get()).clone();
        let r = f(&mut t)?;
        let old = std::mem::replace(
            &mut *self.inner.write().unwrap_or_else(|e| e.into_inner()),
            Arc::new(t),
        );
        // The old tokenizer (when no encode holds it any more) is freed after the lock is let go.
        drop(old);
        Ok(r)
    }
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
            crate::models::Model::Codes(_) => PyModelInfo {
                kind: "Codes",
                continuing_subword_prefix: None,
                end_of_word_suffix: None,
                unk_token: None,
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
    fn set_fast_paths(&self, py: Python<'_>, enabled: bool) {
        self.update(py, |t| t.set_fast_paths(enabled));
    }

    /// tokenizers' `encode_special_tokens`: special tokens in the text are tokenized as ordinary text
    /// by `encode_encodings` (calls that pass `split_special_tokens` decide for themselves).
    #[getter]
    fn encode_special_tokens(&self) -> bool {
        self.get().encode_special_tokens
    }

    #[setter]
    fn set_encode_special_tokens(&self, py: Python<'_>, value: bool) {
        self.update(py, |t| t.encode_special_tokens = value);
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

    /// tokenizers' `SentencePieceUnigramTokenizer.from_spm`: a Unigram `.model` file and that class's
    /// pipeline.
    #[staticmethod]
    fn from_sentencepiece_unigram(py: Python<'_>, path: &str) -> PyResult<Self> {
        guard(|| {
            py.detach(|| Tokenizer::from_sentencepiece_unigram(path))
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

    /// Replace the post-processor with a tokenizer.json `post_processor` document ("null": none).
    fn set_post_processor(&self, py: Python<'_>, document: &str) -> PyResult<()> {
        self.try_update(py, |t| t.set_post_processor_json(document))
            .map_err(to_py)
    }

    /// GIL released: a large vocabulary takes milliseconds to write, which the threads of a shard run
    /// would otherwise wait out (its sidecar hashes this).
    #[pyo3(signature = (pretty = false))]
    fn to_str(&self, py: Python<'_>, pretty: bool) -> String {
        let tok = self.get();
        py.detach(|| tok.to_json_string(pretty))
    }

    /// One entry of the tokenizer.json document this was read from (`padding`, ...), as JSON text;
    /// `null` when it has none.
    fn document_entry(&self, key: &str) -> String {
        let tok = self.get();
        let v = tok.document_entry(key).unwrap_or(&serde_json::Value::Null);
        serde_json::to_string(v).unwrap_or_else(|_| "null".into())
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        let ctor = slf.get_type().getattr("from_str")?;
        Ok((ctor, (slf.get().get().to_json_string(false),)))
    }

    /// The batch call behind `FerroTokenizer.__call__`: a dict of fields (lists or int64 arrays) and the
    /// per-row encodings.
    #[pyo3(signature = (first, second, request))]
    fn encode_fields<'py>(
        &self,
        py: Python<'py>,
        first: &Bound<'py, PyAny>,
        second: Option<&Bound<'py, PyAny>>,
        request: &PyEncodeRequest,
    ) -> PyResult<(Bound<'py, PyDict>, PyEncodings)> {
        guard(|| {
            let tok = self.get();
            let (items_a, items_b) = batch_items(first, second, request.is_pretokenized)?;
            let ta = texts(&items_a)?;
            let tb = items_b.as_deref().map(texts).transpose()?;
            // No offsets returned and every input a plain str: keep byte offsets and the strings.
            let byte_texts = request
                .bytes_request
                .as_ref()
                .and_then(|_| input_texts(&items_a, items_b.as_deref(), &ta, tb.as_deref()));
            let req = match (&byte_texts, &request.bytes_request) {
                (Some(_), Some(r)) => r,
                _ => &request.request,
            };
            let (wa, wb) = (word_refs(&ta), tb.as_deref().map(word_refs));
            let inputs = batch_inputs(&ta, tb.as_deref(), &wa, wb.as_deref());
            let mut sink = PySink {
                py,
                ints: &self.ints,
                // The vocabulary size only sizes the shared ints the first time (a scan of the added
                // tokens otherwise repeated on every call).
                rows: RowLists::new(py, self.table_size(&tok), req.fields),
                first: &ta,
                second: tb.as_deref(),
                joined_pairs: ta.iter().chain(tb.iter().flatten()).any(has_pairs),
            };
            let mut out = run_batch(&tok, &inputs, req, &mut sink)?;
            let dict = PyDict::new(py);
            let overflow = req.overflow;
            match out.arrays.take() {
                Some(arr) => arrays_into(py, arr, overflow, &dict)?,
                None => {
                    sink.rows.into_dict(&dict, request.unbatched && !overflow)?;
                    if overflow {
                        let map = rows(&out.encodings, true).into_iter().map(|(_, i)| i);
                        dict.set_item("overflow_to_sample_mapping", PyList::new(py, map)?)?;
                    }
                }
            }
            let n_sequences = if tb.is_some() { 2 } else { 1 };
            let mut view = encodings_view(tok, out, overflow, n_sequences);
            view.byte_texts = byte_texts;
            Ok((dict, view))
        })
    }

    /// The ids of one text, with special tokens and nothing else asked: transformers' `tok.encode(text)`,
    /// the commonest call of a serving thread, without the field dict and `Encodings` of `encode_fields`.
    /// `split_special_tokens`: special tokens in the text are tokenized as text (transformers' flag).
    #[pyo3(signature = (text, split_special_tokens = false))]
    fn encode_ids<'py>(
        &self,
        py: Python<'py>,
        text: &Bound<'py, PyString>,
        split_special_tokens: bool,
    ) -> PyResult<Bound<'py, PyList>> {
        guard(|| {
            let tok = self.get();
            let (s, _) = convert::text(text)?;
            let opts = EncodeOptions {
                add_special_tokens: true,
                truncation: None,
                padding: None,
                char_offsets: false,
                drop_overflow: true,
                split_special_tokens: Some(split_special_tokens),
                skip_added_tokens: false,
            };
            let run = || tok.encode(InputSequence::Raw(&s), None, &opts);
            // The rule of `plan::DETACH_MIN_BYTES`: a short text keeps the GIL.
            let e = if s.len() >= DETACH_MIN_BYTES {
                py.detach(run)
            } else {
                run()
            }
            .map_err(to_py)?;
            self.ints.row(py, tok.vocab_size(true), &e.ids)
        })
    }

    /// tokenizers' `encode_batch`: one `Encoding` per input, with the tokenizer's own truncation and
    /// padding. `offsets=False` leaves every offset (0, 0), as `encode_batch_fast` does.
    #[pyo3(signature = (first, second = None, is_pretokenized = false, add_special_tokens = true,
                        offsets = true))]
    fn encode_encodings<'py>(
        &self,
        py: Python<'py>,
        first: &Bound<'py, PyAny>,
        second: Option<&Bound<'py, PyAny>>,
        is_pretokenized: bool,
        add_special_tokens: bool,
        offsets: bool,
    ) -> PyResult<Vec<PyEncoding>> {
        guard(|| {
            let tok = self.get();
            let (items_a, items_b) = batch_items(first, second, is_pretokenized)?;
            let ta = texts(&items_a)?;
            let tb = items_b.as_deref().map(texts).transpose()?;
            let (wa, wb) = (word_refs(&ta), tb.as_deref().map(word_refs));
            let inputs = batch_inputs(&ta, tb.as_deref(), &wa, wb.as_deref());
            let req = BatchRequest {
                opts: EncodeOptions {
                    add_special_tokens,
                    truncation: tok.truncation,
                    padding: None,
                    char_offsets: offsets,
                    drop_overflow: false,
                    split_special_tokens: None,
                    skip_added_tokens: false,
                },
                padding: tok.padding.clone(),
                overflow: true,
                output: Output::Encodings,
                fields: ArrayFields::default(),
            };
            let mut sink = PySink {
                py,
                ints: &self.ints,
                rows: RowLists::new(py, 0, req.fields),
                first: &ta,
                second: tb.as_deref(),
                joined_pairs: offsets && ta.iter().chain(tb.iter().flatten()).any(has_pairs),
            };
            let out = run_batch(&tok, &inputs, &req, &mut sink)?;
            let pad_token = tok.padding.as_ref().map(|p| p.pad_token.clone());
            let n_sequences = if tb.is_some() { 2 } else { 1 };
            let mut encodings = out.encodings;
            if !offsets {
                encodings.iter_mut().for_each(zero_offsets);
            }
            Ok(encodings
                .into_iter()
                .map(|e| PyEncoding::new(tok.clone(), e, pad_token.clone(), n_sequences))
                .collect())
        })
    }

    /// tokenizers' `post_process`: truncation, special tokens and padding (the tokenizer's own
    /// settings) applied to encodings made without special tokens.
    #[pyo3(signature = (encoding, pair = None, add_special_tokens = true))]
    fn post_process(
        &self,
        encoding: &PyEncoding,
        pair: Option<&PyEncoding>,
        add_special_tokens: bool,
    ) -> PyResult<PyEncoding> {
        guard(|| {
            let tok = self.get();
            let opts = EncodeOptions {
                add_special_tokens,
                truncation: tok.truncation,
                padding: tok.padding.clone(),
                char_offsets: true,
                drop_overflow: false,
                split_special_tokens: None,
                skip_added_tokens: false,
            };
            let a = encoding.encoding.clone();
            let b = pair.map(|p| p.encoding.clone());
            let e = tok.post_process(a, b, &opts).map_err(to_py)?;
            let pad_token = tok.padding.as_ref().map(|p| p.pad_token.clone());
            let n_sequences = if pair.is_some() { 2 } else { 1 };
            Ok(PyEncoding::new(tok.clone(), e, pad_token, n_sequences))
        })
    }

    /// tokenizers' `enable_truncation` (stored in the tokenizer, and written by `to_str`).
    #[pyo3(signature = (max_length, stride = 0, strategy = "longest_first", direction = "right"))]
    fn enable_truncation(
        &self,
        py: Python<'_>,
        max_length: usize,
        stride: usize,
        strategy: &str,
        direction: &str,
    ) -> PyResult<()> {
        let params = TruncationParams {
            max_length,
            stride,
            strategy: TruncationStrategy::parse(strategy).map_err(|_| {
                PyValueError::new_err(format!(
                    "Unknown `strategy`: `{strategy}`. Use one of `longest_first`, `only_first`, or \
                     `only_second`"
                ))
            })?,
            direction: side(direction)?,
        };
        self.update(py, |t| t.truncation = Some(params));
        Ok(())
    }

    fn no_truncation(&self, py: Python<'_>) {
        self.update(py, |t| t.truncation = None);
    }

    /// tokenizers' `enable_padding`: `length` None pads each batch to its longest row.
    #[pyo3(signature = (direction = "right", pad_id = 0, pad_type_id = 0, pad_token = "[PAD]",
                        length = None, pad_to_multiple_of = None))]
    #[allow(clippy::too_many_arguments)] // tokenizers' signature, and the interpreter token
    fn enable_padding(
        &self,
        py: Python<'_>,
        direction: &str,
        pad_id: u32,
        pad_type_id: u32,
        pad_token: &str,
        length: Option<usize>,
        pad_to_multiple_of: Option<usize>,
    ) -> PyResult<()> {
        let params = PaddingParams {
            strategy: length.map_or(PaddingStrategy::BatchLongest, PaddingStrategy::Fixed),
            pad_to_multiple_of,
            direction: side(direction)?,
            pad_id,
            pad_type_id,
            pad_token: pad_token.to_string(),
        };
        params.validate().map_err(to_py)?;
        self.update(py, |t| t.padding = Some(params));
        Ok(())
    }

    fn no_padding(&self, py: Python<'_>) {
        self.update(py, |t| t.padding = None);
    }

    #[pyo3(signature = (ids, skip_special_tokens = false))]
    fn decode(&self, py: Python<'_>, ids: Vec<u32>, skip_special_tokens: bool) -> PyResult<String> {
        guard(|| {
            let tok = self.get();
            let run = || tok.decode(&ids, skip_special_tokens);
            // Short decodes keep the GIL (`plan::DETACH_MIN_IDS`: the hand-off would cost more).
            let text = if ids.len() >= DETACH_MIN_IDS {
                py.detach(run)
            } else {
                run()
            };
            text.map_err(to_py)
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
            let run = || {
                batch
                    .iter()
                    .map(|ids| tok.decode(ids, skip_special_tokens))
                    .collect::<crate::Result<Vec<_>>>()
            };
            let total: usize = batch.iter().map(Vec::len).sum();
            let texts = if total >= DETACH_MIN_IDS {
                py.detach(run)
            } else {
                run()
            };
            texts.map_err(to_py)
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
    fn _replace_with(&self, py: Python<'_>, other: &PyTokenizer) {
        let new = (*other.get()).clone();
        self.update(py, |t| *t = new);
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
            self.try_update(tokens.py(), |t| t.add_tokens(&list))
                .map_err(to_py)
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
