// classification_counts.hpp - confusion-matrix bookkeeping and the
// scikit-learn (1.2) formulas shared by the `classification` and `tweeteval`
// metric plugins: per-class precision/recall/F1/support and the accuracy,
// macro, weighted and micro averages. Semantics follow
// precision_recall_fscore_support / classification_report with labels=None:
// averages run over the labels present in gold or predictions (a label in
// neither is left out), a zero denominator gives 0 (zero_division="warn"/0),
// F1 = 2*P*R/(P+R) computed in sklearn's order, weights = gold support.
// Header-only and LibTorch-free; argmax ties go to the lowest index (numpy).
#pragma once

#include <ftlab/sdk.hpp>

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace ftl::metric {

struct PerClass {
  std::vector<double> precision, recall, f1;
  std::vector<int64_t> support;  // gold examples per class
  std::vector<bool> present;     // in gold or predictions
};

class Confusion {
 public:
  void resize(int64_t num_labels) {
    c_ = num_labels;
    m_.assign(static_cast<size_t>(c_ * c_), 0);
  }
  void clear() { std::fill(m_.begin(), m_.end(), 0); }
  int64_t num_labels() const { return c_; }
  const std::vector<int64_t>& counts() const { return m_; }  // [gold * C + pred]

  // logits [N, C] float32 (argmax) against labels [N] int64; checks shapes and ranges.
  void add_logits(const ftl::sdk::TensorRef& logits, const ftl::sdk::TensorRef& labels) {
    const float* lg = logits.cpu_data<float>(2, "logits");
    const int64_t* lb = labels.cpu_data<int64_t>(1, "labels");
    const int64_t N = logits.dl().shape[0], C = logits.dl().shape[1];
    if (C != c_)
      throw ftl::sdk::invalid_argument("logits have " + std::to_string(C) + " columns but num_labels is " +
                                       std::to_string(c_));
    if (labels.dl().shape[0] != N)
      throw ftl::sdk::invalid_argument("logits have " + std::to_string(N) + " rows but labels have " +
                                       std::to_string(labels.dl().shape[0]));
    for (int64_t i = 0; i < N; ++i)
      if (lb[i] < 0 || lb[i] >= C)
        throw ftl::sdk::invalid_argument("label " + std::to_string(lb[i]) + " at row " + std::to_string(i) +
                                         " is outside 0.." + std::to_string(C - 1));
    for (int64_t i = 0; i < N; ++i) {
      const float* row = lg + i * C;
      const int64_t best = std::max_element(row, row + C) - row;
      m_[static_cast<size_t>(lb[i] * C + best)] += 1;
    }
  }

  PerClass per_class() const {
    const auto C = static_cast<size_t>(c_);
    PerClass p;
    p.precision.assign(C, 0.0);
    p.recall.assign(C, 0.0);
    p.f1.assign(C, 0.0);
    p.support.assign(C, 0);
    p.present.assign(C, false);
    for (size_t k = 0; k < C; ++k) {
      int64_t tp = m_[k * C + k], gold = 0, pred = 0;
      for (size_t j = 0; j < C; ++j) {
        gold += m_[k * C + j];
        pred += m_[j * C + k];
      }
      p.support[k] = gold;
      p.present[k] = gold > 0 || pred > 0;
      p.precision[k] = pred > 0 ? static_cast<double>(tp) / static_cast<double>(pred) : 0.0;
      p.recall[k] = gold > 0 ? static_cast<double>(tp) / static_cast<double>(gold) : 0.0;
      const double denom = p.precision[k] + p.recall[k];
      p.f1[k] = denom != 0.0 ? 2.0 * p.precision[k] * p.recall[k] / denom : 0.0;  // sklearn: (1+b2)*P*R/denom
    }
    return p;
  }

  // accuracy, macro_*, weighted_*, micro_* in this order (see value_names()).
  std::vector<std::pair<std::string, double>> averages(const PerClass& p) const {
    const auto C = static_cast<size_t>(c_);
    int64_t total = 0, correct = 0;
    double mp = 0, mr = 0, mf = 0, wp = 0, wr = 0, wf = 0;
    int64_t present = 0;
    for (size_t k = 0; k < C; ++k) {
      correct += m_[k * C + k];
      total += p.support[k];
      if (!p.present[k]) continue;
      ++present;
      mp += p.precision[k];
      mr += p.recall[k];
      mf += p.f1[k];
      const auto w = static_cast<double>(p.support[k]);
      wp += p.precision[k] * w;
      wr += p.recall[k] * w;
      wf += p.f1[k] * w;
    }
    const double n = static_cast<double>(present), t = static_cast<double>(total);
    const double acc = total > 0 ? static_cast<double>(correct) / t : 0.0;
    auto mean = [&](double s) { return present > 0 ? s / n : 0.0; };
    auto wmean = [&](double s) { return total > 0 ? s / t : 0.0; };
    return {{"accuracy", acc},
            {"macro_precision", mean(mp)},
            {"macro_recall", mean(mr)},
            {"macro_f1", mean(mf)},
            {"weighted_precision", wmean(wp)},
            {"weighted_recall", wmean(wr)},
            {"weighted_f1", wmean(wf)},
            // micro over every label: tp.sum() / pred.sum() = tp.sum() / true.sum() = accuracy
            {"micro_precision", acc},
            {"micro_recall", acc},
            {"micro_f1", acc}};
  }

  static const std::vector<std::string>& value_names() {
    static const std::vector<std::string> names = {
        "accuracy",        "macro_precision", "macro_recall",    "macro_f1",     "weighted_precision",
        "weighted_recall", "weighted_f1",     "micro_precision", "micro_recall", "micro_f1"};
    return names;
  }

  // confusion_matrix [C, C] int64, precision/recall/f1 [C] float64, support [C] int64.
  std::vector<std::pair<const char*, ftl_tensor*>> tables(const PerClass& p) const {
    const int64_t C = c_;
    std::vector<std::pair<const char*, ftl_tensor*>> t;
    t.emplace_back("confusion_matrix", ftl::sdk::make_cpu_tensor<int64_t>({C, C}, m_));
    t.emplace_back("precision", ftl::sdk::make_cpu_tensor<double>({C}, p.precision));
    t.emplace_back("recall", ftl::sdk::make_cpu_tensor<double>({C}, p.recall));
    t.emplace_back("f1", ftl::sdk::make_cpu_tensor<double>({C}, p.f1));
    t.emplace_back("support", ftl::sdk::make_cpu_tensor<int64_t>({C}, p.support));
    return t;
  }

 private:
  int64_t c_ = 0;
  std::vector<int64_t> m_;
};

// Moves named tensors into the caller's buffer with the ABI's size protocol;
// on any failure every tensor is released.
inline int32_t tables_out(std::vector<std::pair<const char*, ftl_tensor*>> t, ftl_named_tensor* out, uint32_t cap,
                          uint32_t* n_out) {
  std::vector<ftl::sdk::TensorRef> owned;
  for (auto& [name, tensor] : t) owned.emplace_back(tensor);
  *n_out = static_cast<uint32_t>(t.size());
  if (cap < t.size()) return FTL_ERR_BUFFER_TOO_SMALL;
  for (size_t i = 0; i < t.size(); ++i) out[i] = ftl_named_tensor{t[i].first, owned[i].release()};
  return FTL_OK;
}

}  // namespace ftl::metric
