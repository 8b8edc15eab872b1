// encode.cpp - parallel tokenization of a split (static chunking over threads).
#include "data/encode.hpp"

#include "util/parallel.hpp"

#include <algorithm>

namespace ftl {

EncodedSplit encode_split(const Tokenizer& tok, const Dataset& data, int32_t split, int threads) {
  const int64_t n = data.size(split);
  EncodedSplit out;
  out.ids.resize(static_cast<size_t>(n));
  out.labels.resize(static_cast<size_t>(n));
  if (!tok.thread_safe() || threads < 1) threads = 1;
  threads = static_cast<int>(std::min<int64_t>(threads, std::max<int64_t>(1, n / 256)));
  parallel_run(threads, [&](int t) {
    for (int64_t i = t; i < n; i += threads) {
      Example ex = data.example(split, i);
      out.ids[static_cast<size_t>(i)] = tok.encode(ex.text);
      out.labels[static_cast<size_t>(i)] = ex.label;
    }
  });
  for (const auto& v : out.ids) out.total_tokens += static_cast<int64_t>(v.size());
  return out;
}

}  // namespace ftl
