//! The global allocator: mimalloc. Encodings are many small vectors; mimalloc's per-thread free lists
//! make their allocation several times cheaper than glibc's malloc and keep parallel batches from
//! contending on one heap.

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc 3's `mi_option_purge_delay` (the `libmimalloc-sys` bindings do not name it; it follows
/// `mi_option_eager_commit_delay` = 14, which they do).
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
const DEFAULT_PURGE_DELAY_MS: std::ffi::c_long = 10;

/// Keep freed memory mapped for a second instead of mimalloc's 10 ms: a batch frees megabytes of
/// encodings that the next batch allocates again, and returning them to the OS in between made every
/// batch pay page faults and zeroing (a third fewer page faults, less system time, in the GPT-2 batch
/// benchmark). Only changed while the option still has mimalloc's default, so a different numbering in
/// another mimalloc version (or a user's MIMALLOC_PURGE_DELAY) is left alone.
pub fn keep_freed_memory() {
    // SAFETY: reading and setting a runtime option; mimalloc stores options atomically.
    unsafe {
        if libmimalloc_sys::mi_option_get(PURGE_DELAY) == DEFAULT_PURGE_DELAY_MS {
            libmimalloc_sys::mi_option_set(PURGE_DELAY, 1000);
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn purge_delay_option_is_the_one_we_think() {
        // The `verbose` option (2) has a documented default of 0 and the purge delay one of 10: if the
        // numbering moved, this fails instead of silently setting another option.
        // SAFETY: reading runtime options.
        let (verbose, delay) = unsafe {
            (
                libmimalloc_sys::mi_option_get(2),
                libmimalloc_sys::mi_option_get(super::PURGE_DELAY),
            )
        };
        assert_eq!(verbose, 0);
        assert!(
            delay == super::DEFAULT_PURGE_DELAY_MS || delay == 1000,
            "{delay}"
        );
    }
}
