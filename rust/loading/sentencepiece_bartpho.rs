//! BARTpho (`BartphoTokenizer`), which transformers 5.24 runs through the `sentencepiece` library in
//! Python: the multilingual SentencePiece model segments the text, and each piece takes its id in the
//! reduced monolingual dictionary `dict.txt` (fairseq's `<s> <pad> </s> <unk>` first, then dict.txt's
//! tokens, `<mask>` last), or `<unk>`'s when the dictionary lacks it (ferrotok's `Mapped` model over the
//! model's Unigram). `<s> A </s>` and `<s> A </s></s> B </s>`, all of type id 0.

use super::legacy::{read_to_string, LegacyConfig};
use super::sentencepiece::{finish, is_bpe, precompiled, Parts, Post, SpecialTokens};
use super::sentencepiece_classes::{content, named, seq, sp, Defaults};
use super::sentencepiece_proto::SpModel;
use super::sentencepiece_python::{library_vocab, require_legacy, NEVER};
use crate::error::{Error, Result};
use serde_json::{json, Map, Value};
use std::path::Path;

pub const DICT_FILE: &str = "dict.txt";

pub(super) fn bartpho(
    m: &SpModel,
    cfg: &LegacyConfig,
    d: Defaults,
    dir: &Path,
) -> Result<(Value, SpecialTokens)> {
    require_legacy(cfg, "BartphoTokenizer")?;
    if is_bpe(m) {
        return Err(Error::config(
            "",
            "trainer_spec.model_type",
            "BartphoTokenizer is supported over a Unigram model (as BARTpho's) only",
        ));
    }
    let named = named(cfg, d, false);
    let path = dir.join(DICT_FILE);
    let file = path.display().to_string();
    let text = read_to_string(&path)?;
    // fairseq's dictionary: the named tokens first (each once), then one token per line, `<mask>` last.
    let mut tokens: Vec<String> = Vec::new();
    for key in [
        "bos_token",
        "pad_token",
        "eos_token",
        "unk_token",
        "sep_token",
        "cls_token",
    ] {
        let t = content(&named, key);
        if !tokens.contains(&t) {
            tokens.push(t);
        }
    }
    for (n, line) in text.lines().enumerate() {
        let Some(token) = line.split_whitespace().next() else {
            return Err(Error::config(file, format!("line {}", n + 1), "empty line"));
        };
        if tokens.iter().any(|t| t == token) {
            // transformers gives it the next id again, leaving its old one to nothing: refused.
            return Err(Error::config(
                file,
                format!("line {}", n + 1),
                format!("{token:?} is in the dictionary already"),
            ));
        }
        tokens.push(token.to_string());
    }
    let mask = content(&named, "mask_token");
    if !tokens.contains(&mask) {
        tokens.push(mask);
    }
    let unk = content(&named, "unk_token");
    let (cls, sep) = (content(&named, "cls_token"), content(&named, "sep_token"));
    let parts = Parts::library_metaspace(
        m,
        json!({"type": "Unigram", "unk_id": null, "byte_fallback": false}),
        tokens.iter().map(|t| (t.clone(), NEVER)).collect(),
        precompiled(m).unwrap_or(Value::Null),
        named,
        Vec::new(),
        Post::Template {
            single: vec![sp(&cls, 0), seq("A", 0), sp(&sep, 0)],
            pair: vec![
                sp(&cls, 0),
                seq("A", 0),
                sp(&sep, 0),
                sp(&sep, 0),
                seq("B", 0),
                sp(&sep, 0),
            ],
        },
    );
    let (mut doc, specials) = finish(parts, cfg)?;
    let pieces: Vec<Value> = library_vocab(m)
        .into_iter()
        .map(|(p, s)| json!([p, s]))
        .collect();
    let inner = json!({"type": "Unigram", "unk_id": m.unk_id, "byte_fallback": m.byte_fallback,
        "vocab": pieces});
    let vocab: Map<String, Value> = tokens
        .iter()
        .enumerate()
        .map(|(i, t)| (t.clone(), json!(i)))
        .collect();
    doc["model"] = json!({"type": "Mapped", "model": inner, "vocab": vocab, "unk_token": unk});
    Ok((doc, specials))
}
