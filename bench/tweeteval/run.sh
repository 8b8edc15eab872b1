#!/bin/bash
# bench/tweeteval/run.sh [DATASETS_DIR] - builds the TweetEval loading
# benchmark (build-bench/), runs it and writes bench/results/tweeteval-load.md
# with the machine and date. Default data: ../shared/data/tweeteval/datasets.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build-bench}
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFTLAB_BUILD_BENCH=ON -DFTLAB_BUILD_TESTS=OFF > /dev/null
cmake --build "$BUILD" -j 2 --target bench_tweeteval_load dataset_tweeteval > /dev/null
export FTLAB_PLUGIN_PATH="$PWD/$BUILD/plugins"
DATA="${1:-$PWD/../shared/data/tweeteval/datasets}"
out=$("$BUILD/bench/tweeteval/bench_tweeteval_load" "$DATA" 5)
{
  echo "# TweetEval loading (target: all seven tasks in under a second)"
  echo
  echo "Machine: $(uname -n), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem/{print $2}') GiB;"
  echo "date: $(date -u '+%F %H:%M UTC'). Produced by \`bench/tweeteval/run.sh\`."
  echo
  echo "The \`tweeteval\` dataset plugin creates each task through the ABI as \`ftlab run\` does (train, val"
  echo "and test read, split on LF, labels parsed and range-checked, texts stripped; stance = the five"
  echo "targets pooled), warm page cache, median of 5. Baseline in the same process: reading the same"
  echo "files into memory without parsing."
  echo
  echo '```'; echo "$out"; echo '```'
} > bench/results/tweeteval-load.md
cat bench/results/tweeteval-load.md
