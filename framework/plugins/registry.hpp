// registry.hpp - finds plugin libraries (libftlab_*.so) on a search path,
// loads them with Boost.DLL (RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE: libraries
// are never unloaded, which LibTorch-linked code requires), checks their
// descriptors against this host's ABI, and maps (kind, name) to a factory.
// The host never names a plugin: experiments do, descriptors register.
#pragma once

#include <ftlab/plugin.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace ftl {

struct FactoryRef {
  const ftl_factory* factory = nullptr;
  const ftl_plugin_descriptor* descriptor = nullptr;
  std::string library_path;
};

struct LoadFailure {
  std::string library_path;
  std::string message;
};

const char* kind_name(int32_t kind);  // "tokenizer", ... or "unknown"

// The host services lent to every plugin (logging to stderr, Ctrl-C flag).
const ftl_host_api* host_api();
void request_stop();  // sets the flag host_api()->should_stop reports

class Registry {
 public:
  // Folders searched in order: explicit ones, $FTLAB_PLUGIN_PATH, then the
  // defaults next to the executable (build tree and install tree).
  static std::vector<std::string> search_path(const std::vector<std::string>& explicit_dirs);

  // Loads every libftlab_*.so in dirs. Bad libraries are recorded as failures,
  // not thrown, so one broken plugin does not hide the others.
  void load_dirs(const std::vector<std::string>& dirs);
  // Loads one library; throws ftl::Error with the reason.
  void load_library(const std::string& path);

  // The factory for (kind, name); throws ftl::Error listing what is available.
  const FactoryRef& find(int32_t kind, const std::string& name) const;

  const std::vector<FactoryRef>& factories() const { return all_; }
  const std::vector<LoadFailure>& failures() const { return failures_; }
  const std::vector<std::string>& searched() const { return searched_; }

 private:
  std::vector<FactoryRef> all_;
  std::vector<LoadFailure> failures_;
  std::vector<std::string> searched_;
  std::map<std::string, bool> seen_files_;  // file name -> loaded (first in path wins)
};

}  // namespace ftl
