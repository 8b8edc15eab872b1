// model_bag.cpp - a minimal model plugin without LibTorch: the mean of the
// token embeddings of each text, then a linear layer (fastText-like), with a
// hand-written backward pass. Shows what the host needs from a model:
// parameters as views that share storage (the host's optimizer updates them
// in place), gradients accumulated by step(train = 1) until zero_grad, inputs
// taken over on every path, logits [B, C] float32 and the mean loss.
// Config keys: dim (embedding width, default 32); vocab_size, num_labels,
// pad_token_id (the host sets them from the tokenizer and dataset). CPU only.
#include <ftlab/sdk.hpp>

#include <algorithm>
#include <cmath>
#include <memory>
#include <random>

namespace {
using namespace ftl::sdk;

struct Bag {
  int64_t V = 0, C = 0, D = 32;  // vocabulary, classes, width
  // 0: embedding [V, D], 1: weight [C, D], 2: bias [C]; grads alike.
  std::vector<float> value[3], grad[3];
  bool has_grad = false;
  std::vector<int64_t> shape[3];
};
Bag* me(ftl_instance* self) {
  return reinterpret_cast<Bag*>(self);
}
const char* const k_names[3] = {"embedding.weight", "classifier.weight", "classifier.bias"};

// A view on a float buffer (shares storage); the deleter frees only the view.
ftl_tensor* view(std::vector<float>& data, const std::vector<int64_t>& shape) {
  struct View {
    ftl_tensor t{};
    std::vector<int64_t> shape;
  };
  auto* v = new View{};
  v->shape = shape;
  v->t.version = {1, 0};
  v->t.manager_ctx = v;
  v->t.deleter = [](ftl_tensor* self) { delete static_cast<View*>(self->manager_ctx); };
  v->t.dl_tensor.data = data.data();
  v->t.dl_tensor.device = DLDevice{kDLCPU, 0};
  v->t.dl_tensor.ndim = static_cast<int32_t>(v->shape.size());
  v->t.dl_tensor.dtype = DLDataType{kDLFloat, 32, 1};
  v->t.dl_tensor.shape = v->shape.data();
  return &v->t;
}

int32_t create(const ftl_config* cfg, const ftl_host_api*, ftl_instance** out, ftl_error* err) noexcept {
  FTL_GUARD_BEGIN
  Config c(cfg);
  auto m = std::make_unique<Bag>();
  m->V = c.require<int64_t>("vocab_size");
  m->C = c.require<int64_t>("num_labels");
  (void)c.get<int64_t>("pad_token_id", 0);  // masked out through attention_mask
  m->D = c.get<int64_t>("dim", 32);
  c.finish();
  if (m->V < 1 || m->C < 2 || m->D < 1) throw config_error("dim", "vocab_size, num_labels and dim must be positive");
  if (cfg->device.device_type != kDLCPU) throw Error(FTL_ERR_UNSUPPORTED, "the bag model runs on CPU only");
  m->shape[0] = {m->V, m->D};
  m->shape[1] = {m->C, m->D};
  m->shape[2] = {m->C};
  std::mt19937_64 rng(cfg->seed);  // a private generator: never the global one
  std::normal_distribution<float> normal(0.0f, 0.1f);
  for (int p = 0; p < 3; ++p) {
    int64_t n = 1;
    for (int64_t s : m->shape[p]) n *= s;
    m->value[p].resize(static_cast<size_t>(n));
    for (float& x : m->value[p]) x = p == 2 ? 0.0f : normal(rng);
    m->grad[p].assign(static_cast<size_t>(n), 0.0f);
  }
  *out = reinterpret_cast<ftl_instance*>(m.release());
  return FTL_OK;
  FTL_GUARD_END(err)
}
void destroy(ftl_instance* self) noexcept {
  delete me(self);
}
uint32_t num_params(const ftl_instance*) noexcept {
  return 3;
}
int32_t param(ftl_instance* self, uint32_t i, const char** name, int32_t* no_decay, ftl_tensor** out,
              ftl_error* err) noexcept {
  FTL_GUARD_BEGIN
  if (i >= 3) throw invalid_argument("param: index " + std::to_string(i) + " out of range");
  *out = view(me(self)->value[i], me(self)->shape[i]);
  *name = k_names[i];
  *no_decay = i == 2 ? 1 : 0;  // no weight decay on the bias
  return FTL_OK;
  FTL_GUARD_END(err)
}
int32_t grad(ftl_instance* self, uint32_t i, ftl_tensor** out, ftl_error* err) noexcept {
  FTL_GUARD_BEGIN
  if (i >= 3) throw invalid_argument("grad: index " + std::to_string(i) + " out of range");
  *out = me(self)->has_grad ? view(me(self)->grad[i], me(self)->shape[i]) : nullptr;
  return FTL_OK;
  FTL_GUARD_END(err)
}
int32_t zero_grad(ftl_instance* self, ftl_error*) noexcept {
  for (auto& g : me(self)->grad) std::fill(g.begin(), g.end(), 0.0f);
  me(self)->has_grad = false;
  return FTL_OK;
}

int32_t step(ftl_instance* self, const ftl_step_args* args, ftl_named_tensor* outputs, uint32_t cap, uint32_t* n_out,
             double* loss, ftl_error* err) noexcept {
  std::vector<std::pair<std::string, TensorRef>> in;  // own every input first: released on every path
  for (uint32_t k = 0; k < args->n_inputs; ++k)
    in.emplace_back(args->inputs[k].name ? args->inputs[k].name : "", TensorRef(args->inputs[k].tensor));
  FTL_GUARD_BEGIN
  Bag& m = *me(self);
  if (cap < 1) {
    *n_out = 1;
    return FTL_ERR_BUFFER_TOO_SMALL;
  }
  const int64_t *ids = nullptr, *mask = nullptr, *labels = nullptr;
  int64_t B = 0, T = 0;
  for (auto& [name, t] : in) {
    if (name == "input_ids") {
      ids = t.cpu_data<int64_t>(2, "input_ids");  // [B, T]
      B = t.dl().shape[0];
      T = t.dl().shape[1];
    } else if (name == "attention_mask") {
      mask = t.cpu_data<int64_t>(2, "attention_mask");  // [B, T]
    } else if (name == "labels") {
      labels = t.cpu_data<int64_t>(1, "labels");  // [B]
    } else {
      throw invalid_argument("step: unknown input '" + name + "' (expected input_ids, attention_mask, labels)");
    }
  }
  if (ids == nullptr) throw invalid_argument("step: input_ids is required");
  if (args->train && labels == nullptr) throw invalid_argument("step: training needs labels");
  const int64_t D = m.D, C = m.C;
  std::vector<float> h(static_cast<size_t>(B * D), 0.0f), logits(static_cast<size_t>(B * C));  // [B, D], [B, C]
  std::vector<int64_t> count(static_cast<size_t>(B), 0);
  for (int64_t b = 0; b < B; ++b) {
    for (int64_t t = 0; t < T; ++t) {
      if (mask != nullptr && mask[b * T + t] == 0) continue;
      const int64_t id = ids[b * T + t];
      if (id < 0 || id >= m.V) throw invalid_argument("step: token id " + std::to_string(id) + " >= vocab_size");
      for (int64_t d = 0; d < D; ++d) h[b * D + d] += m.value[0][id * D + d];
      ++count[b];
    }
    for (int64_t d = 0; d < D; ++d) h[b * D + d] /= static_cast<float>(std::max<int64_t>(count[b], 1));
    for (int64_t k = 0; k < C; ++k) {
      float z = m.value[2][k];
      for (int64_t d = 0; d < D; ++d) z += m.value[1][k * D + d] * h[b * D + d];
      logits[b * C + k] = z;
    }
  }
  double total = 0.0;
  for (int64_t b = 0; labels != nullptr && b < B; ++b) {
    if (labels[b] < 0 || labels[b] >= C) throw invalid_argument("step: label outside 0..num_labels-1");
    const float* z = &logits[b * C];
    const float zmax = *std::max_element(z, z + C);
    double sum = 0.0;
    for (int64_t k = 0; k < C; ++k) sum += std::exp(z[k] - zmax);
    total += std::log(sum) + zmax - z[labels[b]];  // cross-entropy of row b
    if (!args->train) continue;
    for (int64_t k = 0; k < C; ++k) {  // d(mean loss)/dz = (softmax - onehot) / B
      const float dz = static_cast<float>((std::exp(z[k] - zmax) / sum - (k == labels[b] ? 1.0 : 0.0)) / B);
      m.grad[2][k] += dz;
      for (int64_t d = 0; d < D; ++d) m.grad[1][k * D + d] += dz * h[b * D + d];
      for (int64_t t = 0; t < T; ++t) {
        if ((mask != nullptr && mask[b * T + t] == 0) || count[b] == 0) continue;
        const int64_t id = ids[b * T + t];
        for (int64_t d = 0; d < D; ++d) m.grad[0][id * D + d] += dz * m.value[1][k * D + d] / count[b];
      }
    }
  }
  if (args->train) m.has_grad = true;
  outputs[0] = ftl_named_tensor{"logits", make_cpu_tensor<float>({B, C}, std::move(logits))};
  *n_out = 1;
  *loss = labels != nullptr ? total / static_cast<double>(B) : std::nan("");
  return FTL_OK;
  FTL_GUARD_END(err)
}

const ftl_model_vtable k_vtable = {{sizeof(k_vtable), create, destroy}, num_params, param, grad, zero_grad, step};
const ftl_factory k_factory = {sizeof(ftl_factory),
                               FTL_KIND_MODEL,
                               "bag",
                               "1.0.0",
                               "mean of token embeddings + linear layer, plain C++",
                               0,
                               &k_vtable};
const ftl_plugin_descriptor k_descriptor = {
    sizeof(ftl_plugin_descriptor), FTL_ABI_MAJOR, FTL_ABI_MINOR, "model_bag", "", 1, &k_factory};
}  // namespace

FTL_PLUGIN_ENTRY(k_descriptor)
