// evaluate.cpp - evaluation loop.
#include "train/evaluate.hpp"

#include "data/batches.hpp"
#include "util/error.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>

#include <unistd.h>

namespace ftl {

const char* split_name(int32_t split) {
  return split == FTL_SPLIT_TRAIN ? "train" : split == FTL_SPLIT_VALIDATION ? "validation" : "test";
}

EvalRecord evaluate(Pipeline& p, const EncodedSplit& data, int32_t split, const std::string& tag, double epoch,
                    int64_t step, int64_t batch_size) {
  const auto t0 = std::chrono::steady_clock::now();
  const bool tty = isatty(STDERR_FILENO) != 0;
  EvalRecord r;
  r.split = split_name(split);
  r.tag = tag;
  r.epoch = epoch;
  r.step = step;
  r.n = static_cast<int64_t>(data.size());
  r.c = p.dataset->num_labels();
  r.logits.assign(static_cast<size_t>(r.n * r.c), 0.0f);
  r.labels = data.labels;
  const auto order = length_sorted_order(data);
  const bool labelled = std::all_of(r.labels.begin(), r.labels.end(), [](int64_t l) { return l >= 0; });
  // Logits and losses stay on the device until the end: one wait per evaluation.
  std::vector<at::Tensor> logits, losses;
  const int64_t cap = longest_sequence(data);
  for (int64_t start = 0; start < r.n; start += batch_size) {
    const int64_t count = std::min(batch_size, r.n - start);
    Batch b = make_device_batch(data, order.data() + start, count, p.tokenizer->pad_id(), p.torch_device,
                                p.pad_multiple, cap);
    StepOutput out = p.model->step(b.input_ids, b.attention_mask, labelled ? b.labels : at::Tensor(), false);
    if (out.logits.dim() != 2 || out.logits.size(0) != count || out.logits.size(1) != r.c) {
      std::string shape;
      for (int64_t d : out.logits.sizes()) shape += (shape.empty() ? "" : ", ") + std::to_string(d);
      throw Error("model returned logits of shape [" + shape + "], expected [" + std::to_string(count) + ", " +
                  std::to_string(r.c) + "]");
    }
    logits.push_back(out.logits);  // [B, C]
    if (labelled) losses.push_back(out.loss.to(at::kDouble) * static_cast<double>(count));
    if (tty)
      std::fprintf(stderr, "\r%s %s: %lld/%lld", r.split.c_str(), tag.c_str(), static_cast<long long>(start + count),
                   static_cast<long long>(r.n));
  }
  if (tty) std::fprintf(stderr, "\r\033[K");
  double loss_sum = 0.0;
  if (!logits.empty()) {
    const at::Tensor all = at::cat(logits).to(at::kCPU, at::kFloat).contiguous();  // [N, C] in length order
    const float* src = all.data_ptr<float>();
    for (int64_t k = 0; k < r.n; ++k) {
      const int64_t row = order[static_cast<size_t>(k)];
      std::copy(src + k * r.c, src + (k + 1) * r.c, r.logits.begin() + row * r.c);
    }
    if (labelled) loss_sum = at::stack(losses).sum().item<double>();
  }
  r.loss = labelled && r.n > 0 ? loss_sum / static_cast<double>(r.n) : std::nan("");
  if (labelled && r.n > 0) {
    p.metric->reset();
    p.metric->update(r.logits.data(), r.labels.data(), r.n, r.c);
    r.metrics = p.metric->compute();
    for (auto& t : p.metric->tables()) r.tables.push_back({t.name, t.shape, t.values, t.integer});
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

void print_eval(const EvalRecord& r, const std::string& headline) {
  std::fprintf(stderr, "%s %s: loss %.4f", r.split.c_str(), r.tag.c_str(), r.loss);
  for (const auto& [k, v] : r.metrics) std::fprintf(stderr, "  %s%s %.4f", k.c_str(), k == headline ? "*" : "", v);
  std::fprintf(stderr, "  (%.1fs, %.0f samples/s)\n", r.seconds, r.seconds > 0 ? r.n / r.seconds : 0.0);
}

}  // namespace ftl
