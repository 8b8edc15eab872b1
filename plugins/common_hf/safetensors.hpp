// safetensors.hpp - reader and writer for the safetensors format (Hugging Face):
// u64 little-endian header length N, N bytes of JSON, then the data buffer.
// The reader memory-maps the file and validates the header as the format's
// reference implementation does (length bounds, JSON object, known dtypes,
// byte sizes = numel * bits / 8, offsets tiling the buffer with no gap or
// overlap, buffer end = file end, no duplicate names), so every later access
// is in bounds. No LibTorch: the host, plugins and the fuzz harness share it.
// Limits: little-endian hosts only; sharded checkpoints (index.json) are not read.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace safetensors {

// One-line messages that name the file and what to do.
struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct TensorInfo {
  std::string name;
  std::string dtype;            // "F32", "BF16", ...
  std::vector<int64_t> shape;   // row-major
  uint64_t begin = 0, end = 0;  // byte offsets into the data buffer, end exclusive
};

struct Header {
  std::vector<TensorInfo> tensors;  // sorted by begin offset
  std::map<std::string, std::string> metadata;
  uint64_t data_start = 0;  // 8 + N: file offset of the data buffer
};

// Bits per element of a safetensors dtype name, 0 for an unknown one.
int dtype_bits(const std::string& dtype);

// Parses and validates the header of a whole file held in bytes[0, size).
// Throws Error naming `what` (usually the path). Never reads outside the range.
Header parse_header(const uint8_t* bytes, size_t size, const std::string& what);

// A validated, read-only, memory-mapped safetensors file.
class File {
 public:
  explicit File(const std::string& path);
  ~File();
  File(const File&) = delete;
  File& operator=(const File&) = delete;

  const std::string& path() const { return path_; }
  const Header& header() const { return header_; }
  const TensorInfo* find(const std::string& name) const;  // nullptr when absent
  const uint8_t* data(const TensorInfo& t) const { return base_ + header_.data_start + t.begin; }

 private:
  std::string path_;
  const uint8_t* base_ = nullptr;
  size_t size_ = 0;
  Header header_;
  std::map<std::string, size_t> index_;
};

struct WriteTensor {
  std::string name;
  std::string dtype;  // e.g. "F32"
  std::vector<int64_t> shape;
  const void* data = nullptr;  // numel * bits / 8 bytes, little-endian, row-major
};

// Writes a file as Hugging Face does: tensors ordered by dtype alignment (largest
// first) then name, contiguous offsets, __metadata__ first, header space-padded
// to a multiple of 8 bytes. Writes PATH.tmp and renames it over PATH.
void write_file(const std::string& path, std::vector<WriteTensor> tensors,
                const std::map<std::string, std::string>& metadata);

}  // namespace safetensors
