//! `ferrotok._core.Component`: one stage of a tokenizer (normalizer, pre-tokenizer, model,
//! post-processor or decoder) behind the tokenizer's `Arc`, so reading `tok.normalizer` copies nothing.
//! `ferrotok.components` gives it tokenizers' per-stage classes; the work is the core's.

use super::encoding::PyEncoding;
use super::host::{
    normalize_in, pre_tokenize_in, PyHostDecoder, PyHostNormalizer, PyHostPreTokenizer,
    PyNormalizedString, PyPreTokenizedString,
};
use super::tokenizer::PyTokenizer;
use super::{guard, to_py};
use crate::error::Error;
use crate::kernel::host::Host;
use crate::loading::components::Stage;
use crate::loading::host_stages::HostStage;
use crate::tokenizer::plan::{DETACH_MIN_BYTES, DETACH_MIN_IDS};
use crate::tokenizer::{Encoding, Tokenizer};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use std::sync::Arc;

/// (id, token, (start, end)) of `Model.tokenize`.
type ModelToken = (u32, String, (u32, u32));

#[pyclass(module = "ferrotok._core", name = "Component", frozen)]
pub struct PyComponent {
    tok: Arc<Tokenizer>,
    stage: Stage,
}

fn stage(name: &str) -> PyResult<Stage> {
    Stage::parse(name, "stage").map_err(to_py)
}

fn json(document: &str, argument: &str) -> PyResult<serde_json::Value> {
    serde_json::from_str(document)
        .map_err(|e| to_py(Error::argument(argument, format!("not valid JSON: {e}"))))
}

/// Run `f` without the GIL when `detach` says the work outweighs the hand-off.
fn maybe_detach<T: Send>(py: Python<'_>, detach: bool, f: impl FnOnce() -> T + Send) -> T {
    if detach {
        py.detach(f)
    } else {
        f()
    }
}

impl PyComponent {
    fn wrong_stage(&self, method: &str) -> PyErr {
        to_py(Error::argument(
            method,
            format!("not a method of a {}", self.stage.field()),
        ))
    }
}

#[pymethods]
impl PyComponent {
    /// The stage of `tokenizer` (None where it has none).
    #[staticmethod]
    fn of(tokenizer: &PyTokenizer, stage_name: &str) -> PyResult<Option<Self>> {
        let s = stage(stage_name)?;
        let tok = tokenizer.get();
        Ok(tok.has_stage(s).then_some(PyComponent { tok, stage: s }))
    }

    /// A stage made on its own from its tokenizer.json value.
    #[staticmethod]
    fn from_json(py: Python<'_>, stage_name: &str, document: &str) -> PyResult<Self> {
        let s = stage(stage_name)?;
        let v = json(document, stage_name)?;
        guard(|| {
            let tok = py
                .detach(|| Tokenizer::with_stage_alone(s, &v))
                .map_err(to_py)?;
            Ok(PyComponent {
                tok: Arc::new(tok),
                stage: s,
            })
        })
    }

    /// A stage written in Python: `obj.normalize(normalized)`, `obj.pre_tokenize(pretok)` or
    /// `obj.decode_chain(tokens)` (tokenizers' `Normalizer.custom(obj)` and friends).
    #[staticmethod]
    fn custom(stage_name: &str, obj: Py<PyAny>) -> PyResult<Self> {
        let s = stage(stage_name)?;
        let h = match s {
            Stage::Normalizer => HostStage::Normalizer(Host(Arc::new(PyHostNormalizer(obj)))),
            Stage::PreTokenizer => HostStage::PreTokenizer(Host(Arc::new(PyHostPreTokenizer(obj)))),
            Stage::Decoder => HostStage::Decoder(Host(Arc::new(PyHostDecoder(obj)))),
            Stage::Model | Stage::PostProcessor => {
                return Err(to_py(Error::argument(
                    stage_name,
                    "only a normalizer, pre-tokenizer or decoder can be written in Python",
                )))
            }
        };
        guard(|| {
            Ok(PyComponent {
                tok: Arc::new(Tokenizer::with_host_stage_alone(h).map_err(to_py)?),
                stage: s,
            })
        })
    }

    /// Normalize a `NormalizedString` in place (tokenizers' `Normalizer.normalize`).
    fn normalize(&self, normalized: &PyNormalizedString) -> PyResult<()> {
        let n = self
            .tok
            .normalizer()
            .ok_or_else(|| self.wrong_stage("normalize"))?;
        guard(|| normalize_in(n, normalized))
    }

    /// Pre-tokenize a `PreTokenizedString` in place (tokenizers' `PreTokenizer.pre_tokenize`).
    fn pre_tokenize(&self, pretok: &PyPreTokenizedString) -> PyResult<()> {
        let p = self
            .tok
            .pre_tokenizer()
            .ok_or_else(|| self.wrong_stage("pre_tokenize"))?;
        guard(|| pre_tokenize_in(p, pretok))
    }

    /// Set `tokenizer`'s stage to `component` (None removes it).
    #[staticmethod]
    fn assign(
        py: Python<'_>,
        tokenizer: &PyTokenizer,
        stage_name: &str,
        component: Option<&PyComponent>,
    ) -> PyResult<()> {
        let s = stage(stage_name)?;
        let value = match component {
            Some(c) if c.stage != s => {
                return Err(to_py(Error::argument(
                    stage_name,
                    format!("expected a {}, got a {}", s.field(), c.stage.field()),
                )))
            }
            Some(c) => {
                if let Some(h) = c.tok.host_stage(s) {
                    return guard(|| {
                        tokenizer
                            .try_update(py, |t| t.set_host_stage(h))
                            .map_err(to_py)
                    });
                }
                c.tok.stage_json(s).clone()
            }
            None => serde_json::Value::Null,
        };
        guard(|| {
            tokenizer
                .try_update(py, |t| t.replace_stage(s, &value))
                .map_err(to_py)
        })
    }

    /// "normalizer", "pre_tokenizer", "model", "post_processor" or "decoder".
    #[getter]
    fn stage(&self) -> &'static str {
        self.stage.field()
    }

    /// The stage's tokenizer.json value, as JSON text.
    fn to_json(&self) -> String {
        self.tok.stage_json(self.stage).to_string()
    }

    /// One parameter of the tokenizer.json value as JSON text (None where it has no such key).
    fn param(&self, name: &str) -> Option<String> {
        self.tok
            .stage_param(self.stage, name)
            .map(serde_json::Value::to_string)
    }

    fn normalize_str(&self, py: Python<'_>, sequence: &str) -> PyResult<String> {
        let n = self
            .tok
            .normalizer()
            .filter(|_| self.stage == Stage::Normalizer)
            .ok_or_else(|| self.wrong_stage("normalize_str"))?;
        guard(|| {
            maybe_detach(py, sequence.len() >= DETACH_MIN_BYTES, || {
                n.normalize_str(sequence)
            })
            .map_err(to_py)
        })
    }

    fn pre_tokenize_str(
        &self,
        py: Python<'_>,
        sequence: &str,
    ) -> PyResult<Vec<(String, (usize, usize))>> {
        let p = self
            .tok
            .pre_tokenizer()
            .filter(|_| self.stage == Stage::PreTokenizer)
            .ok_or_else(|| self.wrong_stage("pre_tokenize_str"))?;
        guard(|| {
            maybe_detach(py, sequence.len() >= DETACH_MIN_BYTES, || {
                p.pre_tokenize_str(sequence)
            })
            .map_err(to_py)
        })
    }

    fn decode(&self, py: Python<'_>, tokens: Vec<String>) -> PyResult<String> {
        let d = self
            .tok
            .decoder()
            .filter(|_| self.stage == Stage::Decoder)
            .ok_or_else(|| self.wrong_stage("decode"))?;
        guard(|| {
            maybe_detach(py, tokens.len() >= DETACH_MIN_IDS, || d.decode(tokens)).map_err(to_py)
        })
    }

    fn num_special_tokens_to_add(&self, is_pair: bool) -> PyResult<usize> {
        let p = self
            .tok
            .post_processor()
            .filter(|_| self.stage == Stage::PostProcessor)
            .ok_or_else(|| self.wrong_stage("num_special_tokens_to_add"))?;
        Ok(p.added_tokens(is_pair))
    }

    /// tokenizers' `PostProcessor.process`: special tokens added around `encoding` (and `pair`).
    #[pyo3(signature = (encoding, pair = None, add_special_tokens = true))]
    fn process(
        &self,
        encoding: &PyEncoding,
        pair: Option<&PyEncoding>,
        add_special_tokens: bool,
    ) -> PyResult<PyEncoding> {
        let p = self
            .tok
            .post_processor()
            .filter(|_| self.stage == Stage::PostProcessor)
            .ok_or_else(|| self.wrong_stage("process"))?;
        guard(|| {
            // Tokens are spelled by the tokenizer the encodings came from.
            let vocab = encoding.tokenizer.clone();
            let a: Encoding = encoding.encoding.clone();
            let b = pair.map(|e| e.encoding.clone());
            let n_sequences = if pair.is_some() { 2 } else { 1 };
            let e = p
                .process_pair(a, b, add_special_tokens, vocab.as_ref())
                .map_err(to_py)?;
            Ok(PyEncoding::new(vocab, e, None, n_sequences))
        })
    }

    fn token_to_id(&self, token: &str) -> Option<u32> {
        self.tok.model().token_to_id(token)
    }

    fn id_to_token(&self, id: u32) -> Option<String> {
        self.tok.model().id_to_token(id).map(str::to_string)
    }

    fn vocab_size(&self) -> usize {
        self.tok.model().vocab_size()
    }

    fn get_vocab<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (t, id) in self.tok.model().vocab() {
            d.set_item(t, id)?;
        }
        Ok(d)
    }

    /// The model's tokens of one word, as (id, token, (start, end)) with byte offsets into it.
    fn tokenize(&self, py: Python<'_>, sequence: &str) -> PyResult<Vec<ModelToken>> {
        let model = self.tok.model();
        guard(|| {
            let mut out = Vec::new();
            maybe_detach(py, sequence.len() >= DETACH_MIN_BYTES, || {
                model.tokenize(sequence, &mut out)
            })
            .map_err(to_py)?;
            Ok(out
                .into_iter()
                .map(|t| {
                    let value = model.token_value(sequence, &t).to_string();
                    (t.id, value, t.offsets)
                })
                .collect())
        })
    }
}
