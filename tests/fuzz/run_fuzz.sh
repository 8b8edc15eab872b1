#!/bin/bash
# run_fuzz.sh [SECONDS] - builds the tokenizer fuzzer with clang (libFuzzer +
# AddressSanitizer + UndefinedBehaviorSanitizer) and runs it for SECONDS
# (default 300) on 1 job, starting from the conformance texts. Not part of the
# default build or CI. Needs: clang, libclang-rt-14-dev (plus the normal deps).
# Crashes are written to $WORK/crash-*; the corpus grows in $WORK/corpus.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
secs="${1:-300}"
work="${WORK:-$repo/build-fuzz}"
cxx="${CXX_FUZZ:-clang++}"
command -v "$cxx" >/dev/null || { echo "run_fuzz: $cxx not found; apt-get install clang libclang-rt-14-dev" >&2; exit 1; }
mkdir -p "$work/obj" "$work/corpus"
flags=(-std=c++17 -g -O1 -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
       -I"$repo/sdk/include" -I"$repo/plugins/tokenizer_bpe" -I"$repo/plugins/tokenizer_wordpiece"
       $(pkg-config --cflags libpcre2-8 libutf8proc icu-uc tomlplusplus 2>/dev/null || true)
       -DFTLAB_SOURCE_DIR="\"$repo\"")
build() {  # build OUT SRC [extra flags]
  local out="$1" src="$2"; shift 2
  [ "$out" -nt "$src" ] || "$cxx" "${flags[@]}" "$@" -c "$src" -o "$out"
}
objs=()
for f in bpe_files bpe_model pretokenize; do build "$work/obj/$f.o" "$repo/plugins/tokenizer_bpe/$f.cpp"; objs+=("$work/obj/$f.o"); done
build "$work/obj/tokenizer_bpe.o" "$repo/plugins/tokenizer_bpe/tokenizer_bpe.cpp" -Dftl_plugin_entry=ftl_entry_bpe
objs+=("$work/obj/tokenizer_bpe.o")
for f in bert_normalizer wordpiece_vocab wordpiece_model; do
  build "$work/obj/$f.o" "$repo/plugins/tokenizer_wordpiece/$f.cpp"; objs+=("$work/obj/$f.o")
done
build "$work/obj/tokenizer_wordpiece.o" "$repo/plugins/tokenizer_wordpiece/tokenizer_wordpiece.cpp" \
  -Dftl_plugin_entry=ftl_entry_wordpiece
objs+=("$work/obj/tokenizer_wordpiece.o")
build "$work/obj/fuzz_tokenizers.o" "$here/fuzz_tokenizers.cpp"
"$cxx" -fsanitize=fuzzer,address,undefined "${objs[@]}" "$work/obj/fuzz_tokenizers.o" -o "$work/fuzz_tokenizers" \
  $(pkg-config --libs libpcre2-8 libutf8proc icu-uc tomlplusplus) -lpthread
# Seeds: each conformance text as one input (control byte 0).
if [ -z "$(ls -A "$work/corpus")" ]; then
  gzip -dc "$repo/tests/tokenizer/fixtures/texts.txt.gz" | awk -v d="$work/corpus" '{f = sprintf("%s/seed%05d", d, NR); printf "\x01%s", $0 > f; close(f)}'
fi
cd "$work"
./fuzz_tokenizers -max_total_time="$secs" -max_len=4096 -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 corpus
