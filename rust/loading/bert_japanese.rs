//! BertJapaneseTokenizer (vocab.txt): transformers' Python class, with its `basic` word tokenizer and its
//! `wordpiece` or `character` subword tokenizer.
//!
//! The basic tokenizer is BERT's without the CJK spacing: control chars dropped and whitespace made a
//! space, NFC, then (with `do_lower_case`, off by default) lower case and accents stripped; split on
//! whitespace and punctuation. `wordpiece` then runs BERT's WordPiece; `character` NFKC-normalizes each
//! word and gives each char (or the unknown token).
//!
//! `mecab` and `sudachi` split words with a morphological analyser, which stays in its own library (as in
//! transformers): the core gets a placeholder normalizer (NFKC) that the Python layer replaces with a
//! host normalizer giving the analyser's words (`ferrotok._morphology`), space-joined for the
//! whitespace split here (the class's WordPiece splits words so), or joined for `character`, which cuts
//! every char, whitespace included.
//! `jumanpp` (whose analyser is a separate binary, not packaged on PyPI) and the `sentencepiece` subword
//! tokenizer are refused with the option named.

use super::legacy::LegacyConfig;
use super::vocab_file::char_split;
use crate::error::{Error, Result};
use serde_json::{json, Value};

pub(super) fn handles(class: &str) -> bool {
    class.trim_end_matches("Fast") == "BertJapaneseTokenizer"
}

fn option<'a>(cfg: &'a LegacyConfig, key: &str, default: &'a str) -> &'a str {
    cfg.config
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or(default)
}

fn flag(cfg: &LegacyConfig, key: &str, default: bool) -> bool {
    cfg.config
        .get(key)
        .and_then(Value::as_bool)
        .unwrap_or(default)
}

/// Write the class's normalizer and pre-tokenizer into `doc` (BERT's vocab.txt document), or refuse the
/// configured word / subword tokenizer. `file` names the config for errors.
pub(super) fn rebuild(doc: &mut Value, cfg: &LegacyConfig, file: &str) -> Result<()> {
    let word = flag(cfg, "do_word_tokenize", true);
    let subword = flag(cfg, "do_subword_tokenize", true);
    let word_type = option(cfg, "word_tokenizer_type", "basic");
    let subword_type = option(cfg, "subword_tokenizer_type", "wordpiece");
    let analyser = word && matches!(word_type, "mecab" | "sudachi");
    if word && word_type != "basic" && !analyser {
        let why = match word_type {
            "jumanpp" => "BertJapaneseTokenizer with word_tokenizer_type `jumanpp` needs the Juman++ \
                 binary (rhoknp runs it), which is not packaged on PyPI; `basic`, `mecab` and `sudachi` \
                 are supported"
                .to_string(),
            other => format!("unknown word_tokenizer_type `{other}` (transformers refuses it too)"),
        };
        return Err(Error::config(file, "word_tokenizer_type", why));
    }
    if !word || !subword || !matches!(subword_type, "wordpiece" | "character") {
        let why = if !word || !subword {
            "BertJapaneseTokenizer without its word or subword tokenizer \
             (do_word_tokenize / do_subword_tokenize false) is not supported"
                .to_string()
        } else {
            format!(
                "BertJapaneseTokenizer with subword_tokenizer_type `{subword_type}` is not supported; \
                 `wordpiece` and `character` are"
            )
        };
        let field = if !word {
            "do_word_tokenize"
        } else if !subword {
            "do_subword_tokenize"
        } else {
            "subword_tokenizer_type"
        };
        return Err(Error::config(file, field, why));
    }
    // Its `convert_tokens_to_string` joins with spaces and glues `##` pieces, without BERT's clean-up.
    doc["decoder"] = json!({"type": "WordPiece", "prefix": "##", "cleanup": false});
    if analyser {
        // The Python layer puts the analyser in place of this normalizer (NFKC, then the words).
        doc["normalizer"] = json!({"type": "NFKC"});
        // The class's WordPiece splits each word on whitespace; its `character` gives every char.
        doc["pre_tokenizer"] = if subword_type == "character" {
            char_split()
        } else {
            json!({"type": "WhitespaceSplit"})
        };
        return Ok(());
    }
    let lower = flag(cfg, "do_lower_case", false);
    let bert = |clean: bool, lower: bool| {
        json!({"type": "BertNormalizer", "clean_text": clean, "handle_chinese_chars": false,
            "strip_accents": lower, "lowercase": lower, "python_lowercase": true})
    };
    let mut normalizers = vec![bert(true, false), json!({"type": "NFC"})];
    if lower {
        normalizers.push(bert(false, true));
    }
    let mut pre_tokenizer = json!({"type": "BertPreTokenizer"});
    if subword_type == "character" {
        normalizers.push(json!({"type": "NFKC"}));
        pre_tokenizer = json!({"type": "Sequence", "pretokenizers": [
            pre_tokenizer,
            char_split(),
        ]});
    }
    doc["normalizer"] = json!({"type": "Sequence", "normalizers": normalizers});
    doc["pre_tokenizer"] = pre_tokenizer;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(v: Value) -> LegacyConfig {
        LegacyConfig::from_json(v)
    }

    #[test]
    fn analysers_get_a_whitespace_split() {
        for (kind, subword, pre) in [
            ("mecab", "wordpiece", "WhitespaceSplit"),
            ("sudachi", "character", "Split"),
        ] {
            let mut doc = json!({});
            let c = cfg(json!({"word_tokenizer_type": kind, "subword_tokenizer_type": subword}));
            rebuild(&mut doc, &c, "x").unwrap();
            assert_eq!(doc["pre_tokenizer"]["type"], json!(pre));
            assert_eq!(doc["normalizer"]["type"], json!("NFKC"));
        }
    }

    #[test]
    fn jumanpp_is_refused_with_the_option_named() {
        for kind in ["jumanpp", "other"] {
            let mut doc = json!({});
            let c = cfg(json!({"word_tokenizer_type": kind}));
            let e = rebuild(&mut doc, &c, "tokenizer_config.json")
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(e.contains("word_tokenizer_type") && e.contains(kind), "{e}");
        }
        let c = cfg(json!({"subword_tokenizer_type": "sentencepiece"}));
        let e = rebuild(&mut json!({}), &c, "x")
            .err()
            .map(|e| e.to_string());
        assert!(e.unwrap_or_default().contains("subword_tokenizer_type"));
    }

    #[test]
    fn basic_stages() {
        let mut doc = json!({});
        rebuild(&mut doc, &cfg(json!({"do_lower_case": true})), "x").unwrap();
        assert_eq!(doc["normalizer"]["normalizers"][1], json!({"type": "NFC"}));
        assert_eq!(
            doc["normalizer"]["normalizers"][2]["lowercase"],
            json!(true)
        );
        let mut doc = json!({});
        rebuild(
            &mut doc,
            &cfg(json!({"subword_tokenizer_type": "character"})),
            "x",
        )
        .unwrap();
        assert_eq!(doc["pre_tokenizer"]["type"], json!("Sequence"));
    }
}
