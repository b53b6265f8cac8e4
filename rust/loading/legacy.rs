//! Legacy tokenizer folders (no tokenizer.json): BERT's vocab.txt, and GPT-2 / RoBERTa / CLIP's
//! vocab.json + merges.txt, with tokenizer_config.json and special_tokens_map.json. Each is converted to
//! the tokenizer.json document transformers would build for it, then loaded by the common path.

use super::classes::{self, ClassDefaults};
use super::sentencepiece::NAMED;
use crate::error::{Error, Result};
use serde_json::{json, Map, Value};
use std::path::Path;

pub(crate) fn read_to_string(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| {
        let p = path.display().to_string();
        if e.kind() == std::io::ErrorKind::NotFound {
            Error::NotFound { path: p }
        } else if e.kind() == std::io::ErrorKind::InvalidData {
            // A file that exists but is not UTF-8 text is malformed, not an I/O failure.
            Error::config(p, "(encoding)", "not valid UTF-8")
        } else {
            Error::Io { path: p, source: e }
        }
    })
}

pub(crate) fn read_json(path: &Path) -> Result<Value> {
    let s = read_to_string(path)?;
    serde_json::from_str(&s).map_err(|e| {
        Error::config(
            path.display().to_string(),
            format!("line {} column {}", e.line(), e.column()),
            format!("not valid JSON: {e}"),
        )
    })
}

/// tokenizer_config.json with special_tokens_map.json over it (either may be absent), in transformers 5's
/// order: the map's entries win, unless the config has an `added_tokens_decoder`, in which case
/// transformers does not read the map at all.
pub struct LegacyConfig {
    pub config: Map<String, Value>,
}

impl LegacyConfig {
    /// A config from a JSON object (anything else gives an empty one); for tests.
    #[cfg(test)]
    pub(crate) fn from_json(v: Value) -> Self {
        match v {
            Value::Object(config) => LegacyConfig { config },
            _ => LegacyConfig { config: Map::new() },
        }
    }

    pub fn load(dir: &Path) -> Result<Self> {
        let object = |name: &str| -> Result<Map<String, Value>> {
            let p = dir.join(name);
            if !p.is_file() {
                return Ok(Map::new());
            }
            match read_json(&p)? {
                Value::Object(o) => Ok(o),
                _ => Err(Error::config(
                    p.display().to_string(),
                    "(document)",
                    "expected a JSON object",
                )),
            }
        };
        let mut config = object("tokenizer_config.json")?;
        if !config.contains_key("added_tokens_decoder") {
            config.extend(object("special_tokens_map.json")?);
        }
        Ok(LegacyConfig { config })
    }

    fn bool_or(&self, key: &str, default: bool) -> bool {
        self.config
            .get(key)
            .and_then(Value::as_bool)
            .unwrap_or(default)
    }

    /// A special token given as a string or as an AddedToken dict (`{"content": ...}`).
    fn token(&self, key: &str, default: Option<&str>) -> Option<(String, Value)> {
        match self.config.get(key) {
            Some(Value::String(s)) => Some((s.clone(), Value::Null)),
            Some(Value::Object(o)) => o
                .get("content")
                .and_then(Value::as_str)
                .map(|s| (s.to_string(), Value::Object(o.clone()))),
            Some(Value::Null) => None,
            _ => default.map(|d| (d.to_string(), Value::Null)),
        }
    }

    /// The class defaults (`classes`) of the configured class, or of `family` when it names none
    /// transformers maps.
    fn defaults(&self, family: &str) -> &'static ClassDefaults {
        classes::lookup(self.class())
            .or_else(|| classes::lookup(family))
            .unwrap_or(&classes::GENERIC)
    }

    /// A named special token: the config's, else the class default.
    fn special(&self, key: &str, d: &ClassDefaults) -> String {
        self.token(key, default_of(d, key))
            .map(|t| t.0)
            .unwrap_or_default()
    }

    pub(crate) fn class(&self) -> &str {
        self.config
            .get("tokenizer_class")
            .and_then(Value::as_str)
            .unwrap_or("")
    }
}

fn default_of(d: &ClassDefaults, key: &str) -> Option<&'static str> {
    NAMED
        .iter()
        .position(|k| *k == key)
        .and_then(|i| d.specials[i])
}

/// The named special tokens with their class defaults, in transformers' order (the order they are added).
fn named_defaults(d: &ClassDefaults) -> Vec<(&'static str, Option<&'static str>)> {
    NAMED.iter().copied().zip(d.specials).collect()
}

/// The special tokens of a legacy folder as tokenizer.json `added_tokens` entries (ids filled by the
/// loader), plus any `added_tokens_decoder` entries of tokenizer_config.json.
fn added_tokens(cfg: &LegacyConfig, specials: &[(&str, Option<&str>)]) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    if let Some(Value::Object(dec)) = cfg.config.get("added_tokens_decoder") {
        let mut entries: Vec<(u64, &Value)> = dec
            .iter()
            .filter_map(|(k, v)| k.parse::<u64>().ok().map(|id| (id, v)))
            .collect();
        entries.sort_by_key(|(id, _)| *id);
        for (id, v) in entries {
            if let Some(o) = v.as_object() {
                let mut o = o.clone();
                o.insert("id".into(), json!(id));
                o.remove("__type");
                if let Some(c) = o.get("content").and_then(Value::as_str) {
                    seen.insert(c.to_string());
                }
                out.push(Value::Object(o));
            }
        }
    }
    for (key, default) in specials {
        let Some((content, extra)) = cfg.token(key, *default) else {
            continue;
        };
        if !seen.insert(content.clone()) {
            continue;
        }
        let flag = |name: &str, d: bool| extra.get(name).and_then(Value::as_bool).unwrap_or(d);
        out.push(json!({
            "id": 0,
            "content": content,
            "single_word": flag("single_word", false),
            // transformers 5 gives a plain-string mask token no lstrip (RobertaTokenizer included).
            "lstrip": flag("lstrip", false),
            "rstrip": flag("rstrip", false),
            "normalized": flag("normalized", false),
            "special": true,
        }));
    }
    out
}

/// BERT: vocab.txt (one token per line, id = line number).
pub fn bert(dir: &Path, cfg: &LegacyConfig) -> Result<Value> {
    bert_file(&dir.join("vocab.txt"), cfg)
}

/// `bert` reading the vocabulary from `path` (ProphetNet's `prophetnet.tokenizer`).
pub(super) fn bert_file(path: &Path, cfg: &LegacyConfig) -> Result<Value> {
    let path = path.to_path_buf();
    let text = read_to_string(&path)?;
    let mut vocab = Map::new();
    for (i, line) in text.split('\n').enumerate() {
        let tok = line.strip_suffix('\r').unwrap_or(line);
        if tok.is_empty() && i + 1 == text.split('\n').count() {
            continue;
        }
        vocab.insert(tok.to_string(), json!(i));
    }
    let lower = cfg.bool_or("do_lower_case", true);
    let strip_accents = cfg
        .config
        .get("strip_accents")
        .cloned()
        .unwrap_or(Value::Null);
    let d = cfg.defaults("BertTokenizer");
    let (cls, sep, unk) = (
        cfg.special("cls_token", d),
        cfg.special("sep_token", d),
        cfg.special("unk_token", d),
    );
    let id_of = |t: &str, d: u64| vocab.get(t).and_then(Value::as_u64).unwrap_or(d);
    let (cls_id, sep_id) = (id_of(&cls, 2), id_of(&sep, 3));
    let specials = named_defaults(d);
    let mut added = added_tokens(cfg, &specials);
    mask_lstrip(cfg, d, &mut added);
    let mut doc = json!({
        "version": "1.0",
        "added_tokens": added,
        "normalizer": {
            "type": "BertNormalizer",
            "clean_text": true,
            "handle_chinese_chars": cfg.bool_or("tokenize_chinese_chars", true),
            "strip_accents": strip_accents,
            "lowercase": lower,
        },
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [
                {"SpecialToken": {"id": cls, "type_id": 0}},
                {"Sequence": {"id": "A", "type_id": 0}},
                {"SpecialToken": {"id": sep, "type_id": 0}},
            ],
            "pair": [
                {"SpecialToken": {"id": cls, "type_id": 0}},
                {"Sequence": {"id": "A", "type_id": 0}},
                {"SpecialToken": {"id": sep, "type_id": 0}},
                {"Sequence": {"id": "B", "type_id": 1}},
                {"SpecialToken": {"id": sep, "type_id": 1}},
            ],
            "special_tokens": {
                cls.clone(): {"id": cls, "ids": [cls_id], "tokens": [cls]},
                sep.clone(): {"id": sep, "ids": [sep_id], "tokens": [sep]},
            },
        },
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": true},
        "model": {
            "type": "WordPiece",
            "unk_token": unk,
            "continuing_subword_prefix": "##",
            "max_input_chars_per_word": 100,
            "vocab": vocab,
        },
    });
    if cfg.class().trim_end_matches("Fast") == "RoFormerTokenizer" {
        // Its own normalizer and jieba pre-tokenizer over BERT's files.
        super::class_pipelines::rebuild(&mut doc, cfg, Some(&unk))?;
    }
    if super::roc_bert::handles(cfg.class()) {
        super::roc_bert::rebuild(&mut doc, cfg);
    }
    if super::bert_japanese::handles(cfg.class()) {
        let file = path
            .with_file_name("tokenizer_config.json")
            .display()
            .to_string();
        super::bert_japanese::rebuild(&mut doc, cfg, &file)?;
    }
    Ok(doc)
}

/// merges.txt: one "a b" merge per line after an optional `#version` header (blank lines skipped).
///
/// Decision: the line ends are found with `memchr` over the whole text, and a line that starts with an
/// ASCII byte above the space is not blank without `trim`: `lines()` and `trim()` cost 11 M instructions per read of
/// GPT-2's 50k merges, which is read on load and again whenever the tokenizer is written or hashed.
pub(super) fn merge_lines(text: &str) -> impl Iterator<Item = &str> {
    text_lines(text)
        .enumerate()
        .filter(|(i, l)| !(blank(l) || *i == 0 && l.starts_with("#version")))
        .map(|(_, l)| l)
}

/// `text.lines()`: split at "\n", a "\r" before it dropped, no empty line after a final "\n".
fn text_lines(text: &str) -> impl Iterator<Item = &str> {
    let mut start = 0;
    let ends = memchr::memchr_iter(b'\n', text.as_bytes()).map(Some);
    ends.chain(std::iter::once(None))
        .filter_map(move |end| match end {
            Some(end) => {
                let line = &text[start..end];
                start = end + 1;
                Some(line.strip_suffix('\r').unwrap_or(line))
            }
            None if start < text.len() => Some(&text[std::mem::replace(&mut start, text.len())..]),
            None => None,
        })
}

/// `line.trim().is_empty()`, without `trim` for a line that starts with an ASCII byte above the space.
fn blank(line: &str) -> bool {
    match line.as_bytes().first() {
        Some(&b) if b > b' ' && b.is_ascii() => false,
        _ => line.trim().is_empty(),
    }
}

fn read_merges(path: &Path, cfg: &LegacyConfig) -> Result<Vec<Value>> {
    let text = read_to_string(path)?;
    let class = cfg.class().trim_end_matches("Fast");
    if super::class_pipelines::MOSES_CLASSES.contains(&class) {
        // XLM's files give each merge's count after the pair; the classes read the first two fields.
        return Ok(merge_lines(&text)
            .map(|l| {
                let mut f = l.split_whitespace();
                let pair = [f.next().unwrap_or(""), f.next().unwrap_or("")];
                Value::String(pair.join(" "))
            })
            .collect());
    }
    Ok(merge_lines(&text)
        .map(|l| Value::String(l.to_string()))
        .collect())
}

/// A byte-level BPE folder (vocab.json + merges.txt): the vocabulary, merges and special tokens, with the
/// pipeline the configured class builds (`class_pipelines`; GPT-2's for a class without one). The template
/// is the class's too, set after load (`class_templates::apply_legacy`). `unk` is the unknown token the
/// class passes to its model.
pub fn bpe(dir: &Path, cfg: &LegacyConfig, unk: Option<&str>) -> Result<Value> {
    let vocab_path = dir.join("vocab.json");
    let vocab = read_json(&vocab_path)?;
    if !vocab.is_object() {
        return Err(Error::config(
            vocab_path.display().to_string(),
            "(document)",
            "expected an object {token: id}",
        ));
    }
    let merges = read_merges(&dir.join("merges.txt"), cfg)?;
    let mut doc = bpe_without_vocabulary(dir, cfg, unk)?;
    doc["model"]["vocab"] = vocab;
    doc["model"]["merges"] = Value::Array(merges);
    Ok(doc)
}

/// `bpe`'s document without the model's `vocab` and `merges` (the class rebuild reads neither).
pub(super) fn bpe_without_vocabulary(
    dir: &Path,
    cfg: &LegacyConfig,
    unk: Option<&str>,
) -> Result<Value> {
    let vocab_path = dir.join("vocab.json");
    let mut model = super::class_pipelines::bpe_options();
    model["type"] = json!("BPE");
    let byte_level = json!({"type": "ByteLevel", "add_prefix_space": cfg.bool_or("add_prefix_space", false),
        "trim_offsets": true, "use_regex": true});
    let mut doc = json!({
        "version": "1.0",
        "normalizer": null,
        "pre_tokenizer": byte_level,
        "post_processor": null,
        "decoder": {"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true},
        "model": model,
    });
    super::class_pipelines::rebuild(&mut doc, cfg, unk)
        .map_err(|e| e.in_file(&vocab_path.display().to_string()))?;
    let d = cfg.defaults("GPT2Tokenizer");
    let specials = named_defaults(d);
    let mut added = added_tokens(cfg, &specials);
    let class = cfg.class().trim_end_matches("Fast");
    if class == "BlenderbotTokenizer" {
        // Blenderbot makes a plain-string mask token strip the space on its left.
        let mask = cfg.special("mask_token", d);
        let plain = !matches!(cfg.config.get("mask_token"), Some(Value::Object(_)));
        for token in added
            .iter_mut()
            .filter(|t| plain && t["content"] == json!(mask))
        {
            token["lstrip"] = json!(true);
        }
    }
    if class == "LukeTokenizer" {
        added.extend(luke_entity_tokens(cfg, &added));
    }
    if matches!(class, "XLMTokenizer" | "FlaubertTokenizer") {
        added.extend(moses_extra_tokens(cfg, &added));
    }
    doc["added_tokens"] = Value::Array(added);
    Ok(doc)
}

/// XLM and Flaubert's default `additional_special_tokens` (`<special0>` .. `<special9>`), added as
/// special tokens when the config names none.
fn moses_extra_tokens(cfg: &LegacyConfig, added: &[Value]) -> Vec<Value> {
    if cfg.config.contains_key("additional_special_tokens")
        || cfg.config.contains_key("extra_special_tokens")
        || cfg.config.contains_key("added_tokens_decoder")
    {
        return Vec::new();
    }
    (0..10)
        .map(|i| format!("<special{i}>"))
        .filter(|t| !added.iter().any(|a| a["content"] == json!(t)))
        .map(|t| {
            json!({"id": 0, "content": t, "single_word": false, "lstrip": false, "rstrip": false,
                "normalized": false, "special": true})
        })
        .collect()
}

/// Blenderbot and MPNet make a mask token given as a plain string strip the space on its left (a token
/// of `added_tokens_decoder` keeps its own flags).
fn mask_lstrip(cfg: &LegacyConfig, d: &ClassDefaults, added: &mut [Value]) {
    let class = cfg.class().trim_end_matches("Fast");
    if !matches!(class, "BlenderbotTokenizer" | "MPNetTokenizer")
        || matches!(cfg.config.get("mask_token"), Some(Value::Object(_)))
        || cfg.config.contains_key("added_tokens_decoder")
    {
        return;
    }
    let mask = json!(cfg.special("mask_token", d));
    for token in added.iter_mut().filter(|t| t["content"] == mask) {
        token["lstrip"] = json!(true);
    }
}

/// LUKE's entity markers and entity-vocabulary specials, which its constructor adds as special tokens
/// (the entity inputs themselves are not offered).
fn luke_entity_tokens(cfg: &LegacyConfig, added: &[Value]) -> Vec<Value> {
    // (key, the older spelling transformers also reads, default)
    let keys = [
        ("entity_1_token", "entity_token_1", "<ent>"),
        ("entity_2_token", "entity_token_2", "<ent2>"),
        ("entity_unk_token", "", "[UNK]"),
        ("entity_pad_token", "", "[PAD]"),
        ("entity_mask_token", "", "[MASK]"),
        ("entity_mask2_token", "", "[MASK2]"),
    ];
    let mut seen: std::collections::HashSet<String> = added
        .iter()
        .filter_map(|t| t["content"].as_str().map(str::to_string))
        .collect();
    let mut out = Vec::new();
    for (key, old, default) in keys {
        let content = cfg
            .token(old, None)
            .or_else(|| cfg.token(key, Some(default)))
            .map_or_else(|| default.to_string(), |t| t.0);
        if seen.insert(content.clone()) {
            out.push(
                json!({"id": 0, "content": content, "single_word": false, "lstrip": false,
                "rstrip": false, "normalized": false, "special": true}),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_lines_are_the_non_blank_lines_after_a_version_header() {
        let expected = |text: &str| -> Vec<String> {
            text.lines()
                .enumerate()
                .filter(|(i, l)| !(l.trim().is_empty() || *i == 0 && l.starts_with("#version")))
                .map(|(_, l)| l.to_string())
                .collect()
        };
        for text in [
            "",
            "\n",
            "a b",
            "a b\n",
            "#version: 0.2\na b\nc d\n",
            "#version: 0.2\r\na b\r\nc d\r\n\r\n",
            "\n#version: 0.2\na b\n",
            "a b\n#version x\n",
            "a b\n\n  \n\t\n\u{3000}\n\u{3000}x y\n",
            " b\na \n\x7f x\n\x01 y\n",
            "a b\r",
            "a b\rc d\n\r",
            "é x\nü y",
        ] {
            let lines: Vec<String> = merge_lines(text).map(str::to_string).collect();
            assert_eq!(lines, expected(text), "{text:?}");
        }
    }

    #[test]
    fn luke_entity_tokens_follow_the_config_and_skip_known_ones() {
        let cfg = LegacyConfig {
            config: json!({"entity_token_1": "<e1>", "entity_pad_token": "<pad>"})
                .as_object()
                .cloned()
                .unwrap_or_default(),
        };
        let added = vec![json!({"content": "<pad>"})];
        let got: Vec<Value> = luke_entity_tokens(&cfg, &added)
            .iter()
            .map(|t| t["content"].clone())
            .collect();
        assert_eq!(
            got,
            vec![
                json!("<e1>"),
                json!("<ent2>"),
                json!("[UNK]"),
                json!("[MASK]"),
                json!("[MASK2]")
            ]
        );
    }
}
