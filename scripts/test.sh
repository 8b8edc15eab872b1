#!/bin/bash
# test.sh [--pip | --both] - installs what is missing, builds, and runs the
# whole test suite with CTest (Catch2 unit and end-to-end tests, CLI checks,
# h5py/scikit-learn checks of results files, and where scripts/setup-pip.sh
# made .venv/, checks against transformers and Hugging Face tokenizers).
#   (default) build (a): Debian's LibTorch 1.13, CPU, in build/
#   --pip     build (b): pip's LibTorch 2.x with CUDA, in build-cuda/ (makes .venv/)
#   --both    both, one after the other, as CI does (makes .venv/ first, so
#             the Hugging Face checks run in both); prints each build's counts
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-debian}"
case "$mode" in
  debian | --pip | --both) ;;
  *) echo "usage: scripts/test.sh [--pip | --both]" >&2; exit 2 ;;
esac
scripts/install-deps.sh
[ "$mode" = debian ] || scripts/setup-pip.sh

summary=()
status=0
run_suite() { # run_suite NAME BUILD_DIR [--pip]
  local name="$1" dir="$2"
  shift 2
  local t0=$SECONDS log="$dir/ctest.log"
  scripts/build.sh "$@" "$dir"
  set +e
  (cd "$dir" && ctest --output-on-failure -j "$(nproc)") 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  set -e
  [ "$rc" = 0 ] || status=1
  local line skipped
  line=$(grep -E 'tests passed, [0-9]+ tests failed out of [0-9]+' "$log" | tail -1)
  skipped=$(grep -cE '\*\*\*Skipped|Not Run' "$log" || true)
  summary+=("$name: ${line:-no CTest summary (rc $rc)}; $skipped skipped; $((SECONDS - t0)) s with the build")
}
case "$mode" in
  debian) run_suite "build (a) Debian LibTorch" build ;;
  --pip) run_suite "build (b) pip LibTorch + CUDA" build-cuda --pip ;;
  --both)
    run_suite "build (a) Debian LibTorch" build
    run_suite "build (b) pip LibTorch + CUDA" build-cuda --pip
    ;;
esac
echo
for s in "${summary[@]}"; do echo "test.sh: $s"; done
exit $status
