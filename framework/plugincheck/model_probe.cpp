// model_probe.cpp - see model_probe.hpp.
#include "plugincheck/model_probe.hpp"

#include <cmath>

namespace ftl::plugincheck {

namespace {

int64_t numel(const DLTensor& d) {
  int64_t n = 1;
  for (int32_t k = 0; k < d.ndim; ++k) n *= d.shape[k];
  return n;
}

bool is_cpu_f32(const ftl_tensor* t) {
  return t != nullptr && t->dl_tensor.device.device_type == kDLCPU && t->dl_tensor.dtype.code == kDLFloat &&
         t->dl_tensor.dtype.bits == 32;
}

std::vector<float> copy_f32(ftl_tensor* t) {
  std::vector<float> v;
  if (!is_cpu_f32(t)) return v;
  const int64_t n = numel(t->dl_tensor);
  for (int64_t j = 0; j < n; ++j) v.push_back(*tensor_element(t, j));
  return v;
}

float pattern(int64_t j) {
  return 0.05f * static_cast<float>(j % 7 - 3);
}

}  // namespace

float* tensor_element(ftl_tensor* t, int64_t flat) {
  const DLTensor& d = t->dl_tensor;
  int64_t offset = 0, rest = flat;
  for (int32_t k = d.ndim - 1; k >= 0; --k) {
    const int64_t idx = rest % d.shape[k];
    rest /= d.shape[k];
    int64_t stride = 1;
    if (d.strides != nullptr) {
      stride = d.strides[k];
    } else {
      for (int32_t j = k + 1; j < d.ndim; ++j) stride *= d.shape[j];
    }
    offset += idx * stride;
  }
  return reinterpret_cast<float*>(static_cast<char*>(d.data) + d.byte_offset) + offset;
}

ModelProbe::ModelProbe(const ftl_model_vtable* vt, ftl_instance* self, const WorkingConfig& cfg, TensorPool& pool,
                       Report& r)
    : vt_(vt), self_(self), cfg_(cfg), pool_(pool), r_(r), np_(vt->num_params(self)) {}

ftl_tensor* ModelProbe::param_view(uint32_t i, std::string* name) {
  const char* n = nullptr;
  int32_t no_decay = 0;
  ftl_tensor* t = nullptr;
  ftl_error err = fresh_error();
  r_.begin("param(" + std::to_string(i) + ")");
  if (vt_->param(self_, i, &n, &no_decay, &t, &err) != FTL_OK) return nullptr;
  if (name != nullptr) *name = n != nullptr ? n : "?";
  return t;
}

std::string ModelProbe::param_name(uint32_t i) {
  std::string name;
  ftl_tensor* t = param_view(i, &name);
  take_output_tensor(t);
  return name;
}

Batch ModelProbe::batch() const {
  Batch b;
  b.rows = 2;
  b.cols = 8;
  b.ids.resize(16);
  b.mask.assign(16, 1);
  for (int64_t i = 0; i < 16; ++i) b.ids[i] = (i * 13 + 5) % cfg_.vocab_size;
  for (int64_t t = 6; t < 8; ++t) {
    b.ids[8 + t] = cfg_.pad_token_id;
    b.mask[8 + t] = 0;
  }
  b.labels = {0, 1 % cfg_.num_labels};
  return b;
}

Batch ModelProbe::batch_twice() const {
  Batch one = batch(), b = one;
  b.rows = 4;
  b.ids.insert(b.ids.end(), one.ids.begin(), one.ids.end());
  b.mask.insert(b.mask.end(), one.mask.begin(), one.mask.end());
  b.labels.insert(b.labels.end(), one.labels.begin(), one.labels.end());
  return b;
}

Batch ModelProbe::batch_other_padding() const {
  Batch b = batch();
  for (size_t i = 0; i < b.ids.size(); ++i)
    if (b.mask[i] == 0) b.ids[i] = (b.ids[i] + 7) % cfg_.vocab_size;
  return b;
}

StepResult ModelProbe::run(const Batch& b, bool train, const StepExtras& x) {
  std::vector<ftl_named_tensor> in;
  in.push_back({"input_ids", &pool_.make_i64("input_ids", {b.rows, b.cols}, b.ids)->t});
  in.push_back({"attention_mask", &pool_.make_i64("attention_mask", {b.rows, b.cols}, b.mask)->t});
  in.push_back({"labels", &pool_.make_i64("labels", {b.rows}, b.labels)->t});
  const auto n_cw = static_cast<int64_t>(x.class_weights.size());
  if (n_cw > 0) in.push_back({"class_weights", &pool_.make_f32("class_weights", {n_cw}, x.class_weights)->t});
  if (x.label_smoothing != 0.0f)
    in.push_back({"label_smoothing", &pool_.make_f32("label_smoothing", {}, {x.label_smoothing})->t});
  if (x.loss_scale != 1.0f) in.push_back({"loss_scale", &pool_.make_f32("loss_scale", {}, {x.loss_scale})->t});
  ftl_step_args a{};
  a.struct_size = sizeof a;
  a.inputs = in.data();
  a.n_inputs = static_cast<uint32_t>(in.size());
  a.train = train ? 1 : 0;
  ftl_named_tensor out[8];
  uint32_t n = 0;
  StepResult s;
  ftl_error err = fresh_error();
  r_.begin(std::string("step(") + (train ? "train" : "eval") + ")");
  s.rc = vt_->step(self_, &a, out, 8, &n, &s.loss, &err);
  s.ok = s.rc == FTL_OK;
  if (!s.ok) s.error = describe_error(s.rc, err);
  for (uint32_t i = 0; s.ok && i < n && i < 8; ++i) {
    if (out[i].name != nullptr && std::string(out[i].name) == "logits") s.logits = copy_f32(out[i].tensor);
    take_output_tensor(out[i].tensor);
  }
  return s;
}

void ModelProbe::zero_grad() {
  ftl_error err = fresh_error();
  r_.begin("zero_grad");
  vt_->zero_grad(self_, &err);
}

std::vector<std::vector<float>> ModelProbe::grads() {
  std::vector<std::vector<float>> out(np_);
  for (uint32_t i = 0; i < np_; ++i) {
    ftl_tensor* g = nullptr;
    ftl_error err = fresh_error();
    r_.begin("grad(" + std::to_string(i) + ")");
    if (vt_->grad(self_, i, &g, &err) != FTL_OK || g == nullptr) continue;
    out[i] = copy_f32(g);
    take_output_tensor(g);
  }
  return out;
}

bool ModelProbe::param_write_is_seen(uint32_t i) {
  ftl_tensor* a = param_view(i);
  if (!is_cpu_f32(a)) {
    take_output_tensor(a);
    return true;  // not checkable here
  }
  const int64_t n = std::min<int64_t>(numel(a->dl_tensor), 64);
  std::vector<float> saved(static_cast<size_t>(n));
  for (int64_t j = 0; j < n; ++j) {
    saved[j] = *tensor_element(a, j);
    *tensor_element(a, j) = saved[j] + 1.0f + pattern(j);
  }
  ftl_tensor* b = param_view(i);
  bool seen = is_cpu_f32(b);
  for (int64_t j = 0; seen && j < n; ++j) seen = *tensor_element(b, j) == saved[j] + 1.0f + pattern(j);
  for (int64_t j = 0; j < n; ++j) *tensor_element(a, j) = saved[j];
  take_output_tensor(a);
  take_output_tensor(b);
  return seen;
}

void ModelProbe::perturb_all(float sign) {
  for (uint32_t i = 0; i < np_; ++i) {
    ftl_tensor* t = param_view(i);
    if (is_cpu_f32(t))
      for (int64_t j = 0, n = numel(t->dl_tensor); j < n; ++j) *tensor_element(t, j) += sign * (0.3f + pattern(j));
    take_output_tensor(t);
  }
}

bool ModelProbe::train_is_deterministic() {
  zero_grad();
  const StepResult a = run(batch(), true);
  const auto ga = grads();
  zero_grad();
  const StepResult b = run(batch(), true);
  const auto gb = grads();
  zero_grad();
  return a.ok && b.ok && a.loss == b.loss && a.logits == b.logits && ga == gb;
}

}  // namespace ftl::plugincheck
