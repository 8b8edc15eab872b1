#!/bin/bash
# build.sh [BUILD_DIR] - configures (Ninja, RelWithDebInfo) and builds ftlab,
# its plugins and tests. Default build folder: build/.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD="${1:-build}"
GEN=()
command -v ninja >/dev/null && GEN=(-G Ninja)
if [ ! -f "$BUILD/CMakeCache.txt" ]; then
  cmake -S . -B "$BUILD" "${GEN[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFTLAB_BUILD_TESTS=ON
fi
cmake --build "$BUILD" -j "$(nproc)"
