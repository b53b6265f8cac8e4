//! CTRLTokenizer and BlenderbotSmallTokenizer (transformers' Python classes for Salesforce's CTRL and
//! Blenderbot-90M): fastBPE's pieces in `vocab.json` (`@@` ending every piece of a word but its last) and
//! its merges in `merges.txt` (a header line, then `left right` per line, `</w>` ending a word's last symbol).
//!
//! CTRL cuts text into `\S+\n?` words (Unicode White_Space, as the `regex` module has it; a newline
//! right after a word kept with it),
//! each split by the `FastBPE` model, case kept. BlenderbotSmall lower-cases the text, spells a newline
//! right after a word (but not after an apostrophe, whose added space swallows it) as the word
//! `__newln__`, cuts words at whitespace, then before each of `.,!?()` and around each apostrophe. No
//! special tokens around the text; a pair's second text has type id 0 (CTRL) or 1; decoding joins the pieces
//! as the classes do (`FastBPE` decoder). A named token outside the vocabulary is an added token with the
//! next id.

use super::legacy::{read_to_string, LegacyConfig};
use super::named_tokens::{named_content, named_specials, present, AddedIds};
use super::sentencepiece::SpecialTokens;
use super::vocab_file::{tokenizer_document, VocabJson};
use crate::error::Result;
use crate::kernel::rewrite::is_py_space;
use serde_json::{json, Value};
use std::path::Path;

pub const CLASSES: [&str; 2] = ["CTRLTokenizer", "BlenderbotSmallTokenizer"];

pub fn handles(class: &str) -> bool {
    CLASSES.contains(&class.trim_end_matches("Fast"))
}

/// `\S+\n?` with the `regex` module's `\s` (Unicode White_Space: U+001C..U+001F are not spaces there).
const WORD: &str = r"\S+\n?";

/// BlenderbotSmall's special tokens (CTRL names only `<unk>`).
const BLENDERBOT_SMALL: [(&str, &str); 4] = [
    ("bos_token", "__start__"),
    ("eos_token", "__end__"),
    ("unk_token", "__unk__"),
    ("pad_token", "__null__"),
];

/// The normalizer and pre-tokenizer of the class.
fn pipeline(blenderbot_small: bool) -> (Value, Value) {
    let words = json!({
        "type": "Split",
        "pattern": {"Regex": if blenderbot_small { r"\S+" } else { WORD }},
        "behavior": "Removed",
        "invert": true,
    });
    if !blenderbot_small {
        return (Value::Null, words);
    }
    let normalizer = json!({"type": "Sequence", "normalizers": [
        {
            "type": "Replace",
            "pattern": {"Regex": r"(?<=[^\s'])\n"},
            "content": " __newln__ ",
        },
    ]});
    let pre_tokenizer = json!({"type": "Sequence", "pretokenizers": [
        words,
        {"type": "Split", "pattern": {"Regex": "[.,!?()]"}, "behavior": "MergedWithNext", "invert": false},
        {"type": "Split", "pattern": {"String": "'"}, "behavior": "Isolated", "invert": false},
        // The class lower-cases each word once cut (a capital sigma's final form depends on the cuts).
        {"type": "PythonLowercase"},
    ]});
    (normalizer, pre_tokenizer)
}

/// merges.txt's merges in rank order, as the class reads them: the lines between the first and the last
/// newline, each split on whitespace; a line that is not two symbols merges nothing.
fn merges(text: &str) -> Vec<Value> {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut lines: Vec<&str> = text.split('\n').skip(1).collect();
    lines.pop();
    lines
        .iter()
        .filter_map(|l| {
            let parts: Vec<&str> = l.split(is_py_space).filter(|p| !p.is_empty()).collect();
            match parts.as_slice() {
                [a, b] => Some(json!([a, b])),
                _ => None,
            }
        })
        .collect()
}

/// The tokenizer.json document and special tokens of a CTRLTokenizer or BlenderbotSmallTokenizer folder.
pub fn document(dir: &Path, cfg: &LegacyConfig) -> Result<(Value, SpecialTokens)> {
    let blenderbot_small = cfg.class().trim_end_matches("Fast") == "BlenderbotSmallTokenizer";
    let (normalizer, pre_tokenizer) = pipeline(blenderbot_small);
    let vocab = VocabJson::read(&dir.join("vocab.json"))?;
    let codes = read_to_string(&dir.join("merges.txt"))?;
    let named = if blenderbot_small {
        named_specials(cfg, &BLENDERBOT_SMALL)
    } else {
        named_specials(cfg, &[("unk_token", "<unk>")])
    };
    // The class numbers added tokens from `len(encoder)`.
    let added = AddedIds::resolve(vocab.pairs.len() as u32, present(&named), |t| vocab.id(t));
    // `str(None)` for a missing unk token, as the class looks it up.
    let unk = named_content(&named, "unk_token").unwrap_or_else(|| "None".to_string());
    let vocab_json = vocab.model_vocab();
    let doc = tokenizer_document(
        &added,
        json!({
            "normalizer": normalizer,
            "pre_tokenizer": pre_tokenizer,
            "post_processor": {
                "type": "TemplateProcessing",
                "single": [{"Sequence": {"id": "A", "type_id": 0}}],
                "pair": [
                    {"Sequence": {"id": "A", "type_id": 0}},
                    {"Sequence": {"id": "B", "type_id": u32::from(blenderbot_small)}},
                ],
                "special_tokens": {},
            },
            "decoder": {"type": "FastBPE", "suffix": "@@"},
            "model": {
                "type": "FastBPE",
                "vocab": vocab_json,
                "merges": merges(&codes),
                "unk_token": unk,
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
    use crate::tokenizer::{EncodeOptions, InputSequence};
    use serde_json::Map;

    #[test]
    fn ctrl_folder_encodes_and_decodes() {
        let dir = std::env::temp_dir().join(format!("ferrotok-ctrl-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("vocab.json"),
            r#"{"he@@": 0, "llo": 1, "Hello": 2, "x": 3, "<unk>": 4}"#,
        )
        .unwrap();
        std::fs::write(
            dir.join("merges.txt"),
            "#version: 0.2\nh e\nl lo</w>\nl o</w>\nH e\nHe llo</w>\nx y",
        )
        .unwrap();
        let out = document(&dir, &LegacyConfig { config: Map::new() });
        std::fs::remove_dir_all(&dir).unwrap();
        let t = super::super::tokenizer_json::from_value(out.unwrap().0, "<t>").unwrap();
        let opts = EncodeOptions {
            add_special_tokens: true,
            ..EncodeOptions::default()
        };
        let e = t
            .encode(InputSequence::Raw(" Hello x\nhello"), None, &opts)
            .unwrap();
        // Hello | x@@ and `\n`, unknown | he@@ llo
        assert_eq!(e.ids, [2, 4, 4, 0, 1]);
        assert_eq!(t.decode(&[0, 1, 3], false).unwrap(), "hello x");
        assert_eq!(
            merges("#v\na b\nc d e\nf g\nh i"),
            [json!(["a", "b"]), json!(["f", "g"])]
        );
    }
}
