// components.cpp - host-side wrappers for tokenizer, dataset and metric plugins.
#include "plugins/components.hpp"

#include "util/error.hpp"

#include <ftlab/sdk.hpp>

namespace ftl {

// A plugin's message as one line: LibTorch's errors (c10::Error) carry a C++
// stack after the first line, which ends up in ftl_error.message.
std::string plugin_message(const ftl_error& err, int32_t rc) {
  if (err.message[0] == '\0') return "failed with status " + std::to_string(rc);
  const std::string m = err.message;
  return m.substr(0, m.find('\n'));
}

ftl_error new_error() {
  ftl_error e{};
  e.struct_size = sizeof e;
  return e;
}

void check_status(int32_t rc, const ftl_error& err, const FactoryRef& f, const char* call) {
  if (rc >= 0) return;
  std::string msg = std::string(kind_name(f.factory->kind)) + " '" + f.factory->name + "' " + call + ": ";
  msg += plugin_message(err, rc);
  throw Error(msg);
}

ftl_instance* create_instance(const FactoryRef& f, const ComponentSpec& spec) {
  ftl_config cfg{};
  cfg.struct_size = sizeof cfg;
  cfg.toml = spec.toml.c_str();
  cfg.toml_len = spec.toml.size();
  cfg.base_dir = spec.base_dir.c_str();
  cfg.seed = spec.seed;
  cfg.device = spec.device;
  cfg.num_threads = spec.threads;
  cfg.compute_dtype = spec.compute_dtype;
  auto* common = static_cast<const ftl_common_vtable*>(f.factory->vtable);
  ftl_error err = new_error();
  ftl_instance* out = nullptr;
  int32_t rc = common->create(&cfg, host_api(), &out, &err);
  if (rc < 0 || out == nullptr) {
    const std::string what = plugin_message(err, rc);
    if (rc == FTL_ERR_CONFIG && err.key[0] != '\0' && spec.locate != nullptr)
      throw Error(spec.locate(spec.locate_ctx, err.key) + ": " + what);
    throw Error(spec.where + " (plugin '" + f.factory->name + "'): " + what);
  }
  return out;
}

// ---- tokenizer -------------------------------------------------------------------
Tokenizer::Tokenizer(const FactoryRef& f, const ComponentSpec& spec)
    : f_(f), vt_(static_cast<const ftl_tokenizer_vtable*>(f.factory->vtable)) {
  self_ = create_instance(f, spec);
}
Tokenizer::~Tokenizer() {
  vt_->common.destroy(self_);
}

std::vector<int32_t> Tokenizer::encode(std::string_view text) const {
  return encode(text, FTL_ENCODE_ADD_SPECIAL | FTL_ENCODE_TRUNCATE);
}

std::vector<int32_t> Tokenizer::encode(std::string_view text, uint32_t flags) const {
  std::vector<int32_t> ids(text.size() + 8);
  for (int attempt = 0; attempt < 2; ++attempt) {
    ftl_error err = new_error();
    size_t n = 0;
    int32_t rc = vt_->encode(self_, text.data(), text.size(), flags, ids.data(), ids.size(), &n, &err);
    if (rc == FTL_ERR_BUFFER_TOO_SMALL && attempt == 0) {
      ids.resize(n);
      continue;
    }
    check_status(rc, err, f_, "encode");
    ids.resize(n);
    return ids;
  }
  throw Error(std::string("tokenizer '") + f_.factory->name + "' encode: buffer protocol violated");
}

bool Tokenizer::has_encode_pair() const {
  return FTL_HAS_FIELD(&vt_->common, ftl_tokenizer_vtable, encode_pair) && vt_->encode_pair != nullptr;
}

Tokenizer::PairIds Tokenizer::encode_pair(std::string_view a, const std::string_view* b, uint32_t flags) const {
  if (!has_encode_pair())
    throw Error(std::string("tokenizer '") + f_.factory->name +
                "' has no encode_pair (built against plugin ABI 1.0); rebuild it against this ftlab's SDK");
  PairIds out;
  size_t cap = a.size() + (b != nullptr ? b->size() : 0) + 8;
  for (int attempt = 0; attempt < 2; ++attempt) {
    out.ids.resize(cap);
    out.type_ids.resize(cap);
    ftl_error err = new_error();
    size_t n = 0;
    int32_t rc =
        vt_->encode_pair(self_, a.data(), a.size(), b != nullptr ? b->data() : nullptr, b != nullptr ? b->size() : 0,
                         flags, out.ids.data(), out.type_ids.data(), cap, &n, &err);
    if (rc == FTL_ERR_BUFFER_TOO_SMALL && attempt == 0) {
      cap = n;
      continue;
    }
    check_status(rc, err, f_, "encode_pair");
    out.ids.resize(n);
    out.type_ids.resize(n);
    return out;
  }
  throw Error(std::string("tokenizer '") + f_.factory->name + "' encode_pair: buffer protocol violated");
}

std::string Tokenizer::decode(const std::vector<int32_t>& ids, bool skip_special) const {
  std::string text(ids.size() * 8 + 16, '\0');
  for (int attempt = 0; attempt < 2; ++attempt) {
    ftl_error err = new_error();
    size_t n = 0;
    int32_t rc = vt_->decode(self_, ids.data(), ids.size(), skip_special ? 1 : 0, text.data(), text.size(), &n, &err);
    if (rc == FTL_ERR_BUFFER_TOO_SMALL && attempt == 0) {
      text.resize(n);
      continue;
    }
    check_status(rc, err, f_, "decode");
    text.resize(n);
    return text;
  }
  throw Error(std::string("tokenizer '") + f_.factory->name + "' decode: buffer protocol violated");
}

int64_t Tokenizer::vocab_size() const {
  return vt_->vocab_size(self_);
}
int32_t Tokenizer::pad_id() const {
  return vt_->pad_id(self_);
}

// ---- dataset ---------------------------------------------------------------------
Dataset::Dataset(const FactoryRef& f, const ComponentSpec& spec)
    : f_(f), vt_(static_cast<const ftl_dataset_vtable*>(f.factory->vtable)) {
  self_ = create_instance(f, spec);
}
Dataset::~Dataset() {
  vt_->common.destroy(self_);
}

int64_t Dataset::num_labels() const {
  return vt_->num_labels(self_);
}

std::vector<std::string> Dataset::label_names() const {
  std::vector<std::string> names;
  for (int64_t i = 0; i < num_labels(); ++i) {
    ftl_error err = new_error();
    const char* name = nullptr;
    check_status(vt_->label_name(self_, i, &name, &err), err, f_, "label_name");
    names.emplace_back(name ? name : "");
  }
  return names;
}

std::vector<std::string> dataset_prepare_texts(const FactoryRef& f, const ComponentSpec& spec,
                                               const std::vector<std::string>& texts) {
  const auto* vt = static_cast<const ftl_dataset_vtable*>(f.factory->vtable);
  if (!FTL_HAS_FIELD(&vt->common, ftl_dataset_vtable, prepare_texts) || vt->prepare_texts == nullptr) return texts;
  ftl_config cfg{};
  cfg.struct_size = sizeof cfg;
  cfg.toml = spec.toml.c_str();
  cfg.toml_len = spec.toml.size();
  cfg.base_dir = spec.base_dir.c_str();
  std::vector<const char*> ptrs;
  std::vector<size_t> lens;
  for (const auto& t : texts) {
    ptrs.push_back(t.data());
    lens.push_back(t.size());
  }
  struct Sink {
    std::vector<std::string> out;
    std::vector<bool> seen;
  } sink{std::vector<std::string>(texts.size()), std::vector<bool>(texts.size(), false)};
  auto put = [](void* ctx, int64_t i, const char* text, size_t len) noexcept {
    auto* s = static_cast<Sink*>(ctx);
    if (i < 0 || static_cast<size_t>(i) >= s->out.size() || (text == nullptr && len > 0)) return;
    s->out[static_cast<size_t>(i)].assign(text == nullptr ? "" : text, len);
    s->seen[static_cast<size_t>(i)] = true;
  };
  ftl_error err = new_error();
  check_status(vt->prepare_texts(&cfg, ptrs.data(), lens.data(), static_cast<int64_t>(texts.size()), put, &sink, &err),
               err, f, "prepare_texts");
  for (size_t i = 0; i < texts.size(); ++i)
    if (!sink.seen[i])
      throw Error(std::string("dataset '") + f.factory->name + "' prepare_texts returned no text for input " +
                  std::to_string(i) + " (a plugin bug)");
  return std::move(sink.out);
}

int64_t Dataset::size(int32_t split) const {
  return vt_->num_examples(self_, split);
}

Example Dataset::example(int32_t split, int64_t i) const {
  ftl_error err = new_error();
  const char* text = nullptr;
  size_t len = 0;
  int64_t label = -1;
  check_status(vt_->example(self_, split, i, &text, &len, &label, &err), err, f_, "example");
  return {std::string_view(text, len), label};
}

// ---- metric ----------------------------------------------------------------------
Metric::Metric(const FactoryRef& f, const ComponentSpec& spec)
    : f_(f), vt_(static_cast<const ftl_metric_vtable*>(f.factory->vtable)) {
  self_ = create_instance(f, spec);
}
Metric::~Metric() {
  vt_->common.destroy(self_);
}

void Metric::reset() {
  ftl_error err = new_error();
  check_status(vt_->reset(self_, &err), err, f_, "reset");
}

void Metric::update(const float* logits, const int64_t* labels, int64_t n, int64_t c) {
  update(std::vector<float>(logits, logits + n * c), std::vector<int64_t>(labels, labels + n), n, c);
}

void Metric::update(std::vector<float>&& logits, std::vector<int64_t>&& labels, int64_t n, int64_t c) {
  if (static_cast<int64_t>(logits.size()) != n * c || static_cast<int64_t>(labels.size()) != n)
    throw Error("Metric::update: buffer sizes do not match [n, C] and [n]");
  ftl_tensor* lg = sdk::make_cpu_tensor<float>({n, c}, std::move(logits));
  ftl_tensor* lb = sdk::make_cpu_tensor<int64_t>({n}, std::move(labels));
  ftl_error err = new_error();
  check_status(vt_->update(self_, lg, lb, &err), err, f_, "update");  // both tensors moved
}

std::vector<std::pair<std::string, double>> Metric::compute() {
  std::vector<ftl_metric_value> vals(16);
  uint32_t n = 0;
  ftl_error err = new_error();
  int32_t rc = vt_->compute(self_, vals.data(), static_cast<uint32_t>(vals.size()), &n, &err);
  if (rc == FTL_ERR_BUFFER_TOO_SMALL) {
    vals.resize(n);
    err = new_error();
    rc = vt_->compute(self_, vals.data(), n, &n, &err);
  }
  check_status(rc, err, f_, "compute");
  std::vector<std::pair<std::string, double>> out;
  for (uint32_t i = 0; i < n; ++i) out.emplace_back(vals[i].name ? vals[i].name : "", vals[i].value);
  return out;
}

std::vector<MetricTable> Metric::tables() {
  std::vector<ftl_named_tensor> raw(16);
  uint32_t n = 0;
  ftl_error err = new_error();
  int32_t rc = vt_->tables(self_, raw.data(), static_cast<uint32_t>(raw.size()), &n, &err);
  if (rc == FTL_ERR_BUFFER_TOO_SMALL) {
    raw.resize(n);
    err = new_error();
    rc = vt_->tables(self_, raw.data(), n, &n, &err);
  }
  check_status(rc, err, f_, "tables");
  std::vector<MetricTable> out;
  std::vector<sdk::TensorRef> owned;
  for (uint32_t i = 0; i < n; ++i) owned.emplace_back(raw[i].tensor);  // release each exactly once
  for (uint32_t i = 0; i < n; ++i) {
    const DLTensor& d = owned[i].dl();
    MetricTable t;
    t.name = raw[i].name ? raw[i].name : "";
    t.shape.assign(d.shape, d.shape + d.ndim);
    int64_t count = 1;
    for (auto s : t.shape) count *= s;
    if (sdk::TensorRef::dtype_is<int64_t>(d.dtype)) {
      const int64_t* p = owned[i].cpu_data<int64_t>(d.ndim, t.name.c_str());
      t.values.assign(p, p + count);
      t.integer = true;
    } else if (sdk::TensorRef::dtype_is<double>(d.dtype)) {
      const double* p = owned[i].cpu_data<double>(d.ndim, t.name.c_str());
      t.values.assign(p, p + count);
    } else if (sdk::TensorRef::dtype_is<float>(d.dtype)) {
      const float* p = owned[i].cpu_data<float>(d.ndim, t.name.c_str());
      t.values.assign(p, p + count);
    } else {
      throw Error(std::string("metric '") + f_.factory->name + "' table '" + t.name +
                  "': dtype must be int64, float64 or float32");
    }
    out.push_back(std::move(t));
  }
  return out;
}

std::string Metric::headline() const {
  const char* h = vt_->headline(self_);
  return h ? h : "";
}

}  // namespace ftl
