//! `ferrotok._core.DecodeStream`: tokenizers' incremental decoder (`decoders::DecodeStream` in the core).

use super::tokenizer::PyTokenizer;
use super::{guard, to_py};
use crate::error::Error;
use crate::tokenizer::decode_stream::DecodeStream;
use crate::tokenizer::plan::DETACH_MIN_IDS;
use pyo3::prelude::*;
use std::sync::Mutex;

#[pyclass(module = "ferrotok._core", name = "DecodeStream", frozen)]
pub struct PyDecodeStream {
    state: Mutex<DecodeStream>,
}

#[pymethods]
impl PyDecodeStream {
    #[new]
    #[pyo3(signature = (ids, skip_special_tokens))]
    fn new(ids: Vec<u32>, skip_special_tokens: bool) -> Self {
        PyDecodeStream {
            state: Mutex::new(DecodeStream::new(ids, skip_special_tokens)),
        }
    }

    /// Add `ids` to the stream; the text they complete, or None.
    fn step(
        &self,
        py: Python<'_>,
        tokenizer: &PyTokenizer,
        ids: Vec<u32>,
    ) -> PyResult<Option<String>> {
        guard(|| {
            // Never wait on the lock while attached: a stream stepped from two threads at once is a bug.
            let mut state = self.state.try_lock().map_err(|_| {
                to_py(Error::argument(
                    "DecodeStream.step",
                    "the stream is being stepped by another thread",
                ))
            })?;
            let tok = tokenizer.get();
            let stream: &mut DecodeStream = &mut state;
            let mut run = || stream.step(&tok, &ids);
            let out = if ids.len() >= DETACH_MIN_IDS {
                py.detach(run)
            } else {
                run()
            };
            out.map_err(to_py)
        })
    }
}
