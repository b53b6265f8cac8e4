//! Small decoders: Replace, Fuse, Strip, ByteFallback, CTC.

use crate::error::{Error, Result};
use crate::json::{field as sub, opt_bool, opt_str, opt_usize, req_str, Obj};
use crate::kernel::pattern::Pattern;

/// Replace every match of a pattern in each token by `content`.
#[derive(Debug, Clone)]
pub struct ReplaceDecoder {
    pub pattern: Pattern,
    pub content: String,
}

impl ReplaceDecoder {
    pub fn from_json(o: &Obj, field: &str) -> Result<Self> {
        Ok(ReplaceDecoder {
            pattern: Pattern::from_json(o, "pattern", field)?,
            content: req_str(o, "content", field)?.to_string(),
        })
    }

    pub fn decode_chain(&self, tokens: Vec<String>) -> Result<Vec<String>> {
        let mut matches = Vec::new();
        tokens
            .into_iter()
            .map(|t| {
                self.pattern.find_into(&t, &mut matches)?;
                if matches.is_empty() {
                    return Ok(t);
                }
                let mut out = String::with_capacity(t.len());
                let mut last = 0;
                for m in &matches {
                    out.push_str(t.get(last..m.start).unwrap_or_default());
                    out.push_str(&self.content);
                    last = m.end;
                }
                out.push_str(t.get(last..).unwrap_or_default());
                Ok(out)
            })
            .collect()
    }
}

/// Join all tokens into one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fuse;

impl Fuse {
    pub fn from_json(o: &Obj, field: &str) -> Result<Self> {
        let _ = (o, field);
        Ok(Fuse)
    }

    pub fn decode_chain(&self, tokens: Vec<String>) -> Result<Vec<String>> {
        Ok(vec![tokens.concat()])
    }
}

/// Join all tokens into one and strip the whitespace (Python's `str.strip()`) at both ends
/// (ferrotok's own: GPTNeoXJapanese's `convert_tokens_to_string`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FuseStrip;

impl FuseStrip {
    pub fn decode_chain(&self, tokens: Vec<String>) -> Result<Vec<String>> {
        let joined = tokens.concat();
        Ok(vec![joined
            .trim_matches(crate::kernel::rewrite::is_py_space)
            .to_string()])
    }
}

/// Remove up to `start` leading and `stop` trailing `content` chars from each token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StripDecoder {
    pub content: char,
    pub start: usize,
    pub stop: usize,
}

impl StripDecoder {
    pub fn from_json(o: &Obj, field: &str) -> Result<Self> {
        let c = req_str(o, "content", field)?;
        let mut chars = c.chars();
        let content = match (chars.next(), chars.next()) {
            (Some(ch), None) => ch,
            _ => {
                return Err(Error::config(
                    "",
                    sub(field, "content"),
                    format!("expected a single char, found {c:?}"),
                ))
            }
        };
        let num = |key: &str| {
            opt_usize(o, key, field)?
                .ok_or_else(|| Error::config("", sub(field, key), "missing field"))
        };
        Ok(StripDecoder {
            content,
            start: num("start")?,
            stop: num("stop")?,
        })
    }

    /// Hugging Face panics on an empty token or one made only of stripped chars; here such tokens
    /// simply become empty.
    pub fn decode_chain(&self, tokens: Vec<String>) -> Result<Vec<String>> {
        Ok(tokens
            .into_iter()
            .map(|t| {
                let c = self.content;
                let mut begin = 0;
                for ch in t.chars().take(self.start) {
                    if ch != c {
                        break;
                    }
                    begin += ch.len_utf8();
                }
                let mut end = t.len();
                for ch in t.chars().rev().take(self.stop) {
                    if ch != c {
                        break;
                    }
                    end -= ch.len_utf8();
                }
                t.get(begin..end.max(begin)).unwrap_or_default().to_string()
            })
            .collect())
    }
}

/// Turn runs of `<0xHH>` tokens back into bytes: a run that is valid UTF-8 becomes one token, an
/// invalid run becomes one U+FFFD token per byte (Hugging Face's rule).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ByteFallback;

/// The byte of a `<0xHH>` token (parsed like Rust's `u8::from_str_radix`, as HF does: `+F` is accepted).
fn byte_token(t: &str) -> Option<u8> {
    if t.len() != 6 || !t.starts_with("<0x") || !t.ends_with('>') {
        return None;
    }
    u8::from_str_radix(t.get(3..5)?, 16).ok()
}

impl ByteFallback {
    pub fn from_json(o: &Obj, field: &str) -> Result<Self> {
        let _ = (o, field);
        Ok(ByteFallback)
    }

    pub fn decode_chain(&self, tokens: Vec<String>) -> Result<Vec<String>> {
        fn flush(bytes: &mut Vec<u8>, out: &mut Vec<String>) {
            if bytes.is_empty() {
                return;
            }
            match String::from_utf8(std::mem::take(bytes)) {
                Ok(s) => out.push(s),
                Err(e) => {
                    let n = e.as_bytes().len();
                    out.extend(std::iter::repeat_n("\u{FFFD}".to_string(), n));
                }
            }
        }
        let mut out = Vec::with_capacity(tokens.len());
        let mut bytes = Vec::new();
        for t in tokens {
            match byte_token(&t) {
                Some(b) => bytes.push(b),
                None => {
                    flush(&mut bytes, &mut out);
                    out.push(t);
                }
            }
        }
        flush(&mut bytes, &mut out);
        Ok(out)
    }
}

/// Connectionist temporal classification output: merge repeats, drop pads, word delimiters to spaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ctc {
    pub pad_token: String,
    pub word_delimiter_token: String,
    pub cleanup: bool,
}

/// Hugging Face's English detokenization cleanup (shared with the WordPiece decoder's `cleanup`).
pub fn cleanup(s: &str) -> String {
    s.replace(" .", ".")
        .replace(" ?", "?")
        .replace(" !", "!")
        .replace(" ,", ",")
        .replace(" ' ", "'")
        .replace(" n't", "n't")
        .replace(" 'm", "'m")
        .replace(" do not", " don't")
        .replace(" 's", "'s")
        .replace(" 've", "'ve")
        .replace(" 're", "'re")
}

impl Ctc {
    pub fn from_json(o: &Obj, field: &str) -> Result<Self> {
        Ok(Ctc {
            pad_token: opt_str(o, "pad_token", field)?
                .unwrap_or("<pad>")
                .to_string(),
            word_delimiter_token: opt_str(o, "word_delimiter_token", field)?
                .unwrap_or("|")
                .to_string(),
            cleanup: opt_bool(o, "cleanup", field, true)?,
        })
    }

    pub fn decode_chain(&self, tokens: Vec<String>) -> Result<Vec<String>> {
        let mut out = Vec::with_capacity(tokens.len());
        let mut prev: Option<String> = None;
        for t in tokens {
            // Repeats collapse before pads are removed, so `a <pad> a` keeps both.
            if prev.as_deref() == Some(t.as_str()) {
                continue;
            }
            // Plain `str::replace`, as HF: an empty delimiter inserts spaces between all chars.
            let mut s = t.replace(&self.pad_token, "");
            if self.cleanup {
                s = cleanup(&s).replace(&self.word_delimiter_token, " ");
            }
            if !s.is_empty() {
                out.push(s);
            }
            prev = Some(t);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn toks(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    fn obj(v: serde_json::Value) -> Obj {
        v.as_object().unwrap().clone()
    }

    // Expected values below from Hugging Face tokenizers 0.23.3 (decoders.X(...).decode, and
    // Sequence([X, Strip]) to observe the token granularity of decode_chain).
    #[test]
    fn replace_decoder() {
        let d = ReplaceDecoder::from_json(
            &obj(json!({"type": "Replace", "pattern": {"String": "▁"}, "content": " "})),
            "decoder",
        )
        .unwrap();
        let run = |v: &[&str]| d.decode_chain(toks(v)).unwrap().concat();
        assert_eq!(run(&["▁Hello", "▁wor", "ld"]), " Hello world");
        assert_eq!(run(&[]), "");
        assert_eq!(run(&["▁▁"]), "  ");
        assert_eq!(run(&["a▁b▁"]), "a b ");
        let d = ReplaceDecoder::from_json(
            &obj(json!({"type": "Replace", "pattern": {"Regex": "b*"}, "content": "-"})),
            "decoder",
        )
        .unwrap();
        assert_eq!(
            d.decode_chain(toks(&["ab", "bb", ""])).unwrap(),
            ["-a-", "-", ""]
        );
        let d = ReplaceDecoder::from_json(
            &obj(json!({"type": "Replace", "pattern": {"String": "a"}, "content": "xy"})),
            "decoder",
        )
        .unwrap();
        assert_eq!(d.decode_chain(toks(&["banana"])).unwrap(), ["bxynxynxy"]);
    }

    #[test]
    fn fuse_joins_everything() {
        assert_eq!(Fuse.decode_chain(toks(&["a", "b", "c"])).unwrap(), ["abc"]);
        assert_eq!(Fuse.decode_chain(toks(&[])).unwrap(), [""]);
    }

    #[test]
    fn strip_decoder() {
        let s = |c: &str, start: usize, stop: usize| {
            StripDecoder::from_json(
                &obj(json!({"type": "Strip", "content": c, "start": start, "stop": stop})),
                "decoder",
            )
            .unwrap()
        };
        let d = s(" ", 1, 1);
        assert_eq!(
            d.decode_chain(toks(&["  ab  ", " c", "d "]))
                .unwrap()
                .concat(),
            " ab cd"
        );
        assert_eq!(d.decode_chain(toks(&["x"])).unwrap(), ["x"]);
        assert_eq!(d.decode_chain(toks(&["  "])).unwrap(), [""]);
        // HF panics on these two; an empty token is the sane answer.
        assert_eq!(d.decode_chain(toks(&[""])).unwrap(), [""]);
        assert_eq!(d.decode_chain(toks(&[" "])).unwrap(), [""]);
        let d = s("▁", 2, 0);
        assert_eq!(
            d.decode_chain(toks(&["▁▁▁a", "▁b", "é"])).unwrap().concat(),
            "▁abé"
        );
        assert_eq!(d.decode_chain(toks(&["▁"])).unwrap(), [""]);
        let d = s("é", 0, 3);
        assert_eq!(
            d.decode_chain(toks(&["aéé", "éaéééé"])).unwrap().concat(),
            "aéaé"
        );
        let e = StripDecoder::from_json(
            &obj(json!({"type": "Strip", "content": "ab", "start": 1, "stop": 0})),
            "decoder",
        )
        .unwrap_err();
        assert!(e.to_string().contains("decoder.content"), "{e}");
    }

    #[test]
    fn byte_fallback() {
        let run = |v: &[&str]| ByteFallback.decode_chain(toks(v)).unwrap();
        assert_eq!(
            run(&["<0x61>", "b", "<0xE2>", "<0x96>", "<0x81>", "c"]).concat(),
            "ab▁c"
        );
        // Invalid runs: one U+FFFD token per byte, even when a prefix of the run is valid.
        assert_eq!(
            run(&["<0xE2>", "<0x96>", "x"]),
            ["\u{FFFD}", "\u{FFFD}", "x"]
        );
        assert_eq!(
            run(&["<0xC3>", "<0xA9>", "<0xC3>"]).concat(),
            "\u{FFFD}\u{FFFD}\u{FFFD}"
        );
        assert_eq!(run(&["<0xFF>"]).concat(), "\u{FFFD}");
        assert_eq!(
            run(&["<0xED>", "<0xA0>", "<0x80>"]).concat(),
            "\u{FFFD}\u{FFFD}\u{FFFD}"
        );
        assert_eq!(run(&["<0xC3>", "<0x28>"]).concat(), "\u{FFFD}\u{FFFD}");
        // A valid run is a single token.
        assert_eq!(run(&["<0x61>", "<0x61>", "b"]), ["aa", "b"]);
        assert_eq!(run(&["<0xF0>", "<0x9F>", "<0x8E>", "<0x89>"]), ["🎉"]);
        assert_eq!(run(&["<0x0A>", "<0x0a>", "<0x61>"]).concat(), "\n\na");
        // Not byte tokens (and `+F` is, like HF's from_str_radix).
        assert_eq!(
            run(&["<0x6G>", "<0x>", "<0x123>", "<0X61>", "<0x6>"]).concat(),
            "<0x6G><0x><0x123><0X61><0x6>"
        );
        assert_eq!(
            run(&["<0x+F>", "<0x-1>", "<0x 1>"]).concat(),
            "\u{f}<0x-1><0x 1>"
        );
    }

    #[test]
    fn ctc() {
        let d = Ctc::from_json(&obj(json!({"type": "CTC"})), "decoder").unwrap();
        let run = |d: &Ctc, v: &[&str]| d.decode_chain(toks(v)).unwrap().concat();
        let hello = [
            "<pad>", "h", "h", "<pad>", "e", "l", "l", "<pad>", "l", "o", "|", "w", "o", "o", "r",
            "l", "d", "<pad>",
        ];
        assert_eq!(run(&d, &hello), "hello world");
        assert_eq!(run(&d, &[]), "");
        assert_eq!(run(&d, &["<pad>"]), "");
        assert_eq!(run(&d, &["|", "|", "a", "|"]), " a ");
        assert_eq!(run(&d, &["a", "a", "b", "a", " |", "| "]), "aba    ");
        assert_eq!(
            run(
                &d,
                &[
                    "a", " 's", " .", " n't", " ?", " !", " ,", " 'm", " 've", " 're", " do not",
                    " can't", "x |y", " . .", "  's"
                ]
            ),
            "a's.n't?!,'m've're don't can'tx  y.. 's"
        );
        // Pads vanish after the repeats merged: `a <pad> a` is two tokens.
        assert_eq!(
            d.decode_chain(toks(&["a", "<pad>", "a", "b"])).unwrap(),
            ["a", "a", "b"]
        );
        let raw =
            Ctc::from_json(&obj(json!({"type": "CTC", "cleanup": false})), "decoder").unwrap();
        assert_eq!(
            run(&raw, &["<pad>", "h", "h", "<pad>", "e", "|", "w", "|"]),
            "he|w|"
        );
        let custom = Ctc::from_json(
            &obj(json!({"type": "CTC", "pad_token": "[P]", "word_delimiter_token": "_", "cleanup": true})),
            "decoder",
        )
        .unwrap();
        assert_eq!(
            run(&custom, &["[P]", "a", "_", "_", "b", "[P]", "b"]),
            "a bb"
        );
    }
}
