//! GPT-2's byte-level pre-tokenizer: optional prefix space, GPT-2 regex split, bytes mapped to printable chars.

use crate::error::Result;
use crate::json::{opt_bool, Obj};
use crate::kernel::gpt2_split;
use crate::kernel::{NormalizedString, PreTokenizedString, BYTE_TO_CHAR};

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
