// cmd_plugin_check.cpp - `ftlab plugin-check LIBRARY`: the plugin author's
// first test. Runs the ABI conformance checks of plugincheck/ on one library
// and exits 0 when none failed (1 otherwise, 2 for a bad command line).
#include "cli/command.hpp"
#include "cli/options.hpp"
#include "plugincheck/plugincheck.hpp"
#include "train/global_rng.hpp"

#include <cstdio>

namespace ftl::cli {

namespace {

const char* k_usage =
    "plugin-check LIBRARY [--config NAME=TOML|NAME=@FILE]... [--config-file FILE.toml] [--no-fork] [--timeout S] "
    "[--strict]";

int cmd_plugin_check(int argc, char** argv) {
  po::options_description desc("ftlab plugin-check");
  desc.add_options()("library", po::value<std::string>(), "the plugin library (libftlab_<name>.so)")(
      "config", po::value<std::vector<std::string>>()->composing(),
      "a working config for factory NAME (or KIND:NAME): TOML text, or @FILE.toml; repeatable. Without it, "
      "instances get only the keys the host injects (num_labels, vocab_size, pad_token_id)")(
      "config-file", po::value<std::vector<std::string>>()->composing(),
      "a TOML file of working configs, one table per factory: [NAME] or [\"KIND:NAME\"]")(
      "no-fork", "run the checks in this process (for gdb or sanitizers; a crash then ends plugin-check)")(
      "timeout", po::value<int>()->default_value(120), "seconds each group of checks may take")("strict",
                                                                                                "fail on warnings too");
  Parsed p = parse(argc, argv, desc, {"library"}, k_usage);
  if (p.help) return 0;
  if (!p.vm.count("library")) {
    std::fprintf(stderr, "ftlab: error: plugin-check needs a LIBRARY; usage: ftlab %s\n", k_usage);
    return 2;
  }
  plugincheck::Options opt;
  opt.library = p.vm["library"].as<std::string>();
  for (const auto& c : get_or(p.vm, "config", std::vector<std::string>{}))
    opt.configs.push_back(plugincheck::parse_config_arg(c));
  for (const auto& f : get_or(p.vm, "config-file", std::vector<std::string>{}))
    for (auto& c : plugincheck::read_config_file(f)) opt.configs.push_back(c);
  opt.isolate = p.vm.count("no-fork") == 0;
  opt.timeout_s = p.vm["timeout"].as<int>();
  opt.strict = p.vm.count("strict") != 0;
  opt.global_rng = &global_rng_state;  // LibTorch's, which the plugin shares
  if (opt.timeout_s < 1) {
    std::fprintf(stderr, "ftlab: error: --timeout must be at least 1 second\n");
    return 2;
  }
  return plugincheck::run_plugin_check(opt, stdout);
}

}  // namespace

FTL_COMMAND(plugin_check, "plugin-check", k_usage, "check a plugin library against the ABI contract", cmd_plugin_check);

}  // namespace ftl::cli
