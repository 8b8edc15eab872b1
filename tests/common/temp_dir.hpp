// temp_dir.hpp - a scratch folder for tests: created fresh under the system
// temp dir, removed with everything in it at scope exit. Shared by the unit,
// tokenizer and TweetEval tests.
#pragma once

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

namespace ftl_test {

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::random_device rd;
    path = std::filesystem::temp_directory_path() / ("ftlab-test-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  // Writes `content` to path/rel (creating folders) and returns the file's path.
  std::string file(const std::string& rel, const std::string& content) const {
    auto p = path / rel;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
    return p.string();
  }
  std::string str() const { return path.string(); }
};

}  // namespace ftl_test
