#!/bin/bash
# run_fuzz_ftlab.sh HARNESS [SECONDS] - builds one of the host's fuzzers with
# clang (libFuzzer + AddressSanitizer + UndefinedBehaviorSanitizer) and runs
# it for SECONDS (default 60) on 1 job:
#   results  the readers of `ftlab report` / `compare` on mutated results files
#            (needs FTLAB_FUZZ_TEMPLATE=<a results file>; scripts/sanitize.sh makes one)
#   toml     the experiment and sweep readers, seeded with the repository's .toml files
# Needs: clang, libclang-rt-14-dev (scripts/sanitize.sh installs them) plus the
# normal deps. Crashes are written to $WORK/crash-*; exit non-zero on a finding.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
name="$1" secs="${2:-60}"
work="${WORK:-$repo/build-fuzz-$name}"
cxx="${CXX_FUZZ:-clang++}"
command -v "$cxx" > /dev/null || { echo "run_fuzz_ftlab: $cxx not found; apt-get install clang libclang-rt-14-dev" >&2; exit 1; }
case "$name" in
  results) srcs=(analysis/report_read analysis/report_html analysis/run_file analysis/stats analysis/svg
                 results/h5 results/records) ;;
  toml) srcs=(config/experiment sweep/expand analysis/run_file results/h5 results/records) ;;
  *) echo "run_fuzz_ftlab: unknown harness '$name' (results, toml)" >&2; exit 2 ;;
esac
mkdir -p "$work/obj" "$work/corpus"
flags=(-std=c++17 -g -O1 -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
       -I"$repo/framework" -I"$repo/sdk/include" -I"$here" $(pkg-config --cflags hdf5 tomlplusplus) -DFTLAB_VERSION='"fuzz"')
objs=()
for s in "${srcs[@]}" ; do
  o="$work/obj/${s//\//_}.o"
  [ "$o" -nt "$repo/framework/$s.cpp" ] || "$cxx" "${flags[@]}" -c "$repo/framework/$s.cpp" -o "$o"
  objs+=("$o")
done
"$cxx" "${flags[@]}" -c "$here/fuzz_$name.cpp" -o "$work/obj/fuzz_$name.o"
"$cxx" -fsanitize=fuzzer,address,undefined "${objs[@]}" "$work/obj/fuzz_$name.o" -o "$work/fuzz_$name" \
  $(pkg-config --libs hdf5 tomlplusplus) -lpthread
if [ -z "$(ls -A "$work/corpus")" ]; then
  case "$name" in
    results) printf '\x04\x00\x00' > "$work/corpus/none" ;;  # one deletion; the template itself is the base
    toml) for f in "$repo"/experiments/*.toml "$repo"/experiments/*/*.toml "$repo"/tests/sweep/*.toml; do
            [ -f "$f" ] && cp "$f" "$work/corpus/$(echo "$f" | md5sum | cut -c1-12)"
          done ;;
  esac
fi
cd "$work"
ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}" ./"fuzz_$name" -max_total_time="$secs" -max_len=4096 -timeout=20 \
  -rss_limit_mb=4096 -print_final_stats=1 corpus
