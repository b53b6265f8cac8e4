//! Truncation and padding parameters from the first bytes, texts from the rest: a bad combination is an
//! error, never a panic; a good one keeps the invariants, the length limit and the padded shape.
#![no_main]
use ferrotok::postprocess::{PaddingParams, PaddingStrategy, TruncationParams, TruncationStrategy};
use ferrotok::tokenizer::{Direction, EncodeOptions, InputSequence};
use ferrotok_fuzz::{bert, check, gpt2, strings};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let [a, b, c, d, e, f, rest @ ..] = data else {
        return;
    };
    let tok = if a & 1 == 0 {
        bert()
    } else {
        gpt2().unwrap_or(bert())
    };
    let dir = |bit: u8| {
        if bit & 1 == 0 {
            Direction::Right
        } else {
            Direction::Left
        }
    };
    let strategy = match (a >> 1) % 3 {
        0 => TruncationStrategy::LongestFirst,
        1 => TruncationStrategy::OnlyFirst,
        _ => TruncationStrategy::OnlySecond,
    };
    let truncation = (b & 0x80 == 0).then_some(TruncationParams {
        max_length: usize::from(b & 0x3F),
        stride: usize::from(c % 16),
        strategy,
        direction: dir(a >> 3),
    });
    let padding = (d & 0x80 == 0).then(|| PaddingParams {
        strategy: if d & 0x40 == 0 {
            PaddingStrategy::BatchLongest
        } else {
            PaddingStrategy::Fixed(usize::from(d & 0x3F))
        },
        pad_to_multiple_of: (e & 0x80 == 0).then_some(usize::from(e & 0x0F)),
        direction: dir(a >> 4),
        pad_id: 0,
        pad_type_id: 0,
        pad_token: "[PAD]".into(),
    });
    let special = a & 0x20 == 0;
    let texts = strings(rest, 4);
    let paired = f & 1 == 1 && texts.len() >= 2;
    let inputs: Vec<_> = if paired {
        texts
            .chunks(2)
            .filter_map(|p| match p {
                [x, y] => Some((
                    InputSequence::Raw(x.as_str()),
                    Some(InputSequence::Raw(y.as_str())),
                )),
                _ => None,
            })
            .collect()
    } else {
        texts
            .iter()
            .map(|t| (InputSequence::Raw(t.as_str()), None))
            .collect()
    };
    let opts = EncodeOptions {
        add_special_tokens: special,
        truncation,
        padding: padding.clone(),
        char_offsets: false,
        drop_overflow: false,
    };
    let Ok(out) = tok.encode_batch(&inputs, &opts) else {
        return;
    };
    assert_eq!(out.len(), inputs.len());
    let width = out.first().map(|x| x.ids.len());
    for (enc, (x, y)) in out.iter().zip(&inputs) {
        let (InputSequence::Raw(x), y) = (x, y) else {
            continue;
        };
        let y = match y {
            Some(InputSequence::Raw(y)) => Some(*y),
            _ => None,
        };
        if padding.is_none() {
            check(tok, enc, x, y, special);
        }
        if let (Some(t), None) = (&truncation, &padding) {
            let added = if special {
                tok.num_special_tokens_to_add(y.is_some())
            } else {
                0
            };
            if t.max_length >= added && t.max_length > 0 {
                assert!(
                    enc.ids.len() <= t.max_length.max(added),
                    "{} > {}",
                    enc.ids.len(),
                    t.max_length
                );
            }
        }
        // Rows longer than a fixed padding length stay longer (as in Hugging Face), so the shape and
        // the multiple only hold for "pad to the longest".
        if let Some(p) = &padding {
            let target = p.target_length(0);
            match p.strategy {
                PaddingStrategy::BatchLongest => {
                    assert_eq!(Some(enc.ids.len()), width, "padded rows differ in length");
                    if let Some(m) = p.pad_to_multiple_of.filter(|&m| m > 0) {
                        assert_eq!(enc.ids.len() % m, 0);
                    }
                }
                PaddingStrategy::Fixed(_) => assert!(enc.ids.len() >= target),
            }
        }
    }
});
