//! The global allocator: mimalloc. Encodings are many small vectors; mimalloc's per-thread free lists
//! make their allocation several times cheaper than glibc's malloc and keep parallel batches from
//! contending on one heap.

use libmimalloc_sys as mi;
use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

/// The Python extension allocates through mimalloc. The rlib leaves the choice to the program that
/// links it (the benches opt in with their own `#[global_allocator]` of this type).
#[cfg(feature = "python")]
#[global_allocator]
static GLOBAL: MiMalloc = MiMalloc;

/// mimalloc behind Rust's allocator interface. The `mimalloc` crate sends every request through
/// `mi_malloc_aligned`, whose checks and fallback cost about twice the plain `mi_malloc` fast path; an
/// encoding makes several small vectors per text, so the plain calls are used wherever they already give
/// the alignment asked for.
pub struct MiMalloc;

/// mimalloc's blocks are multiples of the word size and start word-aligned, so `mi_malloc` meets any
/// alignment up to a word (the rule std's own `System` allocator applies to `malloc`).
fn plain(align: usize, size: usize) -> bool {
    align <= std::mem::size_of::<usize>() && align <= size
}

// SAFETY: every pointer comes from mimalloc and goes back to it (`mi_free` takes blocks from the plain and
// the aligned calls alike); the aligned calls are used whenever the plain ones could not guarantee
// `layout.align()`.
unsafe impl GlobalAlloc for MiMalloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: plain C allocation calls; a null return is passed on as the failure it signals.
        unsafe {
            if plain(layout.align(), layout.size()) {
                mi::mi_malloc(layout.size()).cast()
            } else {
                mi::mi_malloc_aligned(layout.size(), layout.align()).cast()
            }
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as in `alloc`.
        unsafe {
            if plain(layout.align(), layout.size()) {
                mi::mi_zalloc(layout.size()).cast()
            } else {
                mi::mi_zalloc_aligned(layout.size(), layout.align()).cast()
            }
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        // SAFETY: `ptr` was returned by this allocator (GlobalAlloc's contract).
        unsafe { mi::mi_free(ptr.cast::<c_void>()) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `ptr` was returned by this allocator with `layout` (GlobalAlloc's contract).
        unsafe {
            if plain(layout.align(), new_size) {
                mi::mi_realloc(ptr.cast::<c_void>(), new_size).cast()
            } else {
                mi::mi_realloc_aligned(ptr.cast::<c_void>(), new_size, layout.align()).cast()
            }
        }
    }
}

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
    use std::alloc::{GlobalAlloc, Layout};

    #[test]
    fn allocations_keep_their_alignment() {
        for align in [1usize, 2, 4, 8, 16, 32, 64, 4096] {
            for size in [1usize, 3, 8, 24, 100, 5000] {
                let Ok(layout) = Layout::from_size_align(size, align) else {
                    continue;
                };
                // SAFETY: non-zero sizes; each block is freed once with its layout.
                unsafe {
                    let p = super::MiMalloc.alloc(layout);
                    assert!(!p.is_null() && p as usize % align == 0, "{size}/{align}");
                    let q = super::MiMalloc.realloc(p, layout, size * 3);
                    assert!(
                        !q.is_null() && q as usize % align == 0,
                        "{size}/{align} realloc"
                    );
                    let grown = Layout::from_size_align(size * 3, align).unwrap_or(layout);
                    super::MiMalloc.dealloc(q, grown);
                    let z = super::MiMalloc.alloc_zeroed(layout);
                    assert!(!z.is_null() && z as usize % align == 0);
                    assert!(std::slice::from_raw_parts(z, size).iter().all(|&b| b == 0));
                    super::MiMalloc.dealloc(z, layout);
                }
            }
        }
    }

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
