//! End-to-end tests of the pipeline on the real BERT-uncased tokenizer.json (tests/fixtures), with
//! expected values produced by Hugging Face `tokenizers` 0.23.3 on the same file.

use super::*;
use crate::postprocess::{PaddingStrategy, TruncationStrategy};

use super::bert_fixture as bert;
use super::test_options as opts;

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
    let e = Tokenizer::from_json_str("{\"model\": {\"type\": \"Chars\"}}").err();
    assert!(matches!(e, Some(Error::Unsupported { .. })), "{e:?}");
    let e = Tokenizer::from_json_str("{\"model\": {\"type\": \"Unigram\"}}").err();
    assert!(matches!(e, Some(Error::Config { .. })), "{e:?}");
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

/// A batch large enough for the pool, in which every item fails: the error is the first input's, as in
/// a serial run, whichever worker finishes first.
#[test]
fn parallel_batch_reports_the_first_inputs_error() {
    let t = bert();
    let second = "word ".repeat(40);
    let firsts: Vec<String> = (0..1000)
        .map(|i| {
            if i == 0 {
                "one two three four five six seven"
            } else {
                "x y z"
            }
            .to_string()
        })
        .collect();
    let inputs: Vec<batch::BatchInput<'_>> = firsts
        .iter()
        .map(|f| (InputSequence::Raw(f), Some(InputSequence::Raw(&second))))
        .collect();
    assert!(batch::worth_parallel(&inputs));
    let mut o = opts();
    o.truncation = Some(TruncationParams {
        max_length: 30,
        stride: 0,
        strategy: TruncationStrategy::OnlyFirst,
        direction: Direction::Right,
    });
    for _ in 0..5 {
        match t.encode_batch(&inputs, &o) {
            Ok(_) => panic!("only_first cannot remove enough tokens"),
            Err(e) => assert!(e.to_string().contains("has 7 tokens"), "{e}"),
        }
    }
}

/// The fast paths skip `split_raw` when `no_raw_match` says the text holds no raw-matched token: that
/// must be exactly when `split_raw` returns the text whole.
#[test]
fn no_raw_match_agrees_with_split_raw() {
    let mut t = gpt2();
    let mut word = AddedToken::new("zork", true);
    word.single_word = true;
    assert_eq!(t.add_tokens(&[word]).unwrap_or_default(), 1);
    for text in [
        "hello world",
        "",
        "a<|endoftext|>b",
        "<|endoftext|>",
        "zorkish",
        "a zork b",
    ] {
        let whole = t.added.split_raw(text, crate::added_tokens::Matching::All)
            == vec![(0..text.len(), None)];
        if t.added.no_raw_match(text) {
            assert!(whole, "{text:?}");
        }
        // A match the rules reject ("zorkish": single_word) takes the slow path and still comes whole.
        assert_eq!(
            whole,
            !text.contains("<|endoftext|>") && !text.contains(" zork "),
            "{text:?}"
        );
    }
    assert!(!t.added.no_raw_match("zorkish"));
}

/// One sequence skips the vector `process` takes: both routes must give the same encoding.
#[test]
fn process_single_matches_process() {
    let mut byte_level = gpt2();
    let json =
        serde_json::json!({"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true});
    byte_level.set_post_processor(PostProcessor::from_json(&json, "post_processor").ok());
    let mut sequence = bert();
    let json = serde_json::json!({"type": "Sequence", "processors": [
        {"type": "ByteLevel", "trim_offsets": true},
        {"type": "BertProcessing", "sep": ["[SEP]", 102], "cls": ["[CLS]", 101]}
    ]});
    sequence.set_post_processor(PostProcessor::from_json(&json, "post_processor").ok());
    for t in [bert(), byte_level, sequence] {
        let Some(p) = t.post_processor().cloned() else {
            panic!("every case has a post-processor");
        };
        for text in [
            "",
            "Hello, world!",
            "  two  spaces ",
            "ünïcödé and <|endoftext|>",
        ] {
            for add in [true, false] {
                let a = match t.encode_sequence(InputSequence::Raw(text), 0, &opts(), usize::MAX, 0)
                {
                    Ok(a) => a,
                    Err(e) => panic!("{e}"),
                };
                let one = p
                    .process_single(a.clone(), add, &t)
                    .map_err(|e| e.to_string());
                let many = p
                    .process(vec![a], add, &t)
                    .map(crate::processors::merge_sequences)
                    .map_err(|e| e.to_string());
                assert_eq!(one, many, "{text:?} add={add}");
            }
        }
    }
}

fn gpt2() -> Tokenizer {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/gpt2");
    match Tokenizer::from_pretrained(dir) {
        Ok(t) => t,
        Err(e) => panic!("fixture should load: {e}"),
    }
}

/// Without overflow windows, a right-truncated single text may stop tokenizing early: the kept tokens
/// (ids, offsets in chars, words, masks) must be exactly those of the full run.
#[test]
fn early_stop_equals_full_truncation() {
    let p = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/multilingual/sample.txt"
    );
    let text = std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{p}: {e}"));
    let docs: Vec<&str> = text.lines().filter(|d| d.len() > 100).step_by(4).collect();
    assert!(docs.len() > 50);
    for t in [bert(), gpt2()] {
        for max_length in [0, 1, 2, 3, 7, 16, 64, 100000] {
            for direction in [Direction::Right, Direction::Left] {
                let mut full = opts();
                full.truncation = Some(TruncationParams {
                    max_length,
                    stride: 0,
                    strategy: TruncationStrategy::LongestFirst,
                    direction,
                });
                let mut cut = full.clone();
                cut.drop_overflow = true;
                for (i, d) in docs.iter().enumerate() {
                    let (a, b) = match (
                        t.encode(InputSequence::Raw(d), None, &full),
                        t.encode(InputSequence::Raw(d), None, &cut),
                    ) {
                        (Ok(a), Ok(b)) => (a, b),
                        (Err(_), Err(_)) => continue,
                        (a, b) => panic!("doc {i}, max {max_length}: {a:?} vs {b:?}"),
                    };
                    assert!(b.overflowing.is_empty());
                    let a = Encoding {
                        overflowing: Vec::new(),
                        ..a
                    };
                    assert_eq!(a, b, "doc {i}, max_length {max_length}, {direction:?}");
                }
            }
        }
    }
}

/// `split_special_tokens` (Hugging Face's `encode_special_tokens`): special tokens in the text are
/// tokenized as text, on the fast path and the generic chain, by the call's flag or else the
/// tokenizer's. Expected values from `tokenizers` 0.23.3 with `encode_special_tokens = True`.
#[test]
fn split_special_tokens_tokenizes_them_as_text() {
    let text = "Hello [MASK] héllo[SEP]";
    let split = [101, 7592, 1031, 7308, 1033, 7592, 1031, 19802, 1033, 102];
    let matched = [101, 7592, 103, 7592, 102, 102];
    for fast in [true, false] {
        let mut t = bert();
        t.set_fast_paths(fast);
        let run = |t: &Tokenizer, flag: Option<bool>| {
            let o = EncodeOptions {
                split_special_tokens: flag,
                ..opts()
            };
            t.encode(InputSequence::Raw(text), None, &o)
                .unwrap_or_default()
        };
        let e = run(&t, Some(true));
        assert_eq!(e.ids, split);
        assert_eq!(e.offsets[2..5], [(6, 7), (7, 11), (11, 12)]);
        assert_eq!(run(&t, None).ids, matched);
        t.encode_special_tokens = true;
        assert_eq!(run(&t, None).ids, split);
        assert_eq!(run(&t, Some(false)).ids, matched);
    }
}

/// `skip_added_tokens`: no added token is matched, special or not; the text runs through the pipeline
/// as if there were none (transformers' `_encode_without_added_tokens`).
#[test]
fn skip_added_tokens_matches_none() {
    let text = "Hello [MASK] héllo[SEP] hello";
    let plain = bert();
    let mut added = bert();
    assert!(added.add_tokens(&[AddedToken::new("hello", false)]).is_ok());
    let mut word = AddedToken::new("zork", false);
    word.normalized = false;
    assert_eq!(added.add_tokens(&[word]).unwrap_or_default(), 1);
    let run = |t: &Tokenizer, text: &str, o: EncodeOptions| {
        t.encode(InputSequence::Raw(text), None, &o)
            .unwrap_or_default()
            .ids
    };
    let split = EncodeOptions {
        split_special_tokens: Some(true),
        ..opts()
    };
    let skip = EncodeOptions {
        skip_added_tokens: true,
        ..opts()
    };
    for fast in [true, false] {
        added.set_fast_paths(fast);
        let expected = run(&plain, "Hello [MASK] héllo[SEP] hello zork", split.clone());
        assert_eq!(
            run(&added, "Hello [MASK] héllo[SEP] hello zork", skip.clone()),
            expected
        );
        assert_ne!(run(&added, text, split.clone()), run(&added, text, opts()));
        let zork = added.token_to_id("zork");
        assert!(run(&added, "a zork", split.clone())
            .iter()
            .any(|&id| Some(id) == zork));
        assert!(!run(&added, "a zork", skip.clone())
            .iter()
            .any(|&id| Some(id) == zork));
    }
}

/// `split_skips_added_tokens` (transformers' Python classes): splitting special tokens, by the call or
/// the tokenizer, matches no added token at all; without a split the added tokens match as usual.
#[test]
fn split_can_skip_every_added_token() {
    let mut t = bert();
    let mut word = AddedToken::new("zork", false);
    word.normalized = false;
    assert_eq!(t.add_tokens(&[word]).unwrap_or_default(), 1);
    let zork = t.token_to_id("zork");
    let has_zork = |t: &Tokenizer, split: Option<bool>| {
        let o = EncodeOptions {
            split_special_tokens: split,
            ..opts()
        };
        t.encode(InputSequence::Raw("a zork [SEP]"), None, &o)
            .unwrap_or_default()
            .ids
            .iter()
            .any(|&id| Some(id) == zork)
    };
    for fast in [true, false] {
        t.set_fast_paths(fast);
        t.split_skips_added_tokens = false;
        assert!(has_zork(&t, Some(true)));
        t.split_skips_added_tokens = true;
        assert!(!has_zork(&t, Some(true)));
        assert!(has_zork(&t, Some(false)));
        t.encode_special_tokens = true;
        assert!(!has_zork(&t, None));
        t.encode_special_tokens = false;
        assert!(has_zork(&t, None));
    }
}

/// A template token whose string is not its id's (NLLB's `eng_Latn` standing for the unknown id) is
/// reported by the template's string, as Hugging Face's Encoding does, at the front and at the end, in
/// a pair and in overflowing windows.
#[test]
fn template_tokens_keep_their_own_strings() {
    let mut t = bert();
    let v = serde_json::json!({
        "type": "TemplateProcessing",
        "single": ["eng_Latn", "$A", "[SEP]"],
        "pair": ["eng_Latn", "$A", "$B:1", "[SEP]:1"],
        "special_tokens": {
            "eng_Latn": {"id": "eng_Latn", "ids": [100], "tokens": ["eng_Latn"]},
            "[SEP]": {"id": "[SEP]", "ids": [102], "tokens": ["[SEP]"]},
        },
    });
    let pp = crate::processors::PostProcessor::from_json(&v, "post_processor").unwrap();
    t.set_post_processor(Some(pp));
    let tokens = |e: &Encoding| {
        (0..e.len())
            .map(|i| e.token(i, &t).to_string())
            .collect::<Vec<_>>()
    };
    let e = t
        .encode(InputSequence::Raw("hello world"), None, &opts())
        .unwrap();
    assert_eq!(e.ids, [100, 7592, 2088, 102]);
    assert_eq!(tokens(&e), ["eng_Latn", "hello", "world", "[SEP]"]);
    let e = t
        .encode(
            InputSequence::Raw("hello"),
            Some(InputSequence::Raw("world")),
            &opts(),
        )
        .unwrap();
    assert_eq!(tokens(&e), ["eng_Latn", "hello", "world", "[SEP]"]);
    let mut o = opts();
    o.truncation = Some(crate::postprocess::TruncationParams {
        max_length: 3,
        stride: 0,
        strategy: TruncationStrategy::LongestFirst,
        direction: Direction::Right,
    });
    let e = t
        .encode(InputSequence::Raw("hello world"), None, &o)
        .unwrap();
    assert_eq!(tokens(&e), ["eng_Latn", "hello", "[SEP]"]);
    let w = e.overflowing.first().expect("an overflowing window");
    let tw: Vec<String> = (0..w.len()).map(|i| w.token(i, &t).to_string()).collect();
    assert_eq!(tw, ["eng_Latn", "world", "[SEP]"]);
}
