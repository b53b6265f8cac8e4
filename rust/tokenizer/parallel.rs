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

/// Free a batch's encodings on the pool, in the background: thousands of small vectors take the
/// calling thread a fifth of a batch's time otherwise, time in which the workers would sit idle. The
/// next batch queues behind this job, so at most about one batch waits to be freed. Without a pool,
/// or for a few encodings, they are freed here.
pub fn drop_in_background<T: Send + 'static>(items: Vec<T>) {
    if items.len() >= BACKGROUND_DROP_MIN {
        if let Some(p) = pool() {
            p.spawn(move || drop(items));
            return;
        }
    }
    drop(items);
}
