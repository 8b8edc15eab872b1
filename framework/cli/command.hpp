// command.hpp - the registry of `ftlab` subcommands. Each cmd_<name>.cpp
// registers itself with FTL_COMMAND, so adding a command touches no other
// file but the CMake source list. A command parses its own options and
// returns the exit code (0 ok, 1 failure, 2 bad command line); it throws
// ftl::Error for one-line failures, which main() prints.
#pragma once

#include <string>
#include <vector>

namespace ftl::cli {

using CommandFn = int (*)(int argc, char** argv);  // argv[0] is the command name

struct Command {
  const char* name;
  const char* usage;    // "run EXP.toml [--set KEY=VALUE]..."
  const char* summary;  // one line for `ftlab --help`
  CommandFn fn;
};

std::vector<Command>& commands();

struct CommandRegistrar {
  explicit CommandRegistrar(Command c) { commands().push_back(c); }
};

}  // namespace ftl::cli

#define FTL_COMMAND(ID, NAME, USAGE, SUMMARY, FN) \
  static const ::ftl::cli::CommandRegistrar ftl_command_##ID({NAME, USAGE, SUMMARY, FN})
