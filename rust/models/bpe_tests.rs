//! Expected values below come from running tokenizers 0.23.3 (`Tokenizer.from_str(...).model.tokenize`).

use super::*;
use serde_json::json;

fn model(v: Value) -> Result<Bpe> {
    let o = v.as_object().cloned().unwrap_or_default();
    Bpe::from_json(&o, "model")
}

fn run(b: &Bpe, w: &str) -> Vec<(u32, (u32, u32))> {
    let mut out = Vec::new();
    b.tokenize(w, &mut out).unwrap();
    out.into_iter().map(|t| (t.id, t.offsets)).collect()
}

fn abc(extra: Value) -> Bpe {
    let mut v = json!({
        "vocab": {"<unk>":0,"a":1,"b":2,"c":3,"ab":4,"bc":5,"abc":6},
        "merges": ["a b", ["ab", "c"]], "unk_token": "<unk>"
    });
    if let (Some(o), Some(e)) = (v.as_object_mut(), extra.as_object()) {
        o.extend(e.clone());
    }
    model(v).unwrap()
}

#[test]
fn merges_and_unk() {
    let b = abc(json!({}));
    assert_eq!(run(&b, "abc"), [(6, (0, 3))]);
    assert_eq!(
        run(&b, "xxabyc"),
        [
            (0, (0, 1)),
            (0, (1, 2)),
            (4, (2, 4)),
            (0, (4, 5)),
            (3, (5, 6))
        ]
    );
    let f = abc(json!({"fuse_unk": true}));
    assert_eq!(
        run(&f, "xxabyyc"),
        [(0, (0, 2)), (4, (2, 4)), (0, (4, 6)), (3, (6, 7))]
    );
    assert_eq!(run(&f, "xé"), [(0, (0, 3))]);
    assert_eq!(
        b.merges(),
        [("a".into(), "b".into()), ("ab".into(), "c".into())]
    );
    assert_eq!(b.vocab_size(), 7);
    assert_eq!(b.id_to_token(4), Some("ab"));
    assert_eq!(b.token_to_id("bc"), Some(5));
}

#[test]
fn byte_fallback_keeps_hf_order() {
    let b = model(json!({
        "vocab": {"<unk>":0,"a":1,"b":2,"c":3,"ab":4,"<0x78>":5,"<0xC3>":6,"<0xA9>":7},
        "merges": ["a b"], "unk_token": "<unk>", "byte_fallback": true
    }))
    .unwrap();
    assert_eq!(
        run(&b, "xabé"),
        [(5, (0, 1)), (4, (1, 3)), (6, (3, 4)), (7, (4, 5))]
    );
    // The pending unk comes after the fallback bytes, as in HF.
    assert_eq!(run(&b, "zxa"), [(5, (0, 1)), (0, (1, 2)), (1, (2, 3))]);
    assert_eq!(
        run(&b, "zzé"),
        [(0, (0, 1)), (6, (1, 2)), (7, (2, 3)), (0, (3, 4))]
    );
}

#[test]
fn prefix_suffix_and_ignore_merges() {
    let p = model(json!({
        "vocab": {"a":1,"b":2,"c":3,"##b":4,"##c":5,"a##b":6,"ab":7},
        "merges": ["a ##b"], "continuing_subword_prefix": "##"
    }))
    .unwrap();
    assert_eq!(run(&p, "abc"), [(7, (0, 2)), (5, (2, 3))]);
    let s = model(json!({
        "vocab": {"a":1,"b":2,"c</w>":3,"bc</w>":4,"b</w>":5},
        "merges": ["b c</w>"], "end_of_word_suffix": "</w>"
    }))
    .unwrap();
    assert_eq!(run(&s, "abc"), [(1, (0, 1)), (4, (1, 3))]);
    assert_eq!(run(&s, "ab"), [(1, (0, 1)), (5, (1, 2))]);
    let i = model(json!({
        "vocab": {"a":1,"b":2,"abab":3,"ab":4}, "merges": ["a b"], "ignore_merges": true
    }))
    .unwrap();
    assert_eq!(run(&i, "abab"), [(3, (0, 4))]);
    assert_eq!(run(&i, "aba"), [(4, (0, 2)), (1, (2, 3))]);
}

#[test]
fn unknown_chars_without_unk_are_dropped_and_bad_unk_errors() {
    let b = model(json!({"vocab": {"a":1,"b":2}, "merges": []})).unwrap();
    assert_eq!(run(&b, "axb"), [(1, (0, 1)), (2, (1, 2))]);
    let u = model(json!({"vocab": {"a":1}, "merges": [], "unk_token": "<nope>"})).unwrap();
    assert!(u.tokenize("ax", &mut Vec::new()).is_err());
}

#[test]
fn config_errors_name_the_field() {
    let err = |v: Value| model(v).err().map(|e| e.to_string()).unwrap_or_default();
    let e = err(json!({"vocab": {"a":0,"b":1}, "merges": ["a x"]}));
    assert!(e.contains("model.merges[0]") && e.contains("`x`"), "{e}");
    let e = err(json!({"vocab": {"a":0,"b":1}, "merges": ["a b"]}));
    assert!(e.contains("model.merges[0]") && e.contains("`ab`"), "{e}");
    let e = err(json!({"vocab": {"a":0,"b":1,"ab":2}, "merges": ["a b c"]}));
    assert!(e.contains("model.merges[0]"), "{e}");
    let e = err(json!({"vocab": {"a":-1}, "merges": []}));
    assert!(e.contains("model.vocab.a"), "{e}");
    let e = err(json!({"vocab": {"a":0}, "merges": [], "dropout": 0.1}));
    assert!(e.contains("model.dropout"), "{e}");
    assert!(model(json!({"vocab": {"a":0}, "merges": [], "dropout": 0.0})).is_ok());
    assert!(model(json!({"vocab": {"a":0}, "merges": [], "dropout": null})).is_ok());
}

#[test]
fn legacy_files() {
    let b = Bpe::from_strs(
        r#"{"a":0,"b":1,"ab":2}"#,
        "#version: 0.2\na b\n",
        BpeOptions::default(),
        "vocab.json",
        "merges.txt",
    )
    .unwrap();
    assert_eq!(run(&b, "ab"), [(2, (0, 2))]);
    let e = Bpe::from_strs(
        r#"{"a":0}"#,
        "#version\na\n",
        BpeOptions::default(),
        "v",
        "m.txt",
    )
    .err()
    .map(|e| e.to_string())
    .unwrap_or_default();
    assert!(e.contains("m.txt") && e.contains("line 2"), "{e}");
    let e = Bpe::from_strs(r#"{"a":0}"#, "a a\n", BpeOptions::default(), "v", "m.txt")
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        e.contains("m.txt") && e.contains("line 1") && e.contains("`aa`"),
        "{e}"
    );
    assert!(matches!(
        Bpe::from_files(
            "/nonexistent/v.json",
            "/nonexistent/m.txt",
            BpeOptions::default()
        ),
        Err(Error::NotFound { .. })
    ));
}

#[test]
fn ids_give_their_tokens_dense_or_sparse() {
    let b = abc(json!({}));
    for (id, token) in ["<unk>", "a", "b", "c", "ab", "bc", "abc"]
        .iter()
        .enumerate()
    {
        assert_eq!(b.id_to_token(id as u32), Some(*token));
    }
    assert_eq!(b.id_to_token(7), None);
    assert_eq!(b.id_to_token(u32::MAX), None);
    // A gap in the ids, an empty token and ids far apart (kept in a map, not a table).
    let gap = model(json!({"vocab": {"": 0, "a": 2, "é": 3}, "merges": []})).unwrap();
    assert_eq!(gap.id_to_token(0), Some(""));
    assert_eq!(gap.id_to_token(1), None);
    assert_eq!(gap.id_to_token(3), Some("é"));
    let far = model(json!({"vocab": {"x": 5, "y": 4_000_000_000u32}, "merges": []})).unwrap();
    assert_eq!(far.id_to_token(5), Some("x"));
    assert_eq!(far.id_to_token(4_000_000_000), Some("y"));
    assert_eq!(far.id_to_token(6), None);
    assert_eq!(far.clone().id_to_token(5), Some("x"));
}
