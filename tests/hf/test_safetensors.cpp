// test_safetensors.cpp - the safetensors reader/writer (plugins/common_hf):
// round trip of every written byte, Hugging Face's layout rules (8-byte
// padded header, metadata first, dtype-then-name order), and every bad input
// the format rules out, each a one-line error naming the file.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

#include "safetensors.hpp"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace {

std::string tmp_path(const std::string& name) {
  return std::string(FTLAB_TEST_TMP) + "/" + name;
}

std::string bytes_of(const std::string& header, const std::string& data) {
  std::string out(8, '\0');
  uint64_t n = header.size();
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>(n >> (8 * i));
  return out + header + data;
}

void write_raw(const std::string& path, const std::string& bytes) {
  std::ofstream f(path, std::ios::binary);
  f << bytes;
}

// The error File() throws for a file holding `bytes` (parse_header gives the same).
std::string error_for(const std::string& bytes) {
  const std::string path = tmp_path("bad.safetensors");
  write_raw(path, bytes);
  std::string msg_file, msg_parse;
  try {
    safetensors::File f(path);
  } catch (const safetensors::Error& e) {
    msg_file = e.what();
  }
  try {
    safetensors::parse_header(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), path);
  } catch (const safetensors::Error& e) {
    msg_parse = e.what();
  }
  REQUIRE(msg_file == msg_parse);
  REQUIRE(msg_file.find('\n') == std::string::npos);
  if (!msg_file.empty()) REQUIRE(msg_file.rfind(path, 0) == 0);
  return msg_file;
}

}  // namespace

TEST_CASE("safetensors round trip keeps every byte and Hugging Face's layout") {
  const std::string path = tmp_path("rt.safetensors");
  std::vector<float> a = {1.5f, -2.25f, 3.0f, 1e-30f, -0.0f, 7.0f};
  std::vector<int64_t> b = {-1, 0, 1LL << 40};
  std::vector<uint16_t> c = {0x3c00, 0xbc00};
  safetensors::write_file(path,
                          {{"z.weight", "F32", {2, 3}, a.data()},
                           {"a.half", "F16", {2}, c.data()},
                           {"ids", "I64", {3}, b.data()},
                           {"empty", "F32", {0, 4}, nullptr},
                           {"scalar", "F32", {}, a.data()}},
                          {{"format", "pt"}});
  safetensors::File f(path);
  REQUIRE(f.header().metadata.at("format") == "pt");
  REQUIRE(f.header().data_start % 8 == 0);
  const auto* za = f.find("z.weight");
  REQUIRE(za != nullptr);
  REQUIRE(za->shape == std::vector<int64_t>{2, 3});
  REQUIRE(std::memcmp(f.data(*za), a.data(), 24) == 0);
  REQUIRE(std::memcmp(f.data(*f.find("ids")), b.data(), 24) == 0);
  REQUIRE(std::memcmp(f.data(*f.find("a.half")), c.data(), 4) == 0);
  REQUIRE(f.find("empty")->end == f.find("empty")->begin);
  REQUIRE(f.find("scalar")->shape.empty());
  REQUIRE(f.find("missing") == nullptr);
  // 8-byte dtypes first, then 4-byte, then 2-byte; names sorted within a dtype size.
  std::vector<std::string> order;
  for (const auto& t : f.header().tensors) order.push_back(t.name);
  REQUIRE(order == std::vector<std::string>{"ids", "empty", "scalar", "z.weight", "a.half"});
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string raw = ss.str();
  REQUIRE(raw.compare(8, 15, "{\"__metadata__\"") == 0);  // metadata first
}

TEST_CASE("safetensors rejects bad files with one-line errors") {
  const std::string ok_header = R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
  const std::string data(8, '\1');
  REQUIRE(error_for(bytes_of(ok_header, data)).empty());
  SECTION("truncated") {
    REQUIRE_THAT(error_for("abc"), Catch::Contains("shorter than the 8-byte header length"));
    REQUIRE_THAT(error_for(bytes_of(ok_header, data).substr(0, 20)), Catch::Contains("goes beyond the file size"));
    REQUIRE_THAT(error_for(bytes_of(ok_header, data.substr(0, 5))), Catch::Contains("truncated file"));
  }
  SECTION("header length beyond the file or the format's limit") {
    std::string b = bytes_of(ok_header, data);
    b[5] = 1;  // N ~ 2^40
    REQUIRE_THAT(error_for(b), Catch::Contains("exceeds the format's limit"));
    b = bytes_of(ok_header, data);
    b[0] = static_cast<char>(ok_header.size() + 9);
    REQUIRE_THAT(error_for(b), Catch::Contains("goes beyond the file size"));
  }
  SECTION("overlapping offsets, gaps, trailing bytes") {
    const std::string two =
        R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})";
    REQUIRE_THAT(error_for(bytes_of(two, std::string(12, 'x'))), Catch::Contains("overlap"));
    const std::string gap = R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})";
    REQUIRE_THAT(error_for(bytes_of(gap, data)), Catch::Contains("unused bytes before tensor 'a'"));
    REQUIRE_THAT(error_for(bytes_of(ok_header, data + "xx")), Catch::Contains("trailing bytes"));
  }
  SECTION("unknown dtype, wrong sizes, bad entries") {
    const std::string bad = R"({"a":{"dtype":"F33","shape":[2],"data_offsets":[0,8]}})";
    REQUIRE_THAT(error_for(bytes_of(bad, data)), Catch::Contains("unknown dtype 'F33'"));
    const std::string size = R"({"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})";
    REQUIRE_THAT(error_for(bytes_of(size, data)), Catch::Contains("need 12"));
    const std::string neg = R"({"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})";
    REQUIRE_THAT(error_for(bytes_of(neg, data)), Catch::Contains("non-negative integer"));
    const std::string huge = R"({"a":{"dtype":"F32","shape":[4294967296,4294967296,16],"data_offsets":[0,8]}})";
    REQUIRE_THAT(error_for(bytes_of(huge, data)), Catch::Contains("too large"));
    const std::string rev = R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}})";
    REQUIRE_THAT(error_for(bytes_of(rev, data)), Catch::Contains("before begin"));
    const std::string missing = R"({"a":{"dtype":"F32","shape":[2]}})";
    REQUIRE_THAT(error_for(bytes_of(missing, data)), Catch::Contains("missing 'data_offsets'"));
  }
  SECTION("not JSON, not an object, duplicates, bad metadata") {
    REQUIRE_THAT(error_for(bytes_of("{\"a\":", data)), Catch::Contains("not valid JSON"));
    REQUIRE_THAT(error_for(bytes_of("[1,2]   ", "")), Catch::Contains("does not start with '{'"));
    const std::string dup =
        R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})";
    REQUIRE_THAT(error_for(bytes_of(dup, data)), Catch::Contains("appears twice"));
    const std::string meta = R"({"__metadata__":{"format":1},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
    REQUIRE_THAT(error_for(bytes_of(meta, data)), Catch::Contains("must be a string"));
    REQUIRE_THAT(error_for(bytes_of("{\"a\":\"\xff\"}", "")), Catch::Contains("not valid JSON"));
  }
  SECTION("padding with spaces is accepted") {
    REQUIRE(error_for(bytes_of(ok_header + "      ", data)).empty());
  }
}

TEST_CASE("safetensors File reports files it cannot open") {
  REQUIRE_THROWS_WITH(safetensors::File(tmp_path("does-not-exist")), Catch::Contains("cannot open"));
  REQUIRE_THROWS_WITH(safetensors::File(FTLAB_TEST_TMP), Catch::Contains("not a regular file"));
}
