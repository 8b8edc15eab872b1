// bootstrap.cpp - the paired bootstrap (see bootstrap.hpp).
#include "analysis/bootstrap.hpp"

#include <algorithm>
#include <cmath>

namespace ftl::analysis {

void ResampleStream::draw(int64_t n, std::vector<int64_t>* out) {
  out->resize(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    (*out)[static_cast<size_t>(i)] =
        static_cast<int64_t>((static_cast<unsigned __int128>(z >> 11) * static_cast<uint64_t>(n)) >> 53);
  }
}

namespace {

// numpy.percentile's default ("linear"): position q * (m - 1) in the sorted values.
double percentile(const std::vector<double>& sorted, double q) {
  const double pos = q * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<size_t>(std::floor(pos));
  const size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - static_cast<double>(lo));
}

}  // namespace

PairedBootstrap paired_bootstrap(int64_t n, int64_t resamples, uint64_t seed, const PairScore& score) {
  PairedBootstrap r;
  const auto whole = score(nullptr);
  r.a = whole.first;
  r.b = whole.second;
  r.delta = r.a - r.b;
  r.resamples = resamples;
  if (n <= 0 || resamples <= 0) return r;
  ResampleStream stream(seed);
  std::vector<int64_t> idx;
  std::vector<double> deltas;
  deltas.reserve(static_cast<size_t>(resamples));
  int64_t at_most_zero = 0, at_least_zero = 0;
  for (int64_t k = 0; k < resamples; ++k) {
    stream.draw(n, &idx);
    const auto s = score(&idx);
    const double d = s.first - s.second;
    deltas.push_back(d);
    at_most_zero += d <= 0;
    at_least_zero += d >= 0;
  }
  std::sort(deltas.begin(), deltas.end());
  r.low = percentile(deltas, 0.025);
  r.high = percentile(deltas, 0.975);
  r.p_value =
      std::min(1.0, 2.0 * static_cast<double>(std::min(at_most_zero, at_least_zero)) / static_cast<double>(resamples));
  return r;
}

}  // namespace ftl::analysis
