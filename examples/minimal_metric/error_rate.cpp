// error_rate.cpp - the smallest useful metric: the share of wrong argmax predictions.
#include <ftlab/metric.hpp>

#include <algorithm>

struct ErrorRate {
  double wrong = 0, total = 0;
  explicit ErrorRate(ftl::sdk::Config&) {}  // no keys of its own
  void reset() { wrong = total = 0; }
  void update(const float* logits, const int64_t* labels, int64_t n, int64_t c) {  // [n, c], [n]
    for (int64_t i = 0; i < n; ++i) {
      const float* row = logits + i * c;
      wrong += std::max_element(row, row + c) - row != labels[i];
    }
    total += static_cast<double>(n);
  }
  std::vector<ftl::sdk::MetricValue> compute() const { return {{"error_rate", total > 0 ? wrong / total : 0.0}}; }
  const char* headline() const { return "error_rate"; }
};

FTL_METRIC_PLUGIN(ErrorRate, "error_rate", "1.0.0", "share of wrong argmax predictions")
