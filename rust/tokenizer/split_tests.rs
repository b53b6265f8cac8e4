//! Splitting special tokens as transformers' Python classes do (`split_skips_added_tokens`): BERT's
//! basic tokenizer keeping whole special words (`split_keeps_special_words`), and word-level models
//! looking their words up among the added tokens.

use super::*;
use crate::added_tokens::AddedToken;

use super::bert_fixture as bert;
use super::test_options as opts;

fn split_ids(t: &Tokenizer, text: &str) -> Vec<u32> {
    let o = EncodeOptions {
        split_special_tokens: Some(true),
        ..opts()
    };
    t.encode(InputSequence::Raw(text), None, &o)
        .unwrap_or_default()
        .ids
}

/// A special token between whitespace (or the text's ends, control chars ignored, CJK ideographs
/// standing alone) stays whole and is tokenized by the model as written; glued to other text it is
/// lower-cased and cut at punctuation like any text. Ids of the fixture's vocabulary: [CLS] 101, [SEP]
/// 102, [MASK] 103, [UNK] 100, `[` 1031, `]` 1033, `mask` 7308, `sep` 19802, `hello` 7592.
#[test]
fn split_keeps_whole_special_words() {
    let mut t = bert();
    t.split_skips_added_tokens = true;
    t.split_keeps_special_words = true;
    let cut_mask = [1031, 7308, 1033];
    for fast in [true, false] {
        t.set_fast_paths(fast);
        assert_eq!(
            split_ids(&t, "Hello [MASK] héllo[SEP]"),
            [101, 7592, 103, 7592, 1031, 19802, 1033, 102]
        );
        assert_eq!(
            split_ids(&t, "\u{0}[MASK]\u{200b}\t[SEP]"),
            [101, 103, 102, 102]
        );
        assert_eq!(
            split_ids(&t, "[MASK][MASK]")[1..7],
            [cut_mask, cut_mask].concat()
        );
        assert_eq!(
            split_ids(&t, "[MASK]."),
            [[101].as_slice(), &cut_mask, &[1012, 102]].concat()
        );
        // A CJK ideograph is a word of its own: the special token beside it is whole.
        let cjk = split_ids(&t, "中[MASK]中");
        assert_eq!(cjk[2], 103);
        assert_eq!(cjk, split_ids(&t, "中 [MASK] 中"));
        // Lower case is another spelling: cut like text.
        assert_eq!(
            split_ids(&t, "[mask]"),
            [[101].as_slice(), &cut_mask, &[102]].concat()
        );
        // Without the setting, or without the split, nothing changes.
        t.split_keeps_special_words = false;
        assert_eq!(
            split_ids(&t, "[MASK]"),
            [[101].as_slice(), &cut_mask, &[102]].concat()
        );
        t.split_keeps_special_words = true;
        let matched = t
            .encode(InputSequence::Raw("a[MASK]"), None, &opts())
            .unwrap_or_default();
        assert_eq!(matched.ids, [101, 1037, 103, 102]);
    }
    // Without CJK spacing an ideograph is part of the word.
    if let Some(Normalizer::Bert(n)) = &mut t.normalizer {
        n.handle_chinese_chars = false;
    }
    assert!(!split_ids(&t, "中[MASK]").contains(&103));
}

/// A kept special word the vocabulary lacks is tokenized by the model (WordPiece's unknown token here),
/// not given its added id; a non-special added token never matches.
#[test]
fn kept_special_words_go_to_the_model() {
    let mut t = bert();
    t.split_skips_added_tokens = true;
    t.split_keeps_special_words = true;
    let added = t.add_tokens(&[
        AddedToken::special("[X_SEP]"),
        AddedToken::new("zork", false),
    ]);
    assert_eq!(added.unwrap_or_default(), 2);
    let x_sep = t.token_to_id("[X_SEP]");
    let zork = t.token_to_id("zork");
    let ids = split_ids(&t, "a [X_SEP] zork");
    assert_eq!(ids[2], 100);
    assert!(!ids.iter().any(|&id| Some(id) == x_sep || Some(id) == zork));
}

/// A word-level model (ESM, Wav2Vec2Phoneme) with the added tokens skipped: a whole word that is an
/// added token's text gets its id, special or not; glued to other text it is one unknown word.
#[test]
fn word_level_words_look_up_added_tokens() {
    let doc = serde_json::json!({
        "added_tokens": [
            {"id": 0, "content": "<cls>", "special": true},
            {"id": 3, "content": "<mask>", "special": true},
        ],
        "pre_tokenizer": {"type": "WhitespaceSplit"},
        "model": {"type": "WordLevel", "vocab": {"<cls>": 0, "<unk>": 1, "A": 2}, "unk_token": "<unk>"},
    });
    let Ok(mut t) = crate::loading::tokenizer_json::from_value(doc, "<test>") else {
        panic!("the test document loads");
    };
    assert_eq!(
        t.add_tokens(&[AddedToken::new("zork", false)]).ok(),
        Some(1)
    );
    t.split_skips_added_tokens = true;
    assert_eq!(split_ids(&t, "A zork <mask> <cls>"), [2, 4, 3, 0]);
    assert_eq!(split_ids(&t, "zork<mask> A<cls>"), [1, 1]);
    // The fast tokenizers' split still matches the non-special ones anywhere.
    t.split_skips_added_tokens = false;
    assert_eq!(split_ids(&t, "A zork<mask>"), [2, 4, 1]);
}

/// A word that lower-cases to a special token (`<EXTRA>` for `<extra>`) is kept whole too, as its
/// lower-cased form: BERT's basic tokenizer looks its `never_split` up again before the cut at
/// punctuation. Offsets cover the word as written.
#[test]
fn words_lower_casing_to_a_special_token_are_kept() {
    let mut t = bert();
    t.split_skips_added_tokens = true;
    t.split_keeps_special_words = true;
    assert_eq!(
        t.add_tokens(&[AddedToken::special("<extra>")]).ok(),
        Some(1)
    );
    let o = EncodeOptions {
        split_special_tokens: Some(true),
        ..opts()
    };
    let e = t
        .encode(InputSequence::Raw("a <EXTRA> b<EXTRA>"), None, &o)
        .unwrap_or_default();
    let glued = split_ids(&t, "b<extra>");
    let kept = split_ids(&t, "<extra>");
    // `<extra>` alone reaches WordPiece whole; glued to `b` it is cut at `<` and `>`.
    assert_ne!(kept[1..kept.len() - 1], glued[2..glued.len() - 1]);
    let inner = &kept[1..kept.len() - 1];
    assert_eq!(e.ids[2..2 + inner.len()], *inner);
    assert_eq!(e.ids[2 + inner.len()..], glued[1..]);
    assert_eq!(e.offsets[2].0, 2);
    assert_eq!(e.offsets[1 + inner.len()].1, 9);
}
