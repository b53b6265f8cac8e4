#!/usr/bin/env bash
# A bounded fuzzing campaign over every target: `fuzz/run.sh [seconds per target] [targets...]`.
# Each target runs for -max_total_time seconds with a per-input timeout and an RSS limit; corpora
# accumulate in fuzz/corpus/<target> (git-ignored), crashes land in fuzz/artifacts/<target>.
# Stable toolchains need RUSTC_BOOTSTRAP=1 for cargo-fuzz's -Z flags; ASan is off (`--sanitizer none`):
# the engine's few unsafe blocks (allocator, prefetch hints, freeing rows on their worker) are small; panics and
# aborts are what the targets look for.
set -euo pipefail
cd "$(dirname "$0")"
SECONDS_PER_TARGET="${1:-60}"
shift || true
TARGETS=("$@")
if [ ${#TARGETS[@]} -eq 0 ]; then
    TARGETS=(load_json encode_bert encode_gpt2 truncate_pad decode_ids)
fi
export RUSTC_BOOTSTRAP=1
cargo fuzz build --sanitizer none
mkdir -p corpus
# Seeds: the fixture tokenizer.json for the loader, real multilingual text for the encoders.
mkdir -p corpus/load_json corpus/encode_bert corpus/encode_gpt2 corpus/truncate_pad
cp -n ../tests/fixtures/bert-uncased/tokenizer.json corpus/load_json/seed-bert.json 2>/dev/null || true
split -l 1 -d -a 4 ../tests/fixtures/multilingual/sample.txt corpus/encode_bert/seed- 2>/dev/null || true
cp -n corpus/encode_bert/seed-* corpus/encode_gpt2/ 2>/dev/null || true
for t in "${TARGETS[@]}"; do
    echo "=== $t (${SECONDS_PER_TARGET}s)"
    mkdir -p "corpus/$t"
    cargo fuzz run --sanitizer none "$t" "corpus/$t" -- \
        -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -print_final_stats=1 2>&1 | tee "/tmp/fuzz-$t.log" | grep -E "^(Done|stat::|==|thread|SUMMARY|INFO: seed)|panicked" || true
done
