//! The binding's side of a batch call (`PySink`): the GIL released around the core's work, Ctrl-C
//! between pieces, offsets mapped back onto Python strings, and the `return_tensors=None` output, one
//! Python list per row and field (`RowLists`).

use super::inputs::{has_pairs, widen_offsets, Text};
use super::int_lists::IntTable;
use crate::tokenizer::batch::ArrayFields;
use crate::tokenizer::plan::BatchSink;
use crate::tokenizer::Encoding;
use pyo3::ffi;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};

/// The Python side of `plan::run_batch`.
pub struct PySink<'a, 'py> {
    pub py: Python<'py>,
    pub ints: &'a IntTable,
    /// The rows built so far (list output).
    pub rows: RowLists<'py>,
    pub first: &'a [Text<'a>],
    pub second: Option<&'a [Text<'a>]>,
    /// Whether any input had a surrogate pair joined (its offsets need widening).
    pub joined_pairs: bool,
}

impl BatchSink for PySink<'_, '_> {
    type Error = PyErr;

    fn detached<R: Send>(&self, f: impl FnOnce() -> R + Send) -> R {
        self.py.detach(f)
    }

    fn checkpoint(&mut self) -> PyResult<()> {
        self.py.check_signals()
    }

    fn adjusts(&self) -> bool {
        self.joined_pairs
    }

    fn adjust(&self, i: usize, e: &mut Encoding) {
        let (Some(a), b) = (self.first.get(i), self.second.and_then(|t| t.get(i))) else {
            return;
        };
        if has_pairs(a) || b.is_some_and(has_pairs) {
            widen_offsets(e, a, b);
        }
    }

    fn row(&mut self, e: &Encoding) -> PyResult<()> {
        self.rows.push(self.ints, e)
    }
}

/// The rows of each requested field, as Python lists.
///
/// Rows stay out of the garbage collector while the batch is built and are handed to it together in
/// `into_dict`, the only way out. They hold only ints, so no cycle can form meanwhile. Otherwise the
/// collections that the batch's own allocations trigger (one per ~700 rows) would traverse the rows
/// already made, a tenth of the list output's time; rows still alive at the next collection are
/// traversed then, like any list, and rows dropped before it never are.
pub struct RowLists<'py> {
    py: Python<'py>,
    vocab_size: usize,
    fields: ArrayFields,
    ids: Vec<Bound<'py, PyList>>,
    type_ids: Vec<Bound<'py, PyList>>,
    attention_mask: Vec<Bound<'py, PyList>>,
    special_tokens_mask: Vec<Bound<'py, PyList>>,
    offsets: Vec<Bound<'py, PyList>>,
    length: Vec<usize>,
}

impl<'py> RowLists<'py> {
    pub fn new(py: Python<'py>, vocab_size: usize, fields: ArrayFields) -> Self {
        RowLists {
            py,
            vocab_size,
            fields,
            ids: Vec::new(),
            type_ids: Vec::new(),
            attention_mask: Vec::new(),
            special_tokens_mask: Vec::new(),
            offsets: Vec::new(),
            length: Vec::new(),
        }
    }

    pub fn push(&mut self, ints: &IntTable, e: &Encoding) -> PyResult<()> {
        let (py, n, f) = (self.py, self.vocab_size, self.fields);
        self.ids.push(untracked(ints.row(py, n, &e.ids)?));
        if f.type_ids {
            let row = ints.row_or_repeat(py, n, &e.type_ids)?;
            self.type_ids.push(untracked(row));
        }
        if f.attention_mask {
            let row = ints.row_or_repeat(py, n, &e.attention_mask)?;
            self.attention_mask.push(untracked(row));
        }
        if f.special_tokens_mask {
            let row = ints.row(py, n, &e.special_tokens_mask)?;
            self.special_tokens_mask.push(untracked(row));
        }
        if f.offsets {
            let pairs = e.offsets.iter().map(|&(a, b)| {
                let pair = PyTuple::new(py, [ints.int(py, n, a), ints.int(py, n, b)])?;
                // A tuple of ints can never be part of a cycle: the collector itself untracks such
                // tuples when it meets them; this does it before it has to.
                // SAFETY: `pair` is a live tuple; untracking a GC object is always allowed.
                unsafe { ffi::PyObject_GC_UnTrack(pair.as_ptr().cast()) };
                Ok(pair)
            });
            let pairs = pairs.collect::<PyResult<Vec<_>>>()?;
            self.offsets.push(untracked(PyList::new(py, pairs)?));
        }
        if f.length {
            self.length.push(e.len());
        }
        Ok(())
    }

    /// Put the fields into `dict` under transformers' names (the rows tracked by the collector again).
    /// With `unbatched` and one row, each field is that row itself (a single text's output).
    pub fn into_dict(self, dict: &Bound<'py, PyDict>, unbatched: bool) -> PyResult<()> {
        let py = self.py;
        let f = self.fields;
        for row in [
            &self.ids,
            &self.type_ids,
            &self.attention_mask,
            &self.special_tokens_mask,
            &self.offsets,
        ]
        .into_iter()
        .flatten()
        {
            track(row);
        }
        let single = unbatched && self.ids.len() == 1;
        let field = |rows: Vec<Bound<'py, PyList>>| -> PyResult<Bound<'py, PyAny>> {
            match rows.into_iter() {
                mut one if single => Ok(one
                    .next()
                    .map(Bound::into_any)
                    .unwrap_or_else(|| PyList::empty(py).into_any())),
                all => Ok(PyList::new(py, all)?.into_any()),
            }
        };
        dict.set_item(intern!(py, "input_ids"), field(self.ids)?)?;
        let optional = [
            (f.type_ids, intern!(py, "token_type_ids"), self.type_ids),
            (
                f.attention_mask,
                intern!(py, "attention_mask"),
                self.attention_mask,
            ),
            (
                f.special_tokens_mask,
                intern!(py, "special_tokens_mask"),
                self.special_tokens_mask,
            ),
            (f.offsets, intern!(py, "offset_mapping"), self.offsets),
        ];
        for (on, name, rows) in optional {
            if on {
                dict.set_item(name, field(rows)?)?;
            }
        }
        if f.length {
            dict.set_item(intern!(py, "length"), PyList::new(py, self.length)?)?;
        }
        Ok(())
    }
}

/// `row`, no longer tracked by the garbage collector (see `RowLists`).
fn untracked(row: Bound<'_, PyList>) -> Bound<'_, PyList> {
    // SAFETY: `row` is a live list; untracking a GC object, tracked or not, is always allowed.
    unsafe { ffi::PyObject_GC_UnTrack(row.as_ptr().cast()) };
    row
}

/// Track `row` again; CPython aborts on tracking an object twice, hence the check.
fn track(row: &Bound<'_, PyList>) {
    // SAFETY: `row` is a live list whose items are all set (built by `PyList::new`).
    unsafe {
        if ffi::PyObject_GC_IsTracked(row.as_ptr()) == 0 {
            ffi::PyObject_GC_Track(row.as_ptr().cast());
        }
    }
}
