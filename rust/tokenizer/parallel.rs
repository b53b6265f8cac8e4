//! The thread pool for batches.
//!
//! Decision: a rayon pool owned by ferrotok (not rayon's global pool), created lazily with
//! `RAYON_NUM_THREADS` threads (default: all cores) and tagged with the id of the process that made it.
//! After `fork` the child inherits the pool's memory but none of its threads, so using it would hang; the
//! child sees a different process id, leaks the dead pool (dropping it would wait on threads that do not
//! exist) and builds its own. No warning, no disabled parallelism, no deadlock in DataLoader workers.

use rayon::ThreadPool;
use std::sync::{Arc, Mutex};

struct Owned {
    pid: u32,
    pool: Arc<ThreadPool>,
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
pub fn pool() -> Option<Arc<ThreadPool>> {
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
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("ferrotok-{i}"))
        .build()
        .ok()
        .map(Arc::new)?;
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
    pool.spawn_broadcast(move |ctx| batch.drop_own(ctx.index()));
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
