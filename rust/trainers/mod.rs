//! Trainers: learn a model's vocabulary from word counts, as Hugging Face's trainers do.
//!
//! Training runs in two steps, like `Tokenizer.train_from_iterator`: texts are streamed through the
//! tokenizer's normalizer and pre-tokenizer into [`WordCounts`] (memory bounded by the distinct words,
//! never by the corpus), then a [`Trainer`] turns the counts into a model. `Tokenizer::trained` builds
//! the new tokenizer: the old pipeline with the trained model and the trainer's special tokens
//! (`tokenizer::training` wires the stages; trainers depend only on the kernel).
//!
//! Long loops watch a [`Control`]: a cancel flag (set by the binding on Ctrl-C) and progress counters
//! that the caller may display.

pub mod bpe;
pub mod options;
pub(crate) mod pairs;
pub mod parity_bpe;
mod parity_dev;
pub mod symbols;
pub mod unigram;
pub mod unigram_lattice;
pub mod wordlevel;
pub mod wordpiece;
pub mod words;

pub use bpe::BpeTrainer;
pub use options::SpecialToken;
pub use parity_bpe::ParityBpeTrainer;
pub use unigram::UnigramTrainer;
pub use wordlevel::WordLevelTrainer;
pub use wordpiece::WordPieceTrainer;
pub use words::WordCounts;

use crate::error::{Error, Result};
use serde_json::{Map, Value};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};

/// Cancellation and progress shared between a training loop and whoever watches it.
#[derive(Debug, Default)]
pub struct Control {
    cancel: AtomicBool,
    stage: AtomicUsize,
    done: AtomicU64,
    total: AtomicU64,
}

/// The stages a trainer reports, in order (names as Hugging Face's progress bars).
pub const STAGES: [&str; 5] = [
    "Count words",
    "Tokenize words",
    "Count pairs",
    "Compute merges",
    "EM training",
];

impl Control {
    /// Ask the running loop to stop: it returns `Error::Cancelled` at its next check.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// `Err(Cancelled)` once `cancel` was called; loops call this once per step.
    #[inline]
    pub fn check(&self) -> Result<()> {
        if self.cancel.load(Ordering::Relaxed) {
            Err(Error::Cancelled)
        } else {
            Ok(())
        }
    }

    /// Enter stage `stage` (an index of `STAGES`) with `total` steps.
    pub fn start(&self, stage: usize, total: u64) {
        self.stage.store(stage, Ordering::Relaxed);
        self.done.store(0, Ordering::Relaxed);
        self.total.store(total, Ordering::Relaxed);
    }

    #[inline]
    pub fn set_done(&self, done: u64) {
        self.done.store(done, Ordering::Relaxed);
    }

    /// (stage name, steps done, steps in all).
    pub fn progress(&self) -> (&'static str, u64, u64) {
        let stage = STAGES
            .get(self.stage.load(Ordering::Relaxed))
            .copied()
            .unwrap_or("");
        (
            stage,
            self.done.load(Ordering::Relaxed),
            self.total.load(Ordering::Relaxed),
        )
    }
}

/// A trained model: its tokenizer.json `model` object and the special tokens to add to the tokenizer.
#[derive(Debug, Clone)]
pub struct Trained {
    pub model: Value,
    pub special_tokens: Vec<SpecialToken>,
}

#[derive(Debug, Clone)]
pub enum Trainer {
    Bpe(BpeTrainer),
    WordPiece(WordPieceTrainer),
    WordLevel(WordLevelTrainer),
    Unigram(UnigramTrainer),
    ParityBpe(ParityBpeTrainer),
}

impl Trainer {
    /// Build from `{"type": "BpeTrainer" | "WordPieceTrainer" | "WordLevelTrainer" | "UnigramTrainer"
    /// | "ParityBpeTrainer",
    /// ...options}` (the options of Hugging Face's trainer of that name). Errors name the option.
    pub fn from_json(v: &Value) -> Result<Self> {
        let o = v
            .as_object()
            .ok_or_else(|| Error::argument("trainer", "expected an object of options"))?;
        let kind = o
            .get("type")
            .and_then(Value::as_str)
            .ok_or_else(|| Error::argument("trainer.type", "missing trainer type"))?;
        let mut opts = options::Options::new(kind, o);
        let t = match kind {
            "BpeTrainer" => Trainer::Bpe(BpeTrainer::from_options(&mut opts)?),
            "WordPieceTrainer" => Trainer::WordPiece(WordPieceTrainer::from_options(&mut opts)?),
            "WordLevelTrainer" => Trainer::WordLevel(WordLevelTrainer::from_options(&mut opts)?),
            "UnigramTrainer" => Trainer::Unigram(UnigramTrainer::from_options(&mut opts)?),
            "ParityBpeTrainer" => Trainer::ParityBpe(ParityBpeTrainer::from_options(&mut opts)?),
            other => {
                return Err(Error::argument(
                    "trainer",
                    format!(
                        "unknown trainer `{other}` (expected BpeTrainer, WordPieceTrainer, \
                         WordLevelTrainer, UnigramTrainer or ParityBpeTrainer)"
                    ),
                ))
            }
        };
        opts.finish()?;
        Ok(t)
    }

    /// The model type this trainer makes (tokenizer.json's `model.type`).
    pub fn model_type(&self) -> &'static str {
        match self {
            Trainer::Bpe(_) | Trainer::ParityBpe(_) => "BPE",
            Trainer::WordPiece(_) => "WordPiece",
            Trainer::WordLevel(_) => "WordLevel",
            Trainer::Unigram(_) => "Unigram",
        }
    }

    /// Train on `words`. `old_model` is the tokenizer.json `model` object of the tokenizer being
    /// trained: options the trainer does not set (unk token, byte fallback, ...) are kept from it when
    /// it is of the same type.
    pub fn train(
        &self,
        words: &mut WordCounts,
        old_model: &Value,
        ctl: &Control,
    ) -> Result<Trained> {
        let same = |t: &str| {
            old_model
                .get("type")
                .and_then(Value::as_str)
                .is_some_and(|k| k == t)
        };
        let base = if same(self.model_type()) {
            old_model.as_object().cloned().unwrap_or_default()
        } else {
            serde_json::Map::new()
        };
        match self {
            Trainer::Bpe(t) => t.train(words, base, ctl),
            Trainer::WordPiece(t) => t.train(words, base, ctl),
            Trainer::WordLevel(t) => t.train(words, base, ctl),
            Trainer::Unigram(t) => t.train(words, base, ctl),
            // One corpus is one language; like Hugging Face, a fresh model (nothing kept).
            Trainer::ParityBpe(t) => {
                t.train_corpora(std::slice::from_mut(words), None, Map::new(), ctl)
            }
        }
    }
}
