//! GPT-2's byte-level pre-tokenizer: optional prefix space, GPT-2 regex split, bytes mapped to printable chars.

use super::gpt2_split;
use crate::error::Result;
use crate::loading::json::{opt_bool, Obj};
use crate::normalizers::NormalizedString;
use crate::pre_tokenizers::PreTokenizedString;

/// GPT-2's byte → printable char table: printable Latin-1 bytes map to themselves, the others to
/// U+0100 and up, in byte order.
pub const BYTE_TO_CHAR: [char; 256] = byte_to_char_table();

const fn byte_to_char_table() -> [char; 256] {
    let mut t = ['\0'; 256];
    let mut extra = 0u32;
    let mut b = 0usize;
    while b < 256 {
        let printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE);
        let cp = if printable {
            b as u32
        } else {
            extra += 1;
            255 + extra
        };
        t[b] = match char::from_u32(cp) {
            Some(c) => c,
            None => '\0',
        };
        b += 1;
    }
    t
}

/// The byte a GPT-2 printable char stands for.
#[inline]
pub fn char_to_byte(c: char) -> Option<u8> {
    let cp = c as u32;
    if cp < 0x100 {
        let b = cp as u8;
        return (BYTE_TO_CHAR[cp as usize] == c).then_some(b);
    }
    // U+0100.. are the non-printable bytes in increasing order.
    let mut n = cp - 0x100;
    for (b, &m) in BYTE_TO_CHAR.iter().enumerate() {
        if (m as u32) < 0x100 {
            continue;
        }
        if n == 0 {
            return Some(b as u8);
        }
        n -= 1;
    }
    None
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ByteLevel {
    pub add_prefix_space: bool,
    pub trim_offsets: bool,
    pub use_regex: bool,
}

impl Default for ByteLevel {
    fn default() -> Self {
        ByteLevel {
            add_prefix_space: true,
            trim_offsets: true,
            use_regex: true,
        }
    }
}

impl ByteLevel {
    pub fn from_json(o: &Obj, field: &str) -> Result<Self> {
        Ok(ByteLevel {
            add_prefix_space: opt_bool(o, "add_prefix_space", field, true)?,
            trim_offsets: opt_bool(o, "trim_offsets", field, true)?,
            use_regex: opt_bool(o, "use_regex", field, true)?,
        })
    }

    pub fn pre_tokenize(&self, pts: &mut PreTokenizedString) -> Result<()> {
        pts.split(|_, mut ns| {
            if ns.is_empty() {
                return Ok(vec![]);
            }
            if self.add_prefix_space && !ns.as_str().starts_with(' ') {
                ns.prepend(" ");
            }
            if !self.use_regex {
                return Ok(vec![ns]);
            }
            Ok(gpt2_split::pieces(ns.as_str())
                .map(|(a, b)| ns.slice(a..b))
                .collect())
        })?;
        pts.for_each_untokenized(|ns| {
            map_bytes(ns);
            Ok(())
        })
    }
}

/// Replace every byte by its printable char; all chars of one source char keep that char's range.
pub fn map_bytes(ns: &mut NormalizedString) {
    ns.map_expand(|c, out| {
        let mut buf = [0u8; 4];
        for &b in c.encode_utf8(&mut buf).as_bytes() {
            out.push(BYTE_TO_CHAR[b as usize]);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_a_bijection() {
        assert_eq!(BYTE_TO_CHAR[b' ' as usize], 'Ġ');
        assert_eq!(BYTE_TO_CHAR[b'\n' as usize], 'Ċ');
        assert_eq!(BYTE_TO_CHAR[b'a' as usize], 'a');
        for b in 0..=255u8 {
            assert_eq!(char_to_byte(BYTE_TO_CHAR[b as usize]), Some(b));
        }
        assert_eq!(char_to_byte('x'), Some(b'x'));
        assert_eq!(char_to_byte('日'), None);
    }

    #[test]
    fn pre_tokenize_like_hf() {
        // Expected from tokenizers 0.23.3: ByteLevel(add_prefix_space=True).pre_tokenize_str("héllo  wörld!")
        // (Python reports char offsets (0,5) (5,6) (6,12) (12,13); these are the same in bytes.)
        let mut pts = PreTokenizedString::from_normalized(NormalizedString::from_original(
            "héllo  wörld!",
            0,
        ));
        ByteLevel::default().pre_tokenize(&mut pts).unwrap();
        let got: Vec<(&str, (usize, usize))> = pts
            .splits
            .iter()
            .map(|s| {
                (
                    s.normalized.as_str(),
                    s.normalized.original_range(0..s.normalized.len()),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("ĠhÃ©llo", (0, 6)),
                ("Ġ", (6, 7)),
                ("ĠwÃ¶rld", (7, 14)),
                ("!", (14, 15))
            ]
        );
        // Both mapped chars of 'é' ('Ã' at 3..5, '©' at 5..7) carry its original range.
        let first = &pts.splits[0].normalized;
        assert_eq!(first.original_range(3..5), (1, 3));
        assert_eq!(first.original_range(5..7), (1, 3));
        // The prefix space takes the range of the first char (HF's prepend).
        assert_eq!(first.original_range(0..2), (0, 1));
    }
}
