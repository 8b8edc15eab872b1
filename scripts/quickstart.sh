#!/bin/bash
# quickstart.sh - installs what is missing, builds, and runs the quickstart
# experiment (about a minute on a 2-core CPU). Prints the test metrics and the
# path of the HDF5 results file.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh build
./build/ftlab run experiments/quickstart.toml
