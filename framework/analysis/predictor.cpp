// predictor.cpp - batched inference with a run's or a model folder's weights (see predictor.hpp).
#include "analysis/predictor.hpp"

#include "data/batches.hpp"
#include "results/h5.hpp"
#include "results/schema.hpp"
#include "util/error.hpp"

#include <cmath>

#include <algorithm>

namespace ftl::analysis {

std::unique_ptr<Predictor> predictor_load(const std::string& run_path, const std::string& base_dir_override,
                                          const std::vector<std::string>& plugin_dirs) {
  auto p = std::make_unique<Predictor>();
  p->run = run_components_load(run_path, base_dir_override, plugin_dirs);
  if (p->run->label_names.empty()) throw Error(run_path + ": no data/label_names; the file is damaged");
  p->label_names = p->run->label_names;
  p->tokenizer = run_tokenizer_create(*p->run);
  const Experiment& e = p->run->experiment;
  p->model = std::make_unique<Model>(p->run->registry.find(FTL_KIND_MODEL, e.plugin_name("model")),
                                     run_component_spec(*p->run, "model"));
  const FactoryRef& dataset = p->run->registry.find(FTL_KIND_DATASET, e.plugin_name("dataset"));
  p->prepare = [&dataset, spec = run_component_spec(*p->run, "dataset")](const std::vector<std::string>& texts) {
    return dataset_prepare_texts(dataset, spec, texts);
  };
  p->prepared_by = dataset.factory->name;
  h5::Handle f = h5::open_file(run_path, false);
  if (!h5::exists(f.id(), schema::k_weights))
    throw Error(run_path + ": no " + schema::k_weights + " (no weights stored)");
  h5::Handle w = h5::open_group(f.id(), schema::k_weights);
  at::NoGradGuard no_grad;
  for (Param& prm : p->model->params()) {
    if (!h5::exists(w.id(), prm.name))
      throw Error(run_path + ": " + schema::k_weights + "/" + prm.name +
                  " is missing; the stored weights are from another model configuration");
    std::vector<int64_t> shape;
    auto v = h5::read<float>(w.id(), prm.name, &shape);
    if (shape != std::vector<int64_t>(prm.value.sizes().begin(), prm.value.sizes().end()))
      throw Error(run_path + ": " + schema::k_weights + "/" + prm.name +
                  " has another shape than the rebuilt model's parameter");
    if (!std::all_of(v.begin(), v.end(), [](float x) { return std::isfinite(x); }))
      throw Error(run_path + ": " + schema::k_weights + "/" + prm.name +
                  " holds NaN or infinite values; the run diverged or the file is damaged");
    prm.value.copy_(at::from_blob(v.data(), prm.value.sizes(), at::kFloat).to(prm.value.device()));
  }
  const size_t stored = h5::children(f.id(), schema::k_weights).size();
  if (stored != p->model->params().size())
    throw Error(run_path + ": " + schema::k_weights + " holds " + std::to_string(stored) +
                " tensors but the model has " + std::to_string(p->model->params().size()) +
                "; the file is damaged or from another model");
  return p;
}

std::unique_ptr<Predictor> predictor_load_folder(const std::string& folder, int64_t max_length,
                                                 const std::vector<std::string>& plugin_dirs) {
  auto p = std::make_unique<Predictor>();
  p->folder = model_folder_load(folder, max_length, plugin_dirs);
  p->label_names = p->folder->label_names;
  p->tokenizer = std::move(p->folder->tokenizer);
  p->model = std::move(p->folder->model);
  if (const FactoryRef* dataset = p->folder->dataset) {
    p->prepare = [dataset, spec = p->folder->dataset_spec](const std::vector<std::string>& texts) {
      return dataset_prepare_texts(*dataset, spec, texts);
    };
    p->prepared_by = dataset->factory->name;
  }
  return p;
}

std::vector<float> predictor_logits(Predictor& p, const std::vector<std::string>& texts, int64_t batch_size) {
  const int64_t n = static_cast<int64_t>(texts.size()), c = p.num_labels();
  EncodedSplit enc;
  for (const auto& t : p.prepare ? p.prepare(texts) : texts) {
    enc.ids.push_back(p.tokenizer->encode(t));
    enc.labels.push_back(0);  // unused: no loss is computed
  }
  std::vector<float> out(static_cast<size_t>(n * c));
  std::vector<int64_t> idx(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) idx[static_cast<size_t>(i)] = i;
  at::NoGradGuard no_grad;
  for (int64_t start = 0; start < n; start += batch_size) {
    const int64_t count = std::min(batch_size, n - start);
    Batch b = make_batch(enc, idx.data() + start, count, p.tokenizer->pad_id());
    StepOutput o = p.model->step(b.input_ids, b.attention_mask, at::Tensor(), false);
    at::Tensor lg = o.logits.to(at::kCPU, at::kFloat).contiguous();  // [count, C]
    if (lg.size(0) != count || lg.size(1) != c)
      throw Error("model returned logits of shape [" + std::to_string(lg.size(0)) + ", " + std::to_string(lg.size(1)) +
                  "], expected [" + std::to_string(count) + ", " + std::to_string(c) + "]");
    std::copy(lg.data_ptr<float>(), lg.data_ptr<float>() + count * c, out.begin() + start * c);
  }
  return out;
}

}  // namespace ftl::analysis
