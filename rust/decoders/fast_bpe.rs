//! FastBPE: the pieces of fastBPE's BPE (PhoBERT, BERTweet, whose inner pieces end with `@@`) back into
//! text as transformers' classes do it: the tokens joined with spaces, every `@@ ` removed, and the
//! whitespace at both ends stripped (Python's `str.strip`). tokenizers has no such decoder:
//! `"type": "FastBPE"` in tokenizer.json is ferrotok's own.

use crate::error::Result;
use crate::json::{opt_str, Obj};
use crate::kernel::rewrite::is_py_space;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FastBpeDecoder {
    pub suffix: String,
}

impl FastBpeDecoder {
    pub fn from_json(o: &Obj, field: &str) -> Result<Self> {
        Ok(FastBpeDecoder {
            suffix: opt_str(o, "suffix", field)?.unwrap_or("@@").to_string(),
        })
    }

    pub fn decode_chain(&self, tokens: Vec<String>) -> Result<Vec<String>> {
        let joined = tokens.join(" ");
        let glued = joined.replace(&format!("{} ", self.suffix), "");
        Ok(vec![glued.trim_matches(is_py_space).to_string()])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_glues_and_strips_like_transformers() {
        let d = FastBpeDecoder {
            suffix: "@@".into(),
        };
        let t = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let dec = |v: &[&str]| d.decode_chain(t(v)).unwrap().concat();
        assert_eq!(
            dec(&["<s>", "hel@@", "lo", "wor@@", "ld", "</s>"]),
            "<s> hello world </s>"
        );
        // Only `@@ ` glues: a last piece keeps its `@@`, `@@@@` glues once.
        assert_eq!(dec(&["a@@@@", "b", "c@@"]), "a@@b c@@");
        assert_eq!(dec(&["\u{1c}", "a", "\n"]), "a");
        assert_eq!(dec(&[]), "");
    }
}
