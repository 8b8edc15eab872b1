// optim.cpp - AdamW, the linear schedule and gradient clipping.
#include "train/optim.hpp"

#include "util/error.hpp"

#include <torch/version.h>

#include <cmath>

// torch._fused_adamw_ and the Tensor overload of _foreach_mul_ (LibTorch 2.2+).
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 2)
#define FTL_HAVE_FUSED_OPTIM 1
#else
#define FTL_HAVE_FUSED_OPTIM 0
#endif

namespace ftl {

bool fused_adamw_available(const at::Device& device) {
  return FTL_HAVE_FUSED_OPTIM && device.is_cuda();
}

AdamW::AdamW(std::vector<Param>& params, AdamWOptions opt) : params_(params), opt_(opt) {
  for (auto& p : params_) {
    m_.push_back(at::zeros_like(p.value));
    v_.push_back(at::zeros_like(p.value));
  }
  if (opt_.fused && (params_.empty() || !fused_adamw_available(params_[0].value.device())))
    throw Error("the fused AdamW kernel needs CUDA and LibTorch >= 2.2; set train.optim = \"adamw_loop\"");
}

void AdamW::step(const std::vector<at::Tensor>& grads, double lr) {
  if (opt_.fused)
    step_fused(grads, lr);
  else
    step_loop(grads, lr);
}

void AdamW::step_fused(const std::vector<at::Tensor>& grads, double lr) {
  at::NoGradGuard no_grad;
  ++t_;
#if FTL_HAVE_FUSED_OPTIM
  if (!step_t_.defined()) step_t_ = at::zeros({}, params_[0].value.options().dtype(at::kFloat));
  step_t_.fill_(static_cast<double>(t_));             // queued like any kernel: no wait
  for (int no_decay = 0; no_decay < 2; ++no_decay) {  // group 0: decayed, group 1: biases and norms
    std::vector<at::Tensor> p, g, m, v, steps;
    for (size_t i = 0; i < params_.size(); ++i) {
      if (!grads[i].defined() || params_[i].no_decay != (no_decay == 1)) continue;
      p.push_back(params_[i].value);
      g.push_back(grads[i]);
      m.push_back(m_[i]);
      v.push_back(v_[i]);
      steps.push_back(step_t_);
    }
    if (p.empty()) continue;
    const double wd = no_decay == 1 ? 0.0 : opt_.weight_decay;
    const std::vector<at::Tensor> no_max;  // amsgrad off
    at::_fused_adamw_(p, g, m, v, no_max, steps, lr, opt_.beta1, opt_.beta2, wd, opt_.eps, /*amsgrad=*/false,
                      /*maximize=*/false);
  }
#else
  (void)grads;
  (void)lr;
#endif
}

void AdamW::step_loop(const std::vector<at::Tensor>& grads, double lr) {
  at::NoGradGuard no_grad;
  ++t_;
  const double bc1 = 1.0 - std::pow(opt_.beta1, static_cast<double>(t_));
  const double bc2 = 1.0 - std::pow(opt_.beta2, static_cast<double>(t_));
  const double step_size = lr / bc1;
  const double bc2_sqrt = std::sqrt(bc2);
  for (size_t i = 0; i < params_.size(); ++i) {
    if (!grads[i].defined()) continue;
    at::Tensor& p = params_[i].value;
    const at::Tensor& g = grads[i];
    if (!params_[i].no_decay && opt_.weight_decay != 0.0) p.mul_(1.0 - lr * opt_.weight_decay);
    m_[i].mul_(opt_.beta1).add_(g, 1.0 - opt_.beta1);
    v_[i].mul_(opt_.beta2).addcmul_(g, g, 1.0 - opt_.beta2);
    at::Tensor denom = (v_[i].sqrt() / bc2_sqrt).add_(opt_.eps);
    p.addcdiv_(m_[i], denom, -step_size);
  }
}

double linear_schedule(double base_lr, int64_t step, int64_t warmup, int64_t total) {
  if (step < warmup) return base_lr * static_cast<double>(step) / static_cast<double>(std::max<int64_t>(1, warmup));
  const double left = static_cast<double>(total - step) / static_cast<double>(std::max<int64_t>(1, total - warmup));
  return base_lr * std::max(0.0, left);
}

double scheduled_lr(const std::string& kind, double base_lr, int64_t step, int64_t warmup, int64_t total) {
  if (kind == "linear") return linear_schedule(base_lr, step, warmup, total);
  if (kind == "constant") return base_lr;
  const double w = static_cast<double>(std::max<int64_t>(1, warmup));
  if (step < warmup) return base_lr * static_cast<double>(step) / w;
  if (kind == "constant_with_warmup") return base_lr;
  // cosine: get_cosine_schedule_with_warmup with num_cycles = 0.5
  const double progress =
      static_cast<double>(step - warmup) / static_cast<double>(std::max<int64_t>(1, total - warmup));
  return base_lr * std::max(0.0, 0.5 * (1.0 + std::cos(M_PI * progress)));
}

at::Tensor clip_grad_norm(std::vector<at::Tensor>& grads, double max_norm) {
  at::NoGradGuard no_grad;
  std::vector<at::Tensor> live;
  for (const auto& g : grads)
    if (g.defined()) live.push_back(g);
  if (live.empty()) return at::zeros({}, at::kDouble);
  const bool foreach = FTL_HAVE_FUSED_OPTIM && live[0].is_cuda();
  std::vector<at::Tensor> norms;
#if FTL_HAVE_FUSED_OPTIM
  if (foreach) norms = at::_foreach_norm(live, 2.0);
#endif
  if (!foreach)
    for (const auto& g : live) norms.push_back(g.norm(2.0));
  const at::Tensor total = at::stack(norms).to(at::kDouble).norm(2.0);  // [] float64
  if (max_norm > 0.0) {
    const at::Tensor coef = (max_norm / (total + 1e-6)).clamp_max(1.0);  // [] float64
#if FTL_HAVE_FUSED_OPTIM
    if (foreach) {
      at::_foreach_mul_(live, coef.to(at::kFloat));
      return total;
    }
#endif
    for (auto& g : live) g.mul_(coef);
  }
  return total;
}

}  // namespace ftl
