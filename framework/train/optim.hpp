// optim.hpp - the host's optimizer pieces, written to match PyTorch's
// torch.optim.AdamW (decoupled weight decay, bias correction, eps added after
// the square root) as the Hugging Face Trainer uses it; parameters flagged
// no_decay (biases, LayerNorm weights) form a second group without decay.
// Also the linear warmup/decay schedule and global-norm gradient clipping.
// On CUDA with LibTorch >= 2.2 the update runs as torch's fused AdamW kernel
// (torch.optim.AdamW(fused=True): two launches per step instead of ~5 per
// parameter); elsewhere, the per-parameter loop below (bit-exact on resume).
#pragma once

#include "train/model.hpp"

namespace ftl {

struct AdamWOptions {
  double beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weight_decay = 0.01;
  bool fused = false;  // torch's fused kernel; only where fused_adamw_available()
};

// True when this LibTorch has the fused AdamW kernel for tensors on `device`.
bool fused_adamw_available(const at::Device& device);

class AdamW {
 public:
  AdamW(std::vector<Param>& params, AdamWOptions opt);
  // One update with learning rate lr; parameters without a gradient are skipped.
  // Never waits for the device.
  void step(const std::vector<at::Tensor>& grads, double lr);
  bool fused() const { return opt_.fused; }
  int64_t steps() const { return t_; }
  // Checkpoint access: moments per parameter and the step count.
  std::vector<at::Tensor>& first_moments() { return m_; }
  std::vector<at::Tensor>& second_moments() { return v_; }
  void set_steps(int64_t t) { t_ = t; }

 private:
  std::vector<Param>& params_;
  AdamWOptions opt_;
  std::vector<at::Tensor> m_, v_;  // first and second moments, like each parameter
  int64_t t_ = 0;
  at::Tensor step_t_;  // [] float32 on the device: the fused kernel reads the step count there
  void step_loop(const std::vector<at::Tensor>& grads, double lr);
  void step_fused(const std::vector<at::Tensor>& grads, double lr);
};

// Hugging Face get_linear_schedule_with_warmup: lr * step/warmup during warmup,
// then linear decay to 0 at total_steps. `step` counts optimizer steps done.
double linear_schedule(double base_lr, int64_t step, int64_t warmup, int64_t total);

// Learning rate of optimizer step `step` (0-based count of steps done) for
// the Hugging Face schedules: "linear", "cosine" (half a cosine wave),
// "constant" (no warmup) and "constant_with_warmup".
double scheduled_lr(const std::string& kind, double base_lr, int64_t step, int64_t warmup, int64_t total);

// Scales grads in place so their global L2 norm is at most max_norm (0 = no
// clipping), as torch.nn.utils.clip_grad_norm_ does (multiplies by
// min(1, max_norm / (norm + 1e-6))); returns the norm before clipping as a
// [] float64 tensor on the grads' device, without waiting for the device
// (foreach kernels on CUDA with LibTorch >= 2.2).
at::Tensor clip_grad_norm(std::vector<at::Tensor>& grads, double max_norm);

}  // namespace ftl
