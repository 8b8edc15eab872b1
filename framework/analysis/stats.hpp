// stats.hpp - the numbers behind `ftlab compare` and `ftlab report`, computed
// from stored logits (plain C++, no LibTorch): softmax, per-class precision /
// recall / F1 and the confusion matrix (scikit-learn semantics: a zero
// denominator counts as 0), calibration (equal-width confidence bins, ECE),
// mean and sample standard deviation, and McNemar's exact test between two
// classifiers on the same examples. Checked against scikit-learn / scipy by
// tests/analysis/check_analysis.py.
#pragma once

#include <cstdint>
#include <vector>

namespace ftl::analysis {

// Softmax of one row of logits, in double precision (max subtracted first).
std::vector<double> softmax_row(const float* logits, int64_t c);
// Index of the largest logit (the first on ties, like numpy.argmax).
int64_t argmax_row(const float* logits, int64_t c);

struct ClassStats {
  std::vector<int64_t> confusion;             // [C, C] row-major: rows gold, columns predicted
  std::vector<double> precision, recall, f1;  // [C]
  std::vector<int64_t> support;               // [C] gold count
  double accuracy = 0.0;
};
ClassStats class_stats(const float* logits, const int64_t* labels, int64_t n, int64_t c);

struct Calibration {
  std::vector<int64_t> count;      // [bins] examples whose confidence falls in the bin
  std::vector<double> confidence;  // [bins] mean max-probability in the bin (0 if empty)
  std::vector<double> accuracy;    // [bins] fraction correct in the bin (0 if empty)
  double ece = 0.0;                // sum_b count_b / n * |accuracy_b - confidence_b|
};
// Bins [0, 1/B), [1/B, 2/B), ... [(B-1)/B, 1]; confidence = max softmax probability.
Calibration calibration(const float* logits, const int64_t* labels, int64_t n, int64_t c, int bins = 10);

struct MeanStd {
  double mean = 0.0, std = 0.0;  // std: sample standard deviation (n - 1); 0 for one value
  int64_t count = 0;
};
MeanStd mean_std(const std::vector<double>& values);

struct McNemar {
  int64_t only_a = 0;    // examples A gets right and B wrong
  int64_t only_b = 0;    // examples B gets right and A wrong
  double p_value = 1.0;  // exact two-sided binomial test of only_a vs only_b with p = 1/2
};
// correct_a / correct_b: 1 where the classifier is right, per example (same order).
McNemar mcnemar_exact(const std::vector<uint8_t>& correct_a, const std::vector<uint8_t>& correct_b);

}  // namespace ftl::analysis
