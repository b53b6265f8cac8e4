//! Replace: a literal string or a regex pattern replaced by a content string.

use crate::error::Result;
use crate::json::{req_str, Obj};
use crate::kernel::pattern::Pattern;
use crate::kernel::NormalizedString;

#[derive(Debug, Clone)]
pub struct Replace {
    pub pattern: Pattern,
    pub content: String,
}

impl Replace {
    pub fn from_json(o: &Obj, field: &str) -> Result<Self> {
        Ok(Replace {
            pattern: Pattern::from_json(o, "pattern", field)?,
            content: req_str(o, "content", field)?.to_string(),
        })
    }

    /// Every match (empty ones included, as Hugging Face does) is replaced by `content`, whose chars
    /// take the range of the match's last char.
    pub fn normalize(&self, n: &mut NormalizedString) -> Result<()> {
        let matches = self.pattern.find_all(n.as_str())?;
        n.replace_ranges(&matches, &self.content);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(pattern: serde_json::Value, content: &str, s: &str) -> Vec<(char, (usize, usize))> {
        let v = json!({"type": "Replace", "pattern": pattern, "content": content});
        let r = Replace::from_json(v.as_object().unwrap(), "normalizer").unwrap();
        let mut n = NormalizedString::from_original(s, 0);
        r.normalize(&mut n).unwrap();
        n.as_str()
            .char_indices()
            .map(|(i, c)| (c, n.original_range(i..i + c.len_utf8())))
            .collect()
    }

    // Expected values from Hugging Face tokenizers 0.23.3 (Replace normalizer inside a
    // PreTokenizedString, original byte offsets per char).
    #[test]
    fn string_and_regex_replacements() {
        assert_eq!(
            run(json!({"String": "ab"}), "x", "abc"),
            [('x', (1, 2)), ('c', (2, 3))]
        );
        assert_eq!(
            run(json!({"String": "a"}), "xy", "bab"),
            [('b', (0, 1)), ('x', (1, 2)), ('y', (1, 2)), ('b', (2, 3))]
        );
        assert_eq!(
            run(json!({"Regex": "a+"}), "-", "baaac"),
            [('b', (0, 1)), ('-', (3, 4)), ('c', (4, 5))]
        );
        assert_eq!(
            run(json!({"Regex": "b*"}), "-", "ab"),
            [('-', (0, 0)), ('a', (0, 1)), ('-', (1, 2))]
        );
        assert_eq!(
            run(json!({"String": "é"}), "e", "éé"),
            [('e', (0, 2)), ('e', (2, 4))]
        );
        assert_eq!(
            run(json!({"String": " "}), "▁", "a  b"),
            [('a', (0, 1)), ('▁', (1, 2)), ('▁', (2, 3)), ('b', (3, 4))]
        );
        assert_eq!(
            run(json!({"String": "a"}), "", "bab"),
            [('b', (0, 1)), ('b', (2, 3))]
        );
        assert_eq!(run(json!({"String": "aa"}), "", "aa"), []);
        assert_eq!(
            run(json!({"Regex": "^"}), "X", "ab"),
            [('X', (0, 0)), ('a', (0, 1)), ('b', (1, 2))]
        );
        assert_eq!(
            run(json!({"Regex": "$"}), "X", "ab"),
            [('a', (0, 1)), ('b', (1, 2)), ('X', (1, 2))]
        );
        assert_eq!(
            run(json!({"Regex": r"\s+"}), " ", "  a \t\n b "),
            [
                (' ', (1, 2)),
                ('a', (2, 3)),
                (' ', (6, 7)),
                ('b', (7, 8)),
                (' ', (8, 9))
            ]
        );
        // Literal strings are not regexes.
        assert_eq!(
            run(json!({"String": "."}), "!", "a.b"),
            [('a', (0, 1)), ('!', (1, 2)), ('b', (2, 3))]
        );
    }

    #[test]
    fn bad_config_names_field() {
        let v = json!({"type": "Replace", "pattern": {"Regex": "(x"}, "content": "y"});
        let e = Replace::from_json(v.as_object().unwrap(), "normalizer")
            .unwrap_err()
            .to_string();
        assert!(e.contains("(x"), "{e}");
        let v = json!({"type": "Replace", "pattern": {"String": "x"}});
        let e = Replace::from_json(v.as_object().unwrap(), "normalizer")
            .unwrap_err()
            .to_string();
        assert!(e.contains("normalizer.content"), "{e}");
    }
}
