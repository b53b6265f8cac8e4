//! The `once` rule (ByT5's `_add_eos_if_not_present`) on the overflow path: the windows of each
//! sequence are combined by `Encoding::merge`, after the template placed its special tokens, so the
//! rule is applied to each combined window afterwards.

use super::template::{Piece, Template};
use crate::kernel::Encoding;

impl Template {
    /// The single ids of the special tokens that follow a sequence in either layout.
    fn once_ids(&self) -> Vec<u32> {
        let mut ids = Vec::new();
        for pieces in [&self.single, &self.pair] {
            for w in pieces.windows(2) {
                if let [Piece::Sequence { .. }, Piece::Special { name, .. }] = w {
                    if let Some((_, [id], _)) = self
                        .special_tokens
                        .iter()
                        .find(|(n, _, _)| n == name)
                        .map(|(n, i, t)| (n, i.as_slice(), t))
                    {
                        ids.push(*id);
                    }
                }
            }
        }
        ids
    }

    /// Leave out, in `e` and each of its windows, a special token the template placed right after a
    /// sequence token with the same id.
    pub(super) fn drop_repeats(&self, e: &mut Encoding) {
        let ids = self.once_ids();
        if !ids.is_empty() {
            drop_repeats_of(e, &ids);
        }
    }
}

fn drop_repeats_of(e: &mut Encoding, ids: &[u32]) {
    for o in &mut e.overflowing {
        drop_repeats_of(o, ids);
    }
    let repeats = |i: usize| {
        i > 0
            && ids.contains(&e.ids[i])
            && e.ids[i - 1] == e.ids[i]
            && e.sequence_ids.get(i).is_some_and(Option::is_none)
            && e.special_tokens_mask.get(i) == Some(&1)
            && e.sequence_ids.get(i - 1).is_some_and(Option::is_some)
    };
    let keep: Vec<bool> = (0..e.ids.len()).map(|i| !repeats(i)).collect();
    if keep.iter().all(|&k| k) {
        return;
    }
    fn retain<T>(v: &mut Vec<T>, keep: &[bool]) {
        let mut k = keep.iter();
        v.retain(|_| k.next().copied().unwrap_or(true));
    }
    retain(&mut e.ids, &keep);
    retain(&mut e.type_ids, &keep);
    retain(&mut e.offsets, &keep);
    retain(&mut e.special_tokens_mask, &keep);
    retain(&mut e.attention_mask, &keep);
    retain(&mut e.word_ids, &keep);
    retain(&mut e.sequence_ids, &keep);
    // Positions after a dropped token move down.
    let mut new_position = Vec::with_capacity(keep.len());
    let mut at = 0;
    for &k in &keep {
        new_position.push(k.then_some(at));
        at += usize::from(k);
    }
    e.texts = std::mem::take(&mut e.texts)
        .into_iter()
        .filter_map(|(p, t)| new_position.get(p).copied().flatten().map(|p| (p, t)))
        .collect();
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn byt5() -> Template {
        let doc = json!({
            "type": "TemplateProcessing",
            "single": ["$A", "</s>"],
            "pair": ["$A", "</s>", "$B", "</s>"],
            "special_tokens": {"</s>": {"id": "</s>", "ids": [1], "tokens": ["</s>"]}},
            "once": true,
        });
        Template::from_json(doc.as_object().unwrap(), "post_processor").unwrap()
    }

    fn sequence(ids: &[u32]) -> Encoding {
        let mut e = Encoding::with_capacity(ids.len());
        for (k, &id) in ids.iter().enumerate() {
            e.ids.push(id);
            e.type_ids.push(0);
            e.offsets.push((k, k + 1));
            e.special_tokens_mask.push(0);
            e.attention_mask.push(1);
            e.word_ids.push(Some(k as u32));
            e.sequence_ids.push(Some(0));
        }
        e
    }

    struct NoVocab;
    impl crate::kernel::TokenLookup for NoVocab {
        fn token(&self, _: u32) -> Option<&str> {
            None
        }
    }

    #[test]
    fn windows_ending_with_the_token_get_no_second_one() {
        let t = byt5();
        let mut a = sequence(&[5, 6, 1, 7, 1]);
        a.truncate(3, 1, crate::kernel::Direction::Right);
        let out = t.apply_one(a, true, &NoVocab);
        let rows: Vec<Vec<u32>> = std::iter::once(&out)
            .chain(&out.overflowing)
            .map(|e| e.ids.clone())
            .collect();
        assert_eq!(rows, [vec![5, 6, 1], vec![1, 7, 1]]);
        assert!(std::iter::once(&out)
            .chain(&out.overflowing)
            .all(|e| e.sequence_ids.len() == e.ids.len() && e.type_ids.len() == e.ids.len()));
    }
}
