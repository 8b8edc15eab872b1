// bootstrap.cpp - the paired bootstrap (see bootstrap.hpp).
#include "analysis/bootstrap.hpp"

#include "util/parallel.hpp"

#include <algorithm>
#include <cmath>
#include <thread>

namespace ftl::analysis {

ResampleStream ResampleStream::at(uint64_t seed, int64_t n, int64_t r) {
  // splitmix64's state only ever adds the constant: jump r * n draws ahead.
  return ResampleStream(seed + 0x9E3779B97F4A7C15ULL * static_cast<uint64_t>(n) * static_cast<uint64_t>(r));
}

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

PairedBootstrap paired_bootstrap(int64_t n, int64_t resamples, uint64_t seed, int threads,
                                 const PairScoreFactory& make_score) {
  PairedBootstrap r;
  const PairScore first = make_score();
  const auto whole = first(nullptr);
  r.a = whole.first;
  r.b = whole.second;
  r.delta = r.a - r.b;
  r.resamples = resamples;
  if (n <= 0 || resamples <= 0) return r;
  if (threads <= 0) threads = static_cast<int>(std::min(8u, std::max(1u, std::thread::hardware_concurrency())));
  threads = static_cast<int>(std::min<int64_t>(threads, resamples));
  std::vector<PairScore> scorers{first};
  for (int t = 1; t < threads; ++t) scorers.push_back(make_score());
  std::vector<double> deltas(static_cast<size_t>(resamples));  // [resamples], in resample order
  parallel_run(threads, [&](int t) {
    const int64_t begin = resamples * t / threads, end = resamples * (t + 1) / threads;
    ResampleStream stream = ResampleStream::at(seed, n, begin);
    std::vector<int64_t> idx;
    for (int64_t k = begin; k < end; ++k) {
      stream.draw(n, &idx);
      const auto s = scorers[static_cast<size_t>(t)](&idx);
      deltas[static_cast<size_t>(k)] = s.first - s.second;
    }
  });
  int64_t at_most_zero = 0, at_least_zero = 0;
  for (double d : deltas) {
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
