//! Class defaults: what transformers 5 gives a tokenizer of each class when its files do not say
//! otherwise (named special tokens, padding and truncation side, model_input_names). One table,
//! generated from transformers (`class_table*.rs`, scripts/gen_class_defaults.py), serves the legacy
//! converters here and the Python settings (through the binding's `class_defaults`). The table is written
//! in two files: the families with a class that reads a SentencePiece model, and the others.

use super::{class_table, class_table_spm};

/// The defaults of one class family.
#[derive(Debug)]
pub struct ClassDefaults {
    /// Class names as tokenizer_config.json's `tokenizer_class` spells them (without `Fast`).
    pub names: &'static [&'static str],
    /// bos, eos, unk, sep, pad, cls, mask (the order of `sentencepiece::NAMED`).
    pub specials: [Option<&'static str>; 7],
    pub padding_side: &'static str,
    pub truncation_side: &'static str,
    pub model_input_names: &'static [&'static str],
}

/// The generic class (`TokenizersBackend`, `PreTrainedTokenizerFast`, or no class named): no named
/// special tokens, no token_type_ids.
pub static GENERIC: ClassDefaults = ClassDefaults {
    names: &["TokenizersBackend", "PreTrainedTokenizerFast"],
    specials: [None; 7],
    padding_side: "right",
    truncation_side: "right",
    model_input_names: &["input_ids", "attention_mask"],
};

/// The defaults of `class` (a trailing `Fast` is ignored), or None for a class transformers does not map.
pub fn lookup(class: &str) -> Option<&'static ClassDefaults> {
    let name = class.strip_suffix("Fast").unwrap_or(class);
    if GENERIC.names.contains(&name) {
        return Some(&GENERIC);
    }
    rows().find(|row| row.names.contains(&name))
}

/// Every family of the table.
fn rows() -> impl Iterator<Item = &'static ClassDefaults> {
    class_table::TABLE.iter().chain(class_table_spm::TABLE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_resolve_like_transformers() {
        let bert = lookup("BertTokenizerFast").unwrap();
        assert_eq!(bert.specials[4], Some("[PAD]"));
        assert!(bert.model_input_names.contains(&"token_type_ids"));
        assert!(std::ptr::eq(bert, lookup("ElectraTokenizer").unwrap()));
        assert_eq!(lookup("LlamaTokenizer").unwrap().padding_side, "left");
        assert_eq!(lookup("XLNetTokenizer").unwrap().padding_side, "left");
        assert_eq!(lookup("T5Tokenizer").unwrap().specials[0], None);
        assert_eq!(
            lookup("PreTrainedTokenizerFast").unwrap().specials,
            [None; 7]
        );
        assert!(lookup("NoSuchTokenizer").is_none());
        for row in rows() {
            assert!(["left", "right"].contains(&row.padding_side), "{row:?}");
        }
    }
}
