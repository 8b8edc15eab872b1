// confusion_metric.hpp - the ABI side shared by the metric plugins that count
// a confusion matrix (`classification`, `tweeteval`): a plugin derives from
// ConfusionMetric, fills `values` from the matrix in compute_values() and
// names its headline; ConfusionMetricSlots<make>::vtable supplies create
// (under FTL_GUARD), destroy, reset, update (both tensors released on every
// path), compute (the buffer protocol; names are interned, so they stay valid
// for the instance's lifetime, beyond the ABI's "until the next reset")
// and tables (confusion matrix and per-class values). Header-only, no LibTorch.
#pragma once

#include "classification_counts.hpp"

#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace ftl::metric {

struct ConfusionMetric {
  Confusion confusion;
  std::vector<std::pair<std::string, double>> values;  // rebuilt by every compute()
  std::set<std::string> names;  // interned value names: compute() hands out pointers into these nodes
  virtual ~ConfusionMetric() = default;
  virtual void compute_values() = 0;  // fills `values` from `confusion`
  virtual const char* headline() const = 0;
};

using ConfusionMetricMaker = std::unique_ptr<ConfusionMetric> (*)(ftl::sdk::Config& c);

template <ConfusionMetricMaker Make>
struct ConfusionMetricSlots {
  static ConfusionMetric* of(const ftl_instance* p) {
    return reinterpret_cast<ConfusionMetric*>(const_cast<ftl_instance*>(p));
  }

  static int32_t create(const ftl_config* cfg, const ftl_host_api*, ftl_instance** out, ftl_error* err) noexcept {
    FTL_GUARD_BEGIN
    if (out == nullptr) throw ftl::sdk::invalid_argument("create: NULL output");
    ftl::sdk::Config c(cfg);
    std::unique_ptr<ConfusionMetric> m = Make(c);  // reads its keys, calls c.finish(), sizes the matrix
    *out = reinterpret_cast<ftl_instance*>(m.release());
    return FTL_OK;
    FTL_GUARD_END(err)
  }

  static void destroy(ftl_instance* self) noexcept { delete of(self); }

  static int32_t reset(ftl_instance* self, ftl_error* err) noexcept {
    FTL_GUARD_BEGIN
    of(self)->confusion.clear();
    of(self)->values.clear();
    return FTL_OK;
    FTL_GUARD_END(err)
  }

  static int32_t update(ftl_instance* self, ftl_tensor* logits_t, ftl_tensor* labels_t, ftl_error* err) noexcept {
    ftl::sdk::TensorRef logits(logits_t), labels(labels_t);  // released on every path
    FTL_GUARD_BEGIN
    of(self)->confusion.add_logits(logits, labels);
    return FTL_OK;
    FTL_GUARD_END(err)
  }

  static int32_t compute(ftl_instance* self, ftl_metric_value* out, uint32_t cap, uint32_t* n_out,
                         ftl_error* err) noexcept {
    FTL_GUARD_BEGIN
    ConfusionMetric* m = of(self);
    if (n_out == nullptr || (out == nullptr && cap > 0)) throw ftl::sdk::invalid_argument("compute: NULL argument");
    m->compute_values();
    *n_out = static_cast<uint32_t>(m->values.size());
    if (cap < m->values.size()) return FTL_ERR_BUFFER_TOO_SMALL;
    for (size_t i = 0; i < m->values.size(); ++i)
      out[i] = ftl_metric_value{m->names.insert(m->values[i].first).first->c_str(), m->values[i].second};
    return FTL_OK;
    FTL_GUARD_END(err)
  }

  static int32_t tables(ftl_instance* self, ftl_named_tensor* out, uint32_t cap, uint32_t* n_out,
                        ftl_error* err) noexcept {
    FTL_GUARD_BEGIN
    ConfusionMetric* m = of(self);
    if (n_out == nullptr || (out == nullptr && cap > 0)) throw ftl::sdk::invalid_argument("tables: NULL argument");
    return tables_out(m->confusion.tables(m->confusion.per_class()), out, cap, n_out);
    FTL_GUARD_END(err)
  }

  static const char* headline(const ftl_instance* self) noexcept { return of(self)->headline(); }

  static constexpr ftl_metric_vtable vtable = {
      {sizeof(ftl_metric_vtable), create, destroy}, reset, update, compute, tables, headline};
};

}  // namespace ftl::metric
