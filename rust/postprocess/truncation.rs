//! Truncation of one sequence or a pair, with Hugging Face's strategies and stride/overflow windows.

use crate::error::{Error, Result};
use crate::kernel::{Direction, Encoding};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TruncationStrategy {
    LongestFirst,
    /// transformers' Python classes' `longest_first`: one token at a time from the longer sequence, a
    /// tie from the second (an odd budget leaves the first one token more than `LongestFirst` does).
    LongestFirstOneByOne,
    OnlyFirst,
    OnlySecond,
}

impl TruncationStrategy {
    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "longest_first" | "LongestFirst" => Ok(TruncationStrategy::LongestFirst),
            "longest_first_one_by_one" | "LongestFirstOneByOne" => {
                Ok(TruncationStrategy::LongestFirstOneByOne)
            }
            "only_first" | "OnlyFirst" => Ok(TruncationStrategy::OnlyFirst),
            "only_second" | "OnlySecond" => Ok(TruncationStrategy::OnlySecond),
            other => Err(Error::argument(
                "truncation",
                format!("unknown strategy `{other}` (expected longest_first, only_first or only_second)"),
            )),
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            TruncationStrategy::LongestFirst => "LongestFirst",
            TruncationStrategy::LongestFirstOneByOne => "LongestFirstOneByOne",
            TruncationStrategy::OnlyFirst => "OnlyFirst",
            TruncationStrategy::OnlySecond => "OnlySecond",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TruncationParams {
    pub max_length: usize,
    pub stride: usize,
    pub strategy: TruncationStrategy,
    pub direction: Direction,
}

impl TruncationParams {
    /// Check the parameters once per call, so truncation itself cannot fail half-way. This is the one
    /// home of the stride / max_length rule (the Python layer does not repeat it).
    pub fn validate(&self, n_special: usize) -> Result<()> {
        if self.max_length < n_special {
            return Err(Error::argument(
                "max_length",
                format!(
                    "max_length={} is smaller than the {} special tokens the template adds",
                    self.max_length, n_special
                ),
            ));
        }
        // transformers' rule: a window must move forward, but a limit of exactly the special tokens
        // with stride 0 is allowed (only the special tokens are kept).
        let effective = self.max_length - n_special;
        if self.stride > 0 && self.stride >= effective {
            return Err(Error::argument(
                "stride",
                format!(
                    "tokenizer stride set to {}, which is greater than or equal to its effective max \
                     length of {effective} (= {} original max length - {n_special} added special tokens)",
                    self.stride, self.max_length
                ),
            ));
        }
        Ok(())
    }
}

/// Truncate one encoding to `n` tokens, with overflow windows when `overflow`; a stride that leaves no
/// room for progress is an error (Hugging Face panics there).
fn checked_truncate(
    e: &mut Encoding,
    n: usize,
    p: &TruncationParams,
    overflow: bool,
) -> Result<()> {
    if n > 0 && n < e.len() && p.stride >= n {
        return Err(Error::argument(
            "stride",
            format!(
                "stride={} must be smaller than the {n} tokens left for this sequence after truncation",
                p.stride
            ),
        ));
    }
    if overflow {
        e.truncate(n, p.stride, p.direction);
    } else {
        e.cut(n, p.direction);
    }
    Ok(())
}

/// Truncate `a` (and `b`) so that together they fit `p.max_length` (already reduced by the number of
/// special tokens), following Hugging Face's `truncate_encodings`. Without `overflow` the cut tokens are
/// dropped instead of kept as overflow windows.
pub fn truncate_encodings(
    a: &mut Encoding,
    b: Option<&mut Encoding>,
    p: &TruncationParams,
    overflow: bool,
) -> Result<()> {
    if p.max_length == 0 {
        checked_truncate(a, 0, p, overflow)?;
        if let Some(b) = b {
            checked_truncate(b, 0, p, overflow)?;
        }
        return Ok(());
    }
    let total = a.len() + b.as_ref().map_or(0, |b| b.len());
    if total <= p.max_length {
        return Ok(());
    }
    let to_remove = total - p.max_length;
    match p.strategy {
        TruncationStrategy::LongestFirst => match b {
            Some(b) => {
                let (mut n1, mut n2) = (a.len(), b.len());
                let swap = n1 > n2;
                if swap {
                    std::mem::swap(&mut n1, &mut n2);
                }
                n2 = if n1 > p.max_length {
                    n1
                } else {
                    n1.max(p.max_length - n1)
                };
                if n1 + n2 > p.max_length {
                    n1 = p.max_length / 2;
                    n2 = n1 + p.max_length % 2;
                }
                if swap {
                    std::mem::swap(&mut n1, &mut n2);
                }
                checked_truncate(a, n1, p, overflow)?;
                checked_truncate(b, n2, p, overflow)?;
            }
            None => checked_truncate(a, total - to_remove, p, overflow)?,
        },
        TruncationStrategy::LongestFirstOneByOne => match b {
            Some(b) => {
                let (n1, n2) = one_by_one(a.len(), b.len(), to_remove);
                checked_truncate(a, n1, p, overflow)?;
                checked_truncate(b, n2, p, overflow)?;
            }
            None => checked_truncate(a, total - to_remove, p, overflow)?,
        },
        TruncationStrategy::OnlyFirst | TruncationStrategy::OnlySecond => {
            let target = if p.strategy == TruncationStrategy::OnlyFirst {
                a
            } else {
                b.ok_or_else(|| {
                    Error::argument(
                        "truncation",
                        "only_second truncation needs a second sequence (text_pair)",
                    )
                })?
            };
            let len = target.len();
            if len > to_remove {
                checked_truncate(target, len - to_remove, p, overflow)?;
            } else {
                return Err(Error::argument(
                    "max_length",
                    format!(
                        "the sequence to truncate has {len} tokens but {to_remove} must be removed; \
                         use longest_first or a larger max_length"
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// The lengths left after removing `r` tokens one at a time from the longer of `n1` and `n2`, a tie
/// from the second: the difference first, then both in turn (the second first).
fn one_by_one(mut n1: usize, mut n2: usize, mut r: usize) -> (usize, usize) {
    let d = n1.abs_diff(n2).min(r);
    if n1 > n2 {
        n1 -= d;
    } else {
        n2 -= d;
    }
    r -= d;
    (n1.saturating_sub(r / 2), n2.saturating_sub(r.div_ceil(2)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_by_one_matches_the_loop() {
        for n1 in 0..12 {
            for n2 in 0..12 {
                for r in 0..=(n1 + n2) {
                    let (mut a, mut b) = (n1, n2);
                    for _ in 0..r {
                        if a > b {
                            a -= 1;
                        } else {
                            b -= 1;
                        }
                    }
                    assert_eq!(one_by_one(n1, n2, r), (a, b), "{n1} {n2} {r}");
                }
            }
        }
    }

    fn params(max_length: usize, stride: usize) -> TruncationParams {
        TruncationParams {
            max_length,
            stride,
            strategy: TruncationStrategy::LongestFirst,
            direction: Direction::Right,
        }
    }

    /// transformers' rule: stride < max_length - specials, except that a limit of exactly the
    /// special tokens is allowed with stride 0.
    #[test]
    fn stride_rule_like_transformers() {
        assert!(params(10, 7).validate(2).is_ok());
        assert!(params(10, 8).validate(2).is_err());
        assert!(params(2, 0).validate(2).is_ok());
        assert!(params(2, 1).validate(2).is_err());
        assert!(params(1, 0).validate(2).is_err());
        assert!(params(5, 4).validate(0).is_ok());
        assert!(params(5, 5).validate(0).is_err());
    }
}
