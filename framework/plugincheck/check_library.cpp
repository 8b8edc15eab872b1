// check_library.cpp - plugin-check's library group: the file loads, exports
// ftl_plugin_entry (and nothing else), negotiates the ABI major, and its
// descriptor and factory table are well-formed (sizes, versions, names,
// vtable slots, LibTorch version, no duplicate kind + name), and no other
// library on the host's plugin search path declares the same kind + name.
#include "plugincheck/checks.hpp"
#include "plugincheck/probes.hpp"
#include "plugins/registry.hpp"

#include <torch/version.h>  // TORCH_VERSION only: a macro header

#include <cstddef>
#include <cstring>
#include <filesystem>
#include <set>
#include <vector>  // before library_info.hpp (Boost 1.74 with std::filesystem)

#include <dlfcn.h>

#define BOOST_DLL_USE_STD_FS
#include <boost/dll/library_info.hpp>

namespace ftl::plugincheck {

size_t min_vtable_size_1_0(int32_t kind) {
  switch (kind) {
    case FTL_KIND_TOKENIZER:
      return offsetof(ftl_tokenizer_vtable, decode) + sizeof(void*);
    case FTL_KIND_DATASET:
      return offsetof(ftl_dataset_vtable, example) + sizeof(void*);
    case FTL_KIND_MODEL:
      return offsetof(ftl_model_vtable, step) + sizeof(void*);
    case FTL_KIND_METRIC:
      return offsetof(ftl_metric_vtable, headline) + sizeof(void*);
    default:
      return 0;
  }
}

namespace {

std::string ver(uint32_t major, uint32_t minor) {
  return std::to_string(major) + "." + std::to_string(minor);
}

bool is_semver(const char* v) {
  int dots = 0;
  bool digit = false;
  for (const char* p = v; *p != '\0' && *p != '-' && *p != '+'; ++p) {
    if (*p == '.') {
      if (!digit) return false;
      ++dots;
      digit = false;
    } else if (*p >= '0' && *p <= '9') {
      digit = true;
    } else {
      return false;
    }
  }
  return dots == 2 && digit;
}

bool is_plain_name(const char* n) {
  if (n == nullptr || *n == '\0') return false;
  for (const char* p = n; *p; ++p)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-' || *p == '.')) return false;
  return true;
}

// Every 1.0 slot after `common` of a kind's vtable, as raw pointers.
std::vector<std::pair<const char*, const void*>> slots(int32_t kind, const void* vt) {
  std::vector<std::pair<const char*, const void*>> s;
  auto* c = static_cast<const ftl_common_vtable*>(vt);
  s.push_back({"create", reinterpret_cast<const void*>(c->create)});
  s.push_back({"destroy", reinterpret_cast<const void*>(c->destroy)});
  if (kind == FTL_KIND_TOKENIZER) {
    auto* v = static_cast<const ftl_tokenizer_vtable*>(vt);
    s.insert(s.end(), {{"vocab_size", reinterpret_cast<const void*>(v->vocab_size)},
                       {"token_to_id", reinterpret_cast<const void*>(v->token_to_id)},
                       {"pad_id", reinterpret_cast<const void*>(v->pad_id)},
                       {"encode", reinterpret_cast<const void*>(v->encode)},
                       {"decode", reinterpret_cast<const void*>(v->decode)}});
  } else if (kind == FTL_KIND_DATASET) {
    auto* v = static_cast<const ftl_dataset_vtable*>(vt);
    s.insert(s.end(), {{"num_labels", reinterpret_cast<const void*>(v->num_labels)},
                       {"label_name", reinterpret_cast<const void*>(v->label_name)},
                       {"num_examples", reinterpret_cast<const void*>(v->num_examples)},
                       {"example", reinterpret_cast<const void*>(v->example)}});
  } else if (kind == FTL_KIND_MODEL) {
    auto* v = static_cast<const ftl_model_vtable*>(vt);
    s.insert(s.end(), {{"num_params", reinterpret_cast<const void*>(v->num_params)},
                       {"param", reinterpret_cast<const void*>(v->param)},
                       {"grad", reinterpret_cast<const void*>(v->grad)},
                       {"zero_grad", reinterpret_cast<const void*>(v->zero_grad)},
                       {"step", reinterpret_cast<const void*>(v->step)}});
  } else if (kind == FTL_KIND_METRIC) {
    auto* v = static_cast<const ftl_metric_vtable*>(vt);
    s.insert(s.end(), {{"reset", reinterpret_cast<const void*>(v->reset)},
                       {"update", reinterpret_cast<const void*>(v->update)},
                       {"compute", reinterpret_cast<const void*>(v->compute)},
                       {"tables", reinterpret_cast<const void*>(v->tables)},
                       {"headline", reinterpret_cast<const void*>(v->headline)}});
  }
  return s;
}

void check_exports(const std::string& path, Report& r) {
  try {
    boost::dll::library_info info(path);
    std::vector<std::string> others;
    for (const auto& s : info.symbols())
      if (s != FTL_ENTRY_SYMBOL && !s.empty()) others.push_back(s);
    if (others.empty()) {
      r.pass("exports only " FTL_ENTRY_SYMBOL);
    } else {
      std::string list;
      for (size_t i = 0; i < others.size() && i < 3; ++i) list += (i ? ", " : "") + others[i];
      if (others.size() > 3) list += ", ...";
      r.warn("exports " + std::to_string(others.size()) + " symbols besides " FTL_ENTRY_SYMBOL " (" + list +
             "); link with the export map (ftlab_add_plugin does) so plugins cannot clash");
    }
  } catch (const std::exception& e) {
    r.skip(std::string("could not list the exported symbols: ") + e.what());
  }
}

void check_factory(const ftl_plugin_descriptor& d, uint32_t i, std::set<std::pair<int32_t, std::string>>& seen,
                   Report& r) {
  const ftl_factory& f = d.factories[i];
  const std::string at = "factory " + std::to_string(i);
  if (f.struct_size < sizeof(ftl_factory)) {
    r.fail(at + ": struct_size " + std::to_string(f.struct_size) + " is smaller than ABI 1.0's " +
           std::to_string(sizeof(ftl_factory)) + "; set it to sizeof(ftl_factory)");
    return;
  }
  if (f.name == nullptr || f.version == nullptr || f.vtable == nullptr) {
    r.fail(at + ": name, version and vtable must all be set");
    return;
  }
  const std::string who = std::string(kind_name(f.kind)) + " '" + f.name + "'";
  const size_t need = min_vtable_size_1_0(f.kind);
  if (need == 0) {
    r.fail(at + " ('" + f.name + "'): unknown kind " + std::to_string(f.kind) + "; use an FTL_KIND_* value");
    return;
  }
  bool ok = true;
  ok &= r.expect(is_plain_name(f.name), who + ": name is plain (lower-case letters, digits, _ - .)",
                 who + ": name must be lower-case letters, digits, '_', '-' or '.' (experiments write it)");
  if (!is_semver(f.version))
    r.warn(who + ": version '" + f.version + "' is not MAJOR.MINOR.PATCH");
  else
    r.pass(who + ": version " + f.version + " is semantic");
  if (f.summary == nullptr || f.summary[0] == '\0') r.warn(who + ": summary is empty (`ftlab plugins` shows it)");
  const auto* common = static_cast<const ftl_common_vtable*>(f.vtable);
  if (common->struct_size < need) {
    r.fail(who + ": vtable struct_size " + std::to_string(common->struct_size) + " is smaller than a " +
           kind_name(f.kind) + " vtable of ABI 1.0 (" + std::to_string(need) + "); use sizeof(the vtable)");
    return;
  }
  r.pass(who + ": vtable struct_size " + std::to_string(common->struct_size) + " >= " + std::to_string(need) +
         " (ABI 1.0 " + kind_name(f.kind) + ")");
  std::string missing;
  for (const auto& [name, fn] : slots(f.kind, f.vtable))
    if (fn == nullptr) missing += (missing.empty() ? "" : ", ") + std::string(name);
  ok &= r.expect(missing.empty(), who + ": every ABI 1.0 slot is set", who + ": NULL slots: " + missing);
  const uint64_t known = FTL_CAP_THREAD_SAFE | FTL_CAP_LINKS_LIBTORCH | FTL_CAP_CUDA;
  if ((f.capabilities & ~known) != 0) r.warn(who + ": unknown capability bits set; this host ignores them");
  if ((f.capabilities & FTL_CAP_LINKS_LIBTORCH) != 0) {
    const std::string want = std::string("libtorch ") + TORCH_VERSION;
    const std::string have = d.build_info != nullptr ? d.build_info : "";
    ok &= r.expect(have == want, who + ": built with " + want + ", the LibTorch of this ftlab",
                   who + ": built with '" + have + "' but this ftlab uses '" + want +
                       "'; one process holds one LibTorch: rebuild the plugin against " + want);
  }
  if (!seen.insert({f.kind, f.name}).second) {
    r.fail(who + ": declared twice in this library; each (kind, name) must be unique");
    ok = false;
  }
  if (ok) r.factory({i, f.kind, f.name});
}

// What the host does with the same kind and name in two libraries: the first
// on the plugin search path is used, later ones are ignored (registry.hpp).
void check_search_path(const std::string& path, const ftl_plugin_descriptor& d, Report& r) {
  r.begin("loading the libraries on the plugin search path");
  Registry reg;
  const auto dirs = Registry::search_path({});
  reg.load_dirs(dirs);
  std::error_code ec;
  int clashes = 0;
  for (uint32_t i = 0; i < d.num_factories; ++i) {
    const ftl_factory& f = d.factories[i];
    if (f.name == nullptr) continue;
    const std::string what = std::string(kind_name(f.kind)) + " '" + f.name + "'";
    for (const auto& used : reg.factories()) {
      if (used.factory->kind != f.kind || std::strcmp(used.factory->name, f.name) != 0) continue;
      if (!std::filesystem::equivalent(used.library_path, path, ec)) {
        r.warn(what + ": the host uses " + used.library_path + " (first on the plugin search path), not this file; " +
               "remove or rename one, or put this file's folder first with --plugin-path");
        ++clashes;
      } else if (const std::string note = reg.shadow_note(used); !note.empty()) {
        r.warn(note + "; remove or rename the ignored copies");
        ++clashes;
      }
    }
  }
  if (clashes == 0) {
    std::string list;
    for (const auto& dir : dirs) list += (list.empty() ? "" : ", ") + dir;
    r.pass("no other library on the plugin search path declares the same kind and name (" + list + ")");
  }
}

}  // namespace

void check_library(const std::string& path, Report& r) {
  const std::string file = std::filesystem::path(path).filename().string();
  if (file.rfind("libftlab_", 0) == 0 && file.size() > 3 && file.compare(file.size() - 3, 3, ".so") == 0)
    r.pass("file name " + file + " matches libftlab_*.so (what the host searches for)");
  else
    r.warn("file name " + file + " does not match libftlab_*.so; the host only loads such files from its plugin path");

  try {
    elf_check(path);  // a truncated library would kill the loader with SIGBUS
  } catch (const Error& e) {
    r.fail(std::string("cannot be loaded: ") + e.what());
    return;
  }
  r.begin("dlopen");
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
  if (handle == nullptr) {
    const char* e = dlerror();
    r.fail(std::string("cannot be loaded: ") + (e ? e : "?") +
           "; is it a shared library built for this machine with all its dependencies installed?");
    return;
  }
  r.pass("loads with RTLD_NOW | RTLD_LOCAL (every symbol resolves)");
  auto entry = reinterpret_cast<ftl_entry_fn>(dlsym(handle, FTL_ENTRY_SYMBOL));
  if (entry == nullptr) {
    r.fail("does not export " FTL_ENTRY_SYMBOL
           "; it is not an ftlab plugin (define it with FTL_PLUGIN_ENTRY "
           "and build with ftlab_add_plugin)");
    return;
  }
  r.pass("exports " FTL_ENTRY_SYMBOL);
  check_exports(path, r);

  // A major the plugin was not built for must be refused with a message.
  ftl_error err = fresh_error();
  r.begin(FTL_ENTRY_SYMBOL "(" + std::to_string(FTL_ABI_MAJOR + 1) + ")");
  const ftl_plugin_descriptor* other = entry(FTL_ABI_MAJOR + 1, check_host_api(), &err);
  if (other == nullptr) {
    r.expect(err.message[0] != '\0' && std::memchr(err.message, '\0', sizeof err.message) != nullptr,
             "refuses ABI major " + std::to_string(FTL_ABI_MAJOR + 1) + " with a message (\"" + err.message + "\")",
             "refuses ABI major " + std::to_string(FTL_ABI_MAJOR + 1) + " but leaves ftl_error.message empty");
  } else if (other->abi_major != FTL_ABI_MAJOR + 1) {
    r.fail("returned a descriptor for ABI major " + std::to_string(FTL_ABI_MAJOR + 1) + " although it speaks " +
           std::to_string(other->abi_major) + "; return NULL and fill err (FTL_PLUGIN_ENTRY does)");
  }

  err = fresh_error();
  r.begin(FTL_ENTRY_SYMBOL "(" + std::to_string(FTL_ABI_MAJOR) + ")");
  const ftl_plugin_descriptor* d = entry(FTL_ABI_MAJOR, check_host_api(), &err);
  if (d == nullptr) {
    r.fail("refuses this host's ABI major " + std::to_string(FTL_ABI_MAJOR) + ": " +
           (err.message[0] ? err.message : "no message") + "; rebuild it against this ftlab's SDK");
    return;
  }
  const ftl_plugin_descriptor* again = entry(FTL_ABI_MAJOR, check_host_api(), &err);
  r.expect(again == d, "returns the same static descriptor on every call",
           "returns a different descriptor on a second call; return a pointer to static storage");
  if (d->struct_size < sizeof(ftl_plugin_descriptor)) {
    r.fail("descriptor struct_size " + std::to_string(d->struct_size) + " is smaller than ABI 1.0's " +
           std::to_string(sizeof(ftl_plugin_descriptor)));
    return;
  }
  r.pass("descriptor struct_size " + std::to_string(d->struct_size) +
         " >= " + std::to_string(sizeof(ftl_plugin_descriptor)));
  if (d->abi_major != FTL_ABI_MAJOR) {
    r.fail("built for ABI " + ver(d->abi_major, d->abi_minor) + " but this host speaks ABI " +
           ver(FTL_ABI_MAJOR, FTL_ABI_MINOR) + " (majors differ); rebuild the plugin against this ftlab's SDK");
    return;
  }
  if (d->abi_minor > FTL_ABI_MINOR)
    r.warn("built for ABI " + ver(d->abi_major, d->abi_minor) + ", newer than this host's " +
           ver(FTL_ABI_MAJOR, FTL_ABI_MINOR) + ": slots added after " + ver(FTL_ABI_MAJOR, FTL_ABI_MINOR) +
           " will not be called");
  else
    r.pass("ABI " + ver(d->abi_major, d->abi_minor) + " loads in this host (ABI " + ver(FTL_ABI_MAJOR, FTL_ABI_MINOR) +
           ")");
  if (d->library_name == nullptr || d->library_name[0] == '\0') r.warn("descriptor library_name is empty");
  if (d->build_info == nullptr) {
    r.fail("descriptor build_info is NULL; use \"\" when nothing needs saying");
    return;
  }
  if (d->num_factories == 0 || d->factories == nullptr) {
    r.fail("declares no factories (num_factories " + std::to_string(d->num_factories) + ")");
    return;
  }
  r.pass("declares " + std::to_string(d->num_factories) + " factor" + (d->num_factories == 1 ? "y" : "ies"));
  std::set<std::pair<int32_t, std::string>> seen;
  for (uint32_t i = 0; i < d->num_factories; ++i) check_factory(*d, i, seen, r);
  check_search_path(path, *d, r);
}

}  // namespace ftl::plugincheck
