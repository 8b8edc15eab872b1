// ftlab/sdk.hpp - header-only C++17 helpers for plugin authors: exception
// guards for ABI entry points, config parsing that rejects unknown keys, owning
// tensor handles and the entry-point macro. Source-level convenience only: the
// ABI is plugin.h, and nothing here crosses the boundary. Needs toml++.
#pragma once

#include <ftlab/plugin.h>

#include <cstdio>
#include <cstring>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <toml++/toml.h>

namespace ftl::sdk {

// ---- errors ------------------------------------------------------------------
// Throw these inside a plugin; FTL_GUARD_END turns them into status codes.
struct Error : std::runtime_error {
  int32_t code;
  std::string key;
  Error(int32_t c, const std::string& msg, std::string k = {}) : std::runtime_error(msg), code(c), key(std::move(k)) {}
};
inline Error config_error(const std::string& key, const std::string& msg) {
  return Error(FTL_ERR_CONFIG, msg, key);
}
inline Error io_error(const std::string& msg) {
  return Error(FTL_ERR_IO, msg);
}
inline Error data_error(const std::string& msg) {
  return Error(FTL_ERR_DATA, msg);
}
inline Error invalid_argument(const std::string& msg) {
  return Error(FTL_ERR_INVALID_ARGUMENT, msg);
}

// Fills err (if given) and returns code. Messages are cut to fit the buffer.
inline int32_t fail(ftl_error* err, int32_t code, const char* msg, const char* key = "") noexcept {
  if (err != nullptr) {
    err->code = code;
    std::snprintf(err->message, sizeof err->message, "%s", msg != nullptr ? msg : "");
    if (FTL_HAS_FIELD(err, ftl_error, key)) std::snprintf(err->key, sizeof err->key, "%s", key != nullptr ? key : "");
  }
  return code;
}

}  // namespace ftl::sdk

// Wrap the body of every ABI function that returns a status:
//   int32_t f(..., ftl_error* err) noexcept { FTL_GUARD_BEGIN ... return FTL_OK; FTL_GUARD_END(err) }
#define FTL_GUARD_BEGIN try {
#define FTL_GUARD_END(err)                                                   \
  }                                                                          \
  catch (const ftl::sdk::Error& e) {                                         \
    return ftl::sdk::fail((err), e.code, e.what(), e.key.c_str());           \
  }                                                                          \
  catch (const std::bad_alloc&) {                                            \
    return ftl::sdk::fail((err), FTL_ERR_OUT_OF_MEMORY, "out of memory");    \
  }                                                                          \
  catch (const std::exception& e) {                                          \
    return ftl::sdk::fail((err), FTL_ERR_INTERNAL, e.what());                \
  }                                                                          \
  catch (...) {                                                              \
    return ftl::sdk::fail((err), FTL_ERR_INTERNAL, "unknown C++ exception"); \
  }

// Defines the library's entry symbol returning DESCRIPTOR (a static ftl_plugin_descriptor).
#define FTL_PLUGIN_ENTRY(DESCRIPTOR)                                                                           \
  extern "C" FTL_EXPORT const ftl_plugin_descriptor* ftl_plugin_entry(                                         \
      uint32_t abi_major_requested, const ftl_host_api* host, ftl_error* err) noexcept {                       \
    (void)host;                                                                                                \
    if (abi_major_requested != FTL_ABI_MAJOR) {                                                                \
      char msg[160];                                                                                           \
      std::snprintf(msg, sizeof msg, "plugin speaks ABI major %u, host asked for %u", (unsigned)FTL_ABI_MAJOR, \
                    (unsigned)abi_major_requested);                                                            \
      ftl::sdk::fail(err, FTL_ERR_ABI, msg);                                                                   \
      return nullptr;                                                                                          \
    }                                                                                                          \
    return &(DESCRIPTOR);                                                                                      \
  }

namespace ftl::sdk {

// ---- config --------------------------------------------------------------------
// Parses a component's TOML table and remembers which keys were read, so that
// finish() can reject the rest. Keys are top-level names of the table.
class Config {
 public:
  explicit Config(const ftl_config* cfg) {
    if (cfg == nullptr || cfg->toml == nullptr) throw invalid_argument("config is NULL");
    base_dir_ = cfg->base_dir != nullptr ? cfg->base_dir : "";
    try {
      table_ = toml::parse(std::string_view(cfg->toml, cfg->toml_len));
    } catch (const toml::parse_error& e) {
      throw config_error("", std::string("component config is not valid TOML: ") + std::string(e.description()));
    }
  }

  bool has(const std::string& key) const { return table_.contains(key); }

  template <typename T>
  T get(const std::string& key, T fallback) {
    used_.insert(key);
    const toml::node* node = table_.get(key);
    if (node == nullptr) return fallback;
    return convert<T>(key, *node);
  }

  template <typename T>
  T require(const std::string& key) {
    used_.insert(key);
    const toml::node* node = table_.get(key);
    if (node == nullptr) throw config_error(key, "required key '" + key + "' is missing");
    return convert<T>(key, *node);
  }

  // A path value resolved against the experiment file's folder.
  std::string path(const std::string& key) {
    std::string p = require<std::string>(key);
    if (!p.empty() && p[0] != '/' && !base_dir_.empty()) p = base_dir_ + "/" + p;
    return p;
  }

  // Throws for the first key that was never read.
  void finish() const {
    for (const auto& [k, v] : table_) {
      (void)v;
      std::string key(k.str());
      if (used_.count(key) == 0) throw config_error(key, "unknown key '" + key + "'; remove it or check its spelling");
    }
  }

 private:
  template <typename T>
  static T convert(const std::string& key, const toml::node& node) {
    if constexpr (std::is_same_v<T, bool>) {
      if (auto v = node.value_exact<bool>()) return *v;
      throw config_error(key, "'" + key + "' must be true or false");
    } else if constexpr (std::is_integral_v<T>) {
      if (auto v = node.value_exact<int64_t>()) return static_cast<T>(*v);
      throw config_error(key, "'" + key + "' must be an integer");
    } else if constexpr (std::is_floating_point_v<T>) {
      if (auto v = node.value<double>()) return static_cast<T>(*v);
      throw config_error(key, "'" + key + "' must be a number");
    } else if constexpr (std::is_same_v<T, std::string>) {
      if (auto v = node.value_exact<std::string>()) return *v;
      throw config_error(key, "'" + key + "' must be a string");
    } else {
      static_assert(sizeof(T) == 0, "unsupported config value type");
    }
  }

  toml::table table_;
  std::set<std::string> used_;
  std::string base_dir_;
};

// ---- tensors -------------------------------------------------------------------
// Owns one reference to an ftl_tensor and releases it exactly once.
class TensorRef {
 public:
  TensorRef() = default;
  explicit TensorRef(ftl_tensor* t) : t_(t) {}
  TensorRef(TensorRef&& o) noexcept : t_(o.t_) { o.t_ = nullptr; }
  TensorRef& operator=(TensorRef&& o) noexcept {
    if (this != &o) {
      reset();
      t_ = o.t_;
      o.t_ = nullptr;
    }
    return *this;
  }
  TensorRef(const TensorRef&) = delete;
  TensorRef& operator=(const TensorRef&) = delete;
  ~TensorRef() { reset(); }

  void reset() noexcept {
    if (t_ != nullptr && t_->deleter != nullptr) t_->deleter(t_);
    t_ = nullptr;
  }
  ftl_tensor* release() noexcept {
    ftl_tensor* t = t_;
    t_ = nullptr;
    return t;
  }
  ftl_tensor* get() const noexcept { return t_; }
  const DLTensor& dl() const { return t_->dl_tensor; }

  // Checks that the tensor is a compact CPU tensor of element type T with `ndim`
  // dimensions and returns its data; `what` names it in the error.
  template <typename T>
  const T* cpu_data(int32_t ndim, const char* what) const {
    if (t_ == nullptr) throw invalid_argument(std::string(what) + ": tensor is NULL");
    const DLTensor& d = t_->dl_tensor;
    if (d.device.device_type != kDLCPU) throw Error(FTL_ERR_UNSUPPORTED, std::string(what) + ": expected a CPU tensor");
    if (d.ndim != ndim)
      throw invalid_argument(std::string(what) + ": expected " + std::to_string(ndim) + " dimensions, got " +
                             std::to_string(d.ndim));
    if (!dtype_is<T>(d.dtype))
      throw invalid_argument(std::string(what) + ": unexpected dtype (code " + std::to_string(d.dtype.code) + ", " +
                             std::to_string(d.dtype.bits) + " bits)");
    if (d.strides != nullptr) {
      int64_t expect = 1;
      for (int32_t i = ndim - 1; i >= 0; --i) {
        if (d.shape[i] != 1 && d.strides[i] != expect)
          throw invalid_argument(std::string(what) + ": tensor must be compact row-major");
        expect *= d.shape[i];
      }
    }
    return reinterpret_cast<const T*>(static_cast<const char*>(d.data) + d.byte_offset);
  }

  template <typename T>
  static bool dtype_is(DLDataType t) {
    if (t.lanes != 1 || t.bits != sizeof(T) * 8) return false;
    if constexpr (std::is_floating_point_v<T>) return t.code == kDLFloat;
    if constexpr (std::is_signed_v<T>) return t.code == kDLInt;
    return t.code == kDLUInt;
  }

 private:
  ftl_tensor* t_ = nullptr;
};

// A CPU tensor owning a std::vector<T>; the deleter frees both.
template <typename T>
ftl_tensor* make_cpu_tensor(std::vector<int64_t> shape, std::vector<T> values) {
  struct Holder {
    ftl_tensor t{};
    std::vector<int64_t> shape;
    std::vector<T> values;
  };
  auto* h = new Holder{};
  h->shape = std::move(shape);
  h->values = std::move(values);
  h->t.version.major = 1;
  h->t.version.minor = 0;
  h->t.manager_ctx = h;
  h->t.deleter = [](ftl_tensor* self) { delete static_cast<Holder*>(self->manager_ctx); };
  DLTensor& d = h->t.dl_tensor;
  d.data = h->values.data();
  d.device = DLDevice{kDLCPU, 0};
  d.ndim = static_cast<int32_t>(h->shape.size());
  d.dtype.code = std::is_floating_point_v<T> ? kDLFloat : (std::is_signed_v<T> ? kDLInt : kDLUInt);
  d.dtype.bits = sizeof(T) * 8;
  d.dtype.lanes = 1;
  d.shape = h->shape.data();
  d.strides = nullptr;
  d.byte_offset = 0;
  return &h->t;
}

// Writes bytes into a caller buffer with the FTL_ERR_BUFFER_TOO_SMALL protocol.
template <typename T>
int32_t copy_out(const T* src, size_t n, T* dst, size_t cap, size_t* n_out) {
  *n_out = n;
  if (n > cap) return FTL_ERR_BUFFER_TOO_SMALL;
  if (n > 0) std::memcpy(dst, src, n * sizeof(T));
  return FTL_OK;
}

// Host logging helper; safe when host or its log slot is missing.
inline void log(const ftl_host_api* host, int32_t level, const char* component, const std::string& msg) {
  if (host != nullptr && FTL_HAS_FIELD(host, ftl_host_api, log) && host->log != nullptr)
    host->log(host->host_ctx, level, component, msg.c_str());
}

}  // namespace ftl::sdk
