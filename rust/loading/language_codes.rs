//! Language-code special tokens that transformers adds to mBART folders (data, in transformers' order).

use super::legacy::LegacyConfig;
use super::sentencepiece::cfg_str;
use crate::error::{Error, Result};

/// mBART-cc25 (`MBartTokenizer`).
pub const MBART: [&str; 25] = [
    "ar_AR", "cs_CZ", "de_DE", "en_XX", "es_XX", "et_EE", "fi_FI", "fr_XX", "gu_IN", "hi_IN",
    "it_IT", "ja_XX", "kk_KZ", "ko_KR", "lt_LT", "lv_LV", "my_MM", "ne_NP", "nl_XX", "ro_RO",
    "ru_RU", "si_LK", "tr_TR", "vi_VN", "zh_CN",
];

/// mBART-50 (`MBart50Tokenizer`): the 25 above, then 27 more.
pub const MBART50: [&str; 52] = [
    "ar_AR", "cs_CZ", "de_DE", "en_XX", "es_XX", "et_EE", "fi_FI", "fr_XX", "gu_IN", "hi_IN",
    "it_IT", "ja_XX", "kk_KZ", "ko_KR", "lt_LT", "lv_LV", "my_MM", "ne_NP", "nl_XX", "ro_RO",
    "ru_RU", "si_LK", "tr_TR", "vi_VN", "zh_CN", "af_ZA", "az_AZ", "bn_IN", "fa_IR", "he_IL",
    "hr_HR", "id_ID", "ka_GE", "km_KH", "mk_MK", "ml_IN", "mn_MN", "mr_IN", "pl_PL", "ps_AF",
    "pt_XX", "sv_SE", "sw_KE", "ta_IN", "te_IN", "th_TH", "tl_XX", "uk_UA", "ur_PK", "xh_ZA",
    "gl_ES", "sl_SI",
];

/// M2M100 (`M2M100Tokenizer`, `language_codes="m2m100"`), in transformers' order.
pub const M2M100: [&str; 100] = [
    "af", "am", "ar", "ast", "az", "ba", "be", "bg", "bn", "br", "bs", "ca", "ceb", "cs", "cy",
    "da", "de", "el", "en", "es", "et", "fa", "ff", "fi", "fr", "fy", "ga", "gd", "gl", "gu", "ha",
    "he", "hi", "hr", "ht", "hu", "hy", "id", "ig", "ilo", "is", "it", "ja", "jv", "ka", "kk",
    "km", "kn", "ko", "lb", "lg", "ln", "lo", "lt", "lv", "mg", "mk", "ml", "mn", "mr", "ms", "my",
    "ne", "nl", "no", "ns", "oc", "or", "pa", "pl", "ps", "pt", "ro", "ru", "sd", "si", "sk", "sl",
    "so", "sq", "sr", "ss", "su", "sv", "sw", "ta", "th", "tl", "tn", "tr", "uk", "ur", "uz", "vi",
    "wo", "xh", "yi", "yo", "zh", "zu",
];

/// WMT21 (`language_codes="wmt21"`).
pub const WMT21: [&str; 8] = ["en", "ha", "is", "ja", "cs", "ru", "zh", "de"];

/// PLBart (`PLBartTokenizer`), `language_codes="base"`.
pub const PLBART_BASE: [&str; 3] = ["__java__", "__python__", "__en_XX__"];

/// PLBart, `language_codes="multi"`.
pub const PLBART_MULTI: [&str; 7] = [
    "__java__",
    "__python__",
    "__en_XX__",
    "__javascript__",
    "__php__",
    "__ruby__",
    "__go__",
];

/// The table a class's `language_codes` config entry names (`default` when absent), among its `tables`
/// (name, codes); the name comes back too. An unknown name is an error naming the entry.
pub fn choose(
    cfg: &LegacyConfig,
    default: &str,
    tables: &[(&str, &'static [&'static str])],
) -> Result<(String, &'static [&'static str])> {
    let kind = cfg_str(cfg, "language_codes", default);
    match tables.iter().find(|(name, _)| *name == kind) {
        Some((_, codes)) => Ok((kind, codes)),
        None => {
            let names: Vec<String> = tables.iter().map(|(n, _)| format!("{n:?}")).collect();
            Err(Error::config(
                "",
                "tokenizer_config.json: language_codes",
                format!(
                    "unknown language codes {kind:?} (expected {})",
                    names.join(" or ")
                ),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn cfg(v: serde_json::Value) -> LegacyConfig {
        LegacyConfig::from_json(v)
    }

    #[test]
    fn choose_takes_the_named_table_or_the_default_and_names_the_entry_otherwise() {
        let tables: &[(&str, &'static [&'static str])] = &[("m2m100", &M2M100), ("wmt21", &WMT21)];
        let (kind, codes) = choose(&cfg(json!({})), "m2m100", tables).unwrap();
        assert_eq!((kind.as_str(), codes.len()), ("m2m100", 100));
        let (_, codes) =
            choose(&cfg(json!({"language_codes": "wmt21"})), "m2m100", tables).unwrap();
        assert_eq!(codes, &WMT21);
        let err = choose(&cfg(json!({"language_codes": "x"})), "m2m100", tables).unwrap_err();
        let message = err.to_string();
        assert!(message.contains("language_codes") && message.contains(r#""m2m100" or "wmt21""#));
    }
}
