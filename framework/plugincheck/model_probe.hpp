// model_probe.hpp - plugin-check's handle on a model instance for the
// training checks (check_model_training.cpp): fixed tiny batches, one step
// with optional inputs returning logits and loss as plain vectors, copies of
// every gradient, writes through parameter views, and the state of LibTorch's
// global CPU generator (read through WorkingConfig::global_rng, which the
// LibTorch side of the host supplies). Every tensor handed out is released.
// Limits: float32 CPU tensors; batch [2, 8] with the second row padded.
#pragma once

#include "plugincheck/checks.hpp"

#include <string>
#include <vector>

namespace ftl::plugincheck {

struct Batch {
  int64_t rows = 0, cols = 0;
  std::vector<int64_t> ids, mask, labels;  // [rows, cols], [rows, cols], [rows]
};

struct StepExtras {
  std::vector<float> class_weights;  // sent when not empty
  float label_smoothing = 0.0f;      // sent when not 0
  float loss_scale = 1.0f;           // sent when not 1
};

struct StepResult {
  bool ok = false;
  int32_t rc = 0;
  std::string error;          // describe_error on failure
  std::vector<float> logits;  // [rows, C]
  double loss = 0.0;
};

// A float32 CPU element of a tensor (compact or strided); not released.
float* tensor_element(ftl_tensor* t, int64_t flat);

class ModelProbe {
 public:
  ModelProbe(const ftl_model_vtable* vt, ftl_instance* self, const WorkingConfig& cfg, TensorPool& pool, Report& r);
  uint32_t num_params() const { return np_; }
  int64_t num_labels() const { return cfg_.num_labels; }
  std::string param_name(uint32_t i);

  Batch batch() const;                // [2, 8], row 1 padded at its last 2 positions
  Batch batch_twice() const;          // the batch's rows repeated: [4, 8]
  Batch batch_other_padding() const;  // other ids where attention_mask is 0
  StepResult run(const Batch& b, bool train, const StepExtras& extras = {});
  void zero_grad();
  std::vector<std::vector<float>> grads();  // per parameter, empty where it has none

  bool param_write_is_seen(uint32_t i);  // a write through one view, read through a new one
  void perturb_all(float sign);          // adds sign * a fixed pattern to every parameter
  bool train_is_deterministic();         // two zero_grad + step(train) give the same gradients

  bool can_read_global_rng() const { return cfg_.global_rng != nullptr; }
  std::string global_rng() const { return cfg_.global_rng ? cfg_.global_rng() : ""; }

 private:
  ftl_tensor* param_view(uint32_t i, std::string* name = nullptr);
  const ftl_model_vtable* vt_;
  ftl_instance* self_;
  const WorkingConfig& cfg_;
  TensorPool& pool_;
  Report& r_;
  uint32_t np_;
};

}  // namespace ftl::plugincheck
