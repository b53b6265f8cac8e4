//! Recipes for classes that transformers 5.24 runs through the `sentencepiece` library in Python (it has
//! no fast tokenizer for them): M2M100, whose ids come from a `vocab.json` beside the model (the model
//! document keeps SentencePiece's scores or merges under vocab.json's ids), and BertGeneration.

use super::language_codes;
use super::legacy::{read_json, LegacyConfig};
use super::named_tokens::Named;
use super::sentencepiece::{
    bpe, cfg_bool, cfg_str, is_bpe, merges_by_score, metaspace, precompiled, replace_string,
    sequence, unigram, Parts, Post,
};
use super::sentencepiece_classes::seq;
use super::sentencepiece_classes::{content, named, Defaults};
use super::sentencepiece_fairseq::lang_prefix_template;
use super::sentencepiece_proto::{SpModel, NORMAL, USER_DEFINED};
use crate::added_tokens::AddedToken;
use crate::error::{Error, Result};
use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;

/// A score no Viterbi path takes while another exists: pieces the model must never produce.
pub(super) use crate::models::unigram::NEVER;

/// The `sentencepiece` library's word cut with `remove_extra_whitespaces` (the default): the library
/// drops runs of spaces and parts words at them only, after its normalizer (a whitespace char the charsmap
/// leaves alone, such as U+0085 or a tab under identity normalization, stays inside a piece): `Split(" +")`,
/// then Metaspace prepending "▁" to every word.
pub(super) fn library_pre_tokenizer() -> Value {
    serde_json::json!({"type": "Sequence", "pretokenizers": [
        {"type": "Split", "pattern": {"Regex": " +"}, "behavior": "Removed", "invert": false},
        metaspace("Metaspace", "always", true),
    ]})
}

impl Parts {
    /// The shape of the classes transformers runs through the `sentencepiece` library in Python over
    /// model `m`: the library's word cut (`library_pre_tokenizer`), then the model; the Metaspace
    /// decoder. A model without `remove_extra_whitespaces` keeps every space as a "▁" that starts a piece,
    /// and the library's dummy prefix goes in front of the text even where it starts with a space: the
    /// spaces become "▁" and the prefix is prepended in the normalizer, Metaspace only parts the words.
    pub(super) fn library_metaspace(
        m: &SpModel,
        model: Value,
        vocab: Vec<(String, f64)>,
        normalizer: Value,
        named: Named,
        extras: Vec<AddedToken>,
        post: Post,
    ) -> Parts {
        if m.remove_extra_whitespaces {
            let mut parts =
                Parts::whitespace_metaspace(model, vocab, normalizer, named, extras, post);
            parts.pre_tokenizer = library_pre_tokenizer();
            return parts;
        }
        let mut norms: Vec<Value> = match normalizer {
            Value::Null => Vec::new(),
            n => vec![n],
        };
        norms.push(replace_string(" ", "▁"));
        if m.add_dummy_prefix {
            norms.push(serde_json::json!({"type": "Prepend", "prepend": "▁"}));
        }
        let scheme = if m.add_dummy_prefix {
            "always"
        } else {
            "never"
        };
        let mut parts = Parts::whitespace_metaspace(
            model,
            vocab,
            sequence("Sequence", "normalizers", norms),
            named,
            extras,
            post,
        );
        parts.pre_tokenizer = metaspace("Metaspace", "never", true);
        parts.decoder = metaspace("Metaspace", scheme, true);
        parts
    }
}

/// The model's pieces with their scores, in id order, as the `sentencepiece` library uses them: it matches
/// normal and user-defined pieces only, so a control, unknown, unused or byte piece written in the text
/// (`<s>`, `<unk>`, `<0x41>`) can never win a segmentation.
pub(super) fn library_vocab(m: &SpModel) -> Vec<(String, f64)> {
    m.pieces
        .iter()
        .map(|(p, s, t)| {
            let matched = *t == NORMAL || *t == USER_DEFINED;
            (p.clone(), if matched { f64::from(*s) } else { NEVER })
        })
        .collect()
}

/// vocab.json as (piece, id) in id order; the ids must be 0..n without gaps.
pub(super) fn vocab_json(dir: &Path) -> Result<Vec<String>> {
    vocab_json_file(&dir.join("vocab.json"))
}

/// A vocab.json-style file (`target_vocab.json`) as its pieces in id order; the ids must be 0..n.
pub(super) fn vocab_json_file(path: &Path) -> Result<Vec<String>> {
    let file = path.display().to_string();
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let Value::Object(map) = read_json(path)? else {
        return Err(Error::config(file, "(document)", "expected a JSON object"));
    };
    let mut by_id: Vec<Option<String>> = vec![None; map.len()];
    for (piece, id) in &map {
        let slot = id
            .as_u64()
            .and_then(|i| by_id.get_mut(usize::try_from(i).ok()?));
        match slot {
            Some(slot @ None) => *slot = Some(piece.clone()),
            _ => {
                return Err(Error::config(
                    file,
                    format!("{name}: {piece:?}"),
                    format!("id {id} is not a free id below {}", map.len()),
                ))
            }
        }
    }
    Ok(by_id.into_iter().flatten().collect())
}

/// The id of the unk token among vocab.json's pieces (`pieces`, from `vocab_json(dir)`); an error names the
/// file when it has none.
pub(super) fn vocab_json_unk_id(pieces: &[String], unk: &str, dir: &Path) -> Result<usize> {
    pieces.iter().position(|p| p == unk).ok_or_else(|| {
        Error::config(
            dir.join("vocab.json").display().to_string(),
            "vocab.json",
            format!("no entry for the unk_token {unk:?}"),
        )
    })
}

/// M2M100Tokenizer (transformers' pure-Python class): pieces through vocab.json, the `__{src_lang}__`
/// code first and `</s>` last. The language codes follow the vocabulary in the model (never produced
/// by segmentation: transformers 5.24 registers them as no added token, so text spelling one is
/// tokenized as ordinary text and decoding keeps them).
pub(super) fn m2m100(m: &SpModel, cfg: &LegacyConfig, d: Defaults, dir: &Path) -> Result<Parts> {
    let named = named(cfg, d, false);
    let pieces = vocab_json(dir)?;
    let (_, codes) = language_codes::choose(
        cfg,
        "m2m100",
        &[
            ("m2m100", &language_codes::M2M100),
            ("wmt21", &language_codes::WMT21),
        ],
    )?;
    let src_lang = cfg_str(cfg, "src_lang", "en");
    if !codes.contains(&src_lang.as_str()) {
        return Err(Error::config(
            "",
            "tokenizer_config.json: src_lang",
            format!(
                "{src_lang:?} is not one of the {} language codes",
                codes.len()
            ),
        ));
    }
    let unk = content(&named, "unk_token");
    let (model, mut vocab) = vocab_json_model(m, &pieces, &unk, dir)?;
    vocab.extend(codes.iter().map(|c| (format!("__{c}__"), NEVER)));
    let post = lang_prefix_template(&format!("__{src_lang}__"), &content(&named, "eos_token"));
    Ok(Parts::library_metaspace(
        m,
        model,
        vocab,
        precompiled(m).unwrap_or(Value::Null),
        named,
        Vec::new(),
        post,
    ))
}

/// The model document and vocabulary of a class that maps the pieces `m` produces through vocab.json
/// (`pieces`, in id order): SentencePiece's scores (or merges) under vocab.json's ids.
pub(super) fn vocab_json_model(
    m: &SpModel,
    pieces: &[String],
    unk: &str,
    dir: &Path,
) -> Result<(Value, Vec<(String, f64)>)> {
    let scores: HashMap<&str, f64> = m
        .pieces
        .iter()
        .filter(|(_, _, t)| *t == NORMAL)
        .map(|(p, s, _)| (p.as_str(), f64::from(*s)))
        .collect();
    let known: std::collections::HashSet<&str> = pieces.iter().map(String::as_str).collect();
    // A piece the model produces but vocab.json lacks maps to <unk> in transformers; a model document
    // cannot say that, so such a folder is refused rather than segmented differently.
    if let Some(missing) = m
        .pieces
        .iter()
        .find(|(p, _, t)| *t == NORMAL && !known.contains(p.as_str()))
    {
        return Err(Error::config(
            dir.join("vocab.json").display().to_string(),
            format!("vocab.json: {:?}", missing.0),
            "a piece of the SentencePiece model is missing from vocab.json",
        ));
    }
    let model = if is_bpe(m) {
        bpe(merges_by_score(m), Some(unk), m.byte_fallback, false)
    } else {
        unigram(vocab_json_unk_id(pieces, unk, dir)? as i64, false)
    };
    let vocab = pieces
        .iter()
        // Only the model's normal pieces come out of segmentation.
        .map(|p| (p.clone(), scores.get(p.as_str()).copied().unwrap_or(NEVER)))
        .collect();
    Ok((model, vocab))
}

/// The model document of the `sentencepiece` library's own segmentation: Unigram with the model's
/// scores, or BPE with its merges ranked by score, after the model's charsmap and its dummy prefix.
pub(super) fn sentencepiece_model(m: &SpModel, unk: &str) -> Value {
    if is_bpe(m) {
        bpe(merges_by_score(m), Some(unk), m.byte_fallback, false)
    } else {
        unigram(m.unk_id, m.byte_fallback)
    }
}

/// Refuse `legacy: false`, which makes transformers' SentencePiece classes strip the dummy prefix
/// themselves around added tokens (not expressed here).
pub(super) fn require_legacy(cfg: &LegacyConfig, class: &str) -> Result<()> {
    if cfg_bool(cfg, "legacy", true) {
        Ok(())
    } else {
        Err(Error::config(
            "",
            "tokenizer_config.json: legacy",
            format!("`legacy: false` is not supported for {class}"),
        ))
    }
}

/// BertGenerationTokenizer: the model's pieces and ids, no special tokens around the text (the second
/// sequence of a pair has type id 1); `<::::>` and `<pad>` follow the vocabulary unless the model has them.
/// Its control pieces are no added tokens here (the `sentencepiece` library never produces them from text).
pub(super) fn bert_generation(m: &SpModel, cfg: &LegacyConfig, d: Defaults) -> Result<Parts> {
    require_legacy(cfg, "BertGenerationTokenizer")?;
    let named = named(cfg, d, false);
    let unk = content(&named, "unk_token");
    Ok(Parts::library_metaspace(
        m,
        sentencepiece_model(m, &unk),
        library_vocab(m),
        precompiled(m).unwrap_or(Value::Null),
        named,
        Vec::new(),
        Post::Template {
            single: vec![seq("A", 0)],
            pair: vec![seq("A", 0), seq("B", 1)],
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_vocab(text: &str) -> Result<Vec<String>> {
        let dir = std::env::temp_dir().join(format!(
            "ferrotok-vocab-json-{}-{}",
            std::process::id(),
            text.len()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("vocab.json"), text).unwrap();
        let out = vocab_json(&dir);
        std::fs::remove_dir_all(&dir).unwrap();
        out
    }

    #[test]
    fn vocab_json_in_id_order_without_gaps() {
        let v = with_vocab(r#"{"b": 1, "<s>": 0, "c": 2}"#).unwrap();
        assert_eq!(v, ["<s>", "b", "c"]);
        for bad in [
            r#"{"a": 0, "b": 2}"#,
            r#"{"a": 0, "b": 0}"#,
            r#"{"a": -1}"#,
            r#"{"a": "0"}"#,
            "[]",
        ] {
            let err = with_vocab(bad).unwrap_err().to_string();
            assert!(err.contains("vocab.json"), "{bad}: {err}");
        }
    }
}
