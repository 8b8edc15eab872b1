// commands.cpp - option parsing and output of the run, validate and plugins
// subcommands.
#include "cli/commands.hpp"

#include "plugins/registry.hpp"
#include "train/run.hpp"
#include "util/error.hpp"

#include <boost/program_options.hpp>

#include <cstdio>
#include <iostream>

namespace po = boost::program_options;

namespace ftl::cli {

namespace {

struct Parsed {
  po::variables_map vm;
  bool help = false;
};

// Parses argv with `desc` and an optional positional experiment file.
Parsed parse(int argc, char** argv, po::options_description& desc, bool positional, const char* usage) {
  desc.add_options()("help,h", "show this help");
  po::positional_options_description pos;
  if (positional) pos.add("experiment", 1);
  Parsed p;
  try {
    po::store(po::command_line_parser(argc, argv).options(desc).positional(pos).run(), p.vm);
    po::notify(p.vm);
  } catch (const po::error& e) {
    throw Error(std::string(e.what()) + "; usage: " + usage);
  }
  if (p.vm.count("help")) {
    std::cout << "usage: " << usage << "\n\n" << desc << "\n";
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

template <typename T>
T get_or(const po::variables_map& vm, const char* key, T fallback) {
  return vm.count(key) ? vm[key].as<T>() : fallback;
}

Experiment load_from(const po::variables_map& vm, const char* usage) {
  if (!vm.count("experiment")) throw Error(std::string("missing the experiment file; usage: ") + usage);
  return load_experiment(vm["experiment"].as<std::string>(), get_or(vm, "set", std::vector<std::string>{}));
}

}  // namespace

int cmd_run(int argc, char** argv) {
  const char* usage = "ftlab run EXP.toml [--set KEY=VALUE]... [--output FILE.h5] [--plugin-path DIR]...";
  po::options_description desc("ftlab run");
  add_experiment_options(desc);
  desc.add_options()("output,o", po::value<std::string>(), "results file (default: <output_dir>/<name>-<time>.h5)");
  Parsed p = parse(argc, argv, desc, true, usage);
  if (p.help) return 0;
  Experiment e = load_from(p.vm, usage);
  RunOptions opt;
  opt.output = get_or(p.vm, "output", std::string());
  opt.plugin_dirs = get_or(p.vm, "plugin-path", std::vector<std::string>{});
  const std::string path = run_experiment(e, opt);
  std::printf("results: %s\n", path.c_str());
  return 0;
}

int cmd_validate(int argc, char** argv) {
  const char* usage = "ftlab validate EXP.toml [--set KEY=VALUE]... [--plugin-path DIR]...";
  po::options_description desc("ftlab validate");
  add_experiment_options(desc);
  Parsed p = parse(argc, argv, desc, true, usage);
  if (p.help) return 0;
  Experiment e = load_from(p.vm, usage);
  RunOptions opt;
  opt.plugin_dirs = get_or(p.vm, "plugin-path", std::vector<std::string>{});
  validate_experiment(e, opt);
  std::printf("%s: ok\n", e.path.c_str());
  return 0;
}

int cmd_plugins(int argc, char** argv) {
  const char* usage = "ftlab plugins [--plugin-path DIR]...";
  po::options_description desc("ftlab plugins");
  desc.add_options()("plugin-path", po::value<std::vector<std::string>>()->composing(),
                     "extra plugin folder (repeatable)");
  Parsed p = parse(argc, argv, desc, false, usage);
  if (p.help) return 0;
  Registry reg;
  reg.load_dirs(Registry::search_path(get_or(p.vm, "plugin-path", std::vector<std::string>{})));
  std::printf("%-10s %-16s %-8s %s\n", "KIND", "NAME", "VERSION", "SUMMARY / LIBRARY");
  for (const auto& f : reg.factories()) {
    std::printf("%-10s %-16s %-8s %s\n", kind_name(f.factory->kind), f.factory->name, f.factory->version,
                f.factory->summary ? f.factory->summary : "");
    std::printf("%-10s %-16s %-8s %s\n", "", "", "", f.library_path.c_str());
  }
  for (const auto& fl : reg.failures()) std::fprintf(stderr, "ftlab: warning: %s\n", fl.message.c_str());
  if (reg.factories().empty()) {
    std::fprintf(stderr, "ftlab: error: no plugins found; searched:");
    for (const auto& d : reg.searched()) std::fprintf(stderr, " %s", d.c_str());
    std::fprintf(stderr, "\n");
    return 1;
  }
  return reg.failures().empty() ? 0 : 1;
}

}  // namespace ftl::cli
