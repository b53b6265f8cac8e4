//! The PyO3 module `ferrotok._core`. This layer only converts types: Python objects in, core calls
//! with the GIL released, numpy arrays / Python objects out. Every entry point runs under `guard`, so
//! a Rust panic becomes `InternalError` (a RuntimeError), never a `PanicException`.

mod batch_io;
mod components;
mod convert;
mod decode_stream;
mod encoding;
mod encodings;
mod host;
mod host_tokens;
mod inputs;
mod int_lists;
mod lists;
mod parity_training;
mod request;
mod stream;
mod tokenizer;
mod training;

use crate::error::Error;
use pyo3::exceptions::{PyFileNotFoundError, PyOSError, PyRuntimeError, PyValueError};
use pyo3::prelude::*;

pyo3::create_exception!(
    _core,
    FerrotokError,
    PyValueError,
    "A bad configuration file or argument."
);
pyo3::create_exception!(
    _core,
    InternalError,
    PyRuntimeError,
    "A bug inside ferrotok (a Rust panic caught at the boundary)."
);

/// The one conversion from core errors to Python exceptions.
pub(crate) fn to_py(e: Error) -> PyErr {
    let msg = e.to_string();
    match e {
        Error::NotFound { .. } => PyFileNotFoundError::new_err(msg),
        Error::Io { .. } => PyOSError::new_err(msg),
        Error::Internal(_) => InternalError::new_err(msg),
        Error::Cancelled => pyo3::exceptions::PyKeyboardInterrupt::new_err(msg),
        // A Python callback's own exception, raised again as it was.
        Error::Host { payload, .. } => match payload.0.downcast::<PyErr>() {
            Ok(err) => *err,
            Err(_) => FerrotokError::new_err(msg),
        },
        Error::Config { .. }
        | Error::Unsupported { .. }
        | Error::Argument { .. }
        | Error::Regex { .. }
        | Error::UnknownId(_) => FerrotokError::new_err(msg),
    }
}

impl From<Error> for PyErr {
    fn from(e: Error) -> Self {
        to_py(e)
    }
}

/// Run `f`, turning a panic into `InternalError`.
pub(crate) fn guard<T>(f: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            Err(InternalError::new_err(format!(
                "internal error (please report): {what}"
            )))
        }
    }
}

// `gil_used = false`: every class is `frozen` with its state behind locks or immutable (`Encoding` uses
// PyO3's checked borrows), and no lock is waited on while attached to the interpreter, so a
// free-threaded CPython may run it without re-enabling the GIL.
#[pymodule(gil_used = false)]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    crate::alloc::keep_freed_memory();
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("FerrotokError", m.py().get_type::<FerrotokError>())?;
    m.add("InternalError", m.py().get_type::<InternalError>())?;
    m.add_class::<tokenizer::PyTokenizer>()?;
    m.add_class::<encodings::PyEncodings>()?;
    m.add_class::<encoding::PyEncoding>()?;
    m.add_class::<tokenizer::PyModelInfo>()?;
    m.add_class::<components::PyComponent>()?;
    m.add_class::<host::PyNormalizedString>()?;
    m.add_class::<host::PyPreTokenizedString>()?;
    m.add_class::<host_tokens::PyToken>()?;
    m.add_class::<decode_stream::PyDecodeStream>()?;
    m.add_class::<request::PyEncodeRequest>()?;
    m.add_class::<training::PyTrainingRun>()?;
    m.add_function(wrap_pyfunction!(parity_training::train_parity, m)?)?;
    m.add_function(wrap_pyfunction!(num_threads, m)?)?;
    m.add_function(wrap_pyfunction!(stream::encode_stream, m)?)?;
    m.add_function(wrap_pyfunction!(stream::encode_stream_lines, m)?)?;
    m.add_function(wrap_pyfunction!(stream::stream_itemsize, m)?)?;
    m.add_function(wrap_pyfunction!(stream::tokenizer_sha256, m)?)?;
    m.add_function(wrap_pyfunction!(legacy_document, m)?)?;
    m.add_function(wrap_pyfunction!(load_folder, m)?)?;
    m.add_function(wrap_pyfunction!(class_defaults, m)?)?;
    m.add_function(wrap_pyfunction!(set_moses_data_dir, m)?)?;
    Ok(())
}

/// Register the installed `sacremoses` package's folder, where the Moses tokenizer reads its data.
#[pyfunction]
fn set_moses_data_dir(directory: &str) {
    crate::kernel::moses_data::set_data_dir(directory);
}

/// Threads a large batch may use (RAYON_NUM_THREADS, else all cores).
#[pyfunction]
fn num_threads() -> usize {
    crate::tokenizer::parallel::current_threads()
}

/// The tokenizer.json document (as text) that a folder without tokenizer.json converts to.
#[pyfunction]
fn legacy_document(py: Python<'_>, directory: &str) -> PyResult<String> {
    guard(|| {
        py.detach(|| crate::loading::legacy_folder(std::path::Path::new(directory)))
            .map(|f| f.document.to_string())
            .map_err(to_py)
    })
}

/// A model folder loaded once: the tokenizer, and the special tokens a SentencePiece folder's class reports
/// as {"named": {key: token or None}, "extra": [token, ...]} (None for other folders). `overrides`, a JSON
/// object, is written over tokenizer_config.json's entries (`from_pretrained`'s keyword arguments).
#[pyfunction]
#[pyo3(signature = (directory, overrides=None))]
fn load_folder<'py>(
    py: Python<'py>,
    directory: &str,
    overrides: Option<&str>,
) -> PyResult<(
    tokenizer::PyTokenizer,
    Option<Bound<'py, pyo3::types::PyDict>>,
)> {
    let overrides = match overrides.map(serde_json::from_str::<serde_json::Value>) {
        None => serde_json::Map::new(),
        Some(Ok(serde_json::Value::Object(map))) => map,
        Some(_) => {
            return Err(pyo3::exceptions::PyValueError::new_err(
                "overrides: expected a JSON object",
            ))
        }
    };
    let (loaded, specials) = guard(|| {
        py.detach(|| crate::loading::load_folder_with(std::path::Path::new(directory), &overrides))
            .map_err(to_py)
    })?;
    let loaded = tokenizer::new_obj(loaded);
    let Some(specials) = specials else {
        return Ok((loaded, None));
    };
    let named = pyo3::types::PyDict::new(py);
    for (key, token) in specials.named {
        named.set_item(key, token)?;
    }
    let out = pyo3::types::PyDict::new(py);
    out.set_item("named", named)?;
    out.set_item("extra", specials.extra)?;
    Ok((loaded, Some(out)))
}

/// The defaults transformers gives tokenizers of `tokenizer_class`, as {"specials": {key: token or None},
/// "padding_side", "truncation_side", "model_input_names"}; None for a class transformers does not map.
#[pyfunction]
fn class_defaults<'py>(
    py: Python<'py>,
    tokenizer_class: &str,
) -> PyResult<Option<Bound<'py, pyo3::types::PyDict>>> {
    let Some(d) = crate::loading::classes::lookup(tokenizer_class) else {
        return Ok(None);
    };
    let specials = pyo3::types::PyDict::new(py);
    for (key, token) in crate::loading::sentencepiece::NAMED.iter().zip(d.specials) {
        specials.set_item(key, token)?;
    }
    let out = pyo3::types::PyDict::new(py);
    out.set_item("specials", specials)?;
    out.set_item("padding_side", d.padding_side)?;
    out.set_item("truncation_side", d.truncation_side)?;
    out.set_item("model_input_names", d.model_input_names.to_vec())?;
    Ok(Some(out))
}
