// pipeline.cpp - plugin lookup and component creation for an experiment.
#include "train/pipeline.hpp"

#include "train/cuda_util.hpp"
#include "util/error.hpp"

#include <ATen/Context.h>
#include <ATen/Parallel.h>

#include <thread>

namespace ftl {

namespace {

struct Locator {
  const Experiment* e;
  std::string section;
};

std::string locate(const void* ctx, const std::string& key) {
  auto* l = static_cast<const Locator*>(ctx);
  return l->e->where(l->section + "." + key);
}

DLDevice parse_device(const Experiment& e) {
  if (e.device == "cpu") return {kDLCPU, 0};
  int id = 0;
  if (e.device.size() > 5) {
    try {
      id = std::stoi(e.device.substr(5));
    } catch (...) {
      throw Error(e.where("experiment.device") + ": cannot read the device number in '" + e.device + "'");
    }
  }
  return {kDLCUDA, id};
}

}  // namespace

std::vector<PluginInfo> Pipeline::plugin_infos() const {
  std::vector<PluginInfo> out;
  auto add = [&](const char* kind, const FactoryRef& f) {
    out.push_back({kind, f.factory->name, f.factory->version, f.library_path});
  };
  add("tokenizer", tokenizer->factory());
  add("dataset", dataset->factory());
  add("model", model->factory());
  add("metric", metric->factory());
  return out;
}

std::unique_ptr<Pipeline> build_pipeline(Experiment& e, const std::vector<std::string>& plugin_dirs) {
  auto p = std::make_unique<Pipeline>();
  std::vector<std::string> dirs = plugin_dirs;
  dirs.insert(dirs.end(), e.plugin_path.begin(), e.plugin_path.end());
  p->registry.load_dirs(Registry::search_path(dirs));
  p->device = parse_device(e);
  if (p->device.device_type == kDLCUDA) {
    if (!at::hasCUDA())
      throw Error(e.where("experiment.device") + ": device = \"" + e.device +
                  "\" but this ftlab was built with a LibTorch without CUDA (or no GPU is visible); build against a "
                  "CUDA LibTorch (README, \"GPU\") or set device = \"cpu\"");
    p->torch_device = at::Device(at::kCUDA, static_cast<c10::DeviceIndex>(p->device.device_id));
  }
  // train.precision = "auto": bf16 autocast on GPUs that compute it natively, fp32 elsewhere.
  p->precision = e.train.precision;
  if (p->precision == "auto")
    p->precision = p->torch_device.is_cuda() && cuda_has_bf16(p->device.device_id) ? "bf16" : "fp32";
  p->pad_multiple = e.train.pad_to_multiple_of > 0 ? e.train.pad_to_multiple_of : p->torch_device.is_cuda() ? 8 : 1;
  p->threads =
      e.threads > 0 ? static_cast<int>(e.threads) : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  at::set_num_threads(p->threads);

  // Locators must outlive create(); keep them here.
  Locator loc_tok{&e, "tokenizer"}, loc_data{&e, "dataset"}, loc_model{&e, "model"}, loc_metric{&e, "metric"};
  auto spec = [&](const std::string& section, const Locator& loc, uint64_t salt) {
    ComponentSpec s;
    s.toml = e.component_toml(section);
    s.base_dir = e.base_dir;
    s.where = e.path + ": [" + section + "]";
    s.seed = e.seed * 1000003ull + salt;
    s.device = p->device;
    s.threads = p->threads;
    s.locate = locate;
    s.locate_ctx = &loc;
    if (section == "model" && p->precision == "bf16") s.compute_dtype = DLDataType{kDLBfloat, 16, 1};
    if (section == "model" && p->precision == "fp16") s.compute_dtype = DLDataType{kDLFloat, 16, 1};
    return s;
  };

  p->tokenizer = std::make_unique<Tokenizer>(p->registry.find(FTL_KIND_TOKENIZER, e.plugin_name("tokenizer")),
                                             spec("tokenizer", loc_tok, 1));
  p->dataset = std::make_unique<Dataset>(p->registry.find(FTL_KIND_DATASET, e.plugin_name("dataset")),
                                         spec("dataset", loc_data, 2));

  // What the model and metric learn from the tokenizer and the dataset.
  const int64_t num_labels = p->dataset->num_labels();
  const int64_t vocab = p->tokenizer->vocab_size();
  inject_component_value(e, "model", "num_labels", num_labels, "the dataset");
  inject_component_value(e, "metric", "num_labels", num_labels, "the dataset");
  inject_component_value(e, "model", "pad_token_id", p->tokenizer->pad_id(), "the tokenizer");
  toml::table* model_table = e.doc.get("model")->as_table();
  if (const toml::node* n = model_table->get("vocab_size")) {
    auto v = n->value_exact<int64_t>();
    if (!v || *v < vocab)
      throw Error(e.where("model.vocab_size") + " must be an integer of at least the tokenizer's " +
                  std::to_string(vocab) + "; remove the key to use the tokenizer's size");
  } else {
    model_table->insert("vocab_size", vocab);
  }

  p->model =
      std::make_unique<Model>(p->registry.find(FTL_KIND_MODEL, e.plugin_name("model")), spec("model", loc_model, 3));
  p->metric = std::make_unique<Metric>(p->registry.find(FTL_KIND_METRIC, e.plugin_name("metric")),
                                       spec("metric", loc_metric, 4));
  return p;
}

}  // namespace ftl
