//! The tokens of one sequence as the models (and the fused fast paths) emit them.

/// The tokens of one sequence before truncation and post-processing: ids with their byte offsets in the
/// original text (absolute) and the index of the word each came from. Fused fast paths write here directly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenBuffer {
    pub ids: Vec<u32>,
    pub offsets: Vec<(usize, usize)>,
    pub words: Vec<Option<u32>>,
    /// (position, text) for added tokens whose matched text differs from their content (a normalized
    /// match, or whitespace taken by lstrip/rstrip): Hugging Face reports the matched text as the token.
    pub texts: Vec<(usize, String)>,
    /// Fast paths may stop once this many tokens are in (whole words at a time): the caller truncates
    /// on the right and drops the rest. `usize::MAX` (the default) tokenizes everything.
    pub limit: usize,
}

impl Default for TokenBuffer {
    fn default() -> Self {
        TokenBuffer {
            ids: Vec::new(),
            offsets: Vec::new(),
            words: Vec::new(),
            texts: Vec::new(),
            limit: usize::MAX,
        }
    }
}

impl TokenBuffer {
    /// Enough tokens for the caller (see `limit`).
    #[inline]
    pub fn full(&self) -> bool {
        self.ids.len() >= self.limit
    }

    pub fn push(&mut self, id: u32, offsets: (usize, usize), word: Option<u32>) {
        self.ids.push(id);
        self.offsets.push(offsets);
        self.words.push(word);
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    pub fn clear(&mut self) {
        self.ids.clear();
        self.offsets.clear();
        self.words.clear();
        self.texts.clear();
    }
}
