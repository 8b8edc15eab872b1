// significance.hpp - is the best run really better than the second? The tests
// `ftlab compare` prints and the sweep page of `ftlab report` shows, between
// two runs on their stored test logits (eval/test/final): McNemar's exact
// test on accuracy, and the paired bootstrap (analysis/bootstrap.hpp) of any
// metric the runs' metric plugin computes, scored by run A's own metric
// plugin rebuilt from its stored [metric] table. Limits: both runs need the
// same test examples (same labels in the same order); the bootstrap needs the
// metric plugin on the plugin path. Either limit gives a line saying why.
#pragma once

#include "analysis/bootstrap.hpp"
#include "analysis/stats.hpp"

#include <cstdint>
#include <string>

namespace ftl::analysis {

constexpr uint64_t k_bootstrap_seed = 0;  // fixed: the same files give the same interval

struct Significance {
  std::string path_a, path_b;
  int64_t n = 0;        // test examples
  std::string problem;  // not empty: neither test ran, and why
  McNemar mcnemar;
  int64_t resamples = 0;          // 0: bootstrap off
  std::string bootstrap_problem;  // not empty: the bootstrap did not run, and why
  PairedBootstrap bootstrap;
  std::string plugin;  // the metric plugin that scored the resamples
};

// Never throws for a bad or missing file: the reason goes to `problem`.
Significance significance_best_two(const std::string& path_a, const std::string& path_b, const std::string& metric,
                                   int64_t resamples);

// The lines compare prints (each section starts with an empty line).
std::string significance_text(const Significance& s, const std::string& metric);

}  // namespace ftl::analysis
