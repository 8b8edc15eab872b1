// metric_classification.cpp - the `classification` metric plugin: accuracy,
// macro / weighted / micro precision, recall and F1, per-class values and the
// confusion matrix from logits (argmax; ties go to the lowest index, as numpy
// does), with scikit-learn's semantics (classification_counts.hpp).
// Config keys: num_labels (the host sets it from the dataset), headline
// (value to rank runs by, default macro_f1).
#include "confusion_metric.hpp"

#include <memory>

namespace {

struct Classification : ftl::metric::ConfusionMetric {
  std::string headline_name = "macro_f1";
  void compute_values() override { values = confusion.averages(confusion.per_class()); }
  const char* headline() const override { return headline_name.c_str(); }
};

std::unique_ptr<ftl::metric::ConfusionMetric> make(ftl::sdk::Config& c) {
  auto m = std::make_unique<Classification>();
  const auto num_labels = c.require<int64_t>("num_labels");
  m->headline_name = c.get<std::string>("headline", "macro_f1");
  c.finish();
  if (num_labels < 2 || num_labels > 100000)
    throw ftl::sdk::config_error("num_labels", "num_labels must be between 2 and 100000");
  const auto& names = ftl::metric::Confusion::value_names();
  if (std::find(names.begin(), names.end(), m->headline_name) == names.end()) {
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
    throw ftl::sdk::config_error("headline", "headline '" + m->headline_name + "' is not one of " + list);
  }
  m->confusion.resize(num_labels);
  return m;
}

const ftl_factory k_factories[] = {{sizeof(ftl_factory), FTL_KIND_METRIC, "classification", "0.2.0",
                                    "accuracy, macro/weighted/micro P/R/F1, per-class values, confusion matrix", 0,
                                    &ftl::metric::ConfusionMetricSlots<make>::vtable}};

const ftl_plugin_descriptor k_descriptor = {
    sizeof(ftl_plugin_descriptor), FTL_ABI_MAJOR, FTL_ABI_MINOR, "metric_classification", "", 1, k_factories};

}  // namespace

FTL_PLUGIN_ENTRY(k_descriptor)
