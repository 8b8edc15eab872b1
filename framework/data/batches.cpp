// batches.cpp - shuffling and padding.
#include "data/batches.hpp"

#include <algorithm>
#include <numeric>

namespace ftl {

namespace {

uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// Uniform in [0, bound) without modulo bias (Lemire's method with rejection).
uint64_t bounded(uint64_t& state, uint64_t bound) {
  while (true) {
    uint64_t x = splitmix64(state);
    __uint128_t m = static_cast<__uint128_t>(x) * bound;
    auto low = static_cast<uint64_t>(m);
    if (low >= bound || low >= (-bound) % bound) return static_cast<uint64_t>(m >> 64);
  }
}

}  // namespace

std::vector<int64_t> shuffled_order(int64_t n, uint64_t seed, int64_t epoch) {
  std::vector<int64_t> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  uint64_t state = seed * 0x9E3779B97F4A7C15ull + static_cast<uint64_t>(epoch) + 1;
  for (int64_t i = n - 1; i > 0; --i) {
    auto j = static_cast<int64_t>(bounded(state, static_cast<uint64_t>(i + 1)));
    std::swap(order[static_cast<size_t>(i)], order[static_cast<size_t>(j)]);
  }
  return order;
}

std::vector<int64_t> length_sorted_order(const EncodedSplit& s) {
  std::vector<int64_t> order(s.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
    return s.ids[static_cast<size_t>(a)].size() > s.ids[static_cast<size_t>(b)].size();
  });
  return order;
}

namespace {

Batch fill_batch(const EncodedSplit& s, const int64_t* idx, int64_t count, int32_t pad_id, bool pinned,
                 int64_t multiple = 1, int64_t cap = 0) {
  int64_t T = 1;
  for (int64_t b = 0; b < count; ++b)
    T = std::max<int64_t>(T, static_cast<int64_t>(s.ids[static_cast<size_t>(idx[b])].size()));
  if (multiple > 1) T = std::max(T, std::min((T + multiple - 1) / multiple * multiple, cap));
  const auto opt = at::TensorOptions().dtype(at::kLong).pinned_memory(pinned);
  Batch batch;
  batch.input_ids = at::full({count, T}, pad_id, opt);  // [B, T]
  batch.attention_mask = at::zeros({count, T}, opt);    // [B, T]
  batch.labels = at::empty({count}, opt);               // [B]
  auto* ids = batch.input_ids.data_ptr<int64_t>();
  auto* mask = batch.attention_mask.data_ptr<int64_t>();
  auto* labels = batch.labels.data_ptr<int64_t>();
  for (int64_t b = 0; b < count; ++b) {
    const auto& row = s.ids[static_cast<size_t>(idx[b])];
    for (size_t t = 0; t < row.size(); ++t) {
      ids[b * T + static_cast<int64_t>(t)] = row[t];
      mask[b * T + static_cast<int64_t>(t)] = 1;
    }
    labels[b] = s.labels[static_cast<size_t>(idx[b])];
    batch.real_tokens += static_cast<int64_t>(row.size());
  }
  return batch;
}

}  // namespace

Batch make_batch(const EncodedSplit& s, const int64_t* idx, int64_t count, int32_t pad_id) {
  return fill_batch(s, idx, count, pad_id, false);
}

int64_t longest_sequence(const EncodedSplit& s) {
  size_t longest = 0;
  for (const auto& row : s.ids) longest = std::max(longest, row.size());
  return static_cast<int64_t>(longest);
}

Batch make_device_batch(const EncodedSplit& s, const int64_t* idx, int64_t count, int32_t pad_id,
                        const at::Device& device, int64_t pad_multiple, int64_t pad_cap) {
  if (!device.is_cuda()) return fill_batch(s, idx, count, pad_id, false, pad_multiple, pad_cap);
  Batch b = fill_batch(s, idx, count, pad_id, true, pad_multiple, pad_cap);
  b.input_ids = b.input_ids.to(device, /*non_blocking=*/true);
  b.attention_mask = b.attention_mask.to(device, /*non_blocking=*/true);
  b.labels = b.labels.to(device, /*non_blocking=*/true);
  return b;
}

}  // namespace ftl

namespace ftl {

std::vector<int64_t> length_grouped_order(const EncodedSplit& s, int64_t batch_size, uint64_t seed, int64_t epoch) {
  const auto n = static_cast<int64_t>(s.size());
  std::vector<int64_t> order = shuffled_order(n, seed, epoch);
  const int64_t mult = std::max<int64_t>(1, std::min<int64_t>(n / (batch_size * 4), 50));
  const int64_t mega = mult * batch_size;
  auto len = [&](int64_t i) { return s.ids[static_cast<size_t>(i)].size(); };
  int64_t longest_block = 0;
  size_t longest = 0;
  for (int64_t start = 0; start < n; start += mega) {
    auto first = order.begin() + start, last = order.begin() + std::min(n, start + mega);
    std::stable_sort(first, last, [&](int64_t a, int64_t b) { return len(a) > len(b); });
    if (len(*first) > longest) {  // first strictly longer block wins, like argmax
      longest = len(*first);
      longest_block = start;
    }
  }
  if (n > 0) std::swap(order[0], order[static_cast<size_t>(longest_block)]);
  return order;
}

}  // namespace ftl
