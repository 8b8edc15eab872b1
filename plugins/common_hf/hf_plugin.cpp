// hf_plugin.cpp - shared model-plugin slots for the Hugging Face classifiers:
// create (random init or checkpoint, optional config.json export), parameter
// views sharing storage, gradients, and step (forward, cross-entropy with the
// host's optional class weights / label smoothing / loss scale, backward).
// Dropout draws from LibTorch's default generator, which the host seeds;
// initialisation uses a private generator seeded from ftl_config.seed.
#include "hf_plugin.hpp"

#include "hf_checkpoint.hpp"
#include "hf_config.hpp"

#include <ftlab/model.hpp>
#include <ftlab/sdk.hpp>
#include <ftlab/torch_bridge.hpp>

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/autocast_mode.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>

namespace hf {

namespace {

struct Model {
  Settings settings;
  std::shared_ptr<NetImpl> net;
  std::vector<std::string> names;
  std::vector<torch::Tensor> params;
  std::vector<int32_t> no_decay;
  int64_t vocab_size = 0, num_labels = 0;
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

void write_export_config(const Arch& arch, const Settings& s) {
  std::error_code ec;
  std::filesystem::create_directories(s.export_dir, ec);
  const std::string path = s.export_dir + "/config.json";
  std::ofstream out(path);
  out << export_config(arch, s.values).dump(2) << "\n";
  out.close();
  if (!out) throw ftl::sdk::io_error(path + ": cannot write; check that the folder is writable");
}

}  // namespace

void init_weights(torch::nn::Module& net, double std, at::Generator& gen) {
  namespace nn = torch::nn;
  torch::NoGradGuard no_grad;
  for (auto& m : net.modules(/*include_self=*/false)) {
    if (auto* lin = m->as<nn::LinearImpl>()) {
      lin->weight.normal_(0.0, std, gen);
      if (lin->bias.defined()) lin->bias.zero_();
    } else if (auto* emb = m->as<nn::EmbeddingImpl>()) {
      emb->weight.normal_(0.0, std, gen);
      if (emb->options.padding_idx()) emb->weight[*emb->options.padding_idx()].zero_();
    } else if (auto* ln = m->as<nn::LayerNormImpl>()) {
      ln->weight.fill_(1.0);
      ln->bias.zero_();
    }
  }
}

bool is_no_decay(const std::string& name) {
  const bool bias = name.size() >= 5 && name.compare(name.size() - 5, 5, ".bias") == 0;
  return bias || name.find("LayerNorm.") != std::string::npos || name.find("layer_norm.") != std::string::npos;
}

int32_t create_model(const Arch& arch, const ftl_config* cfg, const ftl_host_api* host, ftl_instance** out,
                     ftl_error* err) noexcept {
  FTL_GUARD_BEGIN
  if (out == nullptr) throw ftl::sdk::invalid_argument("create: NULL output");
  ftl::sdk::Config c(cfg);
  auto m = std::make_unique<Model>();
  m->settings = resolve_settings(arch, c);
  const Settings& s = m->settings;
  // The host's train.precision arrives as ftl_config.compute_dtype (ABI 1.2).
  const DLDataType dt = host != nullptr && host->abi_minor >= 2 ? cfg->compute_dtype : DLDataType{kDLFloat, 32, 1};
  if (dt.code == kDLBfloat && dt.bits == 16)
    m->autocast = torch::kBFloat16;
  else if (dt.code == kDLFloat && dt.bits == 16)
    m->autocast = torch::kHalf;
  else if (!(dt.bits == 0 || (dt.code == kDLFloat && dt.bits == 32)))
    throw ftl::sdk::Error(FTL_ERR_UNSUPPORTED, "compute type must be float32, bfloat16 or float16");
  if (m->autocast != torch::kFloat && cfg->device.device_type != kDLCUDA)
    throw ftl::sdk::Error(FTL_ERR_UNSUPPORTED, "bf16/fp16 autocast runs on CUDA only; train in fp32 on CPU");
  if (cfg->device.device_type == kDLCUDA) {
    if (!torch::cuda::is_available())
      throw ftl::sdk::Error(FTL_ERR_UNSUPPORTED, "device = \"cuda\" but this LibTorch has no usable CUDA device");
    m->device = torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(cfg->device.device_id));
  } else if (cfg->device.device_type != kDLCPU) {
    throw ftl::sdk::Error(FTL_ERR_UNSUPPORTED, std::string("the ") + arch.factory + " model runs on CPU or CUDA only");
  }
  m->vocab_size = static_cast<int64_t>(s.values.at("vocab_size"));
  m->num_labels = static_cast<int64_t>(s.values.at("num_labels"));
  {
    ftl::sdk::GlobalGeneratorGuard keep;  // torch::nn layers draw their default init from it (rule 6)
    m->net = arch.build(s.values);
  }
  const double init_std = s.values.count("initializer_range") ? s.values.at("initializer_range") : 0.02;
  at::Generator gen = at::detail::createCPUGenerator(cfg->seed);
  if (s.checkpoint.empty())
    init_weights(*m->net, init_std, gen);
  else
    load_checkpoint(arch, *m->net, s.checkpoint, init_std, gen, host);
  if (!s.export_dir.empty()) write_export_config(arch, s);
  m->net->to(m->device);
  for (auto& item : m->net->named_parameters(/*recurse=*/true)) {
    m->names.push_back(item.key());
    m->params.push_back(item.value());
    m->no_decay.push_back(is_no_decay(item.key()) ? 1 : 0);
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
  FTL_GUARD_BEGIN
  ftl::sdk::StepInputs in = ftl::sdk::step_inputs_take(args);  // every input released exactly once, on any path
  Model* m = self_of(self);
  if (n_out == nullptr || loss == nullptr) throw ftl::sdk::invalid_argument("step: NULL argument");
  if (cap < 1 || outputs == nullptr) {
    *n_out = 1;
    return FTL_ERR_BUFFER_TOO_SMALL;
  }
  torch::Tensor ids = in.ids, mask = in.mask, labels = in.labels;
  // Reading ids back from a GPU would wait for it; the host checks them before they go there.
  if (ids.is_cpu() && ids.numel() > 0 && (ids.min().item<int64_t>() < 0 || ids.max().item<int64_t>() >= m->vocab_size))
    throw ftl::sdk::invalid_argument("step: input_ids outside 0.." + std::to_string(m->vocab_size - 1) +
                                     "; the tokenizer and the model's vocab_size disagree");
  ids = ids.to(m->device, /*non_blocking=*/true);
  mask = mask.to(m->device, /*non_blocking=*/true);
  if (labels.defined()) in.labels = labels = labels.to(m->device, /*non_blocking=*/true);
  if (in.class_weights.defined() && (in.class_weights.dim() != 1 || in.class_weights.size(0) != m->num_labels))
    throw ftl::sdk::invalid_argument("step: class_weights must be [num_labels]");
  const double loss_scale = in.loss_scale;
  const bool loss_tensor =
      FTL_HAS_FIELD(args, ftl_step_args, flags) && (args->flags & FTL_STEP_LOSS_TENSOR) != 0 && labels.defined();
  if (loss_tensor && cap < 2) {
    *n_out = 2;
    return FTL_ERR_BUFFER_TOO_SMALL;
  }
  torch::Tensor logits, l;
  if (args->train) {
    if (!labels.defined()) throw ftl::sdk::invalid_argument("step: training needs labels");
    m->net->train();
    {
      Autocast guard(m->device, m->autocast);  // forward only: backward runs outside autocast, as in PyTorch
      logits = m->net->forward(ids, mask).to(torch::kFloat);  // [B, L]
      l = ftl::sdk::step_loss(logits, in);                    // [] (weighted) mean
    }
    (loss_scale == 1.0 ? l : l * loss_scale).backward();
  } else {
    m->net->eval();
    torch::NoGradGuard no_grad;
    Autocast guard(m->device, m->autocast);
    logits = m->net->forward(ids, mask).to(torch::kFloat);
    if (labels.defined()) l = ftl::sdk::step_loss(logits, in);
  }
  outputs[0] =
      ftl_named_tensor{"logits", ftl::torch_bridge::from_torch(logits.detach().to(torch::kFloat).contiguous())};
  *n_out = 1;
  if (loss_tensor) {  // stays on the device: no wait here
    outputs[1] = ftl_named_tensor{"loss", ftl::torch_bridge::from_torch(l.detach().to(torch::kFloat))};
    *n_out = 2;
    *loss = std::nan("");
  } else {
    *loss = l.defined() ? l.item<double>() : std::nan("");
  }
  return FTL_OK;
  FTL_GUARD_END(err)
}

}  // namespace hf
