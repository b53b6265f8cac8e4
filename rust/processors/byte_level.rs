//! The ByteLevel post-processor: trims the offsets of byte-level tokens so they exclude the spaces the
//! tokens start or end with (`Ġ`), as Hugging Face's `trim_offsets` does.

use super::TokenLookup;
use crate::error::Result;
use crate::json::{opt_bool, Obj};
use crate::kernel::Encoding;

/// GPT-2's printable stand-in for the space byte.
const SPACE_CHAR: char = '\u{120}';

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ByteLevelProcessor {
    pub add_prefix_space: bool,
    pub trim_offsets: bool,
}

impl ByteLevelProcessor {
    pub fn from_json(o: &Obj, f: &str) -> Result<Self> {
        Ok(ByteLevelProcessor {
            add_prefix_space: opt_bool(o, "add_prefix_space", f, true)?,
            trim_offsets: opt_bool(o, "trim_offsets", f, true)?,
        })
    }

    pub fn trim_offsets(&self, e: &mut Encoding, vocab: &dyn TokenLookup) {
        if !self.trim_offsets {
            return;
        }
        let is_space = |c: char| c == SPACE_CHAR || c.is_whitespace();
        // Like HF, trim by the token's own text: an lstrip/rstrip added token's text includes the
        // spaces it absorbed. `texts` is sparse and sorted by position, so walk it with a cursor.
        let mut overrides = e.texts.iter().peekable();
        for (i, (id, off)) in e.ids.iter().zip(e.offsets.iter_mut()).enumerate() {
            while overrides.next_if(|(p, _)| *p < i).is_some() {}
            let text = overrides.next_if(|(p, _)| *p == i).map(|(_, t)| t.as_str());
            let Some(tok) = text.or_else(|| vocab.token(*id)) else {
                continue;
            };
            let mut leading = tok.chars().take_while(|&c| is_space(c)).count();
            let trailing = tok.chars().rev().take_while(|&c| is_space(c)).count();
            if leading == 0 && trailing == 0 {
                continue;
            }
            if leading > 0 {
                // A prefix space the pre-tokenizer added maps to no original char: keep the start.
                let is_first = i == 0 || off.0 == 0;
                if is_first && self.add_prefix_space && leading == 1 {
                    leading = 0;
                }
                off.0 = (off.0 + leading).min(off.1);
            }
            if trailing > 0 && off.1 >= trailing {
                off.1 = (off.1 - trailing).max(off.0);
            }
        }
        for o in &mut e.overflowing {
            self.trim_offsets(o, vocab);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Vocab;
    impl TokenLookup for Vocab {
        fn token(&self, id: u32) -> Option<&str> {
            ["<mask>", "\u{120}a", "\u{120}x"].get(id as usize).copied()
        }
    }

    #[test]
    fn lstrip_added_token_is_trimmed_by_its_matched_text() {
        // Expected offsets from HF tokenizers 0.23: "x  <mask> a", RobertaProcessing(trim_offsets=True,
        // add_prefix_space=True), `<mask>` lstrip=True → tokens ["Ġx", "  <mask>", "Ġa"].
        let mut e = Encoding {
            ids: vec![2, 0, 1],
            offsets: vec![(0, 1), (1, 9), (9, 11)],
            texts: vec![(1, "  <mask>".to_string())],
            ..Encoding::default()
        };
        let p = ByteLevelProcessor {
            add_prefix_space: true,
            trim_offsets: true,
        };
        p.trim_offsets(&mut e, &Vocab);
        assert_eq!(e.offsets, vec![(0, 1), (3, 9), (10, 11)]);
    }
}
