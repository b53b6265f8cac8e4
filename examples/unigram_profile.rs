//! Encode the lines of one language of the multilingual fixture (`all` for every line) REPEATS times,
//! for instruction counts per language:
//!
//!     cargo build --profile profiling --example unigram_profile
//!     valgrind --tool=callgrind --toggle-collect='*Tokenizer::encode*' \
//!         target/profiling/examples/unigram_profile TOKENIZER_JSON zh 3
use ferrotok::tokenizer::{EncodeOptions, InputSequence};
use ferrotok::Tokenizer;

// The allocator the Python extension uses (with the `python` feature the library declares it itself).
#[cfg(not(feature = "python"))]
#[global_allocator]
static GLOBAL: ferrotok::alloc::MiMalloc = ferrotok::alloc::MiMalloc;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let tok = Tokenizer::from_file(&args[1]).expect("tokenizer");
    let lang = args[2].as_str();
    let repeats: usize = args.get(3).and_then(|r| r.parse().ok()).unwrap_or(1);
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/multilingual/sample.txt"),
    )
    .expect("fixture");
    let lines: Vec<&str> = text
        .lines()
        .filter_map(|l| l.split_once('\t'))
        .filter(|(l, _)| lang == "all" || *l == lang)
        .map(|(_, t)| t)
        .collect();
    let opts = EncodeOptions {
        add_special_tokens: true,
        ..Default::default()
    };
    let mut n = 0usize;
    for _ in 0..repeats {
        for l in &lines {
            n += tok
                .encode(InputSequence::Raw(l), None, &opts)
                .expect("encode")
                .ids
                .len();
        }
    }
    println!("{n} tokens");
}
