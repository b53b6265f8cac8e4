//! Recipes for the fairseq-style SentencePiece classes: XLM-RoBERTa, CamemBERT, mBART, mBART-50, NLLB and
//! BARThez. Their vocabularies put fairseq's `<s> <pad> </s> <unk>` first (the pieces shift by one), and
//! the translation models add language-code tokens and a `src_lang` template.

use super::class_pipelines_spm as stages;
use super::language_codes;
use super::legacy::LegacyConfig;
use super::sentencepiece::{
    bpe, cfg_bool, cfg_str, extractor_extras, merges_by_id, metaspace, pieces, precompiled,
    sequence, unigram, Parts, Post,
};
use super::sentencepiece_classes::{
    content, named, precompiled_collapsing_spaces, prepend_scheme, seq, sp, ws_metaspace, Defaults,
};
use super::sentencepiece_proto::SpModel;
use crate::added_tokens::AddedToken;
use serde_json::{json, Value};

/// `<s> A </s>` and `<s> A </s></s> B </s>`, all type 0 (RoBERTa-style).
pub(super) fn fairseq_template(bos: &str, eos: &str) -> Post {
    Post::Template {
        single: vec![sp(bos, 0), seq("A", 0), sp(eos, 0)],
        pair: vec![
            sp(bos, 0),
            seq("A", 0),
            sp(eos, 0),
            sp(eos, 0),
            seq("B", 0),
            sp(eos, 0),
        ],
    }
}

/// fairseq's four specials first, the pieces after SentencePiece's three (`<unk> <s> </s>`).
pub(super) fn fairseq_vocab(
    m: &SpModel,
    named: &[(&str, Option<AddedToken>)],
    first: &str,
) -> Vec<(String, f64)> {
    let mut vocab: Vec<(String, f64)> = [first, "pad_token", "eos_token", "unk_token"]
        .iter()
        .map(|k| (content(named, k), 0.0))
        .collect();
    vocab.extend(pieces(m).into_iter().skip(3));
    vocab
}

pub(super) fn xlm_roberta(m: &SpModel, cfg: &LegacyConfig, d: Defaults) -> Parts {
    let named = named(cfg, d, false);
    let mut vocab = fairseq_vocab(m, &named, "bos_token");
    vocab.push((content(&named, "mask_token"), 0.0));
    let scheme = prepend_scheme(cfg);
    let post = fairseq_template(&content(&named, "bos_token"), &content(&named, "eos_token"));
    Parts {
        model: unigram(3, false),
        vocab,
        normalizer: precompiled(m).unwrap_or(Value::Null),
        pre_tokenizer: sequence(
            "Sequence",
            "pretokenizers",
            vec![
                json!({"type": "WhitespaceSplit"}),
                metaspace("Metaspace", scheme, true),
            ],
        ),
        decoder: metaspace("Metaspace", scheme, true),
        named,
        extras: extractor_extras(m),
        post,
    }
}

/// LayoutXLM: XLM-RoBERTa's vocabulary and template, with the class's own stages (no charsmap: the right
/// end stripped and runs of spaces made one "▁", then Metaspace alone), as its constructor builds them.
pub(super) fn layout_xlm(m: &SpModel, cfg: &LegacyConfig, d: Defaults) -> Parts {
    let mut parts = xlm_roberta(m, cfg, d);
    parts.normalizer = sequence(
        "Sequence",
        "normalizers",
        vec![
            json!({"type": "Strip", "strip_left": false, "strip_right": true}),
            super::sentencepiece::replace_regex(" {2,}", "\u{2581}"),
        ],
    );
    parts.pre_tokenizer = metaspace("Metaspace", prepend_scheme(cfg), true);
    parts
}

pub(super) fn camembert(m: &SpModel, cfg: &LegacyConfig, d: Defaults) -> Parts {
    let named = named(cfg, d, true);
    let unk = content(&named, "unk_token");
    let mut vocab: Vec<(String, f64)> = vec![
        ("<s>NOTUSED".into(), 0.0),
        (content(&named, "pad_token"), 0.0),
        ("</s>NOTUSED".into(), 0.0),
        (unk.clone(), 0.0),
        ("<unk>NOTUSED".into(), -100.0),
    ];
    vocab.extend(pieces(m).into_iter().skip(1));
    vocab.push((content(&named, "mask_token"), 0.0));
    let unk_id = vocab.iter().position(|(p, _)| *p == unk).unwrap_or(0);
    let scheme = prepend_scheme(cfg);
    let post = fairseq_template(&content(&named, "bos_token"), &content(&named, "eos_token"));
    Parts {
        model: unigram(unk_id as i64, false),
        vocab,
        normalizer: precompiled(m).unwrap_or(Value::Null),
        pre_tokenizer: ws_metaspace(scheme),
        decoder: metaspace("Metaspace", scheme, true),
        named,
        extras: extractor_extras(m),
        post,
    }
}

/// mBART's template after `set_src_lang_special_tokens`: no prefix, `</s> lang_code` as suffix.
pub(super) fn lang_suffix_template(eos: &str, lang: &str) -> Post {
    Post::Template {
        single: vec![seq("A", 0), sp(eos, 0), sp(lang, 0)],
        pair: vec![seq("A", 0), seq("B", 0), sp(eos, 0), sp(lang, 0)],
    }
}

/// `lang_code A </s>` and `lang_code A B </s>` (mBART-50, NLLB).
pub(super) fn lang_prefix_template(lang: &str, eos: &str) -> Post {
    Post::Template {
        single: vec![sp(lang, 0), seq("A", 0), sp(eos, 0)],
        pair: vec![sp(lang, 0), seq("A", 0), seq("B", 0), sp(eos, 0)],
    }
}

pub(super) fn mbart(m: &SpModel, cfg: &LegacyConfig, d: Defaults) -> Parts {
    let named = named(cfg, d, true);
    let mut vocab = fairseq_vocab(m, &named, "bos_token");
    vocab.extend(language_codes::MBART.iter().map(|c| (c.to_string(), 0.0)));
    vocab.push((content(&named, "mask_token"), 0.0));
    let mut extras: Vec<AddedToken> = language_codes::MBART
        .iter()
        .map(|c| AddedToken::special(c))
        .collect();
    for t in extractor_extras(m) {
        if !extras.iter().any(|e| e.content == t.content) {
            extras.push(t);
        }
    }
    let lang = cfg_str(cfg, "src_lang", "en_XX");
    let post = lang_suffix_template(&content(&named, "eos_token"), &lang);
    Parts::whitespace_metaspace(unigram(3, false), vocab, Value::Null, named, extras, post)
}

pub(super) fn mbart50(m: &SpModel, cfg: &LegacyConfig, d: Defaults) -> Parts {
    let named = named(cfg, d, true);
    let mut vocab = fairseq_vocab(m, &named, "cls_token");
    vocab.extend(language_codes::MBART50.iter().map(|c| (c.to_string(), 0.0)));
    vocab.push((content(&named, "mask_token"), 0.0));
    let mut extras = extractor_extras(m);
    extras.extend(
        language_codes::MBART50
            .iter()
            .map(|c| AddedToken::special(c)),
    );
    let lang = cfg_str(cfg, "src_lang", "en_XX");
    let eos = content(&named, "eos_token");
    Parts {
        model: unigram(3, false),
        vocab,
        normalizer: stages::charsmap_then_collapse(precompiled(m)),
        pre_tokenizer: metaspace("Metaspace", "always", true),
        decoder: metaspace("Metaspace", "always", true),
        named,
        extras,
        // MBart50: `lang_code A </s>`.
        post: lang_prefix_template(&lang, &eos),
    }
}

pub(super) fn barthez(m: &SpModel, cfg: &LegacyConfig, d: Defaults) -> Parts {
    let named = named(cfg, d, true);
    let scheme = prepend_scheme(cfg);
    Parts {
        model: unigram(3, false),
        vocab: pieces(m),
        normalizer: stages::barthez_normalizer(),
        pre_tokenizer: metaspace("Metaspace", scheme, true),
        decoder: metaspace("Metaspace", scheme, true),
        named,
        extras: extractor_extras(m),
        post: Post::bos_eos(cfg),
    }
}

/// NLLB: the `src_lang` code first (`lang A </s>`), or last with `legacy_behaviour` (`A </s> lang`).
pub(super) fn nllb_template(cfg: &LegacyConfig, eos: &str) -> Post {
    let lang = cfg_str(cfg, "src_lang", "eng_Latn");
    if cfg_bool(cfg, "legacy_behaviour", false) {
        lang_suffix_template(eos, &lang)
    } else {
        lang_prefix_template(&lang, eos)
    }
}

pub(super) fn nllb(m: &SpModel, cfg: &LegacyConfig, d: Defaults) -> Parts {
    let mut named = named(cfg, d, false);
    // NllbTokenizer's mask token is normalized and strips on the left.
    if let Some((_, Some(mask))) = named.iter_mut().find(|(k, _)| *k == "mask_token") {
        if cfg.config.get("mask_token").is_none_or(Value::is_string) {
            mask.lstrip = true;
            mask.normalized = true;
        }
    }
    // The merges come from the model's own ids; the vocabulary is then reordered fairseq's way.
    let raw = pieces(m);
    let merges = merges_by_id(&raw);
    let mut vocab: Vec<(String, f64)> = Vec::with_capacity(raw.len() + 1);
    for key in ["bos_token", "pad_token", "eos_token", "unk_token"] {
        vocab.push((content(&named, key), 0.0));
    }
    for (p, s) in raw {
        if !vocab.iter().take(4).any(|(v, _)| *v == p) {
            vocab.push((p, s));
        }
    }
    let normalizer = precompiled_collapsing_spaces(m);
    let unk = content(&named, "unk_token");
    let post = nllb_template(cfg, &content(&named, "eos_token"));
    Parts {
        model: bpe(merges, Some(&unk), false, false),
        vocab,
        normalizer,
        pre_tokenizer: metaspace("Metaspace", "always", true),
        decoder: metaspace("Metaspace", "always", true),
        named,
        extras: extractor_extras(m),
        post,
    }
}
