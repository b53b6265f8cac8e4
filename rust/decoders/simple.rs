//! Small decoders: Replace, Fuse, Strip, ByteFallback, CTC.

use crate::error::Result;
use crate::loading::json::Obj;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplaceDecoder;

impl ReplaceDecoder {
    pub fn from_json(o: &Obj, field: &str) -> Result<Self> {
        let _ = (o, field);
        Ok(ReplaceDecoder)
    }

    pub fn decode_chain(&self, tokens: Vec<String>) -> Result<Vec<String>> {
        Ok(tokens)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fuse;

impl Fuse {
    pub fn from_json(o: &Obj, field: &str) -> Result<Self> {
        let _ = (o, field);
        Ok(Fuse)
    }

    pub fn decode_chain(&self, tokens: Vec<String>) -> Result<Vec<String>> {
        Ok(tokens)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StripDecoder;

impl StripDecoder {
    pub fn from_json(o: &Obj, field: &str) -> Result<Self> {
        let _ = (o, field);
        Ok(StripDecoder)
    }

    pub fn decode_chain(&self, tokens: Vec<String>) -> Result<Vec<String>> {
        Ok(tokens)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ByteFallback;

impl ByteFallback {
    pub fn from_json(o: &Obj, field: &str) -> Result<Self> {
        let _ = (o, field);
        Ok(ByteFallback)
    }

    pub fn decode_chain(&self, tokens: Vec<String>) -> Result<Vec<String>> {
        Ok(tokens)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ctc;

impl Ctc {
    pub fn from_json(o: &Obj, field: &str) -> Result<Self> {
        let _ = (o, field);
        Ok(Ctc)
    }

    pub fn decode_chain(&self, tokens: Vec<String>) -> Result<Vec<String>> {
        Ok(tokens)
    }
}
