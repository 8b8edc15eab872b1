// helpers.hpp - plugin registry, component specs and scratch folders for the
// TweetEval unit tests (plugins are loaded from the build's plugin folder).
#pragma once

#include "../common/temp_dir.hpp"

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

using TempDir = ftl_test::TempDir;  // tests/common/temp_dir.hpp

// The shared TweetEval copy next to the checkout (CI: ../shared), or "".
inline std::string shared_tweeteval() {
  const std::string p = std::string(FTLAB_SOURCE_DIR) + "/../shared/data/tweeteval/datasets";
  return std::filesystem::is_directory(p) ? p : "";
}

}  // namespace tt
