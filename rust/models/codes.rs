//! Codes: a vocabulary without a table, where every UTF-8 byte (ByT5, Perceiver, Dia) or every code
//! point (CANINE) of the text is one token whose id is the byte or code point plus `offset`.
//!
//! transformers builds these classes in Python only; tokenizers has no such model, so this one is
//! ferrotok's own (`"type": "Codes"` in tokenizer.json). A byte token is spelled as the char with the
//! byte's value (`chr(b)`, U+0000..U+00FF), as transformers spells it. `names` gives some ids a name of
//! their own (the classes' special tokens below `offset`, CANINE's private-use code points), both ways.

use crate::error::{Error, Result};
use crate::json::{as_obj, as_u32, field, opt_str, opt_u32, Obj};
use crate::kernel::byte_rewrite::{from_maps, ByteRewriter, Unit as ByteUnit};
use crate::kernel::Token;
use rustc_hash::FxHashMap;
use std::sync::{Arc, OnceLock};

/// Number of code points (U+0000..U+10FFFF): CANINE's vocabulary size.
pub const CODE_POINTS: u32 = 0x11_0000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Byte,
    Char,
}

#[derive(Debug, Clone)]
pub struct Codes {
    pub unit: Unit,
    pub offset: u32,
    names: FxHashMap<String, u32>,
    by_id: FxHashMap<u32, Box<str>>,
    aliases: FxHashMap<u32, Box<str>>,
    /// Byte tokens spelled as two lower-case hex digits (`"e3"`, MyT5) rather than as the byte's char.
    hex: bool,
    /// MyT5's decompose and merge maps, run in that order on each word's bytes (`byte_rewrite`).
    rewrite: Option<Arc<[ByteRewriter; 2]>>,
}

impl Codes {
    pub fn from_json(o: &Obj, parent: &str) -> Result<Self> {
        let unit = match opt_str(o, "unit", parent)?.unwrap_or("byte") {
            "byte" => Unit::Byte,
            "char" => Unit::Char,
            other => {
                return Err(Error::config(
                    "",
                    field(parent, "unit"),
                    format!("unknown unit {other:?} (expected \"byte\" or \"char\")"),
                ))
            }
        };
        let offset = opt_u32(o, "offset", parent)?.unwrap_or(0);
        let read = |key: &str| -> Result<Vec<(&str, u32)>> {
            let nf = field(parent, key);
            let mut out = Vec::new();
            if let Some(v) = o.get(key) {
                for (name, id) in as_obj(v, &nf)? {
                    out.push((name.as_str(), as_u32(id, &format!("{nf}[{name:?}]"))?));
                }
            }
            Ok(out)
        };
        let mut m = Self::new(unit, offset, &read("names")?)?;
        m.set_aliases(&read("aliases")?);
        m.hex = match opt_str(o, "spelling", parent)?.unwrap_or("char") {
            "char" => false,
            "hex" if unit == Unit::Byte => true,
            other => {
                return Err(Error::config(
                    "",
                    field(parent, "spelling"),
                    format!("{other:?}: expected \"char\", or \"hex\" for bytes"),
                ))
            }
        };
        if let Some(v) = o.get("rewrite") {
            if unit != Unit::Byte {
                return Err(Error::config(
                    "",
                    field(parent, "rewrite"),
                    "byte rewriting needs byte units",
                ));
            }
            m.rewrite = Some(Arc::new(from_maps(v, &field(parent, "rewrite"), false)?));
        }
        Ok(m)
    }

    /// Names shown for ids when they become tokens, without taking their place in the vocabulary
    /// (CANINE's `[BOS]` for U+E002: transformers' `convert_ids_to_tokens` only).
    pub fn set_aliases(&mut self, aliases: &[(&str, u32)]) {
        self.aliases = aliases.iter().map(|&(n, id)| (id, n.into())).collect();
    }

    pub fn new(unit: Unit, offset: u32, names: &[(&str, u32)]) -> Result<Self> {
        let units = match unit {
            Unit::Byte => 256,
            Unit::Char => CODE_POINTS,
        };
        if offset.checked_add(units).is_none_or(|end| end > 1 << 28) {
            return Err(Error::config(
                "",
                "model.offset",
                format!("{offset} puts the ids beyond any vocabulary"),
            ));
        }
        let mut by_id = FxHashMap::default();
        for &(name, id) in names {
            if by_id.insert(id, name.into()).is_some() {
                return Err(Error::config(
                    "",
                    "model.names",
                    format!("id {id} is given two names"),
                ));
            }
        }
        Ok(Codes {
            unit,
            offset,
            names: names.iter().map(|&(n, id)| (n.to_string(), id)).collect(),
            by_id,
            aliases: FxHashMap::default(),
            hex: false,
            rewrite: None,
        })
    }

    /// Number of bytes (256) or code points: the vocabulary size transformers' classes report.
    pub fn units(&self) -> u32 {
        match self.unit {
            Unit::Byte => 256,
            Unit::Char => CODE_POINTS,
        }
    }

    /// One token per byte or char; a byte token covers the char it belongs to, as byte-level tokens do
    /// in tokenizers (transformers' Python classes report no offsets).
    pub fn tokenize(&self, word: &str, out: &mut Vec<Token>) -> Result<()> {
        if let Some(rewrite) = &self.rewrite {
            self.tokenize_rewritten(rewrite, word, out);
            return Ok(());
        }
        for (start, c) in word.char_indices() {
            let end = (start + c.len_utf8()) as u32;
            let offsets = (start as u32, end);
            match self.unit {
                Unit::Char => out.push(Token {
                    id: self.offset + c as u32,
                    offsets,
                }),
                Unit::Byte => {
                    let mut buf = [0u8; 4];
                    for &b in c.encode_utf8(&mut buf).as_bytes() {
                        out.push(Token {
                            id: self.offset + u32::from(b),
                            offsets,
                        });
                    }
                }
            }
        }
        Ok(())
    }

    /// MyT5: the word's bytes through both maps; each byte covers the chars its rule read.
    fn tokenize_rewritten(&self, rewrite: &[ByteRewriter; 2], word: &str, out: &mut Vec<Token>) {
        let mut units = Vec::with_capacity(word.len());
        for (start, c) in word.char_indices() {
            let end = (start + c.len_utf8()) as u32;
            let mut buf = [0u8; 4];
            units.extend(c.encode_utf8(&mut buf).bytes().map(|b| ByteUnit {
                value: u16::from(b),
                start: start as u32,
                end,
            }));
        }
        let mut decomposed = Vec::with_capacity(units.len());
        rewrite[0].rewrite(&units, &mut decomposed);
        units.clear();
        rewrite[1].rewrite(&decomposed, &mut units);
        out.extend(units.iter().map(|u| Token {
            id: self.offset + u32::from(u.value),
            offsets: (u.start, u.end),
        }));
    }

    pub fn token_to_id(&self, token: &str) -> Option<u32> {
        if let Some(&id) = self.names.get(token) {
            return Some(id);
        }
        if self.hex {
            return (token.len() == 2)
                .then(|| u8::from_str_radix(token, 16).ok())
                .flatten()
                .map(|b| self.offset + u32::from(b));
        }
        let mut chars = token.chars();
        let c = chars.next()?;
        if chars.next().is_some() || c as u32 >= self.units() {
            return None;
        }
        Some(self.offset + c as u32)
    }

    pub fn id_to_token(&self, id: u32) -> Option<&str> {
        if let Some(name) = self.by_id.get(&id).or_else(|| self.aliases.get(&id)) {
            return Some(name);
        }
        let code = id.checked_sub(self.offset).filter(|&c| c < self.units())?;
        if self.hex {
            return hex_str(code);
        }
        char_str(code)
    }

    /// Every (token, id): the named ids, then each unit not named (CANINE: about 1.1 million entries;
    /// surrogate code points have no string and are left out).
    pub fn vocab(&self) -> impl Iterator<Item = (&str, u32)> {
        let named = self.by_id.iter().map(|(&id, n)| (&**n, id));
        let codes = (0..self.units()).filter_map(move |c| {
            let id = self.offset + c;
            if self.by_id.contains_key(&id) {
                return None;
            }
            Some((if self.hex { hex_str(c)? } else { char_str(c)? }, id))
        });
        named.chain(codes)
    }

    /// The ids the model can give: the units after `offset`, and the named ids.
    pub fn vocab_size(&self) -> usize {
        let top = self.by_id.keys().map(|&id| id + 1).max().unwrap_or(0);
        (self.offset + self.units()).max(top) as usize
    }
}

/// A byte's two lower-case hex digits (None past 0xFF).
fn hex_str(b: u32) -> Option<&'static str> {
    static HEX: OnceLock<String> = OnceLock::new();
    let all = HEX.get_or_init(|| (0..=0xFFu8).map(|b| format!("{b:02x}")).collect());
    let at = 2 * usize::try_from(b).ok().filter(|&b| b < 0x100)?;
    all.get(at..at + 2)
}

/// Every code point's UTF-8 spelling, one after the other (surrogates as three NUL bytes), built once: a
/// token string is then a slice at an offset computed from the code point, without a table of strings.
fn all_chars() -> &'static str {
    static ALL: OnceLock<String> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut s = String::with_capacity(4_400_000);
        for c in 0..CODE_POINTS {
            match char::from_u32(c) {
                Some(ch) => s.push(ch),
                None => s.push_str("\0\0\0"),
            }
        }
        s
    })
}

/// The string of code point `c` (None for a surrogate or beyond U+10FFFF).
fn char_str(c: u32) -> Option<&'static str> {
    let ch = char::from_u32(c)?;
    let start = match c {
        0..=0x7F => c,
        0x80..=0x7FF => 0x80 + 2 * (c - 0x80),
        0x800..=0xFFFF => 0x80 + 2 * 0x780 + 3 * (c - 0x800),
        _ => 0x80 + 2 * 0x780 + 3 * (0x1_0000 - 0x800) + 4 * (c - 0x1_0000),
    } as usize;
    if c < 0x100 {
        // The byte tokens, the common case, without building the whole table.
        static LATIN1: OnceLock<String> = OnceLock::new();
        let latin1 = LATIN1.get_or_init(|| (0..=0xFFu8).map(char::from).collect());
        return latin1.get(start..start + ch.len_utf8());
    }
    all_chars().get(start..start + ch.len_utf8())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(m: &Codes, text: &str) -> Vec<(u32, (u32, u32))> {
        let mut out = Vec::new();
        m.tokenize(text, &mut out).unwrap();
        out.iter().map(|t| (t.id, t.offsets)).collect()
    }

    #[test]
    fn bytes_after_named_ids() {
        let m = Codes::new(Unit::Byte, 3, &[("<pad>", 0), ("</s>", 1), ("<unk>", 2)]).unwrap();
        assert_eq!(
            ids(&m, "aé"),
            [(100, (0, 1)), (0xC3 + 3, (1, 3)), (0xA9 + 3, (1, 3))]
        );
        assert_eq!(m.id_to_token(0xC3 + 3), Some("Ã"));
        assert_eq!(m.id_to_token(1), Some("</s>"));
        assert_eq!(m.id_to_token(259), None);
        assert_eq!(m.token_to_id("Ã"), Some(0xC3 + 3));
        assert_eq!(m.token_to_id("€"), None);
        assert_eq!(m.token_to_id("<unk>"), Some(2));
        assert_eq!(m.vocab_size(), 259);
        assert_eq!(m.vocab().count(), 259);
    }

    #[test]
    fn hex_bytes_rewritten() {
        let doc = serde_json::json!({"unit": "byte", "offset": 3, "spelling": "hex",
            "names": {"<pad>": 0}, "rewrite": {"decompose_map": {"c3 a9": "80 91"},
            "merge_map": {"80 91 61": "f0", "62": "62 62"}}});
        let m = Codes::from_json(doc.as_object().unwrap(), "model").unwrap();
        // "éa" is one rule after decomposing: its byte covers both chars; "b" is doubled.
        assert_eq!(
            ids(&m, "éab"),
            [(0xF3, (0, 3)), (0x65, (3, 4)), (0x65, (3, 4))]
        );
        assert_eq!(m.id_to_token(0x64), Some("61"));
        assert_eq!(m.token_to_id("ff"), Some(258));
        assert_eq!(m.token_to_id("FF"), Some(258));
        assert_eq!(m.token_to_id("f"), None);
        assert_eq!(m.token_to_id("<pad>"), Some(0));
        assert_eq!(m.vocab().count(), 257);
        let bad = serde_json::json!({"unit": "char", "spelling": "hex"});
        assert!(Codes::from_json(bad.as_object().unwrap(), "model").is_err());
    }

    #[test]
    fn code_points_with_names() {
        let mut m = Codes::new(Unit::Char, 0, &[("[BOS]", 0xE002)]).unwrap();
        assert_eq!(ids(&m, "a😀"), [(97, (0, 1)), (0x1F600, (1, 5))]);
        for c in [
            '\0',
            'é',
            '\u{7FF}',
            '\u{800}',
            '\u{FFFF}',
            '😀',
            '\u{10FFFF}',
        ] {
            assert_eq!(m.id_to_token(c as u32), Some(c.to_string().as_str()));
            assert_eq!(m.token_to_id(&c.to_string()), Some(c as u32));
        }
        assert_eq!(m.id_to_token(0xD800), None);
        assert_eq!(m.id_to_token(0xE002), Some("[BOS]"));
        assert_eq!(m.token_to_id("[BOS]"), Some(0xE002));
        assert_eq!(m.vocab_size(), 0x11_0000);
        m.set_aliases(&[("[RESERVED]", 0xE004)]);
        assert_eq!(m.id_to_token(0xE004), Some("[RESERVED]"));
        assert_eq!(m.token_to_id("\u{E004}"), Some(0xE004));
        assert_eq!(m.token_to_id("[RESERVED]"), None);
        assert!(Codes::new(Unit::Char, 1 << 28, &[]).is_err());
        assert!(Codes::new(Unit::Byte, 0, &[("a", 1), ("b", 1)]).is_err());
    }
}
