// cuda_util.hpp - the few CUDA runtime facts the host needs: the current
// stream (passed to plugins), whether a GPU has bf16 (train.precision =
// "auto"), its name, peak memory, and a device-wide wait for timing. Without
// a CUDA build of LibTorch (FTL_WITH_CUDA unset) every function answers for
// "no GPU", so CPU builds need no CUDA headers.
#pragma once

#include <ATen/ATen.h>

#include <cstdint>
#include <string>

namespace ftl {

// cudaStream_t of LibTorch's current stream on `device`, or nullptr on CPU.
void* current_stream(const at::Device& device);
// True when CUDA device `index` computes bf16 natively (compute capability >= 8.0).
bool cuda_has_bf16(int index);
// "NVIDIA H100 80GB HBM3"; "" without CUDA.
std::string cuda_device_name(int index);
// Peak bytes held by LibTorch's caching allocator since the last reset (like
// torch.cuda.max_memory_allocated); 0 without CUDA.
int64_t cuda_peak_allocated(int index);
void cuda_reset_peak(int index);
// Waits for all work queued on `device` (timing); no-op on CPU.
void device_synchronize(const at::Device& device);

// State of the device's default generator (CUDA: seed and Philox offset) as a
// CPU byte tensor, and its restore: checkpoints keep dropout draws on resume.
at::Tensor generator_state(const at::Device& device);
void set_generator_state(const at::Device& device, const at::Tensor& state);

}  // namespace ftl
