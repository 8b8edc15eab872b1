// plugincheck.hpp - `ftlab plugin-check LIBRARY`: exercises every factory a
// plugin library declares against the ABI contract (sdk/include/ftlab/plugin.h)
// and prints one line per check. Each group of checks runs in a forked child
// (sandbox.hpp), so crashes, hangs and escaping exceptions are reported as
// failures. Configs for working instances come from --config; the keys the
// host injects (num_labels, vocab_size, pad_token_id) are added when missing.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

namespace ftl::plugincheck {

struct UserConfig {
  std::string selector;  // "name" or "kind:name"
  std::string toml;
  std::string base_dir;    // relative paths in toml resolve here
  bool from_file = false;  // from --config-file: not meant for every library
};

struct Options {
  std::string library;
  std::vector<UserConfig> configs;
  bool isolate = true;  // fork a child per group
  int timeout_s = 120;  // per group
  bool strict = false;  // warnings fail too
  // Returns LibTorch's global generator state (the host's LibTorch side sets
  // it): create and step must leave it alone (ABI rule 6). nullptr: unchecked.
  std::string (*global_rng)() = nullptr;
};

// "NAME=TOML" or "NAME=@FILE.toml" (base_dir: the file's folder, else cwd).
UserConfig parse_config_arg(const std::string& arg);
// A TOML file whose tables are working configs: [NAME] or ["KIND:NAME"];
// relative paths inside resolve against the file's folder.
std::vector<UserConfig> read_config_file(const std::string& path);

// Runs every check, prints to out; returns 0 if none failed, 1 otherwise.
int run_plugin_check(const Options& opt, std::FILE* out);

}  // namespace ftl::plugincheck
