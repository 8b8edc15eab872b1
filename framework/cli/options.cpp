// options.cpp - see options.hpp.
#include "cli/options.hpp"
#include "plugins/registry.hpp"

#include <unistd.h>

#include <csignal>

#include "util/error.hpp"

#include <iostream>

namespace ftl::cli {

Parsed parse(int argc, char** argv, po::options_description& desc, const std::vector<std::string>& positional,
             const char* usage, bool repeat_last) {
  desc.add_options()("help,h", "show this help");
  po::positional_options_description pos;
  for (size_t i = 0; i < positional.size(); ++i)
    pos.add(positional[i].c_str(), repeat_last && i + 1 == positional.size() ? -1 : 1);
  Parsed p;
  try {
    po::store(po::command_line_parser(argc, argv).options(desc).positional(pos).run(), p.vm);
    po::notify(p.vm);
  } catch (const po::error& e) {
    throw Error(std::string(e.what()) + "; usage: ftlab " + usage);
  }
  if (p.vm.count("help")) {
    std::cout << "usage: ftlab " << usage << "\n\n" << desc << "\n";
    p.help = true;
  }
  return p;
}

void add_experiment_options(po::options_description& desc) {
  desc.add_options()("experiment", po::value<std::string>(), "experiment TOML file")(
      "set", po::value<std::vector<std::string>>()->composing(),
      "override a key, e.g. --set train.epochs=1 (repeatable)")(
      "plugin-path", po::value<std::vector<std::string>>()->composing(), "extra plugin folder (repeatable)");
}

Experiment load_from(const po::variables_map& vm, const char* usage) {
  if (!vm.count("experiment")) throw Error(std::string("missing the experiment file; usage: ftlab ") + usage);
  return load_experiment(vm["experiment"].as<std::string>(), get_or(vm, "set", std::vector<std::string>{}));
}

namespace {

void on_stop_signal(int sig) {
  static volatile std::sig_atomic_t seen = 0;
  if (seen) {
    std::signal(sig, SIG_DFL);
    std::raise(sig);
    return;
  }
  seen = 1;
  request_stop();
  const char msg[] = "ftlab: stopping at the next safe point (a second signal ends it at once)\n";
  (void)!write(STDERR_FILENO, msg, sizeof msg - 1);
}

}  // namespace

void signals_cooperative() {
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
}

}  // namespace ftl::cli
