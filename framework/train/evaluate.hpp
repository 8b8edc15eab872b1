// evaluate.hpp - forward pass over a split and its metrics.
#pragma once

#include "data/encode.hpp"
#include "results/records.hpp"
#include "train/pipeline.hpp"

namespace ftl {

const char* split_name(int32_t split);

// Length-sorted batches (less padding), logits restored to dataset order;
// metrics only when every example has a label. Shows progress on a terminal.
EvalRecord evaluate(Pipeline& p, const EncodedSplit& data, int32_t split, const std::string& tag, double epoch,
                    int64_t step, int64_t batch_size);

// "validation epoch_2: loss 0.8 accuracy 0.6 macro_f1* 0.5 (1.2s)"
void print_eval(const EvalRecord& r, const std::string& headline);

}  // namespace ftl
