//! One stage of a tokenizer seen on its own, as tokenizers' component objects show it: its tokenizer.json
//! value, a stage replaced by another value (written back by `to_json_string`), and a tokenizer that holds
//! nothing but one stage (what a component built outside any tokenizer runs on).

use super::tokenizer_json;
use crate::decoders::Decoder;
use crate::error::{Error, Result};
use crate::models::Model;
use crate::normalizers::Normalizer;
use crate::pre_tokenizers::PreTokenizer;
use crate::tokenizer::Tokenizer;
use serde_json::Value;

/// A stage of the pipeline, named by its tokenizer.json field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Normalizer,
    PreTokenizer,
    Model,
    PostProcessor,
    Decoder,
}

impl Stage {
    pub const ALL: [Stage; 5] = [
        Stage::Normalizer,
        Stage::PreTokenizer,
        Stage::Model,
        Stage::PostProcessor,
        Stage::Decoder,
    ];

    /// The tokenizer.json field: "normalizer", "pre_tokenizer", "model", "post_processor", "decoder".
    pub fn field(self) -> &'static str {
        match self {
            Stage::Normalizer => "normalizer",
            Stage::PreTokenizer => "pre_tokenizer",
            Stage::Model => "model",
            Stage::PostProcessor => "post_processor",
            Stage::Decoder => "decoder",
        }
    }

    /// The stage a tokenizer.json field names; `argument` names the caller's argument in errors.
    pub fn parse(name: &str, argument: &str) -> Result<Stage> {
        Stage::ALL
            .into_iter()
            .find(|s| s.field() == name)
            .ok_or_else(|| {
                Error::argument(
                    argument,
                    format!(
                        "unknown stage {name:?} (expected normalizer, pre_tokenizer, model, \
                         post_processor or decoder)"
                    ),
                )
            })
    }
}

/// The model a tokenizer holding only another stage carries: an empty word-level vocabulary.
fn placeholder_model() -> Value {
    serde_json::json!({"type": "WordLevel", "vocab": {}, "unk_token": "[UNK]"})
}

/// A tokenizer holding nothing but the placeholder model (a stage is set on it next).
pub(crate) fn model_alone() -> Result<Tokenizer> {
    let mut doc = serde_json::Map::new();
    doc.insert("version".into(), "1.0".into());
    doc.insert("model".into(), placeholder_model());
    tokenizer_json::from_value(Value::Object(doc), "<component>")
}

impl Tokenizer {
    /// Whether the tokenizer has this stage (it always has a model).
    pub fn has_stage(&self, stage: Stage) -> bool {
        match stage {
            Stage::Normalizer => self.normalizer().is_some(),
            Stage::PreTokenizer => self.pre_tokenizer().is_some(),
            Stage::Model => true,
            Stage::PostProcessor => self.post_processor().is_some(),
            Stage::Decoder => self.decoder().is_some(),
        }
    }

    /// The stage's tokenizer.json value (null where the tokenizer has none).
    pub fn stage_json(&self, stage: Stage) -> &Value {
        self.source.get(stage.field()).unwrap_or(&Value::Null)
    }

    /// One parameter of the stage's tokenizer.json value (`lowercase` of a BertNormalizer, `unk_token`
    /// of a model...), or None.
    pub fn stage_param(&self, stage: Stage, name: &str) -> Option<&Value> {
        self.stage_json(stage).get(name)
    }

    /// Replace a stage with the one a tokenizer.json value describes (null: none; a model cannot be
    /// removed). Fused paths are re-selected and `to_json_string` writes the new value. On an error the
    /// tokenizer is unchanged.
    pub fn replace_stage(&mut self, stage: Stage, v: &Value) -> Result<()> {
        let field = stage.field();
        let given = (!v.is_null()).then_some(v);
        match stage {
            Stage::Normalizer => {
                let n = given.map(|v| Normalizer::from_json(v, field)).transpose()?;
                let old = self.normalizer().cloned();
                if let Err(e) = self.set_normalizer(n) {
                    // Put the old normalizer (and the added tokens it normalized) back.
                    self.set_normalizer(old)?;
                    return Err(e);
                }
            }
            Stage::PreTokenizer => {
                let p = given
                    .map(|v| PreTokenizer::from_json(v, field))
                    .transpose()?;
                self.set_pre_tokenizer(p);
            }
            Stage::Model => {
                let Some(v) = given else {
                    return Err(Error::argument(
                        "model",
                        "a tokenizer needs a model (None given)",
                    ));
                };
                let model = Model::from_json(v, field)?;
                self.set_model(model);
            }
            Stage::PostProcessor => return tokenizer_json::replace_post_processor(self, v),
            Stage::Decoder => {
                let d = given.map(|v| Decoder::from_json(v, field)).transpose()?;
                self.set_decoder(d);
            }
        }
        self.source.insert(field, v.clone());
        Ok(())
    }

    /// A tokenizer that holds only `stage` (described by `v`) over an empty word-level model: what a
    /// component made on its own (not read from a tokenizer) runs on.
    pub fn with_stage_alone(stage: Stage, v: &Value) -> Result<Tokenizer> {
        if v.is_null() {
            return Err(Error::argument(
                stage.field(),
                "expected an object, got null",
            ));
        }
        let mut doc = serde_json::Map::new();
        doc.insert("version".into(), "1.0".into());
        doc.insert("model".into(), placeholder_model());
        doc.insert(stage.field().into(), v.clone());
        tokenizer_json::from_value(Value::Object(doc), "<component>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_round_trip_and_replace() {
        let mut t = crate::tokenizer::bert_fixture();
        for s in Stage::ALL {
            assert!(t.has_stage(s), "{s:?}");
            assert_eq!(Stage::parse(s.field(), "stage").ok(), Some(s));
        }
        assert!(Stage::parse("nope", "stage").is_err());
        assert_eq!(
            t.stage_param(Stage::Normalizer, "lowercase"),
            Some(&Value::Bool(true))
        );
        t.replace_stage(Stage::Normalizer, &Value::Null).unwrap();
        assert!(!t.has_stage(Stage::Normalizer));
        let doc: Value = serde_json::from_str(&t.to_json_string(false).unwrap()).unwrap();
        assert!(doc["normalizer"].is_null());
        let lower = serde_json::json!({"type": "Lowercase"});
        t.replace_stage(Stage::Normalizer, &lower).unwrap();
        let doc: Value = serde_json::from_str(&t.to_json_string(false).unwrap()).unwrap();
        assert_eq!(doc["normalizer"], lower);
        assert!(t.replace_stage(Stage::Model, &Value::Null).is_err());
        // A bad value leaves the stage as it was.
        let bad = serde_json::json!({"type": "NoSuchNormalizer"});
        assert!(t.replace_stage(Stage::Normalizer, &bad).is_err());
        assert_eq!(t.stage_json(Stage::Normalizer), &lower);
    }

    #[test]
    fn a_stage_alone() {
        let v = serde_json::json!({"type": "WordPiece", "prefix": "##", "cleanup": true});
        let t = Tokenizer::with_stage_alone(Stage::Decoder, &v).unwrap();
        let d = t.decoder().unwrap();
        assert_eq!(
            d.decode(vec!["hel".into(), "##lo".into(), "world".into()])
                .unwrap(),
            "hello world"
        );
        assert!(Tokenizer::with_stage_alone(Stage::Decoder, &Value::Null).is_err());
    }
}
