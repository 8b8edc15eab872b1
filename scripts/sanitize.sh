#!/bin/bash
# sanitize.sh [FUZZ_SECONDS] - the sanitizer job (.ci/run runs it after the
# test suites):
#   1. builds ftlab, every bundled plugin and the Catch2 unit tests with gcc's
#      AddressSanitizer + UndefinedBehaviorSanitizer (Debian LibTorch, build-asan/);
#   2. runs under them the unit tests, `ftlab plugin-check` on every bundled
#      plugin and the tests/hostile suite (all but the four that cap memory or
#      threads with ulimit -v / -u, which ASan's address-space reservation defeats);
#   3. runs each libFuzzer harness (clang) for FUZZ_SECONDS (default 60):
#      tokenizers, safetensors, TOML experiments and sweeps, and the results
#      readers of report/compare (on a tiny run written by the sanitized ftlab).
# Exit non-zero on any sanitizer report, failed test or fuzzer finding.
# Limits: LeakSanitizer is off (LibTorch and HDF5 keep allocations to exit);
# LibTorch itself is not instrumented, so only ftlab's code and plugins are.
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-60}"
t0=$SECONDS
scripts/install-deps.sh
if ! command -v clang++ > /dev/null || ! ls /usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a > /dev/null 2>&1; then
  echo "sanitize.sh: installing clang and libclang-rt-14-dev (libFuzzer)"
  ${SUDO:-$([ "$(id -u)" = 0 ] || echo sudo)} apt-get install -y -qq clang libclang-rt-14-dev > /dev/null
fi

BUILD=build-asan
san="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
mkdir -p "$BUILD"
GEN=()
command -v ninja > /dev/null && [ ! -f "$BUILD/CMakeCache.txt" ] && GEN=(-G Ninja)
cmake -S . -B "$BUILD" "${GEN[@]}" -DCMAKE_BUILD_TYPE=Sanitize -DFTLAB_BUILD_TESTS=ON \
  "-DCMAKE_C_FLAGS=-O1 -g1 $san" "-DCMAKE_CXX_FLAGS=-O1 -g1 $san" "-DCMAKE_EXE_LINKER_FLAGS=$san" \
  "-DCMAKE_SHARED_LINKER_FLAGS=$san" "-DCMAKE_MODULE_LINKER_FLAGS=$san" > "$BUILD/configure.log" 2>&1 ||
  { cat "$BUILD/configure.log" >&2; exit 1; }
cmake --build "$BUILD" -j "$(nproc)" --target ftlab ftlab_tests bundled_plugins test_bad_abi test_throwing_metric \
  test_no_entry
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
echo "sanitize.sh: build $((SECONDS - t0)) s"

(cd "$BUILD" && ctest --output-on-failure -j "$(nproc)" -R '^(sdk_plugin_check_|hostile_)' \
  -E 'hostile_(out_of_memory|thread_refused|huge_model|sweep_too_big)$') || { echo "sanitize.sh: plugin-check or hostile tests failed" >&2; exit 1; }
FTLAB_PLUGIN_PATH="$PWD/$BUILD/plugins" "$BUILD/tests/ftlab_tests" > "$BUILD/unit.log" 2>&1 ||
  { tail -40 "$BUILD/unit.log"; echo "sanitize.sh: unit tests failed under the sanitizers" >&2; exit 1; }
tail -2 "$BUILD/unit.log"
echo "sanitize.sh: tests under ASan/UBSan $((SECONDS - t0)) s"

# The results fuzzer mutates a real run written by the sanitized ftlab.
template="$PWD/$BUILD/fuzz-template.h5"
FTLAB_PLUGIN_PATH="$PWD/$BUILD/plugins" "$BUILD/ftlab" run experiments/quickstart.toml --output "$template" \
  --set dataset.max_train=64 --set dataset.max_validation=24 --set dataset.max_test=24 \
  --set model.hidden_size=16 --set model.intermediate_size=32 --set model.num_hidden_layers=1 \
  --set model.num_attention_heads=2 --set train.epochs=2 --set train.save_strategy='"no"' --set train.load_best_model_at_end=false > "$BUILD/template.log" 2>&1 ||
  { cat "$BUILD/template.log"; exit 1; }
export FTLAB_FUZZ_TEMPLATE="$template"
for h in results toml; do WORK="$PWD/build-fuzz-$h" tests/fuzz/run_fuzz_ftlab.sh "$h" "$secs" > "$BUILD/fuzz-$h.log" 2>&1 ||
  { tail -60 "$BUILD/fuzz-$h.log"; echo "sanitize.sh: fuzzer $h found a problem (build-fuzz-$h/crash-*)" >&2; exit 1; }
  grep -E '^stat::number_of_executed_units' "$BUILD/fuzz-$h.log" | sed "s/^/fuzz $h: /"
done
tests/fuzz/run_fuzz.sh "$secs" > "$BUILD/fuzz-tokenizers.log" 2>&1 ||
  { tail -60 "$BUILD/fuzz-tokenizers.log"; echo "sanitize.sh: tokenizer fuzzer found a problem" >&2; exit 1; }
tests/fuzz/run_fuzz_safetensors.sh "$secs" > "$BUILD/fuzz-safetensors.log" 2>&1 ||
  { tail -60 "$BUILD/fuzz-safetensors.log"; echo "sanitize.sh: safetensors fuzzer found a problem" >&2; exit 1; }
for h in tokenizers safetensors; do
  grep -E '^stat::number_of_executed_units' "$BUILD/fuzz-$h.log" | sed "s/^/fuzz $h: /"
done
echo "sanitize.sh: passed in $((SECONDS - t0)) s"
