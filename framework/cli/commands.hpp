// commands.hpp - one function per `ftlab` subcommand; each parses its own
// options with Boost.Program_options and returns the process exit code.
#pragma once

namespace ftl::cli {

int cmd_run(int argc, char** argv);       // ftlab run EXP.toml [--set k=v]... [--output F]
int cmd_validate(int argc, char** argv);  // ftlab validate EXP.toml [--set k=v]...
int cmd_plugins(int argc, char** argv);   // ftlab plugins [--plugin-path DIR]...

}  // namespace ftl::cli
