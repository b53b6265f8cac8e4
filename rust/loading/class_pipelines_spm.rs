//! The pipeline transformers 5 rebuilds at load for a folder with tokenizer.json whose config names one of
//! the SentencePiece classes (T5, XLM-R, ALBERT, CamemBERT, XLNet, BigBird, DeBERTa-v2, mBART, mBART-50,
//! NLLB, Pegasus, Gemma, BARThez, Reformer, RemBERT, LayoutXLM, Tipsv2).
//!
//! Each class's constructor takes only the vocabulary (and merges) from tokenizer.json, plus the first
//! `Precompiled` normalizer found in it (the SentencePiece charsmap), and builds its normalizer,
//! pre-tokenizer, decoder and model options itself, from tokenizer_config.json's keyword arguments
//! (`add_prefix_space`, `do_lower_case`, `keep_accents`, `split_by_punct`, `unk_id`, ...). The stage
//! builders here are shared with the recipes that convert a SentencePiece model file
//! (`sentencepiece_classes`), so both paths build the same stages. One row per class, `CLASSES`.

use super::legacy::LegacyConfig;
use super::sentencepiece::{cfg_bool, metaspace, replace_regex, replace_string, sequence};
use super::sentencepiece_classes::{prepend_scheme, ws_metaspace};
use crate::error::{Error, Result};
use serde_json::{json, Value};

/// What a constructor works from: the config, the file's charsmap normalizer, vocabulary and the folder's
/// unknown token.
pub(super) struct Ctx<'a> {
    pub cfg: &'a LegacyConfig,
    pub precompiled: Option<Value>,
    vocab: &'a [Value],
    unk: &'a str,
}

/// The stages and model options a constructor builds.
pub(super) struct Stages {
    pub normalizer: Value,
    pub pre_tokenizer: Value,
    pub decoder: Value,
    /// Written over the file's model (its vocabulary and merges are kept).
    pub model: Value,
}

type Build = fn(&Ctx) -> Result<Stages>;

/// (classes without `Fast`, the model type the class builds, its constructor).
const CLASSES: &[(&[&str], &str, Build)] = &[
    (&["T5Tokenizer"], "Unigram", t5),
    (
        &["XLMRobertaTokenizer", "CamembertTokenizer"],
        "Unigram",
        xlm_roberta,
    ),
    (&["AlbertTokenizer"], "Unigram", albert),
    (&["XLNetTokenizer"], "Unigram", xlnet),
    (&["BigBirdTokenizer"], "Unigram", big_bird),
    (&["DebertaV2Tokenizer"], "Unigram", deberta_v2),
    (&["MBartTokenizer"], "Unigram", mbart),
    (&["MBart50Tokenizer"], "Unigram", mbart50),
    (&["NllbTokenizer", "ReformerTokenizer"], "BPE", nllb),
    (&["PegasusTokenizer"], "Unigram", pegasus),
    (&["GemmaTokenizer"], "BPE", gemma),
    (&["BarthezTokenizer"], "Unigram", barthez),
    (&["RemBertTokenizer"], "Unigram", rembert),
    (&["LayoutXLMTokenizer"], "Unigram", layout_xlm),
    (&["Tipsv2Tokenizer"], "BPE", tipsv2),
];

fn row(class: &str) -> Option<&'static (&'static [&'static str], &'static str, Build)> {
    let class = class.trim_end_matches("Fast");
    CLASSES.iter().find(|(names, _, _)| names.contains(&class))
}

/// Whether the configured class is a SentencePiece class that rebuilds its pipeline beside tokenizer.json.
pub fn rebuilds(cfg: &LegacyConfig) -> bool {
    row(cfg.class()).is_some()
}

/// Rebuild `document`'s stages and model options as the configured SentencePiece class does (`unk`: the
/// folder's unknown token). A file whose model is of another type than the class builds is left as it is.
pub fn rebuild(document: &mut Value, cfg: &LegacyConfig, unk: Option<&str>) -> Result<()> {
    let Some((_, model_type, build)) = row(cfg.class()) else {
        return Ok(());
    };
    let Value::Object(doc) = document else {
        return Ok(());
    };
    let model = doc.get("model");
    let file_type = model
        .and_then(|m| m.get("type"))
        .and_then(Value::as_str)
        .unwrap_or("");
    if !file_type.is_empty() && file_type != *model_type {
        return Ok(());
    }
    let empty = Vec::new();
    let vocab = model
        .and_then(|m| m.get("vocab"))
        .and_then(Value::as_array)
        .unwrap_or(&empty);
    let ctx = Ctx {
        cfg,
        precompiled: file_precompiled(doc.get("normalizer")),
        vocab,
        unk: unk.unwrap_or(""),
    };
    let stages = build(&ctx)?;
    doc.insert("normalizer".into(), stages.normalizer);
    doc.insert("pre_tokenizer".into(), stages.pre_tokenizer);
    doc.insert("decoder".into(), stages.decoder);
    if let (Some(Value::Object(model)), Value::Object(options)) =
        (doc.get_mut("model"), stages.model)
    {
        model.extend(options);
    }
    Ok(())
}

/// The first Precompiled normalizer of the file (alone or inside a Sequence), as transformers hands its
/// charsmap to the constructor.
fn file_precompiled(normalizer: Option<&Value>) -> Option<Value> {
    let normalizer = normalizer?;
    let items: Vec<&Value> = match normalizer.get("type").and_then(Value::as_str) {
        Some("Sequence") => normalizer.get("normalizers")?.as_array()?.iter().collect(),
        _ => vec![normalizer],
    };
    items
        .into_iter()
        .find(|n| {
            n.get("type").and_then(Value::as_str) == Some("Precompiled")
                && n.get("precompiled_charsmap").is_some()
        })
        .cloned()
}

impl Ctx<'_> {
    /// The id of `[unk, 0.0]` in the vocabulary, from `from` on.
    fn unk_with_zero_score(&self, from: usize) -> Option<usize> {
        self.vocab
            .iter()
            .skip(from)
            .position(|e| {
                e.get(0).and_then(Value::as_str) == Some(self.unk)
                    && e.get(1).and_then(Value::as_f64) == Some(0.0)
            })
            .map(|i| i + from)
    }
}

fn unigram(unk_id: i64) -> Value {
    json!({"unk_id": unk_id, "byte_fallback": false})
}

/// The options of the BPE the SentencePiece classes build (`unk`: the folder's unknown token).
fn spm_bpe(unk: &str, byte_fallback: bool) -> Value {
    json!({
        "dropout": null,
        "unk_token": unk,
        "continuing_subword_prefix": null,
        "end_of_word_suffix": null,
        "fuse_unk": true,
        "byte_fallback": byte_fallback,
        "ignore_merges": false,
    })
}

/// A Metaspace pre-tokenizer and the matching decoder (`split` on), with the given prepend scheme.
fn metaspace_pair(scheme: &str, whitespace_split: bool) -> (Value, Value) {
    let pre = if whitespace_split {
        ws_metaspace(scheme)
    } else {
        metaspace("Metaspace", scheme, true)
    };
    (pre, metaspace("Metaspace", scheme, true))
}

fn stages(normalizer: Value, (pre_tokenizer, decoder): (Value, Value), model: Value) -> Stages {
    Stages {
        normalizer,
        pre_tokenizer,
        decoder,
        model,
    }
}

fn t5(c: &Ctx) -> Result<Stages> {
    // T5Tokenizer hard-codes unk_id 2.
    let normalizer = c.precompiled.clone().unwrap_or(Value::Null);
    Ok(stages(
        normalizer,
        metaspace_pair("always", true),
        unigram(2),
    ))
}

fn xlm_roberta(c: &Ctx) -> Result<Stages> {
    let unk_id = if c.cfg.class().trim_end_matches("Fast") == "CamembertTokenizer" {
        // CamemBERT looks its unk token up whatever its score, else id 0.
        c.vocab
            .iter()
            .position(|e| e.get(0).and_then(Value::as_str) == Some(c.unk))
            .unwrap_or(0) as i64
    } else {
        3
    };
    let normalizer = c.precompiled.clone().unwrap_or(Value::Null);
    let pair = metaspace_pair(prepend_scheme(c.cfg), true);
    Ok(stages(normalizer, pair, unigram(unk_id)))
}

/// ALBERT's normalizer: quotes, accents stripped unless `keep_accents`, lowercased when `do_lower_case`,
/// then the charsmap.
pub(super) fn albert_normalizer(cfg: &LegacyConfig, precompiled: Option<Value>) -> Value {
    let mut norms = vec![replace_string("``", "\""), replace_string("''", "\"")];
    if !cfg_bool(cfg, "keep_accents", false) {
        norms.push(json!({"type": "NFKD"}));
        norms.push(json!({"type": "StripAccents"}));
    }
    if cfg_bool(cfg, "do_lower_case", true) {
        norms.push(json!({"type": "Lowercase"}));
    }
    norms.extend(precompiled);
    sequence("Sequence", "normalizers", norms)
}

fn albert(c: &Ctx) -> Result<Stages> {
    let normalizer = albert_normalizer(c.cfg, c.precompiled.clone());
    let pair = metaspace_pair(prepend_scheme(c.cfg), true);
    Ok(stages(normalizer, pair, unigram(1)))
}

/// XLNet's normalizer: quotes, accents always stripped (`keep_accents` is not read), lowercased when
/// `do_lower_case`, then the charsmap.
pub(super) fn xlnet_normalizer(cfg: &LegacyConfig, precompiled: Option<Value>) -> Value {
    let mut norms = vec![
        replace_string("``", "\""),
        replace_string("''", "\""),
        json!({"type": "NFKD"}),
        json!({"type": "StripAccents"}),
    ];
    if cfg_bool(cfg, "do_lower_case", false) {
        norms.push(json!({"type": "Lowercase"}));
    }
    norms.extend(precompiled);
    sequence("Sequence", "normalizers", norms)
}

fn xlnet(c: &Ctx) -> Result<Stages> {
    // The constructor's `unk_id` argument (0 by default): the file's is not read.
    let unk_id = c
        .cfg
        .config
        .get("unk_id")
        .and_then(Value::as_i64)
        .unwrap_or(0);
    let normalizer = xlnet_normalizer(c.cfg, c.precompiled.clone());
    Ok(stages(
        normalizer,
        metaspace_pair("always", true),
        unigram(unk_id),
    ))
}

/// BigBird's normalizer (no charsmap): runs of spaces become one "▁".
pub(super) fn big_bird_normalizer() -> Value {
    sequence(
        "Sequence",
        "normalizers",
        vec![
            json!({"type": "Strip", "strip_left": false, "strip_right": false}),
            replace_regex(" {2,}", "▁"),
        ],
    )
}

fn big_bird(c: &Ctx) -> Result<Stages> {
    let unk_id = c.unk_with_zero_score(0).map_or(100, |i| i as i64);
    let pair = metaspace_pair(prepend_scheme(c.cfg), false);
    Ok(stages(big_bird_normalizer(), pair, unigram(unk_id)))
}

/// DeBERTa-v2's normalizer, pre-tokenizer and decoder (no charsmap), from `do_lower_case`,
/// `split_by_punct` and `add_prefix_space` (off: the first word only).
pub(super) fn deberta_v2_stages(cfg: &LegacyConfig) -> (Value, Value, Value) {
    let mut norms = Vec::new();
    if cfg_bool(cfg, "do_lower_case", false) {
        norms.push(json!({"type": "Lowercase"}));
    }
    norms.push(replace_regex(r"\s{2,}|[\n\r\t]", " "));
    norms.push(json!({"type": "NFC"}));
    norms.push(json!({"type": "Strip", "strip_left": false, "strip_right": true}));
    let mut pres = Vec::new();
    if cfg_bool(cfg, "split_by_punct", false) {
        pres.push(json!({"type": "Punctuation", "behavior": "Isolated"}));
    }
    let scheme = if cfg_bool(cfg, "add_prefix_space", true) {
        "always"
    } else {
        "first"
    };
    pres.push(metaspace("Metaspace", scheme, true));
    (
        sequence("Sequence", "normalizers", norms),
        sequence("Sequence", "pretokenizers", pres),
        metaspace("Metaspace", scheme, true),
    )
}

fn deberta_v2(c: &Ctx) -> Result<Stages> {
    let fallback = c
        .cfg
        .config
        .get("unk_id")
        .and_then(Value::as_i64)
        .unwrap_or(1);
    let unk_id = c.unk_with_zero_score(0).map_or(fallback, |i| i as i64);
    let (normalizer, pre_tokenizer, decoder) = deberta_v2_stages(c.cfg);
    Ok(stages(
        normalizer,
        (pre_tokenizer, decoder),
        unigram(unk_id),
    ))
}

fn mbart(_: &Ctx) -> Result<Stages> {
    // mBART drops the charsmap: no normalizer at all.
    Ok(stages(
        Value::Null,
        metaspace_pair("always", true),
        unigram(3),
    ))
}

/// The charsmap (when there is one), then runs of spaces collapsed (mBART-50).
pub(super) fn charsmap_then_collapse(precompiled: Option<Value>) -> Value {
    let mut norms: Vec<Value> = precompiled.into_iter().collect();
    norms.push(replace_regex(" {2,}", " "));
    sequence("Sequence", "normalizers", norms)
}

fn mbart50(c: &Ctx) -> Result<Stages> {
    let normalizer = charsmap_then_collapse(c.precompiled.clone());
    Ok(stages(
        normalizer,
        metaspace_pair("always", false),
        unigram(3),
    ))
}

/// NLLB and Reformer: the charsmap then runs of spaces collapsed, or no normalizer without a charsmap.
fn nllb(c: &Ctx) -> Result<Stages> {
    let normalizer = match c.precompiled.clone() {
        Some(p) => charsmap_then_collapse(Some(p)),
        None => Value::Null,
    };
    let pair = metaspace_pair("always", false);
    Ok(stages(normalizer, pair, spm_bpe(c.unk, false)))
}

fn pegasus(c: &Ctx) -> Result<Stages> {
    // Pegasus looks its unk token up with score 0 after id 0, and fails without one.
    let unk_id = c.unk_with_zero_score(1).ok_or_else(|| {
        Error::config(
            "",
            "model.vocab",
            format!(
                "PegasusTokenizer needs its unk token {:?} with score 0 after id 0",
                c.unk
            ),
        )
    })?;
    let normalizer = match c.precompiled.clone() {
        Some(p) => charsmap_then_collapse(Some(p)),
        None => sequence(
            "Sequence",
            "normalizers",
            vec![replace_regex("\n", " "), replace_regex(" {2,}", " ")],
        ),
    };
    let pair = metaspace_pair("always", false);
    Ok(stages(normalizer, pair, unigram(unk_id as i64)))
}

/// Gemma's normalizer, pre-tokenizer and decoder: spaces become "▁" before a split after each space, byte
/// fallback when decoding.
pub(super) fn gemma_stages() -> (Value, Value, Value) {
    (
        replace_string(" ", "▁"),
        json!({
            "type": "Split",
            "pattern": {"String": " "},
            "behavior": "MergedWithPrevious",
            "invert": false,
        }),
        sequence(
            "Sequence",
            "decoders",
            vec![
                replace_string("▁", " "),
                json!({"type": "ByteFallback"}),
                json!({"type": "Fuse"}),
            ],
        ),
    )
}

/// Tipsv2: lowercase and the charsmap, whitespace split and Metaspace, BPE with byte fallback and no
/// unknown token (`sentencepiece_bpe_classes`).
fn tipsv2(c: &Ctx) -> Result<Stages> {
    let (normalizer, pre_tokenizer, decoder) =
        super::sentencepiece_bpe_classes::tipsv2_stages(c.cfg, c.precompiled.clone());
    let mut model = spm_bpe("", true);
    model["unk_token"] = Value::Null;
    Ok(stages(normalizer, (pre_tokenizer, decoder), model))
}

fn gemma(c: &Ctx) -> Result<Stages> {
    let (normalizer, pre_tokenizer, decoder) = gemma_stages();
    Ok(stages(
        normalizer,
        (pre_tokenizer, decoder),
        spm_bpe(c.unk, true),
    ))
}

/// BARThez's normalizer (no charsmap).
pub(super) fn barthez_normalizer() -> Value {
    sequence(
        "Sequence",
        "normalizers",
        vec![
            replace_regex(r"\s{2,}|[\n\r\t]", " "),
            json!({"type": "NFC"}),
            json!({"type": "Strip", "strip_left": false, "strip_right": true}),
        ],
    )
}

fn barthez(c: &Ctx) -> Result<Stages> {
    let pair = metaspace_pair(prepend_scheme(c.cfg), false);
    Ok(stages(barthez_normalizer(), pair, unigram(3)))
}

/// RemBERT's normalizer: quotes, runs of spaces, accents stripped only without `keep_accents`, lowercased
/// when `do_lower_case`, then the charsmap.
pub(super) fn rembert_normalizer(cfg: &LegacyConfig, precompiled: Option<Value>) -> Value {
    let mut norms = vec![
        replace_string("``", "\""),
        replace_string("''", "\""),
        replace_regex(" {2,}", " "),
    ];
    if !cfg_bool(cfg, "keep_accents", true) {
        norms.push(json!({"type": "NFKD"}));
        norms.push(json!({"type": "StripAccents"}));
    }
    if cfg_bool(cfg, "do_lower_case", false) {
        norms.push(json!({"type": "Lowercase"}));
    }
    norms.extend(precompiled);
    sequence("Sequence", "normalizers", norms)
}

fn rembert(c: &Ctx) -> Result<Stages> {
    let normalizer = rembert_normalizer(c.cfg, c.precompiled.clone());
    let pair = metaspace_pair(prepend_scheme(c.cfg), false);
    // RemBertTokenizer hard-codes unk_id 2.
    Ok(stages(normalizer, pair, unigram(2)))
}

fn layout_xlm(c: &Ctx) -> Result<Stages> {
    // No charsmap: the right end stripped and runs of spaces made one "▁".
    let normalizer = sequence(
        "Sequence",
        "normalizers",
        vec![
            json!({"type": "Strip", "strip_left": false, "strip_right": true}),
            replace_regex(" {2,}", "▁"),
        ],
    );
    let pair = metaspace_pair(prepend_scheme(c.cfg), false);
    Ok(stages(normalizer, pair, unigram(3)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(v: Value) -> LegacyConfig {
        LegacyConfig::from_json(v)
    }

    fn doc(model: Value) -> Value {
        json!({
            "model": model,
            "normalizer": {"type": "Sequence", "normalizers": [
                {"type": "Lowercase"},
                {"type": "Precompiled", "precompiled_charsmap": "AAAA"},
            ]},
            "pre_tokenizer": {"type": "Whitespace"},
            "decoder": {"type": "Fuse"},
        })
    }

    #[test]
    fn t5_keeps_the_charsmap_and_its_vocabulary() {
        let mut d = doc(json!({"type": "Unigram", "unk_id": 0, "vocab": [["<pad>", 0.0]]}));
        rebuild(
            &mut d,
            &cfg(json!({"tokenizer_class": "T5TokenizerFast"})),
            Some("<unk>"),
        )
        .unwrap();
        assert_eq!(d["normalizer"]["type"], json!("Precompiled"));
        assert_eq!(
            d["pre_tokenizer"]["pretokenizers"][1]["prepend_scheme"],
            json!("always")
        );
        assert_eq!(d["model"]["unk_id"], json!(2));
        assert_eq!(d["model"]["vocab"], json!([["<pad>", 0.0]]));
    }

    #[test]
    fn unk_ids_follow_each_constructor() {
        let vocab = json!([["<pad>", 0.0], ["<unk>", -1.0], ["<unk>", 0.0], ["a", -2.0]]);
        let unigram = json!({"type": "Unigram", "unk_id": 0, "vocab": vocab});
        for (class, expected) in [
            ("BigBirdTokenizer", 2),
            ("DebertaV2Tokenizer", 2),
            ("CamembertTokenizer", 1),
            ("PegasusTokenizer", 2),
            ("AlbertTokenizer", 1),
            ("XLMRobertaTokenizer", 3),
        ] {
            let mut d = doc(unigram.clone());
            rebuild(
                &mut d,
                &cfg(json!({"tokenizer_class": class})),
                Some("<unk>"),
            )
            .unwrap();
            assert_eq!(d["model"]["unk_id"], json!(expected), "{class}");
        }
        let mut d = doc(unigram);
        let c = cfg(json!({"tokenizer_class": "PegasusTokenizer"}));
        assert!(rebuild(&mut d, &c, Some("<missing>")).is_err());
    }

    #[test]
    fn kwargs_shape_the_stages_and_other_models_are_kept() {
        let mut d = doc(json!({"type": "Unigram", "vocab": []}));
        let c = cfg(
            json!({"tokenizer_class": "AlbertTokenizer", "do_lower_case": false,
            "keep_accents": true, "add_prefix_space": false}),
        );
        rebuild(&mut d, &c, None).unwrap();
        assert_eq!(d["normalizer"]["normalizers"].as_array().unwrap().len(), 3);
        assert_eq!(d["decoder"]["prepend_scheme"], json!("never"));
        let original = doc(json!({"type": "BPE", "vocab": {}, "merges": []}));
        let mut d = original.clone();
        rebuild(
            &mut d,
            &cfg(json!({"tokenizer_class": "T5Tokenizer"})),
            None,
        )
        .unwrap();
        assert_eq!(d, original);
    }
}
