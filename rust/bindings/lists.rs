//! The `return_tensors=None` output: one Python list per row and field, and, with more than one thread,
//! encoding that overlaps with building those lists.
//!
//! Python lists can only be made on the thread holding the GIL, and for list outputs they take about as
//! long as tokenizing. So when a pool is there, the batch is cut into pieces that the pool encodes while
//! the calling thread turns the pieces already done into lists, in order (waiting without the GIL).

use super::int_lists::IntTable;
use super::to_py;
use crate::tokenizer::batch::{item_bytes, ArrayFields, BatchInput};
use crate::tokenizer::parallel::{worker_index, NOT_A_WORKER};
use crate::tokenizer::{EncodeOptions, Encoding, Tokenizer};
use pyo3::exceptions::PyRuntimeError;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};
use rayon::ThreadPool;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::Mutex;
use std::time::Duration;

/// Inputs and text bytes per piece handed to the pool: small enough that a Ctrl-C is seen quickly.
const PIECE: usize = 128;
const PIECE_BYTES: usize = 256 << 10;
/// Batches with fewer inputs are encoded first and converted after (overlap would not pay).
pub const OVERLAP_MIN: usize = 2 * PIECE;

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
    pub fn into_dict(self, dict: &Bound<'py, PyDict>) -> PyResult<()> {
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
        dict.set_item("input_ids", PyList::new(py, self.ids)?)?;
        let optional = [
            (f.type_ids, "token_type_ids", self.type_ids),
            (f.attention_mask, "attention_mask", self.attention_mask),
            (
                f.special_tokens_mask,
                "special_tokens_mask",
                self.special_tokens_mask,
            ),
            (f.offsets, "offset_mapping", self.offsets),
        ];
        for (on, name, rows) in optional {
            if on {
                dict.set_item(name, PyList::new(py, rows)?)?;
            }
        }
        if f.length {
            dict.set_item("length", PyList::new(py, self.length)?)?;
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

/// Encode `inputs` on `pool` in pieces while `on_piece` (called on this thread, with the GIL, in input
/// order) turns each finished piece into lists. Returns the encodings in input order. A Ctrl-C or an
/// error stops the pieces not yet started.
pub fn encode_overlapped(
    py: Python<'_>,
    pool: &ThreadPool,
    tok: &Tokenizer,
    inputs: &[BatchInput<'_>],
    opts: &EncodeOptions,
    mut on_piece: impl FnMut(&mut [Encoding]) -> PyResult<()>,
) -> PyResult<(Vec<Encoding>, Vec<u16>)> {
    let mut pieces: Vec<&[BatchInput<'_>]> = Vec::new();
    let (mut start, mut bytes) = (0, 0);
    for (i, item) in inputs.iter().enumerate() {
        bytes += item_bytes(item);
        if i + 1 - start >= PIECE || bytes >= PIECE_BYTES || i + 1 == inputs.len() {
            pieces.extend(inputs.get(start..=i));
            (start, bytes) = (i + 1, 0);
        }
    }
    let stop = AtomicBool::new(false);
    // Pieces are claimed in order from this counter, by the workers and, whenever the piece it needs
    // next is not done yet, by this thread too: blocking instead left it waiting to be scheduled again
    // behind two busy workers on a two-core machine, while it held the only other work (the lists).
    let claimed = AtomicUsize::new(0);
    let encode_piece = |k: usize| -> Option<crate::Result<Vec<Encoding>>> {
        let piece = pieces.get(k)?;
        Some(
            piece
                .iter()
                .map(|(a, b)| tok.encode(*a, *b, opts))
                .collect(),
        )
    };
    // (piece, the worker that encoded it, its encodings)
    type Done = (usize, u16, crate::Result<Vec<Encoding>>);
    let (tx, rx) = mpsc::channel::<Done>();
    // `detach` needs what it borrows to be shareable across threads; a receiver is not, a locked one is.
    let rx = Mutex::new(rx);
    let mut out: Vec<Encoding> = Vec::with_capacity(inputs.len());
    let mut owners: Vec<u16> = Vec::with_capacity(inputs.len());
    let mut failure: Option<PyErr> = None;
    pool.in_place_scope(|scope| {
        for _ in 0..pool.current_num_threads().min(pieces.len()) {
            let (tx, stop, claimed, encode_piece) = (tx.clone(), &stop, &claimed, &encode_piece);
            scope.spawn(move |_| {
                while !stop.load(Ordering::Relaxed) {
                    let k = claimed.fetch_add(1, Ordering::Relaxed);
                    let Some(r) = encode_piece(k) else { break };
                    if tx.send((k, worker_index(), r)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let mut arrived: Vec<Option<(u16, crate::Result<Vec<Encoding>>)>> =
            pieces.iter().map(|_| None).collect();
        let mut next = 0;
        while next < pieces.len() && failure.is_none() {
            let ready = arrived.get_mut(next).and_then(Option::take);
            let Some((by, result)) = ready else {
                // Help with a piece nobody has started, else wait for one (without the GIL, looking at
                // signals every 50 ms).
                let k = claimed.fetch_add(1, Ordering::Relaxed);
                if let Some(r) = py.detach(|| encode_piece(k)) {
                    if let Some(slot) = arrived.get_mut(k) {
                        *slot = Some((NOT_A_WORKER, r));
                    }
                    failure = py.check_signals().err();
                    continue;
                }
                let got = py.detach(|| {
                    let r = rx.lock().map_err(|_| RecvTimeoutError::Disconnected)?;
                    r.recv_timeout(Duration::from_millis(50))
                });
                match got {
                    Ok((k, by, r)) => {
                        if let Some(slot) = arrived.get_mut(k) {
                            *slot = Some((by, r));
                        }
                    }
                    Err(RecvTimeoutError::Timeout) => failure = py.check_signals().err(),
                    Err(RecvTimeoutError::Disconnected) => {
                        failure = Some(PyRuntimeError::new_err("a batch piece was lost"))
                    }
                }
                continue;
            };
            let step = result
                .map_err(to_py)
                .and_then(|mut encs| {
                    on_piece(&mut encs)?;
                    owners.extend(std::iter::repeat_n(by, encs.len()));
                    out.extend(encs);
                    Ok(())
                })
                .and_then(|()| py.check_signals());
            if let Err(e) = step {
                failure = Some(e);
            }
            next += 1;
        }
        if failure.is_some() {
            stop.store(true, Ordering::Relaxed);
        }
    });
    match failure {
        Some(e) => Err(e),
        None => Ok((out, owners)),
    }
}
