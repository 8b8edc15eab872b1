// metric_classification.cpp - the `classification` metric plugin: accuracy,
// macro precision/recall/F1, weighted F1, per-class values and the confusion
// matrix from logits (argmax; ties go to the lowest index, as numpy does).
// Averages follow scikit-learn: macro over the labels present in gold or
// predictions, a zero denominator gives 0. Config keys: num_labels (the host
// sets it from the dataset), headline (value to rank runs by, default macro_f1).
#include <ftlab/sdk.hpp>

#include <algorithm>
#include <memory>

namespace {

struct Metric {
  int64_t num_labels = 0;
  std::string headline = "macro_f1";
  std::vector<int64_t> confusion;  // [gold * C + pred]
  std::vector<std::pair<std::string, double>> values;

  struct PerClass {
    std::vector<double> precision, recall, f1;
    std::vector<int64_t> support;
    std::vector<bool> present;  // in gold or predictions
  };
  PerClass per_class() const {
    const auto C = static_cast<size_t>(num_labels);
    PerClass p;
    p.precision.assign(C, 0.0);
    p.recall.assign(C, 0.0);
    p.f1.assign(C, 0.0);
    p.support.assign(C, 0);
    p.present.assign(C, false);
    for (size_t k = 0; k < C; ++k) {
      int64_t tp = confusion[k * C + k], gold = 0, pred = 0;
      for (size_t j = 0; j < C; ++j) {
        gold += confusion[k * C + j];
        pred += confusion[j * C + k];
      }
      p.support[k] = gold;
      p.present[k] = gold > 0 || pred > 0;
      p.precision[k] = pred > 0 ? static_cast<double>(tp) / pred : 0.0;
      p.recall[k] = gold > 0 ? static_cast<double>(tp) / gold : 0.0;
      double s = p.precision[k] + p.recall[k];
      p.f1[k] = s > 0 ? 2 * p.precision[k] * p.recall[k] / s : 0.0;
    }
    return p;
  }
};

const char* const k_names[] = {"accuracy", "macro_precision", "macro_recall", "macro_f1", "weighted_f1"};

Metric* self_of(const ftl_instance* p) {
  return reinterpret_cast<Metric*>(const_cast<ftl_instance*>(p));
}

int32_t create(const ftl_config* cfg, const ftl_host_api*, ftl_instance** out, ftl_error* err) noexcept {
  FTL_GUARD_BEGIN
  ftl::sdk::Config c(cfg);
  auto m = std::make_unique<Metric>();
  m->num_labels = c.require<int64_t>("num_labels");
  m->headline = c.get<std::string>("headline", "macro_f1");
  c.finish();
  if (m->num_labels < 2 || m->num_labels > 100000)
    throw ftl::sdk::config_error("num_labels", "num_labels must be between 2 and 100000");
  if (std::find(std::begin(k_names), std::end(k_names), m->headline) == std::end(k_names))
    throw ftl::sdk::config_error("headline", "headline '" + m->headline +
                                                 "' is not one of accuracy, macro_precision, macro_recall, "
                                                 "macro_f1, weighted_f1");
  m->confusion.assign(static_cast<size_t>(m->num_labels * m->num_labels), 0);
  *out = reinterpret_cast<ftl_instance*>(m.release());
  return FTL_OK;
  FTL_GUARD_END(err)
}

void destroy(ftl_instance* self) noexcept {
  delete self_of(self);
}

int32_t reset(ftl_instance* self, ftl_error* err) noexcept {
  FTL_GUARD_BEGIN
  Metric* m = self_of(self);
  std::fill(m->confusion.begin(), m->confusion.end(), 0);
  m->values.clear();
  return FTL_OK;
  FTL_GUARD_END(err)
}

int32_t update(ftl_instance* self, ftl_tensor* logits_t, ftl_tensor* labels_t, ftl_error* err) noexcept {
  ftl::sdk::TensorRef logits(logits_t), labels(labels_t);  // released on every path
  FTL_GUARD_BEGIN
  Metric* m = self_of(self);
  const float* lg = logits.cpu_data<float>(2, "logits");
  const int64_t* lb = labels.cpu_data<int64_t>(1, "labels");
  const int64_t N = logits.dl().shape[0], C = logits.dl().shape[1];
  if (C != m->num_labels)
    throw ftl::sdk::invalid_argument("logits have " + std::to_string(C) + " columns but num_labels is " +
                                     std::to_string(m->num_labels));
  if (labels.dl().shape[0] != N)
    throw ftl::sdk::invalid_argument("logits have " + std::to_string(N) + " rows but labels have " +
                                     std::to_string(labels.dl().shape[0]));
  for (int64_t i = 0; i < N; ++i)
    if (lb[i] < 0 || lb[i] >= C)
      throw ftl::sdk::invalid_argument("label " + std::to_string(lb[i]) + " at row " + std::to_string(i) +
                                       " is outside 0.." + std::to_string(C - 1));
  for (int64_t i = 0; i < N; ++i) {
    const float* row = lg + i * C;
    int64_t best = std::max_element(row, row + C) - row;
    m->confusion[static_cast<size_t>(lb[i] * C + best)] += 1;
  }
  return FTL_OK;
  FTL_GUARD_END(err)
}

int32_t compute(ftl_instance* self, ftl_metric_value* out, uint32_t cap, uint32_t* n_out, ftl_error* err) noexcept {
  FTL_GUARD_BEGIN
  Metric* m = self_of(self);
  if (n_out == nullptr || (out == nullptr && cap > 0)) throw ftl::sdk::invalid_argument("compute: NULL argument");
  const uint32_t n = 5;
  *n_out = n;
  if (cap < n) return FTL_ERR_BUFFER_TOO_SMALL;
  const auto C = static_cast<size_t>(m->num_labels);
  auto p = m->per_class();
  int64_t total = 0, correct = 0;
  for (size_t k = 0; k < C; ++k) {
    correct += m->confusion[k * C + k];
    total += p.support[k];
  }
  double mp = 0, mr = 0, mf = 0, wf = 0;
  int present = 0;
  for (size_t k = 0; k < C; ++k) {
    if (!p.present[k]) continue;
    ++present;
    mp += p.precision[k];
    mr += p.recall[k];
    mf += p.f1[k];
    wf += p.f1[k] * static_cast<double>(p.support[k]);
  }
  const double inv = present > 0 ? 1.0 / present : 0.0;
  double v[5] = {total > 0 ? static_cast<double>(correct) / total : 0.0, mp * inv, mr * inv, mf * inv,
                 total > 0 ? wf / total : 0.0};
  for (uint32_t i = 0; i < n; ++i) out[i] = ftl_metric_value{k_names[i], v[i]};
  return FTL_OK;
  FTL_GUARD_END(err)
}

int32_t tables(ftl_instance* self, ftl_named_tensor* out, uint32_t cap, uint32_t* n_out, ftl_error* err) noexcept {
  FTL_GUARD_BEGIN
  Metric* m = self_of(self);
  if (n_out == nullptr || (out == nullptr && cap > 0)) throw ftl::sdk::invalid_argument("tables: NULL argument");
  const uint32_t n = 5;
  if (cap < n) {
    *n_out = n;
    return FTL_ERR_BUFFER_TOO_SMALL;
  }
  const int64_t C = m->num_labels;
  auto p = m->per_class();
  ftl::sdk::TensorRef t[5] = {ftl::sdk::TensorRef(ftl::sdk::make_cpu_tensor<int64_t>({C, C}, m->confusion)),
                              ftl::sdk::TensorRef(ftl::sdk::make_cpu_tensor<double>({C}, p.precision)),
                              ftl::sdk::TensorRef(ftl::sdk::make_cpu_tensor<double>({C}, p.recall)),
                              ftl::sdk::TensorRef(ftl::sdk::make_cpu_tensor<double>({C}, p.f1)),
                              ftl::sdk::TensorRef(ftl::sdk::make_cpu_tensor<int64_t>({C}, p.support))};
  static const char* const names[5] = {"confusion_matrix", "precision", "recall", "f1", "support"};
  for (uint32_t i = 0; i < n; ++i) out[i] = ftl_named_tensor{names[i], t[i].release()};
  *n_out = n;
  return FTL_OK;
  FTL_GUARD_END(err)
}

const char* headline(const ftl_instance* self) noexcept {
  return self_of(self)->headline.c_str();
}

const ftl_metric_vtable k_vtable = {{sizeof(k_vtable), create, destroy}, reset, update, compute, tables, headline};

const ftl_factory k_factories[] = {{sizeof(ftl_factory), FTL_KIND_METRIC, "classification", "0.1.0",
                                    "accuracy, macro P/R/F1, per-class values, confusion matrix", 0, &k_vtable}};

const ftl_plugin_descriptor k_descriptor = {
    sizeof(ftl_plugin_descriptor), FTL_ABI_MAJOR, FTL_ABI_MINOR, "metric_classification", "", 1, k_factories};

}  // namespace

FTL_PLUGIN_ENTRY(k_descriptor)
