//! A byte-level BPE folder (vocab.json + merges.txt) read without a `serde_json::Value` tree of its
//! vocabulary and merges, as `model_json` reads a tokenizer.json: vocab.json straight into borrowed
//! `(token, id)` pairs, merges.txt into borrowed pairs, the rest of the document (pipeline, added tokens)
//! built by `legacy::bpe_without_vocabulary`. The two files are kept (`Source`), and the model's JSON text
//! is written from them and parsed only if the tokenizer is saved or serialized.
//!
//! Anything this reader does not expect (an id that is not a u32, a token given twice, a merge line
//! that is not two tokens, any error while building) makes it give up, and the caller loads the folder
//! the general way (`legacy::bpe`), whose errors name the file and the field: this path only ever changes
//! how fast a valid folder loads.

use super::legacy::{self, LegacyConfig};
use super::model_json::{self, Merges, ModelParts, Vocab};
use super::source::{ModelText, Source};
use super::tokenizer_json;
use crate::tokenizer::Tokenizer;
use serde_json::Value;
use std::borrow::Cow;
use std::path::Path;

/// The tokenizer of the folder `dir` (vocab.json + merges.txt, `cfg` its configuration, `unk` the
/// class's unknown token) without its class template; `None`: load it the general way.
pub(super) fn load(dir: &Path, cfg: &LegacyConfig, unk: Option<&str>) -> Option<Tokenizer> {
    if super::class_pipelines_spm::rebuilds(cfg) {
        return None; // those rebuilds read the vocabulary from the document
    }
    let vocab_text = legacy::read_to_string(&dir.join("vocab.json")).ok()?;
    let merges_text = legacy::read_to_string(&dir.join("merges.txt")).ok()?;
    let Ok(Vocab::Pairs(pairs)) = serde_json::from_str::<Vocab<'_>>(&vocab_text) else {
        return None;
    };
    let mut merges = Vec::with_capacity(merges_text.len() / 8);
    for line in legacy::merge_lines(&merges_text) {
        let (a, b) = merge_pair(line)?;
        merges.push((Cow::Borrowed(a), Cow::Borrowed(b)));
    }
    let Value::Object(mut rest) = legacy::bpe_without_vocabulary(dir, cfg, unk).ok()? else {
        return None;
    };
    let Some(Value::Object(options)) = rest.get("model").cloned() else {
        return None;
    };
    let parts = ModelParts {
        rest: options.clone(),
        vocab: Some(Vocab::Pairs(pairs)),
        merges: Some(Merges(merges)),
    };
    let model = model_json::build_model(parts, "model").ok()?;
    let mut tokenizer = tokenizer_json::assemble(&rest, model).ok()?;
    rest.remove("model");
    // The model's text (`{"merges": [the lines as JSON strings], "vocab": vocab.json's text}`, as the
    // general path's document holds them) is written from the files if it is ever asked for.
    let text = ModelText::files(vocab_text, merges_text);
    tokenizer.source = Source::with_model_text(rest, text, options);
    Some(tokenizer)
}

/// A merge line's two tokens: the line split at its one space (`line.split(' ')` giving two parts), by a
/// byte scan (lines are a few bytes long: `split`'s searcher cost more than the scan).
fn merge_pair(line: &str) -> Option<(&str, &str)> {
    let space = line.bytes().position(|b| b == b' ')?;
    let (a, b) = (&line[..space], &line[space + 1..]);
    if b.bytes().any(|c| c == b' ') {
        return None;
    }
    Some((a, b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokenizer::{EncodeOptions, InputSequence};
    use std::path::PathBuf;

    fn gpt2() -> PathBuf {
        PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/gpt2"))
    }

    fn general(dir: &Path, cfg: &LegacyConfig) -> crate::error::Result<Tokenizer> {
        let doc = legacy::bpe(dir, cfg, None)?;
        tokenizer_json::from_value(doc, "merges.txt")
    }

    fn encode(t: &Tokenizer, text: &str) -> (Vec<u32>, Vec<(usize, usize)>) {
        let e = t
            .encode(InputSequence::Raw(text), None, &EncodeOptions::default())
            .unwrap();
        (e.ids, e.offsets)
    }

    /// A folder holding GPT-2's config files and the given vocab.json and merges.txt.
    fn folder(vocab: &str, merges: &str) -> tempfile_dir::Dir {
        let dir = tempfile_dir::Dir::new();
        for name in ["tokenizer_config.json", "special_tokens_map.json"] {
            std::fs::copy(gpt2().join(name), dir.path().join(name)).unwrap();
        }
        std::fs::write(dir.path().join("vocab.json"), vocab).unwrap();
        std::fs::write(dir.path().join("merges.txt"), merges).unwrap();
        dir
    }

    #[test]
    fn the_gpt2_folder_reads_quickly_as_in_general() {
        let dir = gpt2();
        let cfg = LegacyConfig::load(&dir).unwrap();
        let quick = load(&dir, &cfg, None).expect("the quick reader takes GPT-2's folder");
        let slow = general(&dir, &cfg).unwrap();
        assert_eq!(
            quick.to_json_string(false).unwrap(),
            slow.to_json_string(false).unwrap()
        );
        let text = "Hello world! naïve café \"quoted\"\n\tü 123";
        assert_eq!(encode(&quick, text), encode(&slow, text));
    }

    #[test]
    fn the_hash_is_the_sha256_of_the_written_text() {
        use sha2::{Digest, Sha256};
        let dir = gpt2();
        let cfg = LegacyConfig::load(&dir).unwrap();
        let small = r#"{"version": "1.0", "model": {"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2},
            "merges": ["a b"]}, "added_tokens": [], "normalizer": null, "pre_tokenizer": null}"#;
        for tokenizer in [
            load(&dir, &cfg, None).unwrap(),
            general(&dir, &cfg).unwrap(),
            Tokenizer::from_json_str(small).unwrap(),
        ] {
            let text = tokenizer.to_json_string(false).unwrap();
            let expected: [u8; 32] = Sha256::digest(text.as_bytes()).into();
            assert_eq!(tokenizer.json_sha256().unwrap(), expected);
        }
    }

    #[test]
    fn a_merge_line_is_two_tokens_around_one_space() {
        for line in [
            "a b",
            "Ġ t",
            "é \u{3000}x",
            " b",
            "a ",
            "",
            "ab",
            "a b c",
            "a  b",
            "  ",
        ] {
            let mut parts = line.split(' ');
            let split = match (parts.next(), parts.next(), parts.next()) {
                (Some(a), Some(b), None) => Some((a, b)),
                _ => None,
            };
            assert_eq!(merge_pair(line), split, "{line:?}");
        }
    }

    #[test]
    fn escapes_and_headers_are_kept_and_odd_files_go_the_general_way() {
        let vocab = r#"{"a": 0, "\"": 1, "a\"": 2, "\\": 3, "!": 4, "<|endoftext|>": 5}"#;
        let merges = "#version: 0.2\na \"\n\n";
        let dir = folder(vocab, merges);
        let cfg = LegacyConfig::load(dir.path()).unwrap();
        let quick = load(dir.path(), &cfg, None).expect("taken");
        let slow = general(dir.path(), &cfg).unwrap();
        for pretty in [false, true] {
            assert_eq!(
                quick.to_json_string(pretty).unwrap(),
                slow.to_json_string(pretty).unwrap()
            );
        }
        assert_eq!(encode(&quick, "a\"!"), encode(&slow, "a\"!"));
        // No merges at all: an empty list, compact and pretty.
        let dir = folder(vocab, "#version: 0.2\n");
        let cfg = LegacyConfig::load(dir.path()).unwrap();
        let quick = load(dir.path(), &cfg, None).expect("taken");
        let slow = general(dir.path(), &cfg).unwrap();
        for pretty in [false, true] {
            let text = quick.to_json_string(pretty).unwrap();
            assert_eq!(text, slow.to_json_string(pretty).unwrap());
            assert!(text.contains("\"merges\":[]") || text.contains("\"merges\": []"));
        }
        // A merge of three tokens, a token given twice, an id that is not a u32, a merge of an
        // unknown token: refused here, left to the general path and its errors.
        for (vocab, merges) in [
            (vocab, "a \" !\n"),
            (r#"{"a": 0, "a": 1}"#, ""),
            (r#"{"a": -1}"#, ""),
            (vocab, "a x\n"),
        ] {
            let dir = folder(vocab, merges);
            let cfg = LegacyConfig::load(dir.path()).unwrap();
            assert!(load(dir.path(), &cfg, None).is_none(), "{vocab} {merges:?}");
        }
    }

    /// A temporary folder removed on drop (no tempfile crate in the core's dependencies).
    mod tempfile_dir {
        use std::path::{Path, PathBuf};
        use std::sync::atomic::{AtomicUsize, Ordering};

        pub struct Dir(PathBuf);

        impl Dir {
            pub fn new() -> Self {
                static NEXT: AtomicUsize = AtomicUsize::new(0);
                let n = NEXT.fetch_add(1, Ordering::Relaxed);
                let p = std::env::temp_dir()
                    .join(format!("ferrotok-legacy-bpe-{}-{n}", std::process::id()));
                std::fs::create_dir_all(&p).unwrap();
                Dir(p)
            }
            pub fn path(&self) -> &Path {
                &self.0
            }
        }

        impl Drop for Dir {
            fn drop(&mut self) {
                let _ = std::fs::remove_dir_all(&self.0);
            }
        }
    }
}
