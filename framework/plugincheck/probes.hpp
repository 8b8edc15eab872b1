// probes.hpp - the instruments plugin-check uses on a plugin: host-made
// tensors that count their deleter calls (to catch leaks and double
// releases of tensors handed to a plugin), validation and release of tensors
// a plugin hands out, the "failed cleanly" test for error returns, and the
// plugin's loaded descriptor. No LibTorch: tensors are plain CPU buffers.
#pragma once

#include "plugincheck/report.hpp"

#include <ftlab/plugin.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

namespace ftl::plugincheck {

// ---- the plugin under test --------------------------------------------------
struct LoadedPlugin {
  void* handle = nullptr;
  ftl_entry_fn entry = nullptr;
  const ftl_plugin_descriptor* descriptor = nullptr;
};
// dlopen + entry(FTL_ABI_MAJOR) without reporting; nullopt-like empty result on failure.
LoadedPlugin load_quietly(const std::string& path, std::string* why);

// The host services plugin-check lends (logging discarded below warnings).
const ftl_host_api* check_host_api();

// ---- tensors handed to the plugin ----------------------------------------------
// A CPU tensor whose deleter only counts; the memory stays valid until the
// pool is destroyed, so a plugin that uses a tensor after releasing it reads
// valid (if stale) memory rather than crashing the check.
struct TrackedTensor {
  ftl_tensor t{};
  std::string name;
  std::string call;  // the plugin call it was handed to
  std::vector<int64_t> shape;
  std::vector<unsigned char> bytes;
  std::atomic<int> releases{0};
};

class TensorPool {
 public:
  TrackedTensor* make_f32(const std::string& name, std::vector<int64_t> shape, const std::vector<float>& v);
  TrackedTensor* make_i64(const std::string& name, std::vector<int64_t> shape, const std::vector<int64_t>& v);
  // Reports, for tensors made since the last call, whether each was released
  // exactly once; `call` names the plugin call that received them.
  // at_destroy: the instance is gone, so a tensor never released leaked.
  // report_pass = false: report only problems (for many routine calls).
  void expect_released(Report& r, const std::string& call, bool at_destroy, bool report_pass = true);
  bool all_released_once() const;

 private:
  TrackedTensor* make(const std::string& name, std::vector<int64_t> shape, DLDataType type, const void* data,
                      size_t bytes);
  std::vector<std::unique_ptr<TrackedTensor>> all_;
  size_t checked_ = 0;                   // tensors already reported as released once
  std::vector<TrackedTensor*> pending_;  // not yet released when last checked
};

// ---- tensors the plugin hands out ---------------------------------------------------
// Checks the layout of t (version, shape, dtype, data, device) and calls its
// deleter exactly once. Returns an empty string if valid, else the problem.
std::string take_output_tensor(ftl_tensor* t, int32_t* ndim_out = nullptr, std::vector<int64_t>* shape_out = nullptr,
                               DLDataType* dtype_out = nullptr);

// ---- error returns ----------------------------------------------------------------
ftl_error fresh_error();
// True if rc/err describe a clean failure (negative status, err.code == rc, a
// one-line NUL-terminated message); otherwise sets *problem.
bool failed_cleanly(int32_t rc, const ftl_error& err, std::string* problem);
std::string status_name(int32_t rc);
std::string describe_error(int32_t rc, const ftl_error& err);  // "FTL_ERR_CONFIG \"msg\" [key x]"

// Sentinels written into outputs before a call that must leave them untouched.
constexpr int64_t k_sentinel_i64 = -0x5A5A5A5A;
constexpr size_t k_sentinel_size = 0x5A5A5A5Au;
constexpr int32_t k_sentinel_i32 = -0x5A5A5A5;
extern const char k_sentinel_text[];  // its address is the sentinel pointer

}  // namespace ftl::plugincheck
