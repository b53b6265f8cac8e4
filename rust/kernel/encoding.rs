//! `Encoding`: the per-token output of the pipeline for one input (one sequence or a pair), with
//! Hugging Face's merge, truncation (stride/overflow) and padding semantics.

use crate::kernel::TokenBuffer;

/// Spare capacity left in fresh token vectors for the special tokens added around them.
pub const SPECIAL_SLACK: usize = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Left,
    Right,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Encoding {
    pub ids: Vec<u32>,
    pub type_ids: Vec<u32>,
    /// Offsets in the original text of the token's own sequence (bytes inside the engine; the tokenizer
    /// converts them to chars on request).
    pub offsets: Vec<(usize, usize)>,
    pub special_tokens_mask: Vec<u32>,
    pub attention_mask: Vec<u32>,
    pub word_ids: Vec<Option<u32>>,
    /// Which input sequence (0 or 1) a token comes from; `None` for special and pad tokens.
    pub sequence_ids: Vec<Option<u32>>,
    /// Sparse token-text overrides (see `TokenBuffer::texts`), by position.
    pub texts: Vec<(usize, String)>,
    pub overflowing: Vec<Encoding>,
}

impl Encoding {
    pub fn with_capacity(n: usize) -> Self {
        Encoding {
            ids: Vec::with_capacity(n),
            type_ids: Vec::with_capacity(n),
            offsets: Vec::with_capacity(n),
            special_tokens_mask: Vec::with_capacity(n),
            attention_mask: Vec::with_capacity(n),
            word_ids: Vec::with_capacity(n),
            sequence_ids: Vec::with_capacity(n),
            texts: Vec::new(),
            overflowing: Vec::new(),
        }
    }

    /// The model tokens of sequence `seq` (0 or 1, also its type id), no special tokens.
    pub fn from_tokens(buf: TokenBuffer, seq: u32) -> Self {
        // Room for the special tokens a template adds, so it can work in place.
        Encoding::from_tokens_with_room(buf, seq, SPECIAL_SLACK)
    }

    /// `from_tokens` with capacity for `room` more tokens in the vectors it makes.
    pub fn from_tokens_with_room(buf: TokenBuffer, seq: u32, room: usize) -> Self {
        let n = buf.ids.len();
        fn filled<T: Clone>(x: T, n: usize, room: usize) -> Vec<T> {
            let mut v = Vec::with_capacity(n + room);
            v.resize(n, x);
            v
        }
        Encoding {
            ids: buf.ids,
            type_ids: filled(seq, n, room),
            offsets: buf.offsets,
            special_tokens_mask: filled(0, n, room),
            attention_mask: filled(1, n, room),
            word_ids: buf.words,
            sequence_ids: filled(Some(seq), n, room),
            texts: buf.texts,
            overflowing: Vec::new(),
        }
    }

    /// `n` special tokens (`ids`) with the given type id: offsets (0, 0), no word, no sequence.
    pub fn special(ids: &[u32], type_id: u32) -> Self {
        let mut e = Encoding::with_capacity(ids.len());
        e.append_special(ids, type_id);
        e
    }

    /// Make the tokens that belong to a sequence (not special or pad tokens) part of sequence `seq`,
    /// overflowing windows included.
    pub fn set_sequence_ids(&mut self, seq: u32) {
        for s in self.sequence_ids.iter_mut().flatten() {
            *s = seq;
        }
        for o in &mut self.overflowing {
            o.set_sequence_ids(seq);
        }
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// The token string at `i`: the matched text for overridden added tokens, else `vocab`'s string.
    pub fn token<'a>(&'a self, i: usize, vocab: &'a dyn crate::kernel::TokenLookup) -> &'a str {
        if let Some((_, t)) = self.texts.iter().find(|(p, _)| *p == i) {
            return t;
        }
        self.ids
            .get(i)
            .and_then(|&id| vocab.token(id))
            .unwrap_or_default()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Append the tokens of `e` as sequence `seq` with type id `type_id` (overflowing windows ignored).
    pub fn append_sequence(&mut self, e: &Encoding, seq: u32, type_id: u32) {
        let n = e.len();
        let base = self.ids.len();
        self.ids.extend_from_slice(&e.ids);
        self.type_ids.extend(std::iter::repeat_n(type_id, n));
        self.offsets.extend_from_slice(&e.offsets);
        self.special_tokens_mask
            .extend_from_slice(&e.special_tokens_mask);
        self.attention_mask.extend_from_slice(&e.attention_mask);
        self.word_ids.extend_from_slice(&e.word_ids);
        self.sequence_ids.extend(std::iter::repeat_n(Some(seq), n));
        self.texts
            .extend(e.texts.iter().map(|(i, t)| (i + base, t.clone())));
    }

    /// Put special tokens before ours: offsets (0, 0), no word, no sequence. In place (append, then
    /// rotate), so a template's [CLS] costs no temporary vectors.
    pub fn prepend_special(&mut self, ids: &[u32], type_id: u32) {
        let n = ids.len();
        if n == 0 {
            return;
        }
        fn front<T>(v: &mut Vec<T>, mut items: impl Iterator<Item = T>, n: usize) {
            // One token (a [CLS], a <s>) is a plain insert: one memmove, where the general
            // rotation costs several times more.
            if n == 1 {
                if let Some(x) = items.next() {
                    v.insert(0, x);
                }
                return;
            }
            v.extend(items);
            v.rotate_right(n);
        }
        front(&mut self.ids, ids.iter().copied(), n);
        front(&mut self.type_ids, std::iter::repeat_n(type_id, n), n);
        front(&mut self.offsets, std::iter::repeat_n((0, 0), n), n);
        front(&mut self.special_tokens_mask, std::iter::repeat_n(1, n), n);
        front(&mut self.attention_mask, std::iter::repeat_n(1, n), n);
        front(&mut self.word_ids, std::iter::repeat_n(None, n), n);
        front(&mut self.sequence_ids, std::iter::repeat_n(None, n), n);
        self.texts.iter_mut().for_each(|(i, _)| *i += n);
    }

    /// Append special tokens: offsets (0, 0), no word, no sequence.
    pub fn append_special(&mut self, ids: &[u32], type_id: u32) {
        let n = ids.len();
        self.ids.extend_from_slice(ids);
        self.type_ids.extend(std::iter::repeat_n(type_id, n));
        self.offsets.extend(std::iter::repeat_n((0, 0), n));
        self.special_tokens_mask.extend(std::iter::repeat_n(1, n));
        self.attention_mask.extend(std::iter::repeat_n(1, n));
        self.word_ids.extend(std::iter::repeat_n(None, n));
        self.sequence_ids.extend(std::iter::repeat_n(None, n));
    }

    /// Mark every token (overflowing parts too) as coming from sequence `seq` with type id `type_id`.
    /// Hugging Face's template sets the type id of the encoding itself only: its overflow windows keep
    /// the type id they were encoded with (0 for the first sequence, 1 for the second), which shows
    /// when a pair template gives the second sequence another type id (T5, XLM-R: 0).
    pub fn set_sequence(&mut self, seq: u32, type_id: u32) {
        self.type_ids.iter_mut().for_each(|t| *t = type_id);
        self.sequence_ids.iter_mut().for_each(|s| *s = Some(seq));
        for o in &mut self.overflowing {
            o.sequence_ids.iter_mut().for_each(|s| *s = Some(seq));
        }
    }

    /// Keep `max_len` tokens (the first ones for `Right`) and drop the rest without building overflow
    /// windows: for callers that do not return them.
    pub fn cut(&mut self, max_len: usize, direction: Direction) {
        let len = self.ids.len();
        if max_len >= len {
            return;
        }
        fn keep<T>(v: &mut Vec<T>, r: std::ops::Range<usize>) {
            v.truncate(r.end);
            v.drain(..r.start.min(v.len()));
        }
        let r = match direction {
            Direction::Right => 0..max_len,
            Direction::Left => len - max_len..len,
        };
        keep(&mut self.ids, r.clone());
        keep(&mut self.type_ids, r.clone());
        keep(&mut self.offsets, r.clone());
        keep(&mut self.special_tokens_mask, r.clone());
        keep(&mut self.attention_mask, r.clone());
        keep(&mut self.word_ids, r.clone());
        keep(&mut self.sequence_ids, r.clone());
        self.texts.retain(|(i, _)| r.contains(i));
        self.texts.iter_mut().for_each(|(i, _)| *i -= r.start);
        self.overflowing.clear();
    }

    fn slice(&self, r: std::ops::Range<usize>) -> Encoding {
        Encoding {
            ids: self.ids[r.clone()].to_vec(),
            type_ids: self.type_ids[r.clone()].to_vec(),
            offsets: self.offsets[r.clone()].to_vec(),
            special_tokens_mask: self.special_tokens_mask[r.clone()].to_vec(),
            attention_mask: self.attention_mask[r.clone()].to_vec(),
            word_ids: self.word_ids[r.clone()].to_vec(),
            sequence_ids: self.sequence_ids[r.clone()].to_vec(),
            texts: self
                .texts
                .iter()
                .filter(|(i, _)| r.contains(i))
                .map(|(i, t)| (i - r.start, t.clone()))
                .collect(),
            overflowing: Vec::new(),
        }
    }

    fn extend(&mut self, other: &Encoding, offset_shift: usize) {
        let base = self.ids.len();
        self.texts
            .extend(other.texts.iter().map(|(i, t)| (i + base, t.clone())));
        self.ids.extend_from_slice(&other.ids);
        self.type_ids.extend_from_slice(&other.type_ids);
        self.offsets.extend(
            other
                .offsets
                .iter()
                .map(|&(s, e)| (s + offset_shift, e + offset_shift)),
        );
        self.special_tokens_mask
            .extend_from_slice(&other.special_tokens_mask);
        self.attention_mask.extend_from_slice(&other.attention_mask);
        self.word_ids.extend_from_slice(&other.word_ids);
        self.sequence_ids.extend_from_slice(&other.sequence_ids);
    }

    /// Append `pair` after `self`. Overflowing parts are combined like Hugging Face does: each of ours with
    /// the pair and with each of the pair's overflows, then ourself with each of the pair's overflows.
    pub fn merge_with(&mut self, pair: Encoding, growing_offsets: bool) {
        let mut overflowings = Vec::new();
        for o in &self.overflowing {
            let mut n = o.clone();
            n.merge_with(pair.clone(), growing_offsets);
            overflowings.push(n);
            for po in &pair.overflowing {
                let mut n = o.clone();
                n.merge_with(po.clone(), growing_offsets);
                overflowings.push(n);
            }
        }
        for po in &pair.overflowing {
            let mut n = self.clone();
            n.overflowing.clear();
            n.merge_with(po.clone(), growing_offsets);
            overflowings.push(n);
        }
        let shift = if growing_offsets {
            self.offsets.last().map_or(0, |o| o.1)
        } else {
            0
        };
        self.extend(&pair, shift);
        self.overflowing = overflowings;
    }

    /// Concatenate encodings (used for pre-tokenized input, one encoding per word).
    pub fn merge(encodings: Vec<Encoding>, growing_offsets: bool) -> Encoding {
        let mut out = Encoding::default();
        for e in encodings {
            out.merge_with(e, growing_offsets);
        }
        out
    }

    /// Keep at most `max_len` tokens; the rest goes to `overflowing` in windows that repeat `stride`
    /// tokens of the previous window. `stride < max_len` must hold (checked by the caller).
    pub fn truncate(&mut self, max_len: usize, stride: usize, direction: Direction) {
        let len = self.ids.len();
        if max_len >= len {
            return;
        }
        if max_len == 0 {
            let whole = std::mem::take(self);
            self.overflowing.push(whole);
            return;
        }
        let step = max_len.saturating_sub(stride).max(1);
        let mut ranges = Vec::new();
        match direction {
            Direction::Right => {
                let mut start = 0;
                while start < len {
                    let stop = (start + max_len).min(len);
                    ranges.push(start..stop);
                    if stop == len {
                        break;
                    }
                    start += step;
                }
            }
            Direction::Left => {
                let mut stop = len;
                loop {
                    let start = stop.saturating_sub(max_len);
                    ranges.push(start..stop);
                    if start == 0 || stop <= step {
                        break;
                    }
                    stop -= step;
                }
            }
        }
        let mut parts = ranges.into_iter().map(|r| self.slice(r));
        let Some(mut first) = parts.next() else {
            return;
        };
        first.overflowing = parts.collect();
        *self = first;
    }

    /// Pad to `target` tokens (overflowing parts too), like Hugging Face: pad tokens have attention 0 and
    /// special-token mask 1.
    pub fn pad(&mut self, target: usize, pad_id: u32, pad_type_id: u32, direction: Direction) {
        for o in &mut self.overflowing {
            o.pad(target, pad_id, pad_type_id, direction);
        }
        let len = self.ids.len();
        if len >= target {
            return;
        }
        let n = target - len;
        match direction {
            Direction::Right => {
                self.ids.extend(std::iter::repeat_n(pad_id, n));
                self.type_ids.extend(std::iter::repeat_n(pad_type_id, n));
                self.offsets.extend(std::iter::repeat_n((0, 0), n));
                self.special_tokens_mask.extend(std::iter::repeat_n(1, n));
                self.attention_mask.extend(std::iter::repeat_n(0, n));
                self.word_ids.extend(std::iter::repeat_n(None, n));
                self.sequence_ids.extend(std::iter::repeat_n(None, n));
            }
            Direction::Left => {
                fn prepend<T: Clone>(v: &mut Vec<T>, x: T, n: usize) {
                    v.splice(0..0, std::iter::repeat_n(x, n));
                }
                prepend(&mut self.ids, pad_id, n);
                prepend(&mut self.type_ids, pad_type_id, n);
                prepend(&mut self.offsets, (0, 0), n);
                prepend(&mut self.special_tokens_mask, 1, n);
                prepend(&mut self.attention_mask, 0, n);
                prepend(&mut self.word_ids, None, n);
                prepend(&mut self.sequence_ids, None, n);
                self.texts.iter_mut().for_each(|(i, _)| *i += n);
            }
        }
    }

    /// Rewrite byte offsets as char offsets of `text` (the sequence's own original text).
    pub fn bytes_to_chars(&mut self, text: &str, seq: Option<u32>) {
        // Most texts are ASCII throughout: one vectorised check, without a pass over the offsets, unless
        // the text is much longer than its tokens cover (a long text truncated early).
        if text.len() <= 64 * (self.offsets.len() + 1) && text.is_ascii() {
            return;
        }
        // Only the text up to the last offset matters.
        let reach = self.offsets.iter().map(|o| o.1).max().unwrap_or(0);
        let overflow_reach = self
            .overflowing
            .iter()
            .flat_map(|o| &o.offsets)
            .map(|o| o.1);
        let reach = overflow_reach.fold(reach, usize::max).min(text.len());
        if text.as_bytes().get(..reach).is_none_or(|b| b.is_ascii()) {
            return;
        }
        // A prefix count of char starts over the bytes the offsets reach (one pass, a few
        // instructions a byte), then two loads per offset; reused across calls.
        CHAR_STARTS.with(|cell| {
            let mut fresh = Vec::new();
            let mut guard = cell.try_borrow_mut();
            let starts = match guard.as_mut() {
                Ok(v) => &mut **v,
                Err(_) => &mut fresh,
            };
            let bytes = text.as_bytes();
            let covered = bytes
                .get(..(reach + 1).min(bytes.len()))
                .unwrap_or_default();
            starts.clear();
            starts.resize(covered.len() + 1, 0);
            let mut n = 0u32;
            for (slot, &b) in starts.iter_mut().skip(1).zip(covered) {
                n += u32::from((b as i8) >= -0x40);
                *slot = n;
            }
            // Index of the char holding byte `b`; the char count at or past the end.
            let index = |b: usize| match starts.get(b + 1) {
                Some(&k) => (k as usize).saturating_sub(1),
                None => CharOffsets::new(text).index(b),
            };
            for (o, s) in self.offsets.iter_mut().zip(&self.sequence_ids) {
                if seq.is_none() || *s == seq {
                    let start = index(o.0);
                    *o = if o.1 <= o.0 {
                        (start, start)
                    } else {
                        (start, index(o.1 - 1) + 1)
                    };
                }
            }
        });
        for o in &mut self.overflowing {
            o.bytes_to_chars(text, seq);
        }
    }
}

thread_local! {
    /// `bytes_to_chars`' count of char starts before each byte.
    static CHAR_STARTS: std::cell::RefCell<Vec<u32>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Byte offset → char offset for one text, by a cursor that walks to each offset asked for: offsets
/// of one sequence mostly ascend, so converting all of them costs about one pass over the text they
/// cover, and nothing is allocated.
pub struct CharOffsets<'a> {
    text: &'a [u8],
    /// Byte the cursor is on, and the index of the char holding it.
    byte: usize,
    char: usize,
}

impl<'a> CharOffsets<'a> {
    pub fn new(text: &'a str) -> Self {
        CharOffsets {
            text: text.as_bytes(),
            byte: 0,
            char: 0,
        }
    }

    /// Index of the char holding byte `b`; the char count for `b` at or past the end.
    fn index(&mut self, b: usize) -> usize {
        let starts = |r: &[u8]| r.iter().filter(|&&x| (x & 0xC0) != 0x80).count();
        if b >= self.text.len() {
            return starts(self.text);
        }
        if b >= self.byte {
            self.char += starts(self.text.get(self.byte + 1..=b).unwrap_or_default());
        } else {
            self.char -= starts(self.text.get(b + 1..=self.byte).unwrap_or_default());
        }
        self.byte = b;
        self.char
    }

    /// (start, end) bytes → chars: the start's char index, and one past the char holding byte `end - 1`.
    pub fn convert(&mut self, (s, e): (usize, usize)) -> (usize, usize) {
        let start = self.index(s);
        if e <= s {
            return (start, start);
        }
        (start, self.index(e - 1) + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc(n: u32) -> Encoding {
        let mut b = TokenBuffer::default();
        for i in 0..n {
            b.push(i, (i as usize, i as usize + 1), Some(i));
        }
        Encoding::from_tokens(b, 0)
    }

    #[test]
    fn truncate_right_with_stride() {
        let mut e = enc(10);
        e.truncate(4, 1, Direction::Right);
        assert_eq!(e.ids, [0, 1, 2, 3]);
        let o: Vec<Vec<u32>> = e.overflowing.iter().map(|o| o.ids.clone()).collect();
        assert_eq!(o, vec![vec![3, 4, 5, 6], vec![6, 7, 8, 9]]);
    }

    #[test]
    fn truncate_left_with_stride() {
        let mut e = enc(10);
        e.truncate(4, 1, Direction::Left);
        assert_eq!(e.ids, [6, 7, 8, 9]);
        let o: Vec<Vec<u32>> = e.overflowing.iter().map(|o| o.ids.clone()).collect();
        assert_eq!(o, vec![vec![3, 4, 5, 6], vec![0, 1, 2, 3]]);
    }

    #[test]
    fn char_offsets() {
        let mut c = CharOffsets::new("aé中b");
        assert_eq!(c.convert((0, 1)), (0, 1));
        assert_eq!(c.convert((1, 3)), (1, 2));
        assert_eq!(c.convert((3, 6)), (2, 3));
        assert_eq!(c.convert((6, 7)), (3, 4));
        assert_eq!(c.convert((2, 3)), (1, 2));
        assert_eq!(c.convert((7, 7)), (4, 4));
        assert_eq!(c.convert((0, 0)), (0, 0));
        assert_eq!(c.convert((9, 12)), (4, 5));
    }

    #[test]
    fn bytes_to_chars_agrees_with_the_cursor() {
        let text = "aé中b 😀東京x";
        let bounds: Vec<usize> = text
            .char_indices()
            .map(|(i, _)| i)
            .chain([text.len()])
            .collect();
        let mut b = TokenBuffer::default();
        let mut want = Vec::new();
        let mut conv = CharOffsets::new(text);
        // Every pair of char boundaries, in an order that goes back and forth, and empty ranges.
        for (k, &s) in bounds.iter().enumerate() {
            for &e in bounds.iter().skip(k).rev() {
                b.push(0, (s, e), None);
                want.push(conv.convert((s, e)));
            }
        }
        let mut e = Encoding::from_tokens(b, 0);
        e.bytes_to_chars(text, None);
        assert_eq!(e.offsets, want);
    }

    #[test]
    fn pad_left_and_right() {
        let mut e = enc(2);
        e.pad(4, 9, 0, Direction::Left);
        assert_eq!(e.ids, [9, 9, 0, 1]);
        assert_eq!(e.attention_mask, [0, 0, 1, 1]);
        assert_eq!(e.special_tokens_mask, [1, 1, 0, 0]);
    }
}
