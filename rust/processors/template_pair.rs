//! A pair laid out in its first sequence's vectors: the common case of `Template::apply` for a pair,
//! without building one encoding per piece or a new one for the result.

use super::merge_sequences;
use super::template::{Piece, Template};
use crate::kernel::{Encoding, TokenLookup};

impl Template {
    /// A pair merged into one encoding, as `merge_sequences(apply(vec![a, b]))` gives it. Without overflow
    /// windows, and for a template that places A then B once each (BERT's, RoBERTa's, most), the special
    /// tokens and B's tokens go into `a`'s own vectors, which `Tokenizer::encode` sizes for the pair:
    /// no new vectors and no copy of A.
    pub fn apply_pair(
        &self,
        mut a: Encoding,
        b: Encoding,
        add_special_tokens: bool,
        vocab: &dyn TokenLookup,
    ) -> Encoding {
        let pieces = &self.pair;
        let at = |k: u32| {
            pieces
                .iter()
                .position(|p| matches!(p, Piece::Sequence { seq, .. } if *seq == k))
        };
        let sequences = pieces
            .iter()
            .filter(|p| matches!(p, Piece::Sequence { .. }))
            .count();
        let in_place = !self.once && a.overflowing.is_empty() && b.overflowing.is_empty();
        let (Some(at_a), Some(at_b), 2, true) = (at(0), at(1), sequences, in_place) else {
            return merge_sequences(self.apply(vec![a, b], add_special_tokens, vocab));
        };
        if at_b < at_a {
            return merge_sequences(self.apply(vec![a, b], add_special_tokens, vocab));
        }
        let mut b = b;
        if let Some(trim) = &self.trim {
            trim.trim_offsets(&mut a, vocab);
            trim.trim_offsets(&mut b, vocab);
        }
        if let Some(Piece::Sequence { seq, type_id }) = pieces.get(at_a) {
            a.type_ids.iter_mut().for_each(|t| *t = *type_id);
            a.sequence_ids.iter_mut().for_each(|s| *s = Some(*seq));
        }
        // Before A, last piece first: each one goes in front of the ones already placed.
        for p in pieces[..at_a].iter().rev() {
            if let Piece::Special { name, type_id } = p {
                if add_special_tokens {
                    self.add_special(&mut a, name, *type_id, true, vocab);
                }
            }
        }
        for p in &pieces[at_a + 1..] {
            match p {
                Piece::Sequence { seq, type_id } => a.append_sequence(&b, *seq, *type_id),
                Piece::Special { name, type_id } => {
                    if add_special_tokens {
                        self.add_special(&mut a, name, *type_id, false, vocab);
                    }
                }
            }
        }
        a
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn template(pair: serde_json::Value, once: bool) -> Template {
        let doc = json!({
            "type": "TemplateProcessing",
            "single": ["[CLS]", "$A", "[SEP]"],
            "pair": pair,
            "special_tokens": {
                "[CLS]": {"id": "[CLS]", "ids": [101], "tokens": ["[CLS]"]},
                "[SEP]": {"id": "[SEP]", "ids": [102], "tokens": ["[SEP]"]},
                "<x>": {"id": "<x>", "ids": [7, 8], "tokens": ["<x>", "<y>"]},
            },
            "once": once,
        });
        Template::from_json(doc.as_object().unwrap(), "post_processor").unwrap()
    }

    fn sequence(ids: &[u32], seq: u32) -> Encoding {
        let mut e = Encoding::with_capacity(ids.len());
        for (k, &id) in ids.iter().enumerate() {
            e.ids.push(id);
            e.type_ids.push(seq);
            e.offsets.push((k, k + 1));
            e.special_tokens_mask.push(0);
            e.attention_mask.push(1);
            e.word_ids.push(Some(k as u32));
            e.sequence_ids.push(Some(seq));
        }
        e
    }

    /// The special tokens' strings differ from the vocabulary's (none), so text overrides are made too.
    struct NoVocab;
    impl TokenLookup for NoVocab {
        fn token(&self, _: u32) -> Option<&str> {
            None
        }
    }

    #[test]
    fn in_place_layout_equals_the_general_one() {
        let layouts = [
            json!(["[CLS]", "$A", "[SEP]", "$B:1", "[SEP]:1"]),
            json!(["<x>", "[CLS]", "$A", "[SEP]", "[SEP]", "$B:1", "<x>:1"]),
            json!(["$A", "$B:1"]),
            json!(["$B:1", "[SEP]", "$A"]),
        ];
        let mut a = sequence(&[1, 2, 102], 0);
        a.texts.push((1, "two".into()));
        let b = sequence(&[3, 4, 5], 1);
        for layout in layouts {
            for once in [false, true] {
                let t = template(layout.clone(), once);
                for add in [true, false] {
                    for (a, b) in [(a.clone(), b.clone()), (sequence(&[], 0), b.clone())] {
                        let general =
                            merge_sequences(t.apply(vec![a.clone(), b.clone()], add, &NoVocab));
                        let got = t.apply_pair(a, b, add, &NoVocab);
                        assert_eq!(got, general, "{layout} once={once} add={add}");
                    }
                }
            }
        }
    }

    #[test]
    fn overflowing_windows_take_the_general_path() {
        let t = template(json!(["[CLS]", "$A", "[SEP]", "$B:1", "[SEP]:1"]), false);
        let mut a = sequence(&[1, 2, 3, 4], 0);
        a.truncate(2, 0, crate::kernel::Direction::Right);
        let b = sequence(&[5], 1);
        let general = merge_sequences(t.apply(vec![a.clone(), b.clone()], true, &NoVocab));
        let got = t.apply_pair(a, b, true, &NoVocab);
        assert_eq!(got, general);
        assert_eq!(got.overflowing.len(), 1);
    }
}
