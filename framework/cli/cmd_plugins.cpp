// cmd_plugins.cpp - `ftlab plugins`: list every plugin found on the search
// path with its kind, name, version and library; report libraries that failed.
#include "cli/command.hpp"
#include "cli/options.hpp"
#include "plugins/registry.hpp"

#include <cstdio>

namespace ftl::cli {

namespace {

const char* k_usage = "plugins [--plugin-path DIR]...";

int cmd_plugins(int argc, char** argv) {
  po::options_description desc("ftlab plugins");
  desc.add_options()("plugin-path", po::value<std::vector<std::string>>()->composing(),
                     "extra plugin folder (repeatable)");
  Parsed p = parse(argc, argv, desc, {}, k_usage);
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
  for (const auto& s : reg.shadowed())
    std::fprintf(stderr, "ftlab: note: %s: ignored: %s is provided by %s, earlier on the plugin path, which is used\n",
                 s.ignored.c_str(), s.what.c_str(), s.used.c_str());
  if (reg.factories().empty()) {
    std::fprintf(stderr, "ftlab: error: no plugins found; searched:");
    for (const auto& d : reg.searched()) std::fprintf(stderr, " %s", d.c_str());
    std::fprintf(stderr, "\n");
    return 1;
  }
  return reg.failures().empty() ? 0 : 1;
}

}  // namespace

FTL_COMMAND(plugins, "plugins", k_usage, "list the plugins found", cmd_plugins);

}  // namespace ftl::cli
