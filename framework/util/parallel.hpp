// parallel.hpp - runs work(0), ..., work(threads - 1) at once, work(0) on the
// calling thread, joins every thread, then rethrows the first exception a
// worker threw (by worker index). The caller splits the work by index; there
// is no pool: threads live for one call. Used by tokenizing (data/encode.cpp,
// `ftlab tokenize`) and the bootstrap (analysis/bootstrap.cpp).
#pragma once

#include <exception>
#include <thread>
#include <vector>

namespace ftl {

template <class Work>
void parallel_run(int threads, Work&& work) {
  if (threads < 1) threads = 1;
  std::vector<std::exception_ptr> errors(static_cast<size_t>(threads));
  auto guarded = [&](int t) {
    try {
      work(t);
    } catch (...) {
      errors[static_cast<size_t>(t)] = std::current_exception();
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(guarded, t);
  guarded(0);
  for (auto& th : pool) th.join();
  for (const auto& e : errors)
    if (e) std::rethrow_exception(e);
}

}  // namespace ftl
