// encode.cpp - parallel tokenization of a split (static chunking over threads).
#include "data/encode.hpp"

#include <algorithm>
#include <exception>
#include <thread>

namespace ftl {

EncodedSplit encode_split(const Tokenizer& tok, const Dataset& data, int32_t split, int threads) {
  const int64_t n = data.size(split);
  EncodedSplit out;
  out.ids.resize(static_cast<size_t>(n));
  out.labels.resize(static_cast<size_t>(n));
  if (!tok.thread_safe() || threads < 1) threads = 1;
  threads = static_cast<int>(std::min<int64_t>(threads, std::max<int64_t>(1, n / 256)));
  std::vector<std::exception_ptr> errors(static_cast<size_t>(threads));
  auto work = [&](int t) {
    try {
      for (int64_t i = t; i < n; i += threads) {
        Example ex = data.example(split, i);
        out.ids[static_cast<size_t>(i)] = tok.encode(ex.text);
        out.labels[static_cast<size_t>(i)] = ex.label;
      }
    } catch (...) {
      errors[static_cast<size_t>(t)] = std::current_exception();
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work, t);
  work(0);
  for (auto& th : pool) th.join();
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
  for (const auto& v : out.ids) out.total_tokens += static_cast<int64_t>(v.size());
  return out;
}

}  // namespace ftl
