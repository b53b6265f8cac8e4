//! Post-processors: add special tokens around one sequence or a pair, set type ids, and (byte-level)
//! trim offsets. They run after truncation and before padding.

pub mod byte_level;
pub mod template;
mod template_once;
mod template_pair;

pub use byte_level::ByteLevelProcessor;
pub use template::Template;

use crate::error::Result;
use crate::json::{as_array, as_obj, index, type_tag, unsupported};
use crate::kernel::{Encoding, TokenLookup};
use serde_json::Value;

#[derive(Debug, Clone)]
pub enum PostProcessor {
    /// TemplateProcessing, and BertProcessing / RobertaProcessing expressed as templates.
    Template(Template),
    ByteLevel(ByteLevelProcessor),
    Sequence(Vec<PostProcessor>),
}

impl PostProcessor {
    /// Parse a `post_processor` object of a tokenizer.json; `field` is its path, for errors.
    pub fn from_json(v: &Value, field: &str) -> Result<Self> {
        let o = as_obj(v, field)?;
        let t = type_tag(o, field)?;
        Ok(match t {
            "TemplateProcessing" => PostProcessor::Template(Template::from_json(o, field)?),
            "BertProcessing" => PostProcessor::Template(Template::bert_from_json(o, field)?),
            "RobertaProcessing" => PostProcessor::Template(Template::roberta_from_json(o, field)?),
            "ByteLevel" => PostProcessor::ByteLevel(ByteLevelProcessor::from_json(o, field)?),
            "Sequence" => {
                let f = format!("{field}.processors");
                let items = as_array(o.get("processors").unwrap_or(&Value::Null), &f)?;
                PostProcessor::Sequence(
                    items
                        .iter()
                        .enumerate()
                        .map(|(i, p)| PostProcessor::from_json(p, &index(&f, i)))
                        .collect::<Result<_>>()?,
                )
            }
            other => return Err(unsupported("post_processor", field, other)),
        })
    }

    /// How many special tokens `process` adds for one sequence or a pair.
    pub fn added_tokens(&self, is_pair: bool) -> usize {
        match self {
            PostProcessor::Template(t) => t.added_tokens(is_pair),
            PostProcessor::ByteLevel(_) => 0,
            PostProcessor::Sequence(s) => s.iter().map(|p| p.added_tokens(is_pair)).sum(),
        }
    }

    /// Turn the (truncated) sequence encodings into the final encoding.
    pub fn process(
        &self,
        encodings: Vec<Encoding>,
        add_special_tokens: bool,
        vocab: &dyn TokenLookup,
    ) -> Result<Vec<Encoding>> {
        match self {
            PostProcessor::Template(t) => Ok(t.apply(encodings, add_special_tokens, vocab)),
            PostProcessor::ByteLevel(b) => {
                let mut encodings = encodings;
                for e in &mut encodings {
                    b.trim_offsets(e, vocab);
                }
                Ok(encodings)
            }
            PostProcessor::Sequence(seq) => {
                let mut e = encodings;
                for p in seq {
                    e = p.process(e, add_special_tokens, vocab)?;
                }
                Ok(e)
            }
        }
    }

    /// `process` for one sequence, without the vector around it: a batch of short texts spent a
    /// noticeable share of its time allocating it and moving the encoding in and out.
    pub fn process_single(
        &self,
        mut e: Encoding,
        add_special_tokens: bool,
        vocab: &dyn TokenLookup,
    ) -> Result<Encoding> {
        match self {
            PostProcessor::Template(t) => Ok(t.apply_one(e, add_special_tokens, vocab)),
            PostProcessor::ByteLevel(b) => {
                b.trim_offsets(&mut e, vocab);
                Ok(e)
            }
            PostProcessor::Sequence(seq) => {
                for p in seq {
                    e = p.process_single(e, add_special_tokens, vocab)?;
                }
                Ok(e)
            }
        }
    }
}

/// What runs when there is no post-processor, or after one: mark the sequences and concatenate.
pub fn merge_sequences(mut encodings: Vec<Encoding>) -> Encoding {
    if encodings.len() == 1 {
        return encodings.pop().unwrap_or_default();
    }
    Encoding::merge(encodings, false)
}

impl PostProcessor {
    /// tokenizers' `PostProcessor.process`: `a` becomes sequence 0 and `b` sequence 1, special tokens are
    /// added (if asked) and the sequences merged into one encoding; no truncation or padding.
    pub fn process_pair(
        &self,
        mut a: Encoding,
        b: Option<Encoding>,
        add_special_tokens: bool,
        vocab: &dyn TokenLookup,
    ) -> Result<Encoding> {
        a.set_sequence_ids(0);
        match b {
            None => self.process_single(a, add_special_tokens, vocab),
            Some(mut b) => {
                b.set_sequence_ids(1);
                self.process_merged(a, b, add_special_tokens, vocab)
            }
        }
    }

    /// `process` of the pair (`a`, `b`) merged into one encoding. A template lays it out in `a`'s own
    /// vectors where it can (`Template::apply_pair`); the rest runs `process` and `merge_sequences`.
    pub fn process_merged(
        &self,
        a: Encoding,
        b: Encoding,
        add_special_tokens: bool,
        vocab: &dyn TokenLookup,
    ) -> Result<Encoding> {
        match self {
            PostProcessor::Template(t) => Ok(t.apply_pair(a, b, add_special_tokens, vocab)),
            _ => Ok(merge_sequences(self.process(
                vec![a, b],
                add_special_tokens,
                vocab,
            )?)),
        }
    }
}
