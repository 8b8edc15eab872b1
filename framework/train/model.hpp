// model.hpp - host-side wrapper of a model plugin instance (needs LibTorch):
// parameter views shared with the plugin, gradient fetch, forward/backward.
#pragma once

#include "plugins/components.hpp"

#include <ATen/ATen.h>
#include <ATen/core/grad_mode.h>  // at::NoGradGuard (not in ATen.h on LibTorch 2.x)

#include <cmath>

namespace ftl {

struct Param {
  std::string name;
  bool no_decay = false;
  at::Tensor value;  // shares storage with the plugin's parameter: update in place only
};

// Optional loss settings passed with a training step (see plugin.h).
struct StepExtras {
  double loss_scale = 1.0;
  double label_smoothing = 0.0;
  at::Tensor class_weights;  // [C] float32 or undefined
};

struct StepOutput {
  at::Tensor logits;  // [B, C] float32, on the model's device
  // [] float32 on the model's device when labels were given, else undefined.
  // Reading it (loss_value()) waits for the device; the training loop batches those reads.
  at::Tensor loss;
  double loss_value() const { return loss.defined() ? loss.item<double>() : std::nan(""); }
};

class Model {
 public:
  Model(const FactoryRef& f, const ComponentSpec& spec);
  ~Model();
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;

  std::vector<Param>& params() { return params_; }
  // Gradients of every parameter (undefined tensors where there is none).
  std::vector<at::Tensor> grads();
  void zero_grad();
  // ids/mask [B, T] int64, labels [B] int64 or undefined; on the CPU or already
  // on the model's device (then nothing here waits for the device).
  StepOutput step(const at::Tensor& ids, const at::Tensor& mask, const at::Tensor& labels, bool train,
                  const StepExtras& extras = {});
  const FactoryRef& factory() const { return f_; }

 private:
  FactoryRef f_;
  const ftl_model_vtable* vt_;
  ftl_instance* self_ = nullptr;
  std::vector<Param> params_;
};

}  // namespace ftl
