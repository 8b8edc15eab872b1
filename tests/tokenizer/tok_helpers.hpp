// tok_helpers.hpp - shared set-up for the tokenizer tests: the plugin
// registry, component specs, scratch folders and the bundled vocabularies.
#pragma once

#include "../common/temp_dir.hpp"

#include "plugins/components.hpp"
#include "plugins/registry.hpp"

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

namespace tok_test {

inline ftl::Registry& registry() {
  static ftl::Registry reg = [] {
    ftl::Registry r;
    r.load_dirs({TOK_PLUGIN_DIR});
    return r;
  }();
  return reg;
}

inline ftl::ComponentSpec spec(const std::string& toml) {
  ftl::ComponentSpec s;
  s.toml = toml;
  s.where = "test";
  return s;
}

inline ftl::Tokenizer open(const char* plugin, const std::string& dir, const std::string& extra = "") {
  return ftl::Tokenizer(registry().find(FTL_KIND_TOKENIZER, plugin), spec("path = \"" + dir + "\"\n" + extra));
}

using TempDir = ftl_test::TempDir;  // tests/common/temp_dir.hpp

inline std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace tok_test
