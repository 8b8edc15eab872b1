// helpers.hpp - plugin registry, component specs and scratch folders for the
// TweetEval unit tests (plugins are loaded from the build's plugin folder).
#pragma once

#include "plugins/components.hpp"

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

namespace tt {

inline ftl::Registry& registry() {
  static ftl::Registry reg = [] {
    ftl::Registry r;
    r.load_dirs({FTLAB_PLUGIN_DIR});
    return r;
  }();
  return reg;
}

inline ftl::ComponentSpec spec(const std::string& toml, const std::string& base = "") {
  ftl::ComponentSpec s;
  s.toml = toml;
  s.base_dir = base;
  s.where = "test";
  return s;
}

// A fresh folder under the system temp dir, removed at scope exit.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::random_device rd;
    path = std::filesystem::temp_directory_path() / ("ftlab-tt-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::string file(const std::string& rel, const std::string& content) const {
    auto p = path / rel;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
    return p.string();
  }
  std::string str() const { return path.string(); }
};

// The shared TweetEval copy next to the checkout (CI: ../shared), or "".
inline std::string shared_tweeteval() {
  const std::string p = std::string(FTLAB_SOURCE_DIR) + "/../shared/data/tweeteval/datasets";
  return std::filesystem::is_directory(p) ? p : "";
}

}  // namespace tt
