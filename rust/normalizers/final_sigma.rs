//! FinalSigma (ferrotok's own): a capital sigma that Python's `str.lower()` would write as the final
//! form `ς` becomes `ς` before a lower-casing step, which writes every other one as `σ`.
//!
//! Python's Python classes lower-case each whitespace-separated word with `str.lower()`, which applies
//! Unicode's Final_Sigma rule (a `Σ` after a cased letter and not before one, case-ignorable chars
//! skipped). Rust's `str::to_lowercase` applies the same rule, so each word holding a `Σ` is lowered
//! once here to read which form each of its sigmas takes; the text keeps its length and alignments
//! (`Σ` and `ς` are both two UTF-8 bytes).

use crate::kernel::rewrite::is_py_space;
use crate::kernel::NormalizedString;

const CAPITAL: char = '\u{3A3}';
const FINAL: char = '\u{3C2}';

pub fn normalize(n: &mut NormalizedString) {
    if !n.as_str().contains(CAPITAL) {
        return;
    }
    let mut finals = Vec::new();
    for word in n.as_str().split(is_py_space) {
        if !word.contains(CAPITAL) {
            continue;
        }
        let lowered = word.to_lowercase();
        let mut out = lowered.chars();
        for c in word.chars() {
            if c == CAPITAL {
                finals.push(out.next() == Some(FINAL));
            } else {
                // The same mapping `to_lowercase` used for this char (only Σ depends on context).
                for _ in c.to_lowercase() {
                    out.next();
                }
            }
        }
    }
    let mut sigmas = finals.into_iter();
    n.map(|c| match c {
        CAPITAL if sigmas.next() == Some(true) => FINAL,
        c => c,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> String {
        let mut n = NormalizedString::from_original(text, 0);
        normalize(&mut n);
        n.as_str().to_string()
    }

    #[test]
    fn word_final_sigmas_only() {
        assert_eq!(run("ΟΔΟΣ ΣΑΣ, Σ"), "ΟΔΟς ΣΑς, Σ");
        assert_eq!(run("ΑΣ\u{301}Α ΑΣ\u{301}"), "ΑΣ\u{301}Α Ας\u{301}");
        assert_eq!(run("İΣ σ"), "İς σ");
        assert_eq!(run("plain"), "plain");
    }
}
