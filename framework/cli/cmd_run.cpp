// cmd_run.cpp - `ftlab run EXP.toml`: fine-tune, evaluate, write the results file.
#include "cli/command.hpp"
#include "cli/options.hpp"
#include "train/run.hpp"
#include "util/error.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace ftl::cli {

namespace {

const char* k_usage =
    "run EXP.toml [--set KEY=VALUE]... [--output FILE.h5] [--resume RUN.h5 [--force]] [--plugin-path DIR]...";

int cmd_run(int argc, char** argv) {
  po::options_description desc("ftlab run");
  add_experiment_options(desc);
  desc.add_options()("output,o", po::value<std::string>(), "results file (default: <output_dir>/<name>-<time>.h5)")(
      "resume", po::value<std::string>(),
      "continue an interrupted run from its last checkpoint (its results path, .ckpt folder or a checkpoint file)")(
      "force", "resume even though the experiment differs from the checkpoint's")(
      "base-dir", po::value<std::string>(),
      "folder that relative paths in the experiment resolve against (default: the file's folder)");
  Parsed p = parse(argc, argv, desc, {"experiment"}, k_usage);
  if (p.help) return 0;
  signals_cooperative();
  Experiment e = load_from(p.vm, k_usage);
  if (p.vm.count("base-dir")) {
    std::ifstream in(e.path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    e = load_experiment_text(text.str(), std::filesystem::absolute(p.vm["base-dir"].as<std::string>()).string(), e.path,
                             e.overrides);
  }
  RunOptions opt;
  opt.output = get_or(p.vm, "output", std::string());
  if (p.vm.count("output") && opt.output.empty()) throw Error("--output: empty path; give a file name or leave it out");
  opt.plugin_dirs = get_or(p.vm, "plugin-path", std::vector<std::string>{});
  opt.resume = get_or(p.vm, "resume", std::string());
  opt.force = p.vm.count("force") > 0;
  const std::string path = run_experiment(e, opt);
  std::printf("results: %s\n", path.c_str());
  return 0;
}

}  // namespace

FTL_COMMAND(run, "run", k_usage, "fine-tune, evaluate, write one HDF5 results file", cmd_run);

}  // namespace ftl::cli
