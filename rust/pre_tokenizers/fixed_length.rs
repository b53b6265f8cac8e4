//! FixedLength: cut each piece into chunks of `length` chars (the last one shorter).

use crate::error::{Error, Result};
use crate::json::{field as path, opt_usize, Obj};
use crate::kernel::PreTokenizedString;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixedLength {
    pub length: usize,
}

impl FixedLength {
    /// `length` defaults to 5, as in tokenizers. A length of 0 is refused here; tokenizers accepts it and
    /// panics on the first text.
    pub fn from_json(o: &Obj, field: &str) -> Result<Self> {
        let length = opt_usize(o, "length", field)?.unwrap_or(5);
        if length == 0 {
            return Err(Error::config(
                "",
                path(field, "length"),
                "must be at least 1",
            ));
        }
        Ok(FixedLength { length })
    }

    pub fn pre_tokenize(&self, pts: &mut PreTokenizedString) -> Result<()> {
        let length = self.length.max(1);
        pts.split(|_, ns| {
            let s = ns.as_str();
            // Byte offsets where a chunk starts: every `length`-th char, then the end.
            let mut cuts: Vec<usize> = s.char_indices().step_by(length).map(|(i, _)| i).collect();
            cuts.push(s.len());
            Ok(cuts.windows(2).map(|w| ns.slice(w[0]..w[1])).collect())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::test_util::{exp, run};
    use serde_json::json;

    #[test]
    fn chunks_like_hf() {
        // tokenizers 0.23.3: FixedLength().pre_tokenize_str("héllo 日本 abcdefgh") (char offsets there;
        // bytes here).
        let p = FixedLength { length: 5 };
        assert_eq!(
            run(|pts| p.pre_tokenize(pts), "héllo 日本 abcdefgh"),
            exp(&[
                ("héllo", (0, 6)),
                (" 日本 a", (6, 15)),
                ("bcdef", (15, 20)),
                ("gh", (20, 22))
            ])
        );
        assert_eq!(run(|pts| p.pre_tokenize(pts), ""), exp(&[]));
        let one = FixedLength { length: 1 };
        assert_eq!(
            run(|pts| one.pre_tokenize(pts), "a日"),
            exp(&[("a", (0, 1)), ("日", (1, 4))])
        );
    }

    #[test]
    fn reads_and_checks_length() {
        let parse = |v: serde_json::Value| {
            FixedLength::from_json(
                v.as_object().unwrap_or(&Default::default()),
                "pre_tokenizer",
            )
        };
        assert_eq!(parse(json!({})).ok(), Some(FixedLength { length: 5 }));
        assert_eq!(
            parse(json!({"length": 3})).ok(),
            Some(FixedLength { length: 3 })
        );
        let err = parse(json!({"length": 0})).err().map(|e| e.to_string());
        assert!(err.is_some_and(|e| e.contains("pre_tokenizer.length")));
        assert!(parse(json!({"length": -1})).is_err());
    }
}
