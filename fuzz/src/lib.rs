//! Shared pieces of the fuzz targets: the fixture tokenizers and the invariants every encoding keeps.

use ferrotok::tokenizer::{EncodeOptions, InputSequence};
use ferrotok::{Encoding, Tokenizer};
use std::sync::OnceLock;

static BERT_JSON: &str = include_str!("../../tests/fixtures/bert-uncased/tokenizer.json");
static GPT2_VOCAB: &str = include_str!("../../tests/fixtures/gpt2/vocab.json");
static GPT2_MERGES: &str = include_str!("../../tests/fixtures/gpt2/merges.txt");

/// BERT-uncased from its tokenizer.json.
pub fn bert() -> &'static Tokenizer {
    static T: OnceLock<Tokenizer> = OnceLock::new();
    T.get_or_init(|| Tokenizer::from_json_str(BERT_JSON).expect("BERT fixture loads"))
}

/// GPT-2 as its legacy files describe it (byte-level BPE, `<|endoftext|>` added), built in memory;
/// `None` in a build whose BPE model is not there yet.
pub fn gpt2() -> Option<&'static Tokenizer> {
    static T: OnceLock<Option<Tokenizer>> = OnceLock::new();
    T.get_or_init(|| {
        let vocab: serde_json::Value = serde_json::from_str(GPT2_VOCAB).expect("vocab.json");
        let merges: Vec<&str> = GPT2_MERGES
            .lines()
            .filter(|l| !l.starts_with("#version") && !l.trim().is_empty())
            .collect();
        let byte_level = serde_json::json!({"type": "ByteLevel", "add_prefix_space": false,
            "trim_offsets": true, "use_regex": true});
        let doc = serde_json::json!({
            "version": "1.0",
            "added_tokens": [{"id": 50256, "content": "<|endoftext|>", "single_word": false,
                "lstrip": false, "rstrip": false, "normalized": true, "special": true}],
            "normalizer": null,
            "pre_tokenizer": byte_level,
            "post_processor": byte_level,
            "decoder": byte_level,
            "model": {"type": "BPE", "dropout": null, "unk_token": null,
                "continuing_subword_prefix": "", "end_of_word_suffix": "", "fuse_unk": false,
                "byte_fallback": false, "ignore_merges": false, "vocab": vocab, "merges": merges},
        });
        Tokenizer::from_json_str(&doc.to_string()).ok()
    })
    .as_ref()
}

/// Split fuzz bytes into up to `n` UTF-8 strings at 0xFF bytes (never valid in UTF-8), lossily.
pub fn strings(data: &[u8], n: usize) -> Vec<String> {
    data.splitn(n, |&b| b == 0xFF)
        .map(|p| String::from_utf8_lossy(p).into_owned())
        .collect()
}

/// The per-token invariants of one encoding of `first` (and `second`), offsets in bytes.
pub fn check(tok: &Tokenizer, e: &Encoding, first: &str, second: Option<&str>, special: bool) {
    let n = e.ids.len();
    assert_eq!(e.type_ids.len(), n);
    assert_eq!(e.offsets.len(), n);
    assert_eq!(e.special_tokens_mask.len(), n);
    assert_eq!(e.attention_mask.len(), n);
    assert_eq!(e.word_ids.len(), n);
    assert_eq!(e.sequence_ids.len(), n);
    for k in 0..n {
        let (s, t) = e.offsets[k];
        assert!(s <= t, "offsets {s}..{t}");
        match e.sequence_ids[k] {
            Some(seq) => {
                let text = if seq == 0 {
                    first
                } else {
                    second.expect("pair")
                };
                assert!(t <= text.len(), "offset {t} beyond {}", text.len());
                assert!(text.is_char_boundary(s) && text.is_char_boundary(t));
                assert_eq!(e.special_tokens_mask[k], 0);
            }
            None => {
                if e.attention_mask[k] == 1 {
                    assert_eq!(e.special_tokens_mask[k], 1, "token {k} without a sequence");
                }
            }
        }
        assert!(
            tok.id_to_token(e.ids[k]).is_some(),
            "id {} has no token",
            e.ids[k]
        );
    }
    let specials: u32 = e.special_tokens_mask.iter().sum();
    let expected = if special {
        tok.num_special_tokens_to_add(second.is_some())
    } else {
        0
    };
    assert_eq!(specials as usize, expected, "special tokens");
}

/// Encode `first`/`second` with byte offsets and check the invariants; returns the encoding.
pub fn encode_checked(
    tok: &Tokenizer,
    first: &str,
    second: Option<&str>,
    special: bool,
) -> Encoding {
    let opts = EncodeOptions {
        add_special_tokens: special,
        truncation: None,
        padding: None,
        char_offsets: false,
        drop_overflow: false,
    };
    let e = tok
        .encode(
            InputSequence::Raw(first),
            second.map(InputSequence::Raw),
            &opts,
        )
        .expect("encoding valid text never fails");
    check(tok, &e, first, second, special);
    e
}
