#!/bin/bash
# run_fuzz_safetensors.sh [SECONDS] - builds the safetensors header fuzzer with
# clang (libFuzzer + AddressSanitizer + UndefinedBehaviorSanitizer) and runs it
# for SECONDS (default 120) on 1 job from a few seed files. Not part of the
# default build or CI. Needs: clang, libclang-rt-14-dev, nlohmann-json3-dev.
# Crashes are written to $WORK/crash-*; the corpus grows in $WORK/corpus.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
secs="${1:-120}"
work="${WORK:-$repo/build-fuzz-safetensors}"
cxx="${CXX_FUZZ:-clang++}"
command -v "$cxx" >/dev/null || { echo "run_fuzz_safetensors: $cxx not found; apt-get install clang libclang-rt-14-dev" >&2; exit 1; }
mkdir -p "$work/corpus"
"$cxx" -std=c++17 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -I"$repo/plugins/common_hf" "$repo/plugins/common_hf/safetensors.cpp" "$here/fuzz_safetensors.cpp" \
  -o "$work/fuzz_safetensors"
if [ -z "$(ls -A "$work/corpus")" ]; then  # seeds: a valid file, metadata, two tensors, an empty one
  seed() { python3 - "$1" "$2" "$3" <<'PY'
import struct, sys
path, header, nbytes = sys.argv[1], sys.argv[2].encode(), int(sys.argv[3])
open(path, "wb").write(struct.pack("<Q", len(header)) + header + bytes(range(256)) * (nbytes // 256) + bytes(nbytes % 256))
PY
  }
  seed "$work/corpus/one" '{"a":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}}' 16
  seed "$work/corpus/meta" '{"__metadata__":{"format":"pt"},"b":{"dtype":"BF16","shape":[3],"data_offsets":[0,6]}} ' 6
  seed "$work/corpus/two" '{"x":{"dtype":"I64","shape":[1],"data_offsets":[0,8]},"y":{"dtype":"U8","shape":[3],"data_offsets":[8,11]}}' 11
  seed "$work/corpus/empty" '{"e":{"dtype":"F16","shape":[0],"data_offsets":[0,0]},"s":{"dtype":"F4","shape":[2],"data_offsets":[0,1]}}' 1
fi
cd "$work"
./fuzz_safetensors -max_total_time="$secs" -max_len=4096 -timeout=10 -print_final_stats=1 corpus
