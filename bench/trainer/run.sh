#!/bin/bash
# bench/trainer/run.sh - builds the trainer benchmarks (build-bench/), runs
# them and writes bench/results/trainer.md with the machine and date.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=build-bench
cmake -S . -B $BUILD -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFTLAB_BUILD_BENCH=ON -DFTLAB_BUILD_TESTS=OFF > /dev/null
cmake --build $BUILD -j "$(nproc)" --target ftlab bench_abi bench_io bench_padding tokenizer_bpe dataset_tweeteval model_roberta metric_classification > /dev/null
export FTLAB_PLUGIN_PATH="$PWD/$BUILD/plugins"
DATA="${1:-$PWD/../shared/data/tweeteval/datasets}"
abi=$("$BUILD/bench/trainer/bench_abi" 200 2>/dev/null)
io=$("$BUILD/bench/trainer/bench_io" /tmp/ftlab-bench-io 2>/dev/null)
pad=$("$BUILD/bench/trainer/bench_padding" "$DATA" 2>/dev/null)
{
  echo "# Trainer benchmarks"
  echo
  echo "Machine: $(uname -n), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem/{print $2}') GiB;"
  echo "LibTorch $(dpkg-query -W -f='${Version}' libtorch-dev 2>/dev/null || echo '?') (CPU, OpenBLAS); date: $(date -u +%F)."
  echo "Produced by \`bench/trainer/run.sh\`; raw lines below each table."
  echo
  echo "## Plugin ABI overhead (target: at most 5%)"
  echo
  echo "200 training steps of the quickstart model (RoBERTa, 2 layers, width 128, vocab 50,265, batch 32 of"
  echo "real tweets) through the model plugin and the host's AdamW, against the same model code in a plain"
  echo "LibTorch loop (torch::optim::AdamW with two groups, clip_grad_norm_, loss read every step) on the"
  echo "same batches; medians of 3 alternating runs after a warm-up of each."
  echo
  echo '```'; echo "$abi"; echo '```'
  echo
  echo "## Results file cost (target: at most 2% of an epoch) and checkpoint speed"
  echo
  echo "Writing the logits, labels and tables of a 5,000 x 20 validation and a 50,000 x 20 test evaluation"
  echo "(emoji's sizes, the largest TweetEval task) and a 10,000-step log, against one quickstart epoch"
  echo "measured in the same process; checkpoint = weights + two AdamW moments, uncompressed, fsync'ed."
  echo
  echo '```'; echo "$io"; echo '```'
  echo
  echo "## Padded tokens per TweetEval training epoch (target: at least 3x fewer than padding to 128)"
  echo
  echo "RoBERTa tokenizer, max length 128, batch 16; factor = pad-to-128 / length-grouped."
  echo
  echo '```'; echo "$pad"; echo '```'
} > bench/results/trainer.md
cat bench/results/trainer.md
