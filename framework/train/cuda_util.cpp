// cuda_util.cpp - see cuda_util.hpp. Uses only c10's CUDA headers and the
// CUDA runtime API (no cuBLAS/cuDNN headers), so a CUDA LibTorch from pip
// builds it with a plain CUDA toolkit.
#include "train/cuda_util.hpp"

#include <ATen/Context.h>

#include <mutex>

#if defined(FTL_WITH_CUDA)
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAFunctions.h>
#include <c10/cuda/CUDAStream.h>
#include <cuda_runtime_api.h>
#endif

namespace ftl {

at::Tensor generator_state(const at::Device& device) {
  at::Generator gen = at::globalContext().defaultGenerator(device);  // a handle: shares the generator
  std::lock_guard<std::mutex> lock(gen.mutex());
  return at::Tensor(gen.get_state());
}

void set_generator_state(const at::Device& device, const at::Tensor& state) {
  at::Generator gen = at::globalContext().defaultGenerator(device);
  std::lock_guard<std::mutex> lock(gen.mutex());
  gen.set_state(state);
}

#if defined(FTL_WITH_CUDA)

void* current_stream(const at::Device& device) {
  if (!device.is_cuda()) return nullptr;
  return c10::cuda::getCurrentCUDAStream(device.index()).stream();
}

bool cuda_has_bf16(int index) {
  int major = 0;
  if (cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, index) != cudaSuccess) return false;
  return major >= 8;
}

std::string cuda_device_name(int index) {
  cudaDeviceProp prop{};
  if (cudaGetDeviceProperties(&prop, index) != cudaSuccess) return "";
  return prop.name;
}

int64_t cuda_peak_allocated(int index) {
  const auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(static_cast<c10::DeviceIndex>(index));
  return stats.allocated_bytes[0].peak;  // [0] = aggregate over pool types
}

void cuda_reset_peak(int index) {
  c10::cuda::CUDACachingAllocator::resetPeakStats(static_cast<c10::DeviceIndex>(index));
}

void device_synchronize(const at::Device& device) {
  if (device.is_cuda()) c10::cuda::device_synchronize();
}

#else

void* current_stream(const at::Device&) {
  return nullptr;
}
bool cuda_has_bf16(int) {
  return false;
}
std::string cuda_device_name(int) {
  return "";
}
int64_t cuda_peak_allocated(int) {
  return 0;
}
void cuda_reset_peak(int) {}
void device_synchronize(const at::Device&) {}

#endif

}  // namespace ftl
