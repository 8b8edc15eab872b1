// options.hpp - Boost.Program_options helpers shared by the subcommands.
#pragma once

#include "config/experiment.hpp"

#include <boost/program_options.hpp>

#include <string>
#include <vector>

namespace ftl::cli {

namespace po = boost::program_options;

struct Parsed {
  po::variables_map vm;
  bool help = false;  // --help was printed; the command should return 0
};

// Parses argv with desc (adds --help); `positional` names the options that
// take positional arguments, in order (the last may repeat when `repeat_last`).
Parsed parse(int argc, char** argv, po::options_description& desc, const std::vector<std::string>& positional,
             const char* usage, bool repeat_last = false);

// --set and --plugin-path, and the positional experiment file.
void add_experiment_options(po::options_description& desc);

// For commands that poll host_api()->should_stop (run, sweep, suite): the first
// SIGINT or SIGTERM asks them to stop cleanly (checkpoint, exit 1); a second
// one ends the process at once (e.g. when it is blocked reading a FIFO).
void signals_cooperative();
Experiment load_from(const po::variables_map& vm, const char* usage);

template <typename T>
T get_or(const po::variables_map& vm, const char* key, T fallback) {
  return vm.count(key) ? vm[key].as<T>() : fallback;
}

}  // namespace ftl::cli
