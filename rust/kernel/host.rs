//! Components written in the host language (tokenizers' `Normalizer.custom(obj)` and friends): the
//! stages hold them behind these traits, and the binding implements them with its callbacks.
//!
//! A host component may need the caller's interpreter lock, so a tokenizer holding one runs every call
//! on the calling thread (`Tokenizer::has_host_stages`). The text being encoded is kept for the duration
//! of the call (`with_input`), so a callback can show the original text of the piece it is given.

use crate::error::Result;
use crate::kernel::{NormalizedString, PreTokenizedString};
use std::cell::RefCell;
use std::fmt;
use std::sync::Arc;

pub trait NormalizeHost: Send + Sync {
    fn normalize(&self, ns: &mut NormalizedString) -> Result<()>;
}

pub trait PreTokenizeHost: Send + Sync {
    fn pre_tokenize(&self, pts: &mut PreTokenizedString) -> Result<()>;
}

pub trait DecodeHost: Send + Sync {
    fn decode_chain(&self, tokens: Vec<String>) -> Result<Vec<String>>;
}

/// A host component of kind `T` (one of the traits above), shared by the tokenizers that hold it.
pub struct Host<T: ?Sized>(pub Arc<T>);

impl<T: ?Sized> Clone for Host<T> {
    fn clone(&self) -> Self {
        Host(Arc::clone(&self.0))
    }
}

impl<T: ?Sized> fmt::Debug for Host<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Custom")
    }
}

thread_local! {
    static INPUT: RefCell<Option<Arc<str>>> = const { RefCell::new(None) };
}

/// Run `f` with `text` as the input host callbacks on this thread see (nested calls restore the outer
/// text).
pub fn with_input<R>(text: &str, f: impl FnOnce() -> R) -> R {
    let previous = INPUT.with(|i| i.replace(Some(Arc::from(text))));
    let out = f();
    INPUT.with(|i| *i.borrow_mut() = previous);
    out
}

/// The text the current call on this thread encodes (see `with_input`).
pub fn current_input() -> Option<Arc<str>> {
    INPUT.with(|i| i.borrow().clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_is_scoped_and_nests() {
        assert!(current_input().is_none());
        with_input("outer", || {
            assert_eq!(current_input().as_deref(), Some("outer"));
            with_input("inner", || {
                assert_eq!(current_input().as_deref(), Some("inner"))
            });
            assert_eq!(current_input().as_deref(), Some("outer"));
        });
        assert!(current_input().is_none());
    }
}
