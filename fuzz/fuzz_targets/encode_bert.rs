//! Arbitrary text (and pairs) on BERT-uncased: array lengths agree, offsets are in range and on char
//! boundaries, the special-token mask counts the template's tokens.
#![no_main]
use ferrotok_fuzz::{bert, encode_checked, strings};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let tok = bert();
    let parts = strings(data, 2);
    let first = parts.first().map(String::as_str).unwrap_or("");
    encode_checked(tok, first, None, true);
    encode_checked(tok, first, None, false);
    if let Some(second) = parts.get(1) {
        encode_checked(tok, first, Some(second), true);
    }
});
