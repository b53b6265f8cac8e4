//! SeamlessM4TTokenizer's recipe: how transformers 5 builds it from a SentencePiece model. Its
//! `convert_from_spm_model` puts `<pad>` first and every piece at its SentencePiece id + 1 (the model's
//! `<unk> <s> </s>` land on 1 … 3), then the class builds a BPE over those ids with the extractor's merges,
//! its own normalizer, Metaspace on the first word only, and the source-language template
//! (`__src_lang__ A </s>`, the one transformers' call uses).

use super::legacy::LegacyConfig;
use super::sentencepiece::{
    bpe, cfg_str, extractor_extras, merges_by_id, metaspace, pieces, replace_regex, sequence, Parts,
};
use super::sentencepiece_classes::{content, named, Defaults};
use super::sentencepiece_fairseq::lang_prefix_template;
use super::sentencepiece_proto::SpModel;
use crate::error::{Error, Result};
use serde_json::json;

/// The pieces SentencePiece puts first by default, which the remap expects at ids 0 … 2.
const FIRST: [&str; 3] = ["<unk>", "<s>", "</s>"];

/// A language code as the class spells it (`eng` → `__eng__`).
fn lang_code(lang: &str) -> String {
    if lang.contains("__") {
        lang.to_string()
    } else {
        format!("__{lang}__")
    }
}

pub(super) fn seamless_m4t(m: &SpModel, cfg: &LegacyConfig, d: Defaults) -> Result<Parts> {
    let raw = pieces(m);
    // Another layout would give two tokens one id in transformers' remap (a dict keyed by piece).
    if raw.len() < FIRST.len() || raw.iter().zip(FIRST).any(|((p, _), f)| p != f) {
        return Err(Error::config(
            "",
            "pieces",
            format!("SeamlessM4TTokenizer needs the model's first pieces to be {FIRST:?}"),
        ));
    }
    let merges = merges_by_id(&raw);
    let mut vocab = vec![("<pad>".to_string(), 0.0)];
    vocab.extend(raw);
    let named = named(cfg, d, false);
    let unk = content(&named, "unk_token");
    let mut src_lang = lang_code(&cfg_str(cfg, "src_lang", "eng"));
    // transformers names the template's tokens by their ids: a code outside the vocabulary is the unk token.
    if !vocab.iter().any(|(p, _)| *p == src_lang) {
        src_lang.clone_from(&unk);
    }
    let post = lang_prefix_template(&src_lang, &content(&named, "eos_token"));
    let normalizer = sequence(
        "Sequence",
        "normalizers",
        vec![
            replace_regex(r"[\n\r\t]", " "),
            json!({"type": "NFKC"}),
            json!({"type": "Strip", "strip_left": false, "strip_right": true}),
            replace_regex(" +▁", "▁"),
            replace_regex("^▁+$", ""),
            replace_regex(" {2,}", "▁"),
        ],
    );
    Ok(Parts {
        model: bpe(merges, Some(&unk), false, false),
        vocab,
        normalizer,
        pre_tokenizer: metaspace("Metaspace", "first", true),
        decoder: metaspace("Metaspace", "first", true),
        named,
        extras: extractor_extras(m),
        post,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_codes_are_wrapped_unless_they_already_are() {
        assert_eq!(lang_code("eng"), "__eng__");
        assert_eq!(lang_code("__fra__"), "__fra__");
    }
}
