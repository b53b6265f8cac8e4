//! The ByteLevel normalizer: every byte of the text becomes GPT-2's printable char for it (the mapping the
//! ByteLevel pre-tokenizer applies, without its prefix space or regex split).

use crate::kernel::{NormalizedString, BYTE_TO_CHAR};

/// Each char becomes the chars of its UTF-8 bytes; all of them keep that char's original range, as in
/// Hugging Face (so a token made of part of a character's bytes points at the whole character).
pub fn normalize(n: &mut NormalizedString) {
    n.map_expand(|c, out| {
        let mut buf = [0u8; 4];
        out.extend(
            c.encode_utf8(&mut buf)
                .bytes()
                .map(|b| BYTE_TO_CHAR[b as usize]),
        );
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(s: &str) -> (String, Vec<(usize, usize)>) {
        let mut n = NormalizedString::from_original(s, 0);
        normalize(&mut n);
        let ranges = n
            .as_str()
            .char_indices()
            .map(|(i, c)| n.original_range(i..i + c.len_utf8()))
            .collect();
        (n.as_str().to_string(), ranges)
    }

    #[test]
    fn maps_bytes_like_hf() {
        // tokenizers 0.23.3: normalizers.ByteLevel().normalize_str("héllo 日本 a")
        assert_eq!(run("héllo 日本 a").0, "hÃ©lloĠæĹ¥æľ¬Ġa");
        assert_eq!(run("").0, "");
        assert_eq!(run("\n\t\0").0, "ĊĉĀ");
    }

    #[test]
    fn every_byte_char_points_at_its_source_char() {
        let (_, ranges) = run("aé日");
        assert_eq!(ranges, [(0, 1), (1, 3), (1, 3), (3, 6), (3, 6), (3, 6)]);
    }
}
