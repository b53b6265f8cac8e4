//! Conversions around a batch call of `_core.Tokenizer`: the Python texts in, the numpy arrays and
//! per-row encodings out.

use super::convert;
use super::encodings::PyEncodings;
use super::inputs::{sequence, Text};
use super::InternalError;
use crate::tokenizer::batch::{BatchArrays, BatchInput};
use crate::tokenizer::plan::BatchOutput;
use crate::tokenizer::{Direction, Encoding, Tokenizer};
use numpy::ndarray::{Array, Dimension, ShapeBuilder};
use numpy::{IntoPyArray, PyArray1};
use pyo3::exceptions::PyValueError;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use std::sync::Arc;

/// `v` as a `shape` int64 array that owns the vector (no copy, one numpy object).
pub(super) fn array<'py, D: Dimension>(
    py: Python<'py>,
    v: Vec<i64>,
    shape: impl ShapeBuilder<Dim = D>,
) -> PyResult<Bound<'py, PyAny>> {
    let a = Array::from_shape_vec(shape, v)
        .map_err(|e| InternalError::new_err(format!("array shape: {e}")))?;
    Ok(a.into_pyarray(py).into_any())
}

/// The arrays of a batch into `dict`, under transformers' names (handed to numpy without a copy).
pub(super) fn arrays_into<'py>(
    py: Python<'py>,
    arr: BatchArrays,
    overflow: bool,
    dict: &Bound<'py, PyDict>,
) -> PyResult<()> {
    let (r, c) = (arr.rows, arr.cols);
    dict.set_item(intern!(py, "input_ids"), array(py, arr.input_ids, (r, c))?)?;
    let fields = [
        (intern!(py, "token_type_ids"), arr.type_ids),
        (intern!(py, "attention_mask"), arr.attention_mask),
        (intern!(py, "special_tokens_mask"), arr.special_tokens_mask),
    ];
    for (name, v) in fields {
        if let Some(v) = v {
            dict.set_item(name, array(py, v, (r, c))?)?;
        }
    }
    if let Some(v) = arr.offsets {
        dict.set_item(intern!(py, "offset_mapping"), array(py, v, (r, c, 2))?)?;
    }
    if let Some(v) = arr.length {
        dict.set_item(intern!(py, "length"), PyArray1::from_vec(py, v))?;
    }
    if overflow {
        let map = PyArray1::from_vec(py, arr.overflow_to_sample);
        dict.set_item("overflow_to_sample_mapping", map)?;
    }
    Ok(())
}

/// The batch items of `first` and `second` (same length), checked.
#[allow(clippy::type_complexity)]
pub(super) fn batch_items<'py>(
    first: &Bound<'py, PyAny>,
    second: Option<&Bound<'py, PyAny>>,
    is_pretokenized: bool,
) -> PyResult<(Vec<convert::Item<'py>>, Option<Vec<convert::Item<'py>>>)> {
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
    Ok((items_a, items_b))
}

/// The sequences the core encodes, borrowed from the converted texts.
pub(super) fn batch_inputs<'a>(
    ta: &'a [Text<'_>],
    tb: Option<&'a [Text<'_>]>,
    wa: &'a [Vec<&'a str>],
    wb: Option<&'a [Vec<&'a str>]>,
) -> Vec<BatchInput<'a>> {
    ta.iter()
        .enumerate()
        .map(|(i, t)| {
            let a = sequence(t, &wa[i]);
            let b = match (tb, wb) {
                (Some(tb), Some(wb)) => Some(sequence(&tb[i], &wb[i])),
                _ => None,
            };
            (a, b)
        })
        .collect()
}

pub(super) fn zero_offsets(e: &mut Encoding) {
    e.offsets.iter_mut().for_each(|o| *o = (0, 0));
    e.overflowing.iter_mut().for_each(zero_offsets);
}

/// A side in tokenizers' words.
pub(super) fn side(direction: &str) -> PyResult<Direction> {
    match direction {
        "right" => Ok(Direction::Right),
        "left" => Ok(Direction::Left),
        other => Err(PyValueError::new_err(format!(
            "Unknown `direction`: `{other}`. Use one of `left` or `right`"
        ))),
    }
}

/// The per-row view of a batch's encodings (overflowing windows as rows of their own when asked).
pub(super) fn encodings_view(
    tokenizer: Arc<Tokenizer>,
    out: BatchOutput,
    overflow: bool,
    n_sequences: usize,
) -> PyEncodings {
    let mut row_index = Vec::with_capacity(out.encodings.len());
    for (i, e) in out.encodings.iter().enumerate() {
        row_index.push((i, None));
        if overflow {
            row_index.extend((0..e.overflowing.len()).map(|k| (i, Some(k))));
        }
    }
    PyEncodings {
        tokenizer,
        encodings: out.encodings,
        rows: row_index,
        pad: out.lazy_pad,
        owners: out.owners,
        n_sequences,
        byte_texts: None,
    }
}
