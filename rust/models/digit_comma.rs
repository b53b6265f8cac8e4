//! DigitComma: the rule transformers' Python XLNet-family classes (CpmTokenizer) apply to the pieces of
//! an inner SentencePiece model. A piece of two or more chars that ends in "," after a digit is segmented
//! again: its text without the comma and without "▁", behind the "▁" the `sentencepiece` library puts in
//! front (its dummy prefix), that "▁" taken off again when the piece had none; then the comma as a piece
//! of its own. A piece the inner vocabulary lacks takes the unknown id. tokenizers has no such model:
//! `"type": "DigitComma"` in tokenizer.json is ferrotok's own.

use super::Model;
use crate::error::{Error, Result};
use crate::json::{field, req, Obj};
use crate::kernel::Token;

const PREFIX: char = '▁';

#[derive(Debug, Clone)]
pub struct DigitComma {
    inner: Box<Model>,
    unk_id: u32,
}

/// Python's `str.isdigit`: decimal digits, and the digits of Numeric_Type=Digit (superscripts, circled
/// digits, ...; Unicode 14, Python 3.11's tables).
fn is_py_digit(c: char) -> bool {
    const DIGITS: [(u32, u32); 20] = [
        (0xB2, 0xB3),
        (0xB9, 0xB9),
        (0x1369, 0x1371),
        (0x19DA, 0x19DA),
        (0x2070, 0x2070),
        (0x2074, 0x2079),
        (0x2080, 0x2089),
        (0x2460, 0x2468),
        (0x2474, 0x247C),
        (0x2488, 0x2490),
        (0x24EA, 0x24EA),
        (0x24F5, 0x24FD),
        (0x24FF, 0x24FF),
        (0x2776, 0x277E),
        (0x2780, 0x2788),
        (0x278A, 0x2792),
        (0x10A40, 0x10A43),
        (0x10E60, 0x10E68),
        (0x11052, 0x1105A),
        (0x1F100, 0x1F10A),
    ];
    use unicode_general_category::{get_general_category, GeneralCategory};
    get_general_category(c) == GeneralCategory::DecimalNumber
        || DIGITS.iter().any(|&(a, b)| (a..=b).contains(&u32::from(c)))
}

/// Whether the rule re-segments `piece`: two or more chars, the last a comma after a digit.
fn splits(piece: &str) -> bool {
    let mut rev = piece.chars().rev();
    matches!((rev.next(), rev.next()), (Some(','), Some(d)) if is_py_digit(d))
}

impl DigitComma {
    pub fn new(inner: Model) -> Result<Self> {
        let unk_id = match &inner {
            Model::Unigram(u) => u.unk_id,
            other => other.token_to_id("<unk>"),
        }
        .ok_or_else(|| Error::config("", "model.model", "the inner model has no unknown token"))?;
        Ok(DigitComma {
            inner: Box::new(inner),
            unk_id,
        })
    }

    /// A tokenizer.json `model` object: `model` (the inner model).
    pub fn from_json(o: &Obj, parent: &str) -> Result<Self> {
        Self::new(Model::from_json(
            req(o, "model", parent)?,
            &field(parent, "model"),
        )?)
    }

    fn id_of(&self, piece: &str) -> u32 {
        self.inner.token_to_id(piece).unwrap_or(self.unk_id)
    }

    /// Append the tokens of `word`; offsets are byte offsets into `word`.
    pub fn tokenize(&self, word: &str, out: &mut Vec<Token>) -> Result<()> {
        let start = out.len();
        self.inner.tokenize(word, out)?;
        if !out[start..]
            .iter()
            .any(|t| splits(self.inner.token_value(word, t)))
        {
            return Ok(());
        }
        let tokens: Vec<Token> = out.drain(start..).collect();
        let mut again = Vec::new();
        let mut body = String::new();
        for t in tokens {
            let piece = self.inner.token_value(word, &t);
            if !splits(piece) {
                out.push(t);
                continue;
            }
            let (s, e) = (t.offsets.0, t.offsets.1);
            let comma = e.saturating_sub(1).max(s);
            body.clear();
            body.push(PREFIX);
            body.extend(piece[..piece.len() - 1].chars().filter(|&c| c != PREFIX));
            again.clear();
            self.inner.tokenize(&body, &mut again)?;
            let had_prefix = piece.starts_with(PREFIX);
            for (k, r) in again.iter().enumerate() {
                let mut text = self.inner.token_value(&body, r);
                if k == 0 && !had_prefix {
                    text = text.strip_prefix(PREFIX).unwrap_or(text);
                    if text.is_empty() {
                        continue;
                    }
                }
                let id = if k == 0 && !had_prefix {
                    self.id_of(text)
                } else {
                    r.id
                };
                // The re-segmented text lies within the piece before its comma.
                out.push(Token {
                    id,
                    offsets: (s, comma),
                });
            }
            out.push(Token {
                id: self.id_of(","),
                offsets: (comma, e),
            });
        }
        Ok(())
    }

    pub fn token_to_id(&self, token: &str) -> Option<u32> {
        self.inner.token_to_id(token)
    }

    pub fn id_to_token(&self, id: u32) -> Option<&str> {
        self.inner.id_to_token(id)
    }

    pub fn vocab_size(&self) -> usize {
        self.inner.vocab_size()
    }

    pub fn vocab(&self) -> Vec<(&str, u32)> {
        self.inner.vocab()
    }

    /// The unknown id (what a piece outside the vocabulary maps to).
    pub fn unk_id(&self) -> u32 {
        self.unk_id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> DigitComma {
        let o = serde_json::json!({"type": "DigitComma", "model": {"type": "Unigram", "unk_id": 0,
            "vocab": [["<unk>", 0.0], ["▁", -3.0], ["▁12,", -1.0], ["▁12", -2.0], ["12", -2.5],
                      [",", -2.0], ["1", -4.0], ["2", -4.0], ["a", -3.0], ["a12,", -1.0], ["▁a", -1.0],
                      ["b", -3.0], ["12,", -1.0]]}});
        DigitComma::from_json(o.as_object().unwrap(), "model").unwrap()
    }

    fn pieces(m: &DigitComma, w: &str) -> Vec<String> {
        let mut out = Vec::new();
        m.tokenize(w, &mut out).unwrap();
        out.iter()
            .map(|t| m.id_to_token(t.id).unwrap().to_string())
            .collect()
    }

    #[test]
    fn digit_comma_pieces_are_segmented_again() {
        let m = model();
        assert_eq!(pieces(&m, "▁12,"), ["▁12", ","]);
        // No "▁" in the piece: the dummy prefix comes off the first piece again ("▁12" → "12")...
        assert_eq!(pieces(&m, "▁a12,"), ["▁a", "12", ","]);
        // ... or the piece "▁" is dropped.
        assert_eq!(pieces(&m, "▁ba12,"), ["▁", "b", "a", "12", ","]);
        assert_eq!(pieces(&m, "▁a"), ["▁a"]);
        assert!(splits("1,") && splits("²,") && !splits(",") && !splits("a,") && !splits("½,"));
    }
}
