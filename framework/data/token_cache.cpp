// token_cache.cpp - keys (XXH3-128 over the tokenizer's identity and the
// split's texts) and the cache file format (see token_cache.hpp):
//   bytes 0-7   magic "FTLTOKS\0"
//   8-11        u32 format version      12-15  u32 header size (64)
//   16-31       the 128-bit key         32-39  u64 examples n
//   40-47       u64 ids in total        48-55  u64 XXH3-64 of the body
//   56-63       zero
//   body        i64 labels[n], u32 lengths[n], i32 ids[total]
#include "data/token_cache.hpp"

#include "util/error.hpp"

#include <toml++/toml.h>
#include <xxhash.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace ftl {

namespace {

constexpr char k_magic[8] = {'F', 'T', 'L', 'T', 'O', 'K', 'S', '\0'};
constexpr uint32_t k_version = 1;
constexpr uint32_t k_header_size = 64;
// Tokenizer::encode(text) uses these flags; a change of them must change keys.
constexpr uint32_t k_encode_flags = FTL_ENCODE_ADD_SPECIAL | FTL_ENCODE_TRUNCATE;

// Model weights sitting next to tokenizer files (a hub checkpoint folder) do
// not change ids; hashing hundreds of MB would cost more than tokenizing.
const char* const k_weight_extensions[] = {".safetensors", ".bin",  ".pt",      ".pth", ".ckpt",
                                           ".h5",          ".onnx", ".msgpack", ".gguf"};

const char* split_label(int32_t split) {
  switch (split) {
    case FTL_SPLIT_TRAIN:
      return "train";
    case FTL_SPLIT_VALIDATION:
      return "validation";
    case FTL_SPLIT_TEST:
      return "test";
    default:
      return "split";
  }
}

class Hasher {
 public:
  Hasher() : s_(XXH3_createState()) {
    if (s_ == nullptr) throw Error("token cache: out of memory");
    XXH3_128bits_reset(s_);
  }
  ~Hasher() { XXH3_freeState(s_); }
  Hasher(const Hasher&) = delete;
  Hasher& operator=(const Hasher&) = delete;

  void bytes(const void* p, size_t n) { XXH3_128bits_update(s_, p, n); }
  void u64(uint64_t v) { bytes(&v, sizeof v); }
  // Length-prefixed, so that ("ab","c") and ("a","bc") differ.
  void str(std::string_view s) {
    u64(s.size());
    bytes(s.data(), s.size());
  }
  // A file's contents, streamed; false when it cannot be read.
  bool file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    std::vector<char> buf(1 << 20);
    uint64_t total = 0;
    while (in) {
      in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
      const auto got = static_cast<size_t>(in.gcount());
      bytes(buf.data(), got);
      total += got;
    }
    u64(total);
    return true;
  }
  XXH128_hash_t digest() const { return XXH3_128bits_digest(s_); }
  std::string hex() const {
    XXH128_canonical_t c;
    XXH128_canonicalFromHash(&c, digest());
    static const char* d = "0123456789abcdef";
    std::string out;
    for (unsigned char b : c.digest) out += d[b >> 4], out += d[b & 15];
    return out;
  }

 private:
  XXH3_state_t* s_;
};

bool is_weight_file(const fs::path& p) {
  const std::string ext = p.extension().string();
  return std::any_of(std::begin(k_weight_extensions), std::end(k_weight_extensions),
                     [&](const char* w) { return ext == w; });
}

// Every string value of the table that names an existing file or folder: its contents.
void hash_named_files(const toml::node& node, const std::string& base_dir, Hasher& h) {
  if (const auto* t = node.as_table()) {
    for (const auto& [k, v] : *t) hash_named_files(v, base_dir, h);
  } else if (const auto* a = node.as_array()) {
    for (const auto& v : *a) hash_named_files(v, base_dir, h);
  } else if (auto s = node.value_exact<std::string>()) {
    if (s->empty()) return;
    fs::path p(*s);
    if (p.is_relative() && !base_dir.empty()) p = fs::path(base_dir) / p;
    std::error_code ec;
    if (fs::is_regular_file(p, ec)) {
      h.str("file");
      h.str(*s);
      h.file(p.string());
    } else if (fs::is_directory(p, ec)) {
      std::vector<fs::path> files;
      for (const auto& entry : fs::directory_iterator(p, ec))
        if (entry.is_regular_file(ec) && !is_weight_file(entry.path())) files.push_back(entry.path());
      std::sort(files.begin(), files.end());
      h.str("folder");
      h.str(*s);
      for (const auto& f : files) {
        h.str(f.filename().string());
        h.file(f.string());
      }
    }
  }
}

std::string home_cache() {
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x != nullptr && *x == '/') return std::string(x) + "/ftlab/tokens";
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0')
    return std::string(home) + "/.cache/ftlab/tokens";
  return (fs::temp_directory_path() / "ftlab-tokens").string();
}

// The 16 raw bytes of a 32-hex-digit key (as stored in the header).
std::string key_bytes(const std::string& key) {
  if (key.size() != 32 || key.find_first_not_of("0123456789abcdef") != std::string::npos)
    throw Error("token cache: '" + key + "' is not a 32-hex-digit key");
  std::string raw(16, '\0');
  for (size_t i = 0; i < 16; ++i) raw[i] = static_cast<char>(std::stoi(key.substr(2 * i, 2), nullptr, 16));
  return raw;
}

template <typename T>
void put(std::string& out, const T& v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

template <typename T>
T get(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// Holds flock(LOCK_EX) on <path>.lock while alive; a no-op where locks fail.
class KeyLock {
 public:
  explicit KeyLock(const std::string& path) {
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) return;
    if (::flock(fd_, LOCK_EX | LOCK_NB) == 0) return;
    if (errno == EWOULDBLOCK) {
      std::fprintf(stderr, "token cache: another run is tokenizing the same split; waiting for it\n");
      if (::flock(fd_, LOCK_EX) == 0) return;
    }
    ::close(fd_);
    fd_ = -1;
  }
  ~KeyLock() {
    if (fd_ >= 0) ::close(fd_);  // releases the lock
  }
  KeyLock(const KeyLock&) = delete;
  KeyLock& operator=(const KeyLock&) = delete;

 private:
  int fd_ = -1;
};

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

std::string token_cache_dir() {
  if (const char* d = std::getenv("FTLAB_CACHE_DIR"); d != nullptr && *d != '\0')
    return std::string(d) == "off" ? std::string() : std::string(d);
  return home_cache();
}

TokenCache token_cache_open(const Tokenizer& tok, const std::string& table_toml, const std::string& base_dir,
                            const std::string& dir) {
  TokenCache c;
  if (dir.empty()) {
    std::fprintf(stderr, "token cache off (FTLAB_CACHE_DIR=off): every split is tokenized\n");
    return c;
  }
  Hasher h;
  h.str("ftlab token cache");
  h.u64(k_version);
  h.u64(k_encode_flags);
  const FactoryRef& f = tok.factory();
  h.str(f.factory->name);
  h.str(f.factory->version);
  if (!h.file(f.library_path)) h.str(f.library_path);  // cannot read it: its path stands in
  h.str(table_toml);
  try {
    toml::table t = toml::parse(table_toml);
    hash_named_files(t, base_dir, h);
  } catch (const toml::parse_error&) {
    // The plugin accepted the text; if toml++ cannot re-read it, the text alone keys it.
  }
  c.dir = dir;
  c.tokenizer_hash = h.hex();
  std::fprintf(stderr, "token cache: %s (FTLAB_CACHE_DIR=off turns it off)\n", dir.c_str());
  return c;
}

std::string token_cache_key(const TokenCache& cache, const Dataset& data, int32_t split) {
  Hasher h;
  h.str(cache.tokenizer_hash);
  const int64_t n = data.size(split);
  h.u64(static_cast<uint64_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    Example ex = data.example(split, i);
    h.str(ex.text);
    h.u64(static_cast<uint64_t>(ex.label));
  }
  return h.hex();
}

bool token_cache_read(const std::string& path, const std::string& key, EncodedSplit& out, std::string* problem) {
  auto fail = [&](const std::string& why) {
    if (problem != nullptr) *problem = why;
    return false;
  };
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail("");
  std::string bytes;
  in.seekg(0, std::ios::end);
  bytes.resize(static_cast<size_t>(std::max<std::streamoff>(0, in.tellg())));
  in.seekg(0, std::ios::beg);
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  bytes.resize(static_cast<size_t>(in.gcount()));
  if (bytes.size() < k_header_size) return fail("shorter than its header (" + std::to_string(bytes.size()) + " bytes)");
  const char* p = bytes.data();
  if (std::memcmp(p, k_magic, sizeof k_magic) != 0) return fail("not a token cache file (bad magic)");
  if (get<uint32_t>(p + 8) != k_version)
    return fail("format version " + std::to_string(get<uint32_t>(p + 8)) + ", expected " + std::to_string(k_version));
  if (get<uint32_t>(p + 12) != k_header_size) return fail("bad header size");
  if (bytes.compare(16, 16, key_bytes(key)) != 0) return fail("written for another key");
  const uint64_t n = get<uint64_t>(p + 32), total = get<uint64_t>(p + 40), sum = get<uint64_t>(p + 48);
  const uint64_t body = bytes.size() - k_header_size;
  if (n > body / 12 || total > body / 4 || n * 12 + total * 4 != body)
    return fail("size " + std::to_string(bytes.size()) + " bytes does not match its " + std::to_string(n) +
                " examples and " + std::to_string(total) + " ids (truncated?)");
  if (XXH3_64bits(p + k_header_size, body) != sum) return fail("checksum mismatch");
  const char* labels = p + k_header_size;
  const char* lengths = labels + n * 8;
  const char* ids = lengths + n * 4;
  EncodedSplit s;
  s.ids.resize(n);
  s.labels.resize(n);
  uint64_t at = 0;
  for (uint64_t i = 0; i < n; ++i) {
    s.labels[i] = get<int64_t>(labels + i * 8);
    const uint64_t len = get<uint32_t>(lengths + i * 4);
    if (len > total - at) return fail("lengths exceed the ids stored");
    s.ids[i].resize(len);
    std::memcpy(s.ids[i].data(), ids + at * 4, len * 4);
    at += len;
  }
  if (at != total) return fail("lengths do not add up to the ids stored");
  s.total_tokens = static_cast<int64_t>(total);
  out = std::move(s);
  return true;
}

void token_cache_write(const std::string& path, const std::string& key, const EncodedSplit& split) {
  std::string body;
  uint64_t total = 0;
  for (const auto& v : split.ids) total += v.size();
  body.reserve(split.size() * 12 + total * 4);
  for (int64_t l : split.labels) put(body, l);
  for (const auto& v : split.ids) {
    if (v.size() > UINT32_MAX) throw Error("token cache: an example has more than 2^32 ids");
    put(body, static_cast<uint32_t>(v.size()));
  }
  for (const auto& v : split.ids) body.append(reinterpret_cast<const char*>(v.data()), v.size() * 4);
  std::string head(k_magic, sizeof k_magic);
  put(head, k_version);
  put(head, k_header_size);
  head += key_bytes(key);
  put(head, static_cast<uint64_t>(split.size()));
  put(head, total);
  put(head, static_cast<uint64_t>(XXH3_64bits(body.data(), body.size())));
  put(head, uint64_t{0});

  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  std::random_device rd;
  const std::string tmp = path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(rd());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(head.data(), static_cast<std::streamsize>(head.size()));
    out.write(body.data(), static_cast<std::streamsize>(body.size()));
    out.close();
    if (!out) {
      fs::remove(tmp, ec);
      throw Error(tmp + ": cannot write (disk full or folder not writable?)");
    }
  }
  fs::rename(tmp, path, ec);
  if (ec) {
    fs::remove(tmp, ec);
    throw Error(path + ": cannot rename the new cache file into place");
  }
}

EncodedSplit token_cache_encode(const TokenCache& cache, const Tokenizer& tok, const Dataset& data, int32_t split,
                                int threads, TokenCacheOutcome* outcome) {
  const char* name = split_label(split);
  auto set = [&](TokenCacheOutcome o) {
    if (outcome != nullptr) *outcome = o;
  };
  if (cache.dir.empty() || data.size(split) == 0) {
    set(TokenCacheOutcome::off);
    return encode_split(tok, data, split, threads);
  }
  const std::string key = token_cache_key(cache, data, split);
  const std::string path = cache.dir + "/" + key + ".ftltok";
  std::error_code ec;
  fs::create_directories(cache.dir, ec);
  EncodedSplit s;
  std::string problem;
  auto hit = [&]() {
    std::fprintf(stderr, "token cache hit: %s (%zu examples) from %s\n", name, s.size(), path.c_str());
    set(TokenCacheOutcome::hit);
    return std::move(s);
  };
  // Files only appear whole (rename), so reading needs no lock; a miss takes
  // the key's lock and looks again: another run may have just written it.
  if (token_cache_read(path, key, s, &problem)) return hit();
  KeyLock lock(path + ".lock");
  if (token_cache_read(path, key, s, &problem)) return hit();
  if (!problem.empty())
    std::fprintf(stderr, "warning: token cache file %s is damaged (%s); rebuilding it\n", path.c_str(),
                 problem.c_str());
  const auto t0 = std::chrono::steady_clock::now();
  s = encode_split(tok, data, split, threads);
  const double took = seconds_since(t0);
  try {
    token_cache_write(path, key, s);
    std::fprintf(stderr, "token cache miss: %s (%zu examples) tokenized in %.2f s, saved to %s\n", name, s.size(), took,
                 path.c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "token cache miss: %s (%zu examples) tokenized in %.2f s; warning: not saved: %s\n", name,
                 s.size(), took, e.what());
  }
  set(problem.empty() ? TokenCacheOutcome::miss : TokenCacheOutcome::rebuilt);
  return s;
}

}  // namespace ftl
