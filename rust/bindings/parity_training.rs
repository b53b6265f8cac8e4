//! `ferrotok._core.train_parity`: parity-aware BPE over one word count per language
//! (`ferrotok.trainers.ParityBpeTrainer`). The Python side counts each language's texts with a
//! `TrainingRun`; training runs with the GIL released, on its own thread (see `training::watched`).

use super::tokenizer::PyTokenizer;
use super::training::{watched, PyTrainingRun};
use super::{guard, to_py};
use crate::trainers::{Control, Trainer};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;

/// Train `tokenizer`'s pipeline with the parity trainer of options `trainer` (JSON) on the words of
/// `train` (one run per language) and `dev` (one per language, or None); returns the new tokenizer.
#[pyfunction]
#[pyo3(signature = (tokenizer, trainer, train, dev = None, progress = None))]
pub(super) fn train_parity(
    py: Python<'_>,
    tokenizer: &PyTokenizer,
    trainer: &str,
    train: Vec<PyRef<'_, PyTrainingRun>>,
    dev: Option<Vec<PyRef<'_, PyTrainingRun>>>,
    progress: Option<Py<PyAny>>,
) -> PyResult<PyTokenizer> {
    guard(|| {
        let v: serde_json::Value = serde_json::from_str(trainer).map_err(|e| {
            PyTypeError::new_err(format!("trainer: options are not valid JSON: {e}"))
        })?;
        let Trainer::ParityBpe(t) = Trainer::from_json(&v).map_err(to_py)? else {
            return Err(PyTypeError::new_err(
                "trainer: expected the options of a ParityBpeTrainer",
            ));
        };
        let mut train: Vec<_> = train.iter().map(|r| r.take_counts(py)).collect();
        let mut dev: Option<Vec<_>> = dev.map(|d| d.iter().map(|r| r.take_counts(py)).collect());
        let ctl = Control::default();
        let trained = watched(py, &ctl, progress, || {
            // Like Hugging Face, a fresh BPE model: nothing of the old model is kept.
            t.train_corpora(&mut train, dev.as_deref_mut(), Default::default(), &ctl)
        })?;
        let tok = tokenizer.get();
        let new = py.detach(|| tok.trained(trained)).map_err(to_py)?;
        Ok(super::tokenizer::new_obj(new))
    })
}
