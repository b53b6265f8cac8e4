//! Rows of token ids as Python lists of ints, the `return_tensors=None` output.
//!
//! Creating a fresh Python int per token costs more than tokenizing it, so each tokenizer keeps the ints
//! of its vocabulary (built once, on the first list output) and the lists share them, as a dict of the
//! vocabulary would. Ids beyond the table get fresh ints.

use pyo3::prelude::*;
use pyo3::types::{PyInt, PyList};
use std::sync::OnceLock;

/// Largest table kept (ids 0..LIMIT): 2^18 ints is about 8 MB, enough for 256k vocabularies.
const LIMIT: usize = 1 << 18;

#[derive(Default)]
pub struct IntTable {
    ints: OnceLock<Vec<Py<PyInt>>>,
}

impl IntTable {
    fn get(&self, py: Python<'_>, size: usize) -> &[Py<PyInt>] {
        self.ints.get_or_init(|| {
            (0..size.min(LIMIT))
                .map(|i| PyInt::new(py, i).unbind())
                .collect()
        })
    }

    /// One row of ids as a list of ints (`vocab_size` sizes the table the first time).
    pub fn row<'py>(
        &self,
        py: Python<'py>,
        vocab_size: usize,
        row: &[u32],
    ) -> PyResult<Bound<'py, PyList>> {
        let table = self.get(py, vocab_size);
        PyList::new(
            py,
            row.iter().map(|&v| match table.get(v as usize) {
                Some(i) => i.bind(py).clone(),
                None => PyInt::new(py, v),
            }),
        )
    }
}
