//! End-to-end tests of the pipeline on the real BERT-uncased tokenizer.json (tests/fixtures), with
//! expected values produced by Hugging Face `tokenizers` 0.23.3 on the same file.

use super::*;
use crate::postprocess::{PaddingStrategy, TruncationStrategy};

fn bert() -> Tokenizer {
    let p = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/bert-uncased/tokenizer.json"
    );
    match Tokenizer::from_file(p) {
        Ok(t) => t,
        Err(e) => panic!("fixture should load: {e}"),
    }
}

fn opts() -> EncodeOptions {
    EncodeOptions {
        add_special_tokens: true,
        truncation: None,
        padding: None,
        char_offsets: true,
    }
}

#[test]
fn single_text_with_added_token_and_cjk() {
    let t = bert();
    let e = t
        .encode(
            InputSequence::Raw("Hello, world! [MASK] héllo 中文 ok"),
            None,
            &opts(),
        )
        .unwrap_or_default();
    assert_eq!(
        e.ids,
        [101, 7592, 1010, 2088, 999, 103, 7592, 1746, 1861, 7929, 102]
    );
    assert_eq!(
        e.offsets,
        [
            (0, 0),
            (0, 5),
            (5, 6),
            (7, 12),
            (12, 13),
            (14, 20),
            (21, 26),
            (27, 28),
            (28, 29),
            (30, 32),
            (0, 0)
        ]
    );
    let w: Vec<Option<u32>> = [
        None,
        Some(0),
        Some(1),
        Some(2),
        Some(3),
        Some(4),
        Some(5),
        Some(6),
        Some(7),
        Some(8),
        None,
    ]
    .into();
    assert_eq!(e.word_ids, w);
    assert_eq!(e.special_tokens_mask, [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
}

#[test]
fn pair_truncation_with_stride_overflows_like_hf() {
    let t = bert();
    let o = EncodeOptions {
        truncation: Some(TruncationParams {
            max_length: 12,
            stride: 2,
            strategy: TruncationStrategy::LongestFirst,
            direction: Direction::Right,
        }),
        ..opts()
    };
    let e = t
        .encode(
            InputSequence::Raw("the quick brown fox jumps over the lazy dog again and again"),
            Some(InputSequence::Raw("a second sentence here that is long")),
            &o,
        )
        .unwrap_or_default();
    assert_eq!(
        e.ids,
        [101, 1996, 4248, 2829, 4419, 14523, 102, 1037, 2117, 6251, 2182, 102]
    );
    let over: Vec<Vec<u32>> = e.overflowing.iter().map(|o| o.ids.clone()).collect();
    let expected: Vec<Vec<u32>> = vec![
        vec![
            101, 4419, 14523, 2058, 1996, 13971, 102, 1037, 2117, 6251, 2182, 102,
        ],
        vec![
            101, 4419, 14523, 2058, 1996, 13971, 102, 6251, 2182, 2008, 2003, 102,
        ],
        vec![
            101, 4419, 14523, 2058, 1996, 13971, 102, 2008, 2003, 2146, 102,
        ],
        vec![
            101, 1996, 13971, 3899, 2153, 1998, 102, 1037, 2117, 6251, 2182, 102,
        ],
        vec![
            101, 1996, 13971, 3899, 2153, 1998, 102, 6251, 2182, 2008, 2003, 102,
        ],
        vec![
            101, 1996, 13971, 3899, 2153, 1998, 102, 2008, 2003, 2146, 102,
        ],
        vec![101, 2153, 1998, 2153, 102, 1037, 2117, 6251, 2182, 102],
        vec![101, 2153, 1998, 2153, 102, 6251, 2182, 2008, 2003, 102],
        vec![101, 2153, 1998, 2153, 102, 2008, 2003, 2146, 102],
        vec![
            101, 1996, 4248, 2829, 4419, 14523, 102, 6251, 2182, 2008, 2003, 102,
        ],
        vec![
            101, 1996, 4248, 2829, 4419, 14523, 102, 2008, 2003, 2146, 102,
        ],
    ];
    assert_eq!(over, expected);
    assert_eq!(e.overflowing[6].type_ids, [0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
}

#[test]
fn pretokenized_words_padded_left() {
    let t = bert();
    let o = EncodeOptions {
        padding: Some(PaddingParams {
            strategy: PaddingStrategy::Fixed(10),
            pad_to_multiple_of: None,
            direction: Direction::Left,
            pad_id: 0,
            pad_type_id: 0,
            pad_token: "[PAD]".into(),
        }),
        ..opts()
    };
    let words = ["Hello", "wörld", "!x"];
    let e = t
        .encode(InputSequence::Words(&words), None, &o)
        .unwrap_or_default();
    assert_eq!(e.ids, [0, 0, 0, 0, 101, 7592, 2088, 999, 1060, 102]);
    assert_eq!(
        e.offsets,
        [
            (0, 0),
            (0, 0),
            (0, 0),
            (0, 0),
            (0, 0),
            (0, 5),
            (0, 5),
            (0, 1),
            (1, 2),
            (0, 0)
        ]
    );
    let w: Vec<Option<u32>> = [
        None,
        None,
        None,
        None,
        None,
        Some(0),
        Some(1),
        Some(2),
        Some(2),
        None,
    ]
    .into();
    assert_eq!(e.word_ids, w);
    assert_eq!(e.attention_mask, [0, 0, 0, 0, 1, 1, 1, 1, 1, 1]);
}

#[test]
fn decode_skips_special_tokens() {
    let t = bert();
    let ids = [101, 7592, 1010, 2088, 999, 102];
    assert_eq!(t.decode(&ids, true).unwrap_or_default(), "hello, world!");
    assert_eq!(
        t.decode(&ids, false).unwrap_or_default(),
        "[CLS] hello, world! [SEP]"
    );
}

#[test]
fn legacy_vocab_txt_matches_tokenizer_json() {
    let dir = tempdir_with_vocab();
    let legacy = Tokenizer::from_pretrained(&dir).unwrap_or_else(|e| panic!("{e}"));
    let t = bert();
    let text = "Héllo [MASK] wörld, this is ferrotok! 中文";
    let a = legacy
        .encode(
            InputSequence::Raw(text),
            Some(InputSequence::Raw("pair")),
            &opts(),
        )
        .unwrap_or_default();
    let b = t
        .encode(
            InputSequence::Raw(text),
            Some(InputSequence::Raw("pair")),
            &opts(),
        )
        .unwrap_or_default();
    assert_eq!(a, b);
    let _ = std::fs::remove_dir_all(dir);
}

fn tempdir_with_vocab() -> std::path::PathBuf {
    let src = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/bert-uncased");
    let dir = std::env::temp_dir().join(format!("ferrotok-legacy-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    for f in [
        "vocab.txt",
        "tokenizer_config.json",
        "special_tokens_map.json",
    ] {
        let _ = std::fs::copy(format!("{src}/{f}"), dir.join(f));
    }
    dir
}

#[test]
fn unknown_component_and_bad_json_are_config_errors() {
    let e = Tokenizer::from_json_str("{\"model\": {\"type\": \"Unigram\"}}").err();
    assert!(matches!(e, Some(Error::Unsupported { .. })), "{e:?}");
    let e = Tokenizer::from_json_str("{not json").err();
    assert!(matches!(e, Some(Error::Config { .. })), "{e:?}");
    let e = Tokenizer::from_pretrained("/nonexistent/ferrotok").err();
    assert!(matches!(e, Some(Error::NotFound { .. })), "{e:?}");
}

#[test]
fn normalized_added_token_reports_matched_text() {
    let mut t = bert();
    let toks = [AddedToken::new("Another-One", false)];
    assert_eq!(t.add_tokens(&toks).unwrap_or_default(), 1);
    let e = t
        .encode(InputSequence::Raw("another-one x"), None, &opts())
        .unwrap_or_default();
    assert_eq!(e.ids, [101, 30522, 1060, 102]);
    assert_eq!(e.token(1, &t), "another-one");
    assert_eq!(e.token(2, &t), "x");
}

#[test]
fn batch_reports_matched_text() {
    let t0 = bert();
    let mut t = t0.clone();
    let toks = [AddedToken::new("Another-One", false)];
    assert_eq!(t.add_tokens(&toks).unwrap_or_default(), 1);
    let inputs = [(InputSequence::Raw("another-one x"), None)];
    let e = t.encode_batch(&inputs, &opts()).unwrap_or_default();
    assert_eq!(e[0].token(1, &t), "another-one");
}

/// Timing breakdown of the single-thread path; run with
/// `cargo test --profile dev-release --lib tokenizer::tests::bench_pipeline -- --ignored --nocapture`.
#[test]
#[ignore]
fn bench_pipeline() {
    let Ok(text) = std::fs::read_to_string("../shared/corpora/english-python-docs.txt") else {
        return;
    };
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(20000)
        .collect();
    let bytes: usize = lines.iter().map(|l| l.len()).sum();
    let t = bert();
    let (Some(Normalizer::Bert(n)), Model::WordPiece(wp)) = (&t.normalizer, &t.model) else {
        return;
    };
    // Thread CPU time: wall time means little on a shared, loaded machine.
    let cpu = || {
        let mut ts = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: clock_gettime writes into the timespec we own.
        unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
        ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
    };
    let time = |label: &str, f: &mut dyn FnMut()| {
        f();
        let s = cpu();
        for _ in 0..5 {
            f();
        }
        let dt = (cpu() - s) / 5.0;
        println!(
            "{label:32} {:8.1} ms {:7.1} MB/s",
            dt * 1e3,
            bytes as f64 / dt / 1e6
        );
    };
    time("fused segment only", &mut || {
        let mut buf = TokenBuffer::default();
        for l in &lines {
            let mut w = 0;
            buf.clear();
            let _ = fast_bert::encode_segment(n, wp, l, 0, &mut w, &mut buf);
        }
    });
    let mut o = opts();
    o.add_special_tokens = false;
    time("encode, no specials", &mut || {
        for l in &lines {
            let _ = t.encode(InputSequence::Raw(l), None, &o);
        }
    });
    let o = opts();
    time("encode, specials", &mut || {
        for l in &lines {
            let _ = t.encode(InputSequence::Raw(l), None, &o);
        }
    });
    let inputs: Vec<_> = lines
        .iter()
        .map(|l| (InputSequence::Raw(l), None))
        .collect();
    time("encode_batch + arrays", &mut || {
        if let Ok(e) = t.encode_batch(&inputs, &o) {
            let _ = batch::to_arrays(&e, false, None, batch::ArrayFields::default());
        }
    });
}

/// Wall time of `encode_batch` on 1000-line batches; compare `RAYON_NUM_THREADS=1` and `=2`:
/// `cargo test --profile dev-release --lib tokenizer::tests::bench_batch_threads -- --ignored --nocapture`.
#[test]
#[ignore]
fn bench_batch_threads() {
    let Ok(text) = std::fs::read_to_string("../shared/corpora/english-python-docs.txt") else {
        return;
    };
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(20000)
        .collect();
    let t = bert();
    let inputs: Vec<_> = lines
        .iter()
        .map(|l| (InputSequence::Raw(l), None))
        .collect();
    let mut best = f64::MAX;
    for _ in 0..7 {
        let s = std::time::Instant::now();
        for chunk in inputs.chunks(1000) {
            let _ = t.encode_batch(chunk, &opts());
        }
        best = best.min(s.elapsed().as_secs_f64());
    }
    println!(
        "threads={} best {:.1} ms",
        parallel::current_threads(),
        best * 1e3
    );
}
