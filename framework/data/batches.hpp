// batches.hpp - example order and padded batches. Training order is a seeded
// Fisher-Yates shuffle per epoch (our own bounded draw on a SplitMix64
// stream, so the order is the same with every standard library); batches are
// padded to their longest row, not to max_length.
#pragma once

#include "data/encode.hpp"

#include <ATen/ATen.h>
#include <ATen/core/grad_mode.h>  // at::NoGradGuard (not in ATen.h on LibTorch 2.x)

namespace ftl {

struct Batch {
  at::Tensor input_ids;       // [B, T] int64, padded with pad_id
  at::Tensor attention_mask;  // [B, T] int64, 1 = real token
  at::Tensor labels;          // [B] int64
  int64_t real_tokens = 0;
};

// A permutation of 0..n-1 determined by (seed, epoch).
std::vector<int64_t> shuffled_order(int64_t n, uint64_t seed, int64_t epoch);

// Indices sorted by length, longest first (evaluation: less padding).
std::vector<int64_t> length_sorted_order(const EncodedSplit& s);

Batch make_batch(const EncodedSplit& s, const int64_t* idx, int64_t count, int32_t pad_id);
// make_batch for the model's device: on CUDA the batch is built in pinned
// host memory and copied asynchronously (the host does not wait for the copy;
// LibTorch's pinned allocator keeps the buffer alive until the copy is done).
// pad_multiple > 1 rounds the padded length T up to a multiple of it (fewer
// distinct shapes for the GPU's per-shape kernel choices), but never past
// pad_cap (the longest sequence of the split: what the model must accept anyway).
Batch make_device_batch(const EncodedSplit& s, const int64_t* idx, int64_t count, int32_t pad_id,
                        const at::Device& device, int64_t pad_multiple = 1, int64_t pad_cap = 0);

// Length of the longest sequence of the split.
int64_t longest_sequence(const EncodedSplit& s);

}  // namespace ftl

namespace ftl {

// Hugging Face's get_length_grouped_indices over our seeded permutation:
// mega-batches of min(n / (4 * batch_size), 50) * batch_size examples, each
// sorted by length (longest first), the overall longest moved to the front.
std::vector<int64_t> length_grouped_order(const EncodedSplit& s, int64_t batch_size, uint64_t seed, int64_t epoch);

}  // namespace ftl
