// optim.cpp - AdamW, the linear schedule and gradient clipping.
#include "train/optim.hpp"

#include <cmath>

namespace ftl {

AdamW::AdamW(std::vector<Param>& params, AdamWOptions opt) : params_(params), opt_(opt) {
  for (auto& p : params_) {
    m_.push_back(at::zeros_like(p.value));
    v_.push_back(at::zeros_like(p.value));
  }
}

void AdamW::step(const std::vector<at::Tensor>& grads, double lr) {
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

double clip_grad_norm(std::vector<at::Tensor>& grads, double max_norm) {
  at::NoGradGuard no_grad;
  std::vector<at::Tensor> norms;
  for (const auto& g : grads)
    if (g.defined()) norms.push_back(g.norm(2.0).to(at::kDouble));
  if (norms.empty()) return 0.0;
  const double total = at::stack(norms).norm(2.0).item<double>();
  if (max_norm > 0.0) {
    const double coef = max_norm / (total + 1e-6);
    if (coef < 1.0)
      for (auto& g : grads)
        if (g.defined()) g.mul_(coef);
  }
  return total;
}

}  // namespace ftl
