//! PhobertTokenizer and BertweetTokenizer (transformers' Python classes for PhoBERT / BERTweet): fastBPE
//! files, `vocab.txt` (`token count` per line) and `bpe.codes` (`left right count` per line).
//!
//! The vocabulary is `bos pad eos unk` at ids 0..3, then vocab.txt's tokens in order (a token given
//! again takes the next id, as the class's dict assignment does); a named special token outside it is
//! an added token with the next id. Text is cut into `\S+\n?` words (Python's whitespace, a newline
//! right after a word kept with it), each split by the `FastBPE` model; `<s> A </s>` and
//! `<s> A </s></s> B </s>`, type ids all 0; decoding joins the pieces as the class does (`FastBPE`
//! decoder). BERTweet's `normalization=True` (its tweet normalizer: TweetTokenizer, emoji names) is
//! refused.

use super::legacy::{read_to_string, LegacyConfig};
use super::named_tokens::{json_id, named_content, named_specials, present, AddedIds};
use super::sentencepiece::{cfg_bool, SpecialTokens};
use super::vocab_file::tokenizer_document;
use crate::error::{Error, Result};
use crate::kernel::rewrite::is_py_space;
use serde_json::{json, Map, Value};
use std::path::Path;

pub const CLASSES: [&str; 2] = ["PhobertTokenizer", "BertweetTokenizer"];

pub fn handles(class: &str) -> bool {
    CLASSES.contains(&class.trim_end_matches("Fast"))
}

/// `\S+\n?` with Python's `\s` (Unicode White_Space and U+001C..U+001F).
const WORD: &str = r"[^\s\x{1c}-\x{1f}]+\n?";

/// Token → id in insertion order, with Python dict semantics (a key given again keeps its place).
#[derive(Default)]
struct Encoder {
    order: Vec<String>,
    ids: Map<String, Value>,
}

impl Encoder {
    fn set(&mut self, token: &str, id: usize) {
        if !self.ids.contains_key(token) {
            self.order.push(token.to_string());
        }
        self.ids.insert(token.to_string(), json!(id));
    }
    fn len(&self) -> usize {
        self.ids.len()
    }
}

/// bpe.codes' merges in rank order: the lines before the last newline (transformers drops what follows
/// it), each split on whitespace with its count dropped; a line that is not two symbols and a count
/// merges nothing.
fn merges(text: &str) -> Vec<Value> {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut lines: Vec<&str> = text.split('\n').collect();
    lines.pop();
    lines
        .iter()
        .filter_map(|l| {
            let parts: Vec<&str> = l.split(is_py_space).filter(|p| !p.is_empty()).collect();
            match parts.as_slice() {
                [a, b, _] => Some(json!([a, b])),
                _ => None,
            }
        })
        .collect()
}

pub fn document(dir: &Path, cfg: &LegacyConfig) -> Result<(Value, SpecialTokens)> {
    if cfg_bool(cfg, "normalization", false) {
        return Err(Error::config(
            dir.join("tokenizer_config.json").display().to_string(),
            "normalization",
            "BertweetTokenizer's tweet normalization (normalization=True) is not supported; \
             load the folder with normalization=False",
        ));
    }
    let vocab_path = dir.join("vocab.txt");
    let vocab_file = vocab_path.display().to_string();
    let text = read_to_string(&vocab_path)?;
    let codes = read_to_string(&dir.join("bpe.codes"))?;
    let defaults = [
        ("bos_token", "<s>"),
        ("eos_token", "</s>"),
        ("unk_token", "<unk>"),
        ("sep_token", "</s>"),
        ("pad_token", "<pad>"),
        ("cls_token", "<s>"),
        ("mask_token", "<mask>"),
    ];
    let named = named_specials(cfg, &defaults);
    // `str(None)` for a missing token, as the class keys it.
    let content = |key: &str| named_content(&named, key).unwrap_or_else(|| "None".to_string());
    let mut encoder = Encoder::default();
    for (key, id) in [
        ("bos_token", 0),
        ("pad_token", 1),
        ("eos_token", 2),
        ("unk_token", 3),
    ] {
        encoder.set(&content(key), id);
    }
    let mut lines: Vec<&str> = text.split('\n').collect();
    if lines.last() == Some(&"") {
        lines.pop();
    }
    for (n, line) in lines.iter().enumerate() {
        let line = line.trim_matches(is_py_space);
        let Some(cut) = line.rfind(' ') else {
            return Err(Error::config(
                vocab_file,
                format!("line {}", n + 1),
                "expected `<token> <count>`",
            ));
        };
        let next = encoder.len();
        encoder.set(&line[..cut], next);
    }
    // Named tokens outside the vocabulary: added tokens with the next ids, in transformers' order.
    let added = AddedIds::resolve(encoder.len() as u32, present(&named), |t| {
        json_id(&encoder.ids, t)
    });
    let (cls, sep) = (content("cls_token"), content("sep_token"));
    let id_of = |t: &str| -> Value {
        let id = encoder.ids.get(t).and_then(Value::as_u64).or_else(|| {
            added
                .iter()
                .find(|(_, a)| a.content == t)
                .map(|(i, _)| u64::from(*i))
        });
        json!(id)
    };
    let special = |t: &str| json!({"SpecialToken": {"id": t, "type_id": 0}});
    let seq = |s: &str| json!({"Sequence": {"id": s, "type_id": 0}});
    let mut special_tokens = Map::new();
    for t in [&cls, &sep] {
        special_tokens.insert(
            t.clone(),
            json!({"id": t, "ids": [id_of(t)], "tokens": [t]}),
        );
    }
    let vocab: Map<String, Value> = encoder
        .order
        .iter()
        .map(|t| (t.clone(), encoder.ids[t].clone()))
        .collect();
    let doc = tokenizer_document(
        &added,
        json!({
            "normalizer": null,
            "pre_tokenizer": {
                "type": "Split",
                "pattern": {"Regex": WORD},
                "behavior": "Removed",
                "invert": true,
            },
            "post_processor": {
                "type": "TemplateProcessing",
                "single": [special(&cls), seq("A"), special(&sep)],
                "pair": [special(&cls), seq("A"), special(&sep), special(&sep), seq("B"), special(&sep)],
                "special_tokens": special_tokens,
            },
            "decoder": {"type": "FastBPE", "suffix": "@@"},
            "model": {
                "type": "FastBPE",
                "vocab": vocab,
                "merges": merges(&codes),
                "unk_token": content("unk_token"),
                "suffix": "@@",
                "end_of_word_suffix": "</w>",
            },
        }),
    );
    Ok((doc, SpecialTokens::new(&named, Vec::new())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokenizer::{EncodeOptions, InputSequence, Tokenizer};

    fn load(config: Value) -> Result<Tokenizer> {
        let dir = std::env::temp_dir().join(format!(
            "ferrotok-fastbpe-{}-{}",
            std::process::id(),
            config.to_string().len()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("vocab.txt"),
            "he@@ 5\nllo 4\nhello 3\nh@@ 2\nx 1\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("bpe.codes"),
            "h e 9\nl lo</w> 8\nl o</w> 9\nhe llo</w> 7\nz z 1",
        )
        .unwrap();
        let Value::Object(config) = config else {
            unreachable!()
        };
        let out = document(&dir, &LegacyConfig { config });
        std::fs::remove_dir_all(&dir).unwrap();
        super::super::tokenizer_json::from_value(out?.0, "<test>")
    }

    #[test]
    fn fastbpe_folder_encodes_and_decodes() {
        let t = load(json!({})).unwrap();
        let opts = EncodeOptions {
            add_special_tokens: true,
            ..EncodeOptions::default()
        };
        let enc = t
            .encode(InputSequence::Raw(" hello x\n<mask>hel"), None, &opts)
            .unwrap();
        // <s> hello | x@@ and `\n`, unknown | <mask> | he@@, then `l` unknown | </s>
        assert_eq!(enc.ids, [0, 6, 3, 3, 9, 4, 3, 2]);
        assert_eq!(t.decode(&[0, 4, 5, 2], false).unwrap(), "<s> hello </s>");
        assert_eq!(t.decode(&[4, 5, 8], true).unwrap(), "hello x");
        assert!(load(json!({"normalization": true})).is_err());
    }

    #[test]
    fn codes_lines_after_the_last_newline_are_dropped() {
        assert_eq!(
            merges("a b 1\nc d\ne f 2\ng h 3"),
            [json!(["a", "b"]), json!(["e", "f"])]
        );
    }
}
