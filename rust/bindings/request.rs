//! `ferrotok._core.EncodeRequest`: the typed options of a batch call, built once by the Python layer
//! (which resolves transformers' and tokenizers' defaults) and reused by every call with the same options.

use super::convert::direction;
use super::to_py;
use crate::postprocess::{PaddingParams, PaddingStrategy, TruncationParams, TruncationStrategy};
use crate::tokenizer::batch::ArrayFields;
use crate::tokenizer::plan::{BatchRequest, Output};
use crate::tokenizer::EncodeOptions;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

#[pyclass(module = "ferrotok._core", name = "EncodeRequest", frozen)]
pub struct PyEncodeRequest {
    pub request: BatchRequest,
    /// `request` with byte offsets, when the call returns no offsets: inputs that map straight onto
    /// Python's strings then leave the char conversion to the rows that are asked for it later.
    pub bytes_request: Option<BatchRequest>,
    pub is_pretokenized: bool,
    /// One input given alone (not in a list): list fields are its row, not a list of one row.
    pub unbatched: bool,
}

#[pymethods]
impl PyEncodeRequest {
    /// Keyword names follow transformers' `__call__`; `truncation` and `padding` are resolved strategies
    /// (None: off). `max_length` is the truncation limit and, with `padding="max_length"`, the padded
    /// length unless `pad_length` gives another. `unbatched`: the input is one text given alone, and
    /// list fields hold its row rather than a list of one row. `return_tensors="np"` asks for int64 arrays, None for lists.
    /// `split_special_tokens`: tokenize special tokens in the text as text (True) or match them (False);
    /// None follows the tokenizer's `encode_special_tokens`. `skip_added_tokens`: match no added token at
    /// all (the text runs through the pipeline as if there were none). `keep_cut_tokens`: keep what
    /// truncation cuts (in windows of `max_length` with `stride`) for `Encodings.cut_ids`, without rows of its own.
    #[new]
    #[allow(clippy::too_many_arguments)]
    #[pyo3(signature = (*, is_pretokenized = false, add_special_tokens = true, truncation = None,
                        max_length = None, stride = 0, truncation_side = "right", padding = None,
                        pad_length = None, pad_to_multiple_of = None, padding_side = "right",
                        pad_id = 0, pad_type_id = 0,
                        pad_token = String::new(), return_tensors = None,
                        return_overflowing_tokens = false, return_token_type_ids = false,
                        return_attention_mask = false, return_special_tokens_mask = false,
                        return_offsets_mapping = false, return_length = false, keep_cut_tokens = false, unbatched = false,
                        split_special_tokens = None, skip_added_tokens = false))]
    fn new(
        is_pretokenized: bool,
        add_special_tokens: bool,
        truncation: Option<&str>,
        max_length: Option<usize>,
        stride: usize,
        truncation_side: &str,
        padding: Option<&str>,
        pad_length: Option<usize>,
        pad_to_multiple_of: Option<usize>,
        padding_side: &str,
        pad_id: u32,
        pad_type_id: u32,
        pad_token: String,
        return_tensors: Option<&str>,
        return_overflowing_tokens: bool,
        return_token_type_ids: bool,
        return_attention_mask: bool,
        return_special_tokens_mask: bool,
        return_offsets_mapping: bool,
        return_length: bool,
        keep_cut_tokens: bool,
        unbatched: bool,
        split_special_tokens: Option<bool>,
        skip_added_tokens: bool,
    ) -> PyResult<Self> {
        let truncation = match truncation {
            None => None,
            Some(strategy) => Some(TruncationParams {
                max_length: max_length.ok_or_else(|| {
                    PyValueError::new_err("max_length: truncation needs a max_length")
                })?,
                stride,
                strategy: TruncationStrategy::parse(strategy).map_err(to_py)?,
                direction: direction(truncation_side, "truncation_side")?,
            }),
        };
        let strategy = match padding {
            None => None,
            Some("longest") => Some(PaddingStrategy::BatchLongest),
            Some("max_length") => Some(PaddingStrategy::Fixed(
                pad_length.or(max_length).ok_or_else(|| {
                    PyValueError::new_err("max_length: padding='max_length' needs a max_length")
                })?,
            )),
            Some(other) => {
                return Err(PyValueError::new_err(format!(
                    "padding: expected 'longest', 'max_length' or None, got {other:?}"
                )))
            }
        };
        let padding = match strategy {
            None => None,
            Some(strategy) => {
                let p = PaddingParams {
                    strategy,
                    pad_to_multiple_of,
                    direction: direction(padding_side, "padding_side")?,
                    pad_id,
                    pad_type_id,
                    pad_token,
                };
                p.validate().map_err(to_py)?;
                Some(p)
            }
        };
        let output = match return_tensors {
            None => Output::Rows,
            Some("np") => Output::Arrays,
            Some(other) => {
                return Err(PyValueError::new_err(format!(
                    "return_tensors: expected 'np' or None, got {other:?}"
                )))
            }
        };
        let request = BatchRequest {
            opts: EncodeOptions {
                add_special_tokens,
                truncation,
                padding: None,
                char_offsets: true,
                drop_overflow: !(return_overflowing_tokens || keep_cut_tokens),
                split_special_tokens,
                skip_added_tokens,
            },
            padding,
            overflow: return_overflowing_tokens,
            keep_cut: keep_cut_tokens,
            output,
            fields: ArrayFields {
                type_ids: return_token_type_ids,
                attention_mask: return_attention_mask,
                special_tokens_mask: return_special_tokens_mask,
                offsets: return_offsets_mapping,
                length: return_length,
            },
        };
        let bytes_request = (!return_offsets_mapping).then(|| BatchRequest {
            opts: EncodeOptions {
                char_offsets: false,
                ..request.opts.clone()
            },
            ..request.clone()
        });
        Ok(PyEncodeRequest {
            request,
            bytes_request,
            is_pretokenized,
            unbatched,
        })
    }
}
