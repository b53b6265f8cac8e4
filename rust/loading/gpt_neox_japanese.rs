//! GPTNeoXJapaneseTokenizer (vocab.txt + emoji.json, transformers' Python class): the text's spaces,
//! newlines and tabs spelled as `<SP>` / `<BR>` / `<TAB>`, `—` and `−` as `ー`, each emoji of
//! emoji.json (in the file's order) replaced by its tag, then the `SubwordJapanese` model. No tokens
//! around the text; a pair's type ids 0 then 1. Decode joins the tokens as the class shows them and
//! strips the ends. The class's `do_clean_text` (URL / e-mail / phone / date / price patterns) is refused.

use super::legacy::{read_to_string, LegacyConfig};
use super::named_tokens::{named_content, named_specials, AddedIds};
use super::sentencepiece::SpecialTokens;
use crate::error::{Error, Result};
use serde::de::{Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::{json, Value};
use std::path::Path;

pub const EMOJI_FILE: &str = "emoji.json";

pub(super) fn handles(class: &str) -> bool {
    class.trim_end_matches("Fast") == "GPTNeoXJapaneseTokenizer"
}

/// A JSON object's string entries in the file's order.
struct Ordered(Vec<(String, String)>);

impl<'de> Deserialize<'de> for Ordered {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Entries;
        impl<'de> Visitor<'de> for Entries {
            type Value = Ordered;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object of strings")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut m: A,
            ) -> std::result::Result<Ordered, A::Error> {
                let mut out = Vec::new();
                while let Some(entry) = m.next_entry::<String, String>()? {
                    out.push(entry);
                }
                Ok(Ordered(out))
            }
        }
        d.deserialize_map(Entries)
    }
}

#[derive(Deserialize)]
struct EmojiFile {
    emoji: Ordered,
    #[serde(default)]
    emoji_inv: serde_json::Map<String, Value>,
}

/// vocab.txt's lines as the class reads them: Python's universal newlines, each line without its
/// `\n`, split at commas unless it is a lone `,` at the very end of the file.
fn vocab_lines(text: &str) -> Vec<Vec<&str>> {
    let mut lines = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let cut = rest.find(['\r', '\n']).unwrap_or(rest.len());
        let (line, tail) = rest.split_at(cut);
        let newline = match tail.as_bytes() {
            [b'\r', b'\n', ..] => 2,
            [_, ..] => 1,
            [] => 0,
        };
        lines.push(if (newline == 0 && line == ",") || !line.contains(',') {
            vec![line]
        } else {
            line.split(',').collect()
        });
        rest = &tail[newline..];
    }
    lines
}

pub(super) fn document(dir: &Path, cfg: &LegacyConfig) -> Result<(Value, SpecialTokens)> {
    let file = dir.join(EMOJI_FILE).display().to_string();
    if cfg.config.get("do_clean_text").and_then(Value::as_bool) == Some(true) {
        return Err(Error::config(
            dir.join("tokenizer_config.json").display().to_string(),
            "do_clean_text",
            "GPTNeoXJapaneseTokenizer's text cleaning (URL, e-mail, phone, date and price patterns) \
             is not supported",
        ));
    }
    let emoji: EmojiFile = serde_json::from_str(&read_to_string(&dir.join(EMOJI_FILE))?)
        .map_err(|e| Error::config(file.clone(), "(document)", format!("not valid: {e}")))?;
    let text = read_to_string(&dir.join("vocab.txt"))?;
    let lines = vocab_lines(&text);
    let defaults = [
        ("bos_token", "<|startoftext|>"),
        ("eos_token", "<|endoftext|>"),
        ("unk_token", "<|endoftext|>"),
        ("pad_token", "<|endoftext|>"),
    ];
    let named = named_specials(cfg, &defaults);
    let unk = named_content(&named, "unk_token").unwrap_or_default();
    let mut added = AddedIds::new(lines.len() as u32);
    for t in named.iter().filter_map(|(_, t)| t.clone()) {
        let id = lines.iter().position(|v| v.contains(&t.content.as_str()));
        added.add(t, id.map(|i| i as u32));
    }
    let added = added.into_sorted();
    let replace = |from: &str, to: &str| json!({"type": "Replace", "pattern": {"String": from}, "content": to});
    let mut normalizers: Vec<Value> = [
        (" ", "<SP>"),
        ("\u{3000}", "<SP>"),
        ("\r\n", "<BR>"),
        ("\n", "<BR>"),
        ("\r", "<BR>"),
        ("\t", "<TAB>"),
        ("\u{2014}", "\u{30FC}"),
        ("\u{2212}", "\u{30FC}"),
    ]
    .iter()
    .map(|(a, b)| replace(a, b))
    .collect();
    normalizers.extend(
        emoji
            .emoji
            .0
            .iter()
            .filter(|(k, _)| !k.is_empty())
            .map(|(k, v)| replace(k, v)),
    );
    let seq = |s: &str, type_id: u32| json!({"Sequence": {"id": s, "type_id": type_id}});
    let doc = json!({
        "version": "1.0",
        "truncation": null,
        "padding": null,
        "added_tokens": added.iter().map(|(id, t)| t.to_json(*id)).collect::<Vec<_>>(),
        "normalizer": {"type": "Sequence", "normalizers": normalizers},
        "pre_tokenizer": null,
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [seq("A", 0)],
            "pair": [seq("A", 0), seq("B", 1)],
            "special_tokens": {},
        },
        "decoder": {"type": "FuseStrip"},
        "model": {
            "type": "SubwordJapanese",
            "lines": lines,
            "emoji_inv": emoji.emoji_inv,
            "unk_token": unk,
        },
    });
    Ok((doc, SpecialTokens::new(&named, Vec::new())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_split_as_the_class_reads_them() {
        let got = vocab_lines("a\r\nb,c\rd\n,\n,");
        assert_eq!(
            got,
            vec![
                vec!["a"],
                vec!["b", "c"],
                vec!["d"],
                vec!["", ""],
                vec![","]
            ]
        );
        let e: EmojiFile = serde_json::from_str(r#"{"emoji": {"z": "1", "a": "2"}}"#).unwrap();
        assert_eq!(e.emoji.0[0].0, "z");
    }
}
