//! WhisperTokenizer's template: its prefix tokens (`<|startoftranscript|>`, the language, the task,
//! `<|notimestamps|>`) before the text and its eos after, as transformers' `set_prefix_tokens` builds them
//! from the config's `language`, `task` and `predict_timestamps`.

use super::legacy::LegacyConfig;
use super::sentencepiece::{Item, Post};
use super::sentencepiece_classes::{seq, sp};
use super::whisper_languages::{ALIASES, LANGUAGES};
use crate::error::{Error, Result};
use crate::tokenizer::Tokenizer;
use serde_json::Value;

/// The language code of the config's `language` (a code or an English name, any case), or None.
fn language_code(cfg: &LegacyConfig) -> Result<Option<&'static str>> {
    let Some(language) = cfg.config.get("language").and_then(Value::as_str) else {
        return Ok(None);
    };
    let language = language.to_lowercase();
    let code = LANGUAGES
        .iter()
        .find(|(code, name)| *name == language || *code == language)
        .map(|(code, _)| *code)
        .or_else(|| {
            ALIASES
                .iter()
                .find(|(n, _)| *n == language)
                .map(|(_, c)| *c)
        });
    match code {
        Some(code) => Ok(Some(code)),
        None => Err(Error::config(
            "",
            "language",
            format!("unsupported Whisper language {language:?}"),
        )),
    }
}

/// Whisper's template over `tokenizer` (its ids: a token it lacks maps to the unknown token `unk`'s id,
/// as `convert_tokens_to_ids` gives), or None when a prefix id has no token.
pub fn template(
    tokenizer: &Tokenizer,
    cfg: &LegacyConfig,
    unk: &str,
    eos: &str,
) -> Result<Option<Post>> {
    let unk_id = tokenizer.token_to_id(unk);
    let id = |t: &str| tokenizer.token_to_id(t).or(unk_id);
    let Some(bos) = id("<|startoftranscript|>") else {
        return Ok(None);
    };
    let mut prefix = vec![Some(bos)];
    if let Some(code) = language_code(cfg)? {
        let index = LANGUAGES.iter().position(|(c, _)| *c == code).unwrap_or(0) as u32;
        prefix.push(Some(bos + 1 + index));
    }
    match cfg.config.get("task").and_then(Value::as_str) {
        None => {}
        Some("transcribe") => prefix.push(id("<|transcribe|>")),
        Some("translate") => prefix.push(id("<|translate|>")),
        Some(other) => {
            return Err(Error::config(
                "",
                "task",
                format!("unsupported Whisper task {other:?} (transcribe or translate)"),
            ))
        }
    }
    let predict = cfg
        .config
        .get("predict_timestamps")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    if !predict {
        prefix.push(id("<|notimestamps|>"));
    }
    let mut tokens = Vec::with_capacity(prefix.len());
    for p in prefix {
        match p.and_then(|i| tokenizer.id_to_token(i)) {
            Some(t) => tokens.push(t.to_string()),
            None => return Ok(None),
        }
    }
    let head: Vec<Item> = tokens.iter().map(|t| sp(t, 0)).collect();
    let mut single = head.clone();
    single.extend([seq("A", 0), sp(eos, 0)]);
    let mut pair = head;
    pair.extend([seq("A", 0), seq("B", 1), sp(eos, 1)]);
    Ok(Some(Post::Template { single, pair }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn cfg(v: Value) -> LegacyConfig {
        LegacyConfig::from_json(v)
    }

    #[test]
    fn languages_by_code_name_or_alias() {
        let code = |v: Value| language_code(&cfg(json!({ "language": v }))).ok().flatten();
        assert_eq!(code(json!("French")), Some("fr"));
        assert_eq!(code(json!("de")), Some("de"));
        assert_eq!(code(json!("castilian")), Some("es"));
        assert_eq!(language_code(&cfg(json!({}))).ok().flatten(), None);
        let err = language_code(&cfg(json!({"language": "klingon"}))).unwrap_err();
        assert!(err.to_string().contains("language"), "{err}");
    }
}
