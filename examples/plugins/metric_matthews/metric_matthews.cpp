// metric_matthews.cpp - an out-of-tree example plugin: the `matthews` metric,
// Matthews correlation coefficient of argmax predictions, for two or more
// classes (Gorodkin's R_K, the multiclass form scikit-learn's
// matthews_corrcoef computes; 0 when a denominator is 0). Built against an
// installed ftlab with find_package(ftlab); no LibTorch.
// Config keys: num_labels (the host sets it from the dataset).
// Values: "mcc" (the headline) and "accuracy"; table: "confusion_matrix" [C, C] int64.
#include <ftlab/sdk.hpp>

#include <algorithm>
#include <cmath>
#include <memory>

namespace {

struct Matthews {
  int64_t num_labels = 0;
  std::vector<int64_t> confusion;  // [gold * C + predicted]
};

Matthews* self_of(const ftl_instance* p) {
  return reinterpret_cast<Matthews*>(const_cast<ftl_instance*>(p));
}

// MCC = (c*s - sum_k p_k t_k) / sqrt((s^2 - sum_k p_k^2) (s^2 - sum_k t_k^2)), with c
// correct predictions, s samples, t_k true and p_k predicted counts of class k.
double mcc(const Matthews& m) {
  const auto C = static_cast<size_t>(m.num_labels);
  double c = 0, s = 0, pt = 0, pp = 0, tt = 0;
  for (size_t k = 0; k < C; ++k) {
    double t = 0, p = 0;
    for (size_t j = 0; j < C; ++j) {
      t += static_cast<double>(m.confusion[k * C + j]);
      p += static_cast<double>(m.confusion[j * C + k]);
    }
    c += static_cast<double>(m.confusion[k * C + k]);
    s += t;
    pt += p * t;
    pp += p * p;
    tt += t * t;
  }
  const double den = std::sqrt(s * s - pp) * std::sqrt(s * s - tt);
  return den > 0 ? (c * s - pt) / den : 0.0;
}

int32_t create(const ftl_config* cfg, const ftl_host_api*, ftl_instance** out, ftl_error* err) noexcept {
  FTL_GUARD_BEGIN
  ftl::sdk::Config c(cfg);
  auto m = std::make_unique<Matthews>();
  m->num_labels = c.require<int64_t>("num_labels");
  c.finish();
  if (m->num_labels < 2 || m->num_labels > 100000)
    throw ftl::sdk::config_error("num_labels", "num_labels must be between 2 and 100000");
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
  std::fill(self_of(self)->confusion.begin(), self_of(self)->confusion.end(), 0);
  return FTL_OK;
  FTL_GUARD_END(err)
}

int32_t update(ftl_instance* self, ftl_tensor* logits_t, ftl_tensor* labels_t, ftl_error* err) noexcept {
  ftl::sdk::TensorRef logits(logits_t), labels(labels_t);  // released on every path
  FTL_GUARD_BEGIN
  Matthews* m = self_of(self);
  const float* lg = logits.cpu_data<float>(2, "logits");      // [N, C]
  const int64_t* lb = labels.cpu_data<int64_t>(1, "labels");  // [N]
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
    const int64_t pred = std::max_element(row, row + C) - row;  // ties: lowest index, like numpy
    m->confusion[static_cast<size_t>(lb[i] * C + pred)] += 1;
  }
  return FTL_OK;
  FTL_GUARD_END(err)
}

int32_t compute(ftl_instance* self, ftl_metric_value* out, uint32_t cap, uint32_t* n_out, ftl_error* err) noexcept {
  FTL_GUARD_BEGIN
  const Matthews* m = self_of(self);
  *n_out = 2;
  if (cap < 2) return FTL_ERR_BUFFER_TOO_SMALL;  // only *n_out is written
  const auto C = static_cast<size_t>(m->num_labels);
  int64_t total = 0, correct = 0;
  for (size_t k = 0; k < C; ++k) {
    correct += m->confusion[k * C + k];
    for (size_t j = 0; j < C; ++j) total += m->confusion[k * C + j];
  }
  out[0] = ftl_metric_value{"mcc", mcc(*m)};
  out[1] = ftl_metric_value{"accuracy", total > 0 ? static_cast<double>(correct) / static_cast<double>(total) : 0.0};
  return FTL_OK;
  FTL_GUARD_END(err)
}

int32_t tables(ftl_instance* self, ftl_named_tensor* out, uint32_t cap, uint32_t* n_out, ftl_error* err) noexcept {
  FTL_GUARD_BEGIN
  const Matthews* m = self_of(self);
  *n_out = 1;
  if (cap < 1) return FTL_ERR_BUFFER_TOO_SMALL;
  const int64_t C = m->num_labels;
  out[0] = ftl_named_tensor{"confusion_matrix", ftl::sdk::make_cpu_tensor<int64_t>({C, C}, m->confusion)};
  return FTL_OK;
  FTL_GUARD_END(err)
}

const char* headline(const ftl_instance*) noexcept {
  return "mcc";
}

const ftl_metric_vtable k_vtable = {{sizeof(k_vtable), create, destroy}, reset, update, compute, tables, headline};

const ftl_factory k_factories[] = {{sizeof(ftl_factory), FTL_KIND_METRIC, "matthews", "1.0.0",
                                    "Matthews correlation coefficient (multiclass, as scikit-learn)", 0, &k_vtable}};

const ftl_plugin_descriptor k_descriptor = {
    sizeof(ftl_plugin_descriptor), FTL_ABI_MAJOR, FTL_ABI_MINOR, "metric_matthews", "", 1, k_factories};

}  // namespace

FTL_PLUGIN_ENTRY(k_descriptor)
