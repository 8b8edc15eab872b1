// fuzz_safetensors.cpp - libFuzzer harness for the safetensors header parser
// (plugins/common_hf/safetensors.cpp). The input is the whole file, held in a
// heap buffer of exactly its size so AddressSanitizer sees any read past it.
// Properties: parse_header either throws safetensors::Error with a one-line
// message or returns tensors that lie inside the buffer, tile it without gap
// or overlap, and have byte sizes matching shape x dtype; every byte of every
// tensor is then read. Build and run: tests/fuzz/run_fuzz_safetensors.sh.
#include "safetensors.hpp"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<uint8_t> buf(data, data + size);  // exact size: overreads are caught
  try {
    safetensors::Header h = safetensors::parse_header(buf.data(), buf.size(), "fuzz");
    uint64_t pos = 0, sum = 0;
    for (const auto& t : h.tensors) {
      if (t.begin != pos || t.end < t.begin || h.data_start + t.end > buf.size()) std::abort();
      uint64_t numel = 1;
      for (int64_t d : t.shape) numel *= static_cast<uint64_t>(d);
      if (numel * static_cast<uint64_t>(safetensors::dtype_bits(t.dtype)) / 8 != t.end - t.begin) std::abort();
      for (uint64_t i = t.begin; i < t.end; ++i) sum += buf[h.data_start + i];
      pos = t.end;
    }
    if (h.data_start + pos != buf.size()) std::abort();
    volatile uint64_t sink = sum;
    (void)sink;
  } catch (const safetensors::Error& e) {
    if (std::strchr(e.what(), '\n') != nullptr) std::abort();  // errors are one line
  }
  return 0;
}
