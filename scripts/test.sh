#!/bin/bash
# test.sh - installs what is missing, builds, and runs the whole test suite
# with CTest (Catch2 unit and end-to-end tests, CLI checks, h5py/scikit-learn
# checks of a results file).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh build
cd build
ctest --output-on-failure -j "$(nproc)"
