//! Arbitrary text on GPT-2 (byte-level BPE): the encoding invariants, and decode gives the text back.
#![no_main]
use ferrotok_fuzz::{encode_checked, gpt2, strings};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(tok) = gpt2() else {
        return;
    };
    let parts = strings(data, 2);
    let first = parts.first().map(String::as_str).unwrap_or("");
    let e = encode_checked(tok, first, None, true);
    let back = tok.decode(&e.ids, false).expect("decode of own ids");
    assert_eq!(back, first, "byte-level round trip");
    if let Some(second) = parts.get(1) {
        encode_checked(tok, first, Some(second), true);
    }
});
