use super::*;
use crate::trainers::pairs::Vocab;
use crate::trainers::symbols::SymbolOptions;
use crate::trainers::SpecialToken;

type Corpus<'a> = &'a [(&'a str, u64)];

fn run(t: &ParityBpeTrainer, train: &[Corpus<'_>], dev: Option<&[Corpus<'_>]>) -> Vec<String> {
    let train: Vec<Vec<(&str, u64)>> = train.iter().map(|c| c.to_vec()).collect();
    let dev: Option<Vec<Vec<(&str, u64)>>> = dev.map(|d| d.iter().map(|c| c.to_vec()).collect());
    let v = t
        .learn(&train, dev.as_deref(), &Control::default())
        .unwrap();
    let s = |id: u32| v.tokens[id as usize].clone();
    v.merges
        .iter()
        .map(|&(a, b)| format!("{} {}", s(a), s(b)))
        .collect()
}

fn trainer(num_merges: usize) -> ParityBpeTrainer {
    ParityBpeTrainer {
        num_merges,
        symbols: SymbolOptions {
            min_frequency: 1,
            show_progress: false,
            ..SymbolOptions::default()
        },
        ..ParityBpeTrainer::default()
    }
}

#[test]
fn equal_languages_take_turns_and_ties_go_to_larger_strings() {
    let merges = run(&trainer(6), &[&[("xxyy", 4)], &[("ppqq", 4)]], None);
    assert_eq!(
        merges,
        ["y y", "q q", "x yy", "p qq", "x xyy", "p pqq"],
        "lengths tie: language 0 first; pairs tie: the larger strings first"
    );
}

#[test]
fn the_dev_set_chooses_the_language() {
    let train: &[Corpus<'_>] = &[&[("ab", 10)], &[("cd", 2)]];
    assert_eq!(run(&trainer(2), train, None), ["a b", "c d"]);
    let dev: &[Corpus<'_>] = &[&[("ab", 1)], &[("cd", 5)]];
    assert_eq!(run(&trainer(2), train, Some(dev)), ["c d", "a b"]);
    // The dev set wins over ratios.
    let t = ParityBpeTrainer {
        ratio: Some(vec![1.0, 1e-6]),
        ..trainer(2)
    };
    assert_eq!(run(&t, train, Some(dev)), ["c d", "a b"]);
}

#[test]
fn the_window_gives_turns_to_smaller_languages() {
    let train: &[Corpus<'_>] = &[&[("aabb", 50)], &[("ccdd", 1)]];
    assert_eq!(
        run(&trainer(6), train, None),
        ["b b", "a bb", "a abb", "d d", "c dd", "c cdd"]
    );
    let t = ParityBpeTrainer {
        variant: Variant::Window,
        window_size: 2,
        alpha: 1.0,
        ..trainer(6)
    };
    assert_eq!(
        run(&t, train, None),
        ["b b", "a bb", "d d", "a abb", "c dd", "c cdd"]
    );
}

#[test]
fn ratios_weigh_compression() {
    let train: &[Corpus<'_>] = &[&[("ab", 10)], &[("cd", 10)]];
    let with = |r: Vec<f64>| {
        let t = ParityBpeTrainer {
            ratio: Some(r),
            ..trainer(2)
        };
        run(&t, train, None)
    };
    assert_eq!(with(vec![1.0, 4.0]), ["c d", "a b"]);
    assert_eq!(with(vec![4.0, 1.0]), ["a b", "c d"]);
}

#[test]
fn global_merges_count_all_languages_first() {
    let train: &[Corpus<'_>] = &[&[("ab", 3), ("xy", 2)], &[("xy", 2)]];
    assert_eq!(run(&trainer(2), train, None), ["a b", "x y"]);
    let t = ParityBpeTrainer {
        global_merges: 1,
        ..trainer(2)
    };
    assert_eq!(run(&t, train, None), ["x y", "a b"]);
}

#[test]
fn min_frequency_retires_languages() {
    let mut t = trainer(10);
    t.symbols.min_frequency = 2;
    assert_eq!(run(&t, &[&[("ab", 1)], &[("cd", 5)]], None), ["c d"]);
}

#[test]
fn total_symbols_takes_chars_off_the_merges() {
    let t = ParityBpeTrainer {
        total_symbols: true,
        ..trainer(4)
    };
    // The vocabulary counts: "<s>", a, b, c, d, then 7 - 5 = 2 merges.
    let mut t = ParityBpeTrainer { num_merges: 7, ..t };
    t.symbols.special_tokens = vec![SpecialToken::new("<s>", true)];
    assert_eq!(run(&t, &[&[("abcd", 2)], &[("abc", 1)]], None).len(), 2);
}

#[test]
fn dev_words_follow_the_merges() {
    let train: Vec<(&str, u64)> = vec![("abab", 3)];
    let mut vocab = Vocab::default();
    for c in ["a", "b"] {
        vocab.intern(c);
    }
    let dev = vec![train.clone(), vec![("ab", 2), ("zz", 9)]];
    let mut d = DevSet::new(&dev, &vocab, None, None);
    // "zz" has chars outside the vocabulary: left out.
    assert_eq!(d.lengths(2), [12, 4]);
    let ab = vocab.intern("ab");
    assert_eq!(d.merge((0, 1), ab), [6, 2]);
    assert_eq!(d.lengths(2), [6, 2]);
    assert_eq!(d.merge((0, 1), ab), [0, 0]);
}

#[test]
fn bad_options_name_the_argument() {
    let t = trainer(1);
    let err = |t: &ParityBpeTrainer, langs: usize, dev: Option<usize>| {
        t.check(langs, dev).unwrap_err().to_string()
    };
    assert!(err(&t, 0, None).starts_with("train_iterators:"));
    assert!(err(&t, 2, Some(1)).starts_with("dev_iterators:"));
    let r = ParityBpeTrainer {
        ratio: Some(vec![1.0]),
        ..trainer(1)
    };
    assert!(err(&r, 2, None).starts_with("ratio:"));
    assert!(
        r.check(2, Some(2)).is_ok(),
        "ratio is unused with a dev set"
    );
    let r = ParityBpeTrainer {
        ratio: Some(vec![1.0, f64::NAN]),
        ..trainer(1)
    };
    assert!(err(&r, 2, None).starts_with("ratio[1]:"));
    let w = ParityBpeTrainer {
        variant: Variant::Window,
        window_size: 0,
        ..trainer(1)
    };
    assert!(err(&w, 2, None).starts_with("window_size:"));
    let w = ParityBpeTrainer {
        variant: Variant::Window,
        alpha: 0.0,
        ..trainer(1)
    };
    assert!(err(&w, 2, None).starts_with("alpha:"));
}

#[test]
fn the_window_never_spins_when_languages_run_out() {
    // Language 1 runs out at once; language 0 alone is over its window share (threshold 1/4).
    let t = ParityBpeTrainer {
        variant: Variant::Window,
        window_size: 4,
        alpha: 0.5,
        ..trainer(10)
    };
    assert_eq!(
        run(&t, &[&[("abcd", 3)], &[("e", 1)]], None),
        ["c d", "b cd", "a bcd"]
    );
}
