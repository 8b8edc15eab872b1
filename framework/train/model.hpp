// model.hpp - host-side wrapper of a model plugin instance (needs LibTorch):
// parameter views shared with the plugin, gradient fetch, forward/backward.
#pragma once

#include "plugins/components.hpp"

#include <ATen/ATen.h>

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
  at::Tensor logits;  // [B, C] float32
  double loss = 0.0;  // NaN when no labels were given
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
  // ids/mask [B, T] int64, labels [B] int64 or undefined.
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
