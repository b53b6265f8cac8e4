//! CpmAntTokenizer (vocab.txt, transformers' Python class): jieba's words (`rjieba.cut(text, False)`), each
//! cut greedily, longest match first and without a continuation prefix, into vocabulary tokens, an
//! unmatched char giving `<unk>` (a word over 200 chars is one `<unk>`). vocab.txt's `</_>` and `</n>`
//! lines are the space and newline tokens (the class renames them). `<s> A`, `<s> A <s> B`, type ids 0.

use super::byte_classes::config_added_ids;
use super::legacy::{read_to_string, LegacyConfig};
use super::named_tokens::{json_id, named_content, named_specials, present, AddedIds};
use super::sentencepiece::SpecialTokens;
use super::vocab_file::tokenizer_document;
use crate::added_tokens::AddedToken;
use crate::error::{Error, Result};
use serde_json::{json, Map, Value};
use std::path::Path;

pub fn handles(class: &str) -> bool {
    class.trim_end_matches("Fast") == "CpmAntTokenizer"
}

fn cfg_str<'a>(cfg: &'a LegacyConfig, key: &str, default: &'a str) -> &'a str {
    match cfg.config.get(key) {
        Some(Value::String(s)) => s,
        Some(Value::Object(o)) => o.get("content").and_then(Value::as_str).unwrap_or(default),
        _ => default,
    }
}

pub fn document(dir: &Path, cfg: &LegacyConfig) -> Result<(Value, SpecialTokens)> {
    let path = dir.join("vocab.txt");
    let file = path.display().to_string();
    let text = read_to_string(&path)?;
    let (space, line) = (
        cfg_str(cfg, "space_token", "</_>"),
        cfg_str(cfg, "line_token", "</n>"),
    );
    // transformers' `load_vocab`: every line with its "\n" removed (nothing else), id = line number.
    let mut vocab = Map::new();
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    for (i, l) in lines.iter().enumerate() {
        let token = l.strip_suffix('\n').unwrap_or(l);
        vocab.insert(token.to_string(), json!(i));
    }
    for (from, to) in [(space, " "), (line, "\n")] {
        let id = vocab.remove(from).ok_or_else(|| {
            Error::config(
                file.clone(),
                "vocab.txt",
                format!("no line holds {from:?}, the class's own token for {to:?}"),
            )
        })?;
        vocab.insert(to.to_string(), id);
    }
    let defaults = [
        ("bos_token", "<s>"),
        ("eos_token", "</s>"),
        ("unk_token", "<unk>"),
        ("pad_token", "<pad>"),
    ];
    let named = named_specials(cfg, &defaults);
    let content = |key: &str| named_content(&named, key).unwrap_or_default();
    let unk = content("unk_token");
    if !vocab.contains_key(&unk) {
        return Err(Error::config(
            file,
            "vocab.txt",
            format!("no line holds the unk_token {unk:?}"),
        ));
    }
    // The config's `added_tokens_decoder` (a saved folder's added tokens keep their ids, as transformers'
    // Python class adds them before its special tokens), the named tokens, then the document tokens `<d>` /
    // `</d>` (special tokens of the class too).
    let bod = cfg_str(cfg, "bod_token", "<d>").to_string();
    let eod = cfg_str(cfg, "eod_token", "</d>").to_string();
    // (Entries within the vocabulary's ids take their vocabulary ids, and only by their own spelling.)
    let size = vocab.len() as u64;
    let saved = config_added_ids(cfg)
        .into_iter()
        .filter(|(id, t)| *id >= size || vocab.contains_key(&t.content))
        .map(|(_, t)| t);
    let tokens = saved
        .chain(present(&named))
        .chain([AddedToken::special(&bod), AddedToken::special(&eod)]);
    let added = AddedIds::resolve(vocab.len() as u32, tokens, |t| json_id(&vocab, t));
    let bos = content("bos_token");
    let bos_id = added
        .iter()
        .find(|(_, a)| a.content == bos)
        .map(|(id, _)| *id)
        .unwrap_or_default();
    let sp = || json!({"SpecialToken": {"id": bos, "type_id": 0}});
    let seq = |s: &str| json!({"Sequence": {"id": s, "type_id": 0}});
    let doc = tokenizer_document(
        &added,
        json!({
            "normalizer": null,
            "pre_tokenizer": {"type": "Jieba", "words": "all"},
            "post_processor": {
                "type": "TemplateProcessing",
                "single": [sp(), seq("A")],
                "pair": [sp(), seq("A"), sp(), seq("B")],
                "special_tokens": {bos.clone(): {"id": bos, "ids": [bos_id], "tokens": [bos]}},
            },
            "decoder": {"type": "Fuse"},
            "model": {
                "type": "WordPiece",
                "vocab": vocab,
                "unk_token": unk,
                "continuing_subword_prefix": "",
                "max_input_chars_per_word": 200,
                "unk_per_char": true,
            },
        }),
    );
    Ok((doc, SpecialTokens::new(&named, Vec::new())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokenizer::{EncodeOptions, InputSequence, Tokenizer};

    #[test]
    fn space_and_newline_tokens_and_bos_template() {
        let dir = std::env::temp_dir().join(format!("ferrotok-cpm-ant-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let lines = [
            "<d>", "</d>", "<s>", "</s>", "</_>", "<unk>", "<pad>", "</n>", "今天", "天",
        ];
        std::fs::write(dir.join("vocab.txt"), lines.join("\n") + "\n").unwrap();
        let cfg = LegacyConfig { config: Map::new() };
        let out = document(&dir, &cfg);
        std::fs::remove_dir_all(&dir).unwrap();
        let t: Tokenizer =
            super::super::tokenizer_json::from_value(out.unwrap().0, "<test>").unwrap();
        let opts = EncodeOptions {
            add_special_tokens: true,
            ..EncodeOptions::default()
        };
        // jieba: 今天 ␠ 天 \n 气 → `<s>` first; 气 is unknown.
        let e = t
            .encode(InputSequence::Raw("今天 天\n气<d>"), None, &opts)
            .unwrap();
        assert_eq!(e.ids, [2, 8, 4, 9, 7, 5, 0]);
        assert_eq!(t.token_to_id(" "), Some(4));
        assert_eq!(t.token_to_id("</_>"), None);
    }

    #[test]
    fn saved_added_tokens_keep_their_ids_before_a_new_named_token() {
        let dir =
            std::env::temp_dir().join(format!("ferrotok-cpm-ant-saved-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let lines = [
            "<d>", "</d>", "<s>", "</s>", "</_>", "<unk>", "<pad>", "</n>",
        ];
        std::fs::write(dir.join("vocab.txt"), lines.join("\n") + "\n").unwrap();
        let config = json!({
            "pad_token": "<pad2>",
            "added_tokens_decoder": {
                "2": {"content": "<s>", "special": true},
                "8": {"content": "zork", "special": false},
                "9": {"content": "<pad2>", "special": true},
            },
        });
        let cfg = LegacyConfig {
            config: config.as_object().unwrap().clone(),
        };
        let out = document(&dir, &cfg);
        std::fs::remove_dir_all(&dir).unwrap();
        let t: Tokenizer =
            super::super::tokenizer_json::from_value(out.unwrap().0, "<test>").unwrap();
        assert_eq!(t.token_to_id("zork"), Some(8));
        assert_eq!(t.token_to_id("<pad2>"), Some(9));
        assert_eq!(t.token_to_id("<s>"), Some(2));
    }
}
