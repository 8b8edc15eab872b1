// bench_common.hpp - shared set-up for the trainer benchmarks: the quickstart
// experiment's components with a benchmark-sized model, and timing helpers.
#pragma once

#include "config/experiment.hpp"
#include "train/pipeline.hpp"

#include <algorithm>
#include <chrono>
#include <vector>

namespace bench {

inline double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

inline double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

inline ftl::Experiment quickstart(const std::vector<std::string>& sets) {
  return ftl::load_experiment(std::string(FTLAB_SOURCE_DIR) + "/experiments/quickstart.toml", sets);
}

}  // namespace bench
