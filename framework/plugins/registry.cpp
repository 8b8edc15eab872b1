// registry.cpp - plugin discovery, loading and descriptor validation.
#include "plugins/registry.hpp"

#include "util/error.hpp"

#include <torch/version.h>  // TORCH_VERSION only: a macro header

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>

#include <dlfcn.h>
#include <elf.h>

#define BOOST_DLL_USE_STD_FS
#include <boost/dll/runtime_symbol_info.hpp>
#include <boost/dll/shared_library.hpp>

namespace fs = std::filesystem;

namespace ftl {

namespace {

std::atomic<int> g_stop{0};
std::mutex g_log_mutex;

void host_log(void*, int32_t level, const char* component, const char* msg) noexcept {
  static const char* const names[] = {"debug", "info", "warning", "error"};
  const char* lv = level >= 0 && level <= 3 ? names[level] : "log";
  std::lock_guard<std::mutex> lock(g_log_mutex);
  std::fprintf(stderr, "[%s] %s: %s\n", component ? component : "plugin", lv, msg ? msg : "");
}

int32_t host_should_stop(void*) noexcept {
  return g_stop.load();
}

const ftl_host_api g_host = {sizeof(ftl_host_api), FTL_ABI_MAJOR, FTL_ABI_MINOR, nullptr, host_log, host_should_stop};

// Minimum vtable sizes of ABI 1.0 per kind (all 1.0 slots present). Slots
// appended in later minors are optional: callers check FTL_HAS_FIELD.
size_t min_vtable_size(int32_t kind) {
  switch (kind) {
    case FTL_KIND_TOKENIZER:
      return offsetof(ftl_tokenizer_vtable, encode_pair);  // 1.0 size (64 on LP64); encode_pair is 1.1
    case FTL_KIND_DATASET:
      return sizeof(ftl_dataset_vtable);
    case FTL_KIND_MODEL:
      return sizeof(ftl_model_vtable);
    case FTL_KIND_METRIC:
      return sizeof(ftl_metric_vtable);
    default:
      return 0;
  }
}

// Library handles live for the whole process and are never closed.
std::vector<std::shared_ptr<boost::dll::shared_library>>& keep_alive() {
  static auto* libs = new std::vector<std::shared_ptr<boost::dll::shared_library>>();
  return *libs;
}

}  // namespace

const ftl_host_api* host_api() {
  return &g_host;
}
void request_stop() {
  g_stop.store(1);
}

const char* kind_name(int32_t kind) {
  switch (kind) {
    case FTL_KIND_TOKENIZER:
      return "tokenizer";
    case FTL_KIND_DATASET:
      return "dataset";
    case FTL_KIND_MODEL:
      return "model";
    case FTL_KIND_METRIC:
      return "metric";
    default:
      return "unknown";
  }
}

std::vector<std::string> Registry::search_path(const std::vector<std::string>& explicit_dirs) {
  std::vector<std::string> dirs = explicit_dirs;
  if (const char* env = std::getenv("FTLAB_PLUGIN_PATH")) {
    std::stringstream ss(env);
    std::string d;
    while (std::getline(ss, d, ':'))
      if (!d.empty()) dirs.push_back(d);
  }
  fs::path exe_dir = boost::dll::program_location().parent_path();
  dirs.push_back((exe_dir / "plugins").string());                          // build tree
  dirs.push_back((exe_dir.parent_path() / "lib/ftlab/plugins").string());  // install tree
  return dirs;
}

void Registry::load_dirs(const std::vector<std::string>& dirs) {
  for (const auto& dir : dirs) {
    searched_.push_back(dir);
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) continue;
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      const std::string name = entry.path().filename().string();
      if (name.rfind("libftlab_", 0) == 0 && entry.path().extension() == ".so") files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      const std::string name = f.filename().string();
      if (seen_files_.count(name)) {  // an earlier folder provides it: that one is used
        if (!fs::equivalent(seen_files_[name], f, ec))
          shadowed_.push_back({f.string(), seen_files_[name], "the same file name"});
        continue;
      }
      seen_files_[name] = f.string();
      try {
        load_library(f.string());
      } catch (const DuplicatePlugin& e) {
        shadowed_.push_back({f.string(), e.used, e.what});
      } catch (const Error& e) {
        failures_.push_back({f.string(), e.what()});
      }
    }
  }
}

void elf_check(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (!in || ec) throw Error(path + ": cannot read (" + (ec ? ec.message() : std::string("open failed")) + ")");
  if (!fs::is_regular_file(path, ec)) throw Error(path + ": not a regular file; give a plugin library (.so)");
  Elf64_Ehdr eh{};
  in.read(reinterpret_cast<char*>(&eh), sizeof eh);
  if (!in || std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64)
    throw Error(path + ": invalid ELF header (not a 64-bit ELF shared library)");
  const auto fits = [&](uint64_t off, uint64_t len) { return off <= size && len <= size - off; };
  if (!fits(eh.e_phoff, uint64_t{eh.e_phnum} * eh.e_phentsize) || eh.e_phentsize < sizeof(Elf64_Phdr) ||
      !fits(eh.e_shoff, uint64_t{eh.e_shnum} * eh.e_shentsize))
    throw Error(path + ": truncated or damaged ELF file (" + std::to_string(size) +
                " bytes); rebuild or copy it again");
  for (uint16_t i = 0; i < eh.e_phnum; ++i) {
    Elf64_Phdr ph{};
    in.seekg(static_cast<std::streamoff>(eh.e_phoff + uint64_t{i} * eh.e_phentsize));
    in.read(reinterpret_cast<char*>(&ph), sizeof ph);
    if (!in || (ph.p_type == PT_LOAD && !fits(ph.p_offset, ph.p_filesz)))
      throw Error(path + ": truncated ELF file: a loadable segment ends at byte " +
                  std::to_string(ph.p_offset + ph.p_filesz) + " of " + std::to_string(size) +
                  "; rebuild or copy it again");
  }
}

void Registry::load_library(const std::string& path) {
  namespace dll = boost::dll;
  elf_check(path);
  auto mode = dll::load_mode::rtld_now | dll::load_mode::rtld_local | static_cast<dll::load_mode::type>(RTLD_NODELETE);
  auto lib = std::make_shared<dll::shared_library>();
  try {
    lib->load(path, mode);
  } catch (const std::exception& e) {
    throw Error(path + ": cannot load: " + e.what());
  }
  if (!lib->has(FTL_ENTRY_SYMBOL))
    throw Error(path + ": does not export " FTL_ENTRY_SYMBOL
                       "; it is not an ftlab plugin (build it with ftlab_add_plugin)");
  using EntrySig = const ftl_plugin_descriptor*(uint32_t, const ftl_host_api*, ftl_error*);
  auto entry = reinterpret_cast<ftl_entry_fn>(&lib->get<EntrySig>(FTL_ENTRY_SYMBOL));
  keep_alive().push_back(lib);

  ftl_error err{};
  err.struct_size = sizeof err;
  const ftl_plugin_descriptor* d = entry(FTL_ABI_MAJOR, host_api(), &err);
  if (d == nullptr)
    throw Error(path + ": plugin refused ABI " + std::to_string(FTL_ABI_MAJOR) + ": " +
                (err.message[0] ? err.message : "no reason given") + "; rebuild it against this ftlab's SDK");
  if (d->struct_size < offsetof(ftl_plugin_descriptor, factories) + sizeof(d->factories))
    throw Error(path + ": descriptor is too small (struct_size " + std::to_string(d->struct_size) + ")");
  if (d->abi_major != FTL_ABI_MAJOR)
    throw Error(path + ": plugin ABI major " + std::to_string(d->abi_major) + ", host ABI major " +
                std::to_string(FTL_ABI_MAJOR) + "; rebuild the plugin against this ftlab's SDK");
  const std::string lib_name = d->library_name ? d->library_name : "?";
  for (uint32_t i = 0; i < d->num_factories; ++i) {
    const ftl_factory* f = &d->factories[i];
    const std::string where = path + ": factory " + std::to_string(i);
    if (f->struct_size < offsetof(ftl_factory, vtable) + sizeof(f->vtable))
      throw Error(where + ": factory struct too small");
    if (f->name == nullptr || f->name[0] == '\0' || f->version == nullptr || f->vtable == nullptr)
      throw Error(where + ": name, version and vtable must be set");
    size_t need = min_vtable_size(f->kind);
    if (need == 0) throw Error(where + " ('" + f->name + "'): unknown kind " + std::to_string(f->kind));
    auto* common = static_cast<const ftl_common_vtable*>(f->vtable);
    if (common->struct_size < need || common->create == nullptr || common->destroy == nullptr)
      throw Error(where + " ('" + f->name + "'): vtable too small for a " + kind_name(f->kind) + " (struct_size " +
                  std::to_string(common->struct_size) + ", need " + std::to_string(need) + ")");
    if ((f->capabilities & FTL_CAP_LINKS_LIBTORCH) != 0) {
      const std::string want = std::string("libtorch ") + TORCH_VERSION;
      if (d->build_info == nullptr || want != d->build_info)
        throw Error(path + ": built with '" + (d->build_info ? d->build_info : "") + "' but this ftlab uses '" + want +
                    "'; one process can hold only one LibTorch, rebuild the plugin");
    }
    for (const auto& other : all_)
      if (other.factory->kind == f->kind && std::strcmp(other.factory->name, f->name) == 0)
        throw DuplicatePlugin(path + ": " + kind_name(f->kind) + " '" + f->name + "' is also provided by " +
                                  other.library_path + ", which is used; remove one of the two from the plugin path",
                              other.library_path, std::string(kind_name(f->kind)) + " '" + f->name + "'");
  }
  for (uint32_t i = 0; i < d->num_factories; ++i) all_.push_back({&d->factories[i], d, path});
}

std::string Registry::shadow_note(const FactoryRef& used) const {
  const std::string what = std::string(kind_name(used.factory->kind)) + " '" + used.factory->name + "'";
  std::string ignored;
  for (const auto& s : shadowed_)
    if (s.used == used.library_path && (s.what == what || s.what == "the same file name"))
      ignored += (ignored.empty() ? "" : ", ") + s.ignored;
  if (ignored.empty()) return "";
  return what + " is used from " + used.library_path +
         " (first on the plugin path); also on the path and ignored: " + ignored;
}

const FactoryRef& Registry::find(int32_t kind, const std::string& name) const {
  static std::set<std::string> noted;  // one note per plugin per process
  for (const auto& f : all_)
    if (f.factory->kind == kind && name == f.factory->name) {
      const std::string note = shadow_note(f);
      if (!note.empty() && noted.insert(note).second) std::fprintf(stderr, "ftlab: note: %s\n", note.c_str());
      return f;
    }
  std::string have;
  for (const auto& f : all_)
    if (f.factory->kind == kind) have += (have.empty() ? "" : ", ") + std::string(f.factory->name);
  std::string msg = std::string("no ") + kind_name(kind) + " plugin named '" + name + "'";
  msg += have.empty() ? "; none found" : "; available: " + have;
  if (!failures_.empty())
    msg += "; " + std::to_string(failures_.size()) + " libraries failed to load (run `ftlab plugins`)";
  msg += "; searched:";
  for (const auto& d : searched_) msg += " " + d;
  throw Error(msg);
}

}  // namespace ftl
