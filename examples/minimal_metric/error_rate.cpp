// error_rate.cpp - the smallest useful metric: the share of wrong argmax predictions.
#include <ftlab/sdk.hpp>

#include <algorithm>

namespace {
using namespace ftl::sdk;

struct ErrorRate {
  double wrong = 0, total = 0;
  static ErrorRate* me(ftl_instance* self) { return reinterpret_cast<ErrorRate*>(self); }
  static int32_t create(const ftl_config* cfg, const ftl_host_api*, ftl_instance** out, ftl_error* err) noexcept {
    FTL_GUARD_BEGIN
    Config c(cfg);
    c.get<int64_t>("num_labels", 0);  // the host always sends it
    c.finish();                       // rejects unknown keys
    *out = reinterpret_cast<ftl_instance*>(new ErrorRate);
    return FTL_OK;
    FTL_GUARD_END(err)
  }
  static void destroy(ftl_instance* self) noexcept { delete me(self); }
  static int32_t reset(ftl_instance* self, ftl_error*) noexcept {
    *me(self) = ErrorRate{};
    return FTL_OK;
  }
  static int32_t update(ftl_instance* self, ftl_tensor* logits, ftl_tensor* labels, ftl_error* err) noexcept {
    TensorRef lg(logits), lb(labels);  // own both tensors: released on every path
    FTL_GUARD_BEGIN
    const float* x = lg.cpu_data<float>(2, "logits");      // [N, C]
    const int64_t* y = lb.cpu_data<int64_t>(1, "labels");  // [N]
    const int64_t n = lg.dl().shape[0], c = lg.dl().shape[1];
    if (lb.dl().shape[0] != n) throw invalid_argument("logits and labels differ in length");
    for (int64_t i = 0; i < n; ++i)
      me(self)->wrong += std::max_element(x + i * c, x + (i + 1) * c) - (x + i * c) != y[i];
    me(self)->total += static_cast<double>(n);
    return FTL_OK;
    FTL_GUARD_END(err)
  }
  static int32_t compute(ftl_instance* self, ftl_metric_value* out, uint32_t cap, uint32_t* n, ftl_error*) noexcept {
    *n = 1;
    if (cap < 1) return FTL_ERR_BUFFER_TOO_SMALL;
    out[0] = {"error_rate", me(self)->total > 0 ? me(self)->wrong / me(self)->total : 0.0};
    return FTL_OK;
  }
  static int32_t tables(ftl_instance*, ftl_named_tensor*, uint32_t, uint32_t* n, ftl_error*) noexcept {
    *n = 0;
    return FTL_OK;
  }
  static const char* headline(const ftl_instance*) noexcept { return "error_rate"; }
};

const ftl_metric_vtable vt = {{sizeof vt, ErrorRate::create, ErrorRate::destroy},
                              ErrorRate::reset,
                              ErrorRate::update,
                              ErrorRate::compute,
                              ErrorRate::tables,
                              ErrorRate::headline};
const ftl_factory factory = {
    sizeof factory, FTL_KIND_METRIC, "error_rate", "1.0.0", "share of wrong predictions", 0, &vt};
const ftl_plugin_descriptor descriptor = {sizeof descriptor, FTL_ABI_MAJOR, FTL_ABI_MINOR, "error_rate", "", 1,
                                          &factory};
}  // namespace

FTL_PLUGIN_ENTRY(descriptor)
