//! Inputs of a batch call: Python strings as UTF-8 (with the surrogate pairs joined on the way) and the
//! sequences the core encodes.

use super::convert::{self, Item};
use super::encodings::InputTexts;
use crate::tokenizer::{Encoding, InputSequence};
use pyo3::prelude::*;
use std::borrow::Cow;

/// An input as UTF-8, with the positions of surrogate pairs joined on the way (`convert::text`).
pub(super) type Str<'a> = (Cow<'a, str>, Vec<usize>);

pub(super) enum Text<'a> {
    Raw(Str<'a>),
    Words(Vec<Str<'a>>),
}

pub(super) fn texts<'a>(items: &'a [Item<'_>]) -> PyResult<Vec<Text<'a>>> {
    items
        .iter()
        .map(|it| {
            Ok(match it {
                Item::Raw(s) => Text::Raw(convert::text(s)?),
                Item::Words(ws) => {
                    Text::Words(ws.iter().map(convert::text).collect::<PyResult<_>>()?)
                }
            })
        })
        .collect()
}

/// The Python strings of raw inputs that map straight onto their UTF-8 (no surrogates), for offsets
/// converted to chars later (`PyEncodings::byte_texts`); None when any input is not such a string.
pub(super) fn input_texts(
    items_a: &[Item<'_>],
    items_b: Option<&[Item<'_>]>,
    ta: &[Text<'_>],
    tb: Option<&[Text<'_>]>,
) -> Option<InputTexts> {
    let plain = |t: &Text<'_>| matches!(t, Text::Raw((Cow::Borrowed(_), _)));
    if !ta.iter().chain(tb.into_iter().flatten()).all(plain) {
        return None;
    }
    let string = |it: &Item<'_>| match it {
        Item::Raw(s) => Some(s.clone().unbind()),
        Item::Words(_) => None,
    };
    items_a
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let b = match items_b {
                Some(bs) => Some(string(bs.get(i)?)?),
                None => None,
            };
            Some((string(a)?, b))
        })
        .collect()
}

/// Borrowed word lists (InputSequence::Words wants `&[&str]`).
pub(super) fn word_refs<'a>(ts: &'a [Text<'_>]) -> Vec<Vec<&'a str>> {
    ts.iter()
        .map(|t| match t {
            Text::Raw(_) => Vec::new(),
            Text::Words(ws) => ws.iter().map(|w| w.0.as_ref()).collect(),
        })
        .collect()
}

pub(super) fn sequence<'a>(t: &'a Text<'_>, words: &'a [&'a str]) -> InputSequence<'a> {
    match t {
        Text::Raw(s) => InputSequence::Raw(s.0.as_ref()),
        Text::Words(_) => InputSequence::Words(words),
    }
}

pub(super) fn has_pairs(t: &Text<'_>) -> bool {
    match t {
        Text::Raw(s) => !s.1.is_empty(),
        Text::Words(ws) => ws.iter().any(|w| !w.1.is_empty()),
    }
}

/// Offsets of `e` (and its overflow windows) back onto the Python strings when surrogate pairs were
/// joined into one char: each joined pair before an offset adds one code unit.
pub(super) fn widen_offsets(e: &mut Encoding, first: &Text<'_>, second: Option<&Text<'_>>) {
    for k in 0..e.offsets.len() {
        let text = match e.sequence_ids.get(k).copied().flatten() {
            Some(0) => first,
            Some(1) => match second {
                Some(t) => t,
                None => continue,
            },
            _ => continue,
        };
        let pairs: &[usize] = match text {
            Text::Raw(s) => &s.1,
            Text::Words(ws) => {
                match e
                    .word_ids
                    .get(k)
                    .copied()
                    .flatten()
                    .and_then(|w| ws.get(w as usize))
                {
                    Some(w) => &w.1,
                    None => continue,
                }
            }
        };
        if let Some(o) = e.offsets.get_mut(k) {
            *o = (convert::widen(o.0, pairs), convert::widen(o.1, pairs));
        }
    }
    for o in &mut e.overflowing {
        widen_offsets(o, first, second);
    }
}
