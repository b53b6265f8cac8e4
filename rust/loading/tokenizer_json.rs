//! tokenizer.json (Hugging Face's schema) → `Tokenizer`, and back.

use super::canonical;
use super::model_json;
use super::source::Source;
use crate::added_tokens::AddedToken;
use crate::decoders::Decoder;
use crate::error::{Error, Result};
use crate::json::{as_array, as_obj, field, index, opt_str, opt_usize, req, Obj};
use crate::kernel::Direction;
use crate::models::Model;
use crate::normalizers::Normalizer;
use crate::postprocess::{PaddingParams, PaddingStrategy, TruncationParams, TruncationStrategy};
use crate::pre_tokenizers::{JiebaPreTokenizer, PreTokenizer};
use crate::processors::PostProcessor;
use crate::tokenizer::Tokenizer;
use serde_json::Value;

fn optional<'a>(o: &'a Obj, key: &str) -> Option<&'a Value> {
    o.get(key).filter(|v| !v.is_null())
}

fn direction(o: &Obj, f: &str) -> Result<Direction> {
    match opt_str(o, "direction", f)? {
        None | Some("Right") | Some("right") => Ok(Direction::Right),
        Some("Left") | Some("left") => Ok(Direction::Left),
        Some(other) => Err(Error::config(
            "",
            field(f, "direction"),
            format!("expected Left or Right, found `{other}`"),
        )),
    }
}

fn truncation(v: &Value) -> Result<TruncationParams> {
    let f = "truncation";
    let o = as_obj(v, f)?;
    let strategy = match opt_str(o, "strategy", f)? {
        None => TruncationStrategy::LongestFirst,
        Some(s) => TruncationStrategy::parse(s).map_err(|_| {
            Error::config("", field(f, "strategy"), format!("unknown strategy `{s}`"))
        })?,
    };
    Ok(TruncationParams {
        max_length: opt_usize(o, "max_length", f)?.unwrap_or(512),
        stride: opt_usize(o, "stride", f)?.unwrap_or(0),
        strategy,
        direction: direction(o, f)?,
    })
}

fn padding(v: &Value) -> Result<PaddingParams> {
    let f = "padding";
    let o = as_obj(v, f)?;
    let strategy = match o.get("strategy") {
        None | Some(Value::Null) => PaddingStrategy::BatchLongest,
        Some(Value::String(s)) if s == "BatchLongest" => PaddingStrategy::BatchLongest,
        Some(Value::Object(m)) if m.contains_key("Fixed") => {
            let n = m
                .get("Fixed")
                .and_then(Value::as_u64)
                .ok_or_else(|| Error::config("", "padding.strategy.Fixed", "expected a length"))?;
            PaddingStrategy::Fixed(n as usize)
        }
        Some(other) => {
            return Err(Error::config(
                "",
                "padding.strategy",
                format!("expected BatchLongest or {{\"Fixed\": n}}, found {other}"),
            ))
        }
    };
    Ok(PaddingParams {
        strategy,
        pad_to_multiple_of: opt_usize(o, "pad_to_multiple_of", f)?,
        direction: direction(o, f)?,
        pad_id: crate::json::opt_u32(o, "pad_id", f)?.unwrap_or(0),
        pad_type_id: crate::json::opt_u32(o, "pad_type_id", f)?.unwrap_or(0),
        pad_token: opt_str(o, "pad_token", f)?.unwrap_or("[PAD]").to_string(),
    })
}

/// Build a tokenizer from a parsed tokenizer.json document. Errors name `file` and the field.
pub fn from_value(v: Value, file: &str) -> Result<Tokenizer> {
    let mut t = build(&v).map_err(|e| e.in_file(file))?;
    // The document is kept as the tokenizer's source (to_str, save); moved, not copied: a vocabulary of
    // 50k entries is a map of as many nodes.
    t.source = Source::new(v);
    Ok(t)
}

fn build(v: &Value) -> Result<Tokenizer> {
    let o = as_obj(v, "(document)")?;
    let model = Model::from_json(req(o, "model", "")?, "model")?;
    assemble(o, model)
}

/// The tokenizer of document `o` around its `model`, read already.
pub(super) fn assemble(o: &Obj, model: Model) -> Result<Tokenizer> {
    let mut t = Tokenizer::new(model);
    if let Some(n) = optional(o, "normalizer") {
        t.set_normalizer(Some(Normalizer::from_json(n, "normalizer")?))?;
    }
    if let Some(p) = optional(o, "pre_tokenizer") {
        let mut pre_tokenizer = PreTokenizer::from_json(p, "pre_tokenizer")?;
        if let PreTokenizer::Jieba(jieba) = &mut pre_tokenizer {
            // transformers' JiebaPreTokenizer keeps the words of the model's vocabulary whole (CPM-Ant's
            // keeps every word).
            if !jieba.every_word {
                *jieba =
                    JiebaPreTokenizer::with_words(t.model().vocab().into_iter().map(|(w, _)| w));
            }
        }
        t.set_pre_tokenizer(Some(pre_tokenizer));
    }
    if let Some(p) = optional(o, "post_processor") {
        t.set_post_processor(Some(PostProcessor::from_json(p, "post_processor")?));
    }
    if let Some(d) = optional(o, "decoder") {
        t.set_decoder(Some(Decoder::from_json(d, "decoder")?));
    }
    if let Some(tr) = optional(o, "truncation") {
        t.truncation = Some(truncation(tr)?);
    }
    if let Some(p) = optional(o, "padding") {
        t.padding = Some(padding(p)?);
    }
    if let Some(a) = optional(o, "added_tokens") {
        let items = as_array(a, "added_tokens")?;
        let mut tokens = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let (_, tok) = AddedToken::from_json(item, &index("added_tokens", i))?;
            tokens.push(tok);
        }
        // Ids are recomputed like Hugging Face does on load (they agree with the file in valid files).
        t.add_tokens(&tokens)?;
    }
    Ok(t)
}

/// Parse tokenizer.json text.
pub fn from_str(s: &str, file: &str) -> Result<Tokenizer> {
    from_str_with(s, file, &|_| Ok(()))
}

/// Parse tokenizer.json text, letting `edit` change the parsed document first. `edit` sees the model's
/// options but not its vocabulary or merges, and may add or replace entries but not remove them; its
/// errors are given the file's name.
pub fn from_str_with(
    s: &str,
    file: &str,
    edit: &dyn Fn(&mut Value) -> Result<()>,
) -> Result<Tokenizer> {
    // The quick reader first (no `Value` tree of the vocabulary); on anything it does not take, or on
    // an error, the general reader below, whose messages name the file and field.
    // A vocabulary that is not a token → id object (Unigram's pieces) goes the general way too: class
    // rebuilds of SentencePiece folders read it from the document.
    let quick = model_json::read(s)
        .filter(|(_, parts, _)| !matches!(parts.vocab, Some(model_json::Vocab::Other(_))));
    if let Some((rest, mut parts, raw)) = quick {
        let mut doc = Value::Object(rest);
        edit(&mut doc).map_err(|e| e.in_file(file))?;
        if let Value::Object(rest) = doc {
            if let Some(Value::Object(options)) = rest.get("model") {
                parts.rest = options.clone();
                let built =
                    model_json::build_model(parts, "model").and_then(|m| assemble(&rest, m));
                if let Ok(mut t) = built {
                    t.source = model_json::source(rest, raw);
                    return Ok(t);
                }
            }
        }
    }
    let mut v: Value = serde_json::from_str(s).map_err(|e| {
        Error::config(
            file,
            format!("line {} column {}", e.line(), e.column()),
            format!("not valid JSON: {e}"),
        )
    })?;
    edit(&mut v).map_err(|e| e.in_file(file))?;
    from_value(v, file)
}

/// Replace the post-processor with the one a tokenizer.json `post_processor` value describes (null:
/// none); `to_value` writes the new one back. On an error the tokenizer is unchanged.
pub fn replace_post_processor(t: &mut Tokenizer, v: &Value) -> Result<()> {
    let parsed = match v {
        Value::Null => None,
        p => Some(PostProcessor::from_json(p, "post_processor")?),
    };
    t.set_post_processor(parsed);
    if t.source.is_object() {
        t.source.insert("post_processor", v.clone());
    }
    Ok(())
}

/// Serialize to tokenizer.json: the source document with the parts that can change rewritten.
pub fn to_value(t: &Tokenizer) -> Value {
    let mut v = match t.source.to_object() {
        Some(o) => Value::Object(o),
        None => serde_json::json!({"version": "1.0"}),
    };
    rewrite_changeable(t, &mut v);
    v
}

/// `to_value` as JSON text. A model kept as text is written from it without a `Value` tree
/// (`canonical`), to the same bytes.
pub fn to_string(t: &Tokenizer, pretty: bool) -> String {
    let mut out = Vec::new();
    if write(t, pretty, &mut out).is_err() {
        return String::new();
    }
    // serde_json writes UTF-8.
    String::from_utf8(out).unwrap_or_default()
}

/// `to_string`'s text written to `w` as it is made (a hash of it needs no copy of megabytes).
pub fn write<W: std::io::Write>(t: &Tokenizer, pretty: bool, w: W) -> serde_json::Result<()> {
    let kept = t.source.kept_model().and_then(|(doc, text, options)| {
        let node = text.node()?;
        Some((doc.as_object()?.clone(), node, options))
    });
    match kept {
        Some((mut doc, node, options)) => {
            doc.insert("model".into(), Value::Null); // a placeholder, for the entry's place
            let mut doc = Value::Object(doc);
            rewrite_changeable(t, &mut doc);
            let Value::Object(doc) = doc else {
                return Ok(());
            };
            let out = canonical::WithModel {
                doc: &doc,
                model: canonical::WithOptions {
                    node: &node,
                    options,
                },
            };
            if pretty {
                serde_json::to_writer_pretty(w, &out)
            } else {
                serde_json::to_writer(w, &out)
            }
        }
        None => {
            let v = to_value(t);
            if pretty {
                serde_json::to_writer_pretty(w, &v)
            } else {
                serde_json::to_writer(w, &v)
            }
        }
    }
}

/// Write the entries of `v` that can change after load (added tokens, truncation, padding).
fn rewrite_changeable(t: &Tokenizer, v: &mut Value) {
    if let Value::Object(o) = v {
        let mut added: Vec<(u32, Value)> = t
            .added_vocabulary()
            .tokens()
            .map(|(id, tok)| (id, tok.to_json(id)))
            .collect();
        added.sort_by_key(|(id, _)| *id);
        o.insert(
            "added_tokens".into(),
            Value::Array(added.into_iter().map(|(_, v)| v).collect()),
        );
        o.insert(
            "truncation".into(),
            t.truncation.as_ref().map_or(Value::Null, |p| {
                serde_json::json!({
                    "direction": if p.direction == Direction::Left { "Left" } else { "Right" },
                    "max_length": p.max_length,
                    "strategy": p.strategy.name(),
                    "stride": p.stride,
                })
            }),
        );
        o.insert(
            "padding".into(),
            t.padding.as_ref().map_or(Value::Null, |p| {
                serde_json::json!({
                    "strategy": match p.strategy {
                        PaddingStrategy::BatchLongest => serde_json::json!("BatchLongest"),
                        PaddingStrategy::Fixed(n) => serde_json::json!({"Fixed": n}),
                    },
                    "direction": if p.direction == Direction::Left { "Left" } else { "Right" },
                    "pad_to_multiple_of": p.pad_to_multiple_of,
                    "pad_id": p.pad_id,
                    "pad_type_id": p.pad_type_id,
                    "pad_token": p.pad_token,
                })
            }),
        );
    }
}
