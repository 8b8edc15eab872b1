// model.cpp - model plugin calls through the ABI with zero-copy tensors.
#include "train/model.hpp"

#include "util/error.hpp"

#include <ftlab/torch_bridge.hpp>

#include "train/cuda_util.hpp"

namespace ftl {

Model::Model(const FactoryRef& f, const ComponentSpec& spec)
    : f_(f), vt_(static_cast<const ftl_model_vtable*>(f.factory->vtable)) {
  self_ = create_instance(f, spec);
  try {
    const uint32_t n = vt_->num_params(self_);
    for (uint32_t i = 0; i < n; ++i) {
      ftl_error err = new_error();
      const char* name = nullptr;
      int32_t no_decay = 0;
      ftl_tensor* t = nullptr;
      check_status(vt_->param(self_, i, &name, &no_decay, &t, &err), err, f_, "param");
      params_.push_back({name ? name : "param" + std::to_string(i), no_decay != 0, torch_bridge::to_torch(t)});
    }
    if (params_.empty()) throw Error(std::string("model '") + f.factory->name + "' has no parameters to train");
  } catch (...) {
    params_.clear();
    vt_->common.destroy(self_);
    throw;
  }
}

Model::~Model() {
  params_.clear();  // drop our views before the plugin frees its parameters
  vt_->common.destroy(self_);
}

std::vector<at::Tensor> Model::grads() {
  std::vector<at::Tensor> out(params_.size());
  for (uint32_t i = 0; i < params_.size(); ++i) {
    ftl_error err = new_error();
    ftl_tensor* t = nullptr;
    check_status(vt_->grad(self_, i, &t, &err), err, f_, "grad");
    if (t != nullptr) out[i] = torch_bridge::to_torch(t);
  }
  return out;
}

void Model::zero_grad() {
  ftl_error err = new_error();
  check_status(vt_->zero_grad(self_, &err), err, f_, "zero_grad");
}

StepOutput Model::step(const at::Tensor& ids, const at::Tensor& mask, const at::Tensor& labels, bool train,
                       const StepExtras& extras) {
  ftl_named_tensor inputs[6];
  uint32_t n_in = 0;
  inputs[n_in++] = {"input_ids", torch_bridge::from_torch(ids)};
  inputs[n_in++] = {"attention_mask", torch_bridge::from_torch(mask)};
  if (labels.defined()) inputs[n_in++] = {"labels", torch_bridge::from_torch(labels)};
  if (extras.class_weights.defined())
    inputs[n_in++] = {"class_weights", torch_bridge::from_torch(extras.class_weights)};
  if (extras.label_smoothing != 0.0)
    inputs[n_in++] = {"label_smoothing",
                      torch_bridge::from_torch(at::scalar_tensor(extras.label_smoothing, at::kFloat))};
  if (extras.loss_scale != 1.0)
    inputs[n_in++] = {"loss_scale", torch_bridge::from_torch(at::scalar_tensor(extras.loss_scale, at::kFloat))};
  ftl_step_args args{};
  args.struct_size = sizeof args;
  args.inputs = inputs;
  args.n_inputs = n_in;
  args.train = train ? 1 : 0;
  args.stream = current_stream(ids.device());
  args.flags = FTL_STEP_LOSS_TENSOR;  // ABI 1.2; older plugins ignore it and report *loss
  ftl_named_tensor outputs[4] = {};
  uint32_t n_out = 0;
  double loss = 0.0;
  ftl_error err = new_error();
  int32_t rc = vt_->step(self_, &args, outputs, 4, &n_out, &loss, &err);  // inputs moved
  check_status(rc, err, f_, "step");
  StepOutput out;
  for (uint32_t i = 0; i < n_out && i < 4; ++i) {
    at::Tensor t = torch_bridge::to_torch(outputs[i].tensor);
    const std::string name = outputs[i].name != nullptr ? outputs[i].name : "";
    if (name == "logits")
      out.logits = t;
    else if (name == "loss" && labels.defined())
      out.loss = t.reshape({});
  }
  if (labels.defined() && !out.loss.defined())
    out.loss = at::scalar_tensor(loss, at::kFloat);  // a plugin of ABI < 1.2 reports *loss
  if (!out.logits.defined()) throw Error(std::string("model '") + f_.factory->name + "' step returned no logits");
  return out;
}

}  // namespace ftl
