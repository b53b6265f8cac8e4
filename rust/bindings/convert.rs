//! Python → Rust argument conversion with errors that name the argument and index.

use crate::tokenizer::Direction;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};
use std::borrow::Cow;

/// A Python str as UTF-8, with the char positions (in the UTF-8 text) of the astral chars that Python
/// held as two surrogate code units (see `widen`). A surrogate pair becomes its character, so it gets the
/// same ids as the character itself; a lone surrogate (which UTF-8 cannot hold) becomes U+FFFD.
pub fn text<'a>(s: &'a Bound<'_, PyString>) -> PyResult<(Cow<'a, str>, Vec<usize>)> {
    if let Ok(t) = s.to_str() {
        return Ok((Cow::Borrowed(t), Vec::new()));
    }
    let raw = s.call_method1("encode", ("utf-8", "surrogatepass"))?;
    let bytes = raw.cast::<PyBytes>()?.as_bytes();
    let (text, pairs) = repair_surrogates(bytes);
    Ok((Cow::Owned(text), pairs))
}

/// The code unit of a surrogate encoded (CESU-style) as ED A0..BF 80..BF at the start of `b`.
fn surrogate(b: &[u8]) -> Option<u32> {
    match b {
        [0xED, b1 @ 0xA0..=0xBF, b2 @ 0x80..=0xBF, ..] => {
            Some(0xD000 | (u32::from(b1 & 0x3F) << 6) | u32::from(b2 & 0x3F))
        }
        _ => None,
    }
}

/// UTF-8 with surrogates (Python's "surrogatepass") → valid UTF-8 and the char positions of joined pairs.
fn repair_surrogates(bytes: &[u8]) -> (String, Vec<usize>) {
    let mut out = Vec::with_capacity(bytes.len());
    let mut pairs = Vec::new();
    let mut chars = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        let rest = &bytes[i..];
        if let Some(hi) = surrogate(rest) {
            let lo = rest.get(3..).and_then(surrogate);
            match lo {
                Some(lo) if (0xD800..0xDC00).contains(&hi) && (0xDC00..0xE000).contains(&lo) => {
                    let cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                    let c = char::from_u32(cp).unwrap_or('\u{FFFD}');
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                    pairs.push(chars);
                    i += 6;
                }
                _ => {
                    out.extend_from_slice("\u{FFFD}".as_bytes());
                    i += 3;
                }
            }
            chars += 1;
            continue;
        }
        let b = rest[0];
        if b & 0xC0 != 0x80 {
            chars += 1;
        }
        out.push(b);
        i += 1;
    }
    (String::from_utf8_lossy(&out).into_owned(), pairs)
}

/// A char offset in the repaired text → the offset in the Python string, where each joined pair
/// (`pairs`, sorted char positions) took two code units.
pub fn widen(x: usize, pairs: &[usize]) -> usize {
    x + pairs.partition_point(|&p| p < x)
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
    let mut out = Vec::with_capacity(arg.len().unwrap_or(0));
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

#[cfg(test)]
mod tests {
    use super::{repair_surrogates, widen};

    fn cesu(units: &[u32]) -> Vec<u8> {
        let mut v = Vec::new();
        for &u in units {
            if (0xD800..0xE000).contains(&u) {
                v.extend_from_slice(&[
                    0xED,
                    0x80 | ((u >> 6) & 0x3F) as u8,
                    0x80 | (u & 0x3F) as u8,
                ]);
            } else {
                let mut b = [0u8; 4];
                v.extend_from_slice(
                    char::from_u32(u)
                        .unwrap_or('?')
                        .encode_utf8(&mut b)
                        .as_bytes(),
                );
            }
        }
        v
    }

    #[test]
    fn pairs_join_and_lone_surrogates_become_replacement() {
        // "a" + (D83D DE00) + "b" + lone DC00 + lone D800 + "c" as Python holds them.
        let b = cesu(&[0x61, 0xD83D, 0xDE00, 0x62, 0xDC00, 0xD800, 0x63]);
        let (t, pairs) = repair_surrogates(&b);
        assert_eq!(t, "a\u{1F600}b\u{FFFD}\u{FFFD}c");
        assert_eq!(pairs, vec![1]);
        // Offsets of the repaired text (6 chars) map back onto the 7 code units of the Python str.
        assert_eq!([0, 1, 2, 3, 6].map(|x| widen(x, &pairs)), [0, 1, 3, 4, 7]);
    }

    #[test]
    fn truncated_and_reversed_pairs() {
        let (t, pairs) = repair_surrogates(&cesu(&[0xDE00, 0xD83D]));
        assert_eq!(t, "\u{FFFD}\u{FFFD}");
        assert!(pairs.is_empty());
    }
}
