//! Python → Rust argument conversion with errors that name the argument and index.

use crate::postprocess::{PaddingParams, PaddingStrategy, TruncationParams, TruncationStrategy};
use crate::tokenizer::Direction;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};
use std::borrow::Cow;

/// A Python str as UTF-8. Lone surrogates (which UTF-8 cannot hold) become U+FFFD, one per code unit,
/// so char offsets still line up with the Python string.
pub fn text<'a>(s: &'a Bound<'_, PyString>) -> PyResult<Cow<'a, str>> {
    if let Ok(t) = s.to_str() {
        return Ok(Cow::Borrowed(t));
    }
    let raw = s.call_method1("encode", ("utf-8", "surrogatepass"))?;
    let mut bytes = raw.cast::<PyBytes>()?.as_bytes().to_vec();
    // A surrogate encodes as ED A0..BF 80..BF; U+FFFD is EF BF BD, also three bytes.
    let mut i = 0;
    while i + 2 < bytes.len() {
        if bytes[i] == 0xED && (0xA0..=0xBF).contains(&bytes[i + 1]) {
            bytes[i..i + 3].copy_from_slice(&[0xEF, 0xBF, 0xBD]);
            i += 3;
        } else {
            i += 1;
        }
    }
    Ok(Cow::Owned(String::from_utf8_lossy(&bytes).into_owned()))
}

fn type_name(o: &Bound<'_, PyAny>) -> String {
    o.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".into())
}

/// One batch element: a str, or (pre-tokenized) a sequence of str.
pub enum Item<'py> {
    Raw(Bound<'py, PyString>),
    Words(Vec<Bound<'py, PyString>>),
}

/// Extract `arg` (a list/tuple of str, or of lists of str when `pretokenized`).
pub fn batch<'py>(
    arg: &Bound<'py, PyAny>,
    name: &str,
    pretokenized: bool,
) -> PyResult<Vec<Item<'py>>> {
    if arg.is_instance_of::<PyString>() || arg.is_instance_of::<PyBytes>() {
        return Err(PyTypeError::new_err(format!(
            "{name}: expected a list of {}, got {}",
            if pretokenized { "lists of str" } else { "str" },
            type_name(arg)
        )));
    }
    let seq = arg.try_iter().map_err(|_| {
        PyTypeError::new_err(format!("{name}: expected a list, got {}", type_name(arg)))
    })?;
    let mut out = Vec::new();
    for (i, item) in seq.enumerate() {
        let item = item?;
        if pretokenized {
            if item.is_instance_of::<PyString>() || item.is_instance_of::<PyBytes>() {
                return Err(PyTypeError::new_err(format!(
                    "{name}[{i}]: expected a list of str (is_split_into_words=True), got {}",
                    type_name(&item)
                )));
            }
            let words = item.try_iter().map_err(|_| {
                PyTypeError::new_err(format!(
                    "{name}[{i}]: expected a list of str, got {}",
                    type_name(&item)
                ))
            })?;
            let mut ws = Vec::new();
            for (j, w) in words.enumerate() {
                let w = w?;
                let s = w.cast_into::<PyString>().map_err(|e| {
                    PyTypeError::new_err(format!(
                        "{name}[{i}][{j}]: expected str, got {}",
                        type_name(e.into_inner().as_ref())
                    ))
                })?;
                ws.push(s);
            }
            out.push(Item::Words(ws));
        } else {
            let s = item.cast_into::<PyString>().map_err(|e| {
                PyTypeError::new_err(format!(
                    "{name}[{i}]: expected str, got {}",
                    type_name(e.into_inner().as_ref())
                ))
            })?;
            out.push(Item::Raw(s));
        }
    }
    Ok(out)
}

pub fn direction(s: &str, arg: &str) -> PyResult<Direction> {
    match s {
        "right" | "Right" => Ok(Direction::Right),
        "left" | "Left" => Ok(Direction::Left),
        other => Err(PyValueError::new_err(format!(
            "{arg}: expected 'right' or 'left', got {other:?}"
        ))),
    }
}

/// (max_length, stride, strategy, direction) as the Python layer passes it.
pub type TruncationArgs = (usize, usize, String, String);
/// (length or None for the longest, pad_to_multiple_of, direction, pad_id, pad_type_id).
pub type PaddingArgs = (Option<usize>, Option<usize>, String, u32, u32);

pub fn truncation(t: Option<TruncationArgs>) -> PyResult<Option<TruncationParams>> {
    let Some((max_length, stride, strategy, dir)) = t else {
        return Ok(None);
    };
    Ok(Some(TruncationParams {
        max_length,
        stride,
        strategy: TruncationStrategy::parse(&strategy).map_err(super::to_py)?,
        direction: direction(&dir, "truncation_side")?,
    }))
}

pub fn padding(p: Option<PaddingArgs>, pad_token: String) -> PyResult<Option<PaddingParams>> {
    let Some((length, multiple, dir, pad_id, pad_type_id)) = p else {
        return Ok(None);
    };
    let params = PaddingParams {
        strategy: length.map_or(PaddingStrategy::BatchLongest, PaddingStrategy::Fixed),
        pad_to_multiple_of: multiple,
        direction: direction(&dir, "padding_side")?,
        pad_id,
        pad_type_id,
        pad_token,
    };
    params.validate().map_err(super::to_py)?;
    Ok(Some(params))
}
