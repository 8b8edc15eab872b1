#!/bin/bash
# build.sh [--pip] [BUILD_DIR] - configures (Ninja, RelWithDebInfo) and builds
# ftlab, its plugins and tests.
#   (a) default: Debian's LibTorch 1.13 (CPU), in build/.
#   (b) --pip:   pip's LibTorch 2.x with CUDA (FTL_WITH_CUDA; compiled with
#                the machine's nvcc toolkit, runs on the CPU without a GPU),
#                from the virtual environment scripts/setup-pip.sh makes
#                ($FTLAB_VENV or .venv/), in build-cuda/.
# Both builds find a Python with transformers in that environment when it
# exists (FTLAB_HF_PYTHON), so the tests against Hugging Face run in either.
set -euo pipefail
cd "$(dirname "$0")/.."
pip_build=0
if [ "${1:-}" = "--pip" ]; then
  pip_build=1
  shift
fi
venv="${FTLAB_VENV:-$PWD/.venv}"
venv="$(cd "$(dirname "$venv")" && pwd)/$(basename "$venv")"
ARGS=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DFTLAB_BUILD_TESTS=ON)
[ -x "$venv/bin/python" ] && ARGS+=("-DFTLAB_HF_PYTHON=$venv/bin/python")
if [ "$pip_build" = 1 ]; then
  BUILD="${1:-build-cuda}"
  [ -x "$venv/bin/python" ] || { echo "build.sh --pip: no $venv; run scripts/setup-pip.sh first" >&2; exit 1; }
  torch_root="$("$venv/bin/python" -c 'import os, torch; print(os.path.dirname(torch.__file__))')"
  # The torch folder itself as the prefix: TorchConfig's find_library(torch) then finds
  # its own lib/libtorch.so before a Debian /usr/lib one.
  ARGS+=("-DCMAKE_PREFIX_PATH=$torch_root" -DFTLAB_REQUIRE_CUDA=ON)
  export TORCH_CUDA_ARCH_LIST="${TORCH_CUDA_ARCH_LIST:-8.0;9.0}"  # A100, H100/H200
  export CUDACXX="${CUDACXX:-$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)}"
else
  BUILD="${1:-build}"
fi
GEN=()
command -v ninja >/dev/null && GEN=(-G Ninja)
mkdir -p "$BUILD"
[ -f "$BUILD/CMakeCache.txt" ] && GEN=()  # the generator is fixed once; the rest is re-read each time
cmake -S . -B "$BUILD" "${GEN[@]}" "${ARGS[@]}" >"$BUILD/configure.log" 2>&1 ||
  { cat "$BUILD/configure.log" >&2; exit 1; }
grep -E '^-- ftlab:' "$BUILD/configure.log" || true
cmake --build "$BUILD" -j "$(nproc)"
