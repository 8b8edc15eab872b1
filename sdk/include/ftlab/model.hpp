// ftlab/model.hpp - write a LibTorch model plugin as a torch::nn::Module; this
// header supplies the ABI side: the vtable, FTL_GUARD on every slot, the step
// inputs taken over on every path (input_ids, attention_mask, labels and the
// optional class_weights, label_smoothing, loss_scale: all honoured), the
// mean cross-entropy loss, backward with the loss scale, gradients that
// accumulate until zero_grad, parameter views that share storage, eval steps
// without autograd, the loss returned as a tensor (FTL_STEP_LOSS_TENSOR), CPU
// or CUDA placement, and the global generators left alone (ABI rule 6).
// Your module T provides:
//   T(ftl::sdk::Config& c, const ftl::sdk::ModelInfo& info);  // read your keys; build the
//        // layers; initialise them from info.generator (the adapter calls c.finish())
//   torch::Tensor forward(const torch::Tensor& input_ids,       // [B, T] int64
//                         const torch::Tensor& attention_mask);  // [B, T] int64 -> logits [B, C]
// and FTL_MODEL_PLUGIN(T, "name", "1.0.0", "summary") defines the library's
// entry. Parameters are T's named_parameters(); 1-D ones (biases, norms) skip
// weight decay. Limits: float32 compute (no autocast; see plugins/common_hf
// for bf16/fp16), one model per library, no other step inputs or outputs.
#pragma once

#include <ftlab/sdk.hpp>
#include <ftlab/torch_bridge.hpp>

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>
#include <torch/version.h>  // TORCH_VERSION, named in the descriptor

#include <cmath>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace ftl::sdk {

// What the host tells a model at create, and the generator to initialise from.
struct ModelInfo {
  int64_t vocab_size = 0, num_labels = 0, pad_token_id = 0;
  at::Generator generator;  // private CPU generator seeded with ftl_config.seed
};

// Restores LibTorch's global CPU generator on scope exit: torch::nn layers
// initialise themselves from it in their constructors (rule 6 forbids that).
class GlobalGeneratorGuard {
 public:
  GlobalGeneratorGuard() {
    at::Generator g = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(g.mutex());
    state_ = g.get_state();
  }
  ~GlobalGeneratorGuard() {
    at::Generator g = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(g.mutex());
    g.set_state(state_);
  }
  GlobalGeneratorGuard(const GlobalGeneratorGuard&) = delete;
  GlobalGeneratorGuard& operator=(const GlobalGeneratorGuard&) = delete;

 private:
  at::Tensor state_;
};

// The inputs of one step, taken over from the host (each released exactly once).
struct StepInputs {
  torch::Tensor ids, mask, labels, class_weights;  // [B, T], [B, T], [B], [C]
  double label_smoothing = 0.0, loss_scale = 1.0;
};

inline StepInputs step_inputs_take(const ftl_step_args* args) {
  std::vector<std::pair<std::string, TensorRef>> owned;  // first, so every input is released on any path
  for (uint32_t k = 0; args != nullptr && args->inputs != nullptr && k < args->n_inputs; ++k)
    owned.emplace_back(args->inputs[k].name ? args->inputs[k].name : "", TensorRef(args->inputs[k].tensor));
  auto scalar = [](const torch::Tensor& t, const std::string& name) {
    if (t.numel() != 1 || !t.is_floating_point()) throw invalid_argument("step: " + name + " must be a float scalar");
    return t.item<double>();
  };
  StepInputs in;
  for (auto& [name, ref] : owned) {
    torch::Tensor t = torch_bridge::to_torch(ref.release());
    if (name == "input_ids")
      in.ids = t;
    else if (name == "attention_mask")
      in.mask = t;
    else if (name == "labels")
      in.labels = t;
    else if (name == "class_weights")
      in.class_weights = t;
    else if (name == "label_smoothing")
      in.label_smoothing = scalar(t, name);
    else if (name == "loss_scale")
      in.loss_scale = scalar(t, name);
    else
      throw invalid_argument("step: unknown input '" + name +
                             "' (expected input_ids, attention_mask, labels, "
                             "class_weights, label_smoothing, loss_scale)");
  }
  if (!in.ids.defined() || in.ids.dim() != 2 || in.ids.scalar_type() != torch::kLong)
    throw invalid_argument("step: input_ids must be int64 [B, T]");
  if (!in.mask.defined()) in.mask = torch::ones_like(in.ids);
  if (in.mask.sizes() != in.ids.sizes()) throw invalid_argument("step: attention_mask must match input_ids");
  if (in.labels.defined() &&
      (in.labels.dim() != 1 || in.labels.size(0) != in.ids.size(0) || in.labels.scalar_type() != torch::kLong))
    throw invalid_argument("step: labels must be int64 [B]");
  return in;
}

// Mean cross-entropy with the optional class weights and label smoothing. // []
inline torch::Tensor step_loss(const torch::Tensor& logits, const StepInputs& in) {
  auto opt = torch::nn::functional::CrossEntropyFuncOptions().label_smoothing(in.label_smoothing);
  if (in.class_weights.defined()) {
    if (in.class_weights.dim() != 1 || in.class_weights.size(0) != logits.size(1))
      throw invalid_argument("step: class_weights must be [num_labels]");
    opt.weight(in.class_weights.to(logits.device(), torch::kFloat));
  }
  return torch::nn::functional::cross_entropy(logits, in.labels, opt);
}

template <typename T>
struct ModelAdapter {
  struct Instance {
    std::shared_ptr<T> net;
    std::vector<std::string> names;
    std::vector<torch::Tensor> params;
    torch::Device device{torch::kCPU};
    int64_t vocab_size = 0;
  };
  static Instance* self(const ftl_instance* p) { return reinterpret_cast<Instance*>(const_cast<ftl_instance*>(p)); }

  static int32_t create(const ftl_config* cfg, const ftl_host_api* host, ftl_instance** out, ftl_error* err) noexcept {
    FTL_GUARD_BEGIN
    Config c(cfg);
    if (host != nullptr && host->abi_minor >= 2 && cfg->compute_dtype.bits != 0 &&
        !(cfg->compute_dtype.code == kDLFloat && cfg->compute_dtype.bits == 32))
      throw Error(FTL_ERR_UNSUPPORTED, "this model computes in float32 only; set train.precision = \"fp32\"");
    ModelInfo info{c.require<int64_t>("vocab_size"), c.require<int64_t>("num_labels"),
                   c.get<int64_t>("pad_token_id", 0), at::detail::createCPUGenerator(cfg->seed)};
    auto m = std::make_unique<Instance>();
    {
      GlobalGeneratorGuard keep;
      m->net = std::make_shared<T>(c, info);
    }
    c.finish();
    if (cfg->device.device_type == kDLCUDA) {
      if (!torch::cuda::is_available()) throw Error(FTL_ERR_UNSUPPORTED, "device cuda: no usable CUDA device");
      m->device = torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(cfg->device.device_id));
    } else if (cfg->device.device_type != kDLCPU) {
      throw Error(FTL_ERR_UNSUPPORTED, "this model runs on CPU or CUDA only");
    }
    m->net->to(m->device);
    m->vocab_size = info.vocab_size;
    for (auto& p : m->net->named_parameters(/*recurse=*/true)) {
      m->names.push_back(p.key());
      m->params.push_back(p.value());
    }
    *out = reinterpret_cast<ftl_instance*>(m.release());
    return FTL_OK;
    FTL_GUARD_END(err)
  }
  static void destroy(ftl_instance* p) noexcept { delete self(p); }
  static uint32_t num_params(const ftl_instance* p) noexcept { return static_cast<uint32_t>(self(p)->params.size()); }
  static int32_t param(ftl_instance* p, uint32_t i, const char** name, int32_t* no_decay, ftl_tensor** out,
                       ftl_error* err) noexcept {
    FTL_GUARD_BEGIN
    Instance* m = self(p);
    if (i >= m->params.size() || name == nullptr || no_decay == nullptr || out == nullptr)
      throw invalid_argument("param: index out of range or NULL output");
    *out = torch_bridge::from_torch(m->params[i].detach());  // a view: the host updates it in place
    *name = m->names[i].c_str();
    *no_decay = m->params[i].dim() <= 1 ? 1 : 0;
    return FTL_OK;
    FTL_GUARD_END(err)
  }
  static int32_t grad(ftl_instance* p, uint32_t i, ftl_tensor** out, ftl_error* err) noexcept {
    FTL_GUARD_BEGIN
    Instance* m = self(p);
    if (i >= m->params.size() || out == nullptr) throw invalid_argument("grad: index out of range or NULL output");
    const torch::Tensor& g = m->params[i].grad();
    *out = g.defined() ? torch_bridge::from_torch(g) : nullptr;
    return FTL_OK;
    FTL_GUARD_END(err)
  }
  static int32_t zero_grad(ftl_instance* p, ftl_error* err) noexcept {
    FTL_GUARD_BEGIN
    for (auto& t : self(p)->params) t.mutable_grad().reset();
    return FTL_OK;
    FTL_GUARD_END(err)
  }
  static int32_t step(ftl_instance* p, const ftl_step_args* args, ftl_named_tensor* outputs, uint32_t cap,
                      uint32_t* n_out, double* loss, ftl_error* err) noexcept {
    FTL_GUARD_BEGIN
    StepInputs in = step_inputs_take(args);
    Instance* m = self(p);
    if (n_out == nullptr || loss == nullptr) throw invalid_argument("step: NULL argument");
    const bool loss_tensor =
        FTL_HAS_FIELD(args, ftl_step_args, flags) && (args->flags & FTL_STEP_LOSS_TENSOR) && in.labels.defined();
    if (cap < (loss_tensor ? 2u : 1u) || outputs == nullptr) {
      *n_out = loss_tensor ? 2 : 1;
      return FTL_ERR_BUFFER_TOO_SMALL;
    }
    if (in.ids.is_cpu() && in.ids.numel() > 0 &&
        (in.ids.min().item<int64_t>() < 0 || in.ids.max().item<int64_t>() >= m->vocab_size))
      throw invalid_argument("step: input_ids outside 0.." + std::to_string(m->vocab_size - 1));
    const torch::Tensor ids = in.ids.to(m->device), mask = in.mask.to(m->device);
    if (in.labels.defined()) in.labels = in.labels.to(m->device);
    if (args->train && !in.labels.defined()) throw invalid_argument("step: training needs labels");
    m->net->train(args->train != 0);
    torch::Tensor logits, l;  // [B, C], []
    {
      torch::AutoGradMode grad_mode(args->train != 0);
      logits = m->net->forward(ids, mask).to(torch::kFloat);
      if (in.labels.defined()) l = step_loss(logits, in);
    }
    if (args->train) (in.loss_scale == 1.0 ? l : l * in.loss_scale).backward();  // adds to .grad
    outputs[0] = ftl_named_tensor{"logits", torch_bridge::from_torch(logits.detach().contiguous())};
    *n_out = 1;
    if (loss_tensor) {
      outputs[(*n_out)++] = ftl_named_tensor{"loss", torch_bridge::from_torch(l.detach())};
      *loss = std::nan("");
    } else {
      *loss = l.defined() ? l.item<double>() : std::nan("");
    }
    return FTL_OK;
    FTL_GUARD_END(err)
  }

  static constexpr ftl_model_vtable vtable = {
      {sizeof(ftl_model_vtable), create, destroy}, num_params, param, grad, zero_grad, step};
};

}  // namespace ftl::sdk

// Defines the library's entry for one model module T (it links LibTorch, whose
// version the host checks against its own, and accepts CUDA devices).
#define FTL_MODEL_PLUGIN(T, NAME, VERSION, SUMMARY)                                  \
  namespace {                                                                        \
  const ftl_factory ftl_model_factory = {sizeof(ftl_factory),                        \
                                         FTL_KIND_MODEL,                             \
                                         NAME,                                       \
                                         VERSION,                                    \
                                         SUMMARY,                                    \
                                         FTL_CAP_LINKS_LIBTORCH | FTL_CAP_CUDA,      \
                                         &ftl::sdk::ModelAdapter<T>::vtable};        \
  const ftl_plugin_descriptor ftl_model_descriptor = {sizeof(ftl_plugin_descriptor), \
                                                      FTL_ABI_MAJOR,                 \
                                                      FTL_ABI_MINOR,                 \
                                                      NAME,                          \
                                                      "libtorch " TORCH_VERSION,     \
                                                      1,                             \
                                                      &ftl_model_factory};           \
  }                                                                                  \
  FTL_PLUGIN_ENTRY(ftl_model_descriptor)
