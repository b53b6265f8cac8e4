//! One recipe per tokenizer class: how transformers 5 builds that class's fast tokenizer from a
//! SentencePiece model (the class's `convert_from_spm` vocabulary, then its `__init__` pipeline and
//! template). Classes transformers does not map fall back to `generic`, which follows the model's own
//! normalizer spec as transformers' `build_tokenizer_from_spm_proto` does.

use super::class_pipelines_spm as stages;
use super::classes;
use super::legacy::LegacyConfig;
use super::named_tokens::{named_content, named_tokens, Named};
use super::sentencepiece::{
    bpe, cfg_bool, extractor_extras, finish, is_bpe, merges_by_id, merges_by_score, metaspace,
    pieces, precompiled, replace_regex, replace_string, sequence, unigram, Item, Parts, Post,
    SpecialTokens, NAMED,
};
use super::sentencepiece_fairseq as fairseq;
use super::sentencepiece_proto::{SpModel, CHAR, USER_DEFINED};
use crate::added_tokens::AddedToken;
use crate::error::{Error, Result};
use serde_json::{json, Value};

/// Default special tokens of a class, in `NAMED` order (from `classes`).
pub(super) type Defaults = [Option<&'static str>; 7];

/// Build the tokenizer.json document for `class` (without a trailing `Fast`) from model `m`.
pub fn document(
    class: &str,
    m: &SpModel,
    cfg: &LegacyConfig,
    dir: &std::path::Path,
) -> Result<(Value, SpecialTokens)> {
    // The class's default special tokens (the one table in `classes`).
    let d = classes::lookup(class).unwrap_or(&classes::GENERIC).specials;
    // Only SpeechT5 reads a character-level model; transformers has no converter for it elsewhere.
    if m.model_type == CHAR && class != "SpeechT5Tokenizer" {
        return Err(Error::config(
            "",
            "trainer_spec.model_type",
            "model type 4 (CHAR) is only supported for SpeechT5Tokenizer; \
             Hugging Face converts UNIGRAM (1) and BPE (2) models",
        ));
    }
    if class == "CpmTokenizer" {
        return super::sentencepiece_cpm::cpm(m, cfg, d);
    }
    if class == "BartphoTokenizer" {
        // Its own document: the model segments, dict.txt gives the ids.
        return super::sentencepiece_bartpho::bartpho(m, cfg, d, dir);
    }
    let parts = match class {
        "T5Tokenizer" => t5(m, cfg, d),
        "LlamaTokenizer" => llama(m, cfg, d),
        "CodeLlamaTokenizer" => super::sentencepiece_code_llama::code_llama(m, cfg, d),
        "XLMRobertaTokenizer" => fairseq::xlm_roberta(m, cfg, d),
        "LayoutXLMTokenizer" => fairseq::layout_xlm(m, cfg, d),
        "XLNetTokenizer" => xlnet(m, cfg, d),
        "CamembertTokenizer" => fairseq::camembert(m, cfg, d),
        "AlbertTokenizer" => albert(m, cfg, d),
        "DebertaV2Tokenizer" => deberta_v2(m, cfg, d),
        "BigBirdTokenizer" => big_bird(m, cfg, d),
        "MBartTokenizer" => fairseq::mbart(m, cfg, d),
        "MBart50Tokenizer" => fairseq::mbart50(m, cfg, d),
        "NllbTokenizer" => fairseq::nllb(m, cfg, d),
        "ReformerTokenizer" => reformer(m, cfg, d),
        "RemBertTokenizer" => rembert(m, cfg, d),
        "BarthezTokenizer" => fairseq::barthez(m, cfg, d),
        "GemmaTokenizer" => super::sentencepiece_gemma::gemma(m, cfg, d),
        "M2M100Tokenizer" => super::sentencepiece_python::m2m100(m, cfg, d, dir)?,
        "BertGenerationTokenizer" => super::sentencepiece_python::bert_generation(m, cfg, d)?,
        "GPTSw3Tokenizer" => super::sentencepiece_gpt_sw3::gpt_sw3(m, cfg, dir),
        "SpeechT5Tokenizer" => super::sentencepiece_speecht5::speecht5(m, cfg, d)?,
        "Qwen3_5Tokenizer" => super::sentencepiece_bpe_classes::qwen3_5(m, cfg, d),
        "Tipsv2Tokenizer" => super::sentencepiece_bpe_classes::tipsv2(m, cfg, d),
        "MLukeTokenizer" => super::sentencepiece_mluke::mluke(m, cfg, d)?,
        "SiglipTokenizer" => super::sentencepiece_siglip::siglip(m, cfg, d)?,
        "Speech2TextTokenizer" => super::sentencepiece_speech2text::speech2text(m, cfg, d, dir)?,
        "MarianTokenizer" => super::sentencepiece_marian::marian(m, cfg, d, dir)?,
        "PLBartTokenizer" => super::sentencepiece_plbart::plbart(m, cfg, d)?,
        "PegasusTokenizer" => super::sentencepiece_pegasus::pegasus(m, cfg, d)?,
        "SeamlessM4TTokenizer" => super::sentencepiece_seamless::seamless_m4t(m, cfg, d)?,
        "UdopTokenizer" => super::sentencepiece_pegasus::udop(m, cfg, d),
        "VideoPrismTokenizer" => super::sentencepiece_pegasus::video_prism(m, cfg, d),
        "LasrTokenizer" => super::sentencepiece_pegasus::lasr(m, cfg, d),
        // FNetTokenizer has no constructor of its own: transformers builds it the generic way, with
        // ALBERT's special tokens.
        // ParakeetTokenizer has no constructor of its own either (and no special tokens by default).
        ""
        | "TokenizersBackend"
        | "PreTrainedTokenizerFast"
        | "FNetTokenizer"
        | "ParakeetTokenizer" => generic(m, cfg, d),
        // A class that transformers maps but builds in its own way we have no recipe for: refuse rather
        // than build a different tokenizer.
        _ if classes::lookup(class).is_some() => {
            return Err(Error::Unsupported {
                file: String::new(),
                field: "tokenizer_config.json: tokenizer_class".into(),
                kind: "SentencePiece tokenizer class",
                name: class.to_string(),
            })
        }
        _ => generic(m, cfg, d),
    };
    finish(parts, cfg)
}

pub(super) fn named(cfg: &LegacyConfig, defaults: Defaults, mask_lstrip: bool) -> Named {
    named_tokens(cfg, |key| {
        let t = AddedToken::special(defaults[NAMED.iter().position(|k| *k == key)?]?);
        Some(if key == "mask_token" && mask_lstrip {
            t.with_lstrip()
        } else {
            t
        })
    })
}

pub(super) fn content(named: &[(&str, Option<AddedToken>)], key: &str) -> String {
    named_content(named, key).unwrap_or_default()
}

pub(super) fn ws_metaspace(prepend: &str) -> Value {
    sequence(
        "Sequence",
        "pretokenizers",
        vec![
            json!({"type": "WhitespaceSplit"}),
            metaspace("Metaspace", prepend, true),
        ],
    )
}

impl Parts {
    /// The shape most recipes share: WhitespaceSplit then Metaspace (always prepending "▁"), and the
    /// Metaspace decoder.
    pub(super) fn whitespace_metaspace(
        model: Value,
        vocab: Vec<(String, f64)>,
        normalizer: Value,
        named: Named,
        extras: Vec<AddedToken>,
        post: Post,
    ) -> Parts {
        Parts {
            model,
            vocab,
            normalizer,
            pre_tokenizer: ws_metaspace("always"),
            decoder: metaspace("Metaspace", "always", true),
            named,
            extras,
            post,
        }
    }
}

pub(super) fn prepend_scheme(cfg: &LegacyConfig) -> &'static str {
    if cfg_bool(cfg, "add_prefix_space", true) {
        "always"
    } else {
        "never"
    }
}

pub(super) fn seq(s: &'static str, t: u32) -> Item {
    Item::Seq(s, t)
}

pub(super) fn sp(s: &str, t: u32) -> Item {
    Item::Special(s.to_string(), t)
}

/// `[CLS] A [SEP]` and `[CLS] A [SEP] B [SEP]`, B of type 1 (BERT-style).
pub(super) fn bert_template(cls: &str, sep: &str) -> Post {
    cls_sep_template(cls, sep, 0, 1)
}

/// `cls A sep` and `cls A sep B sep`: the cls token of type `cls_type`, B and its sep of type `b_type`
/// (BERT: 0 and 1, Funnel: 2 and 1, CANINE: 0 and 0).
pub(super) fn cls_sep_template(cls: &str, sep: &str, cls_type: u32, b_type: u32) -> Post {
    Post::Template {
        single: vec![sp(cls, cls_type), seq("A", 0), sp(sep, 0)],
        pair: vec![
            sp(cls, cls_type),
            seq("A", 0),
            sp(sep, 0),
            seq("B", b_type),
            sp(sep, b_type),
        ],
    }
}

pub(super) fn t5(m: &SpModel, cfg: &LegacyConfig, d: Defaults) -> Parts {
    let extra_ids = cfg
        .config
        .get("extra_ids")
        .and_then(Value::as_u64)
        .unwrap_or(100);
    let mut vocab = pieces(m);
    let sentinels: Vec<String> = (0..extra_ids)
        .rev()
        .map(|i| format!("<extra_id_{i}>"))
        .collect();
    vocab.extend(sentinels.iter().map(|s| (s.clone(), 0.0)));
    let named = named(cfg, d, false);
    let mut extras = extractor_extras(m);
    // The extractor's list has no sentinel, so T5Tokenizer appends extra_id_0 … extra_id_{n-1}.
    extras.extend((0..extra_ids).map(|i| AddedToken::special(&format!("<extra_id_{i}>"))));
    let eos = content(&named, "eos_token");
    Parts::whitespace_metaspace(
        // T5Tokenizer hard-codes unk_id 2 (T5's own models put <unk> there).
        unigram(2, false),
        vocab,
        precompiled(m).unwrap_or(Value::Null),
        named,
        extras,
        t5_template(&eos),
    )
}

/// T5: `A </s>` and `A </s> B </s>`, all of type 0.
pub(super) fn t5_template(eos: &str) -> Post {
    Post::Template {
        single: vec![seq("A", 0), sp(eos, 0)],
        pair: vec![seq("A", 0), sp(eos, 0), seq("B", 0), sp(eos, 0)],
    }
}

/// XLNet: `A <sep> <cls>` and `A <sep> B <sep> <cls>`, B of type 1 and `<cls>` of type 2.
pub(super) fn xlnet_template(sep: &str, cls: &str) -> Post {
    Post::Template {
        single: vec![seq("A", 0), sp(sep, 0), sp(cls, 2)],
        pair: vec![seq("A", 0), sp(sep, 0), seq("B", 1), sp(sep, 1), sp(cls, 2)],
    }
}

/// Llama's pre-tokenizer and decoder, from `add_prefix_space` and `legacy` (also rebuilt at load beside a
/// tokenizer.json, `class_pipelines`).
pub(super) fn llama_stages(cfg: &LegacyConfig) -> (Value, Value) {
    let add_prefix_space = cfg_bool(cfg, "add_prefix_space", true);
    let legacy = cfg_bool(cfg, "legacy", false);
    // transformers' `_get_prepend_scheme`: "always" when legacy, else "first"; "never" without prefix.
    let scheme = match (add_prefix_space, legacy) {
        (false, _) => "never",
        (true, true) => "always",
        (true, false) => "first",
    };
    let mut decoders = vec![
        replace_string("▁", " "),
        json!({"type": "ByteFallback"}),
        json!({"type": "Fuse"}),
    ];
    if add_prefix_space {
        decoders.push(json!({"type": "Strip", "content": " ", "start": 1, "stop": 0}));
    }
    (
        metaspace("Metaspace", scheme, false),
        sequence("Sequence", "decoders", decoders),
    )
}

fn llama(m: &SpModel, cfg: &LegacyConfig, d: Defaults) -> Parts {
    let vocab = pieces(m);
    let merges = merges_by_id(&vocab);
    let (pre_tokenizer, decoder) = llama_stages(cfg);
    Parts {
        model: bpe(merges, None, true, false),
        vocab,
        normalizer: Value::Null,
        pre_tokenizer,
        decoder,
        named: named(cfg, d, false),
        extras: extractor_extras(m),
        post: Post::bos_eos(cfg),
    }
}

fn xlnet(m: &SpModel, cfg: &LegacyConfig, d: Defaults) -> Parts {
    let named = named(cfg, d, true);
    let (sep, cls) = (content(&named, "sep_token"), content(&named, "cls_token"));
    Parts::whitespace_metaspace(
        // The extractor passes the model's unk_id (over any config value).
        unigram(m.unk_id, false),
        pieces(m),
        stages::xlnet_normalizer(cfg, precompiled(m)),
        named,
        extractor_extras(m),
        xlnet_template(&sep, &cls),
    )
}

fn albert(m: &SpModel, cfg: &LegacyConfig, d: Defaults) -> Parts {
    let named = named(cfg, d, false);
    let scheme = prepend_scheme(cfg);
    // AlbertTokenizer's template names "[CLS]" and "[SEP]" literally, with the ids of its cls/sep tokens.
    let post = bert_template("[CLS]", "[SEP]");
    Parts {
        model: unigram(1, false),
        vocab: pieces(m),
        normalizer: stages::albert_normalizer(cfg, precompiled(m)),
        pre_tokenizer: ws_metaspace(scheme),
        decoder: metaspace("Metaspace", scheme, true),
        named,
        extras: extractor_extras(m),
        post,
    }
}

fn deberta_v2(m: &SpModel, cfg: &LegacyConfig, d: Defaults) -> Parts {
    let named = named(cfg, d, false);
    let vocab = pieces(m);
    let unk = content(&named, "unk_token");
    let unk_id = vocab
        .iter()
        .position(|(p, s)| *p == unk && *s == 0.0)
        // Else the extractor's `unk_id`: the model's.
        .map_or(m.unk_id, |i| i as i64);
    let (normalizer, pre_tokenizer, decoder) = stages::deberta_v2_stages(cfg);
    let post = bert_template(&content(&named, "cls_token"), &content(&named, "sep_token"));
    Parts {
        model: unigram(unk_id, false),
        vocab,
        normalizer,
        pre_tokenizer,
        decoder,
        named,
        extras: extractor_extras(m),
        post,
    }
}

fn big_bird(m: &SpModel, cfg: &LegacyConfig, d: Defaults) -> Parts {
    let named = named(cfg, d, true);
    let vocab = pieces(m);
    let unk = content(&named, "unk_token");
    let unk_id = vocab
        .iter()
        .position(|(p, s)| *p == unk && *s == 0.0)
        .map_or(100, |i| i as i64);
    let scheme = prepend_scheme(cfg);
    let post = bert_template(&content(&named, "cls_token"), &content(&named, "sep_token"));
    Parts {
        model: unigram(unk_id, false),
        vocab,
        normalizer: stages::big_bird_normalizer(),
        pre_tokenizer: metaspace("Metaspace", scheme, true),
        decoder: metaspace("Metaspace", scheme, true),
        named,
        extras: extractor_extras(m),
        post,
    }
}

/// No class (or `TokenizersBackend`): the model's own settings, as `build_tokenizer_from_spm_proto`.
fn generic(m: &SpModel, cfg: &LegacyConfig, d: Defaults) -> Parts {
    let legacy = cfg_bool(cfg, "legacy", true);
    let user_defined: Vec<&str> = m
        .pieces
        .iter()
        .filter(|(_, _, t)| *t == USER_DEFINED)
        .map(|(p, _, _)| p.as_str())
        .collect();
    // transformers deep-copies this tokenizer, a round trip through JSON text whose parser (serde_json
    // without `float_roundtrip`) can move a score by one ulp; the same round trip here keeps the scores
    // bit-identical, and with them Viterbi's ties.
    let vocab: Vec<(String, f64)> = pieces(m)
        .into_iter()
        .map(|(p, s)| {
            let text = serde_json::to_string(&s).unwrap_or_default();
            (p, serde_json::from_str(&text).unwrap_or(s))
        })
        .collect();
    let model = if is_bpe(m) {
        bpe(
            merges_by_score(m),
            Some(&m.unk_piece),
            m.byte_fallback,
            !user_defined.is_empty(),
        )
    } else {
        unigram(m.unk_id, m.byte_fallback)
    };
    let mut norms: Vec<Value> = precompiled(m).into_iter().collect();
    if m.remove_extra_whitespaces {
        norms.push(replace_regex(r"\A +| +\z", ""));
        norms.push(replace_regex(" {2,}", " "));
    }
    if m.escape_whitespaces {
        norms.push(replace_string(" ", "▁"));
    }
    if m.add_dummy_prefix && legacy {
        norms.push(replace_regex(r"\A▁", "▁▁"));
    }
    let mut pres = Vec::new();
    if m.add_dummy_prefix {
        let scheme = if legacy { "always" } else { "first" };
        pres.push(metaspace("Metaspace", scheme, false));
    }
    if !user_defined.is_empty() {
        let mut sorted = user_defined.clone();
        sorted.sort_by_key(|p| std::cmp::Reverse(p.chars().count()));
        let pattern: Vec<String> = sorted.iter().map(|p| regex::escape(p)).collect();
        pres.push(json!({
            "type": "Split",
            "pattern": {"Regex": pattern.join("|")},
            "behavior": "Isolated",
            "invert": false,
        }));
    }
    let mut decs = vec![replace_string("▁", " ")];
    if m.byte_fallback {
        decs.push(json!({"type": "ByteFallback"}));
    }
    if m.add_dummy_prefix {
        decs.push(json!({"type": "Fuse"}));
        decs.push(json!({"type": "Strip", "content": " ", "start": 1, "stop": 0}));
    } else if m.byte_fallback {
        decs.push(json!({"type": "Fuse"}));
    }
    // bos / eos / unk from the trainer spec when the model has them.
    fn spec(id: i64, piece: &str) -> Option<&str> {
        (id >= 0).then_some(piece)
    }
    let mut named = named(cfg, d, false);
    for (key, tok) in named.iter_mut() {
        let from_spec = match *key {
            "bos_token" => spec(m.bos_id, &m.bos_piece),
            "eos_token" => spec(m.eos_id, &m.eos_piece),
            "unk_token" => spec(m.unk_id, &m.unk_piece),
            _ => None,
        };
        // transformers sets these before the class's constructor runs: they beat its defaults.
        if let (Some(piece), false) = (from_spec, cfg.config.contains_key(*key)) {
            *tok = Some(AddedToken::special(piece));
        }
    }
    let extras = extractor_extras(m)
        .into_iter()
        .filter(|t| !user_defined.contains(&t.content.as_str()))
        .collect();
    Parts {
        model,
        vocab,
        normalizer: sequence("Sequence", "normalizers", norms),
        pre_tokenizer: if pres.is_empty() {
            Value::Null
        } else {
            sequence("Sequence", "pretokenizers", pres)
        },
        decoder: sequence("Sequence", "decoders", decs),
        named,
        extras,
        post: Post::bos_eos(cfg),
    }
}

/// The model's precompiled normalizer, then runs of spaces collapsed (Reformer, NLLB); null without one.
pub(super) fn precompiled_collapsing_spaces(m: &SpModel) -> Value {
    match precompiled(m) {
        Some(p) => sequence(
            "Sequence",
            "normalizers",
            vec![p, replace_regex(" {2,}", " ")],
        ),
        None => Value::Null,
    }
}

fn reformer(m: &SpModel, cfg: &LegacyConfig, d: Defaults) -> Parts {
    let named = named(cfg, d, false);
    let vocab = pieces(m);
    let merges = merges_by_id(&vocab);
    let unk = content(&named, "unk_token");
    let normalizer = precompiled_collapsing_spaces(m);
    Parts {
        model: bpe(merges, Some(&unk), false, false),
        vocab,
        normalizer,
        pre_tokenizer: metaspace("Metaspace", "always", true),
        decoder: metaspace("Metaspace", "always", true),
        named,
        extras: extractor_extras(m),
        post: Post::bos_eos(cfg),
    }
}

fn rembert(m: &SpModel, cfg: &LegacyConfig, d: Defaults) -> Parts {
    let named = named(cfg, d, false);
    let scheme = prepend_scheme(cfg);
    Parts {
        // RemBertTokenizer hard-codes unk_id 2.
        model: unigram(2, false),
        vocab: pieces(m),
        normalizer: stages::rembert_normalizer(cfg, precompiled(m)),
        pre_tokenizer: metaspace("Metaspace", scheme, true),
        decoder: metaspace("Metaspace", scheme, true),
        named,
        extras: extractor_extras(m),
        // RemBertTokenizer's [CLS]/[SEP] template is replaced by the base class's bos/eos one when
        // built from a SentencePiece file.
        post: Post::bos_eos(cfg),
    }
}
