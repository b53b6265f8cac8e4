//! Stages written in the host language (`Normalizer.custom(obj)` and friends): set on a tokenizer,
//! copied from one tokenizer to another, and refused by serialization, as in tokenizers.

use super::components::Stage;
use crate::decoders::Decoder;
use crate::error::{Error, Result};
use crate::kernel::host::{DecodeHost, Host, NormalizeHost, PreTokenizeHost};
use crate::normalizers::Normalizer;
use crate::pre_tokenizers::PreTokenizer;
use crate::tokenizer::Tokenizer;
use serde_json::{json, Value};

/// A stage written in the host language.
#[derive(Debug, Clone)]
pub enum HostStage {
    Normalizer(Host<dyn NormalizeHost>),
    PreTokenizer(Host<dyn PreTokenizeHost>),
    Decoder(Host<dyn DecodeHost>),
}

impl HostStage {
    pub fn stage(&self) -> Stage {
        match self {
            HostStage::Normalizer(_) => Stage::Normalizer,
            HostStage::PreTokenizer(_) => Stage::PreTokenizer,
            HostStage::Decoder(_) => Stage::Decoder,
        }
    }
}

/// What tokenizer.json-shaped views of the stage show (`tok.normalizer.type` is "Custom").
fn marker() -> Value {
    json!({"type": "Custom"})
}

impl Tokenizer {
    /// Set a host stage in place of the stage of its kind.
    pub fn set_host_stage(&mut self, h: HostStage) -> Result<()> {
        let stage = h.stage();
        match h {
            HostStage::Normalizer(n) => self.set_normalizer(Some(Normalizer::Host(n)))?,
            HostStage::PreTokenizer(p) => self.set_pre_tokenizer(Some(PreTokenizer::Host(p))),
            HostStage::Decoder(d) => self.set_decoder(Some(Decoder::Host(d))),
        }
        self.source.insert(stage.field(), marker());
        Ok(())
    }

    /// The stage, where it is a host stage.
    pub fn host_stage(&self, stage: Stage) -> Option<HostStage> {
        match stage {
            Stage::Normalizer => match self.normalizer() {
                Some(Normalizer::Host(n)) => Some(HostStage::Normalizer(n.clone())),
                _ => None,
            },
            Stage::PreTokenizer => match self.pre_tokenizer() {
                Some(PreTokenizer::Host(p)) => Some(HostStage::PreTokenizer(p.clone())),
                _ => None,
            },
            Stage::Decoder => match self.decoder() {
                Some(Decoder::Host(d)) => Some(HostStage::Decoder(d.clone())),
                _ => None,
            },
            Stage::Model | Stage::PostProcessor => None,
        }
    }

    /// A tokenizer holding only the host stage `h` (what `Normalizer.custom(obj)` runs on).
    pub fn with_host_stage_alone(h: HostStage) -> Result<Tokenizer> {
        let mut t = super::components::model_alone()?;
        t.set_host_stage(h)?;
        Ok(t)
    }

    /// An error naming the first host stage: tokenizers cannot write them to tokenizer.json.
    pub fn check_serializable(&self) -> Result<()> {
        for stage in [Stage::Normalizer, Stage::PreTokenizer, Stage::Decoder] {
            if self.host_stage(stage).is_some() {
                return Err(Error::argument(
                    stage.field(),
                    "a custom component (written in Python) cannot be serialized",
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::NormalizedString;
    use std::sync::Arc;

    struct Upper;
    impl NormalizeHost for Upper {
        fn normalize(&self, ns: &mut NormalizedString) -> Result<()> {
            ns.uppercase();
            Ok(())
        }
    }

    #[test]
    fn a_host_normalizer_runs_and_refuses_serialization() {
        let h = HostStage::Normalizer(Host(Arc::new(Upper)));
        let alone = Tokenizer::with_host_stage_alone(h).unwrap();
        assert_eq!(
            alone.normalizer().unwrap().normalize_str("abc").unwrap(),
            "ABC"
        );
        let mut t = crate::tokenizer::bert_fixture();
        assert!(t.to_json_string(false).is_ok());
        t.set_host_stage(alone.host_stage(Stage::Normalizer).unwrap())
            .unwrap();
        assert!(t.has_host_stages());
        assert_eq!(t.stage_json(Stage::Normalizer)["type"], "Custom");
        let err = t.to_json_string(false).unwrap_err().to_string();
        assert!(err.contains("normalizer"), "{err}");
        t.replace_stage(Stage::Normalizer, &Value::Null).unwrap();
        assert!(!t.has_host_stages());
        assert!(t.to_json_string(false).is_ok());
    }
}
