//! GPT-Sw3 (`GPTSw3Tokenizer`), which transformers 5.24 runs through the `sentencepiece` library in
//! Python after its own preprocessing: non-printing characters removed, its list of space characters
//! turned into plain spaces, then NFC. No special tokens around the text.

use super::legacy::LegacyConfig;
use super::sentencepiece::{precompiled, replace_regex, sequence, Parts, Post};
use super::sentencepiece_classes::{content, named, seq};
use super::sentencepiece_proto::SpModel;
use super::sentencepiece_python::{library_vocab, sentencepiece_model};
use serde_json::json;
use std::path::Path;

/// Code points 0-8, 11-31, 127-160, 173 and 8203, which the class deletes.
const NON_PRINTING: &str = r"[\x00-\x08\x0B-\x1F\x7F-\xA0\xAD\x{200B}]";
/// The class's space characters, each turned into U+0020.
const SPACES: &str = r"[\x{2002}\x{2003}\x{2005}\x{2008}\x{2009}\x{200A}\x{202F}\x{3000}\x{FFFC}]";

pub(super) fn gpt_sw3(m: &SpModel, cfg: &LegacyConfig, dir: &Path) -> Parts {
    // The class's defaults; the 7B model (named by its folder) pads with unk and starts with eos.
    let seven_b = dir.to_string_lossy().contains("gpt-sw3-7b");
    let (pad, bos) = if seven_b {
        ("<unk>", "<|endoftext|>")
    } else {
        ("<pad>", "<s>")
    };
    let defaults = [
        Some(bos),
        Some("<|endoftext|>"),
        Some("<unk>"),
        None,
        Some(pad),
        None,
        None,
    ];
    let named = named(cfg, defaults, false);
    let unk = content(&named, "unk_token");
    let mut norms = vec![
        replace_regex(NON_PRINTING, ""),
        replace_regex(SPACES, " "),
        json!({"type": "NFC"}),
    ];
    norms.extend(precompiled(m));
    Parts::library_metaspace(
        m,
        sentencepiece_model(m, &unk),
        library_vocab(m),
        sequence("Sequence", "normalizers", norms),
        named,
        Vec::new(),
        Post::Template {
            single: vec![seq("A", 0)],
            pair: vec![seq("A", 0), seq("B", 1)],
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_compile() {
        for p in [NON_PRINTING, SPACES] {
            assert!(regex::Regex::new(p).is_ok(), "{p}");
        }
    }
}
