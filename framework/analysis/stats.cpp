// stats.cpp - classification statistics from logits (see stats.hpp).
#include "analysis/stats.hpp"

#include <algorithm>
#include <cmath>

namespace ftl::analysis {

std::vector<double> softmax_row(const float* logits, int64_t c) {
  std::vector<double> p(static_cast<size_t>(c));
  double mx = -INFINITY;
  for (int64_t j = 0; j < c; ++j) mx = std::max(mx, static_cast<double>(logits[j]));
  double sum = 0.0;
  for (int64_t j = 0; j < c; ++j) sum += p[j] = std::exp(static_cast<double>(logits[j]) - mx);
  for (auto& v : p) v /= sum;
  return p;
}

int64_t argmax_row(const float* logits, int64_t c) {
  return static_cast<int64_t>(std::max_element(logits, logits + c) - logits);
}

ClassStats class_stats(const float* logits, const int64_t* labels, int64_t n, int64_t c) {
  ClassStats s;
  s.confusion.assign(static_cast<size_t>(c * c), 0);
  int64_t correct = 0;
  for (int64_t i = 0; i < n; ++i) {
    const int64_t pred = argmax_row(logits + i * c, c);
    if (labels[i] < 0 || labels[i] >= c) continue;
    ++s.confusion[static_cast<size_t>(labels[i] * c + pred)];
    correct += pred == labels[i];
  }
  s.accuracy = n > 0 ? static_cast<double>(correct) / static_cast<double>(n) : 0.0;
  for (int64_t k = 0; k < c; ++k) {
    int64_t tp = s.confusion[static_cast<size_t>(k * c + k)], gold = 0, predicted = 0;
    for (int64_t j = 0; j < c; ++j) {
      gold += s.confusion[static_cast<size_t>(k * c + j)];
      predicted += s.confusion[static_cast<size_t>(j * c + k)];
    }
    const double p = predicted > 0 ? static_cast<double>(tp) / predicted : 0.0;
    const double r = gold > 0 ? static_cast<double>(tp) / gold : 0.0;
    s.precision.push_back(p);
    s.recall.push_back(r);
    s.f1.push_back(p + r > 0 ? 2 * p * r / (p + r) : 0.0);
    s.support.push_back(gold);
  }
  return s;
}

Calibration calibration(const float* logits, const int64_t* labels, int64_t n, int64_t c, int bins) {
  Calibration cal;
  cal.count.assign(static_cast<size_t>(bins), 0);
  cal.confidence.assign(static_cast<size_t>(bins), 0.0);
  cal.accuracy.assign(static_cast<size_t>(bins), 0.0);
  for (int64_t i = 0; i < n; ++i) {
    const auto p = softmax_row(logits + i * c, c);
    const int64_t pred = argmax_row(logits + i * c, c);
    const double conf = p[static_cast<size_t>(pred)];
    const int b = std::min(bins - 1, static_cast<int>(conf * bins));
    ++cal.count[b];
    cal.confidence[b] += conf;
    cal.accuracy[b] += pred == labels[i] ? 1.0 : 0.0;
  }
  for (int b = 0; b < bins; ++b) {
    if (cal.count[b] == 0) continue;
    cal.confidence[b] /= static_cast<double>(cal.count[b]);
    cal.accuracy[b] /= static_cast<double>(cal.count[b]);
    cal.ece +=
        static_cast<double>(cal.count[b]) / static_cast<double>(n) * std::fabs(cal.accuracy[b] - cal.confidence[b]);
  }
  return cal;
}

MeanStd mean_std(const std::vector<double>& values) {
  MeanStd m;
  m.count = static_cast<int64_t>(values.size());
  if (values.empty()) return m;
  for (double v : values) m.mean += v;
  m.mean /= static_cast<double>(values.size());
  if (values.size() > 1) {
    double ss = 0.0;
    for (double v : values) ss += (v - m.mean) * (v - m.mean);
    m.std = std::sqrt(ss / static_cast<double>(values.size() - 1));
  }
  return m;
}

McNemar mcnemar_exact(const std::vector<uint8_t>& correct_a, const std::vector<uint8_t>& correct_b) {
  McNemar m;
  const size_t n = std::min(correct_a.size(), correct_b.size());
  for (size_t i = 0; i < n; ++i) {
    m.only_a += correct_a[i] && !correct_b[i];
    m.only_b += !correct_a[i] && correct_b[i];
  }
  const int64_t d = m.only_a + m.only_b, k = std::min(m.only_a, m.only_b);
  if (d == 0) return m;  // p = 1: the two never disagree
  // P(X <= k) for X ~ Binomial(d, 1/2), summed in log space; two-sided = 2x, capped at 1.
  double tail = 0.0;
  for (int64_t i = 0; i <= k; ++i)
    tail += std::exp(std::lgamma(d + 1.0) - std::lgamma(i + 1.0) - std::lgamma(d - i + 1.0) - d * std::log(2.0));
  m.p_value = std::min(1.0, 2.0 * tail);
  return m;
}

}  // namespace ftl::analysis
