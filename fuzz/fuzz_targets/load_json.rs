//! tokenizer.json from arbitrary bytes: an error or a tokenizer, never a panic; a loaded tokenizer
//! encodes and decodes a short text without panicking either.
#![no_main]
use ferrotok::tokenizer::{EncodeOptions, InputSequence};
use ferrotok::Tokenizer;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(tok) = Tokenizer::from_json_str(text) {
        let opts = EncodeOptions {
            add_special_tokens: true,
            ..EncodeOptions::default()
        };
        if let Ok(e) = tok.encode(InputSequence::Raw("Hello wörld ü 123 [CLS]"), None, &opts) {
            let _ = tok.decode(&e.ids, false);
        }
        let _ = tok.to_json_string(false);
    }
});
