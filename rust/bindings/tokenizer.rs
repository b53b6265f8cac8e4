//! `ferrotok._core.Tokenizer`: the core tokenizer behind an `Arc`, swapped on mutation (copy on write),
//! so concurrent encodes from many Python threads never block each other or see a half-made change.

mod encode;
mod settings;

pub use settings::PyModelInfo;

use super::encoding::PyEncoding;
use super::encodings::PyEncodings;
use super::int_lists::IntTable;
use super::request::PyEncodeRequest;
use super::{guard, to_py};
use crate::tokenizer::Tokenizer;
use pyo3::prelude::*;
use pyo3::sync::MutexExt;
use pyo3::types::{PyDict, PyList, PyString};
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

#[pymethods]
impl PyTokenizer {
    #[getter]
    fn model(&self) -> PyModelInfo {
        settings::model_info(&self.get())
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
        // Every load sets it (to its default, mostly): no copy of the tokenizer when nothing changes.
        if self.get().encode_special_tokens == value {
            return;
        }
        self.update(py, |t| t.encode_special_tokens = value);
    }

    /// Whether splitting special tokens also leaves the non-special added tokens unmatched (transformers'
    /// Python classes); not serialized.
    #[getter]
    fn split_skips_added_tokens(&self) -> bool {
        self.get().split_skips_added_tokens
    }

    #[setter]
    fn set_split_skips_added_tokens(&self, py: Python<'_>, value: bool) {
        if self.get().split_skips_added_tokens == value {
            return;
        }
        self.update(py, |t| t.split_skips_added_tokens = value);
    }

    /// With `split_skips_added_tokens`: whether a special token that is a whole word of the text is
    /// still kept whole and given to the model as text (the `never_split` of transformers' Python BERT
    /// classes); not serialized.
    #[getter]
    fn split_keeps_special_words(&self) -> bool {
        self.get().split_keeps_special_words
    }

    #[setter]
    fn set_split_keeps_special_words(&self, py: Python<'_>, value: bool) {
        if self.get().split_keeps_special_words == value {
            return;
        }
        self.update(py, |t| t.split_keeps_special_words = value);
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
    fn to_str(&self, py: Python<'_>, pretty: bool) -> PyResult<String> {
        let tok = self.get();
        py.detach(|| tok.to_json_string(pretty)).map_err(to_py)
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
        let doc = slf.get().get().to_json_string(false).map_err(to_py)?;
        Ok((ctor, (doc,)))
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
        guard(|| self.fields(py, first, second, request))
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
        guard(|| self.ids(py, text, split_special_tokens))
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
            self.encodings(
                py,
                first,
                second,
                is_pretokenized,
                add_special_tokens,
                offsets,
            )
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
        guard(|| self.post_processed(encoding, pair, add_special_tokens))
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
        let params = settings::truncation_params(max_length, stride, strategy, direction)?;
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
        let params = settings::padding_params(
            direction,
            pad_id,
            pad_type_id,
            pad_token,
            length,
            pad_to_multiple_of,
        )?;
        self.update(py, |t| t.padding = Some(params));
        Ok(())
    }

    fn no_padding(&self, py: Python<'_>) {
        self.update(py, |t| t.padding = None);
    }

    #[pyo3(signature = (ids, skip_special_tokens = false))]
    fn decode(&self, py: Python<'_>, ids: Vec<u32>, skip_special_tokens: bool) -> PyResult<String> {
        guard(|| self.decoded(py, &ids, skip_special_tokens))
    }

    #[pyo3(signature = (batch, skip_special_tokens = false))]
    fn decode_batch(
        &self,
        py: Python<'_>,
        batch: Vec<Vec<u32>>,
        skip_special_tokens: bool,
    ) -> PyResult<Vec<String>> {
        guard(|| self.decoded_batch(py, &batch, skip_special_tokens))
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
            let list = settings::added_tokens_from(tokens)?;
            self.try_update(tokens.py(), |t| t.add_tokens(&list))
                .map_err(to_py)
        })
    }

    fn added_tokens<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
        settings::added_token_dicts(py, &self.get())
    }

    fn num_special_tokens_to_add(&self, is_pair: bool) -> usize {
        self.get().num_special_tokens_to_add(is_pair)
    }

    /// The truncation/padding defaults of the tokenizer.json, as (max_length, stride, strategy,
    /// direction) and (length or None, pad_to_multiple_of, direction, pad_id, pad_type_id, pad_token).
    fn defaults<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
        settings::defaults(py, &self.get())
    }
}
