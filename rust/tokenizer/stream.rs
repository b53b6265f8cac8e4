//! Flat token streams, the layout of training shards (`ferrotok encode --format bin`): every text's ids
//! without special tokens, each text followed by a separator id, as little-endian `u16` or `u32`.
//!
//! Decision: the stream is written here, straight from the encodings, rather than by the caller from
//! per-row id lists. Handing a megabyte of text back as Python lists of ints and packing them again took a
//! quarter of a shard worker's time.

use super::batch::BatchInput;
use super::parallel;
use super::{EncodeOptions, InputSequence, Tokenizer};
use crate::error::{Error, Result};

/// The size of each id in a stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdWidth {
    U16,
    U32,
}

impl IdWidth {
    /// 2 → `U16`, 4 → `U32`.
    pub fn from_bytes(bytes: usize) -> Result<Self> {
        match bytes {
            2 => Ok(IdWidth::U16),
            4 => Ok(IdWidth::U32),
            _ => Err(Error::argument(
                "itemsize",
                format!("expected 2 or 4 bytes per id, got {bytes}"),
            )),
        }
    }

    /// Bytes per id: 2 or 4.
    pub fn bytes(self) -> usize {
        match self {
            IdWidth::U16 => 2,
            IdWidth::U32 => 4,
        }
    }

    /// The narrowest width that holds every id of the vocabulary, added tokens included. Found here
    /// rather than from a Python dict of the vocabulary, which took a tenth of a shard run's start-up.
    pub fn for_vocabulary(tokenizer: &Tokenizer) -> Self {
        let model = tokenizer
            .model()
            .vocab()
            .into_iter()
            .map(|(_, id)| id)
            .max();
        let added = tokenizer
            .added_vocabulary()
            .tokens()
            .map(|(id, _)| id)
            .max();
        if model.max(added).unwrap_or(0) <= u32::from(u16::MAX) {
            IdWidth::U16
        } else {
            IdWidth::U32
        }
    }
}

impl Tokenizer {
    /// Appends the stream of `texts` to `out` (see the module's notes) and returns the number of ids
    /// written, separators included. An id that does not fit `width` is an error; `out` may then hold
    /// part of the stream.
    ///
    /// `parallel`: the texts are encoded on the core's pool. Without it they are encoded on the
    /// calling thread alone, each text's ids written as soon as it is encoded: for callers that already
    /// run one call per core (the worker threads of a shard run), where the pool's threads only added
    /// hand-offs and spinning, a fifth more CPU for the same stream.
    pub fn encode_stream(
        &self,
        texts: &[&str],
        separator: u32,
        width: IdWidth,
        parallel: bool,
        out: &mut Vec<u8>,
    ) -> Result<usize> {
        let opts = EncodeOptions {
            add_special_tokens: false,
            ..EncodeOptions::default()
        };
        if !parallel {
            let mut count = 0;
            for text in texts {
                let encoding = self.encode(InputSequence::Raw(text), None, &opts)?;
                let ids = encoding.ids.iter().copied();
                put_ids(out, ids.chain(std::iter::once(separator)), width)?;
                count += encoding.ids.len() + 1;
            }
            return Ok(count);
        }
        let inputs: Vec<BatchInput<'_>> = texts
            .iter()
            .map(|t| (InputSequence::Raw(t), None))
            .collect();
        let (encodings, owners) = if self.has_host_stages() {
            self.encode_batch_owned(&inputs, &opts)?
        } else {
            parallel::in_pool(|| self.encode_batch_owned(&inputs, &opts))?
        };
        let count = encodings.iter().map(|e| e.ids.len() + 1).sum::<usize>();
        out.reserve(count * width.bytes());
        let ids = encodings
            .iter()
            .flat_map(|e| e.ids.iter().copied().chain(std::iter::once(separator)));
        let written = put_ids(out, ids, width);
        parallel::drop_on_owners(encodings, &owners);
        written.map(|()| count)
    }
}

/// Appends `ids` to `out` as little-endian `width` values; an id too wide for `width` is an error.
fn put_ids(out: &mut Vec<u8>, mut ids: impl Iterator<Item = u32>, width: IdWidth) -> Result<()> {
    match width {
        IdWidth::U32 => {
            ids.for_each(|id| out.extend_from_slice(&id.to_le_bytes()));
            Ok(())
        }
        IdWidth::U16 => ids.try_for_each(|id| match u16::try_from(id) {
            Ok(narrow) => {
                out.extend_from_slice(&narrow.to_le_bytes());
                Ok(())
            }
            Err(_) => Err(Error::argument(
                "itemsize",
                format!("id {id} does not fit in 16 bits"),
            )),
        }),
    }
}

/// The documents of a block of text lines, as `ferrotok encode --format bin` reads them: `data` cut at
/// each `\n` (a final `\n` ends the last line rather than starting an empty one) and one `\r` taken off
/// the end of each line. `None` when `data` is not valid UTF-8 (the caller then names the line).
///
/// Decision: done here, where the caller can release the GIL, rather than by `bytes.decode` and
/// `str.split` in Python: those held the GIL for milliseconds of every megabyte, which the threads of a
/// multi-worker run then took in turn, and made a Python string of every line only to read it back.
pub fn split_lines(data: &[u8]) -> Option<Vec<&str>> {
    let text = std::str::from_utf8(data).ok()?;
    let body = text.strip_suffix('\n').unwrap_or(text);
    Some(
        body.split('\n')
            .map(|line| line.strip_suffix('\r').unwrap_or(line))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokenizer::bert_fixture;

    fn stream(
        tok: &Tokenizer,
        texts: &[&str],
        sep: u32,
        width: IdWidth,
    ) -> Result<(Vec<u8>, usize)> {
        let mut out = Vec::new();
        let n = tok.encode_stream(texts, sep, width, true, &mut out)?;
        Ok((out, n))
    }

    #[test]
    fn ids_without_special_tokens_each_followed_by_the_separator() -> Result<()> {
        let tok = bert_fixture();
        let texts = ["Hello world!", "", "naïve café"];
        let opts = EncodeOptions::default();
        let mut expected: Vec<u32> = Vec::new();
        for t in texts {
            expected.extend(tok.encode(InputSequence::Raw(t), None, &opts)?.ids);
            expected.push(102);
        }
        let (wide, n) = stream(&tok, &texts, 102, IdWidth::U32)?;
        let read: Vec<u32> = wide
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        assert_eq!((read.clone(), n), (expected.clone(), expected.len()));
        let (narrow, _) = stream(&tok, &texts, 102, IdWidth::U16)?;
        let read16: Vec<u32> = narrow
            .chunks_exact(2)
            .map(|c| u32::from(u16::from_le_bytes([c[0], c[1]])))
            .collect();
        assert_eq!(read16, expected);
        Ok(())
    }

    #[test]
    fn on_this_thread_the_same_stream() -> Result<()> {
        let tok = bert_fixture();
        let texts: Vec<String> = (0..300).map(|i| format!("line {i}: naïve café")).collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        for width in [IdWidth::U16, IdWidth::U32] {
            let (pooled, n) = stream(&tok, &refs, 102, width)?;
            let mut here = Vec::new();
            assert_eq!(tok.encode_stream(&refs, 102, width, false, &mut here)?, n);
            assert_eq!(here, pooled);
        }
        let mut out = Vec::new();
        assert!(tok
            .encode_stream(&["a"], 70_000, IdWidth::U16, false, &mut out)
            .is_err());
        Ok(())
    }

    #[test]
    fn an_id_too_wide_for_u16_is_an_error() {
        let tok = bert_fixture();
        assert!(stream(&tok, &["a"], 70_000, IdWidth::U16).is_err());
        assert!(stream(&tok, &["a"], 70_000, IdWidth::U32).is_ok());
        assert!(IdWidth::from_bytes(3).is_err());
    }

    #[test]
    fn lines_as_the_shard_reader_cuts_them() {
        let cases: [(&[u8], &[&str]); 7] = [
            (b"a\nb\n", &["a", "b"]),
            (b"a\nb", &["a", "b"]),
            (b"a\r\n\r\nb\r", &["a", "", "b"]),
            (b"a\n\n", &["a", ""]),
            (b"\n", &[""]),
            (b"", &[""]),
            (b"x\r\r\ny\rz", &["x\r", "y\rz"]),
        ];
        for (data, lines) in cases {
            assert_eq!(split_lines(data).as_deref(), Some(lines), "{data:?}");
        }
        assert_eq!(split_lines(b"ok\n\xff\n"), None);
    }

    #[test]
    fn a_small_vocabulary_fits_u16() {
        // Wider vocabularies: tests/test_shards.py::test_dtype_by_vocabulary_size.
        assert_eq!(IdWidth::for_vocabulary(&bert_fixture()), IdWidth::U16);
    }

    #[test]
    fn no_texts_no_ids() -> Result<()> {
        assert_eq!(
            stream(&bert_fixture(), &[], 0, IdWidth::U16)?,
            (Vec::new(), 0)
        );
        Ok(())
    }
}
