//! What `Tokenizer` reports about itself and the settings it takes: model facts, added tokens, the
//! truncation and padding parameters.

use crate::added_tokens::AddedToken;
use crate::bindings::batch_io::side;
use crate::bindings::to_py;
use crate::models::Model;
use crate::postprocess::{PaddingParams, PaddingStrategy, TruncationParams, TruncationStrategy};
use crate::tokenizer::{Direction, Tokenizer};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

/// Read-only facts about the model, for code that inspects `tokenizer._tokenizer.model` (transformers'
/// token-classification pipeline reads `continuing_subword_prefix`).
#[pyclass(module = "ferrotok._core", name = "ModelInfo", frozen, get_all)]
pub struct PyModelInfo {
    #[pyo3(name = "type")]
    kind: &'static str,
    continuing_subword_prefix: Option<String>,
    end_of_word_suffix: Option<String>,
    unk_token: Option<String>,
}

pub(super) fn model_info(tok: &Tokenizer) -> PyModelInfo {
    match tok.model() {
        Model::WordPiece(m) => PyModelInfo {
            kind: "WordPiece",
            continuing_subword_prefix: Some(m.continuing_subword_prefix.clone()),
            end_of_word_suffix: None,
            unk_token: Some(m.unk_token.clone()),
        },
        Model::Bpe(m) => PyModelInfo {
            kind: "BPE",
            continuing_subword_prefix: m.continuing_subword_prefix.clone(),
            end_of_word_suffix: m.end_of_word_suffix.clone(),
            unk_token: m.unk_token.clone(),
        },
        Model::Unigram(m) => PyModelInfo {
            kind: "Unigram",
            continuing_subword_prefix: None,
            end_of_word_suffix: None,
            unk_token: m
                .unk_id
                .and_then(|id| m.id_to_token(id))
                .map(str::to_string),
        },
        Model::WordLevel(m) => PyModelInfo {
            kind: "WordLevel",
            continuing_subword_prefix: None,
            end_of_word_suffix: None,
            unk_token: Some(m.unk_token.clone()),
        },
        Model::Codes(_) => PyModelInfo {
            kind: "Codes",
            continuing_subword_prefix: None,
            end_of_word_suffix: None,
            unk_token: None,
        },
        Model::FastBpe(m) => PyModelInfo {
            kind: "FastBPE",
            continuing_subword_prefix: None,
            end_of_word_suffix: None,
            unk_token: Some(m.unk_token.clone()),
        },
        Model::SubwordJapanese(m) => PyModelInfo {
            kind: "SubwordJapanese",
            continuing_subword_prefix: None,
            end_of_word_suffix: None,
            unk_token: m
                .unk_id()
                .and_then(|id| m.id_to_token(id))
                .map(str::to_string),
        },
        Model::Mapped(m) => PyModelInfo {
            kind: "Mapped",
            continuing_subword_prefix: None,
            end_of_word_suffix: None,
            unk_token: Some(m.unk_token.clone()),
        },
        Model::DigitComma(m) => PyModelInfo {
            kind: "DigitComma",
            continuing_subword_prefix: None,
            end_of_word_suffix: None,
            unk_token: m.id_to_token(m.unk_id()).map(str::to_string),
        },
    }
}

/// tokenizers' `enable_truncation` arguments.
pub(super) fn truncation_params(
    max_length: usize,
    stride: usize,
    strategy: &str,
    direction: &str,
) -> PyResult<TruncationParams> {
    Ok(TruncationParams {
        max_length,
        stride,
        strategy: TruncationStrategy::parse(strategy).map_err(|_| {
            PyValueError::new_err(format!(
                "Unknown `strategy`: `{strategy}`. Use one of `longest_first`, `only_first`, or \
                 `only_second`"
            ))
        })?,
        direction: side(direction)?,
    })
}

/// tokenizers' `enable_padding` arguments: `length` None pads each batch to its longest row.
pub(super) fn padding_params(
    direction: &str,
    pad_id: u32,
    pad_type_id: u32,
    pad_token: &str,
    length: Option<usize>,
    pad_to_multiple_of: Option<usize>,
) -> PyResult<PaddingParams> {
    let params = PaddingParams {
        strategy: length.map_or(PaddingStrategy::BatchLongest, PaddingStrategy::Fixed),
        pad_to_multiple_of,
        direction: side(direction)?,
        pad_id,
        pad_type_id,
        pad_token: pad_token.to_string(),
    };
    params.validate().map_err(to_py)?;
    Ok(params)
}

/// The dicts given to `add_tokens` (`content` and the optional flags of `AddedToken`).
pub(super) fn added_tokens_from(tokens: &Bound<'_, PyAny>) -> PyResult<Vec<AddedToken>> {
    let mut list = Vec::new();
    for (i, item) in tokens.try_iter()?.enumerate() {
        let item = item?;
        let d = item.cast::<PyDict>().map_err(|_| {
            PyTypeError::new_err(format!("tokens[{i}]: expected a dict with a 'content' key"))
        })?;
        let content: String = d
            .get_item("content")?
            .ok_or_else(|| PyValueError::new_err(format!("tokens[{i}]: missing 'content'")))?
            .extract()?;
        let flag = |k: &str| -> PyResult<Option<bool>> {
            d.get_item(k)?.map(|v| v.extract::<bool>()).transpose()
        };
        let special = flag("special")?.unwrap_or(false);
        let mut t = AddedToken::new(&content, special);
        t.single_word = flag("single_word")?.unwrap_or(false);
        t.lstrip = flag("lstrip")?.unwrap_or(false);
        t.rstrip = flag("rstrip")?.unwrap_or(false);
        t.normalized = flag("normalized")?.unwrap_or(!special);
        list.push(t);
    }
    Ok(list)
}

/// The added tokens as dicts, by id.
pub(super) fn added_token_dicts<'py>(
    py: Python<'py>,
    tok: &Tokenizer,
) -> PyResult<Vec<Bound<'py, PyDict>>> {
    let mut v: Vec<_> = tok.added_vocabulary().tokens().collect();
    v.sort_by_key(|(id, _)| *id);
    v.into_iter()
        .map(|(id, t)| {
            let d = PyDict::new(py);
            d.set_item("id", id)?;
            d.set_item("content", &t.content)?;
            d.set_item("special", t.special)?;
            d.set_item("single_word", t.single_word)?;
            d.set_item("lstrip", t.lstrip)?;
            d.set_item("rstrip", t.rstrip)?;
            d.set_item("normalized", t.normalized)?;
            Ok(d)
        })
        .collect()
}

/// The truncation/padding defaults as `Tokenizer.defaults` returns them.
pub(super) fn defaults<'py>(
    py: Python<'py>,
    tok: &Tokenizer,
) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
    let dir = |d| {
        if d == Direction::Left {
            "left"
        } else {
            "right"
        }
    };
    let t = match &tok.truncation {
        Some(p) => (p.max_length, p.stride, p.strategy.name(), dir(p.direction))
            .into_pyobject(py)?
            .into_any(),
        None => py.None().into_bound(py),
    };
    let p = match &tok.padding {
        Some(p) => {
            let len = match p.strategy {
                PaddingStrategy::Fixed(n) => Some(n),
                PaddingStrategy::BatchLongest => None,
            };
            PyTuple::new(
                py,
                [
                    len.into_pyobject(py)?.into_any(),
                    p.pad_to_multiple_of.into_pyobject(py)?.into_any(),
                    dir(p.direction).into_pyobject(py)?.into_any(),
                    p.pad_id.into_pyobject(py)?.into_any(),
                    p.pad_type_id.into_pyobject(py)?.into_any(),
                    p.pad_token.as_str().into_pyobject(py)?.into_any(),
                ],
            )?
            .into_any()
        }
        None => py.None().into_bound(py),
    };
    Ok((t, p))
}
