//! EsmTokenizer (protein language models, `facebook/esm2_*`): vocab.txt holds one token per line (amino
//! acids, `<cls> <pad> <eos> <unk> <mask>`, `.`, `-`, `<null_1>`). transformers' Python class puts every
//! vocabulary token in its no-split trie, so text is cut at each token found (leftmost, longest), the rest
//! on whitespace (Python's), and each remaining piece is one token or `<unk>`: here every vocabulary token is an added
//! token (same id), then a whitespace Split and WordLevel. `<cls> A <eos>`, `<cls> A <eos> B <eos>` (B of type
//! 1); decoding joins the tokens with spaces.

use super::legacy::{read_to_string, LegacyConfig};
use super::named_tokens::{json_id, named_content, named_specials, present, AddedIds};
use super::sentencepiece::SpecialTokens;
use super::vocab_file::tokenizer_document;
use crate::added_tokens::AddedToken;
use crate::error::{Error, Result};
use serde_json::{json, Map, Value};
use std::path::Path;

pub fn handles(class: &str) -> bool {
    class.trim_end_matches("Fast") == "EsmTokenizer"
}

/// vocab.txt's tokens in id order (each line stripped, as transformers' `load_vocab_file` does).
fn tokens(dir: &Path) -> Result<Vec<String>> {
    let text = read_to_string(&dir.join("vocab.txt"))?;
    Ok(text.lines().map(|l| l.trim().to_string()).collect())
}

pub fn document(dir: &Path, cfg: &LegacyConfig) -> Result<(Value, SpecialTokens)> {
    let file = dir.join("vocab.txt").display().to_string();
    let all = tokens(dir)?;
    let mut vocab = Map::new();
    for (i, t) in all.iter().enumerate() {
        // A token given twice keeps its last line's id, as the class's dict does.
        vocab.insert(t.clone(), json!(i));
    }
    let defaults = [
        ("unk_token", "<unk>"),
        ("cls_token", "<cls>"),
        ("pad_token", "<pad>"),
        ("mask_token", "<mask>"),
        ("eos_token", "<eos>"),
    ];
    let named = named_specials(cfg, &defaults);
    let content = |key: &str| named_content(&named, key);
    // The named tokens (special), then every other vocabulary token (plain, matched before splitting).
    let tokens = present(&named)
        .chain(all.iter().map(|t| AddedToken::new(t, false)))
        .map(|t| AddedToken {
            normalized: false,
            ..t
        });
    let added = AddedIds::resolve(all.len() as u32, tokens, |t| json_id(&vocab, t));
    // A named token missing from vocab.txt gets the next id, as transformers adds it.
    let id_of = |t: &str| -> Result<u32> {
        added
            .iter()
            .find(|(_, a)| a.content == t)
            .map(|(id, _)| *id)
            .or_else(|| vocab.get(t).and_then(Value::as_u64).map(|id| id as u32))
            .ok_or_else(|| {
                Error::config(
                    file.clone(),
                    "tokenizer_config.json",
                    format!("the special token {t:?} is empty or missing"),
                )
            })
    };
    let unk = content("unk_token").unwrap_or_default();
    if !vocab.contains_key(&unk) {
        // WordLevel needs its unknown token in the vocabulary; transformers would give None ids.
        return Err(Error::config(
            file,
            "vocab.txt",
            format!("no line holds the unk_token {unk:?}"),
        ));
    }
    let cls = content("cls_token").unwrap_or_default();
    let cls_id = id_of(&cls)?;
    let sp = |t: &str, type_id: u32| json!({"SpecialToken": {"id": t, "type_id": type_id}});
    let seq = |s: &str, type_id: u32| json!({"Sequence": {"id": s, "type_id": type_id}});
    let mut special_tokens = Map::new();
    special_tokens.insert(
        cls.clone(),
        json!({"id": cls, "ids": [cls_id], "tokens": [cls]}),
    );
    let (single, pair) = match content("eos_token") {
        Some(eos) => {
            let eos_id = id_of(&eos)?;
            special_tokens.insert(
                eos.clone(),
                json!({"id": eos, "ids": [eos_id], "tokens": [eos]}),
            );
            (
                vec![sp(&cls, 0), seq("A", 0), sp(&eos, 0)],
                vec![
                    sp(&cls, 0),
                    seq("A", 0),
                    sp(&eos, 0),
                    seq("B", 1),
                    sp(&eos, 1),
                ],
            )
        }
        // Without eos the class refuses pairs; the template can only leave the pair unmarked.
        None => (
            vec![sp(&cls, 0), seq("A", 0)],
            vec![sp(&cls, 0), seq("A", 0), seq("B", 1)],
        ),
    };

    let doc = tokenizer_document(
        &added,
        json!({
            "normalizer": null,
            // Python's `str.split()`: Unicode White_Space and the separators U+001C..U+001F.
            "pre_tokenizer": {
                "type": "Split",
                "pattern": {"Regex": "[\\s\\x1C-\\x1F]+"},
                "behavior": "Removed",
                "invert": false,
            },
            "post_processor": {
                "type": "TemplateProcessing",
                "single": single,
                "pair": pair,
                "special_tokens": special_tokens,
            },
            "decoder": null,
            "model": {"type": "WordLevel", "vocab": vocab, "unk_token": unk},
        }),
    );
    let specials = SpecialTokens::new(&named, Vec::new());
    Ok((doc, specials))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokenizer::{EncodeOptions, InputSequence, Tokenizer};

    fn load(lines: &[&str]) -> Result<Tokenizer> {
        let dir = std::env::temp_dir().join(format!(
            "ferrotok-esm-{}-{}",
            std::process::id(),
            lines.len()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("vocab.txt"), lines.join("\n")).unwrap();
        let cfg = LegacyConfig { config: Map::new() };
        let out = document(&dir, &cfg);
        std::fs::remove_dir_all(&dir).unwrap();
        super::super::tokenizer_json::from_value(out?.0, "<test>")
    }

    #[test]
    fn vocabulary_tokens_cut_the_text() {
        let vocab = ["<cls>", "<pad>", "<eos>", "<unk>", "M", "K", "MK", "<mask>"];
        let t = load(&vocab).unwrap();
        let opts = EncodeOptions {
            add_special_tokens: true,
            char_offsets: true,
            ..EncodeOptions::default()
        };
        let e = t
            .encode(InputSequence::Raw("MKK JJ<mask>x"), None, &opts)
            .unwrap();
        assert_eq!(e.ids, [0, 6, 5, 3, 7, 3, 2]);
        assert!(load(&["<cls>", "<eos>", "M"]).is_err());
    }
}
