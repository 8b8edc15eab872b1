// bootstrap.hpp - the paired bootstrap behind `ftlab compare`: resample the
// test examples with replacement, score both runs on the same resample, and
// report the difference of the metric with a 95% percentile interval and a
// two-sided p-value. Any metric works (the caller scores a resample, e.g.
// through the run's metric plugin), unlike McNemar's test, which only sees
// accuracy. The resamples come from a documented generator (splitmix64) so
// that an independent script can redraw exactly the same indices:
//   state = seed; per draw: state += 0x9E3779B97F4A7C15, z = state,
//   z = (z ^ z >> 30) * 0xBF58476D1CE4E5B9, z = (z ^ z >> 27) * 0x94D049BB133111EB,
//   z ^= z >> 31; index = ((z >> 11) * n) >> 53   (all arithmetic mod 2^64,
//   the last product exact); resample r draws n indices, r = 0, 1, ...
// Limits: the percentile interval is the plain one (no BCa correction).
#pragma once

#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

namespace ftl::analysis {

struct PairedBootstrap {
  double a = 0, b = 0;       // the metric of each run on the whole test set
  double delta = 0;          // a - b on the whole test set
  double low = 0, high = 0;  // 2.5th and 97.5th percentiles of a - b over resamples (numpy's linear rule)
  double p_value = 1;        // min(1, 2 * min(#(a-b <= 0), #(a-b >= 0)) / resamples)
  int64_t resamples = 0;
};

// One index stream as described above: n indices in [0, n) per call.
class ResampleStream {
 public:
  explicit ResampleStream(uint64_t seed) : state_(seed) {}
  // The stream positioned at resample r (each resample takes n draws).
  static ResampleStream at(uint64_t seed, int64_t n, int64_t r);
  void draw(int64_t n, std::vector<int64_t>* out);

 private:
  uint64_t state_;
};

// score(nullptr) scores the whole set; score(&idx) the resample idx ([n]
// example indices). It returns (metric of A, metric of B).
using PairScore = std::function<std::pair<double, double>(const std::vector<int64_t>* idx)>;
// Makes one scorer per worker thread (each with its own metric instance and
// buffers); it is called on the calling thread.
using PairScoreFactory = std::function<PairScore()>;

// Resamples are split over `threads` workers (0: one per core, at most 8);
// the result does not depend on the number of threads. An exception from a
// scorer is rethrown here.
PairedBootstrap paired_bootstrap(int64_t n, int64_t resamples, uint64_t seed, int threads,
                                 const PairScoreFactory& make_score);

}  // namespace ftl::analysis
