// optim.hpp - the host's optimizer pieces, written to match PyTorch's
// torch.optim.AdamW (decoupled weight decay, bias correction, eps added after
// the square root) as the Hugging Face Trainer uses it; parameters flagged
// no_decay (biases, LayerNorm weights) form a second group without decay.
// Also the linear warmup/decay schedule and global-norm gradient clipping.
#pragma once

#include "train/model.hpp"

namespace ftl {

struct AdamWOptions {
  double beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weight_decay = 0.01;
};

class AdamW {
 public:
  AdamW(std::vector<Param>& params, AdamWOptions opt);
  // One update with learning rate lr; parameters without a gradient are skipped.
  void step(const std::vector<at::Tensor>& grads, double lr);
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
};

// Hugging Face get_linear_schedule_with_warmup: lr * step/warmup during warmup,
// then linear decay to 0 at total_steps. `step` counts optimizer steps done.
double linear_schedule(double base_lr, int64_t step, int64_t warmup, int64_t total);

// Learning rate of optimizer step `step` (0-based count of steps done) for
// the Hugging Face schedules: "linear", "cosine" (half a cosine wave),
// "constant" (no warmup) and "constant_with_warmup".
double scheduled_lr(const std::string& kind, double base_lr, int64_t step, int64_t warmup, int64_t total);

// Scales grads in place so their global L2 norm is at most max_norm (0 = no
// clipping); returns the norm before clipping (torch clip_grad_norm_).
double clip_grad_norm(std::vector<at::Tensor>& grads, double max_norm);

}  // namespace ftl
