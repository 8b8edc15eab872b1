// ftlab/torch_bridge.hpp - zero-copy conversion between at::Tensor and
// ftl_tensor for code that links LibTorch (the host and model plugins only).
// Works with LibTorch 1.13 (DLPack 0.6 legacy API) and 2.x.
#pragma once

#include <ftlab/plugin.h>

#include <ATen/ATen.h>
#include <ATen/DLConvertor.h>

#include <stdexcept>

namespace ftl::torch_bridge {

// A new ftl_tensor holding one reference on t's storage (moves to the receiver).
inline ftl_tensor* from_torch(const at::Tensor& t) {
  DLManagedTensor* legacy = at::toDLPack(t);
  auto* m = new ftl_tensor{};
  m->version.major = 1;
  m->version.minor = 0;
  m->manager_ctx = legacy;
  m->deleter = [](ftl_tensor* self) {
    auto* l = static_cast<DLManagedTensor*>(self->manager_ctx);
    if (l != nullptr && l->deleter != nullptr) l->deleter(l);
    delete self;
  };
  m->flags = 0;
  m->dl_tensor = legacy->dl_tensor;
  return m;
}

// Consumes m (also when it throws) and returns an at::Tensor sharing its memory.
inline at::Tensor to_torch(ftl_tensor* m) {
  if (m == nullptr) throw std::invalid_argument("tensor is NULL");
  try {
    (void)at::toScalarType(m->dl_tensor.dtype);  // throws on an unsupported dtype
    const auto dev = m->dl_tensor.device.device_type;
    if (dev != kDLCPU && dev != kDLCUDA)
      throw std::invalid_argument("tensor on an unsupported device type " + std::to_string(static_cast<int>(dev)));
  } catch (...) {
    if (m->deleter != nullptr) m->deleter(m);
    throw;
  }
  auto* tmp = new DLManagedTensor{};
  tmp->dl_tensor = m->dl_tensor;
  tmp->manager_ctx = m;
  tmp->deleter = [](DLManagedTensor* self) {
    auto* mm = static_cast<ftl_tensor*>(self->manager_ctx);
    if (mm->deleter != nullptr) mm->deleter(mm);
    delete self;
  };
  return at::fromDLPack(tmp);
}

}  // namespace ftl::torch_bridge
