// metric_classification.cpp - the `classification` metric plugin: accuracy,
// macro / weighted / micro precision, recall and F1, per-class values and the
// confusion matrix from logits (argmax; ties go to the lowest index, as numpy
// does), with scikit-learn's semantics (classification_counts.hpp).
// Config keys: num_labels (the host sets it from the dataset), headline
// (value to rank runs by, default macro_f1).
#include "classification_counts.hpp"

#include <memory>

namespace {

struct Metric {
  ftl::metric::Confusion confusion;
  std::string headline = "macro_f1";
  std::vector<std::pair<std::string, double>> values;  // names borrowed by compute() callers
};

Metric* self_of(const ftl_instance* p) {
  return reinterpret_cast<Metric*>(const_cast<ftl_instance*>(p));
}

int32_t create(const ftl_config* cfg, const ftl_host_api*, ftl_instance** out, ftl_error* err) noexcept {
  FTL_GUARD_BEGIN
  ftl::sdk::Config c(cfg);
  auto m = std::make_unique<Metric>();
  const auto num_labels = c.require<int64_t>("num_labels");
  m->headline = c.get<std::string>("headline", "macro_f1");
  c.finish();
  if (num_labels < 2 || num_labels > 100000)
    throw ftl::sdk::config_error("num_labels", "num_labels must be between 2 and 100000");
  const auto& names = ftl::metric::Confusion::value_names();
  if (std::find(names.begin(), names.end(), m->headline) == names.end()) {
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
    throw ftl::sdk::config_error("headline", "headline '" + m->headline + "' is not one of " + list);
  }
  m->confusion.resize(num_labels);
  *out = reinterpret_cast<ftl_instance*>(m.release());
  return FTL_OK;
  FTL_GUARD_END(err)
}

void destroy(ftl_instance* self) noexcept {
  delete self_of(self);
}

int32_t reset(ftl_instance* self, ftl_error* err) noexcept {
  FTL_GUARD_BEGIN
  self_of(self)->confusion.clear();
  self_of(self)->values.clear();
  return FTL_OK;
  FTL_GUARD_END(err)
}

int32_t update(ftl_instance* self, ftl_tensor* logits_t, ftl_tensor* labels_t, ftl_error* err) noexcept {
  ftl::sdk::TensorRef logits(logits_t), labels(labels_t);  // released on every path
  FTL_GUARD_BEGIN
  self_of(self)->confusion.add_logits(logits, labels);
  return FTL_OK;
  FTL_GUARD_END(err)
}

int32_t compute(ftl_instance* self, ftl_metric_value* out, uint32_t cap, uint32_t* n_out, ftl_error* err) noexcept {
  FTL_GUARD_BEGIN
  Metric* m = self_of(self);
  if (n_out == nullptr || (out == nullptr && cap > 0)) throw ftl::sdk::invalid_argument("compute: NULL argument");
  m->values = m->confusion.averages(m->confusion.per_class());
  *n_out = static_cast<uint32_t>(m->values.size());
  if (cap < m->values.size()) return FTL_ERR_BUFFER_TOO_SMALL;
  for (size_t i = 0; i < m->values.size(); ++i)
    out[i] = ftl_metric_value{m->values[i].first.c_str(), m->values[i].second};
  return FTL_OK;
  FTL_GUARD_END(err)
}

int32_t tables(ftl_instance* self, ftl_named_tensor* out, uint32_t cap, uint32_t* n_out, ftl_error* err) noexcept {
  FTL_GUARD_BEGIN
  Metric* m = self_of(self);
  if (n_out == nullptr || (out == nullptr && cap > 0)) throw ftl::sdk::invalid_argument("tables: NULL argument");
  return ftl::metric::tables_out(m->confusion.tables(m->confusion.per_class()), out, cap, n_out);
  FTL_GUARD_END(err)
}

const char* headline(const ftl_instance* self) noexcept {
  return self_of(self)->headline.c_str();
}

const ftl_metric_vtable k_vtable = {{sizeof(k_vtable), create, destroy}, reset, update, compute, tables, headline};

const ftl_factory k_factories[] = {{sizeof(ftl_factory), FTL_KIND_METRIC, "classification", "0.2.0",
                                    "accuracy, macro/weighted/micro P/R/F1, per-class values, confusion matrix", 0,
                                    &k_vtable}};

const ftl_plugin_descriptor k_descriptor = {
    sizeof(ftl_plugin_descriptor), FTL_ABI_MAJOR, FTL_ABI_MINOR, "metric_classification", "", 1, k_factories};

}  // namespace

FTL_PLUGIN_ENTRY(k_descriptor)
