//! Batches: parallel encoding, padding, and the flat int64 buffers handed to numpy without copying.

use super::parallel;
use super::{EncodeOptions, Encoding, InputSequence, Tokenizer};
use crate::error::{Error, Result};
use crate::kernel::Direction;
use crate::postprocess::PaddingParams;
use rayon::prelude::*;
use std::sync::Mutex;

/// One batch item: a sequence and an optional pair.
pub type BatchInput<'a> = (InputSequence<'a>, Option<InputSequence<'a>>);

/// Below this many bytes of text a batch runs on the calling thread: handing work to the pool would
/// cost more than it saves.
const PARALLEL_MIN_BYTES: usize = 16 * 1024;

/// Padded arrays of at least this many cells are filled on the pool.
const PARALLEL_MIN_CELLS: usize = 16 * 1024;

/// Text bytes of one sequence (raw text or the sum of its words).
fn input_bytes(i: &InputSequence<'_>) -> usize {
    match i {
        InputSequence::Raw(s) => s.len(),
        InputSequence::Words(w) => w.iter().map(|s| s.len()).sum(),
    }
}

/// Text bytes of one batch item, pair included.
pub fn item_bytes((a, b): &BatchInput<'_>) -> usize {
    input_bytes(a) + b.as_ref().map_or(0, input_bytes)
}

/// Only large batches go to the pool: for a few short texts the hand-off costs more than it saves.
pub fn worth_parallel(inputs: &[BatchInput<'_>]) -> bool {
    let bytes: usize = inputs.iter().map(item_bytes).sum();
    inputs.len() > 1 && bytes >= PARALLEL_MIN_BYTES
}

impl Tokenizer {
    /// Encode a batch (in parallel when it is large enough); padding, when asked, goes to the longest row
    /// or the fixed length for every row.
    pub fn encode_batch(
        &self,
        inputs: &[BatchInput<'_>],
        opts: &EncodeOptions,
    ) -> Result<Vec<Encoding>> {
        self.encode_batch_owned(inputs, opts).map(|(e, _)| e)
    }

    /// `encode_batch`, and for each encoding the pool worker that made it (`parallel::worker_index`),
    /// for `parallel::drop_on_owners`.
    pub fn encode_batch_owned(
        &self,
        inputs: &[BatchInput<'_>],
        opts: &EncodeOptions,
    ) -> Result<(Vec<Encoding>, Vec<u16>)> {
        let single = EncodeOptions {
            padding: None,
            ..opts.clone()
        };
        let pool = if worth_parallel(inputs) && !self.has_host_stages() {
            parallel::pool()
        } else {
            None
        };
        let (mut encodings, owners) = match pool {
            Some(pool) => pool.install(|| {
                // Indexed: each worker writes its rows straight into their final slots. Collecting
                // `Result`s instead goes through a linked list of pieces appended (and then unzipped) on
                // one thread, a serial pass over every row.
                let failed: Mutex<Option<(usize, Error)>> = Mutex::new(None);
                let mut encodings = Vec::new();
                let mut owners = Vec::new();
                inputs
                    .par_iter()
                    .enumerate()
                    .map(|(i, (a, b))| match self.encode(*a, *b, &single) {
                        Ok(e) => (e, parallel::worker_index()),
                        Err(err) => {
                            keep_first_error(&failed, i, err);
                            (Encoding::default(), parallel::NOT_A_WORKER)
                        }
                    })
                    .unzip_into_vecs(&mut encodings, &mut owners);
                match failed.into_inner().unwrap_or_else(|e| e.into_inner()) {
                    Some((_, err)) => Err(err),
                    None => Ok((encodings, owners)),
                }
            })?,
            None => {
                // Sized up front: a `Result` collect grows the vector by doubling, copying every row
                // again at each step.
                let mut encodings = Vec::with_capacity(inputs.len());
                for (a, b) in inputs {
                    encodings.push(self.encode(*a, *b, &single)?);
                }
                let owners = vec![parallel::NOT_A_WORKER; encodings.len()];
                (encodings, owners)
            }
        };
        if let Some(p) = &opts.padding {
            pad_encodings(&mut encodings, p)?;
        }
        Ok((encodings, owners))
    }
}

/// Keep the error of the earliest input, so a parallel batch fails like a serial one would.
fn keep_first_error(slot: &Mutex<Option<(usize, Error)>>, index: usize, err: Error) {
    let mut guard = slot.lock().unwrap_or_else(|e| e.into_inner());
    if guard.as_ref().is_none_or(|(first, _)| index < *first) {
        *guard = Some((index, err));
    }
}

/// Most token cells a padded batch may hold (rows × length): far beyond any real batch (32 GiB per
/// int64 array), it turns an absurd `max_length` into an error instead of an allocation abort.
const MAX_PADDED_CELLS: usize = 1 << 32;

fn check_padded_size(rows: usize, cols: usize) -> Result<()> {
    match rows.max(1).checked_mul(cols) {
        Some(cells) if cells <= MAX_PADDED_CELLS => Ok(()),
        _ => Err(Error::argument(
            "max_length",
            format!("padding {rows} rows to {cols} tokens is too large a batch"),
        )),
    }
}

/// Pad every encoding (and its overflowing windows) to the batch's target length.
pub fn pad_encodings(encodings: &mut [Encoding], p: &PaddingParams) -> Result<()> {
    p.validate()?;
    let longest = encodings.iter().map(|e| e.len()).max().unwrap_or(0);
    let target = p.target_length(longest);
    let rows = encodings.iter().map(|e| 1 + e.overflowing.len()).sum();
    check_padded_size(rows, target)?;
    for e in encodings {
        e.pad(target, p.pad_id, p.pad_type_id, p.direction);
    }
    Ok(())
}

/// Which arrays to fill.
#[derive(Debug, Clone, Copy, Default)]
pub struct ArrayFields {
    pub type_ids: bool,
    pub attention_mask: bool,
    pub special_tokens_mask: bool,
    pub offsets: bool,
    pub length: bool,
}

/// A padded batch as flat, C-ordered int64 buffers of `rows × cols` (offsets: `rows × cols × 2`).
#[derive(Debug, Default)]
pub struct BatchArrays {
    pub rows: usize,
    pub cols: usize,
    pub input_ids: Vec<i64>,
    pub type_ids: Option<Vec<i64>>,
    pub attention_mask: Option<Vec<i64>>,
    pub special_tokens_mask: Option<Vec<i64>>,
    pub offsets: Option<Vec<i64>>,
    pub length: Option<Vec<i64>>,
    /// Row → index of the input it came from (rows include overflowing windows).
    pub overflow_to_sample: Vec<i64>,
}

/// The rows of a batch: each encoding, followed by its overflowing windows when `overflow` is set.
pub fn rows(encodings: &[Encoding], overflow: bool) -> Vec<(&Encoding, usize)> {
    let mut out = Vec::with_capacity(encodings.len());
    for (i, e) in encodings.iter().enumerate() {
        out.push((e, i));
        if overflow {
            out.extend(e.overflowing.iter().map(|o| (o, i)));
        }
    }
    out
}

/// Write unpadded encodings into padded flat buffers. Padding follows `padding` (pad id, side, length);
/// without padding every row must already have the same length (else a ValueError, like transformers).
pub fn to_arrays(
    encodings: &[Encoding],
    overflow: bool,
    padding: Option<&PaddingParams>,
    fields: ArrayFields,
) -> Result<BatchArrays> {
    let rows = rows(encodings, overflow);
    let longest = rows.iter().map(|(e, _)| e.len()).max().unwrap_or(0);
    let (cols, pad_id, pad_type, dir) = match padding {
        Some(p) => {
            p.validate()?;
            (
                p.target_length(longest),
                p.pad_id as i64,
                p.pad_type_id as i64,
                p.direction,
            )
        }
        None => (longest, 0, 0, Direction::Right),
    };
    // Without padding every row must already be `cols` long; with it, no row may exceed `cols`.
    let bad = |e: &&Encoding| {
        if padding.is_some() {
            e.len() > cols
        } else {
            e.len() != cols
        }
    };
    if let Some((e, _)) = rows.iter().find(|(e, _)| bad(e)) {
        let why = if padding.is_some() {
            "a row is longer than the padding length"
        } else {
            "rows have different lengths"
        };
        return Err(Error::argument(
            "return_tensors",
            format!(
                "Unable to create tensor: {why} ({} vs {cols} tokens); use padding=True or \
                 truncation=True to have batched tensors with the same length",
                e.len()
            ),
        ));
    }
    let n = rows.len();
    check_padded_size(n, cols)?;
    let mut out = BatchArrays {
        rows: n,
        cols,
        input_ids: Vec::new(),
        type_ids: None,
        attention_mask: None,
        special_tokens_mask: None,
        offsets: None,
        length: fields.length.then(|| Vec::with_capacity(n)),
        overflow_to_sample: rows.iter().map(|(_, i)| *i as i64).collect(),
    };
    let start_of = |e: &Encoding| {
        if dir == Direction::Left {
            cols - e.len()
        } else {
            0
        }
    };
    // A buffer of `width` cells per token, every cell `pad`, then each row's tokens written over it. On
    // the pool both passes are parallel: left serial, the copies were a fifth of a batch's time and
    // capped what a second thread could gain.
    let filled = |parallel: bool,
                  pad: i64,
                  width: usize,
                  write: &(dyn Fn(&Encoding, &mut [i64]) + Sync)|
     -> Vec<i64> {
        let total = n * cols * width;
        let row = |(chunk, (e, _)): (&mut [i64], &(&Encoding, usize))| {
            let s = start_of(e) * width;
            if let Some(dst) = chunk.get_mut(s..s + e.len() * width) {
                write(e, dst);
            }
        };
        let mut buf = Vec::with_capacity(total);
        if parallel && cols > 0 {
            buf.par_extend(rayon::iter::repeat_n(pad, total));
            buf.par_chunks_mut(cols * width)
                .zip(rows.par_iter())
                .for_each(row);
        } else {
            buf.resize(total, pad);
            if cols > 0 {
                buf.chunks_mut(cols * width).zip(rows.iter()).for_each(row);
            }
        }
        buf
    };
    let copy = |get: fn(&Encoding) -> &[u32]| {
        move |e: &Encoding, dst: &mut [i64]| {
            for (d, &s) in dst.iter_mut().zip(get(e)) {
                *d = i64::from(s);
            }
        }
    };
    let offsets = |e: &Encoding, dst: &mut [i64]| {
        for (d, &(s, t)) in dst.chunks_mut(2).zip(&e.offsets) {
            if let [a, b] = d {
                *a = s as i64;
                *b = t as i64;
            }
        }
    };
    let mut build = |parallel: bool| {
        out.input_ids = filled(parallel, pad_id, 1, &copy(|e| &e.ids));
        out.type_ids = fields
            .type_ids
            .then(|| filled(parallel, pad_type, 1, &copy(|e| &e.type_ids)));
        out.attention_mask = fields
            .attention_mask
            .then(|| filled(parallel, 0, 1, &copy(|e| &e.attention_mask)));
        out.special_tokens_mask = fields
            .special_tokens_mask
            .then(|| filled(parallel, 1, 1, &copy(|e| &e.special_tokens_mask)));
        out.offsets = fields.offsets.then(|| filled(parallel, 0, 2, &offsets));
    };
    // One entry into the pool for all the fields.
    match (n * cols >= PARALLEL_MIN_CELLS)
        .then(parallel::pool)
        .flatten()
    {
        Some(p) => p.install(|| build(true)),
        None => build(false),
    }
    if let Some(l) = out.length.as_mut() {
        // transformers reports the padded length of each row.
        l.extend(rows.iter().map(|_| cols as i64));
    }
    Ok(out)
}
