// cmd_validate.cpp - `ftlab validate EXP.toml`: load plugins and create every
// component (which checks every key and file) without training.
#include "cli/command.hpp"
#include "cli/options.hpp"
#include "train/run.hpp"

#include <cstdio>

namespace ftl::cli {

namespace {

const char* k_usage = "validate EXP.toml [--set KEY=VALUE]... [--plugin-path DIR]...";

int cmd_validate(int argc, char** argv) {
  po::options_description desc("ftlab validate");
  add_experiment_options(desc);
  Parsed p = parse(argc, argv, desc, {"experiment"}, k_usage);
  if (p.help) return 0;
  Experiment e = load_from(p.vm, k_usage);
  RunOptions opt;
  opt.plugin_dirs = get_or(p.vm, "plugin-path", std::vector<std::string>{});
  validate_experiment(e, opt);
  std::printf("%s: ok\n", e.path.c_str());
  return 0;
}

}  // namespace

FTL_COMMAND(validate, "validate", k_usage, "check an experiment without training", cmd_validate);

}  // namespace ftl::cli
