//! Encoding that overlaps with the caller's output: the pool encodes a batch in pieces while the calling
//! thread hands the pieces already done to the sink, in order.
//!
//! Python lists can only be made on the thread holding the GIL, and for list outputs they take about as
//! long as tokenizing; this keeps both going at once.

use super::batch::{item_bytes, BatchInput};
use super::parallel::{worker_index, NOT_A_WORKER};
use super::plan::BatchSink;
use super::{EncodeOptions, Encoding, Tokenizer};
use crate::error::Error;
use rayon::ThreadPool;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::Mutex;
use std::time::Duration;

/// Inputs and text bytes per piece handed to the pool: small enough that a Ctrl-C is seen quickly.
const PIECE: usize = 128;
const PIECE_BYTES: usize = 256 << 10;
/// Batches with fewer inputs are encoded first and output after (overlap would not pay).
pub const MIN: usize = 2 * PIECE;
/// How long the calling thread waits for a piece before it looks at the sink's checkpoint again.
const POLL: Duration = Duration::from_millis(50);

/// Large batches (at least `MIN` inputs) under way in this process. Overlap is for a batch that is the
/// only one: with batches from several threads at once, callers that also encoded made more busy threads
/// than cores (the pool's workers plus every caller), and each caller let go of the GIL twice per piece,
/// handing it to another caller each time. Then the pool is kept busy by the other batches anyway, and
/// a batch is better encoded whole and output after, with one hand-off.
static ACTIVE: AtomicUsize = AtomicUsize::new(0);

/// Counts a large batch in `ACTIVE` while it lives.
pub struct Active;

impl Active {
    pub fn enter() -> Self {
        ACTIVE.fetch_add(1, Ordering::Relaxed);
        Active
    }

    /// Whether the batch counted by the caller is the only one.
    pub fn alone() -> bool {
        ACTIVE.load(Ordering::Relaxed) <= 1
    }
}

impl Drop for Active {
    fn drop(&mut self) {
        ACTIVE.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Encode `inputs` on `pool` in pieces while the calling thread adjusts each finished piece and passes
/// its rows to `sink`, in input order. Returns the encodings in input order and the worker that made
/// each. A failed checkpoint or an error stops the pieces not yet started. The caller counts its batch
/// in `Active` for as long as this runs.
pub fn encode_overlapped<S: BatchSink>(
    pool: &ThreadPool,
    tok: &Tokenizer,
    inputs: &[BatchInput<'_>],
    opts: &EncodeOptions,
    sink: &mut S,
) -> Result<(Vec<Encoding>, Vec<u16>), S::Error> {
    let mut pieces: Vec<&[BatchInput<'_>]> = Vec::new();
    let (mut start, mut bytes) = (0, 0);
    for (i, item) in inputs.iter().enumerate() {
        bytes += item_bytes(item);
        if i + 1 - start >= PIECE || bytes >= PIECE_BYTES || i + 1 == inputs.len() {
            pieces.extend(inputs.get(start..=i));
            (start, bytes) = (i + 1, 0);
        }
    }
    let stop = AtomicBool::new(false);
    // Pieces are claimed in order from this counter, by the workers and, whenever the piece it needs
    // next is not done yet, by this thread too: blocking instead left it waiting to be scheduled again
    // behind two busy workers on a two-core machine, while it held the only other work (the output).
    let claimed = AtomicUsize::new(0);
    let encode_piece = |k: usize| -> Option<crate::Result<Vec<Encoding>>> {
        let piece = pieces.get(k)?;
        Some(
            piece
                .iter()
                .map(|(a, b)| tok.encode(*a, *b, opts))
                .collect(),
        )
    };
    // (piece, the worker that encoded it, its encodings)
    type Done = (usize, u16, crate::Result<Vec<Encoding>>);
    let (tx, rx) = mpsc::channel::<Done>();
    // `detached` needs what it borrows to be shareable across threads; a receiver is not, a locked one is.
    let rx = Mutex::new(rx);
    let mut out: Vec<Encoding> = Vec::with_capacity(inputs.len());
    let mut owners: Vec<u16> = Vec::with_capacity(inputs.len());
    let mut failure: Option<S::Error> = None;
    pool.in_place_scope(|scope| {
        for _ in 0..pool.current_num_threads().min(pieces.len()) {
            let (tx, stop, claimed, encode_piece) = (tx.clone(), &stop, &claimed, &encode_piece);
            scope.spawn(move |_| {
                while !stop.load(Ordering::Relaxed) {
                    let k = claimed.fetch_add(1, Ordering::Relaxed);
                    let Some(r) = encode_piece(k) else { break };
                    if tx.send((k, worker_index(), r)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let mut arrived: Vec<Option<(u16, crate::Result<Vec<Encoding>>)>> =
            pieces.iter().map(|_| None).collect();
        let mut next = 0;
        while next < pieces.len() && failure.is_none() {
            let ready = arrived.get_mut(next).and_then(Option::take);
            let Some((by, result)) = ready else {
                // Help with a piece nobody has started (unless another batch has come since), else wait
                // for one (without the caller's lock, looking at the checkpoint every `POLL`).
                if Active::alone() {
                    let k = claimed.fetch_add(1, Ordering::Relaxed);
                    if let Some(r) = sink.detached(|| encode_piece(k)) {
                        if let Some(slot) = arrived.get_mut(k) {
                            *slot = Some((NOT_A_WORKER, r));
                        }
                        failure = sink.checkpoint().err();
                        continue;
                    }
                }
                let got = sink.detached(|| {
                    let r = rx.lock().map_err(|_| RecvTimeoutError::Disconnected)?;
                    r.recv_timeout(POLL)
                });
                match got {
                    Ok((k, by, r)) => {
                        if let Some(slot) = arrived.get_mut(k) {
                            *slot = Some((by, r));
                        }
                    }
                    Err(RecvTimeoutError::Timeout) => failure = sink.checkpoint().err(),
                    Err(RecvTimeoutError::Disconnected) => {
                        failure = Some(Error::Internal("a batch piece was lost".into()).into())
                    }
                }
                continue;
            };
            let step = result.map_err(S::Error::from).and_then(|mut encs| {
                let first = out.len();
                for (j, e) in encs.iter_mut().enumerate() {
                    sink.adjust(first + j, e);
                    sink.row(e)?;
                }
                owners.extend(std::iter::repeat_n(by, encs.len()));
                out.extend(encs);
                sink.checkpoint()
            });
            if let Err(e) = step {
                failure = Some(e);
            }
            next += 1;
        }
        if failure.is_some() {
            stop.store(true, Ordering::Relaxed);
        }
    });
    match failure {
        Some(e) => Err(e),
        None => Ok((out, owners)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokenizer::InputSequence;

    /// Records the rows it is given.
    #[derive(Default)]
    struct Rows(Vec<Vec<u32>>);

    impl BatchSink for Rows {
        type Error = Error;
        fn detached<R: Send>(&self, f: impl FnOnce() -> R + Send) -> R {
            f()
        }
        fn checkpoint(&mut self) -> Result<(), Error> {
            Ok(())
        }
        fn row(&mut self, e: &Encoding) -> Result<(), Error> {
            self.0.push(e.ids.clone());
            Ok(())
        }
    }

    use crate::tokenizer::bert_fixture as tokenizer;

    fn pool() -> ThreadPool {
        match rayon::ThreadPoolBuilder::new().num_threads(2).build() {
            Ok(p) => p,
            Err(e) => panic!("pool: {e}"),
        }
    }

    #[test]
    fn batches_from_several_threads_at_once_keep_their_rows_in_order() {
        let (tok, pool) = (tokenizer(), pool());
        let opts = EncodeOptions::default();
        let texts: Vec<Vec<String>> = (0..4)
            .map(|t| {
                (0..3 * PIECE)
                    .map(|i| format!("thread {t} line {i}: {}", "hello world ".repeat(i % 7)))
                    .collect()
            })
            .collect();
        let expected: Vec<Vec<Vec<u32>>> = texts
            .iter()
            .map(|ts| {
                ts.iter()
                    .filter_map(|t| tok.encode(InputSequence::Raw(t), None, &opts).ok())
                    .map(|e| e.ids)
                    .collect()
            })
            .collect();
        std::thread::scope(|s| {
            let handles: Vec<_> = texts
                .iter()
                .map(|ts| {
                    let (tok, pool, opts) = (&tok, &pool, &opts);
                    s.spawn(move || {
                        let inputs: Vec<BatchInput<'_>> = ts
                            .iter()
                            .map(|t| (InputSequence::Raw(t.as_str()), None))
                            .collect();
                        let mut sink = Rows::default();
                        let out = encode_overlapped(pool, tok, &inputs, opts, &mut sink);
                        let ids: Option<Vec<Vec<u32>>> = out
                            .ok()
                            .map(|(e, _)| e.into_iter().map(|e| e.ids).collect());
                        (sink.0, ids)
                    })
                })
                .collect();
            for (h, want) in handles.into_iter().zip(&expected) {
                let (rows, ids) = h.join().unwrap_or_default();
                assert_eq!(&rows, want);
                assert_eq!(ids.as_ref(), Some(want));
            }
        });
    }

    #[test]
    fn a_caller_leaves_the_encoding_to_the_pool_while_another_batch_runs() {
        let (tok, pool) = (tokenizer(), pool());
        let texts: Vec<String> = (0..4 * PIECE).map(|i| format!("line {i}")).collect();
        let inputs: Vec<BatchInput<'_>> = texts
            .iter()
            .map(|t| (InputSequence::Raw(t.as_str()), None))
            .collect();
        let (mine, other) = (Active::enter(), Active::enter());
        let out = encode_overlapped(
            &pool,
            &tok,
            &inputs,
            &EncodeOptions::default(),
            &mut Rows::default(),
        );
        drop((mine, other));
        let owners = out.map(|(_, o)| o).unwrap_or_default();
        assert_eq!(owners.len(), inputs.len());
        assert!(owners.iter().all(|&o| o != NOT_A_WORKER));
    }
}
