// plugincheck.cpp - see plugincheck.hpp. Plans the groups (library first, then
// two per factory), builds each factory's working config and prints results.
#include "plugincheck/plugincheck.hpp"

#include "plugincheck/checks.hpp"
#include "plugincheck/sandbox.hpp"
#include "plugins/registry.hpp"
#include "util/error.hpp"

#include <ftlab/plugin.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <toml++/toml.h>

namespace fs = std::filesystem;

namespace ftl::plugincheck {

namespace {

struct Tally {
  int pass = 0, fail = 0, warn = 0, skip = 0;
};

void print(const GroupLog& log, std::FILE* out, Tally& t) {
  for (const auto& res : log.results) {
    const char* tag = "?";
    switch (res.verdict) {
      case Verdict::pass:
        tag = "ok  ";
        ++t.pass;
        break;
      case Verdict::fail:
        tag = "FAIL";
        ++t.fail;
        break;
      case Verdict::warn:
        tag = "warn";
        ++t.warn;
        break;
      case Verdict::skip:
        tag = "skip";
        ++t.skip;
        break;
    }
    std::fprintf(out, "  %s  %s: %s\n", tag, res.subject.c_str(), res.text.c_str());
  }
  std::fflush(out);
}

const UserConfig* find_config(const Options& opt, int32_t kind, const std::string& name) {
  for (const auto& c : opt.configs)
    if (c.selector == name || c.selector == std::string(kind_name(kind)) + ":" + name) return &c;
  return nullptr;
}

// The user's table plus the keys the host injects for this kind.
WorkingConfig working_config(const Options& opt, int32_t kind, const std::string& name) {
  WorkingConfig w;
  w.global_rng = opt.global_rng;
  const UserConfig* user = find_config(opt, kind, name);
  toml::table table;
  if (user != nullptr) {
    w.from_user = true;
    w.toml = user->toml;
    w.base_dir = user->base_dir;
    try {
      table = toml::parse(user->toml);
    } catch (const toml::parse_error& e) {
      throw Error("--config " + user->selector + ": not valid TOML: " + std::string(e.description()));
    }
  } else {
    w.base_dir = fs::current_path().string();
  }
  auto inject = [&](const char* key, int64_t* value) {
    if (const toml::node* n = table.get(key)) {
      if (auto v = n->value_exact<int64_t>()) *value = *v;
      return;
    }
    w.toml = std::string(key) + " = " + std::to_string(*value) + "\n" + w.toml;
  };
  if (kind == FTL_KIND_METRIC || kind == FTL_KIND_MODEL) inject("num_labels", &w.num_labels);
  if (kind == FTL_KIND_MODEL) {
    inject("pad_token_id", &w.pad_token_id);
    inject("vocab_size", &w.vocab_size);
  }
  return w;
}

}  // namespace

UserConfig parse_config_arg(const std::string& arg) {
  const size_t eq = arg.find('=');
  if (eq == std::string::npos || eq == 0)
    throw Error("--config " + arg +
                ": expected NAME=TOML or NAME=@FILE.toml, e.g. --config classification='num_labels = 3'");
  UserConfig c;
  c.selector = arg.substr(0, eq);
  std::string value = arg.substr(eq + 1);
  if (!value.empty() && value[0] == '@') {
    const fs::path file = value.substr(1);
    std::ifstream in(file);
    if (!in) throw Error("--config " + c.selector + ": cannot read " + file.string());
    std::stringstream ss;
    ss << in.rdbuf();
    c.toml = ss.str();
    c.base_dir = fs::absolute(file).parent_path().string();
  } else {
    c.toml = value;
    c.base_dir = fs::current_path().string();
  }
  return c;
}

std::vector<UserConfig> read_config_file(const std::string& path) {
  toml::table doc;
  try {
    doc = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    throw Error(path + ":" + std::to_string(e.source().begin.line) + ": " + std::string(e.description()));
  }
  std::vector<UserConfig> out;
  for (const auto& [key, node] : doc) {
    const toml::table* t = node.as_table();
    if (t == nullptr)
      throw Error(path + ": '" + std::string(key.str()) + "' is not a table; write [NAME] followed by its keys");
    std::ostringstream ss;
    ss << *t;
    UserConfig c;
    c.selector = std::string(key.str());
    c.toml = ss.str();
    c.base_dir = fs::absolute(path).parent_path().string();
    c.from_file = true;
    out.push_back(c);
  }
  return out;
}

int run_plugin_check(const Options& opt, std::FILE* out) {
  std::error_code ec;
  if (!fs::is_regular_file(opt.library, ec))
    throw Error(opt.library + ": no such file; give the path of a plugin library (libftlab_<name>.so)");
  const std::string path = fs::absolute(opt.library).string();
  std::fprintf(out, "plugin-check %s (host ABI %u.%u)\n", opt.library.c_str(), FTL_ABI_MAJOR, FTL_ABI_MINOR);
  Tally tally;

  GroupLog lib = run_group(
      "library", [&](Report& r) { check_library(path, r); }, opt.isolate, opt.timeout_s);
  print(lib, out, tally);

  for (const auto& f : lib.factories) {
    const std::string who = std::string(kind_name(f.kind)) + " '" + f.name + "'";
    WorkingConfig cfg = working_config(opt, f.kind, f.name);
    GroupLog life = run_group(
        who, [&](Report& r) { check_lifecycle(path, f.index, cfg, r); }, opt.isolate, opt.timeout_s);
    print(life, out, tally);
    GroupLog behaviour = run_group(
        who, [&](Report& r) { check_behaviour(path, f.index, cfg, r); }, opt.isolate, opt.timeout_s);
    print(behaviour, out, tally);
  }
  for (const auto& c : opt.configs) {
    bool used = false;
    for (const auto& f : lib.factories)
      used |= c.selector == f.name || c.selector == std::string(kind_name(f.kind)) + ":" + f.name;
    if (!used && !c.from_file) {
      std::fprintf(out, "  warn  --config %s: no factory of this library has that name\n", c.selector.c_str());
      ++tally.warn;
    }
  }

  const bool failed = tally.fail > 0 || (opt.strict && tally.warn > 0);
  std::fprintf(out, "summary: %d passed, %d failed, %d warnings, %d skipped: %s\n", tally.pass, tally.fail, tally.warn,
               tally.skip, failed ? "FAILED" : "OK");
  return failed ? 1 : 0;
}

}  // namespace ftl::plugincheck
