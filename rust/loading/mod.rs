//! Loading: tokenizer.json and the legacy files (vocab.txt, vocab.json + merges.txt,
//! tokenizer_config.json / special_tokens_map.json).

mod bert_japanese;
mod byte_classes;
mod canonical;
mod class_pipelines;
mod class_pipelines_spm;
mod class_table;
mod class_table_spm;
mod class_templates;
pub mod classes;
pub mod components;
mod cpm_ant;
mod ctc_classes;
mod esm;
mod fastbpe_classes;
mod fastbpe_json;
mod fsmt;
mod gpt_neox_japanese;
pub mod host_stages;
mod language_codes;
pub mod legacy;
mod legacy_bpe;
mod mgpstr;
mod model_json;
mod myt5;
mod named_tokens;
mod phoneme_classes;
mod prophetnet;
mod roc_bert;
pub mod sentencepiece;
mod sentencepiece_bartpho;
mod sentencepiece_bpe_classes;
mod sentencepiece_classes;
mod sentencepiece_code_llama;
mod sentencepiece_cpm;
mod sentencepiece_fairseq;
mod sentencepiece_gemma;
mod sentencepiece_gpt_sw3;
mod sentencepiece_marian;
mod sentencepiece_mluke;
mod sentencepiece_pegasus;
mod sentencepiece_plbart;
pub mod sentencepiece_proto;
mod sentencepiece_python;
mod sentencepiece_seamless;
mod sentencepiece_siglip;
mod sentencepiece_speech2text;
mod sentencepiece_speecht5;
mod sentencepiece_unigram_file;
pub(crate) mod source;
pub mod tokenizer_json;
mod vits_classes;
mod vocab_file;
mod whisper;
mod whisper_languages;

use crate::error::{Error, Result};
use crate::tokenizer::Tokenizer;
use std::path::Path;

impl Tokenizer {
    /// Load a tokenizer.json file.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Tokenizer> {
        let path = path.as_ref();
        let text = legacy::read_to_string(path)?;
        tokenizer_json::from_str(&text, &path.display().to_string())
    }

    /// Load a tokenizer.json document given as text.
    pub fn from_json_str(s: &str) -> Result<Tokenizer> {
        tokenizer_json::from_str(s, "<string>")
    }

    /// Load a folder: tokenizer.json when present, else the legacy files.
    pub fn from_pretrained(dir: impl AsRef<Path>) -> Result<Tokenizer> {
        load_folder(dir.as_ref()).map(|(tokenizer, _)| tokenizer)
    }

    /// Replace the post-processor with a tokenizer.json `post_processor` document (`null`: none), as
    /// transformers' `update_post_processor` does when `add_bos_token` / `add_eos_token` change.
    pub fn set_post_processor_json(&mut self, document: &str) -> Result<()> {
        let v: serde_json::Value = serde_json::from_str(document)
            .map_err(|e| Error::config("", "post_processor", format!("not valid JSON: {e}")))?;
        tokenizer_json::replace_post_processor(self, &v)
    }

    /// One entry of the tokenizer.json document this was read from (None where it has none).
    pub fn document_entry(&self, key: &str) -> Option<&serde_json::Value> {
        self.source.get(key)
    }

    /// Serialize to a tokenizer.json document.
    pub fn to_json_string(&self, pretty: bool) -> Result<String> {
        self.check_serializable()?;
        Ok(tokenizer_json::to_string(self, pretty))
    }

    /// SHA-256 of `to_json_string(false)`'s UTF-8 bytes, hashed as the text is written (no copy of it).
    pub fn json_sha256(&self) -> Result<[u8; 32]> {
        use sha2::{Digest, Sha256};
        self.check_serializable()?;
        let failed = |e: &dyn std::fmt::Display| {
            Error::config("", "", format!("cannot serialize the tokenizer: {e}"))
        };
        // serde_json writes a token in several small pieces: buffered, the hasher gets whole blocks.
        let mut out = std::io::BufWriter::with_capacity(1 << 16, HashWriter(Sha256::new()));
        tokenizer_json::write(self, false, &mut out).map_err(|e| failed(&e))?;
        let hasher = out.into_inner().map_err(|e| failed(&e))?;
        Ok(hasher.0.finalize().into())
    }
}

/// An `io::Write` feeding a hasher.
struct HashWriter(sha2::Sha256);

impl std::io::Write for HashWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        sha2::Digest::update(&mut self.0, buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A folder without tokenizer.json, converted: the tokenizer.json document transformers would build, the
/// file it comes from, and (SentencePiece folders) the special tokens the class reports.
pub struct LegacyFolder {
    pub document: serde_json::Value,
    pub file: std::path::PathBuf,
    pub special_tokens: Option<sentencepiece::SpecialTokens>,
}

/// Load a folder (tokenizer.json when present, else the legacy files) with the special tokens a SentencePiece
/// folder's class reports, converting it once.
pub fn load_folder(dir: &Path) -> Result<(Tokenizer, Option<sentencepiece::SpecialTokens>)> {
    load_folder_with(dir, &serde_json::Map::new())
}

/// `load_folder` with keyword arguments written over tokenizer_config.json's entries, as transformers'
/// `from_pretrained(path, **kwargs)` merges them before the class rebuilds its pipeline.
pub fn load_folder_with(
    dir: &Path,
    overrides: &serde_json::Map<String, serde_json::Value>,
) -> Result<(Tokenizer, Option<sentencepiece::SpecialTokens>)> {
    if !dir.is_dir() {
        return Err(Error::NotFound {
            path: dir.display().to_string(),
        });
    }
    let tj = dir.join("tokenizer.json");
    let mut cfg = legacy::LegacyConfig::load(dir)?;
    cfg.config
        .extend(overrides.iter().map(|(k, v)| (k.clone(), v.clone())));
    // A Marian folder's target side is read from its SentencePiece files, an FSMT folder's from its
    // vocab-tgt.json, even beside a tokenizer.json.
    if tj.is_file()
        && sentencepiece_marian::target_model_file(dir, &cfg).is_none()
        && !fsmt::target_side(&cfg)
    {
        let file = tj.display().to_string();
        let mut tokenizer = if class_pipelines::rebuilds(&cfg) {
            let text = legacy::read_to_string(&tj)?;
            let unk = class_unk(&cfg);
            let rebuild =
                |doc: &mut serde_json::Value| class_pipelines::rebuild(doc, &cfg, unk.as_deref());
            tokenizer_json::from_str_with(&text, &file, &rebuild)?
        } else {
            Tokenizer::from_file(&tj)?
        };
        class_templates::apply(&mut tokenizer, &cfg)
            .map_err(|e| e.in_file(&tj.display().to_string()))?;
        return Ok((tokenizer, None));
    }
    if let Some(tokenizer) = vocabulary_folder(dir, &cfg)? {
        return Ok((tokenizer, None));
    }
    let folder = legacy_folder_from(dir, &cfg)?;
    let tokenizer =
        tokenizer_json::from_value(folder.document, &folder.file.display().to_string())?;
    Ok((tokenizer, folder.special_tokens))
}

/// The unknown token a class passes to its model: the config's, else the class default.
fn class_unk(cfg: &legacy::LegacyConfig) -> Option<String> {
    let defaults = classes::lookup(cfg.class())
        .unwrap_or(&classes::GENERIC)
        .specials;
    let named = sentencepiece_classes::named(cfg, defaults, false);
    Some(sentencepiece_classes::content(&named, "unk_token")).filter(|u| !u.is_empty())
}

/// A folder of vocabulary files (BERT's vocab.txt, which wins, or vocab.json + merges.txt) loaded with its
/// class's pipeline and template; None for other folders.
fn vocabulary_folder(dir: &Path, cfg: &legacy::LegacyConfig) -> Result<Option<Tokenizer>> {
    let class = cfg.class();
    if byte_classes::handles(class)
        || ctc_classes::handles(class)
        || phoneme_classes::handles(class)
        || vits_classes::handles(class)
        || esm::handles(class)
        || cpm_ant::handles(class)
        || gpt_neox_japanese::handles(class)
        || fastbpe_classes::handles(class)
        || fastbpe_json::handles(class)
        || fsmt::handles(class)
        || mgpstr::handles(class)
        || prophetnet::handles(class) && dir.join(prophetnet::VOCAB_FILE).is_file()
    {
        // Their own recipes (`legacy_folder_from`) read these folders' vocabularies.
        return Ok(None);
    }
    let (document, file) = if dir.join("vocab.txt").is_file() {
        (legacy::bert(dir, cfg)?, dir.join("vocab.txt"))
    } else if dir.join("vocab.json").is_file() && dir.join("merges.txt").is_file() {
        let unk = class_unk(cfg);
        if let Some(mut tokenizer) = legacy_bpe::load(dir, cfg, unk.as_deref()) {
            let file = dir.join("merges.txt").display().to_string();
            class_templates::apply_legacy(&mut tokenizer, cfg).map_err(|e| e.in_file(&file))?;
            return Ok(Some(tokenizer));
        }
        (
            legacy::bpe(dir, cfg, unk.as_deref())?,
            dir.join("merges.txt"),
        )
    } else {
        return Ok(None);
    };
    let file = file.display().to_string();
    let mut tokenizer = tokenizer_json::from_value(document, &file)?;
    class_templates::apply_legacy(&mut tokenizer, cfg).map_err(|e| e.in_file(&file))?;
    Ok(Some(tokenizer))
}

/// A class whose own recipe reads one vocabulary file of its folder.
type OwnRecipe = (
    fn(&str) -> bool,
    &'static str,
    fn(&Path, &legacy::LegacyConfig) -> Result<(serde_json::Value, sentencepiece::SpecialTokens)>,
);

/// Which classes, the file their recipe reads, the recipe.
const OWN_RECIPES: &[OwnRecipe] = &[
    (ctc_classes::handles, "vocab.json", ctc_classes::document),
    (vits_classes::handles, "vocab.json", vits_classes::document),
    (
        phoneme_classes::handles,
        "vocab.json",
        phoneme_classes::document,
    ),
    (esm::handles, "vocab.txt", esm::document),
    (cpm_ant::handles, "vocab.txt", cpm_ant::document),
    (
        gpt_neox_japanese::handles,
        "vocab.txt",
        gpt_neox_japanese::document,
    ),
    (
        prophetnet::handles,
        prophetnet::VOCAB_FILE,
        prophetnet::document,
    ),
    (mgpstr::handles, "vocab.json", mgpstr::document),
    (
        fastbpe_classes::handles,
        "vocab.txt",
        fastbpe_classes::document,
    ),
    (fastbpe_json::handles, "vocab.json", fastbpe_json::document),
    (fsmt::handles, fsmt::SOURCE_VOCAB, fsmt::document),
];

/// Convert a folder holding BERT's vocab.txt, vocab.json + merges.txt, or a SentencePiece model.
pub fn legacy_folder(dir: &Path) -> Result<LegacyFolder> {
    legacy_folder_from(dir, &legacy::LegacyConfig::load(dir)?)
}

fn legacy_folder_from(dir: &Path, cfg: &legacy::LegacyConfig) -> Result<LegacyFolder> {
    let plain = |document, file| LegacyFolder {
        document,
        file,
        special_tokens: None,
    };
    if myt5::handles(cfg.class()) {
        let (document, special_tokens) = myt5::document(dir, cfg)?;
        Ok(LegacyFolder {
            document,
            file: dir.join(myt5::MAPS_FILE),
            special_tokens: Some(special_tokens),
        })
    } else if byte_classes::handles(cfg.class()) {
        // These classes read no vocabulary file: transformers builds them from the config alone.
        let (document, specials) = byte_classes::document(cfg.class(), cfg)?;
        let file = dir.join("tokenizer_config.json");
        Ok(LegacyFolder {
            document,
            file,
            special_tokens: Some(specials),
        })
    } else if let Some((_, name, document)) = OWN_RECIPES
        .iter()
        .find(|(handles, name, _)| handles(cfg.class()) && dir.join(name).is_file())
    {
        let (document, specials) = document(dir, cfg)?;
        Ok(LegacyFolder {
            document,
            file: dir.join(name),
            special_tokens: Some(specials),
        })
    } else if let Some(tokenizer) = vocabulary_folder(dir, cfg)? {
        let file = if dir.join("vocab.txt").is_file() {
            dir.join("vocab.txt")
        } else {
            dir.join("merges.txt")
        };
        Ok(plain(tokenizer_json::to_value(&tokenizer), file))
    } else if let Some(path) = sentencepiece_marian::target_model_file(dir, cfg)
        .or_else(|| sentencepiece::find_model_file(dir))
    {
        let model = sentencepiece_proto::SpModel::read(&path)?;
        let class = cfg.class().trim_end_matches("Fast");
        let (document, specials) = sentencepiece_classes::document(class, &model, cfg, dir)
            .map_err(|e| e.in_file(&path.display().to_string()))?;
        Ok(LegacyFolder {
            document,
            file: path,
            special_tokens: Some(specials),
        })
    } else {
        Err(Error::NotFound {
            path: format!(
                "{}: no tokenizer.json, vocab.txt, vocab.json + merges.txt, or SentencePiece model ({})",
                dir.display(),
                sentencepiece::MODEL_FILES.join(", ")
            ),
        })
    }
}
