// global_rng.cpp - see global_rng.hpp.
#include "train/global_rng.hpp"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <mutex>

namespace ftl {

std::string global_rng_state() {
  auto gen = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(gen.mutex());
  const at::Tensor s = gen.get_state();  // [N] uint8
  return std::string(reinterpret_cast<const char*>(s.data_ptr<uint8_t>()), static_cast<size_t>(s.numel()));
}

}  // namespace ftl
