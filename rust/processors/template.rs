//! TemplateProcessing, and BertProcessing / RobertaProcessing expressed as fixed templates.

use super::{ByteLevelProcessor, TokenLookup};
use crate::error::{Error, Result};
use crate::json::{as_array, as_obj, as_u32, field, index, opt_bool, req, req_array, req_str, Obj};
use crate::kernel::Encoding;
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// Input sequence 0 (`$A`) or 1 (`$B`).
    Sequence { seq: u32, type_id: u32 },
    /// A special token (it may stand for several ids) by name.
    Special { name: String, type_id: u32 },
}

#[derive(Debug, Clone)]
pub struct Template {
    pub single: Vec<Piece>,
    pub pair: Vec<Piece>,
    /// name → (ids, tokens), in declaration order (kept for serialization).
    pub special_tokens: Vec<(String, Vec<u32>, Vec<String>)>,
    /// RobertaProcessing trims offsets like the ByteLevel processor before adding tokens.
    pub trim: Option<ByteLevelProcessor>,
    /// ferrotok's own `"once": true` (ByT5's `_add_eos_if_not_present` in transformers): a one-id special
    /// token right after a sequence is left out when that sequence already ends with its id.
    pub once: bool,
}

fn parse_piece(v: &Value, f: &str) -> Result<Piece> {
    if let Some(s) = v.as_str() {
        return parse_piece_str(s, f);
    }
    let o = as_obj(v, f)?;
    if let Some(s) = o.get("Sequence") {
        let ff = field(f, "Sequence");
        let so = as_obj(s, &ff)?;
        let seq = match req_str(so, "id", &ff)? {
            "A" => 0,
            "B" => 1,
            other => {
                return Err(Error::config(
                    "",
                    field(&ff, "id"),
                    format!("expected A or B, found `{other}`"),
                ))
            }
        };
        let type_id = as_u32(req(so, "type_id", &ff)?, &field(&ff, "type_id"))?;
        return Ok(Piece::Sequence { seq, type_id });
    }
    if let Some(s) = o.get("SpecialToken") {
        let ff = field(f, "SpecialToken");
        let so = as_obj(s, &ff)?;
        let name = req_str(so, "id", &ff)?.to_string();
        let type_id = as_u32(req(so, "type_id", &ff)?, &field(&ff, "type_id"))?;
        return Ok(Piece::Special { name, type_id });
    }
    Err(Error::config(
        "",
        f,
        "expected a Sequence or SpecialToken piece",
    ))
}

/// The string form of Hugging Face's template language: `$A`, `$B:1`, `[CLS]`, `[SEP]:1`.
fn parse_piece_str(s: &str, f: &str) -> Result<Piece> {
    let (body, type_id) = match s.rsplit_once(':') {
        Some((b, t)) if !b.is_empty() => match t.parse::<u32>() {
            Ok(n) => (b, Some(n)),
            Err(_) => (s, None),
        },
        _ => (s, None),
    };
    match body {
        "$A" | "$0" | "$" => Ok(Piece::Sequence {
            seq: 0,
            type_id: type_id.unwrap_or(0),
        }),
        "$B" | "$1" => Ok(Piece::Sequence {
            seq: 1,
            type_id: type_id.unwrap_or(0),
        }),
        _ if body.starts_with('$') => {
            Err(Error::config("", f, format!("bad template piece `{s}`")))
        }
        _ => Ok(Piece::Special {
            name: body.to_string(),
            type_id: type_id.unwrap_or(0),
        }),
    }
}

fn parse_pieces(v: &Value, f: &str) -> Result<Vec<Piece>> {
    if let Some(s) = v.as_str() {
        return s
            .split_whitespace()
            .map(|p| parse_piece_str(p, f))
            .collect();
    }
    as_array(v, f)?
        .iter()
        .enumerate()
        .map(|(i, p)| parse_piece(p, &index(f, i)))
        .collect()
}

/// `["[SEP]", 102]` as used by BertProcessing / RobertaProcessing.
fn token_pair(o: &Obj, key: &str, f: &str) -> Result<(String, u32)> {
    let ff = field(f, key);
    let a = req_array(o, key, f)?;
    match a.as_slice() {
        [Value::String(s), id] => Ok((s.clone(), as_u32(id, &index(&ff, 1))?)),
        _ => Err(Error::config("", ff, "expected [token, id]")),
    }
}

impl Template {
    pub fn from_json(o: &Obj, f: &str) -> Result<Self> {
        let single = parse_pieces(req(o, "single", f)?, &field(f, "single"))?;
        let pair = parse_pieces(req(o, "pair", f)?, &field(f, "pair"))?;
        let mut special_tokens = Vec::new();
        let sf = field(f, "special_tokens");
        if let Some(st) = o.get("special_tokens") {
            let so = as_obj(st, &sf)?;
            for (name, v) in so {
                let ef = field(&sf, name);
                let eo = as_obj(v, &ef)?;
                let ids = req_array(eo, "ids", &ef)?
                    .iter()
                    .enumerate()
                    .map(|(i, x)| as_u32(x, &index(&field(&ef, "ids"), i)))
                    .collect::<Result<Vec<_>>>()?;
                let tokens = match eo.get("tokens") {
                    Some(t) => as_array(t, &field(&ef, "tokens"))?
                        .iter()
                        .map(|x| x.as_str().unwrap_or_default().to_string())
                        .collect(),
                    None => Vec::new(),
                };
                if !tokens.is_empty() && tokens.len() != ids.len() {
                    return Err(Error::config("", ef, "`ids` and `tokens` differ in length"));
                }
                special_tokens.push((name.clone(), ids, tokens));
            }
        }
        let t = Template {
            single,
            pair,
            special_tokens,
            trim: None,
            once: opt_bool(o, "once", f, false)?,
        };
        t.check(f)?;
        Ok(t)
    }

    /// Every special token a template names must be declared, and `pair` must use both sequences.
    fn check(&self, f: &str) -> Result<()> {
        for (which, pieces) in [("single", &self.single), ("pair", &self.pair)] {
            for p in pieces {
                if let Piece::Special { name, .. } = p {
                    if self.ids(name).is_none() {
                        return Err(Error::config(
                            "",
                            field(f, which),
                            format!(
                                "template names special token `{name}` missing from special_tokens"
                            ),
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    /// Whether special token `name`, placed right after the sequence `before`, is left out (`once`).
    fn repeats(&self, name: &str, before: Option<&Encoding>) -> bool {
        self.once
            && matches!(
                (self.ids(name), before.and_then(|e| e.ids.last())),
                (Some([id]), Some(last)) if id == last
            )
    }

    fn ids(&self, name: &str) -> Option<&[u32]> {
        self.special_tokens
            .iter()
            .find(|(n, _, _)| n == name)
            .map(|(_, ids, _)| ids.as_slice())
    }

    /// Add special token `name` at the end of `e` (at the front with `front`). Its token strings are
    /// the template's own, as in Hugging Face: where one differs from its id's string in `vocab` (an
    /// NLLB language code outside the vocabulary stands for the unknown id), it becomes a text override.
    pub(super) fn add_special(
        &self,
        e: &mut Encoding,
        name: &str,
        type_id: u32,
        front: bool,
        vocab: &dyn TokenLookup,
    ) {
        let Some((_, ids, tokens)) = self.special_tokens.iter().find(|(n, _, _)| n == name) else {
            return;
        };
        let base = if front { 0 } else { e.len() };
        if front {
            e.prepend_special(ids, type_id);
        } else {
            e.append_special(ids, type_id);
        }
        let differs = |(&id, t): (&u32, &String)| vocab.token(id) != Some(t.as_str());
        if !ids.iter().zip(tokens).any(differs) {
            return;
        }
        let overrides = ids
            .iter()
            .zip(tokens)
            .enumerate()
            .filter(|&(_, pair)| differs(pair))
            .map(|(k, (_, t))| (base + k, t.clone()));
        if front {
            e.texts.splice(0..0, overrides);
        } else {
            e.texts.extend(overrides);
        }
    }

    fn fixed(cls: (String, u32), sep: (String, u32), roberta: bool) -> Template {
        let sp = |n: &str, t| Piece::Special {
            name: n.to_string(),
            type_id: t,
        };
        let sq = |s, t| Piece::Sequence { seq: s, type_id: t };
        let (c, s) = (cls.0.clone(), sep.0.clone());
        let single = vec![sp(&c, 0), sq(0, 0), sp(&s, 0)];
        let pair = if roberta {
            vec![
                sp(&c, 0),
                sq(0, 0),
                sp(&s, 0),
                sp(&s, 0),
                sq(1, 0),
                sp(&s, 0),
            ]
        } else {
            vec![sp(&c, 0), sq(0, 0), sp(&s, 0), sq(1, 1), sp(&s, 1)]
        };
        let mut special_tokens = vec![(cls.0.clone(), vec![cls.1], vec![cls.0])];
        if sep.0 != c {
            special_tokens.push((sep.0.clone(), vec![sep.1], vec![sep.0]));
        }
        Template {
            single,
            pair,
            special_tokens,
            trim: None,
            once: false,
        }
    }

    pub fn bert_from_json(o: &Obj, f: &str) -> Result<Self> {
        Ok(Template::fixed(
            token_pair(o, "cls", f)?,
            token_pair(o, "sep", f)?,
            false,
        ))
    }

    pub fn roberta_from_json(o: &Obj, f: &str) -> Result<Self> {
        let mut t = Template::fixed(token_pair(o, "cls", f)?, token_pair(o, "sep", f)?, true);
        if opt_bool(o, "trim_offsets", f, true)? {
            t.trim = Some(ByteLevelProcessor {
                add_prefix_space: opt_bool(o, "add_prefix_space", f, true)?,
                trim_offsets: true,
            });
        }
        Ok(t)
    }

    pub fn added_tokens(&self, is_pair: bool) -> usize {
        let pieces = if is_pair { &self.pair } else { &self.single };
        pieces
            .iter()
            .map(|p| match p {
                Piece::Special { name, .. } => self.ids(name).map_or(0, |i| i.len()),
                Piece::Sequence { .. } => 0,
            })
            .sum()
    }

    /// Lay out the template: one encoding per piece (sequences keep their overflowing windows, so the
    /// final merge combines the windows of both sequences like Hugging Face).
    pub fn apply(
        &self,
        mut encodings: Vec<Encoding>,
        add_special_tokens: bool,
        vocab: &dyn TokenLookup,
    ) -> Vec<Encoding> {
        if let Some(trim) = &self.trim {
            for e in &mut encodings {
                trim.trim_offsets(e, vocab);
            }
        }
        let pieces = if encodings.len() >= 2 {
            &self.pair
        } else {
            &self.single
        };
        if encodings.iter().all(|e| e.overflowing.is_empty()) {
            if let [_] = encodings.as_slice() {
                if let Some(e) = encodings.pop() {
                    return vec![self.apply_single(pieces, e, add_special_tokens, vocab)];
                }
            }
            return vec![self.apply_flat(pieces, &encodings, add_special_tokens, vocab)];
        }
        let mut slots: Vec<Option<Encoding>> = encodings.into_iter().map(Some).collect();
        let mut out = Vec::with_capacity(pieces.len());
        for p in pieces {
            match p {
                Piece::Sequence { seq, type_id } => {
                    if let Some(mut e) = slots.get_mut(*seq as usize).and_then(Option::take) {
                        e.set_sequence(*seq, *type_id);
                        out.push(e);
                    }
                }
                Piece::Special { name, type_id } => {
                    if add_special_tokens && self.ids(name).is_some() {
                        let mut e = Encoding::default();
                        self.add_special(&mut e, name, *type_id, false, vocab);
                        out.push(e);
                    }
                }
            }
        }
        if self.once && add_special_tokens {
            // The rule needs each combined window (`template_once`).
            let mut merged = super::merge_sequences(out);
            self.drop_repeats(&mut merged);
            return vec![merged];
        }
        out
    }

    /// `apply` for one sequence: the same encoding, without a vector around it when there are no
    /// overflow windows.
    pub fn apply_one(
        &self,
        mut e: Encoding,
        add_special_tokens: bool,
        vocab: &dyn TokenLookup,
    ) -> Encoding {
        if !e.overflowing.is_empty() {
            return super::merge_sequences(self.apply(vec![e], add_special_tokens, vocab));
        }
        if let Some(trim) = &self.trim {
            trim.trim_offsets(&mut e, vocab);
        }
        self.apply_single(&self.single, e, add_special_tokens, vocab)
    }

    /// One sequence (the most common call): add the special tokens around its own vectors instead of
    /// copying everything into new ones.
    fn apply_single(
        &self,
        pieces: &[Piece],
        mut e: Encoding,
        add_special_tokens: bool,
        vocab: &dyn TokenLookup,
    ) -> Encoding {
        let at = pieces
            .iter()
            .position(|p| matches!(p, Piece::Sequence { seq: 0, .. }));
        let (Some(at), true) = (
            at,
            pieces
                .iter()
                .filter(|p| matches!(p, Piece::Sequence { .. }))
                .count()
                == 1,
        ) else {
            return self.apply_flat(pieces, std::slice::from_ref(&e), add_special_tokens, vocab);
        };
        if let Some(Piece::Sequence { seq, type_id }) = pieces.get(at) {
            e.type_ids.iter_mut().for_each(|t| *t = *type_id);
            e.sequence_ids.iter_mut().for_each(|s| *s = Some(*seq));
        }
        if !add_special_tokens {
            return e;
        }
        // Last piece first: each one goes in front of the ones already placed.
        for p in pieces[..at].iter().rev() {
            if let Piece::Special { name, type_id } = p {
                self.add_special(&mut e, name, *type_id, true, vocab);
            }
        }
        for (k, p) in pieces[at + 1..].iter().enumerate() {
            if let Piece::Special { name, type_id } = p {
                if k == 0 && self.repeats(name, Some(&e)) {
                    continue;
                }
                self.add_special(&mut e, name, *type_id, false, vocab);
            }
        }
        e
    }

    /// The common case (no overflowing windows): write the final encoding in one pass instead of
    /// building one encoding per piece and merging them.
    fn apply_flat(
        &self,
        pieces: &[Piece],
        encodings: &[Encoding],
        add_special_tokens: bool,
        vocab: &dyn TokenLookup,
    ) -> Encoding {
        let total = encodings.iter().map(Encoding::len).sum::<usize>()
            + self.added_tokens(encodings.len() >= 2);
        let mut out = Encoding::with_capacity(total);
        // The sequence the previous piece placed, if it was one (for `once`).
        let mut before = None;
        for p in pieces {
            match p {
                Piece::Sequence { seq, type_id } => {
                    before = encodings.get(*seq as usize);
                    if let Some(e) = before {
                        out.append_sequence(e, *seq, *type_id);
                    }
                }
                Piece::Special { name, type_id } => {
                    if add_special_tokens && !self.repeats(name, before) {
                        self.add_special(&mut out, name, *type_id, false, vocab);
                    }
                    before = None;
                }
            }
        }
        out
    }

    /// Serialize back to Hugging Face's TemplateProcessing schema.
    pub fn to_json(&self) -> Value {
        let piece = |p: &Piece| match p {
            Piece::Sequence { seq, type_id } => {
                serde_json::json!({"Sequence": {"id": if *seq == 0 {"A"} else {"B"}, "type_id": type_id}})
            }
            Piece::Special { name, type_id } => {
                serde_json::json!({"SpecialToken": {"id": name, "type_id": type_id}})
            }
        };
        let mut st = serde_json::Map::new();
        for (name, ids, tokens) in &self.special_tokens {
            st.insert(
                name.clone(),
                serde_json::json!({"id": name, "ids": ids, "tokens": tokens}),
            );
        }
        let mut document = serde_json::json!({
            "type": "TemplateProcessing",
            "single": self.single.iter().map(piece).collect::<Vec<_>>(),
            "pair": self.pair.iter().map(piece).collect::<Vec<_>>(),
            "special_tokens": st,
        });
        if self.once {
            document["once"] = Value::Bool(true);
        }
        document
    }
}
