// parallel.hpp - runs work(0), ..., work(threads - 1) at once, work(0) on the
// calling thread, joins every thread, then rethrows the first exception a
// worker threw (by worker index). The caller splits the work by index; there
// is no pool: threads live for one call. Used by tokenizing (data/encode.cpp,
// `ftlab tokenize`) and the bootstrap (analysis/bootstrap.cpp).
// A thread the system refuses to start (too many threads, no memory) ends the
// call with an Error after the started ones are joined: workers must not
// depend on every other index having run.
#pragma once

#include "util/error.hpp"

#include <exception>
#include <string>
#include <system_error>
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
  std::string refused;
  for (int t = 1; t < threads && refused.empty(); ++t) {
    try {
      pool.emplace_back(guarded, t);
    } catch (const std::system_error& e) {
      refused = "cannot start worker thread " + std::to_string(t + 1) + " of " + std::to_string(threads) + " (" +
                e.what() + "); use fewer threads";
    }
  }
  if (refused.empty()) guarded(0);
  for (auto& th : pool) th.join();
  if (!refused.empty()) throw Error(refused);
  for (const auto& e : errors)
    if (e) std::rethrow_exception(e);
}

}  // namespace ftl
