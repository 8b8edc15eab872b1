// probes.cpp - see probes.hpp.
#include "plugincheck/probes.hpp"

#include "plugins/registry.hpp"
#include "util/error.hpp"

#include <cstdio>
#include <cstring>

#include <dlfcn.h>

namespace ftl::plugincheck {

const char k_sentinel_text[] = "untouched";

namespace {

void quiet_log(void*, int32_t level, const char* component, const char* msg) noexcept {
  if (level >= FTL_LOG_WARN) std::fprintf(stderr, "[%s] %s\n", component ? component : "plugin", msg ? msg : "");
}
int32_t never_stop(void*) noexcept {
  return 0;
}
const ftl_host_api g_host = {sizeof(ftl_host_api), FTL_ABI_MAJOR, FTL_ABI_MINOR, nullptr, quiet_log, never_stop};

}  // namespace

const ftl_host_api* check_host_api() {
  return &g_host;
}

LoadedPlugin load_quietly(const std::string& path, std::string* why) {
  LoadedPlugin p;
  try {
    elf_check(path);
  } catch (const Error& e) {
    *why = e.what();
    return {};
  }
  p.handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
  if (p.handle == nullptr) {
    *why = dlerror();
    return {};
  }
  p.entry = reinterpret_cast<ftl_entry_fn>(dlsym(p.handle, FTL_ENTRY_SYMBOL));
  if (p.entry == nullptr) {
    *why = "no " FTL_ENTRY_SYMBOL;
    return {};
  }
  ftl_error err = fresh_error();
  p.descriptor = p.entry(FTL_ABI_MAJOR, check_host_api(), &err);
  if (p.descriptor == nullptr) {
    *why = std::string("entry refused ABI major ") + std::to_string(FTL_ABI_MAJOR) + ": " + err.message;
    return {};
  }
  return p;
}

// ---- tracked tensors ---------------------------------------------------------------
TrackedTensor* TensorPool::make(const std::string& name, std::vector<int64_t> shape, DLDataType type, const void* data,
                                size_t bytes) {
  auto t = std::make_unique<TrackedTensor>();
  t->name = name;
  t->shape = std::move(shape);
  t->bytes.assign(static_cast<const unsigned char*>(data), static_cast<const unsigned char*>(data) + bytes);
  t->t.version.major = 1;
  t->t.version.minor = 0;
  t->t.manager_ctx = t.get();
  t->t.deleter = [](ftl_tensor* self) { static_cast<TrackedTensor*>(self->manager_ctx)->releases.fetch_add(1); };
  t->t.flags = 0;
  DLTensor& d = t->t.dl_tensor;
  d.data = t->bytes.data();
  d.device = DLDevice{kDLCPU, 0};
  d.ndim = static_cast<int32_t>(t->shape.size());
  d.dtype = type;
  d.shape = t->shape.data();
  d.strides = nullptr;
  d.byte_offset = 0;
  all_.push_back(std::move(t));
  return all_.back().get();
}

TrackedTensor* TensorPool::make_f32(const std::string& name, std::vector<int64_t> shape, const std::vector<float>& v) {
  return make(name, std::move(shape), DLDataType{kDLFloat, 32, 1}, v.data(), v.size() * sizeof(float));
}

TrackedTensor* TensorPool::make_i64(const std::string& name, std::vector<int64_t> shape,
                                    const std::vector<int64_t>& v) {
  return make(name, std::move(shape), DLDataType{kDLInt, 64, 1}, v.data(), v.size() * sizeof(int64_t));
}

void TensorPool::expect_released(Report& r, const std::string& call, bool at_destroy, bool report_pass) {
  std::vector<TrackedTensor*> check = pending_;
  pending_.clear();
  for (; checked_ < all_.size(); ++checked_) check.push_back(all_[checked_].get());
  for (TrackedTensor* t : check) {
    const int n = t->releases.load();
    if (t->call.empty()) t->call = call;
    const std::string what = "tensor '" + t->name + "' handed to " + t->call;
    if (n == 1) {
      if (at_destroy)
        r.warn(what + " was released only at destroy(); release inputs before the call returns");
      else if (report_pass)
        r.pass(what + ": deleter called exactly once");
    } else if (n > 1) {
      r.fail(what + ": deleter called " + std::to_string(n) + " times (double release); call it exactly once");
    } else if (at_destroy) {
      r.fail(what +
             ": deleter never called, the tensor leaked; take ownership with ftl::sdk::TensorRef "
             "before anything can fail");
    } else {
      pending_.push_back(t);  // may still be released by destroy()
    }
  }
}

bool TensorPool::all_released_once() const {
  for (const auto& t : all_)
    if (t->releases.load() != 1) return false;
  return true;
}

// ---- output tensors -----------------------------------------------------------------------
std::string take_output_tensor(ftl_tensor* t, int32_t* ndim_out, std::vector<int64_t>* shape_out,
                               DLDataType* dtype_out) {
  if (t == nullptr) return "tensor is NULL";
  std::string problem;
  const DLTensor& d = t->dl_tensor;
  if (t->version.major != 1) problem = "version.major is " + std::to_string(t->version.major) + ", expected 1";
  if (problem.empty() && (d.ndim < 0 || d.ndim > 32)) problem = "ndim " + std::to_string(d.ndim) + " out of range";
  if (problem.empty() && d.ndim > 0 && d.shape == nullptr) problem = "shape is NULL";
  int64_t numel = 1;
  for (int32_t i = 0; problem.empty() && i < d.ndim; ++i) {
    if (d.shape[i] < 0) problem = "negative dimension";
    numel *= d.shape[i];
  }
  if (problem.empty() && (d.dtype.lanes != 1 || d.dtype.bits == 0 || d.dtype.bits % 8 != 0))
    problem = "dtype has lanes " + std::to_string(d.dtype.lanes) + ", bits " + std::to_string(d.dtype.bits);
  if (problem.empty() && numel > 0 && d.data == nullptr) problem = "data is NULL for a non-empty tensor";
  if (problem.empty() && d.device.device_type != kDLCPU && d.device.device_type != kDLCUDA)
    problem = "device type " + std::to_string(d.device.device_type) + " is neither CPU nor CUDA";
  if (problem.empty()) {
    if (ndim_out) *ndim_out = d.ndim;
    if (shape_out) shape_out->assign(d.shape, d.shape + d.ndim);
    if (dtype_out) *dtype_out = d.dtype;
  }
  if (t->deleter != nullptr) t->deleter(t);  // exactly once, valid or not
  return problem;
}

// ---- errors ---------------------------------------------------------------------------------
ftl_error fresh_error() {
  ftl_error e;
  std::memset(&e, 0, sizeof e);
  e.struct_size = sizeof e;
  return e;
}

std::string status_name(int32_t rc) {
  switch (rc) {
    case FTL_OK:
      return "FTL_OK";
    case FTL_END:
      return "FTL_END";
    case FTL_ERR_INVALID_ARGUMENT:
      return "FTL_ERR_INVALID_ARGUMENT";
    case FTL_ERR_CONFIG:
      return "FTL_ERR_CONFIG";
    case FTL_ERR_IO:
      return "FTL_ERR_IO";
    case FTL_ERR_UNSUPPORTED:
      return "FTL_ERR_UNSUPPORTED";
    case FTL_ERR_BUFFER_TOO_SMALL:
      return "FTL_ERR_BUFFER_TOO_SMALL";
    case FTL_ERR_OUT_OF_MEMORY:
      return "FTL_ERR_OUT_OF_MEMORY";
    case FTL_ERR_ABI:
      return "FTL_ERR_ABI";
    case FTL_ERR_DATA:
      return "FTL_ERR_DATA";
    case FTL_ERR_INTERNAL:
      return "FTL_ERR_INTERNAL";
    default:
      return "status " + std::to_string(rc);
  }
}

std::string describe_error(int32_t rc, const ftl_error& err) {
  std::string s = status_name(rc);
  if (memchr(err.message, '\0', sizeof err.message) != nullptr && err.message[0] != '\0')
    s += std::string(" \"") + err.message + "\"";
  if (rc == FTL_ERR_CONFIG && memchr(err.key, '\0', sizeof err.key) != nullptr && err.key[0] != '\0')
    s += std::string(" [key ") + err.key + "]";
  return s;
}

bool failed_cleanly(int32_t rc, const ftl_error& err, std::string* problem) {
  if (rc >= 0) {
    *problem = "returned " + status_name(rc) + " instead of an error";
    return false;
  }
  if (err.code != rc) {
    *problem = "returned " + status_name(rc) + " but set ftl_error.code to " + std::to_string(err.code) +
               "; they must be equal (ftl::sdk::fail does this)";
    return false;
  }
  if (memchr(err.message, '\0', sizeof err.message) == nullptr) {
    *problem = "ftl_error.message is not NUL-terminated";
    return false;
  }
  if (err.message[0] == '\0') {
    *problem = "returned " + status_name(rc) + " with an empty ftl_error.message; say what is wrong and what to do";
    return false;
  }
  if (std::strchr(err.message, '\n') != nullptr) {
    *problem = "ftl_error.message spans several lines; the host prints it as one line";
    return false;
  }
  return true;
}

}  // namespace ftl::plugincheck
