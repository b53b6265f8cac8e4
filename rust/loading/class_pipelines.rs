//! The pipeline transformers 5 rebuilds at load for a folder with tokenizer.json and a config naming a model
//! class.
//!
//! A model class with a constructor of its own (BertTokenizer, RobertaTokenizer, GPT2Tokenizer, ...) takes only
//! the vocabulary (and merges) from tokenizer.json and builds the rest itself: normalizer, pre-tokenizer,
//! decoder and the model's options, from its keyword arguments (tokenizer_config.json's `do_lower_case`,
//! `strip_accents`, `tokenize_chinese_chars`, `add_prefix_space`, `trim_offsets`, ...), whatever the file says.
//! The file's post-processor, padding, truncation and added tokens are kept (the templates some classes
//! build over them are in `class_templates`). One row per class family, `FAMILIES`.

use super::legacy::LegacyConfig;
use super::sentencepiece::cfg_bool;
use super::sentencepiece_classes::llama_stages;
use crate::error::Result;
use serde_json::{json, Map, Value};

/// A stage (or the model's options) as a family's constructor builds it from the config.
type Build = fn(&LegacyConfig) -> Value;

/// What one family of classes rebuilds.
struct Family {
    /// Class names as tokenizer_config.json's `tokenizer_class` spells them (without `Fast`).
    classes: &'static [&'static str],
    /// The model the constructor builds; a file with another model is left as it is.
    model_type: &'static str,
    /// Whether the constructor passes the folder's `unk_token` to the model.
    model_unk: bool,
    normalizer: Build,
    pre_tokenizer: Build,
    decoder: Build,
    /// Model options the constructor sets, written over the file's model (its vocabulary is kept).
    model: Build,
}

/// BertTokenizer and the classes that are BertTokenizer in transformers 5 (aliases and subclasses).
pub(super) const BERT_CLASSES: [&str; 11] = [
    "BertTokenizer",
    "ConvBertTokenizer",
    "DistilBertTokenizer",
    "DPRContextEncoderTokenizer",
    "DPRQuestionEncoderTokenizer",
    "DPRReaderTokenizer",
    "ElectraTokenizer",
    "LayoutLMTokenizer",
    "LxmertTokenizer",
    "MobileBertTokenizer",
    "SqueezeBertTokenizer",
];

/// The BERT classes and the others whose constructor builds the same WordPiece pipeline.
pub(super) const WORDPIECE_CLASSES: [&str; 15] = concat(
    BERT_CLASSES,
    [
        "LayoutLMv2Tokenizer",
        "SplinterTokenizer",
        "MPNetTokenizer",
        "FunnelTokenizer",
    ],
);

/// `a` then `b`, at compile time (`C` must be `A + B`).
const fn concat<const A: usize, const B: usize, const C: usize>(
    a: [&'static str; A],
    b: [&'static str; B],
) -> [&'static str; C] {
    assert!(A + B == C);
    let mut out = [""; C];
    let mut i = 0;
    while i < C {
        out[i] = if i < A { a[i] } else { b[i - A] };
        i += 1;
    }
    out
}

/// The classes whose merges.txt lines may carry a count after the pair (only the first two fields count).
pub(super) const MOSES_CLASSES: [&str; 3] =
    ["XLMTokenizer", "FlaubertTokenizer", "BioGptTokenizer"];

/// RobertaTokenizer and its aliases (RobertaProcessing template, see `class_templates`).
pub(super) const ROBERTA_CLASSES: [&str; 5] = [
    "RobertaTokenizer",
    "BartTokenizer",
    "LEDTokenizer",
    "LongformerTokenizer",
    "MvpTokenizer",
];

/// Qwen2's split before the byte-level stage (transformers' `Qwen2Tokenizer`).
const QWEN2_PATTERN: &str = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

/// CLIP's split before the byte-level stage (its special tokens, contractions, letters, digits, the rest).
const CLIP_PATTERN: &str =
    r"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+";

const FAMILIES: &[Family] = &[
    Family {
        classes: &WORDPIECE_CLASSES,
        model_type: "WordPiece",
        model_unk: true,
        normalizer: bert_normalizer,
        pre_tokenizer: |_| json!({"type": "BertPreTokenizer"}),
        decoder: wordpiece_decoder,
        model: |_| json!({"continuing_subword_prefix": "##", "max_input_chars_per_word": 100}),
    },
    Family {
        // BERT's normalizer without the CJK spacing, then jieba's words (`pre_tokenizers::jieba`).
        classes: &["RoFormerTokenizer"],
        model_type: "WordPiece",
        model_unk: true,
        normalizer: |cfg| {
            let mut normalizer = bert_normalizer(cfg);
            normalizer["handle_chinese_chars"] = json!(false);
            normalizer
        },
        pre_tokenizer: |_| json!({"type": "Jieba"}),
        decoder: wordpiece_decoder,
        model: |_| json!({"continuing_subword_prefix": "##", "max_input_chars_per_word": 100}),
    },
    Family {
        classes: &[
            "GPT2Tokenizer",
            "CodeGenTokenizer",
            "RobertaTokenizer",
            "BartTokenizer",
            "LEDTokenizer",
            "LongformerTokenizer",
            "MvpTokenizer",
            "DebertaTokenizer",
            "WhisperTokenizer",
            "LukeTokenizer",
            "MarkupLMTokenizer",
        ],
        model_type: "BPE",
        model_unk: false,
        normalizer: |_| Value::Null,
        pre_tokenizer: |cfg| byte_level(cfg_bool(cfg, "add_prefix_space", false), true, true),
        decoder: byte_level_decoder,
        model: |_| bpe_options(),
    },
    Family {
        classes: &["BlenderbotTokenizer", "LayoutLMv3Tokenizer"],
        model_type: "BPE",
        model_unk: false,
        normalizer: |_| Value::Null,
        pre_tokenizer: |cfg| byte_level(cfg_bool(cfg, "add_prefix_space", true), true, true),
        decoder: byte_level_decoder,
        model: |_| bpe_options(),
    },
    Family {
        // transformers' Python class: its English cleaner, then GPT-2's split and bytes; it takes
        // `add_prefix_space` but never applies it.
        classes: &["ClvpTokenizer"],
        model_type: "BPE",
        model_unk: true,
        normalizer: |_| json!({"type": "ClvpEnglish"}),
        pre_tokenizer: |_| byte_level(false, true, true),
        decoder: byte_level_decoder,
        model: |_| bpe_options(),
    },
    Family {
        // transformers' Python classes over sacremoses: Moses text preparation and tokenizer (English;
        // `_tokenize` is never given another language), a BPE with `</w>` word ends.
        classes: &["XLMTokenizer"],
        model_type: "BPE",
        model_unk: true,
        normalizer: |_| moses_normalizer(Vec::new(), "en"),
        pre_tokenizer: |cfg| {
            json!({"type": "Moses", "lang": "en", "aggressive_dash_splits": false,
                "lowercase_and_remove_accent": cfg_bool(cfg, "do_lowercase_and_remove_accent", true)})
        },
        decoder: |_| json!({"type": "BPEDecoder", "suffix": "</w>"}),
        model: |_| word_end_options(),
    },
    Family {
        // Flaubert: `` and '' to ", NFC, optional lower case, then XLM's Moses steps in French.
        classes: &["FlaubertTokenizer"],
        model_type: "BPE",
        model_unk: true,
        normalizer: |cfg| {
            let mut first = vec![
                json!({"type": "Replace", "pattern": {"String": "``"}, "content": "\""}),
                json!({"type": "Replace", "pattern": {"String": "''"}, "content": "\""}),
                json!({"type": "NFC"}),
            ];
            if cfg_bool(cfg, "do_lowercase", false) {
                first.push(json!({"type": "PythonLowercase"}));
            }
            moses_normalizer(first, "fr")
        },
        pre_tokenizer: |_| {
            json!({"type": "Moses", "lang": "fr", "aggressive_dash_splits": false,
                "lowercase_and_remove_accent": false})
        },
        decoder: |_| json!({"type": "BPEDecoder", "suffix": "</w>"}),
        model: |_| word_end_options(),
    },
    Family {
        // BioGPT: the Moses tokenizer alone (English, dash splits, XML escapes), decoded by the Moses
        // detokenizer.
        classes: &["BioGptTokenizer"],
        model_type: "BPE",
        model_unk: true,
        normalizer: |_| Value::Null,
        pre_tokenizer: |_| {
            json!({"type": "Moses", "lang": "en", "aggressive_dash_splits": true,
                "lowercase_and_remove_accent": false, "escape": true})
        },
        decoder: |_| json!({"type": "MosesDetokenizer", "lang": "en", "suffix": "</w>"}),
        model: |_| word_end_options(),
    },
    Family {
        // HerBERT: BERT's cased normalizer and pre-tokenizer over a BPE with `</w>` ends.
        classes: &["HerbertTokenizer"],
        model_type: "BPE",
        model_unk: true,
        normalizer: |_| {
            json!({"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true,
                "strip_accents": false, "lowercase": false})
        },
        pre_tokenizer: |_| json!({"type": "BertPreTokenizer"}),
        decoder: |_| json!({"type": "BPEDecoder", "suffix": "</w>"}),
        model: |_| {
            let mut options = word_end_options();
            options["continuing_subword_prefix"] = Value::Null;
            options
        },
    },
    Family {
        classes: &["GPTNeoXTokenizer"],
        model_type: "BPE",
        model_unk: false,
        normalizer: |_| json!({"type": "NFC"}),
        pre_tokenizer: |cfg| {
            byte_level(
                cfg_bool(cfg, "add_prefix_space", false),
                cfg_bool(cfg, "trim_offsets", true),
                true,
            )
        },
        decoder: byte_level_decoder,
        model: |_| bpe_options(),
    },
    Family {
        classes: &["Qwen3_5Tokenizer"],
        model_type: "BPE",
        model_unk: false,
        normalizer: |_| json!({"type": "NFC"}),
        pre_tokenizer: |cfg| {
            super::sentencepiece_bpe_classes::qwen3_5_pre_tokenizer(cfg_bool(
                cfg,
                "add_prefix_space",
                false,
            ))
        },
        decoder: byte_level_decoder,
        model: |_| bpe_options(),
    },
    Family {
        classes: &["Qwen2Tokenizer"],
        model_type: "BPE",
        model_unk: false,
        normalizer: |_| json!({"type": "NFC"}),
        pre_tokenizer: |cfg| {
            json!({"type": "Sequence", "pretokenizers": [
                {"type": "Split", "pattern": {"Regex": QWEN2_PATTERN}, "behavior": "Isolated", "invert": false},
                byte_level(cfg_bool(cfg, "add_prefix_space", false), true, false),
            ]})
        },
        decoder: byte_level_decoder,
        model: |_| bpe_options(),
    },
    Family {
        classes: &["CohereTokenizer"],
        model_type: "BPE",
        model_unk: false,
        normalizer: |_| json!({"type": "NFC"}),
        // Digits one by one, then bytes.
        pre_tokenizer: |cfg| {
            json!({"type": "Sequence", "pretokenizers": [
                {"type": "Digits", "individual_digits": true},
                byte_level(cfg_bool(cfg, "add_prefix_space", false), true, true),
            ]})
        },
        decoder: byte_level_decoder,
        model: |_| bpe_options(),
    },
    Family {
        classes: &["NougatTokenizer"],
        model_type: "BPE",
        model_unk: false,
        normalizer: |_| json!({"type": "NFKC"}),
        pre_tokenizer: |_| nougat_pre_tokenizer(),
        decoder: byte_level_decoder,
        model: |_| bpe_options(),
    },
    Family {
        classes: &["CLIPTokenizer"],
        model_type: "BPE",
        model_unk: true,
        normalizer: |_| {
            json!({"type": "Sequence", "normalizers": [
                {"type": "NFC"},
                {"type": "Replace", "pattern": {"Regex": r"\s+"}, "content": " "},
                {"type": "Lowercase"},
            ]})
        },
        pre_tokenizer: |_| {
            json!({"type": "Sequence", "pretokenizers": [
                {"type": "Split", "pattern": {"Regex": CLIP_PATTERN}, "behavior": "Removed", "invert": true},
                byte_level(false, true, true),
            ]})
        },
        decoder: byte_level_decoder,
        model: |_| word_end_options(),
    },
    Family {
        // BERT's lower-casing normalizer and split whatever the config says, then a BPE whose words end
        // with `</w>` (transformers' fallback when ftfy / spacy are missing, which it never uses in 5).
        classes: &["OpenAIGPTTokenizer"],
        model_type: "BPE",
        model_unk: true,
        normalizer: |_| {
            json!({"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true,
                "strip_accents": null, "lowercase": true})
        },
        pre_tokenizer: |_| json!({"type": "BertPreTokenizer"}),
        decoder: |_| json!({"type": "BPEDecoder", "suffix": "</w>"}),
        model: |_| word_end_options(),
    },
    Family {
        classes: &["LlamaTokenizer"],
        model_type: "BPE",
        model_unk: false,
        normalizer: |_| Value::Null,
        pre_tokenizer: |cfg| llama_stages(cfg).0,
        decoder: |cfg| llama_stages(cfg).1,
        model: |_| llama_options(),
    },
    Family {
        classes: &["CodeLlamaTokenizer"],
        model_type: "BPE",
        model_unk: true,
        normalizer: |_| Value::Null,
        // No `legacy`; the decoder strips the first space whatever `add_prefix_space` says.
        pre_tokenizer: |cfg| {
            let scheme = if cfg_bool(cfg, "add_prefix_space", true) {
                "first"
            } else {
                "never"
            };
            json!({"type": "Metaspace", "replacement": "▁", "prepend_scheme": scheme, "split": false})
        },
        decoder: |_| {
            json!({"type": "Sequence", "decoders": [
                {"type": "Replace", "pattern": {"String": "▁"}, "content": " "},
                {"type": "ByteFallback"},
                {"type": "Fuse"},
                {"type": "Strip", "content": " ", "start": 1, "stop": 0},
            ]})
        },
        model: |_| llama_options(),
    },
];

/// `first`, then XLM's `moses_pipeline`: unicode punctuation, sacremoses' normalizer, non-printing chars.
pub(super) fn moses_normalizer(mut first: Vec<Value>, lang: &str) -> Value {
    first.extend([
        json!({"type": "MosesReplaceUnicodePunct"}),
        json!({"type": "MosesPunct", "lang": lang}),
        json!({"type": "MosesRemoveNonPrinting"}),
    ]);
    json!({"type": "Sequence", "normalizers": first})
}

/// The BPE options a constructor passes: `end_of_word_suffix`, every other at its default (one unknown
/// token per unknown piece, no byte fallback). No `unk_token`: `Family::model_unk` decides it.
fn plain_bpe_options(end_of_word_suffix: &str) -> Value {
    json!({
        "dropout": null,
        "continuing_subword_prefix": "",
        "end_of_word_suffix": end_of_word_suffix,
        "fuse_unk": false,
        "byte_fallback": false,
        "ignore_merges": false,
    })
}

/// The BPE of CLIP, OpenAI GPT and the Moses classes: `</w>` ends a word.
pub(super) fn word_end_options() -> Value {
    plain_bpe_options("</w>")
}

/// Nougat's splits before the byte-level stage. The bracket / punctuation pattern is a literal string in
/// transformers (not a regex), so it only splits where that exact text occurs.
fn nougat_pre_tokenizer() -> Value {
    let split = |pattern: &str, behavior: &str| json!({"type": "Split", "pattern": {"String": pattern}, "behavior": behavior, "invert": false});
    json!({"type": "Sequence", "pretokenizers": [
        split("SPL1T-TH1S-Pl3A5E", "Removed"),
        {"type": "Digits", "individual_digits": true},
        split(r##"[\(\)\[\]\{\}]|([!\"#\$%\&'\*\+,\-\./:;<=>\?\\\^_`\|\~])\1*"##, "Isolated"),
        split("\n", "Isolated"),
        byte_level(false, true, true),
    ]})
}

/// The BPE options of Llama's constructor (byte fallback, unknown pieces fused).
fn llama_options() -> Value {
    json!({
        "dropout": null,
        "unk_token": null,
        "continuing_subword_prefix": null,
        "end_of_word_suffix": null,
        "fuse_unk": true,
        "byte_fallback": true,
        "ignore_merges": false,
    })
}

/// BertNormalizer from `do_lower_case`, `tokenize_chinese_chars` and `strip_accents` (null: follow the
/// lowercasing). The DPR classes' constructor keeps `do_lower_case` as an attribute and never hands it to
/// BertTokenizer's, so they always lower-case (transformers' own saved DPR config says `false`).
fn bert_normalizer(cfg: &LegacyConfig) -> Value {
    let lowercase = cfg.class().trim_end_matches("Fast").starts_with("DPR")
        || cfg_bool(cfg, "do_lower_case", true);
    let strip_accents = cfg
        .config
        .get("strip_accents")
        .filter(|v| v.is_boolean())
        .cloned()
        .unwrap_or(Value::Null);
    json!({
        "type": "BertNormalizer",
        "clean_text": true,
        "handle_chinese_chars": cfg_bool(cfg, "tokenize_chinese_chars", true),
        "strip_accents": strip_accents,
        "lowercase": lowercase,
    })
}

/// WordPiece decoder; FunnelTokenizer takes its prefix from `wordpieces_prefix`.
fn wordpiece_decoder(cfg: &LegacyConfig) -> Value {
    let prefix = match cfg.class().trim_end_matches("Fast") {
        "FunnelTokenizer" => cfg
            .config
            .get("wordpieces_prefix")
            .and_then(Value::as_str)
            .unwrap_or("##"),
        _ => "##",
    };
    json!({"type": "WordPiece", "prefix": prefix, "cleanup": true})
}

fn byte_level(add_prefix_space: bool, trim_offsets: bool, use_regex: bool) -> Value {
    json!({
        "type": "ByteLevel",
        "add_prefix_space": add_prefix_space,
        "trim_offsets": trim_offsets,
        "use_regex": use_regex,
    })
}

fn byte_level_decoder(_: &LegacyConfig) -> Value {
    byte_level(true, true, true)
}

/// The BPE options the byte-level constructors pass (every other one at its default, no unknown token).
pub(super) fn bpe_options() -> Value {
    let mut options = plain_bpe_options("");
    options["unk_token"] = Value::Null;
    options
}

fn family(class: &str) -> Option<&'static Family> {
    let class = class.trim_end_matches("Fast");
    FAMILIES.iter().find(|f| {
        f.classes
            .iter()
            .any(|c| c.trim_end_matches("Fast") == class)
    })
}

/// The normalizer, pre-tokenizer and decoder the configured class builds, or None for a class outside
/// `FAMILIES`.
pub(super) fn stages(cfg: &LegacyConfig) -> Option<(Value, Value, Value)> {
    let f = family(cfg.class())?;
    Some((
        (f.normalizer)(cfg),
        (f.pre_tokenizer)(cfg),
        (f.decoder)(cfg),
    ))
}

/// Whether the configured class rebuilds its pipeline at load.
pub fn rebuilds(cfg: &LegacyConfig) -> bool {
    family(cfg.class()).is_some() || super::class_pipelines_spm::rebuilds(cfg)
}

/// Rebuild `document`'s (a parsed tokenizer.json) normalizer, pre-tokenizer, decoder and model options as the
/// configured class does; a class outside `FAMILIES` keeps the file's. The WordPiece model's unknown token
/// is the folder's `unk_token` (`unk`), as the constructor passes it. The SentencePiece classes have their
/// own table (`class_pipelines_spm`).
pub fn rebuild(document: &mut Value, cfg: &LegacyConfig, unk: Option<&str>) -> Result<()> {
    if super::class_pipelines_spm::rebuilds(cfg) {
        return super::class_pipelines_spm::rebuild(document, cfg, unk);
    }
    let Some(f) = family(cfg.class()) else {
        return Ok(());
    };
    let Value::Object(doc) = document else {
        return Ok(());
    };
    // A model of another kind than the family's (a WordPiece class over a BPE file) is left as it is.
    let model_type = doc
        .get("model")
        .and_then(|m| m.get("type"))
        .and_then(Value::as_str)
        .unwrap_or("");
    if !model_type.is_empty() && model_type != f.model_type {
        return Ok(());
    }
    doc.insert("normalizer".into(), (f.normalizer)(cfg));
    doc.insert("pre_tokenizer".into(), (f.pre_tokenizer)(cfg));
    doc.insert("decoder".into(), (f.decoder)(cfg));
    if let (Some(Value::Object(model)), Value::Object(options)) =
        (doc.get_mut("model"), (f.model)(cfg))
    {
        merge(model, options);
        if let Some(unk) = unk.filter(|_| f.model_unk) {
            model.insert("unk_token".into(), json!(unk));
        }
    }
    Ok(())
}

fn merge(into: &mut Map<String, Value>, from: Map<String, Value>) {
    for (k, v) in from {
        into.insert(k, v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(v: Value) -> LegacyConfig {
        LegacyConfig::from_json(v)
    }

    #[test]
    fn bert_rebuilds_from_config_kwargs() {
        let mut doc = json!({"model": {"type": "WordPiece", "vocab": {"a": 0}, "unk_token": "x",
            "continuing_subword_prefix": "@@"}, "normalizer": {"type": "Lowercase"}});
        let c = cfg(
            json!({"tokenizer_class": "BertTokenizerFast", "do_lower_case": false,
            "strip_accents": true}),
        );
        rebuild(&mut doc, &c, Some("[UNK]")).unwrap();
        assert_eq!(doc["normalizer"]["lowercase"], json!(false));
        assert_eq!(doc["normalizer"]["strip_accents"], json!(true));
        assert_eq!(doc["pre_tokenizer"]["type"], json!("BertPreTokenizer"));
        assert_eq!(doc["model"]["unk_token"], json!("[UNK]"));
        assert_eq!(doc["model"]["continuing_subword_prefix"], json!("##"));
        assert_eq!(doc["model"]["vocab"], json!({"a": 0}));
    }

    #[test]
    fn dpr_classes_lower_case_whatever_the_config_says() {
        let mut doc = json!({"model": {"type": "WordPiece", "vocab": {"a": 0}, "unk_token": "x"}});
        let c =
            cfg(json!({"tokenizer_class": "DPRQuestionEncoderTokenizer", "do_lower_case": false}));
        rebuild(&mut doc, &c, Some("[UNK]")).unwrap();
        assert_eq!(doc["normalizer"]["lowercase"], json!(true));
    }

    #[test]
    fn other_classes_and_mismatched_models_keep_the_file() {
        let original = json!({"model": {"type": "BPE"}, "normalizer": {"type": "Lowercase"}});
        for class in ["FNetTokenizer", "TokenizersBackend", "BertTokenizer"] {
            let mut doc = original.clone();
            rebuild(&mut doc, &cfg(json!({"tokenizer_class": class})), None).unwrap();
            assert_eq!(doc, original, "{class}");
        }
        let mut doc = original.clone();
        rebuild(
            &mut doc,
            &cfg(json!({"tokenizer_class": "RobertaTokenizer", "add_prefix_space": true})),
            None,
        )
        .unwrap();
        assert_eq!(doc["normalizer"], Value::Null);
        assert_eq!(doc["pre_tokenizer"]["add_prefix_space"], json!(true));
    }

    #[test]
    fn layoutlmv3_adds_a_prefix_space_by_default_and_markuplm_does_not() {
        let original = json!({"model": {"type": "BPE"}});
        for (class, config, expected) in [
            ("LayoutLMv3Tokenizer", json!({}), true),
            (
                "LayoutLMv3Tokenizer",
                json!({"add_prefix_space": false}),
                false,
            ),
            ("MarkupLMTokenizer", json!({}), false),
        ] {
            let mut config = config;
            config["tokenizer_class"] = json!(class);
            let mut doc = original.clone();
            rebuild(&mut doc, &cfg(config), None).unwrap();
            assert_eq!(doc["pre_tokenizer"]["type"], json!("ByteLevel"), "{class}");
            assert_eq!(
                doc["pre_tokenizer"]["add_prefix_space"],
                json!(expected),
                "{class}"
            );
        }
    }
}
