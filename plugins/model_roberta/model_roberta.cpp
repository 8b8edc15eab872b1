// model_roberta.cpp - the `roberta` model plugin: a RoBERTa sequence classifier
// randomly initialised from the sizes in its TOML table (Hugging Face config
// names). Exposes parameters as storage-sharing views for the host's optimizer;
// step() runs forward (+ backward when training). Dropout draws from LibTorch's
// default generator, which the host seeds; initialisation uses a private one.
#include <ftlab/sdk.hpp>
#include <ftlab/torch_bridge.hpp>

#include "roberta_model.hpp"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/autocast_mode.h>

#include <cmath>
#include <memory>

namespace {

struct Model {
  roberta::Config cfg;
  roberta::Classifier net{nullptr};
  std::vector<std::string> names;
  std::vector<torch::Tensor> params;
  std::vector<int32_t> no_decay;
  torch::Device device{torch::kCPU};
  torch::ScalarType autocast = torch::kFloat;  // kFloat = off, kBFloat16, kHalf
};

// Enables CUDA autocast (bf16 or fp16) for one forward pass; a no-op on CPU
// and for "none". Weights stay fp32 (the host's optimizer updates fp32 masters).
class Autocast {
 public:
  Autocast(const torch::Device& device, torch::ScalarType dtype) : on_(device.is_cuda() && dtype != torch::kFloat) {
    if (!on_) return;
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
    at::autocast::set_autocast_enabled(at::kCUDA, true);
    at::autocast::set_autocast_dtype(at::kCUDA, dtype);
#else
    at::autocast::set_enabled(true);
    at::autocast::set_autocast_gpu_dtype(dtype);
#endif
  }
  ~Autocast() {
    if (!on_) return;
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
    at::autocast::set_autocast_enabled(at::kCUDA, false);
#else
    at::autocast::set_enabled(false);
#endif
    at::autocast::clear_cache();
  }
  Autocast(const Autocast&) = delete;
  Autocast& operator=(const Autocast&) = delete;

 private:
  bool on_;
};

Model* self_of(const ftl_instance* p) {
  return reinterpret_cast<Model*>(const_cast<ftl_instance*>(p));
}

roberta::Config read_config(ftl::sdk::Config& c) {
  roberta::Config r;
  r.vocab_size = c.require<int64_t>("vocab_size");
  r.num_labels = c.require<int64_t>("num_labels");
  r.pad_token_id = c.get<int64_t>("pad_token_id", r.pad_token_id);
  r.hidden_size = c.get<int64_t>("hidden_size", r.hidden_size);
  r.num_hidden_layers = c.get<int64_t>("num_hidden_layers", r.num_hidden_layers);
  r.num_attention_heads = c.get<int64_t>("num_attention_heads", r.num_attention_heads);
  r.intermediate_size = c.get<int64_t>("intermediate_size", r.intermediate_size);
  r.max_position_embeddings = c.get<int64_t>("max_position_embeddings", r.max_position_embeddings);
  r.type_vocab_size = c.get<int64_t>("type_vocab_size", r.type_vocab_size);
  r.layer_norm_eps = c.get<double>("layer_norm_eps", r.layer_norm_eps);
  r.hidden_dropout_prob = c.get<double>("hidden_dropout_prob", r.hidden_dropout_prob);
  r.attention_probs_dropout_prob = c.get<double>("attention_probs_dropout_prob", r.attention_probs_dropout_prob);
  r.initializer_range = c.get<double>("initializer_range", r.initializer_range);
  c.finish();
  auto positive = [](const char* key, int64_t v) {
    if (v <= 0) throw ftl::sdk::config_error(key, std::string(key) + " must be positive");
  };
  positive("vocab_size", r.vocab_size);
  positive("hidden_size", r.hidden_size);
  positive("num_hidden_layers", r.num_hidden_layers);
  positive("num_attention_heads", r.num_attention_heads);
  positive("intermediate_size", r.intermediate_size);
  positive("type_vocab_size", r.type_vocab_size);
  if (r.num_labels < 2) throw ftl::sdk::config_error("num_labels", "num_labels must be at least 2");
  if (r.hidden_size % r.num_attention_heads != 0)
    throw ftl::sdk::config_error("num_attention_heads", "hidden_size (" + std::to_string(r.hidden_size) +
                                                            ") must be a multiple of num_attention_heads (" +
                                                            std::to_string(r.num_attention_heads) + ")");
  if (r.max_position_embeddings < r.pad_token_id + 3)
    throw ftl::sdk::config_error("max_position_embeddings", "max_position_embeddings must exceed pad_token_id + 2");
  if (r.pad_token_id < 0 || r.pad_token_id >= r.vocab_size)
    throw ftl::sdk::config_error("pad_token_id", "pad_token_id must be a valid token id");
  for (const char* key : {"hidden_dropout_prob", "attention_probs_dropout_prob"}) {
    double p = std::string(key) == "hidden_dropout_prob" ? r.hidden_dropout_prob : r.attention_probs_dropout_prob;
    if (!(p >= 0.0 && p < 1.0)) throw ftl::sdk::config_error(key, std::string(key) + " must be in [0, 1)");
  }
  if (!(r.layer_norm_eps > 0.0)) throw ftl::sdk::config_error("layer_norm_eps", "layer_norm_eps must be positive");
  return r;
}

int32_t create(const ftl_config* cfg, const ftl_host_api*, ftl_instance** out, ftl_error* err) noexcept {
  FTL_GUARD_BEGIN
  ftl::sdk::Config c(cfg);
  auto m = std::make_unique<Model>();
  const std::string autocast = c.get<std::string>("autocast", "none");
  m->cfg = read_config(c);
  if (autocast == "bf16")
    m->autocast = torch::kBFloat16;
  else if (autocast == "fp16")
    m->autocast = torch::kHalf;
  else if (autocast != "none")
    throw ftl::sdk::config_error("autocast", "autocast must be \"none\", \"bf16\" or \"fp16\"");
  if (cfg->device.device_type == kDLCUDA) {
    if (!torch::cuda::is_available())
      throw ftl::sdk::Error(FTL_ERR_UNSUPPORTED, "device = \"cuda\" but this LibTorch has no usable CUDA device");
    m->device = torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(cfg->device.device_id));
  } else if (cfg->device.device_type != kDLCPU) {
    throw ftl::sdk::Error(FTL_ERR_UNSUPPORTED, "the roberta model runs on CPU or CUDA only");
  }
  m->net = roberta::Classifier(m->cfg);
  at::Generator gen = at::detail::createCPUGenerator(cfg->seed);
  roberta::init_weights(m->net, m->cfg, gen);
  m->net->to(m->device);
  for (auto& item : m->net->named_parameters(/*recurse=*/true)) {
    m->names.push_back(item.key());
    m->params.push_back(item.value());
    m->no_decay.push_back(roberta::is_no_decay(item.key()) ? 1 : 0);
  }
  *out = reinterpret_cast<ftl_instance*>(m.release());
  return FTL_OK;
  FTL_GUARD_END(err)
}

void destroy(ftl_instance* self) noexcept {
  delete self_of(self);
}

uint32_t num_params(const ftl_instance* self) noexcept {
  return static_cast<uint32_t>(self_of(self)->params.size());
}

int32_t param(ftl_instance* self, uint32_t i, const char** name, int32_t* no_decay, ftl_tensor** out,
              ftl_error* err) noexcept {
  FTL_GUARD_BEGIN
  Model* m = self_of(self);
  if (i >= m->params.size()) throw ftl::sdk::invalid_argument("param: index " + std::to_string(i) + " out of range");
  if (name == nullptr || no_decay == nullptr || out == nullptr) throw ftl::sdk::invalid_argument("param: NULL output");
  ftl_tensor* t = ftl::torch_bridge::from_torch(m->params[i].detach());
  *name = m->names[i].c_str();
  *no_decay = m->no_decay[i];
  *out = t;
  return FTL_OK;
  FTL_GUARD_END(err)
}

int32_t grad(ftl_instance* self, uint32_t i, ftl_tensor** out, ftl_error* err) noexcept {
  FTL_GUARD_BEGIN
  Model* m = self_of(self);
  if (i >= m->params.size()) throw ftl::sdk::invalid_argument("grad: index " + std::to_string(i) + " out of range");
  if (out == nullptr) throw ftl::sdk::invalid_argument("grad: NULL output");
  const auto& g = m->params[i].grad();
  *out = g.defined() ? ftl::torch_bridge::from_torch(g) : nullptr;
  return FTL_OK;
  FTL_GUARD_END(err)
}

int32_t zero_grad(ftl_instance* self, ftl_error* err) noexcept {
  FTL_GUARD_BEGIN
  for (auto& p : self_of(self)->params) p.mutable_grad().reset();  // set to none
  return FTL_OK;
  FTL_GUARD_END(err)
}

int32_t step(ftl_instance* self, const ftl_step_args* args, ftl_named_tensor* outputs, uint32_t cap, uint32_t* n_out,
             double* loss, ftl_error* err) noexcept {
  // Take ownership of every input first, so each is released exactly once on any path.
  std::vector<std::pair<std::string, ftl::sdk::TensorRef>> owned;
  if (args != nullptr && args->inputs != nullptr)
    for (uint32_t k = 0; k < args->n_inputs; ++k)
      owned.emplace_back(args->inputs[k].name ? args->inputs[k].name : "", ftl::sdk::TensorRef(args->inputs[k].tensor));
  FTL_GUARD_BEGIN
  Model* m = self_of(self);
  if (args == nullptr || n_out == nullptr || loss == nullptr) throw ftl::sdk::invalid_argument("step: NULL argument");
  if (cap < 1 || outputs == nullptr) {
    *n_out = 1;
    return FTL_ERR_BUFFER_TOO_SMALL;
  }
  torch::Tensor ids, mask, labels, class_weights;
  double loss_scale = 1.0, label_smoothing = 0.0;
  auto scalar = [](const torch::Tensor& t, const std::string& name) {
    if (t.numel() != 1 || !t.is_floating_point())
      throw ftl::sdk::invalid_argument("step: " + name + " must be a floating-point scalar");
    return t.item<double>();
  };
  for (auto& [name, ref] : owned) {
    torch::Tensor t = ftl::torch_bridge::to_torch(ref.release());
    if (name == "input_ids")
      ids = t;
    else if (name == "attention_mask")
      mask = t;
    else if (name == "labels")
      labels = t;
    else if (name == "class_weights")
      class_weights = t;
    else if (name == "loss_scale")
      loss_scale = scalar(t, name);
    else if (name == "label_smoothing")
      label_smoothing = scalar(t, name);
    else
      throw ftl::sdk::invalid_argument("step: unknown input '" + name +
                                       "' (expected input_ids, attention_mask, labels, class_weights, loss_scale, "
                                       "label_smoothing)");
  }
  if (!ids.defined()) throw ftl::sdk::invalid_argument("step: input_ids is required");
  if (ids.dim() != 2 || ids.scalar_type() != torch::kLong)
    throw ftl::sdk::invalid_argument("step: input_ids must be int64 [B, T]");
  if (!mask.defined()) mask = torch::ones_like(ids);
  if (mask.sizes() != ids.sizes()) throw ftl::sdk::invalid_argument("step: attention_mask must match input_ids");
  if (ids.min().item<int64_t>() < 0 || ids.max().item<int64_t>() >= m->cfg.vocab_size)
    throw ftl::sdk::invalid_argument("step: input_ids outside 0.." + std::to_string(m->cfg.vocab_size - 1) +
                                     "; the tokenizer and the model's vocab_size disagree");
  ids = ids.to(m->device, /*non_blocking=*/true);
  mask = mask.to(m->device, /*non_blocking=*/true);
  if (labels.defined()) {
    if (labels.dim() != 1 || labels.size(0) != ids.size(0) || labels.scalar_type() != torch::kLong)
      throw ftl::sdk::invalid_argument("step: labels must be int64 [B]");
    labels = labels.to(m->device, /*non_blocking=*/true);
  }
  auto loss_options = torch::nn::functional::CrossEntropyFuncOptions().label_smoothing(label_smoothing);
  if (class_weights.defined()) {
    if (class_weights.dim() != 1 || class_weights.size(0) != m->cfg.num_labels)
      throw ftl::sdk::invalid_argument("step: class_weights must be [num_labels]");
    loss_options.weight(class_weights.to(m->device, torch::kFloat));
  }
  torch::Tensor logits;
  double loss_value = std::nan("");
  if (args->train) {
    if (!labels.defined()) throw ftl::sdk::invalid_argument("step: training needs labels");
    m->net->train();
    Autocast guard(m->device, m->autocast);
    logits = m->net->forward(ids, mask).to(torch::kFloat);                        // [B, L]
    auto l = torch::nn::functional::cross_entropy(logits, labels, loss_options);  // (weighted) mean
    (loss_scale == 1.0 ? l : l * loss_scale).backward();
    loss_value = l.item<double>();
  } else {
    m->net->eval();
    torch::NoGradGuard no_grad;
    Autocast guard(m->device, m->autocast);
    logits = m->net->forward(ids, mask).to(torch::kFloat);
    if (labels.defined())
      loss_value = torch::nn::functional::cross_entropy(logits, labels, loss_options).item<double>();
  }
  outputs[0] =
      ftl_named_tensor{"logits", ftl::torch_bridge::from_torch(logits.detach().to(torch::kFloat).contiguous())};
  *n_out = 1;
  *loss = loss_value;
  return FTL_OK;
  FTL_GUARD_END(err)
}

const ftl_model_vtable k_vtable = {{sizeof(k_vtable), create, destroy}, num_params, param, grad, zero_grad, step};

const ftl_factory k_factories[] = {{sizeof(ftl_factory), FTL_KIND_MODEL, "roberta", "0.1.0",
                                    "RoBERTa encoder + classification head (random init from sizes)",
                                    FTL_CAP_LINKS_LIBTORCH | FTL_CAP_CUDA, &k_vtable}};

const ftl_plugin_descriptor k_descriptor = {sizeof(ftl_plugin_descriptor),
                                            FTL_ABI_MAJOR,
                                            FTL_ABI_MINOR,
                                            "model_roberta",
                                            "libtorch " TORCH_VERSION,
                                            1,
                                            k_factories};

}  // namespace

FTL_PLUGIN_ENTRY(k_descriptor)
