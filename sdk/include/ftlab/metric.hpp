// ftlab/metric.hpp - write a metric plugin as a plain C++ class; this header
// supplies the ABI side: the vtable, FTL_GUARD on every slot, taking over the
// two tensors update() receives (released on every path), their dtype and
// shape checks, the buffer-too-small protocol of compute(), value names kept
// valid until the next reset, and the config check (unknown keys rejected;
// the host's num_labels key accepted). Your class provides:
//   explicit T(ftl::sdk::Config& c);         // read your keys (the adapter calls finish())
//   void reset();
//   void update(const float* logits, const int64_t* labels, int64_t n, int64_t c);  // [n, c], [n]
//   std::vector<ftl::sdk::MetricValue> compute() const;
//   const char* headline() const;           // static storage or a member
// and FTL_METRIC_PLUGIN(T, "name", "1.0.0", "summary") defines the library's
// entry. Limits: one metric per library, no tables() (write the vtable by hand
// for those, as examples/plugins/metric_matthews does). Labels are checked
// to lie in 0..c-1 before update() sees them.
#pragma once

#include <ftlab/sdk.hpp>

#include <set>
#include <string>
#include <vector>

namespace ftl::sdk {

struct MetricValue {
  std::string name;
  double value;
};

template <typename T>
struct MetricAdapter {
  struct Instance {
    T metric;
    std::set<std::string> names;  // storage for the names compute() hands out
  };
  static Instance* self(const ftl_instance* p) { return reinterpret_cast<Instance*>(const_cast<ftl_instance*>(p)); }

  static int32_t create(const ftl_config* cfg, const ftl_host_api*, ftl_instance** out, ftl_error* err) noexcept {
    FTL_GUARD_BEGIN
    Config c(cfg);
    auto* inst = new Instance{T(c), {}};
    std::unique_ptr<Instance> owned(inst);
    (void)c.get<int64_t>("num_labels", 0);  // the host always sends it
    c.finish();
    *out = reinterpret_cast<ftl_instance*>(owned.release());
    return FTL_OK;
    FTL_GUARD_END(err)
  }
  static void destroy(ftl_instance* p) noexcept { delete self(p); }
  static int32_t reset(ftl_instance* p, ftl_error* err) noexcept {
    FTL_GUARD_BEGIN
    self(p)->metric.reset();
    self(p)->names.clear();
    return FTL_OK;
    FTL_GUARD_END(err)
  }
  static int32_t update(ftl_instance* p, ftl_tensor* logits, ftl_tensor* labels, ftl_error* err) noexcept {
    TensorRef lg(logits), lb(labels);  // released on every path
    FTL_GUARD_BEGIN
    const float* x = lg.cpu_data<float>(2, "logits");      // [N, C]
    const int64_t* y = lb.cpu_data<int64_t>(1, "labels");  // [N]
    const int64_t n = lg.dl().shape[0], c = lg.dl().shape[1];
    if (lb.dl().shape[0] != n)
      throw invalid_argument("logits have " + std::to_string(n) + " rows but labels have " +
                             std::to_string(lb.dl().shape[0]));
    for (int64_t i = 0; i < n; ++i)
      if (y[i] < 0 || y[i] >= c)
        throw invalid_argument("label " + std::to_string(y[i]) + " at row " + std::to_string(i) + " is outside 0.." +
                               std::to_string(c - 1));
    self(p)->metric.update(x, y, n, c);
    return FTL_OK;
    FTL_GUARD_END(err)
  }
  static int32_t compute(ftl_instance* p, ftl_metric_value* out, uint32_t cap, uint32_t* n_out,
                         ftl_error* err) noexcept {
    FTL_GUARD_BEGIN
    const std::vector<MetricValue> values = self(p)->metric.compute();
    *n_out = static_cast<uint32_t>(values.size());
    if (cap < values.size()) return FTL_ERR_BUFFER_TOO_SMALL;  // only *n_out is written
    for (size_t i = 0; i < values.size(); ++i)
      out[i] = ftl_metric_value{self(p)->names.insert(values[i].name).first->c_str(), values[i].value};
    return FTL_OK;
    FTL_GUARD_END(err)
  }
  static int32_t tables(ftl_instance*, ftl_named_tensor*, uint32_t, uint32_t* n_out, ftl_error*) noexcept {
    *n_out = 0;
    return FTL_OK;
  }
  static const char* headline(const ftl_instance* p) noexcept { return self(p)->metric.headline(); }

  static constexpr ftl_metric_vtable vtable = {
      {sizeof(ftl_metric_vtable), create, destroy}, reset, update, compute, tables, headline};
};

}  // namespace ftl::sdk

// Defines the library's entry for one metric class T.
#define FTL_METRIC_PLUGIN(T, NAME, VERSION, SUMMARY)                                                         \
  namespace {                                                                                                \
  const ftl_factory ftl_metric_factory = {                                                                   \
      sizeof(ftl_factory), FTL_KIND_METRIC, NAME, VERSION, SUMMARY, 0, &ftl::sdk::MetricAdapter<T>::vtable}; \
  const ftl_plugin_descriptor ftl_metric_descriptor = {                                                      \
      sizeof(ftl_plugin_descriptor), FTL_ABI_MAJOR, FTL_ABI_MINOR, NAME, "", 1, &ftl_metric_factory};        \
  }                                                                                                          \
  FTL_PLUGIN_ENTRY(ftl_metric_descriptor)
