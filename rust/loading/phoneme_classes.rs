//! Wav2Vec2PhonemeCTCTokenizer (transformers' Python class for phoneme-recognition wav2vec2 models):
//! vocab.json maps phonemes to ids and the text is phonemes separated by spaces (`do_phonemize=False`;
//! phonemizing needs the `phonemizer` package and espeak, which the Python layer refuses to run). Each
//! piece between the special tokens is stripped and cut at spaces; a phoneme outside the vocabulary is
//! `<unk>`. No special tokens are added. The CTC part of decoding (grouping repeats, dropping the pad
//! token and the word delimiter, joining with spaces) is the Python layer's (`_decoding.py`).

use super::legacy::LegacyConfig;
use super::named_tokens::{named_content, named_specials, present, AddedIds};
use super::sentencepiece::SpecialTokens;
use super::vocab_file::{plain_template, tokenizer_document, VocabJson};
use crate::error::Result;
use serde_json::{json, Value};
use std::path::Path;

/// The classes built here (without a trailing `Fast`).
pub const CLASSES: [&str; 1] = ["Wav2Vec2PhonemeCTCTokenizer"];

pub fn handles(class: &str) -> bool {
    CLASSES.contains(&class.trim_end_matches("Fast"))
}

/// Python's `str.strip()` whitespace (Rust's `\s` lacks the separators U+001C..U+001F). Patterns anchor
/// with `\A` / `\z`: `^` and `$` match at line breaks in tokenizers' regexes.
const SPACE: &str = r"[\s\x1c-\x1f]";

/// The tokenizer.json document and special tokens of a Wav2Vec2PhonemeCTCTokenizer folder.
pub fn document(dir: &Path, cfg: &LegacyConfig) -> Result<(Value, SpecialTokens)> {
    let vocab = VocabJson::read(&dir.join("vocab.json"))?;
    let defaults = [
        ("bos_token", "<s>"),
        ("eos_token", "</s>"),
        ("unk_token", "<unk>"),
        ("pad_token", "<pad>"),
    ];
    let named = named_specials(cfg, &defaults);
    let unk = named_content(&named, "unk_token").unwrap_or_default();

    // The named tokens are added tokens (matched in the raw text); one outside the vocabulary gets
    // the next id, as transformers adds it.
    let added = AddedIds::resolve(vocab.after_last(), present(&named), |t| vocab.id(t));
    let vocab_json = vocab.model_vocab();
    let doc = tokenizer_document(
        &added,
        json!({
            // `text.strip()` on each piece between added tokens.
            "normalizer": {
                "type": "Replace",
                "pattern": {"Regex": format!(r"\A{SPACE}+|{SPACE}+\z")},
                "content": "",
            },
            // `text.split(" ")`, pieces of whitespace only dropped.
            "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
                {"type": "Split", "pattern": {"String": " "}, "behavior": "Removed", "invert": false},
                {
                    "type": "Split",
                    "pattern": {"Regex": format!(r"\A{SPACE}+\z")},
                    "behavior": "Removed",
                    "invert": false,
                },
            ]},
            "post_processor": plain_template(),
            "decoder": null,
            "model": {"type": "WordLevel", "vocab": vocab_json, "unk_token": unk},
        }),
    );
    let specials = SpecialTokens::new(&named, Vec::new());
    Ok((doc, specials))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokenizer::{EncodeOptions, InputSequence, Tokenizer};
    use serde_json::Map;

    fn load(vocab: Value) -> Result<Tokenizer> {
        let dir = std::env::temp_dir().join(format!("ferrotok-phoneme-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("vocab.json"), vocab.to_string()).unwrap();
        let out = document(&dir, &LegacyConfig { config: Map::new() });
        std::fs::remove_dir_all(&dir).unwrap();
        super::super::tokenizer_json::from_value(out?.0, "<test>")
    }

    #[test]
    fn phonemes_are_cut_at_spaces() {
        let vocab = json!({"<pad>": 0, "<s>": 1, "</s>": 2, "<unk>": 3, "|": 4, "h": 5, "oʊ": 6});
        let t = load(vocab).unwrap();
        let opts = EncodeOptions {
            add_special_tokens: true,
            ..EncodeOptions::default()
        };
        let ids = |s: &str| t.encode(InputSequence::Raw(s), None, &opts).unwrap().ids;
        assert_eq!(ids("  h oʊ | x\t h\n"), [5, 6, 4, 3, 5]);
        assert_eq!(ids("h<s>oʊ \t oʊ"), [5, 1, 6, 6]);
        assert_eq!(ids(" \t "), Vec::<u32>::new());
    }
}
