// throwing_metric.cpp - a test metric whose create() rejects an unknown key
// through the SDK (FTL_ERR_CONFIG + key) and whose update() throws inside the
// guard; the host must report both as one-line errors, not crash.
#include <ftlab/sdk.hpp>

namespace {

struct Metric {};

int32_t create(const ftl_config* cfg, const ftl_host_api*, ftl_instance** out, ftl_error* err) noexcept {
  FTL_GUARD_BEGIN
  ftl::sdk::Config c(cfg);
  (void)c.get<int64_t>("num_labels", 2);
  c.finish();
  *out = reinterpret_cast<ftl_instance*>(new Metric);
  return FTL_OK;
  FTL_GUARD_END(err)
}
void destroy(ftl_instance* self) noexcept {
  delete reinterpret_cast<Metric*>(self);
}
int32_t reset(ftl_instance*, ftl_error*) noexcept {
  return FTL_OK;
}
int32_t update(ftl_instance*, ftl_tensor* a, ftl_tensor* b, ftl_error* err) noexcept {
  ftl::sdk::TensorRef ra(a), rb(b);
  FTL_GUARD_BEGIN
  throw std::runtime_error("deliberate failure in update");
  FTL_GUARD_END(err)
}
int32_t compute(ftl_instance*, ftl_metric_value*, uint32_t, uint32_t* n, ftl_error*) noexcept {
  *n = 0;
  return FTL_OK;
}
int32_t tables(ftl_instance*, ftl_named_tensor*, uint32_t, uint32_t* n, ftl_error*) noexcept {
  *n = 0;
  return FTL_OK;
}
const char* headline(const ftl_instance*) noexcept {
  return "none";
}

const ftl_metric_vtable k_vtable = {{sizeof(k_vtable), create, destroy}, reset, update, compute, tables, headline};
const ftl_factory k_factories[] = {
    {sizeof(ftl_factory), FTL_KIND_METRIC, "throwing", "0.0.1", "test: fails on purpose", 0, &k_vtable}};
const ftl_plugin_descriptor k_descriptor = {
    sizeof(ftl_plugin_descriptor), FTL_ABI_MAJOR, FTL_ABI_MINOR, "throwing_metric", "", 1, k_factories};

}  // namespace

FTL_PLUGIN_ENTRY(k_descriptor)
