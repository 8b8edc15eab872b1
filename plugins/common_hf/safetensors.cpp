// safetensors.cpp - validating parser, mmap reader and writer (see safetensors.hpp).
#include "safetensors.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <set>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace safetensors {

namespace {

constexpr uint64_t k_max_header = 100000000;  // the reference implementation's limit

std::string str(uint64_t v) {
  return std::to_string(v);
}

uint64_t read_u64_le(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

// A non-negative integer that fits in 64 bits, or throws.
uint64_t as_u64(const nlohmann::json& j, const std::string& what) {
  if (j.is_number_unsigned()) return j.get<uint64_t>();
  if (j.is_number_integer() && j.get<int64_t>() >= 0) return static_cast<uint64_t>(j.get<int64_t>());
  throw Error(what + " must be a non-negative integer");
}

TensorInfo parse_entry(const std::string& name, const nlohmann::json& j, const std::string& what) {
  const std::string where = what + ": tensor '" + name + "'";
  if (!j.is_object()) throw Error(where + ": entry must be an object with dtype, shape and data_offsets");
  TensorInfo t;
  t.name = name;
  auto field = [&](const char* key) -> const nlohmann::json& {
    auto it = j.find(key);
    if (it == j.end()) throw Error(where + ": missing '" + key + "'");
    return *it;
  };
  const auto& dt = field("dtype");
  if (!dt.is_string()) throw Error(where + ": dtype must be a string");
  t.dtype = dt.get<std::string>();
  const int bits = dtype_bits(t.dtype);
  if (bits == 0)
    throw Error(where + ": unknown dtype '" + t.dtype +
                "' (known: BOOL, U8, I8, I16, U16, I32, U32, I64, U64, F16, "
                "BF16, F32, F64, C64, F8_*, F6_*, F4)");
  const auto& shape = field("shape");
  if (!shape.is_array()) throw Error(where + ": shape must be an array of integers");
  uint64_t numel = 1;
  for (const auto& d : shape) {
    uint64_t v = as_u64(d, where + ": shape entry");
    if (v > static_cast<uint64_t>(INT64_MAX) || (v != 0 && numel > UINT64_MAX / v))
      throw Error(where + ": shape is too large");
    numel *= v;
    t.shape.push_back(static_cast<int64_t>(v));
  }
  const auto& off = field("data_offsets");
  if (!off.is_array() || off.size() != 2) throw Error(where + ": data_offsets must be [begin, end]");
  t.begin = as_u64(off[0], where + ": data_offsets[0]");
  t.end = as_u64(off[1], where + ": data_offsets[1]");
  if (t.end < t.begin) throw Error(where + ": data_offsets end " + str(t.end) + " is before begin " + str(t.begin));
  if (numel > UINT64_MAX / static_cast<uint64_t>(bits)) throw Error(where + ": shape is too large");
  const uint64_t total_bits = numel * static_cast<uint64_t>(bits);
  if (total_bits % 8 != 0) throw Error(where + ": " + str(numel) + " elements of " + t.dtype + " are not whole bytes");
  if (t.end - t.begin != total_bits / 8)
    throw Error(where + ": data_offsets span " + str(t.end - t.begin) + " bytes but shape and dtype need " +
                str(total_bits / 8));
  return t;
}

}  // namespace

int dtype_bits(const std::string& d) {
  static const std::map<std::string, int> k_bits = {
      {"BOOL", 8},        {"U8", 8},          {"I8", 8},      {"F8_E5M2", 8}, {"F8_E4M3", 8}, {"F8_E8M0", 8},
      {"F8_E4M3FNUZ", 8}, {"F8_E5M2FNUZ", 8}, {"I16", 16},    {"U16", 16},    {"F16", 16},    {"BF16", 16},
      {"I32", 32},        {"U32", 32},        {"F32", 32},    {"I64", 64},    {"U64", 64},    {"F64", 64},
      {"C64", 64},        {"F4", 4},          {"F6_E2M3", 6}, {"F6_E3M2", 6}};
  auto it = k_bits.find(d);
  return it == k_bits.end() ? 0 : it->second;
}

Header parse_header(const uint8_t* bytes, size_t size, const std::string& what) {
  if (size < 8)
    throw Error(what + ": file is " + str(size) + " bytes, shorter than the 8-byte header length (truncated?)");
  const uint64_t n = read_u64_le(bytes);
  if (n > k_max_header)
    throw Error(what + ": header length " + str(n) + " exceeds the format's limit of 100000000 bytes (corrupt file?)");
  if (n > size - 8)
    throw Error(what + ": header length " + str(n) + " goes beyond the file size of " + str(size) +
                " bytes (truncated or not a safetensors file)");
  if (n < 2 || bytes[8] != '{') throw Error(what + ": header does not start with '{' (not a safetensors file?)");

  // Parse with a callback that records top-level keys, to reject duplicates
  // (nlohmann keeps the last one silently).
  std::set<std::string> seen;
  std::string duplicate;
  nlohmann::json::parser_callback_t cb = [&](int depth, nlohmann::json::parse_event_t ev, nlohmann::json& parsed) {
    if (ev == nlohmann::json::parse_event_t::key && depth == 1 && parsed.is_string()) {
      if (!seen.insert(parsed.get<std::string>()).second && duplicate.empty()) duplicate = parsed.get<std::string>();
    }
    return true;
  };
  const char* text = reinterpret_cast<const char*>(bytes + 8);
  nlohmann::json j = nlohmann::json::parse(text, text + n, cb, /*allow_exceptions=*/false);
  if (j.is_discarded()) throw Error(what + ": header is not valid JSON (corrupt or truncated file)");
  if (!j.is_object()) throw Error(what + ": header must be a JSON object");
  if (!duplicate.empty()) throw Error(what + ": tensor '" + duplicate + "' appears twice in the header");

  Header h;
  h.data_start = 8 + n;
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (it.key() == "__metadata__") {
      if (!it->is_object()) throw Error(what + ": __metadata__ must map strings to strings");
      for (auto m = it->begin(); m != it->end(); ++m) {
        if (!m->is_string()) throw Error(what + ": __metadata__ value of '" + m.key() + "' must be a string");
        h.metadata[m.key()] = m->get<std::string>();
      }
      continue;
    }
    h.tensors.push_back(parse_entry(it.key(), *it, what));
  }
  std::sort(h.tensors.begin(), h.tensors.end(), [](const TensorInfo& a, const TensorInfo& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
  });
  uint64_t pos = 0;
  const TensorInfo* prev = nullptr;
  for (const auto& t : h.tensors) {
    if (t.begin < pos)
      throw Error(what + ": tensors '" + prev->name + "' [" + str(prev->begin) + ", " + str(prev->end) + ") and '" +
                  t.name + "' [" + str(t.begin) + ", " + str(t.end) + ") overlap");
    if (t.begin > pos)
      throw Error(what + ": " + str(t.begin - pos) + " unused bytes before tensor '" + t.name + "' at offset " +
                  str(pos) + "; offsets must tile the data buffer");
    pos = t.end;
    prev = &t;
  }
  const uint64_t buffer = size - h.data_start;
  if (pos != buffer)
    throw Error(what + ": tensors end at data offset " + str(pos) + " but the file holds " + str(buffer) +
                " data bytes (" + (pos > buffer ? "truncated file" : "trailing bytes") + ")");
  return h;
}

File::File(const std::string& path) : path_(path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error(path + ": cannot open: " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw Error(path + ": not a regular file");
  }
  size_ = static_cast<size_t>(st.st_size);
  if (size_ < 8) {
    ::close(fd);
    parse_header(nullptr, size_, path);  // throws the "truncated" error
  }
  void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (p == MAP_FAILED) throw Error(path + ": cannot memory-map: " + std::strerror(errno));
  base_ = static_cast<const uint8_t*>(p);
  try {
    header_ = parse_header(base_, size_, path);
  } catch (...) {
    ::munmap(const_cast<uint8_t*>(base_), size_);
    throw;
  }
  for (size_t i = 0; i < header_.tensors.size(); ++i) index_[header_.tensors[i].name] = i;
}

File::~File() {
  if (base_ != nullptr) ::munmap(const_cast<uint8_t*>(base_), size_);
}

const TensorInfo* File::find(const std::string& name) const {
  auto it = index_.find(name);
  return it == index_.end() ? nullptr : &header_.tensors[it->second];
}

void write_file(const std::string& path, std::vector<WriteTensor> tensors,
                const std::map<std::string, std::string>& metadata) {
  std::stable_sort(tensors.begin(), tensors.end(), [](const WriteTensor& a, const WriteTensor& b) {
    int ba = dtype_bits(a.dtype), bb = dtype_bits(b.dtype);
    return ba != bb ? ba > bb : a.name < b.name;
  });
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!metadata.empty()) {
    nlohmann::ordered_json m = nlohmann::ordered_json::object();
    for (const auto& [k, v] : metadata) m[k] = v;
    header["__metadata__"] = m;
  }
  std::vector<uint64_t> sizes;
  uint64_t offset = 0;
  std::set<std::string> names;
  for (const auto& t : tensors) {
    const int bits = dtype_bits(t.dtype);
    if (bits == 0) throw Error(path + ": cannot write tensor '" + t.name + "': unknown dtype '" + t.dtype + "'");
    if (!names.insert(t.name).second) throw Error(path + ": tensor '" + t.name + "' given twice");
    uint64_t numel = 1;
    for (int64_t d : t.shape) {
      if (d < 0) throw Error(path + ": tensor '" + t.name + "' has a negative dimension");
      numel *= static_cast<uint64_t>(d);
    }
    const uint64_t bytes = numel * static_cast<uint64_t>(bits) / 8;
    header[t.name] = {{"dtype", t.dtype}, {"shape", t.shape}, {"data_offsets", {offset, offset + bytes}}};
    sizes.push_back(bytes);
    offset += bytes;
  }
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');
  const std::string tmp = path + ".tmp";
  FILE* f = std::fopen(tmp.c_str(), "wb");
  if (f == nullptr) throw Error(tmp + ": cannot create: " + std::strerror(errno));
  uint8_t len[8];
  for (int i = 0; i < 8; ++i) len[i] = static_cast<uint8_t>(static_cast<uint64_t>(text.size()) >> (8 * i));
  bool ok = std::fwrite(len, 1, 8, f) == 8 && std::fwrite(text.data(), 1, text.size(), f) == text.size();
  for (size_t i = 0; ok && i < tensors.size(); ++i)
    ok = sizes[i] == 0 || std::fwrite(tensors[i].data, 1, sizes[i], f) == sizes[i];
  ok = (std::fclose(f) == 0) && ok;
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw Error(path + ": write failed: " + std::strerror(errno) + " (disk full or folder not writable?)");
  }
}

}  // namespace safetensors
