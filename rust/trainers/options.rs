//! Reading a trainer's options from a JSON object, with errors that name the option, and a final check
//! that no unknown option was given.

use crate::error::{Error, Result};
use serde_json::{Map, Value};
use std::collections::HashSet;

/// A special token given to a trainer (an added token of the trained tokenizer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecialToken {
    pub content: String,
    pub single_word: bool,
    pub lstrip: bool,
    pub rstrip: bool,
    pub normalized: bool,
    pub special: bool,
}

impl SpecialToken {
    /// Hugging Face's defaults: special tokens are not normalized, others are.
    pub fn new(content: &str, special: bool) -> Self {
        SpecialToken {
            content: content.to_string(),
            single_word: false,
            lstrip: false,
            rstrip: false,
            normalized: !special,
            special,
        }
    }
}

pub struct Options<'a> {
    kind: &'a str,
    o: &'a Map<String, Value>,
    seen: HashSet<&'a str>,
}

impl<'a> Options<'a> {
    pub fn new(kind: &'a str, o: &'a Map<String, Value>) -> Self {
        let mut seen = HashSet::new();
        seen.insert("type");
        Options { kind, o, seen }
    }

    fn get(&mut self, key: &'a str) -> Option<&'a Value> {
        self.seen.insert(key);
        self.o.get(key).filter(|v| !v.is_null())
    }

    fn bad(&self, key: &str, what: &str, v: &Value) -> Error {
        Error::argument(key, format!("expected {what}, got {v}"))
    }

    pub fn usize(&mut self, key: &'a str, default: usize) -> Result<usize> {
        Ok(self.opt_usize(key)?.unwrap_or(default))
    }

    pub fn opt_usize(&mut self, key: &'a str) -> Result<Option<usize>> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => v
                .as_u64()
                .and_then(|n| usize::try_from(n).ok())
                .map(Some)
                .ok_or_else(|| self.bad(key, "a non-negative integer", v)),
        }
    }

    pub fn u64(&mut self, key: &'a str, default: u64) -> Result<u64> {
        match self.get(key) {
            None => Ok(default),
            Some(v) => v
                .as_u64()
                .ok_or_else(|| self.bad(key, "a non-negative integer", v)),
        }
    }

    pub fn f64(&mut self, key: &'a str, default: f64) -> Result<f64> {
        match self.get(key) {
            None => Ok(default),
            Some(v) => v.as_f64().ok_or_else(|| self.bad(key, "a number", v)),
        }
    }

    /// An optional list of numbers (`ratio`).
    pub fn opt_f64s(&mut self, key: &'a str) -> Result<Option<Vec<f64>>> {
        let Some(v) = self.get(key) else {
            return Ok(None);
        };
        let items = v
            .as_array()
            .ok_or_else(|| self.bad(key, "a list of numbers", v))?;
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let x = item
                .as_f64()
                .ok_or_else(|| self.bad(&format!("{key}[{i}]"), "a number", item))?;
            out.push(x);
        }
        Ok(Some(out))
    }

    pub fn bool(&mut self, key: &'a str, default: bool) -> Result<bool> {
        match self.get(key) {
            None => Ok(default),
            Some(v) => v.as_bool().ok_or_else(|| self.bad(key, "a boolean", v)),
        }
    }

    pub fn opt_string(&mut self, key: &'a str) -> Result<Option<String>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(v) => Err(self.bad(key, "a string", v)),
        }
    }

    /// A list of single characters (`initial_alphabet`): longer strings keep their first char, as in
    /// Hugging Face; empty strings are skipped.
    pub fn chars(&mut self, key: &'a str) -> Result<Vec<char>> {
        let Some(v) = self.get(key) else {
            return Ok(Vec::new());
        };
        let items = v
            .as_array()
            .ok_or_else(|| self.bad(key, "a list of strings", v))?;
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let s = item
                .as_str()
                .ok_or_else(|| self.bad(&format!("{key}[{i}]"), "a string", item))?;
            out.extend(s.chars().next());
        }
        out.sort_unstable();
        out.dedup();
        Ok(out)
    }

    /// `special_tokens`: strings or added-token objects (`content`, `single_word`, `lstrip`, `rstrip`,
    /// `normalized`, `special`); plain strings become special tokens.
    pub fn special_tokens(&mut self, key: &'a str) -> Result<Vec<SpecialToken>> {
        let Some(v) = self.get(key) else {
            return Ok(Vec::new());
        };
        let items = v
            .as_array()
            .ok_or_else(|| self.bad(key, "a list of str or SpecialToken", v))?;
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let f = format!("{key}[{i}]");
            match item {
                Value::String(s) => out.push(SpecialToken::new(s, true)),
                Value::Object(o) => {
                    let content = o
                        .get("content")
                        .and_then(Value::as_str)
                        .ok_or_else(|| Error::argument(&f, "missing `content`"))?;
                    let flag = |k: &str, d: bool| -> Result<bool> {
                        match o.get(k) {
                            None | Some(Value::Null) => Ok(d),
                            Some(Value::Bool(b)) => Ok(*b),
                            Some(other) => Err(Error::argument(
                                format!("{f}.{k}"),
                                format!("expected a boolean, got {other}"),
                            )),
                        }
                    };
                    let special = flag("special", true)?;
                    let mut t = SpecialToken::new(content, special);
                    t.single_word = flag("single_word", false)?;
                    t.lstrip = flag("lstrip", false)?;
                    t.rstrip = flag("rstrip", false)?;
                    t.normalized = flag("normalized", !special)?;
                    out.push(t);
                }
                other => return Err(self.bad(&f, "a str or SpecialToken", other)),
            }
        }
        Ok(out)
    }

    /// Fail on the first option that no reader asked for.
    pub fn finish(self) -> Result<()> {
        let mut unknown: Vec<&String> = self
            .o
            .keys()
            .filter(|k| !self.seen.contains(k.as_str()))
            .collect();
        unknown.sort();
        match unknown.first() {
            None => Ok(()),
            Some(k) => Err(Error::argument(
                k.as_str(),
                format!("unknown option of {}", self.kind),
            )),
        }
    }
}
