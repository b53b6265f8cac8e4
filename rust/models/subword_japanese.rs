//! SubwordJapanese (ferrotok's own): the model of transformers' `GPTNeoXJapaneseTokenizer` (its
//! `SubWordJapaneseTokenizer`, a Python class; tokenizers has no such model).
//!
//! Each line of vocab.txt is one id, its comma-separated variants all giving that id (`慶応,慶應`). At
//! each char the pieces of the vocabulary that start there are tried, up to three chars (up to the
//! longest piece after a `<`): a tag (a piece of three chars or more starting with `<`) is taken as soon
//! as the longest one matches; otherwise the piece with the smallest id wins (the longest among equal
//! ids), not the longest. A char no piece starts with becomes `<KIGOU>` (some two-byte symbols),
//! `<U2000U2BFF>` (U+2000..U+2BFF) or one `<|byteN|>` token per UTF-8 byte, each the unknown token's id
//! when the vocabulary lacks it. A token is shown as the class's `convert_id_to_token` shows it: the
//! first variant, a byte token as its byte read alone as UTF-8 (U+FFFD past ASCII), an emoji tag as its
//! emoji, `<SP>` / `<BR>` / `<TAB>` / `<BLOCK>` / `<KIGOU>` / `<U2000U2BFF>` as the text they stand for.

use crate::error::{Error, Result};
use crate::json::{as_array, as_obj, field, index, opt_str, Obj};
use crate::kernel::Token;
use rustc_hash::FxHashMap;

#[derive(Debug, Clone)]
pub struct SubwordJapanese {
    /// Every variant and its id.
    ids: FxHashMap<String, u32>,
    /// Each id's line as vocab.txt holds it (`get_vocab`'s keys).
    lines: Vec<Box<str>>,
    /// Each id's token as the class shows it.
    shown: Vec<Box<str>>,
    /// The longest variant, in chars.
    max_chars: usize,
    unk: Option<u32>,
    kigou: Option<u32>,
    u2e: Option<u32>,
    bytes: Vec<Option<u32>>,
}

/// `<KIGOU>`'s chars: two UTF-8 bytes, read as one number, in these ranges.
fn is_kigou(c: char) -> bool {
    let mut buf = [0u8; 4];
    let b = c.encode_utf8(&mut buf).as_bytes();
    if b.len() != 2 {
        return false;
    }
    let v = (u32::from(b[0]) << 8) | u32::from(b[1]);
    matches!(v, 0xC2A1..=0xC2BF | 0xC780..=0xC783 | 0xCAB9..=0xCBBF | 0xCC80..=0xCDA2)
}

/// `<U2000U2BFF>`'s chars: three UTF-8 bytes from E2 80 80 to E2 B0 7F (as the class compares them).
fn is_u2e(c: char) -> bool {
    let mut buf = [0u8; 4];
    let b = c.encode_utf8(&mut buf).as_bytes();
    if b.len() != 3 {
        return false;
    }
    let v = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
    (0xE2_8080..=0xE2_B07F).contains(&v)
}

/// How the class shows the token of a line whose first variant is `word`.
fn shown(word: &str, emoji: &FxHashMap<&str, &str>) -> String {
    if let Some(n) = word
        .strip_prefix("<|byte")
        .and_then(|w| w.strip_suffix("|>"))
    {
        if let Ok(b) = n.parse::<u8>() {
            return if b < 0x80 {
                char::from(b).to_string()
            } else {
                char::REPLACEMENT_CHARACTER.to_string()
            };
        }
    }
    if word.starts_with("<|emoji") && word.ends_with("|>") {
        if let Some(e) = emoji.get(word) {
            return (*e).to_string();
        }
    }
    match word {
        "<SP>" => " ",
        "<BR>" => "\n",
        "<TAB>" => "\t",
        "<BLOCK>" => "\u{2580}",
        "<KIGOU>" => "\u{1C0}",
        "<U2000U2BFF>" => "\u{2016}",
        w => w,
    }
    .to_string()
}

impl SubwordJapanese {
    /// `lines`: each id's variants; `emoji`: the emoji of each emoji tag; `unk`: the unknown token.
    pub fn new(lines: &[Vec<&str>], emoji: &FxHashMap<&str, &str>, unk: &str) -> Self {
        let mut ids = FxHashMap::default();
        let mut max_chars = 0;
        for (id, variants) in lines.iter().enumerate() {
            for v in variants {
                ids.insert((*v).to_string(), id as u32);
                max_chars = max_chars.max(v.chars().count());
            }
        }
        let get = |t: &str| ids.get(t).copied();
        let unk_id = get(unk);
        let or_unk = |t: &str| get(t).or(unk_id);
        SubwordJapanese {
            lines: lines.iter().map(|v| v.join(",").into()).collect(),
            shown: lines
                .iter()
                .map(|v| shown(v.first().copied().unwrap_or_default(), emoji).into())
                .collect(),
            max_chars,
            unk: unk_id,
            kigou: or_unk("<KIGOU>"),
            u2e: or_unk("<U2000U2BFF>"),
            bytes: (0..=255).map(|b| or_unk(&format!("<|byte{b}|>"))).collect(),
            ids,
        }
    }

    pub fn from_json(o: &Obj, parent: &str) -> Result<Self> {
        let lf = field(parent, "lines");
        let mut lines = Vec::new();
        for (i, v) in as_array(o.get("lines").unwrap_or(&serde_json::Value::Null), &lf)?
            .iter()
            .enumerate()
        {
            let f = index(&lf, i);
            let variants = as_array(v, &f)?
                .iter()
                .map(|s| {
                    s.as_str()
                        .ok_or_else(|| Error::config("", f.clone(), "expected strings"))
                })
                .collect::<Result<Vec<_>>>()?;
            lines.push(variants);
        }
        let ef = field(parent, "emoji_inv");
        let mut emoji = FxHashMap::default();
        if let Some(v) = o.get("emoji_inv") {
            for (tag, e) in as_obj(v, &ef)? {
                let e = e
                    .as_str()
                    .ok_or_else(|| Error::config("", ef.clone(), "expected strings"))?;
                emoji.insert(tag.as_str(), e);
            }
        }
        let unk = opt_str(o, "unk_token", parent)?.unwrap_or("<|endoftext|>");
        Ok(Self::new(&lines, &emoji, unk))
    }

    fn fallback(&self, id: Option<u32>) -> Result<u32> {
        id.ok_or_else(|| {
            Error::config(
                "",
                "model.unk_token",
                "a char the vocabulary lacks needs the unknown token, which vocab.txt does not hold",
            )
        })
    }

    pub fn tokenize(&self, word: &str, out: &mut Vec<Token>) -> Result<()> {
        let starts: Vec<usize> = word.char_indices().map(|(i, _)| i).collect();
        let n = starts.len();
        let at = |k: usize| if k < n { starts[k] } else { word.len() };
        let mut pos = 0;
        while pos < n {
            let tag = word.as_bytes()[starts[pos]] == b'<';
            let end = n.min(pos + if tag { self.max_chars + 1 } else { 3 });
            let mut best: Option<(u32, usize)> = None;
            for e in (pos + 1..=end).rev() {
                let Some(&id) = self.ids.get(&word[starts[pos]..at(e)]) else {
                    continue;
                };
                if tag && e - pos > 2 {
                    best = Some((id, e));
                    break;
                }
                if best.is_none_or(|(b, _)| id < b) {
                    best = Some((id, e));
                }
            }
            let offsets = |e: usize| (starts[pos] as u32, at(e) as u32);
            if let Some((id, e)) = best {
                out.push(Token {
                    id,
                    offsets: offsets(e),
                });
                pos = e;
                continue;
            }
            let c = word[starts[pos]..].chars().next().unwrap_or_default();
            if is_kigou(c) || is_u2e(c) {
                let id = self.fallback(if is_kigou(c) { self.kigou } else { self.u2e })?;
                out.push(Token {
                    id,
                    offsets: offsets(pos + 1),
                });
            } else {
                let mut buf = [0u8; 4];
                for &b in c.encode_utf8(&mut buf).as_bytes() {
                    let id = self.fallback(self.bytes[usize::from(b)])?;
                    out.push(Token {
                        id,
                        offsets: offsets(pos + 1),
                    });
                }
            }
            pos += 1;
        }
        Ok(())
    }

    pub fn token_to_id(&self, token: &str) -> Option<u32> {
        self.ids.get(token).copied()
    }

    pub fn id_to_token(&self, id: u32) -> Option<&str> {
        self.shown.get(id as usize).map(|s| &**s)
    }

    /// vocab.txt's lines and their ids (`get_vocab`).
    pub fn vocab(&self) -> impl Iterator<Item = (&str, u32)> {
        self.lines.iter().enumerate().map(|(i, l)| (&**l, i as u32))
    }

    pub fn vocab_size(&self) -> usize {
        self.lines.len()
    }

    pub fn unk_id(&self) -> Option<u32> {
        self.unk
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> SubwordJapanese {
        let lines: Vec<Vec<&str>> = vec![
            vec!["<SP>"],
            vec!["<|endoftext|>"],
            vec!["b"],
            vec!["abc"],
            vec!["ab"],
            vec!["a"],
            vec!["慶応", "慶應"],
            vec!["<|byte97|>"],
            vec!["<|byte227|>"],
            vec!["<|emoji0|>"],
            vec!["<KIGOU>"],
        ];
        let emoji: FxHashMap<&str, &str> = [("<|emoji0|>", "😀")].into_iter().collect();
        SubwordJapanese::new(&lines, &emoji, "<|endoftext|>")
    }

    fn ids(m: &SubwordJapanese, text: &str) -> Vec<u32> {
        let mut out = Vec::new();
        m.tokenize(text, &mut out).unwrap();
        out.iter().map(|t| t.id).collect()
    }

    #[test]
    fn smallest_id_tags_first_and_fallbacks() {
        let m = model();
        // "abc" (3) beats "ab" (4) and "a" (5); then "b" (2) alone.
        assert_eq!(ids(&m, "abcb"), [3, 2]);
        assert_eq!(ids(&m, "慶應慶応"), [6, 6]);
        // `<SP>` is a tag: taken whole. "¡" is a KIGOU char; "ぁ" (E3 81 81) gives byte tokens or unk.
        assert_eq!(ids(&m, "<SP>¡ぁ"), [0, 10, 8, 1, 1]);
        assert_eq!(m.id_to_token(7), Some("a"));
        assert_eq!(m.id_to_token(8), Some("\u{FFFD}"));
        assert_eq!(m.id_to_token(9), Some("😀"));
        assert_eq!(m.id_to_token(0), Some(" "));
        assert_eq!(m.token_to_id("慶應"), Some(6));
        assert!(m.vocab().any(|(l, id)| l == "慶応,慶應" && id == 6));
        let mut out = Vec::new();
        m.tokenize("x", &mut out).unwrap();
        assert_eq!(out[0].offsets, (0, 1));
    }
}
