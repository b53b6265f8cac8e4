//! tokenizers' `NormalizedString` and `PreTokenizedString` for Python, and the host stages that call
//! Python objects from the core (`Normalizer.custom(obj)`, `PreTokenizer.custom(obj)`,
//! `Decoder.custom(obj)`).
//!
//! A string lent to a callback is moved into its Python object for the call and moved back after it, so
//! an object kept past its call is empty and says so. No lock is held while Python code runs: the
//! per-char callbacks (`filter`, `map`, `for_each`) see a copy of the text.

use super::encoding::PyEncoding;
use super::host_tokens::{self, PyToken, Values};
use super::to_py;
use crate::error::{Error, HostPayload, Result};
use crate::kernel::host::{current_input, DecodeHost, NormalizeHost, PreTokenizeHost};
use crate::kernel::pattern::Pattern;
use crate::kernel::pretokenized::split_with_behavior;
use crate::kernel::{NormalizedString, PreTokenizedString, SplitBehavior};
use crate::normalizers::replace::Replace;
use crate::normalizers::{Normalizer, UnicodeForm};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyList, PySlice, PyString};
use std::sync::{Arc, Mutex, MutexGuard};

struct Lent<T> {
    value: T,
    /// The text the string's alignments point into.
    source: Arc<str>,
    /// The byte range of `source` the string covered when it was made (`original`, which edits do not
    /// change, as in tokenizers).
    original: (usize, usize),
}

fn lent_normalized(ns: NormalizedString, source: Arc<str>) -> Lent<NormalizedString> {
    let original = ns.original_range(0..ns.len());
    Lent {
        value: ns,
        source,
        original,
    }
}

/// One split as `get_splits` shows it: (text, (start, end), its tokens once tokenized).
type SplitView = (String, (usize, usize), Option<Vec<PyToken>>);

fn lock<T>(m: &Mutex<Option<T>>) -> MutexGuard<'_, Option<T>> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn lock_values(m: &Mutex<Values>) -> MutexGuard<'_, Values> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn spent(what: &str) -> PyErr {
    PyValueError::new_err(format!(
        "this {what} was lent to a callback that has returned; it can no longer be used"
    ))
}

fn host_error(stage: &'static str, e: PyErr) -> Error {
    Error::Host {
        stage,
        message: e.to_string(),
        payload: HostPayload(Box::new(e)),
    }
}

/// A str pattern (matched literally) or a `Regex` (ferrotok's or tokenizers').
fn read_pattern(p: &Bound<'_, PyAny>) -> PyResult<Pattern> {
    if let Ok(s) = p.downcast::<PyString>() {
        return Pattern::literal(s.to_str()?).map_err(to_py);
    }
    match p
        .getattr("pattern")
        .ok()
        .and_then(|r| r.extract::<String>().ok())
    {
        Some(r) => Pattern::regex(&r).map_err(to_py),
        None => Err(PyTypeError::new_err(format!(
            "pattern: expected str or Regex, got {}",
            p.get_type().name()?
        ))),
    }
}

/// The byte index of char `c` of `s` (its length at `c == chars`).
fn byte_at(s: &str, c: usize) -> Option<usize> {
    s.char_indices().map(|(i, _)| i).chain([s.len()]).nth(c)
}

#[pyclass(module = "ferrotok", name = "NormalizedString", frozen)]
pub struct PyNormalizedString {
    state: Mutex<Option<Lent<NormalizedString>>>,
}

impl PyNormalizedString {
    fn lend(ns: NormalizedString, source: Arc<str>) -> Self {
        PyNormalizedString {
            state: Mutex::new(Some(lent_normalized(ns, source))),
        }
    }

    fn take(&self) -> PyResult<Lent<NormalizedString>> {
        lock(&self.state)
            .take()
            .ok_or_else(|| spent("NormalizedString"))
    }

    fn with<R>(&self, f: impl FnOnce(&mut Lent<NormalizedString>) -> PyResult<R>) -> PyResult<R> {
        match lock(&self.state).as_mut() {
            Some(s) => f(s),
            None => Err(spent("NormalizedString")),
        }
    }

    fn edit(&self, f: impl FnOnce(&mut NormalizedString)) -> PyResult<()> {
        self.with(|s| {
            f(&mut s.value);
            Ok(())
        })
    }

    fn run(&self, n: &Normalizer) -> PyResult<()> {
        self.with(|s| n.normalize(&mut s.value).map_err(to_py))
    }

    fn text(&self) -> PyResult<String> {
        self.with(|s| Ok(s.value.as_str().to_string()))
    }

    /// Apply `f` to the chars after `decide` (Python code, run with no lock held) chose per char.
    fn per_char<T>(
        &self,
        decide: impl FnMut(char) -> PyResult<T>,
        apply: impl FnOnce(&mut NormalizedString, Vec<T>),
    ) -> PyResult<()> {
        let before = self.text()?;
        let choices = before.chars().map(decide).collect::<PyResult<Vec<T>>>()?;
        self.with(|s| {
            if s.value.as_str() != before {
                return Err(PyValueError::new_err(
                    "the NormalizedString changed while its chars were being visited",
                ));
            }
            apply(&mut s.value, choices);
            Ok(())
        })
    }
}

#[pymethods]
impl PyNormalizedString {
    #[new]
    fn new(sequence: &str) -> Self {
        PyNormalizedString::lend(
            NormalizedString::from_original(sequence, 0),
            sequence.into(),
        )
    }

    #[getter]
    fn normalized(&self) -> PyResult<String> {
        self.text()
    }

    #[getter]
    fn original(&self) -> PyResult<String> {
        self.with(|s| {
            let (a, b) = s.original;
            Ok(s.source.get(a..b).unwrap_or_default().to_string())
        })
    }

    fn nfc(&self) -> PyResult<()> {
        self.run(&Normalizer::Unicode(UnicodeForm::Nfc))
    }

    fn nfd(&self) -> PyResult<()> {
        self.run(&Normalizer::Unicode(UnicodeForm::Nfd))
    }

    fn nfkc(&self) -> PyResult<()> {
        self.run(&Normalizer::Unicode(UnicodeForm::Nfkc))
    }

    fn nfkd(&self) -> PyResult<()> {
        self.run(&Normalizer::Unicode(UnicodeForm::Nfkd))
    }

    fn lowercase(&self) -> PyResult<()> {
        self.edit(NormalizedString::lowercase)
    }

    fn uppercase(&self) -> PyResult<()> {
        self.edit(NormalizedString::uppercase)
    }

    fn strip(&self) -> PyResult<()> {
        self.edit(|n| n.strip(true, true))
    }

    fn lstrip(&self) -> PyResult<()> {
        self.edit(|n| n.strip(true, false))
    }

    fn rstrip(&self) -> PyResult<()> {
        self.edit(|n| n.strip(false, true))
    }

    fn prepend(&self, s: &str) -> PyResult<()> {
        self.edit(|n| n.prepend(s))
    }

    /// tokenizers' Python `append` also fills an empty string (its `prepend` leaves one empty).
    fn append(&self, s: &str) -> PyResult<()> {
        self.edit(|n| {
            if n.is_empty() {
                let at = n.original_range(0..0).0 as u32;
                *n = NormalizedString::from_parts(
                    s.to_string(),
                    vec![(at, at); s.len()],
                    at as usize,
                );
            } else {
                n.append(s)
            }
        })
    }

    fn clear(&self) -> PyResult<()> {
        self.edit(|n| n.filter(|_| false))
    }

    #[pyo3(signature = (pattern, content))]
    fn replace(&self, pattern: &Bound<'_, PyAny>, content: &str) -> PyResult<()> {
        let r = Replace {
            pattern: read_pattern(pattern)?,
            content: content.to_string(),
        };
        self.with(|s| r.normalize(&mut s.value).map_err(to_py))
    }

    /// Keep the chars for which `func(char)` is true.
    fn filter(&self, func: &Bound<'_, PyAny>) -> PyResult<()> {
        self.per_char(
            |c| func.call1((c,))?.is_truthy(),
            |n, keep| {
                // One decision per char, in order (`filter` may visit chars twice).
                let mut keep = keep.into_iter();
                n.map_expand(|c, out| {
                    if keep.next().unwrap_or(true) {
                        out.push(c)
                    }
                });
            },
        )
    }

    /// Replace each char by `func(char)`, a str of one char.
    fn map(&self, func: &Bound<'_, PyAny>) -> PyResult<()> {
        self.per_char(
            |c| {
                let s: String = func.call1((c,))?.extract()?;
                let mut chars = s.chars();
                match (chars.next(), chars.next()) {
                    (Some(m), None) => Ok(m),
                    _ => Err(PyValueError::new_err(format!(
                        "map: the function must return one char, got {s:?}"
                    ))),
                }
            },
            |n, mapped| {
                let mut mapped = mapped.into_iter();
                n.map_expand(|c, out| out.push(mapped.next().unwrap_or(c)));
            },
        )
    }

    /// Call `func(char)` for each char.
    fn for_each(&self, func: &Bound<'_, PyAny>) -> PyResult<()> {
        for c in self.text()?.chars() {
            func.call1((c,))?;
        }
        Ok(())
    }

    /// Split on `pattern`; `behavior` is "removed", "isolated", "merged_with_previous",
    /// "merged_with_next" or "contiguous".
    #[pyo3(signature = (pattern, behavior))]
    fn split(&self, pattern: &Bound<'_, PyAny>, behavior: &str) -> PyResult<Vec<Self>> {
        let b = SplitBehavior::from_snake_case(behavior).ok_or_else(|| {
            PyValueError::new_err(format!(
                "behavior: expected removed, isolated, merged_with_previous, merged_with_next or \
                 contiguous, got {behavior:?}"
            ))
        })?;
        let p = read_pattern(pattern)?;
        self.with(|s| {
            let matches = p.find_all(s.value.as_str()).map_err(to_py)?;
            if matches.is_empty() {
                // The whole string, even an empty one, as tokenizers returns it.
                return Ok(vec![PyNormalizedString::lend(
                    s.value.clone(),
                    s.source.clone(),
                )]);
            }
            Ok(split_with_behavior(&s.value, &matches, b)
                .into_iter()
                .map(|n| PyNormalizedString::lend(n, s.source.clone()))
                .collect())
        })
    }

    /// The chars `range` of the normalized text (an int, a (start, end) tuple or a slice), or None
    /// where it starts at or past the end. As in tokenizers, an end past the text (or before the start)
    /// stops at the end of the text.
    fn slice(&self, range: &Bound<'_, PyAny>) -> PyResult<Option<Self>> {
        self.with(|s| {
            let text = s.value.as_str();
            let chars = text.chars().count();
            let (start, end) = if let Ok(sl) = range.downcast::<PySlice>() {
                let i = sl.indices(chars as isize)?;
                if i.step != 1 {
                    return Err(PyValueError::new_err("slice: steps are not supported"));
                }
                (i.start.max(0) as usize, i.stop.max(i.start).max(0) as usize)
            } else if let Ok((a, b)) = range.extract::<(isize, isize)>() {
                if a < 0 || b < 0 {
                    return Ok(None);
                }
                let (a, b) = (a as usize, b as usize);
                if a == chars && b > a {
                    return Ok(None);
                }
                (a, if b < a { chars } else { b.min(chars) })
            } else {
                let i: isize = range.extract()?;
                let i = if i < 0 { i + chars as isize } else { i };
                if i < 0 {
                    return Ok(None);
                }
                (i as usize, i as usize + 1)
            };
            if end > chars || (start >= chars && chars > 0) {
                return Ok(None);
            }
            let (Some(a), Some(b)) = (byte_at(text, start), byte_at(text, end)) else {
                return Ok(None);
            };
            Ok(Some(PyNormalizedString::lend(
                s.value.slice(a..b),
                s.source.clone(),
            )))
        })
    }

    fn __getitem__(&self, range: &Bound<'_, PyAny>) -> PyResult<Option<Self>> {
        self.slice(range)
    }

    fn __str__(&self) -> PyResult<String> {
        self.text()
    }

    fn __repr__(&self) -> PyResult<String> {
        let original = self.original()?;
        let normalized = self.text()?;
        Ok(format!(
            "NormalizedString(original=\"{original}\", normalized=\"{normalized}\")"
        ))
    }
}

#[pyclass(module = "ferrotok", name = "PreTokenizedString", frozen)]
pub struct PyPreTokenizedString {
    state: Mutex<Option<Lent<PreTokenizedString>>>,
    /// The strings of the tokens `tokenize` set (see `host_tokens`).
    values: Mutex<Values>,
}

impl PyPreTokenizedString {
    fn lend(pts: PreTokenizedString, source: Arc<str>) -> Self {
        let original = (0, source.len());
        PyPreTokenizedString {
            values: Mutex::new(host_tokens::values_of(&pts)),
            state: Mutex::new(Some(Lent {
                value: pts,
                source,
                original,
            })),
        }
    }

    fn take(&self) -> PyResult<Lent<PreTokenizedString>> {
        lock(&self.state)
            .take()
            .ok_or_else(|| spent("PreTokenizedString"))
    }

    fn put(&self, lent: Lent<PreTokenizedString>) {
        *lock(&self.state) = Some(lent);
    }

    /// Run `f` on the string taken out of its lock (so callbacks may use this object), then put it back.
    fn visit<R>(
        &self,
        f: impl FnOnce(&mut PreTokenizedString, &Arc<str>) -> PyResult<R>,
    ) -> PyResult<R> {
        let mut lent = self.take()?;
        let out = f(&mut lent.value, &lent.source);
        self.put(lent);
        out
    }
}

/// Lend `ns` to `call`, then take it back.
fn lend_normalized(
    py: Python<'_>,
    ns: &mut NormalizedString,
    source: &Arc<str>,
    call: impl FnOnce(&Bound<'_, PyNormalizedString>) -> PyResult<()>,
) -> PyResult<()> {
    let obj = Bound::new(
        py,
        PyNormalizedString::lend(std::mem::take(ns), source.clone()),
    )?;
    let result = call(&obj);
    *ns = obj.get().take()?.value;
    result
}

#[pymethods]
impl PyPreTokenizedString {
    #[new]
    fn new(sequence: &str) -> Self {
        let ns = NormalizedString::from_original(sequence, 0);
        PyPreTokenizedString::lend(PreTokenizedString::from_normalized(ns), sequence.into())
    }

    /// Replace each split not yet tokenized by the NormalizedStrings `func(index, normalized)` returns.
    fn split(&self, py: Python<'_>, func: &Bound<'_, PyAny>) -> PyResult<()> {
        self.visit(|pts, source| {
            let mut failed = None;
            let done = pts.split(|i, ns| {
                let pieces = (|| {
                    let given = Bound::new(py, PyNormalizedString::lend(ns, source.clone()))?;
                    let out = func.call1((i, given.clone()))?;
                    let list = out
                        .try_iter()?
                        .map(|item| {
                            let item = item?;
                            let n = item.downcast::<PyNormalizedString>().map_err(|_| {
                                PyTypeError::new_err(
                                    "split: the function must return a list of NormalizedString",
                                )
                            })?;
                            Ok(n.get().take()?.value)
                        })
                        .collect::<PyResult<Vec<_>>>();
                    // The string given is spent whether or not it came back.
                    let _ = given.get().take();
                    list
                })();
                pieces.map_err(|e| {
                    failed = Some(e);
                    Error::Internal("split callback failed".into())
                })
            });
            match (done, failed) {
                (_, Some(e)) => Err(e),
                (Err(e), None) => Err(to_py(e)),
                (Ok(()), None) => Ok(()),
            }
        })
    }

    /// Change each split not yet tokenized with `func(normalized)`.
    fn normalize(&self, py: Python<'_>, func: &Bound<'_, PyAny>) -> PyResult<()> {
        self.visit(|pts, source| {
            for split in pts.splits.iter_mut().filter(|s| s.tokens.is_none()) {
                lend_normalized(py, &mut split.normalized, source, |n| {
                    func.call1((n.clone(),)).map(|_| ())
                })?;
            }
            Ok(())
        })
    }

    /// Give each split without tokens the `Token`s `func(normalized text)` returns.
    fn tokenize(&self, func: &Bound<'_, PyAny>) -> PyResult<()> {
        self.visit(|pts, _| {
            let mut values = std::mem::take(&mut *lock_values(&self.values));
            let done = host_tokens::tokenize(pts, &mut values, func);
            *lock_values(&self.values) = values;
            done
        })
    }

    /// An `Encoding` of every split's tokens (all splits must be tokenized), as tokenizers builds it.
    #[pyo3(signature = (type_id = 0, word_idx = None))]
    fn to_encoding(&self, type_id: u32, word_idx: Option<u32>) -> PyResult<PyEncoding> {
        self.visit(|pts, source| {
            let values = lock_values(&self.values);
            let (vocab, e) = host_tokens::to_encoding(pts, &values, source, type_id, word_idx)?;
            Ok(PyEncoding::new(vocab, e, None, 1))
        })
    }

    /// Each split as (text, (start, end), tokens): offsets in the original text ("original") or in the
    /// normalized splits joined ("normalized"), counted in chars ("char") or bytes ("byte").
    #[pyo3(signature = (offset_referential = "original", offset_type = "char"))]
    fn get_splits(&self, offset_referential: &str, offset_type: &str) -> PyResult<Vec<SplitView>> {
        let original = match offset_referential {
            "original" => true,
            "normalized" => false,
            other => {
                return Err(PyValueError::new_err(format!(
                    "offset_referential: expected original or normalized, got {other:?}"
                )))
            }
        };
        let chars = match offset_type {
            "char" => true,
            "byte" => false,
            other => {
                return Err(PyValueError::new_err(format!(
                    "offset_type: expected char or byte, got {other:?}"
                )))
            }
        };
        self.visit(|pts, source| {
            let mut out = Vec::with_capacity(pts.splits.len());
            let mut at = 0usize;
            let tokens = host_tokens::split_tokens(pts, &lock_values(&self.values));
            for (split, tokens) in pts.splits.iter().zip(tokens) {
                let n = &split.normalized;
                let text = n.as_str().to_string();
                let width = if chars {
                    text.chars().count()
                } else {
                    text.len()
                };
                let offsets = if original {
                    let (a, b) = n.original_range(0..n.len());
                    if chars {
                        let count = |i: usize| source.get(..i).map_or(0, |p| p.chars().count());
                        (count(a), count(b))
                    } else {
                        (a, b)
                    }
                } else {
                    (at, at + width)
                };
                at += width;
                out.push((text, offsets, tokens));
            }
            Ok(out)
        })
    }

    fn __repr__(&self) -> PyResult<String> {
        let splits = self.get_splits("original", "char")?;
        let parts: Vec<String> = splits
            .iter()
            .map(|(t, (a, b), _)| format!("({t:?}, ({a}, {b}))"))
            .collect();
        Ok(format!("PreTokenizedString([{}])", parts.join(", ")))
    }
}

/// Run a built-in normalizer on a Python `NormalizedString` (`Normalizer.normalize`).
pub fn normalize_in(n: &Normalizer, target: &PyNormalizedString) -> PyResult<()> {
    let mut lent = target.take()?;
    let source = lent.source.clone();
    let result = crate::kernel::host::with_input(&source, || n.normalize(&mut lent.value));
    *lock(&target.state) = Some(lent);
    result.map_err(to_py)
}

/// Run a built-in pre-tokenizer on a Python `PreTokenizedString` (`PreTokenizer.pre_tokenize`).
pub fn pre_tokenize_in(
    p: &crate::pre_tokenizers::PreTokenizer,
    target: &PyPreTokenizedString,
) -> PyResult<()> {
    target.visit(|pts, source| {
        crate::kernel::host::with_input(source, || p.pre_tokenize(pts)).map_err(to_py)
    })
}

/// The text host callbacks on this thread see as the original.
fn source() -> Arc<str> {
    current_input().unwrap_or_else(|| Arc::from(""))
}

/// `obj.normalize(normalized)` of a Python object.
pub struct PyHostNormalizer(pub Py<PyAny>);

impl NormalizeHost for PyHostNormalizer {
    fn normalize(&self, ns: &mut NormalizedString) -> Result<()> {
        Python::attach(|py| {
            lend_normalized(py, ns, &source(), |n| {
                self.0.bind(py).call_method1("normalize", (n.clone(),))?;
                Ok(())
            })
        })
        .map_err(|e| host_error("normalizer", e))
    }
}

/// `obj.pre_tokenize(pretok)` of a Python object.
pub struct PyHostPreTokenizer(pub Py<PyAny>);

impl PreTokenizeHost for PyHostPreTokenizer {
    fn pre_tokenize(&self, pts: &mut PreTokenizedString) -> Result<()> {
        Python::attach(|py| {
            let obj = Bound::new(
                py,
                PyPreTokenizedString::lend(std::mem::take(pts), source()),
            )?;
            let result = self.0.bind(py).call_method1("pre_tokenize", (obj.clone(),));
            *pts = obj.get().take()?.value;
            result.map(|_| ())
        })
        .map_err(|e| host_error("pre_tokenizer", e))
    }
}

/// `obj.decode_chain(tokens)` of a Python object (or `obj.decode(tokens)`, one string).
pub struct PyHostDecoder(pub Py<PyAny>);

impl DecodeHost for PyHostDecoder {
    fn decode_chain(&self, tokens: Vec<String>) -> Result<Vec<String>> {
        Python::attach(|py| {
            let obj = self.0.bind(py);
            let list = PyList::new(py, tokens)?;
            if obj.hasattr("decode_chain")? {
                obj.call_method1("decode_chain", (list,))?.extract()
            } else {
                Ok(vec![obj.call_method1("decode", (list,))?.extract()?])
            }
        })
        .map_err(|e| host_error("decoder", e))
    }
}
