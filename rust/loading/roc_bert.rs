//! RoCBertTokenizer (vocab.txt + word_shape.json + word_pronunciation.json): transformers' Python class,
//! BERT's basic tokenizer and WordPiece with an NFC step.
//!
//! Its basic tokenizer drops control chars and makes whitespace a space, puts spaces around CJK
//! ideographs (`tokenize_chinese_chars`, on by default), NFC-normalizes the text, then (with
//! `do_lower_case`, on by default) lower-cases each word and strips its accents unless `strip_accents` is
//! false (`strip_accents: true` strips them without lower-casing); words split on whitespace and
//! punctuation. `convert_tokens_to_string` joins the pieces with spaces and glues `##` pieces, with no
//! clean-up. The shape and pronunciation ids are per-token lookups the Python layer adds.

use super::legacy::LegacyConfig;
use serde_json::{json, Value};

pub(super) fn handles(class: &str) -> bool {
    class.trim_end_matches("Fast") == "RoCBertTokenizer"
}

fn flag(cfg: &LegacyConfig, key: &str, default: bool) -> bool {
    cfg.config
        .get(key)
        .and_then(Value::as_bool)
        .unwrap_or(default)
}

/// Write the class's normalizer and decoder into `doc` (BERT's vocab.txt document).
pub(super) fn rebuild(doc: &mut Value, cfg: &LegacyConfig) {
    let lower = flag(cfg, "do_lower_case", true);
    // `strip_accents`: None follows `do_lower_case`; false never strips; true strips even without it.
    let strip = match cfg.config.get("strip_accents").and_then(Value::as_bool) {
        Some(strip) => strip,
        None => lower,
    };
    let chinese = flag(cfg, "tokenize_chinese_chars", true);
    let mut normalizers = vec![
        json!({"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": chinese,
            "strip_accents": false, "lowercase": false}),
        json!({"type": "NFC"}),
    ];
    if lower || strip {
        // `str.lower()`: a word-final capital sigma becomes `ς`.
        normalizers.push(json!({"type": "BertNormalizer", "clean_text": false,
            "handle_chinese_chars": false, "strip_accents": strip, "lowercase": lower,
            "python_lowercase": true}));
    }
    doc["normalizer"] = json!({"type": "Sequence", "normalizers": normalizers});
    doc["decoder"] = json!({"type": "WordPiece", "prefix": "##", "cleanup": false});
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stages(v: Value) -> Value {
        let mut doc = json!({});
        rebuild(&mut doc, &LegacyConfig::from_json(v));
        doc["normalizer"]["normalizers"].clone()
    }

    #[test]
    fn lower_case_and_accents_follow_the_config() {
        let plain = stages(json!({}));
        assert_eq!(plain[0]["handle_chinese_chars"], json!(true));
        assert_eq!(plain[1], json!({"type": "NFC"}));
        assert_eq!(plain[2]["lowercase"], json!(true));
        assert_eq!(plain[2]["python_lowercase"], json!(true));
        assert_eq!(plain[2]["strip_accents"], json!(true));
        let kept = stages(json!({"do_lower_case": true, "strip_accents": false}));
        assert_eq!(kept[2]["strip_accents"], json!(false));
        let cased = stages(json!({"do_lower_case": false}));
        assert_eq!(cased.as_array().map(Vec::len), Some(2));
        let stripped = stages(json!({"do_lower_case": false, "strip_accents": true}));
        assert_eq!(stripped[2]["lowercase"], json!(false));
        let no_cjk = stages(json!({"tokenize_chinese_chars": false}));
        assert_eq!(no_cjk[0]["handle_chinese_chars"], json!(false));
    }

    #[test]
    fn decoder_glues_pieces_without_clean_up() {
        let mut doc = json!({});
        rebuild(&mut doc, &LegacyConfig::from_json(json!({})));
        assert_eq!(doc["decoder"]["cleanup"], json!(false));
        assert!(handles("RoCBertTokenizer") && !handles("BertTokenizer"));
    }
}
