// metric_driver.cpp - feeds logits and labels to a metric plugin through the
// host's own wrapper (plugins/components.hpp) and prints compute()'s values,
// so that check_matthews.py can compare them with scikit-learn.
// Usage: metric_driver LIBRARY METRIC_NAME < data, where data is "N C" and
// then N lines of C logits followed by the gold label. Output: "name value".
#include "plugins/components.hpp"
#include "plugins/registry.hpp"

#include <cstdio>
#include <exception>
#include <iostream>
#include <vector>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: metric_driver LIBRARY METRIC_NAME < data\n");
    return 2;
  }
  try {
    int64_t n = 0, c = 0;
    if (!(std::cin >> n >> c) || n < 0 || c < 2) throw std::runtime_error("input must start with 'N C'");
    std::vector<float> logits(static_cast<size_t>(n * c));  // [N, C]
    std::vector<int64_t> labels(static_cast<size_t>(n));    // [N]
    for (int64_t i = 0; i < n; ++i) {
      for (int64_t k = 0; k < c; ++k) std::cin >> logits[static_cast<size_t>(i * c + k)];
      std::cin >> labels[static_cast<size_t>(i)];
    }
    if (!std::cin) throw std::runtime_error("input ended early");
    ftl::Registry reg;
    reg.load_library(argv[1]);
    ftl::ComponentSpec spec;
    spec.toml = "num_labels = " + std::to_string(c) + "\n";
    spec.where = "metric_driver";
    ftl::Metric metric(reg.find(FTL_KIND_METRIC, argv[2]), spec);
    metric.reset();
    const int64_t half = n / 2;  // two updates: accumulation across batches counts too
    metric.update(logits.data(), labels.data(), half, c);
    metric.update(logits.data() + half * c, labels.data() + half, n - half, c);
    for (const auto& [name, value] : metric.compute()) std::printf("%s %.17g\n", name.c_str(), value);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "metric_driver: %s\n", e.what());
    return 1;
  }
}
