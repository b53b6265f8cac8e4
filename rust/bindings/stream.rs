//! `_core.encode_stream`: a batch of texts as one flat little-endian id stream (training shards).

use super::convert;
use super::tokenizer::PyTokenizer;
use super::{guard, to_py};
use crate::tokenizer::stream::{split_lines, IdWidth};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyString};

/// The ids of each text, without special tokens, each text followed by `separator`, as little-endian
/// bytes of `itemsize` (2 or 4) per id; and the number of ids. The GIL is released while encoding.
#[pyfunction]
#[pyo3(signature = (tokenizer, texts, separator, itemsize))]
pub(super) fn encode_stream<'py>(
    py: Python<'py>,
    tokenizer: &PyTokenizer,
    texts: &Bound<'py, PyList>,
    separator: u32,
    itemsize: usize,
) -> PyResult<(Bound<'py, PyBytes>, usize)> {
    guard(|| {
        let width = IdWidth::from_bytes(itemsize).map_err(to_py)?;
        let strings: Vec<Bound<'py, PyString>> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| {
                t.cast_into::<PyString>().map_err(|_| {
                    pyo3::exceptions::PyTypeError::new_err(format!("texts[{i}]: expected a str"))
                })
            })
            .collect::<PyResult<_>>()?;
        let owned = strings
            .iter()
            .map(|s| convert::text(s).map(|(t, _)| t))
            .collect::<PyResult<Vec<_>>>()?;
        let refs: Vec<&str> = owned.iter().map(|t| t.as_ref()).collect();
        let tok = tokenizer.get();
        let mut out = Vec::new();
        let count = py
            .detach(|| tok.encode_stream(&refs, separator, width, true, &mut out))
            .map_err(to_py)?;
        Ok((PyBytes::new(py, &out), count))
    })
}

/// Bytes per id of a stream that holds every id of `tokenizer` (added tokens included): 2 or 4.
#[pyfunction]
pub(super) fn stream_itemsize(tokenizer: &PyTokenizer) -> usize {
    IdWidth::for_vocabulary(&tokenizer.get()).bytes()
}

/// SHA-256 (hex) of `tokenizer.to_str(False)`'s UTF-8 bytes, with the GIL released: what the sidecar of a
/// shard run records. Hashed as the text is written: no megabytes of text to copy, and no `hashlib` to
/// import at start-up.
#[pyfunction]
pub(super) fn tokenizer_sha256(py: Python<'_>, tokenizer: &PyTokenizer) -> PyResult<String> {
    let tok = tokenizer.get();
    let digest = py.detach(|| tok.json_sha256()).map_err(to_py)?;
    Ok(digest.iter().map(|b| format!("{b:02x}")).collect())
}

/// `encode_stream` of the lines of `data` (see `stream::split_lines`): the stream, its number of ids and
/// the number of lines; `None` when `data` is not valid UTF-8. The GIL is released for splitting and
/// encoding alike. `parallel=False` encodes on the calling thread only.
#[pyfunction]
#[pyo3(signature = (tokenizer, data, separator, itemsize, parallel = true))]
pub(super) fn encode_stream_lines<'py>(
    py: Python<'py>,
    tokenizer: &PyTokenizer,
    data: &Bound<'py, PyBytes>,
    separator: u32,
    itemsize: usize,
    parallel: bool,
) -> PyResult<Option<(Bound<'py, PyBytes>, usize, usize)>> {
    guard(|| {
        let width = IdWidth::from_bytes(itemsize).map_err(to_py)?;
        let bytes = data.as_bytes();
        let tok = tokenizer.get();
        let mut out = Vec::new();
        let done = py
            .detach(|| {
                let Some(lines) = split_lines(bytes) else {
                    return Ok(None);
                };
                let count = tok.encode_stream(&lines, separator, width, parallel, &mut out)?;
                Ok(Some((count, lines.len())))
            })
            .map_err(to_py)?;
        Ok(done.map(|(count, lines)| (PyBytes::new(py, &out), count, lines)))
    })
}
