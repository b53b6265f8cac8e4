//! `ferrotok._core.TrainingRun`: word counting and training for `ferrotok.training`. Texts come in
//! chunks (the Python side streams the corpus); counting and training run with the GIL released, and
//! training runs on its own thread while this one watches for Ctrl-C and reports progress.

use super::tokenizer::PyTokenizer;
use super::{convert, guard, to_py};
use crate::tokenizer::Tokenizer;
use crate::trainers::{Control, Trained, Trainer, WordCounts};
use pyo3::exceptions::{PyRuntimeError, PyTypeError};
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use pyo3::sync::MutexExt;
use pyo3::types::{PyIterator, PyList, PyString, PyTuple};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// `feed_iter` hands texts to the core in chunks of at most this many texts or bytes.
const CHUNK_TEXTS: usize = 8192;
const CHUNK_BYTES: usize = 4 << 20;

/// A text of a chunk: borrowed from its str object, or repaired (lone surrogates) into a copy.
enum Text {
    Py(PyBackedStr),
    Owned(String),
}

impl Text {
    fn new(s: Bound<'_, PyString>) -> PyResult<Text> {
        match PyBackedStr::try_from(s.clone()) {
            Ok(b) => Ok(Text::Py(b)),
            Err(_) => Ok(Text::Owned(convert::text(&s)?.0.into_owned())),
        }
    }

    fn as_str(&self) -> &str {
        match self {
            Text::Py(b) => b,
            Text::Owned(s) => s,
        }
    }
}

fn not_str(item: &Bound<'_, PyAny>, index: usize) -> PyErr {
    let kind = item
        .get_type()
        .name()
        .map_or_else(|_| "?".to_string(), |n| n.to_string());
    PyTypeError::new_err(format!("iterator: item {index} is {kind}, expected str"))
}

/// The next chunk of `it`'s texts (items are str, or lists/tuples of str); `first` is the index of
/// the chunk's first text in the corpus, for error messages. Empty only at the end.
fn pull(it: &Bound<'_, PyIterator>, first: usize) -> PyResult<Vec<Text>> {
    let mut texts: Vec<Text> = Vec::new();
    let mut bytes = 0usize;
    let push = |item: Bound<'_, PyAny>, texts: &mut Vec<Text>| -> PyResult<usize> {
        let index = first + texts.len();
        let s = item
            .cast_into::<PyString>()
            .map_err(|e| not_str(e.into_inner().as_any(), index))?;
        let t = Text::new(s)?;
        let len = t.as_str().len();
        texts.push(t);
        Ok(len)
    };
    let mut it = it.clone();
    while texts.len() < CHUNK_TEXTS && bytes < CHUNK_BYTES {
        let Some(item) = it.next() else { break };
        let item = item?;
        if item.is_instance_of::<PyList>() || item.is_instance_of::<PyTuple>() {
            for x in item.try_iter()? {
                bytes += push(x?, &mut texts)?;
            }
        } else {
            bytes += push(item, &mut texts)?;
        }
    }
    Ok(texts)
}

#[pyclass(module = "ferrotok._core", name = "TrainingRun", frozen)]
pub struct PyTrainingRun {
    tokenizer: Arc<Tokenizer>,
    trainer: Trainer,
    counts: Mutex<WordCounts>,
    ctl: Control,
}

/// Run `job` on a thread of its own while this one (with the GIL between waits) looks at signals and
/// reports `ctl`'s progress; Ctrl-C cancels the job and raises KeyboardInterrupt.
pub(super) fn watched(
    py: Python<'_>,
    ctl: &Control,
    progress: Option<Py<PyAny>>,
    job: impl FnOnce() -> crate::error::Result<Trained> + Send,
) -> PyResult<Trained> {
    let (tx, rx) = mpsc::channel();
    let rx = Mutex::new(rx);
    let mut failure: Option<PyErr> = None;
    let result = std::thread::scope(|s| {
        s.spawn(move || {
            let _ = tx.send(job());
        });
        loop {
            let got = py.detach(|| {
                let r = rx.lock().map_err(|_| RecvTimeoutError::Disconnected)?;
                r.recv_timeout(Duration::from_millis(100))
            });
            match got {
                Ok(r) => return Some(r),
                Err(RecvTimeoutError::Timeout) => {
                    if failure.is_some() {
                        continue;
                    }
                    let step = py.check_signals().and_then(|()| match &progress {
                        Some(f) => f.call1(py, ctl.progress()).map(drop),
                        None => Ok(()),
                    });
                    if let Err(e) = step {
                        ctl.cancel();
                        failure = Some(e);
                    }
                }
                Err(RecvTimeoutError::Disconnected) => return None,
            }
        }
    });
    if let Some(e) = failure {
        return Err(e);
    }
    let trained = result
        .ok_or_else(|| PyRuntimeError::new_err("the training thread stopped"))?
        .map_err(to_py)?;
    if let Some(f) = &progress {
        f.call1(py, ctl.progress())?;
    }
    Ok(trained)
}

impl PyTrainingRun {
    fn run(&self, py: Python<'_>, progress: Option<Py<PyAny>>) -> PyResult<Trained> {
        let mut guard = self
            .counts
            .lock_py_attached(py)
            .unwrap_or_else(|e| e.into_inner());
        let old_model = self.tokenizer.model_json();
        let (trainer, ctl) = (&self.trainer, &self.ctl);
        let counts: &mut WordCounts = &mut guard;
        watched(py, ctl, progress, move || {
            trainer.train(counts, &old_model, ctl)
        })
    }

    /// The words counted so far (this run is left empty).
    pub(super) fn take_counts(&self, py: Python<'_>) -> WordCounts {
        let mut guard = self
            .counts
            .lock_py_attached(py)
            .unwrap_or_else(|e| e.into_inner());
        std::mem::take(&mut *guard)
    }
}

#[pymethods]
impl PyTrainingRun {
    /// `trainer` is the JSON of the trainer's options (`{"type": "BpeTrainer", ...}`).
    #[new]
    fn new(tokenizer: &PyTokenizer, trainer: &str) -> PyResult<Self> {
        guard(|| {
            let v: serde_json::Value = serde_json::from_str(trainer).map_err(|e| {
                PyTypeError::new_err(format!("trainer: options are not valid JSON: {e}"))
            })?;
            Ok(PyTrainingRun {
                tokenizer: tokenizer.get(),
                trainer: Trainer::from_json(&v).map_err(to_py)?,
                counts: Mutex::new(WordCounts::new()),
                ctl: Control::default(),
            })
        })
    }

    /// Count the words of `texts` (a list of str); `first` is the index of texts[0] in the whole
    /// corpus, for error messages.
    fn feed(&self, py: Python<'_>, texts: &Bound<'_, PyList>, first: usize) -> PyResult<()> {
        guard(|| {
            let mut items: Vec<Bound<'_, PyString>> = Vec::with_capacity(texts.len());
            for (i, item) in texts.iter().enumerate() {
                match item.cast_into::<PyString>() {
                    Ok(s) => items.push(s),
                    Err(e) => {
                        let kind = e
                            .into_inner()
                            .get_type()
                            .name()
                            .map_or_else(|_| "?".to_string(), |n| n.to_string());
                        return Err(PyTypeError::new_err(format!(
                            "iterator: item {} is {kind}, expected str",
                            first + i
                        )));
                    }
                }
            }
            // Borrowed from the str objects (copied only for lone surrogates).
            let owned = items
                .iter()
                .map(|s| convert::text(s).map(|t| t.0))
                .collect::<PyResult<Vec<_>>>()?;
            let refs: Vec<&str> = owned.iter().map(|t| t.as_ref()).collect();
            let mut guard = self
                .counts
                .lock_py_attached(py)
                .unwrap_or_else(|e| e.into_inner());
            let counts: &mut WordCounts = &mut guard;
            py.detach(|| self.tokenizer.count_words(counts, &refs, &self.ctl))
                .map_err(to_py)
        })
    }

    /// Count the words of every text of `iterator` (str, or lists/tuples of str), pulled in chunks;
    /// `progress(n)` is called after each chunk of `n` texts. With a pool, the next chunk is read
    /// from Python while the pool counts this one. Returns the number of texts.
    #[pyo3(signature = (iterator, progress = None))]
    fn feed_iter(
        &self,
        py: Python<'_>,
        iterator: &Bound<'_, PyAny>,
        progress: Option<Py<PyAny>>,
    ) -> PyResult<usize> {
        guard(|| {
            let it = iterator.try_iter().map_err(|_| {
                PyTypeError::new_err(format!(
                    "iterator: expected an iterable of str (or of lists of str), got {}",
                    iterator
                        .get_type()
                        .name()
                        .map_or_else(|_| "?".to_string(), |n| n.to_string())
                ))
            })?;
            let mut guard = self
                .counts
                .lock_py_attached(py)
                .unwrap_or_else(|e| e.into_inner());
            let counts: &mut WordCounts = &mut guard;
            let shared: Py<PyIterator> = it.clone().unbind();
            let mut seen = 0usize;
            let mut chunk = pull(&it, seen)?;
            while !chunk.is_empty() {
                py.check_signals()?;
                let n = chunk.len();
                let refs: Vec<&str> = chunk.iter().map(Text::as_str).collect();
                let (counted, next) = py.detach(|| {
                    self.tokenizer
                        .count_words_then(counts, &refs, &self.ctl, || {
                            Python::attach(|py| pull(shared.bind(py), seen + n))
                        })
                });
                drop(refs);
                // Released with the GIL held (not queued for later).
                drop(chunk);
                counted.map_err(to_py)?;
                seen += n;
                if let Some(f) = &progress {
                    f.call1(py, (n,))?;
                }
                chunk = next?;
            }
            Ok(seen)
        })
    }

    /// Count the words of every line (ending kept) of the files at `paths`, read by the core with the
    /// GIL released; `progress(n)` is called after each block of `n` lines. Returns the number of lines.
    #[pyo3(signature = (paths, progress = None))]
    fn feed_files(
        &self,
        py: Python<'_>,
        paths: Vec<String>,
        progress: Option<Py<PyAny>>,
    ) -> PyResult<usize> {
        guard(|| {
            let mut guard = self
                .counts
                .lock_py_attached(py)
                .unwrap_or_else(|e| e.into_inner());
            let counts: &mut WordCounts = &mut guard;
            // A Python error from the callback (Ctrl-C, a failing progress) stops the reading.
            let mut failure: Option<PyErr> = None;
            let mut after = |n: usize| -> crate::error::Result<()> {
                Python::attach(|py| {
                    let step = py.check_signals().and_then(|()| match &progress {
                        Some(f) => f.call1(py, (n,)).map(drop),
                        None => Ok(()),
                    });
                    step.map_err(|e| {
                        failure = Some(e);
                        crate::error::Error::Cancelled
                    })
                })
            };
            let r = py.detach(|| {
                self.tokenizer
                    .count_files(counts, &paths, &self.ctl, &mut after)
            });
            match (r, failure) {
                (_, Some(e)) => Err(e),
                (r, None) => r.map_err(to_py),
            }
        })
    }

    /// Distinct words counted so far.
    fn word_count(&self, py: Python<'_>) -> usize {
        self.counts
            .lock_py_attached(py)
            .unwrap_or_else(|e| e.into_inner())
            .len()
    }

    /// Train on the counted words and return the new tokenizer. `progress(stage, done, total)` is
    /// called about ten times a second (with the GIL) while training runs.
    #[pyo3(signature = (progress = None))]
    fn train(&self, py: Python<'_>, progress: Option<Py<PyAny>>) -> PyResult<PyTokenizer> {
        guard(|| {
            let trained = self.run(py, progress)?;
            let tok = py
                .detach(|| self.tokenizer.trained(trained))
                .map_err(to_py)?;
            Ok(super::tokenizer::new_obj(tok))
        })
    }

    /// Train and return only the tokenizer.json `model` object, as JSON text.
    #[pyo3(signature = (progress = None))]
    fn train_model(&self, py: Python<'_>, progress: Option<Py<PyAny>>) -> PyResult<String> {
        guard(|| Ok(self.run(py, progress)?.model.to_string()))
    }
}
