// test_bootstrap.cpp - the paired bootstrap's machinery (analysis/bootstrap.hpp):
// jumping the resample stream ahead equals drawing through it, the result
// does not depend on the number of threads, a scorer's exception reaches the
// caller. The interval and p-value themselves are checked against
// scikit-learn on the same resamples by tests/analysis/check_analysis.py.
#include "analysis/bootstrap.hpp"

#include <catch2/catch.hpp>

#include <numeric>
#include <stdexcept>

using ftl::analysis::paired_bootstrap;
using ftl::analysis::PairScore;
using ftl::analysis::ResampleStream;

TEST_CASE("bootstrap resample stream: jumping ahead equals drawing through", "[compare]") {
  const int64_t n = 37;
  ResampleStream through(5);
  std::vector<int64_t> idx, jumped;
  for (int64_t r = 0; r < 4; ++r) through.draw(n, &idx);
  ResampleStream::at(5, n, 3).draw(n, &jumped);
  CHECK(jumped == idx);
  for (int64_t i : idx) CHECK((i >= 0 && i < n));
}

TEST_CASE("paired bootstrap: the same result on 1 and 3 threads; errors reach the caller", "[compare]") {
  // A: 1 on 60% of 200 examples, B: on 50%; the "metric" is the mean.
  const int64_t n = 200;
  std::vector<double> a(n), b(n);
  for (int64_t i = 0; i < n; ++i) a[i] = i % 5 < 3, b[i] = i % 2;
  auto make = [&]() -> PairScore {
    return [&](const std::vector<int64_t>* idx) {
      double sa = 0, sb = 0;
      for (int64_t i = 0; i < n; ++i) {
        const int64_t j = idx ? (*idx)[i] : i;
        sa += a[j], sb += b[j];
      }
      return std::make_pair(sa / n, sb / n);
    };
  };
  const auto one = paired_bootstrap(n, 500, 0, 1, make), three = paired_bootstrap(n, 500, 0, 3, make);
  CHECK(one.delta == Approx(0.1));
  CHECK(one.low == three.low);
  CHECK(one.high == three.high);
  CHECK(one.p_value == three.p_value);
  CHECK((one.low < 0.1 && one.high > 0.1));
  CHECK(paired_bootstrap(n, 500, 1, 2, make).low != one.low);  // the seed matters

  auto failing = [&]() -> PairScore {
    return [](const std::vector<int64_t>* idx) -> std::pair<double, double> {
      if (idx != nullptr) throw std::runtime_error("no such metric");
      return {0.0, 0.0};
    };
  };
  CHECK_THROWS_WITH(paired_bootstrap(n, 10, 0, 2, failing), "no such metric");
}
