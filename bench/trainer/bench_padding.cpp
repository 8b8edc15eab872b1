// bench_padding.cpp - padded tokens of one training epoch per TweetEval task
// (RoBERTa tokenizer, batch 16, max length 128): padding every tweet to 128
// (the notebook), dynamic padding on random batches, and dynamic padding with
// length-grouped batches. Usage: bench_padding TWEETEVAL_DATASETS_DIR
#include "bench_common.hpp"

#include "util/process.hpp"

#include "data/batches.hpp"

#include <cstdio>
#include <filesystem>

int main(int argc, char** argv) {
  ftl::tune_process();  // as the ftlab binary does: OpenBLAS on one thread under OpenMP
  const std::string root = argc > 1 ? argv[1] : std::string(FTLAB_SOURCE_DIR) + "/../shared/data/tweeteval/datasets";
  const char* tasks[] = {"emoji", "emotion", "hate", "irony", "offensive", "sentiment", "stance/abortion",
                         "stance/atheism", "stance/climate", "stance/feminist", "stance/hillary"};
  const int64_t bs = 16, max_len = 128;
  std::printf("%-16s %8s %14s %14s %14s %10s\n", "task", "train", "pad_to_128", "dynamic", "grouped", "factor");
  for (const char* task : tasks) {
    if (!std::filesystem::exists(root + "/" + task + "/train_text.txt")) {
      std::printf("%-16s (no train_text.txt: skipped)\n", task);
      continue;
    }
    auto e = bench::quickstart({"dataset.path=\"" + root + "\"", std::string("dataset.task=\"") + task + "\""});
    auto p = ftl::build_pipeline(e, {});
    auto s = ftl::encode_split(*p->tokenizer, *p->dataset, FTL_SPLIT_TRAIN, p->threads);
    const auto n = static_cast<int64_t>(s.size());
    int64_t real = 0;
    for (const auto& v : s.ids) real += static_cast<int64_t>(v.size());
    auto pads = [&](const std::vector<int64_t>& order) {
      int64_t slots = 0;
      for (int64_t b = 0; b < n; b += bs) {
        size_t longest = 0;
        const int64_t count = std::min(bs, n - b);
        for (int64_t k = 0; k < count; ++k) longest = std::max(longest, s.ids[static_cast<size_t>(order[b + k])].size());
        slots += static_cast<int64_t>(longest) * count;
      }
      return slots - real;
    };
    const int64_t to128 = n * max_len - real;
    const int64_t dynamic = pads(ftl::shuffled_order(n, 42, 1));
    const int64_t grouped = pads(ftl::length_grouped_order(s, bs, 42, 1));
    std::printf("%-16s %8lld %14lld %14lld %14lld %9.1fx\n", task, static_cast<long long>(n),
                static_cast<long long>(to128), static_cast<long long>(dynamic), static_cast<long long>(grouped),
                grouped > 0 ? static_cast<double>(to128) / grouped : 0.0);
  }
  return 0;
}
