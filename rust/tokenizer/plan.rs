//! How a batch call runs: which execution strategy, where the pool is entered, where a caller may stop
//! it, and in what order its output is handed over.
//!
//! The caller (the Python binding) only converts types: it implements [`BatchSink`] to release its lock
//! around long work, to look for interruptions between pieces, and to turn rows into its own objects.
//! Three strategies, chosen by [`run_batch`]:
//! - rows, on more than one thread, unpadded and without overflow, when no other large batch is under
//!   way: the pool encodes pieces while the calling thread hands finished ones to the sink, in order
//!   (`overlap::encode_overlapped`);
//! - arrays of one large chunk: encoding and filling the arrays in a single pool entry;
//! - otherwise chunks of bounded size (a checkpoint after each), then arrays, rows or bare encodings.

use super::batch::{item_bytes, pad_encodings, rows, to_arrays, worth_parallel};
use super::batch::{ArrayFields, BatchArrays, BatchInput};
use super::parallel::{in_pool, pool};
use super::{overlap, Direction, EncodeOptions, Encoding, Tokenizer};
use crate::error::Error;
use crate::postprocess::PaddingParams;

/// Inputs per chunk encoded without the caller's lock: between chunks the sink's checkpoint runs.
const CHUNK: usize = 4096;
/// Text bytes per chunk, so a chunk of long documents also ends within a fraction of a second.
const CHUNK_BYTES: usize = 1 << 20;

/// When a call releases the caller's lock (Python's GIL) around its work: from this many bytes of text,
/// or this many inputs. Below both, the work runs with the lock held. Releasing and re-taking the GIL
/// hands it to another Python thread whenever one is waiting, and taking it back then means waiting for
/// that thread to let go: two context switches and a cold cache, longer than encoding a short line. A
/// service whose threads each encode one short text per call spent more time passing the GIL around than
/// encoding (calls per second fell as threads were added). From a few KiB (tens of microseconds of
/// encoding) what the other threads gain outweighs the hand-off.
///
/// Measured (benches/bench_threads.py, 8 threads sharing one tokenizer, one short line per call, run at
/// real-time priority so that waiting threads wake at once as on an idle machine): with the GIL kept,
/// 0.95 – 1.0× the 1-thread calls per second; with every call releasing it, 0.22× (GPT-2 `encode`) to
/// 0.5× (BERT pairs), at 1 – 3 voluntary context switches per call instead of 0.01.
///
/// What the caller does with the result can hand the GIL over all the same: torch releases the GIL
/// whenever a tensor object is freed (`THPVariable_clear` wraps the C++ reset in `PyEval_SaveThread`),
/// and a tensor made by `torch.from_numpy` takes it again in its storage's deleter to drop the array.
/// Single calls returning torch tensors therefore fall with threads whatever this rule says; numpy
/// arrays and lists do not.
pub const DETACH_MIN_BYTES: usize = 4 * 1024;
pub const DETACH_MIN_INPUTS: usize = 64;
/// The same rule for decoding: from this many ids (a few KiB of text) the lock is released.
pub const DETACH_MIN_IDS: usize = 1024;

/// Whether work on `inputs` is long enough to release the caller's lock (`DETACH_MIN_BYTES`).
pub fn worth_detaching(inputs: &[BatchInput<'_>]) -> bool {
    inputs.len() >= DETACH_MIN_INPUTS
        || inputs.iter().map(item_bytes).sum::<usize>() >= DETACH_MIN_BYTES
}

/// `sink.detached(f)` when `release`, else `f()` with the lock kept.
fn maybe_detached<S: BatchSink, R: Send>(
    sink: &S,
    release: bool,
    f: impl FnOnce() -> R + Send,
) -> R {
    if release {
        sink.detached(f)
    } else {
        f()
    }
}

/// What the caller builds from a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// Padded flat int64 buffers (`BatchArrays`), one per field.
    Arrays,
    /// One `BatchSink::row` call per output row, in order (padded when padding is asked).
    Rows,
    /// Only the encodings (padded when padding is asked), as `tokenizers.Encoding` objects need them.
    Encodings,
}

/// One batch call: encoding options, padding, the overflow rows and the output wanted.
#[derive(Debug, Clone)]
pub struct BatchRequest {
    /// Per-input options; its `padding` is ignored (padding is a batch matter, `padding` below).
    pub opts: EncodeOptions,
    pub padding: Option<PaddingParams>,
    /// Overflowing windows become rows of their own (`return_overflowing_tokens`).
    pub overflow: bool,
    /// Truncated tokens stay in each encoding's overflow windows without becoming rows (transformers'
    /// Python classes return them as `overflowing_tokens`, read through `Encodings::cut_ids`).
    pub keep_cut: bool,
    pub output: Output,
    /// The fields beyond the ids (arrays and rows).
    pub fields: ArrayFields,
}

/// Padding that only the arrays carry: the encodings stay unpadded and row views pad on the fly.
#[derive(Debug, Clone, Copy)]
pub struct LazyPad {
    pub cols: usize,
    pub direction: Direction,
    pub pad_id: u32,
    pub pad_type_id: u32,
}

/// The result of a batch call.
#[derive(Debug, Default)]
pub struct BatchOutput {
    /// One encoding per input (overflowing windows inside), in input order.
    pub encodings: Vec<Encoding>,
    /// The pool worker that made each encoding (`parallel::drop_on_owners`).
    pub owners: Vec<u16>,
    /// With `Output::Arrays`.
    pub arrays: Option<BatchArrays>,
    /// With `Output::Arrays` and padding.
    pub lazy_pad: Option<LazyPad>,
}

/// The caller's side of a batch call.
pub trait BatchSink {
    type Error: From<Error>;

    /// Run `f` with the caller's lock released (Python's GIL), for work that does not touch its objects.
    fn detached<R: Send>(&self, f: impl FnOnce() -> R + Send) -> R;

    /// Called between pieces of work: an error (a Ctrl-C) stops the batch.
    fn checkpoint(&mut self) -> Result<(), Self::Error>;

    /// Whether `adjust` changes anything (when not, arrays may be filled on the pool with the encoding).
    fn adjusts(&self) -> bool {
        false
    }

    /// Fix the encoding of input `index` before it is output (offsets mapped back onto the caller's
    /// strings).
    fn adjust(&self, _index: usize, _e: &mut Encoding) {}

    /// One output row (`Output::Rows`), in order.
    fn row(&mut self, e: &Encoding) -> Result<(), Self::Error>;
}

/// End of the chunk starting at `start`: at most `CHUNK` inputs and about `CHUNK_BYTES` of text
/// (at least one input).
fn chunk_end(inputs: &[BatchInput<'_>], start: usize) -> usize {
    let mut bytes = 0;
    let mut end = start;
    for item in inputs.iter().skip(start).take(CHUNK) {
        bytes += item_bytes(item);
        end += 1;
        if bytes >= CHUNK_BYTES {
            break;
        }
    }
    end
}

/// Run a batch call (see the module's notes for the strategies).
pub fn run_batch<S: BatchSink>(
    tok: &Tokenizer,
    inputs: &[BatchInput<'_>],
    req: &BatchRequest,
    sink: &mut S,
) -> Result<BatchOutput, S::Error> {
    let opts = EncodeOptions {
        padding: None,
        drop_overflow: !(req.overflow || req.keep_cut),
        ..req.opts.clone()
    };
    let (padding, overflow) = (req.padding.as_ref(), req.overflow);
    // Only large batches are counted: a shared counter touched by every short call would be one more
    // cache line passed between serving threads.
    let large = inputs.len() >= overlap::MIN;
    let _counted = large.then(overlap::Active::enter);
    if req.output == Output::Rows
        && padding.is_none()
        && !overflow
        && large
        && overlap::Active::alone()
        && !tok.has_host_stages()
    {
        if let Some(pool) = pool() {
            let (encodings, owners) =
                overlap::encode_overlapped(pool.rayon(), tok, inputs, &opts, sink)?;
            return Ok(BatchOutput {
                encodings,
                owners,
                ..BatchOutput::default()
            });
        }
    }
    if req.output == Output::Arrays
        && !sink.adjusts()
        && chunk_end(inputs, 0) == inputs.len()
        && worth_parallel(inputs)
        && !tok.has_host_stages()
    {
        // One large chunk: encode and fill the arrays in a single pool entry.
        let (encodings, owners, arrays) = sink.detached(|| {
            in_pool(|| {
                let (e, o) = tok.encode_batch_owned(inputs, &opts)?;
                let a = to_arrays(&e, overflow, padding, req.fields)?;
                Ok::<_, Error>((e, o, a))
            })
        })?;
        return Ok(BatchOutput {
            encodings,
            owners,
            lazy_pad: padding.map(|p| lazy(p, arrays.cols)),
            arrays: Some(arrays),
        });
    }
    let release = worth_detaching(inputs);
    let mut encodings: Vec<Encoding> = Vec::with_capacity(inputs.len());
    let mut owners: Vec<u16> = Vec::with_capacity(inputs.len());
    let mut start = 0;
    while start < inputs.len() {
        let end = chunk_end(inputs, start);
        let chunk = inputs.get(start..end).unwrap_or_default();
        let (part, made_by) =
            maybe_detached(sink, release, || tok.encode_batch_owned(chunk, &opts))?;
        encodings.extend(part);
        owners.extend(made_by);
        start = end;
        sink.checkpoint()?;
    }
    if sink.adjusts() {
        for (i, e) in encodings.iter_mut().enumerate() {
            sink.adjust(i, e);
        }
    }
    let mut out = BatchOutput {
        encodings,
        owners,
        ..BatchOutput::default()
    };
    match req.output {
        Output::Arrays => {
            let encodings = &out.encodings;
            let arrays = maybe_detached(sink, release, || {
                to_arrays(encodings, overflow, padding, req.fields)
            })?;
            out.lazy_pad = padding.map(|p| lazy(p, arrays.cols));
            out.arrays = Some(arrays);
        }
        Output::Rows | Output::Encodings => {
            if let Some(p) = padding {
                pad_encodings(&mut out.encodings, p)?;
            }
            if req.output == Output::Rows {
                for (e, _) in rows(&out.encodings, overflow) {
                    sink.row(e)?;
                }
            }
        }
    }
    Ok(out)
}

fn lazy(p: &PaddingParams, cols: usize) -> LazyPad {
    LazyPad {
        cols,
        direction: p.direction,
        pad_id: p.pad_id,
        pad_type_id: p.pad_type_id,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokenizer::InputSequence;

    /// A sink that records rows and checkpoints, and can fail at a given checkpoint.
    #[derive(Default)]
    struct Recorder {
        rows: Vec<Vec<u32>>,
        checkpoints: usize,
        fail_at: Option<usize>,
        detaches: std::cell::Cell<usize>,
    }

    impl BatchSink for Recorder {
        type Error = Error;
        fn detached<R: Send>(&self, f: impl FnOnce() -> R + Send) -> R {
            self.detaches.set(self.detaches.get() + 1);
            f()
        }
        fn checkpoint(&mut self) -> Result<(), Error> {
            self.checkpoints += 1;
            match self.fail_at {
                Some(n) if self.checkpoints >= n => Err(Error::argument("interrupt", "stop")),
                _ => Ok(()),
            }
        }
        fn row(&mut self, e: &Encoding) -> Result<(), Error> {
            self.rows.push(e.ids.clone());
            Ok(())
        }
    }

    use crate::tokenizer::bert_fixture as tokenizer;

    fn request(output: Output, padding: Option<PaddingParams>) -> BatchRequest {
        BatchRequest {
            opts: EncodeOptions::default(),
            padding,
            overflow: false,
            keep_cut: false,
            output,
            fields: ArrayFields {
                attention_mask: true,
                ..ArrayFields::default()
            },
        }
    }

    fn pad_longest() -> PaddingParams {
        PaddingParams {
            strategy: crate::postprocess::PaddingStrategy::BatchLongest,
            pad_to_multiple_of: None,
            direction: Direction::Right,
            pad_id: 0,
            pad_type_id: 0,
            pad_token: "[UNK]".into(),
        }
    }

    #[test]
    fn every_output_kind_gives_the_same_rows() {
        let tok = tokenizer();
        let texts: Vec<String> = (0..600)
            .map(|i| "hello world, tokenizers ".repeat(i % 5 + 1))
            .collect();
        let inputs: Vec<BatchInput<'_>> = texts
            .iter()
            .map(|t| (InputSequence::Raw(t.as_str()), None))
            .collect();
        let expected: Vec<Vec<u32>> = texts
            .iter()
            .map(|t| {
                let e = tok.encode(InputSequence::Raw(t), None, &EncodeOptions::default());
                e.map(|e| e.ids).unwrap_or_default()
            })
            .collect();
        let mut rows = Recorder::default();
        let out = run_batch(&tok, &inputs, &request(Output::Rows, None), &mut rows);
        assert_eq!(out.map(|o| o.encodings.len()).ok(), Some(600));
        assert_eq!(rows.rows, expected);

        let mut sink = Recorder::default();
        let out = run_batch(
            &tok,
            &inputs,
            &request(Output::Arrays, Some(pad_longest())),
            &mut sink,
        )
        .unwrap_or_default();
        let arrays = out.arrays.unwrap_or_default();
        assert_eq!(arrays.rows, 600);
        for (k, want) in expected.iter().enumerate() {
            let row = &arrays.input_ids[k * arrays.cols..(k + 1) * arrays.cols];
            let got: Vec<u32> = row.iter().take(want.len()).map(|&v| v as u32).collect();
            assert_eq!(&got, want);
        }
        assert!(out.lazy_pad.is_some_and(|p| p.cols == arrays.cols));
        assert!(sink.rows.is_empty());

        let mut sink = Recorder::default();
        let out = run_batch(
            &tok,
            &inputs,
            &request(Output::Encodings, Some(pad_longest())),
            &mut sink,
        )
        .unwrap_or_default();
        assert!(out.encodings.iter().all(|e| e.len() == arrays.cols));
        assert!(sink.rows.is_empty());
    }

    #[test]
    fn kept_cut_tokens_stay_in_the_encoding_without_rows() {
        let tok = tokenizer();
        let text = "hello world ".repeat(6);
        let inputs: Vec<BatchInput<'_>> = vec![(InputSequence::Raw(text.as_str()), None)];
        let specials = EncodeOptions {
            add_special_tokens: true,
            ..EncodeOptions::default()
        };
        let whole = tok
            .encode(InputSequence::Raw(&text), None, &specials)
            .map(|e| e.ids)
            .unwrap_or_default();
        let mut req = request(Output::Rows, None);
        req.opts.add_special_tokens = true;
        req.opts.truncation = Some(crate::postprocess::TruncationParams {
            max_length: 5,
            stride: 0,
            strategy: crate::postprocess::TruncationStrategy::OnlyFirst,
            direction: Direction::Right,
        });
        for keep_cut in [false, true] {
            req.keep_cut = keep_cut;
            let mut sink = Recorder::default();
            let out = run_batch(&tok, &inputs, &req, &mut sink).unwrap_or_default();
            assert_eq!(sink.rows.len(), 1);
            let e = &out.encodings[0];
            let cut: Vec<u32> = e
                .overflowing
                .iter()
                .flat_map(|w| w.ids.iter().zip(&w.sequence_ids))
                .filter(|(_, s)| **s == Some(0))
                .map(|(id, _)| *id)
                .collect();
            let kept: Vec<u32> = e
                .ids
                .iter()
                .zip(&e.sequence_ids)
                .filter(|(_, s)| **s == Some(0))
                .map(|(id, _)| *id)
                .collect();
            if keep_cut {
                assert_eq!([kept, cut].concat(), whole[1..whole.len() - 1]);
            } else {
                assert!(e.overflowing.is_empty());
            }
        }
    }

    #[test]
    fn a_failed_checkpoint_stops_the_batch() {
        let tok = tokenizer();
        let text = "hello world ".repeat(10);
        let inputs: Vec<BatchInput<'_>> = (0..CHUNK * 2 + 1)
            .map(|_| (InputSequence::Raw(text.as_str()), None))
            .collect();
        let mut sink = Recorder {
            fail_at: Some(1),
            ..Recorder::default()
        };
        let out = run_batch(&tok, &inputs, &request(Output::Encodings, None), &mut sink);
        assert!(out.is_err());
        assert_eq!(sink.checkpoints, 1);
    }

    #[test]
    fn short_calls_keep_the_lock_and_long_ones_release_it() {
        let tok = tokenizer();
        let short = "a short line of text";
        let long = "word ".repeat(DETACH_MIN_BYTES / 5 + 1);
        let cases = [
            (vec![short], false),
            (vec![short; DETACH_MIN_INPUTS - 1], false),
            (vec![short; DETACH_MIN_INPUTS], true),
            (vec![long.as_str()], true),
        ];
        for (texts, release) in cases {
            let inputs: Vec<BatchInput<'_>> = texts
                .iter()
                .map(|t| (InputSequence::Raw(t), None))
                .collect();
            assert_eq!(worth_detaching(&inputs), release, "{} inputs", inputs.len());
            for output in [Output::Arrays, Output::Encodings] {
                let mut sink = Recorder::default();
                let out = run_batch(
                    &tok,
                    &inputs,
                    &request(output, Some(pad_longest())),
                    &mut sink,
                );
                assert_eq!(out.map(|o| o.encodings.len()).ok(), Some(inputs.len()));
                assert_eq!(
                    sink.detaches.get() > 0,
                    release,
                    "{output:?}, {} inputs",
                    inputs.len()
                );
            }
        }
    }
}
