//! Rows of token ids as Python lists of ints, the `return_tensors=None` output.
//!
//! Creating a fresh Python int per token costs more than tokenizing it, so each tokenizer keeps the ints
//! of its vocabulary (built once, on the first list output) and the lists share them, as a dict of the
//! vocabulary would. Ids beyond the table get fresh ints.

use pyo3::prelude::*;
use pyo3::sync::OnceLockExt;
use pyo3::types::{PyInt, PyList};
use std::sync::OnceLock;

/// Largest table kept (ids 0..LIMIT): 2^18 ints is about 8 MB, enough for 256k vocabularies.
const LIMIT: usize = 1 << 18;

#[derive(Default)]
pub struct IntTable {
    ints: OnceLock<Vec<Py<PyInt>>>,
    /// `[0]` and `[1]`, the sources `row_or_repeat` repeats most.
    units: OnceLock<[Option<Py<PyList>>; 2]>,
}

impl IntTable {
    /// Whether the table is built (then the vocabulary size passed to it no longer matters).
    pub fn is_built(&self) -> bool {
        self.ints.get().is_some()
    }

    fn get(&self, py: Python<'_>, size: usize) -> &[Py<PyInt>] {
        // `_py_attached`: a thread that waits here for another one building the table must not hold
        // the interpreter (a free-threaded build's garbage collector would wait for it in turn).
        self.ints.get_or_init_py_attached(py, || {
            (0..size.min(LIMIT))
                .map(|i| PyInt::new(py, i).unbind())
                .collect()
        })
    }

    /// A row whose values are all the same (an attention mask without padding, the type ids of one
    /// sequence): CPython repeats a one-item list in C, instead of a reference count and a store per token
    /// from Rust (each a function call in the `abi3` build).
    pub fn row_or_repeat<'py>(
        &self,
        py: Python<'py>,
        vocab_size: usize,
        row: &[u32],
    ) -> PyResult<Bound<'py, PyList>> {
        match row.split_first() {
            Some((&first, rest)) if rest.len() >= 4 && rest.iter().all(|&v| v == first) => {
                // The one-item source list never leaves here: `repeat` makes a new list.
                let source = match first {
                    0 | 1 => self
                        .units
                        .get_or_init_py_attached(py, || {
                            [0u32, 1].map(|v| PyList::new(py, [v]).ok().map(Bound::unbind))
                        })
                        .get(first as usize)
                        .and_then(|l| l.as_ref().map(|l| l.bind(py).clone())),
                    _ => None,
                };
                let one = match source {
                    Some(l) => l,
                    None => self.row(py, vocab_size, &[first])?,
                };
                Ok(one.as_sequence().repeat(row.len())?.cast_into::<PyList>()?)
            }
            _ => self.row(py, vocab_size, row),
        }
    }

    /// `v` as a Python int, shared from the table when it is in it.
    pub fn int<'py>(&self, py: Python<'py>, vocab_size: usize, v: usize) -> Bound<'py, PyInt> {
        shared(self.get(py, vocab_size), py, v)
    }

    /// One row of ids as a list of ints (`vocab_size` sizes the table the first time).
    pub fn row<'py>(
        &self,
        py: Python<'py>,
        vocab_size: usize,
        row: &[u32],
    ) -> PyResult<Bound<'py, PyList>> {
        let table = self.get(py, vocab_size);
        PyList::new(py, row.iter().map(|&v| shared(table, py, v as usize)))
    }
}

/// `v` from `table`, or a fresh int beyond it.
#[inline]
fn shared<'py>(table: &[Py<PyInt>], py: Python<'py>, v: usize) -> Bound<'py, PyInt> {
    match table.get(v) {
        Some(i) => i.bind(py).clone(),
        None => PyInt::new(py, v),
    }
}
