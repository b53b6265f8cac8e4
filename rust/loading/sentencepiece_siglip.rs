//! SigLIP (`SiglipTokenizer`), which transformers 5.24 runs through the `sentencepiece` library in Python
//! after its own text canonicalization. Each piece of text between added tokens is lowercased
//! (`do_lower_case`, default true), stripped of ASCII punctuation (Python's `string.punctuation`), its
//! whitespace runs made one space and trimmed; only the first piece of a text gets the "▁" prefix (the
//! class prepends "▁" to the text, and encodes each later piece behind an `<unk>` it drops again). The
//! special tokens strip the spaces around them; `</s>` ends each text of a pair, all of type 0.
//!
//! As a normalizer recipe: Python's lowercasing and canonicalization, then the model's charsmap and
//! whitespace handling, then Metaspace prepending "▁" to the first piece only. One case differs: a piece
//! after an added token that starts with punctuation or a space the token does not strip gets a "▁"
//! here (the class strips those chars and gives none).

use super::legacy::LegacyConfig;
use super::sentencepiece::{
    cfg_bool, metaspace, precompiled, replace_regex, replace_string, sequence, Parts, Post,
};
use super::sentencepiece_classes::{content, named, seq, sp, Defaults};
use super::sentencepiece_proto::SpModel;
use super::sentencepiece_python::{library_vocab, require_legacy, sentencepiece_model};
use crate::error::{Error, Result};
use serde_json::{json, Value};

/// Python's `string.punctuation` (the ASCII punctuation and symbols), as a regex class.
const ASCII_PUNCTUATION: &str = r"[!-/:-@\[-`{-~]";
/// Python's `\s` on text: Unicode whitespace and the separators U+001C..U+001F.
const PYTHON_WHITESPACE_RUN: &str = r"[\s\x{1c}-\x{1f}]+";

pub(super) fn siglip(m: &SpModel, cfg: &LegacyConfig, d: Defaults) -> Result<Parts> {
    require_legacy(cfg, "SiglipTokenizer")?;
    if !m.remove_extra_whitespaces {
        // The class's "▁" prefix and `<unk>` trick then leave stray "▁" pieces of their own.
        return Err(Error::config(
            "",
            "normalizer_spec.remove_extra_whitespaces",
            "SiglipTokenizer is supported for models that remove extra whitespace (as SigLIP's do)",
        ));
    }
    let named: Vec<_> = named(cfg, d, false)
        .into_iter()
        .map(|(key, token)| {
            // The class's defaults strip the spaces on both sides; tokens the config spells keep theirs.
            let token = token.map(|mut t| {
                if !cfg.config.contains_key(key) {
                    t.lstrip = true;
                    t.rstrip = true;
                }
                t
            });
            (key, token)
        })
        .collect();
    let unk = content(&named, "unk_token");
    let eos = content(&named, "eos_token");
    Ok(Parts {
        model: sentencepiece_model(m, &unk),
        vocab: library_vocab(m),
        normalizer: normalizer(precompiled(m), cfg_bool(cfg, "do_lower_case", true)),
        pre_tokenizer: metaspace("Metaspace", "first", true),
        decoder: metaspace("Metaspace", "first", true),
        named,
        extras: Vec::new(),
        post: Post::Template {
            single: vec![seq("A", 0), sp(&eos, 0)],
            pair: vec![seq("A", 0), sp(&eos, 0), seq("B", 0), sp(&eos, 0)],
        },
    })
}

/// A leading run of punctuation and whitespace, which the class strips behind its "▁" prefix.
const LEADING_RUN: &str = r"\A(?:[!-/:-@\[-`{-~]|[\s\x{1c}-\x{1f}])+";

fn normalizer(charsmap: Option<Value>, lowercase: bool) -> Value {
    // The class turns "▁" in the text into spaces before anything else.
    let mut norms = vec![replace_string("▁", " ")];
    if lowercase {
        norms.push(json!({"type": "PythonLowercase"}));
    }
    // A leading run the class removes becomes one space rather than nothing: the text then still starts
    // at its first char, so Metaspace gives the first piece of a text its "▁" (as the class's prefix),
    // and the space merges into it (as the library's whitespace handling merges it with the prefix).
    norms.push(replace_regex(LEADING_RUN, " "));
    norms.push(replace_regex(ASCII_PUNCTUATION, ""));
    norms.push(replace_regex(PYTHON_WHITESPACE_RUN, " "));
    norms.push(replace_regex(" +\\z", ""));
    norms.extend(charsmap);
    // The library's own whitespace handling after its charsmap.
    norms.push(replace_regex(" {2,}", " "));
    norms.push(replace_regex(" +\\z", ""));
    sequence("Sequence", "normalizers", norms)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalizers::Normalizer;

    #[test]
    fn canonicalizes_as_the_python_class() {
        let n = Normalizer::from_json(&normalizer(None, true), "normalizer").unwrap();
        let cases = [
            (
                "A photo of a CAT!!! (on a mat)",
                "a photo of a cat on a mat",
            ),
            ("  x\t\u{a0}y\u{1c}z\u{3000} ", " x y z"),
            ("\u{2581}spaced\u{2581}out", " spaced out"),
            ("(\"quoted\") text", " quoted text"),
            ("don't-stop: «ok»", "dontstop «ok»"),
            ("!!!", ""),
        ];
        for (text, expected) in cases {
            assert_eq!(n.normalize_str(text).unwrap(), expected, "{text:?}");
        }
        let keep_case = Normalizer::from_json(&normalizer(None, false), "normalizer").unwrap();
        assert_eq!(keep_case.normalize_str("Big CAT.").unwrap(), "Big CAT");
    }
}
