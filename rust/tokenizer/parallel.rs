//! The thread pool for batches.
//!
//! Decision: a rayon pool owned by ferrotok (not rayon's global pool), created lazily with
//! `RAYON_NUM_THREADS` threads (default: all cores) and tagged with the id of the process that made it.
//! After `fork` the child inherits the pool's memory but none of its threads, so using it would hang; the
//! child sees a different process id, leaks the dead pool (dropping it would wait on threads that do not
//! exist) and builds its own. No warning, no disabled parallelism, no deadlock in DataLoader workers.
//!
//! Batches from several callers at once are admitted one at a time, in arrival order ([`Pool::install`]).
//! Entered together, rayon runs them stacked: a worker waiting inside one batch's join picks up the root
//! of a batch injected later, and the first batch cannot return until that one is done. The last comer
//! then finished first; with 8 threads sending padded BERT batches, one thread got a fifth of the batches
//! another got. One batch at a time also keeps the pool's cache to one batch's rows. The hand-over is kept
//! short: the next caller is let in by the worker that finishes a batch (not by the caller, which must
//! wake up first), and only that caller is woken. Two callers admitted at once kept the pool busier in
//! principle but measured no faster on 2 cores, and let a thread's batches fall to 0.8 of another's.

use rayon::ThreadPool;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::thread::Thread;

/// ferrotok's pool and the queue of callers waiting to enter it.
pub struct Pool {
    threads: Arc<ThreadPool>,
    gate: Gate,
}

impl Pool {
    /// Run `f` on the pool. From outside the pool the caller first waits for its turn: callers enter in
    /// the order they came, one at a time. From a worker of this pool (a nested call) `f` runs at once.
    pub fn install<R: Send>(&self, f: impl FnOnce() -> R + Send) -> R {
        if self.threads.current_thread_index().is_some() {
            return self.threads.install(f);
        }
        let turn = self.gate.enter();
        self.threads.install(move || {
            let r = f();
            // Let the next caller in from the worker, as soon as the work is done: it then wakes while
            // this caller's thread is woken, instead of after.
            drop(turn);
            r
        })
    }

    /// The rayon pool itself, for work that schedules its own jobs on it (no turn taken).
    pub fn rayon(&self) -> &Arc<ThreadPool> {
        &self.threads
    }

    pub fn current_num_threads(&self) -> usize {
        self.threads.current_num_threads()
    }
}

/// A ticket queue: each caller takes the next number and waits until its number is admitted. Only the
/// caller admitted is woken (a condition variable woke every waiting caller at each turn, seven futile
/// wake-ups on two cores with eight callers).
#[derive(Default)]
struct Gate {
    state: Mutex<Queue>,
}

#[derive(Default)]
struct Queue {
    /// The next ticket to hand out.
    next: u64,
    /// The highest ticket let in: tickets up to it may enter.
    admitted: u64,
    /// Callers waiting for their turn, by ticket (the lowest first).
    waiting: VecDeque<(u64, Thread)>,
}

impl Gate {
    fn lock(&self) -> std::sync::MutexGuard<'_, Queue> {
        // A poisoned lock means a caller panicked while holding plain counters: they are consistent.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn enter(&self) -> Turn<'_> {
        let mut q = self.lock();
        let mine = q.next;
        q.next += 1;
        if mine <= q.admitted {
            return Turn(self);
        }
        q.waiting.push_back((mine, std::thread::current()));
        drop(q);
        // `park` may return without an `unpark` meant for it: the ticket decides.
        loop {
            std::thread::park();
            if mine <= self.lock().admitted {
                return Turn(self);
            }
        }
    }
}

/// Held while a caller's batch runs; the next ticket is admitted when it drops (also on a panic).
struct Turn<'a>(&'a Gate);

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        let mut q = self.0.lock();
        q.admitted += 1;
        // Tickets are queued in the order they are handed out, so the ones now admitted are in front.
        while q.waiting.front().is_some_and(|(t, _)| *t <= q.admitted) {
            if let Some((_, caller)) = q.waiting.pop_front() {
                caller.unpark();
            }
        }
    }
}

struct Owned {
    pid: u32,
    pool: Arc<Pool>,
}

static POOL: Mutex<Option<Owned>> = Mutex::new(None);

/// Read once per process: `available_parallelism` reads cgroup files, far too slow for every call.
fn wanted_threads() -> usize {
    static THREADS: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *THREADS.get_or_init(read_wanted_threads)
}

fn read_wanted_threads() -> usize {
    std::env::var("RAYON_NUM_THREADS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|&n| n > 0)
        .unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
        })
}

/// The pool of this process, or `None` when only one thread is wanted (callers then run inline).
pub fn pool() -> Option<Arc<Pool>> {
    let threads = wanted_threads();
    if threads <= 1 {
        return None;
    }
    let pid = std::process::id();
    // A poisoned lock only means another thread panicked while cloning an Arc: the data is intact.
    let mut guard = POOL.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(owned) = guard.as_ref() {
        if owned.pid == pid && owned.pool.current_num_threads() == threads {
            return Some(owned.pool.clone());
        }
    }
    if let Some(stale) = guard.take() {
        if stale.pid != pid {
            // Inherited across fork: its threads are gone, never drop it.
            std::mem::forget(stale);
        }
    }
    let threads = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("ferrotok-{i}"))
        .build()
        .ok()?;
    let pool = Arc::new(Pool {
        threads: Arc::new(threads),
        gate: Gate::default(),
    });
    *guard = Some(Owned {
        pid,
        pool: pool.clone(),
    });
    Some(pool)
}

/// Number of threads a batch may use.
pub fn current_threads() -> usize {
    wanted_threads()
}

/// Run `f` on the pool (or here, without one): parallel steps inside it start without another
/// hand-off, so a batch that encodes and then fills arrays wakes the workers once.
pub fn in_pool<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    match pool() {
        Some(p) => p.install(f),
        None => f(),
    }
}

/// Batches with at least this many encodings are freed on the pool.
const BACKGROUND_DROP_MIN: usize = 64;

/// Which worker of the pool is running this code (`NOT_A_WORKER` elsewhere): what a batch records for
/// each row, so that `drop_on_owners` can free the row on the thread that allocated it.
pub fn worker_index() -> u16 {
    rayon::current_thread_index()
        .and_then(|i| u16::try_from(i).ok())
        .unwrap_or(NOT_A_WORKER)
}

pub const NOT_A_WORKER: u16 = u16::MAX;

/// Free a batch's items (`owners[i]`: the worker that made item `i`) in the background, each on the
/// worker that allocated it. Freed on the calling thread instead, thousands of small vectors took a
/// fifth of a batch's time while the workers sat idle; freed on any worker, every block went back to its
/// owner through mimalloc's cross-thread list and came back cold. Every worker scans the owner list and
/// drops its own items in place: sorting them into per-worker lists first was a serial pass over every
/// item on the calling thread. Items made outside the pool (or by a pool from before a fork) go to
/// worker 0. Small batches and processes without a pool are freed here.
pub fn drop_on_owners<T: Send + 'static>(items: Vec<T>, owners: &[u16]) {
    // Length first: `pool()` takes a process-wide lock, which every thread's single calls would share.
    if items.len() < BACKGROUND_DROP_MIN {
        return drop(items);
    }
    let Some(pool) = pool() else {
        return drop(items);
    };
    let batch = Arc::new(SharedDrop::new(items, owners, pool.current_num_threads()));
    pool.rayon()
        .spawn_broadcast(move |ctx| batch.drop_own(ctx.index()));
}

/// Items dropped one by one from several threads, each by the worker its owner entry names.
struct SharedDrop<T> {
    /// Held only to free the buffer when the last job is done (`ManuallyDrop`: not the items, which
    /// `drop_own` drops).
    _buffer: Vec<std::mem::ManuallyDrop<T>>,
    /// The items' buffer, read once: `drop_own` only goes through it, never through `_buffer`, so no
    /// reference to the vector's elements exists while threads drop them.
    base: *mut std::mem::ManuallyDrop<T>,
    /// One entry per item, every one a worker index below the pool's size.
    owners: Vec<u16>,
}

// SAFETY: items are only reached through `drop_own`, and each is dropped by exactly one thread (the one
// whose index its owner entry holds; `spawn_broadcast` runs one job per index). `T: Send` moves them.
unsafe impl<T: Send> Send for SharedDrop<T> {}
unsafe impl<T: Send> Sync for SharedDrop<T> {}

impl<T> SharedDrop<T> {
    /// `owners` is fitted to the items: a missing entry, or an index from an older pool (before a fork)
    /// or from outside the pool, becomes worker 0.
    fn new(items: Vec<T>, owners: &[u16], threads: usize) -> Self {
        let owners: Vec<u16> = (0..items.len())
            .map(|i| {
                owners
                    .get(i)
                    .copied()
                    .filter(|&o| usize::from(o) < threads)
                    .unwrap_or(0)
            })
            .collect();
        let mut items = std::mem::ManuallyDrop::new(items);
        let (ptr, len, cap) = (items.as_mut_ptr(), items.len(), items.capacity());
        // SAFETY: `ManuallyDrop<T>` has the layout of `T` (repr(transparent)); the parts come from a
        // live vector that is not used again.
        let mut items =
            unsafe { Vec::from_raw_parts(ptr.cast::<std::mem::ManuallyDrop<T>>(), len, cap) };
        SharedDrop {
            base: items.as_mut_ptr(),
            _buffer: items,
            owners,
        }
    }

    fn drop_own(&self, worker: usize) {
        for (i, &o) in self.owners.iter().enumerate() {
            if usize::from(o) == worker {
                // SAFETY: `owners` has one entry per item, so `i` is in the buffer; no other thread
                // touches item `i` (its owner is `worker`, and broadcast runs one job per worker
                // index), and it is dropped only here, once.
                unsafe { std::mem::ManuallyDrop::drop(&mut *self.base.add(i)) };
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Queue `n` callers on `gate`, each waiting for its turn and then recording its number in `order`;
    /// each starts only once the one before holds its ticket, so their tickets follow their numbers.
    fn queue_callers(
        gate: &Arc<Gate>,
        order: &Arc<Mutex<Vec<u64>>>,
        n: u64,
    ) -> Vec<std::thread::JoinHandle<()>> {
        let issued = gate.lock().next;
        let mut callers = Vec::new();
        for k in 0..n {
            let (g, o) = (gate.clone(), order.clone());
            callers.push(std::thread::spawn(move || {
                let _turn = g.enter();
                o.lock().unwrap_or_else(|e| e.into_inner()).push(k);
            }));
            let start = std::time::Instant::now();
            while gate.lock().next < issued + k + 1 {
                assert!(start.elapsed().as_secs() < 10, "caller {k} never queued");
                std::thread::yield_now();
            }
        }
        callers
    }

    #[test]
    fn gate_admits_callers_one_at_a_time_in_arrival_order() {
        let gate = Arc::new(Gate::default());
        let order = Arc::new(Mutex::new(Vec::new()));
        let first = gate.enter();
        let callers = queue_callers(&gate, &order, 4);
        assert!(order.lock().unwrap_or_else(|e| e.into_inner()).is_empty());
        drop(first);
        for c in callers {
            assert!(c.join().is_ok());
        }
        assert_eq!(
            *order.lock().unwrap_or_else(|e| e.into_inner()),
            vec![0, 1, 2, 3]
        );
    }

    #[test]
    fn nested_install_from_a_worker_does_not_wait_for_a_turn() {
        let pool = Pool {
            threads: Arc::new(
                match rayon::ThreadPoolBuilder::new().num_threads(2).build() {
                    Ok(p) => p,
                    Err(e) => panic!("pool: {e}"),
                },
            ),
            gate: Gate::default(),
        };
        // The outer call holds the only turn; the inner one would wait forever if it queued.
        assert_eq!(pool.install(|| pool.install(|| 7)), 7);
    }

    #[test]
    fn a_batch_that_panics_lets_the_next_caller_in() {
        let pool = Pool {
            threads: Arc::new(
                match rayon::ThreadPoolBuilder::new().num_threads(2).build() {
                    Ok(p) => p,
                    Err(e) => panic!("pool: {e}"),
                },
            ),
            gate: Gate::default(),
        };
        let failed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            pool.install(|| panic!("x"))
        }));
        assert!(failed.is_err());
        assert_eq!(pool.install(|| 7), 7);
    }

    #[test]
    fn drop_on_owners_frees_every_item() {
        let probe = Arc::new(());
        for n in [3usize, 200] {
            let items: Vec<Arc<()>> = (0..n).map(|_| probe.clone()).collect();
            // Real workers, a stale index (a pool from before a fork), and the calling thread.
            let owners: Vec<u16> = (0..n)
                .map(|i| match i % 4 {
                    0 => 0,
                    1 => 1,
                    2 => 999,
                    _ => NOT_A_WORKER,
                })
                .collect();
            drop_on_owners(items, &owners);
            let start = std::time::Instant::now();
            while Arc::strong_count(&probe) > 1 {
                assert!(start.elapsed().as_secs() < 10, "items were not freed");
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
        }
    }
}
