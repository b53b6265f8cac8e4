//! CPM (`CpmTokenizer`), which transformers 5.24 runs through the `sentencepiece` library in Python with
//! XLNet's preprocessing (it imports jieba but no longer calls it): with `remove_space` (the default) the
//! text's runs of whitespace become one space and its ends are stripped, ``` `` ``` and `''` become `"`,
//! accents go (NFKD, then every char of a non-zero combining class) unless `keep_accents`, lower case with
//! `do_lower_case`; then the library segments it, and a piece that ends in "," after a digit is segmented
//! again without its comma (ferrotok's `DigitComma` model). `A <sep> <cls>` and `A <sep> B <sep> <cls>`,
//! B of type 1 and `<cls>` of type 2. Decoding drops every space and turns U+2582 / U+2583 into a space /
//! a newline (the Python layer).

use super::legacy::LegacyConfig;
use super::sentencepiece::{
    cfg_bool, finish, precompiled, replace_regex, replace_string, sequence, Parts, Post,
    SpecialTokens,
};
use super::sentencepiece_classes::{content, named, seq, sp, Defaults};
use super::sentencepiece_proto::SpModel;
use super::sentencepiece_python::{library_vocab, require_legacy, sentencepiece_model};
use crate::added_tokens::AddedToken;
use crate::error::Result;
use serde_json::{json, Value};

/// Python's `str.split()` separators: Unicode White_Space and U+001C – U+001F.
const PY_SPACES: &str = r"[\s\x1C-\x1F]+";

pub(super) fn cpm(m: &SpModel, cfg: &LegacyConfig, d: Defaults) -> Result<(Value, SpecialTokens)> {
    require_legacy(cfg, "CpmTokenizer")?;
    let named = named(cfg, d, true);
    let unk = content(&named, "unk_token");
    let (sep, cls) = (content(&named, "sep_token"), content(&named, "cls_token"));
    let mut norms = Vec::new();
    if cfg_bool(cfg, "remove_space", true) {
        norms.push(replace_regex(PY_SPACES, " "));
        norms.push(json!({"type": "Strip", "strip_left": true, "strip_right": true}));
    }
    norms.push(replace_string("``", "\""));
    norms.push(replace_string("''", "\""));
    if !cfg_bool(cfg, "keep_accents", false) {
        norms.push(json!({"type": "NFKD"}));
        norms.push(json!({"type": "StripCombining"}));
    }
    if cfg_bool(cfg, "do_lower_case", false) {
        norms.push(json!({"type": "PythonLowercase"}));
    }
    norms.extend(precompiled(m));
    let parts = Parts::library_metaspace(
        m,
        sentencepiece_model(m, &unk),
        library_vocab(m),
        sequence("Sequence", "normalizers", norms),
        named,
        default_extras(cfg),
        Post::Template {
            single: vec![seq("A", 0), sp(&sep, 0), sp(&cls, 2)],
            pair: vec![
                seq("A", 0),
                sp(&sep, 0),
                seq("B", 1),
                sp(&sep, 1),
                sp(&cls, 2),
            ],
        },
    );
    let (mut doc, specials) = finish(parts, cfg)?;
    let inner = doc["model"].take();
    doc["model"] = json!({"type": "DigitComma", "model": inner});
    Ok((doc, specials))
}

/// The class's default `additional_special_tokens` (`<eop>`, `<eod>`), when the config names none.
fn default_extras(cfg: &LegacyConfig) -> Vec<AddedToken> {
    let named_here = [
        "additional_special_tokens",
        "extra_special_tokens",
        "added_tokens_decoder",
    ]
    .iter()
    .any(|k| cfg.config.contains_key(*k));
    if named_here {
        return Vec::new();
    }
    ["<eop>", "<eod>"].map(AddedToken::special).into()
}
