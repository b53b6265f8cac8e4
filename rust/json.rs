//! Small typed accessors over `serde_json::Value` whose errors name the field they were reading.
//! Components parse their own config with these; the loader adds the file name (`Error::in_file`).

use crate::error::{Error, Result};
use serde_json::{Map, Value};

pub type Obj = Map<String, Value>;

fn path(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// `v` as an object; `field` names it in the error.
pub fn as_obj<'a>(v: &'a Value, field: &str) -> Result<&'a Obj> {
    v.as_object()
        .ok_or_else(|| Error::config("", field, format!("expected an object, found {}", kind(v))))
}

/// The `type` tag of a component object.
pub fn type_tag<'a>(o: &'a Obj, field: &str) -> Result<&'a str> {
    req_str(o, "type", field)
}

pub fn req<'a>(o: &'a Obj, key: &str, parent: &str) -> Result<&'a Value> {
    o.get(key)
        .ok_or_else(|| Error::config("", path(parent, key), "missing field"))
}

pub fn req_str<'a>(o: &'a Obj, key: &str, parent: &str) -> Result<&'a str> {
    let v = req(o, key, parent)?;
    v.as_str().ok_or_else(|| {
        Error::config(
            "",
            path(parent, key),
            format!("expected a string, found {}", kind(v)),
        )
    })
}

/// A string field that may be absent or null.
pub fn opt_str<'a>(o: &'a Obj, key: &str, parent: &str) -> Result<Option<&'a str>> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(v) => Err(Error::config(
            "",
            path(parent, key),
            format!("expected a string, found {}", kind(v)),
        )),
    }
}

/// A boolean field; absent or null gives `default`.
pub fn opt_bool(o: &Obj, key: &str, parent: &str, default: bool) -> Result<bool> {
    Ok(opt_bool_or_null(o, key, parent)?.unwrap_or(default))
}

/// A boolean field that may be absent or null (`None`).
pub fn opt_bool_or_null(o: &Obj, key: &str, parent: &str) -> Result<Option<bool>> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(v) => Err(Error::config(
            "",
            path(parent, key),
            format!("expected a boolean, found {}", kind(v)),
        )),
    }
}

/// A non-negative integer field that fits in `u32`; absent or null gives `None`.
pub fn opt_u32(o: &Obj, key: &str, parent: &str) -> Result<Option<u32>> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => Ok(Some(as_u32(v, &path(parent, key))?)),
    }
}

/// A non-negative integer field (usize); absent or null gives `None`.
pub fn opt_usize(o: &Obj, key: &str, parent: &str) -> Result<Option<usize>> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => match v.as_u64() {
            Some(n) => Ok(Some(n as usize)),
            None => Err(Error::config(
                "",
                path(parent, key),
                format!("expected a non-negative integer, found {v}"),
            )),
        },
    }
}

pub fn as_u32(v: &Value, field: &str) -> Result<u32> {
    v.as_u64()
        .and_then(|n| u32::try_from(n).ok())
        .ok_or_else(|| Error::config("", field, format!("expected an id in 0..2^32, found {v}")))
}

pub fn as_array<'a>(v: &'a Value, field: &str) -> Result<&'a Vec<Value>> {
    v.as_array()
        .ok_or_else(|| Error::config("", field, format!("expected an array, found {}", kind(v))))
}

pub fn req_array<'a>(o: &'a Obj, key: &str, parent: &str) -> Result<&'a Vec<Value>> {
    as_array(req(o, key, parent)?, &path(parent, key))
}

/// `parent.key` for error messages.
pub fn field(parent: &str, key: &str) -> String {
    path(parent, key)
}

/// `parent[i]` for error messages.
pub fn index(parent: &str, i: usize) -> String {
    format!("{parent}[{i}]")
}

pub fn unsupported(kind_name: &'static str, field: &str, name: &str) -> Error {
    Error::Unsupported {
        file: String::new(),
        field: field.to_string(),
        kind: kind_name,
        name: name.to_string(),
    }
}
