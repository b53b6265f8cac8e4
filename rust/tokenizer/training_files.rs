//! Training on files the core reads itself (tokenizers' `Tokenizer.train(files)`): each line, with its
//! ending, is one text, as Hugging Face reads them. Files are read in blocks of whole lines; the next
//! block is read and checked for UTF-8 on the calling thread while the pool counts the current one, so
//! no Python iterator and no GIL stand between the disk and the workers.

use super::Tokenizer;
use crate::error::{Error, Result};
use crate::trainers::{Control, WordCounts};
use std::fs::File;
use std::io::{ErrorKind, Read};

/// Bytes read per block (whole lines are added to reach the end of the last one).
const BLOCK_BYTES: usize = 4 << 20;

/// The files, read in order as blocks of whole lines.
struct LineBlocks<'a> {
    paths: &'a [String],
    /// Index in `paths` of the open file.
    at: usize,
    file: Option<File>,
    /// The start of a line whose end has not been read yet.
    carry: Vec<u8>,
    /// Lines of the open file handed out so far (for error messages).
    lines: u64,
    block_bytes: usize,
}

fn io_error(path: &str, e: std::io::Error) -> Error {
    if e.kind() == ErrorKind::NotFound {
        Error::NotFound { path: path.into() }
    } else {
        Error::Io {
            path: path.into(),
            source: e,
        }
    }
}

impl<'a> LineBlocks<'a> {
    fn new(paths: &'a [String], block_bytes: usize) -> Self {
        LineBlocks {
            paths,
            at: 0,
            file: None,
            carry: Vec::new(),
            lines: 0,
            block_bytes: block_bytes.max(1),
        }
    }

    /// The next block of whole lines (checked as UTF-8); `None` after the last file.
    fn next_block(&mut self) -> Result<Option<String>> {
        loop {
            let Some(path) = self.paths.get(self.at) else {
                return Ok(None);
            };
            let file = match &mut self.file {
                Some(f) => f,
                None => {
                    self.lines = 0;
                    self.carry.clear();
                    self.file
                        .insert(File::open(path).map_err(|e| io_error(path, e))?)
                }
            };
            let mut buf = std::mem::take(&mut self.carry);
            let (mut eof, mut cut) = (false, None);
            while cut.is_none() && !eof {
                let from = buf.len();
                let want = from + self.block_bytes;
                buf.resize(want, 0);
                let mut filled = from;
                // Fill the block (a read may return less than asked before the end).
                while filled < want {
                    match file.read(buf.get_mut(filled..).unwrap_or_default()) {
                        Ok(0) => {
                            eof = true;
                            break;
                        }
                        Ok(n) => filled += n,
                        Err(e) if e.kind() == ErrorKind::Interrupted => {}
                        Err(e) => return Err(io_error(path, e)),
                    }
                }
                buf.truncate(filled);
                cut = buf
                    .get(from..)
                    .and_then(|new| new.iter().rposition(|&b| b == b'\n'))
                    .map(|i| from + i + 1);
            }
            if eof {
                self.file = None;
                self.at += 1;
            } else if let Some(cut) = cut {
                self.carry = buf.split_off(cut);
            }
            if buf.is_empty() {
                continue;
            }
            let first = self.lines;
            self.lines += memchr_count(&buf);
            let text = String::from_utf8(buf).map_err(|e| {
                let good = e.utf8_error().valid_up_to();
                let bytes = e.as_bytes();
                let line = first + memchr_count(bytes.get(..good).unwrap_or_default()) + 1;
                Error::config(path.as_str(), format!("line {line}"), "not valid UTF-8")
            })?;
            return Ok(Some(text));
        }
    }
}

fn memchr_count(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u64
}

impl Tokenizer {
    /// Count the training words of every line of `paths` (line endings kept, as Hugging Face's
    /// `train(files)`), on the pool. `after(n)` runs after each block of `n` lines (progress, signals);
    /// an error from it stops the reading.
    pub fn count_files(
        &self,
        words: &mut WordCounts,
        paths: &[String],
        ctl: &Control,
        after: &mut dyn FnMut(usize) -> Result<()>,
    ) -> Result<usize> {
        self.count_files_in_blocks(words, paths, ctl, after, BLOCK_BYTES)
    }

    fn count_files_in_blocks(
        &self,
        words: &mut WordCounts,
        paths: &[String],
        ctl: &Control,
        after: &mut dyn FnMut(usize) -> Result<()>,
        block_bytes: usize,
    ) -> Result<usize> {
        let mut reader = LineBlocks::new(paths, block_bytes);
        let mut seen = 0usize;
        let mut block = reader.next_block()?;
        while let Some(b) = block {
            ctl.check()?;
            let lines: Vec<&str> = b.split_inclusive('\n').collect();
            let (counted, next) = self.count_words_then(words, &lines, ctl, || reader.next_block());
            counted?;
            seen += lines.len();
            after(lines.len())?;
            block = next?;
        }
        Ok(seen)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokenizer() -> Tokenizer {
        Tokenizer::from_json_str(
            r#"{"model": {"type": "BPE", "vocab": {}, "merges": []},
                "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": false}}"#,
        )
        .unwrap()
    }

    fn counted(tok: &Tokenizer, paths: &[String], block: usize) -> (Vec<(String, u64)>, usize) {
        let mut words = WordCounts::new();
        let n = tok
            .count_files_in_blocks(
                &mut words,
                paths,
                &Control::default(),
                &mut |_| Ok(()),
                block,
            )
            .unwrap();
        let v = words
            .sorted()
            .into_iter()
            .map(|(w, n)| (w.to_string(), n))
            .collect();
        (v, n)
    }

    #[test]
    fn lines_keep_their_endings_whatever_the_block_size() {
        let dir = std::env::temp_dir().join(format!("ferrotok-files-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let a = dir.join("a.txt");
        let b = dir.join("b.txt");
        let e = dir.join("empty.txt");
        let text_a = "héllo wörld\n\n  spaced  \r\nlast line without end";
        let text_b = "second file\nx\n";
        std::fs::write(&a, text_a).unwrap();
        std::fs::write(&b, text_b).unwrap();
        std::fs::write(&e, "").unwrap();
        let paths: Vec<String> = [&a, &e, &b]
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        let tok = tokenizer();
        let lines: Vec<&str> = text_a
            .split_inclusive('\n')
            .chain(text_b.split_inclusive('\n'))
            .collect();
        let mut words = WordCounts::new();
        tok.count_words(&mut words, &lines, &Control::default())
            .unwrap();
        let want: Vec<(String, u64)> = words
            .sorted()
            .into_iter()
            .map(|(w, n)| (w.to_string(), n))
            .collect();
        for block in [1, 2, 3, 7, 64, 1 << 20] {
            assert_eq!(counted(&tok, &paths, block), (want.clone(), lines.len()));
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn bad_utf8_and_missing_files_are_named() {
        let dir = std::env::temp_dir().join(format!("ferrotok-badfiles-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let bad = dir.join("bad.txt");
        std::fs::write(&bad, b"fine\nstill fine\n\xff\xfe broken\nafter\n").unwrap();
        let tok = tokenizer();
        for block in [1, 5, 1 << 20] {
            let mut words = WordCounts::new();
            let err = tok
                .count_files_in_blocks(
                    &mut words,
                    &[bad.to_string_lossy().into_owned()],
                    &Control::default(),
                    &mut |_| Ok(()),
                    block,
                )
                .unwrap_err();
            assert_eq!(
                err.to_string(),
                format!("{}: line 3: not valid UTF-8", bad.display())
            );
        }
        let missing = dir.join("missing.txt").to_string_lossy().into_owned();
        let mut words = WordCounts::new();
        let err = tok
            .count_files(
                &mut words,
                std::slice::from_ref(&missing),
                &Control::default(),
                &mut |_| Ok(()),
            )
            .unwrap_err();
        assert!(matches!(err, Error::NotFound { .. }), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
