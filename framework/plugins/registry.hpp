// registry.hpp - finds plugin libraries (libftlab_*.so) on a search path,
// loads them with Boost.DLL (RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE: libraries
// are never unloaded, which LibTorch-linked code requires), checks their
// descriptors against this host's ABI, and maps (kind, name) to a factory.
// The host never names a plugin: experiments do, descriptors register.
#pragma once

#include "util/error.hpp"

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

// A library the search path holds but the host does not use: an earlier one
// (first on the path wins) has the same file name or provides the same
// (kind, name). The whole later library is ignored.
struct Shadowed {
  std::string ignored, used;  // library paths
  std::string what;           // "model 'roberta'" or "the same file name"
};

const char* kind_name(int32_t kind);  // "tokenizer", ... or "unknown"

// Checks that path is a whole 64-bit ELF file before it is mapped: the
// dynamic loader maps a truncated library and dies with SIGBUS on first use.
// Throws ftl::Error naming the file and what is wrong.
void elf_check(const std::string& path);

// The host services lent to every plugin (logging to stderr, Ctrl-C flag).
const ftl_host_api* host_api();
void request_stop();  // sets the flag host_api()->should_stop reports

// Thrown by load_library when an already loaded library provides the same (kind, name).
struct DuplicatePlugin : Error {
  DuplicatePlugin(const std::string& msg, std::string used_path, std::string plugin)
      : Error(msg), used(std::move(used_path)), what(std::move(plugin)) {}
  std::string used, what;
};

class Registry {
 public:
  // Folders searched in order: explicit ones, $FTLAB_PLUGIN_PATH, then the
  // defaults next to the executable (build tree and install tree).
  static std::vector<std::string> search_path(const std::vector<std::string>& explicit_dirs);

  // Loads every libftlab_*.so in dirs. Bad libraries are recorded as failures,
  // not thrown, so one broken plugin does not hide the others.
  void load_dirs(const std::vector<std::string>& dirs);
  // Loads one library; throws ftl::Error with the reason (a (kind, name)
  // already loaded: DuplicatePlugin).
  void load_library(const std::string& path);

  // The factory for (kind, name); throws ftl::Error listing what is available.
  // When a later library on the path provides it too, says once on stderr
  // which file is used and which ignored.
  const FactoryRef& find(int32_t kind, const std::string& name) const;

  const std::vector<FactoryRef>& factories() const { return all_; }
  const std::vector<LoadFailure>& failures() const { return failures_; }
  const std::vector<std::string>& searched() const { return searched_; }
  const std::vector<Shadowed>& shadowed() const { return shadowed_; }
  // "X is used; Y on the plugin path provides it too and is ignored", or "".
  std::string shadow_note(const FactoryRef& used) const;

 private:
  std::vector<FactoryRef> all_;
  std::vector<LoadFailure> failures_;
  std::vector<std::string> searched_;
  std::vector<Shadowed> shadowed_;
  std::map<std::string, std::string> seen_files_;  // file name -> the path loaded (first in path wins)
};

}  // namespace ftl
