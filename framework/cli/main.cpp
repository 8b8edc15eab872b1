// main.cpp - the `ftlab` entry point: dispatches to a subcommand, prints
// errors as one line ("ftlab: error: ...") and maps them to exit codes
// (0 ok, 1 failed run or bad input, 2 bad command line).
#include "cli/commands.hpp"
#include "plugins/registry.hpp"
#include "util/process.hpp"
#include "util/version.hpp"

#include <csignal>
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>

namespace {

const char* k_usage =
    "ftlab - fine-tune transformer text classifiers from TOML experiments\n"
    "\n"
    "usage: ftlab <command> [options]\n"
    "\n"
    "commands:\n"
    "  run EXP.toml [--set KEY=VALUE]... [--output FILE.h5]   fine-tune, evaluate, write results\n"
    "  validate EXP.toml [--set KEY=VALUE]...                 check an experiment without training\n"
    "  plugins [--plugin-path DIR]...                         list the plugins found\n"
    "\n"
    "options:\n"
    "  -h, --help      this help (also: ftlab <command> --help)\n"
    "  --version       print the version\n"
    "\n"
    "Plugins are searched in --plugin-path, $FTLAB_PLUGIN_PATH, the experiment's\n"
    "experiment.plugin_path, then next to the executable.\n";

void on_sigint(int) {
  ftl::request_stop();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fputs(k_usage, stderr);
    return 2;
  }
  const std::string cmd = argv[1];
  if (cmd == "-h" || cmd == "--help" || cmd == "help") {
    std::fputs(k_usage, stdout);
    return 0;
  }
  if (cmd == "--version") {
    std::printf("ftlab %s (plugin ABI %u.%u)\n", ftl::k_ftlab_version, FTL_ABI_MAJOR, FTL_ABI_MINOR);
    return 0;
  }
  std::signal(SIGINT, on_sigint);
  ftl::tune_process();
  try {
    if (cmd == "run") return ftl::cli::cmd_run(argc - 1, argv + 1);
    if (cmd == "validate") return ftl::cli::cmd_validate(argc - 1, argv + 1);
    if (cmd == "plugins") return ftl::cli::cmd_plugins(argc - 1, argv + 1);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ftlab: error: %s\n", e.what());
    return 1;
  }
  std::fprintf(stderr, "ftlab: error: unknown command '%s'; run `ftlab --help`\n", cmd.c_str());
  return 2;
}
