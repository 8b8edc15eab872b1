// main.cpp - the `ftlab` entry point: dispatches to a registered subcommand
// (see command.hpp), prints errors as one line ("ftlab: error: ...") and maps
// them to exit codes (0 ok, 1 failed run or bad input, 2 bad command line).
#include "cli/command.hpp"
#include "plugins/registry.hpp"
#include "util/process.hpp"
#include "util/version.hpp"

#include <execinfo.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <exception>
#include <iostream>
#include <string>

namespace ftl::cli {
std::vector<Command>& commands() {
  static std::vector<Command> all;
  return all;
}
}  // namespace ftl::cli

namespace {

void print_usage(FILE* out) {
  auto cmds = ftl::cli::commands();
  std::sort(cmds.begin(), cmds.end(), [](const auto& a, const auto& b) { return std::string(a.name) < b.name; });
  std::fprintf(out,
               "ftlab - fine-tune transformer text classifiers from TOML experiments\n\n"
               "usage: ftlab <command> [options]   (ftlab <command> --help for its options)\n\ncommands:\n");
  for (const auto& c : cmds) std::fprintf(out, "  %-12s %s\n               ftlab %s\n", c.name, c.summary, c.usage);
  std::fprintf(out,
               "\noptions:\n  -h, --help   this help\n  --version    print the version\n\n"
               "Plugins are searched in --plugin-path, $FTLAB_PLUGIN_PATH, the experiment's\n"
               "experiment.plugin_path, then next to the executable.\n");
}

// A crash is a bug: say so in one line with the signal, dump the native stack
// (async-signal-safe calls only), then die with the signal's default action so
// the exit status still tells a shell or CTest what happened.
void on_fatal(int sig) {
  const char* what = sig == SIGSEGV  ? "segmentation fault"
                     : sig == SIGBUS ? "bus error"
                     : sig == SIGFPE ? "arithmetic error"
                     : sig == SIGILL ? "illegal instruction"
                                     : "abort";
  const char head[] = "ftlab: fatal: ";
  const char tail[] = " (a bug in ftlab or a plugin; please report it with this stack)\n";
  (void)!write(STDERR_FILENO, head, sizeof head - 1);
  (void)!write(STDERR_FILENO, what, std::char_traits<char>::length(what));
  (void)!write(STDERR_FILENO, tail, sizeof tail - 1);
  void* frames[64];
  backtrace_symbols_fd(frames, backtrace(frames, 64), STDERR_FILENO);
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

// 0 when everything written to standard output reached it; else one line and 1
// (a full disk or a closed pipe must not look like a complete table).
int stdout_flushed() {
  errno = 0;
  std::cout.flush();
  if (std::fflush(stdout) == 0 && !std::ferror(stdout) && std::cout.good()) return 0;
  std::fprintf(stderr, "ftlab: error: cannot write standard output (%s); the output is incomplete\n",
               errno != 0 ? std::strerror(errno) : "write failed");
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    print_usage(stderr);
    return 2;
  }
  const std::string cmd = argv[1];
  if (cmd == "-h" || cmd == "--help" || cmd == "help") {
    print_usage(stdout);
    return 0;
  }
  if (cmd == "--version") {
    std::printf("ftlab %s (plugin ABI %u.%u)\n", ftl::k_ftlab_version, FTL_ABI_MAJOR, FTL_ABI_MINOR);
    return 0;
  }
  for (const auto& c : ftl::cli::commands()) {
    if (cmd != c.name) continue;
    // SIGINT/SIGTERM keep their default action (the process ends; every output
    // is written under a temporary name and renamed when whole) unless the
    // command stops cooperatively (run, sweep, suite: cli/options.hpp).
    void* warm[1];
    (void)backtrace(warm, 1);  // loads libgcc's unwinder now, not inside the handler
    for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL}) std::signal(sig, on_fatal);
    ftl::tune_process();
    try {
      const int rc = c.fn(argc - 1, argv + 1);
      return rc != 0 ? rc : stdout_flushed();
    } catch (const std::bad_alloc&) {
      std::fprintf(stderr, "ftlab: error: out of memory; use smaller sizes (batch, model, max_length)\n");
      return 1;
    } catch (const std::exception& e) {
      // One line: LibTorch's errors (c10::Error, e.g. a failed allocation) append a C++ stack.
      const std::string what = e.what();
      std::string line = what.substr(0, what.find('\n'));
      if (line.size() > 2000) line = line.substr(0, 2000) + "... (message cut at 2000 bytes)";
      std::fprintf(stderr, "ftlab: error: %s\n", line.c_str());
      return 1;
    }
  }
  std::fprintf(stderr, "ftlab: error: unknown command '%s'; run `ftlab --help`\n", cmd.c_str());
  return 2;
}
