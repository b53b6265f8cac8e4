//! The encode and decode calls of `Tokenizer`: Python inputs to core requests, core results to Python
//! objects. The GIL is released by size (`plan::DETACH_MIN_*`).

use super::PyTokenizer;
use crate::bindings::batch_io::{
    arrays_into, batch_inputs, batch_items, encodings_view, zero_offsets,
};
use crate::bindings::convert;
use crate::bindings::encoding::PyEncoding;
use crate::bindings::encodings::PyEncodings;
use crate::bindings::inputs::{has_pairs, input_texts, texts, word_refs};
use crate::bindings::lists::{PySink, RowLists};
use crate::bindings::request::PyEncodeRequest;
use crate::bindings::to_py;
use crate::tokenizer::batch::{rows, ArrayFields};
use crate::tokenizer::plan::{run_batch, BatchRequest, Output, DETACH_MIN_BYTES, DETACH_MIN_IDS};
use crate::tokenizer::{EncodeOptions, InputSequence};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};

impl PyTokenizer {
    pub(super) fn fields<'py>(
        &self,
        py: Python<'py>,
        first: &Bound<'py, PyAny>,
        second: Option<&Bound<'py, PyAny>>,
        request: &PyEncodeRequest,
    ) -> PyResult<(Bound<'py, PyDict>, PyEncodings)> {
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
    }

    pub(super) fn ids<'py>(
        &self,
        py: Python<'py>,
        text: &Bound<'py, PyString>,
        split_special_tokens: bool,
    ) -> PyResult<Bound<'py, PyList>> {
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
    }

    pub(super) fn encodings<'py>(
        &self,
        py: Python<'py>,
        first: &Bound<'py, PyAny>,
        second: Option<&Bound<'py, PyAny>>,
        is_pretokenized: bool,
        add_special_tokens: bool,
        offsets: bool,
    ) -> PyResult<Vec<PyEncoding>> {
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
            keep_cut: false,
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
    }

    pub(super) fn post_processed(
        &self,
        encoding: &PyEncoding,
        pair: Option<&PyEncoding>,
        add_special_tokens: bool,
    ) -> PyResult<PyEncoding> {
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
    }

    pub(super) fn decoded(
        &self,
        py: Python<'_>,
        ids: &[u32],
        skip_special_tokens: bool,
    ) -> PyResult<String> {
        let tok = self.get();
        let run = || tok.decode(ids, skip_special_tokens);
        // Short decodes keep the GIL (`plan::DETACH_MIN_IDS`: the hand-off would cost more).
        let text = if ids.len() >= DETACH_MIN_IDS {
            py.detach(run)
        } else {
            run()
        };
        text.map_err(to_py)
    }

    pub(super) fn decoded_batch(
        &self,
        py: Python<'_>,
        batch: &[Vec<u32>],
        skip_special_tokens: bool,
    ) -> PyResult<Vec<String>> {
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
    }
}
