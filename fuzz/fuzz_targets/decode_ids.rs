//! Decode arbitrary u32 ids (in and out of the vocabulary) on BERT and GPT-2: a string or an error,
//! never a panic; ids_to_tokens skips what it does not know.
#![no_main]
use ferrotok_fuzz::{bert, gpt2};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let ids: Vec<u32> = rest
        .chunks_exact(4)
        .map(|c| {
            let v = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
            // Mostly ids near the vocabularies, sometimes anything.
            if flags & 2 == 0 {
                v % 60_000
            } else {
                v
            }
        })
        .collect();
    for tok in [Some(bert()), gpt2()].into_iter().flatten() {
        let skip = flags & 1 == 1;
        let tokens = tok.ids_to_tokens(&ids, skip);
        assert!(tokens.len() <= ids.len());
        let _ = tok.decode(&ids, skip);
    }
});
