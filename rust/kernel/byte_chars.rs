//! GPT-2's reversible byte ↔ printable char mapping, shared by the byte-level pre-tokenizer, BPE
//! and the byte-level decoder.

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
}
