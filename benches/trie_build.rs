//! Build time and size of the Unigram vocabulary's char trie against the byte trie, on vocabularies
//! that stress the build: 250,000 random pieces over 20,000 CJK chars, 250,000 substrings of the
//! multilingual handbook's words, and a model's own pieces. Prints figures; asserts nothing.
//!
//!     cargo bench --bench trie_build                          # every vocabulary, both tries
//!     cargo bench --bench trie_build -- char cjk             # one trie, one vocabulary (for peak RSS)
//!
//! `handbook` reads `FERROTOK_BENCH_MULTILINGUAL` (default ../shared/corpora/multilingual-handbook.txt);
//! `file` reads `FERROTOK_BENCH_VOCAB`, one piece per line (e.g. a SentencePiece model's pieces).

#[cfg(not(feature = "python"))]
#[global_allocator]
static GLOBAL: ferrotok::alloc::MiMalloc = ferrotok::alloc::MiMalloc;
use ferrotok::kernel::{ByteTrie, CharTrie};
use std::collections::HashSet;
use std::time::Instant;

const PIECES: usize = 250_000;

/// A vocabulary's name and its maker (`None`: its input is missing).
type Source = (&'static str, fn() -> Option<Vec<String>>);

struct Rng(u64);

impl Rng {
    fn below(&mut self, m: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % m as u64) as usize
    }
}

fn random_cjk() -> Vec<String> {
    let mut rng = Rng(0x2545_f491);
    let chars: Vec<char> = (0..20_000)
        .filter_map(|i| char::from_u32(0x4E00 + i))
        .collect();
    let mut set: HashSet<String> = chars.iter().map(|c| c.to_string()).collect();
    while set.len() < PIECES {
        let len = 1 + rng.below(4);
        set.insert((0..len).map(|_| chars[rng.below(chars.len())]).collect());
    }
    set.into_iter().collect()
}

fn handbook() -> Option<Vec<String>> {
    let path = std::env::var("FERROTOK_BENCH_MULTILINGUAL")
        .unwrap_or_else(|_| "../shared/corpora/multilingual-handbook.txt".into());
    let text = std::fs::read_to_string(path).ok()?;
    let words: Vec<Vec<char>> = text
        .split_whitespace()
        .map(|w| w.chars().collect())
        .collect();
    let mut rng = Rng(0x9e37_79b9);
    let mut set = HashSet::new();
    while set.len() < PIECES && !words.is_empty() {
        let w = &words[rng.below(words.len())];
        let a = rng.below(w.len());
        let b = a + 1 + rng.below(w.len() - a);
        set.insert(w[a..b].iter().collect::<String>());
    }
    Some(set.into_iter().collect())
}

fn vocab_file() -> Option<Vec<String>> {
    let text = std::fs::read_to_string(std::env::var("FERROTOK_BENCH_VOCAB").ok()?).ok()?;
    let set: HashSet<String> = text
        .lines()
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect();
    Some(set.into_iter().collect())
}

fn run(trie: &str, name: &str, pieces: &[String]) {
    let keys: Vec<(&str, u32)> = pieces
        .iter()
        .enumerate()
        .map(|(i, p)| (p.as_str(), i as u32))
        .collect();
    let t = Instant::now();
    if trie == "char" {
        let tr = CharTrie::build(&keys);
        let (slots, spilled) = tr.size();
        println!(
            "{name:9} char trie: {:7.3} s, {slots} slots, {spilled} in the side table, {} pieces",
            t.elapsed().as_secs_f64(),
            keys.len()
        );
    } else {
        let tr = ByteTrie::build(keys.iter().map(|&(k, id)| (k.as_bytes(), id)).collect());
        std::hint::black_box(&tr);
        println!(
            "{name:9} byte trie: {:7.3} s, {} pieces",
            t.elapsed().as_secs_f64(),
            keys.len()
        );
    }
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let tries: Vec<&str> = match args.first().map(String::as_str) {
        Some(t @ ("char" | "byte")) => vec![t],
        _ => vec!["char", "byte"],
    };
    let only = args.get(1).map(String::as_str);
    let sources: [Source; 3] = [
        ("cjk", || Some(random_cjk())),
        ("handbook", handbook),
        ("file", vocab_file),
    ];
    for (name, make) in sources {
        if only.is_some_and(|o| o != name) {
            continue;
        }
        let Some(pieces) = make() else {
            println!("{name:9} skipped: no input");
            continue;
        };
        for t in &tries {
            run(t, name, &pieces);
        }
    }
}
