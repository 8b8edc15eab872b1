// encode.hpp - tokenizes every example of a dataset split, in parallel when the
// tokenizer declares itself thread-safe. Output: ids per example + labels.
#pragma once

#include "plugins/components.hpp"

namespace ftl {

struct EncodedSplit {
  std::vector<std::vector<int32_t>> ids;  // [N][len_i], special tokens included
  std::vector<int64_t> labels;            // [N], -1 if unlabelled
  int64_t total_tokens = 0;
  size_t size() const { return ids.size(); }
};

EncodedSplit encode_split(const Tokenizer& tok, const Dataset& data, int32_t split, int threads);

}  // namespace ftl
