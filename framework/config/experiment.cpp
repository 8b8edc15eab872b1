// experiment.cpp - loading, overriding and validating experiment files.
#include "config/experiment.hpp"

#include "util/error.hpp"

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace fs = std::filesystem;

namespace ftl {

namespace {

const std::set<std::string> k_sections = {"experiment", "train", "tokenizer", "dataset", "model", "metric"};
const char* const k_components[] = {"tokenizer", "dataset", "model", "metric"};

std::vector<std::string> split_dots(const std::string& key) {
  std::vector<std::string> parts;
  std::stringstream ss(key);
  std::string p;
  while (std::getline(ss, p, '.')) parts.push_back(p);
  return parts;
}

// Parses the value part of --set as TOML ("3", "2e-5", "true", "[1, 2]",
// "\"x\""); anything that is not a TOML value is taken as a plain string.
toml::node_view<const toml::node> parse_value(const std::string& text, toml::table& holder) {
  try {
    holder = toml::parse("v = " + text);
    return toml::node_view<const toml::node>(holder.get("v"));
  } catch (const toml::parse_error&) {
    holder = toml::table{{"v", text}};
    return toml::node_view<const toml::node>(holder.get("v"));
  }
}

void apply_override(toml::table& doc, const std::string& item) {
  size_t eq = item.find('=');
  if (eq == std::string::npos || eq == 0)
    throw Error("--set '" + item + "': expected KEY=VALUE, e.g. --set train.epochs=1");
  const std::string key = item.substr(0, eq);
  const auto parts = split_dots(key);
  for (const auto& p : parts)
    if (p.empty()) throw Error("--set '" + item + "': empty part in key '" + key + "'");
  toml::table holder;
  auto value = parse_value(item.substr(eq + 1), holder);
  toml::table* t = &doc;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    toml::node* n = t->get(parts[i]);
    if (n == nullptr) {
      t->insert(parts[i], toml::table{});
      n = t->get(parts[i]);
    }
    if (!n->is_table()) throw Error("--set '" + item + "': '" + parts[i] + "' is not a table");
    t = n->as_table();
  }
  t->insert_or_assign(parts.back(), *value.node());
}

class Reader {
 public:
  Reader(const Experiment& e, const std::string& section) : e_(e), section_(section) {
    const toml::node* n = e.doc.get(section);
    if (n != nullptr) {
      if (!n->is_table()) throw Error(e.where(section) + ": [" + section + "] must be a table");
      t_ = n->as_table();
    }
  }

  template <typename T>
  T get(const std::string& key, T fallback) {
    used_.insert(key);
    const toml::node* n = t_ != nullptr ? t_->get(key) : nullptr;
    if (n == nullptr) return fallback;
    const std::string at = e_.where(section_ + "." + key);
    if constexpr (std::is_same_v<T, std::string>) {
      if (auto v = n->value_exact<std::string>()) return *v;
      throw Error(at + " must be a string");
    } else if constexpr (std::is_integral_v<T>) {
      if (auto v = n->value_exact<int64_t>()) return static_cast<T>(*v);
      throw Error(at + " must be an integer");
    } else {
      if (auto v = n->value<double>()) return *v;
      throw Error(at + " must be a number");
    }
  }

  std::vector<std::string> strings(const std::string& key) {
    used_.insert(key);
    std::vector<std::string> out;
    const toml::node* n = t_ != nullptr ? t_->get(key) : nullptr;
    if (n == nullptr) return out;
    const auto* arr = n->as_array();
    if (arr == nullptr) throw Error(e_.where(section_ + "." + key) + " must be an array of strings");
    for (const auto& item : *arr) {
      auto s = item.value_exact<std::string>();
      if (!s) throw Error(e_.where(section_ + "." + key) + " must be an array of strings");
      out.push_back(*s);
    }
    return out;
  }

  void finish() const {
    if (t_ == nullptr) return;
    for (const auto& [k, v] : *t_) {
      (void)v;
      std::string key(k.str());
      if (used_.count(key) == 0)
        throw Error(e_.where(section_ + "." + key) + ": unknown key; remove it or check its spelling");
    }
  }

 private:
  const Experiment& e_;
  std::string section_;
  const toml::table* t_ = nullptr;
  std::set<std::string> used_;
};

void check(bool ok, const Experiment& e, const std::string& key, const std::string& what) {
  if (!ok) throw Error(e.where(key) + " " + what);
}

}  // namespace

std::string Experiment::where(const std::string& dotted_key) const {
  for (const auto& o : overrides)
    if (o.rfind(dotted_key + "=", 0) == 0) return "--set " + dotted_key;
  auto parts = split_dots(dotted_key);
  const toml::node* n = &doc;
  for (const auto& p : parts) {
    if (n == nullptr || !n->is_table()) {
      n = nullptr;
      break;
    }
    n = n->as_table()->get(p);
  }
  std::string loc = path;
  if (n != nullptr && n->source().begin.line > 0) loc += ":" + std::to_string(n->source().begin.line);
  return loc + ": " + dotted_key;
}

std::string Experiment::resolve(const std::string& p) const {
  if (p.empty() || fs::path(p).is_absolute()) return p;
  return (fs::path(base_dir) / p).lexically_normal().string();
}

std::string Experiment::plugin_name(const std::string& section) const {
  const toml::node* n = doc.get(section);
  if (n == nullptr || !n->is_table())
    throw Error(path + ": missing [" + section + "] table; add one with plugin = \"...\" (see `ftlab plugins`)");
  const toml::node* p = n->as_table()->get("plugin");
  if (p == nullptr)
    throw Error(where(section) + ": missing key 'plugin'; name the " + section + " plugin (see `ftlab plugins`)");
  auto s = p->value_exact<std::string>();
  if (!s || s->empty()) throw Error(where(section + ".plugin") + " must be a non-empty string");
  return *s;
}

std::string Experiment::component_toml(const std::string& section) const {
  toml::table t = *doc.get(section)->as_table();
  t.erase("plugin");
  std::ostringstream ss;
  ss << t;
  return ss.str();
}

std::string Experiment::resolved_toml() const {
  std::ostringstream ss;
  ss << doc;
  return ss.str();
}

Experiment load_experiment(const std::string& path, const std::vector<std::string>& overrides) {
  Experiment e;
  e.path = path;
  e.overrides = overrides;
  if (!fs::is_regular_file(path)) throw Error(path + ": experiment file not found; check the path");
  fs::path abs = fs::absolute(path);
  e.base_dir = abs.parent_path().string();
  try {
    e.doc = toml::parse_file(path);
  } catch (const toml::parse_error& err) {
    throw Error(path + ":" + std::to_string(err.source().begin.line) + ":" + std::to_string(err.source().begin.column) +
                ": invalid TOML: " + std::string(err.description()));
  }
  for (const auto& o : overrides) apply_override(e.doc, o);

  for (const auto& [k, v] : e.doc) {
    (void)v;
    std::string key(k.str());
    if (k_sections.count(key) == 0)
      throw Error(e.where(key) + ": unknown section; expected experiment, train, tokenizer, dataset, model or metric");
  }

  Reader x(e, "experiment");
  e.name = x.get<std::string>("name", fs::path(path).stem().string());
  e.seed = static_cast<uint64_t>(x.get<int64_t>("seed", 42));
  e.device = x.get<std::string>("device", "cpu");
  e.threads = x.get<int64_t>("threads", 0);
  e.output_dir = e.resolve(x.get<std::string>("output_dir", "results"));
  for (const auto& p : x.strings("plugin_path")) e.plugin_path.push_back(e.resolve(p));
  x.finish();
  check(!e.name.empty() && e.name.find('/') == std::string::npos, e, "experiment.name",
        "must be non-empty and contain no '/'");
  check(e.device == "cpu" || e.device == "cuda" || e.device.rfind("cuda:", 0) == 0, e, "experiment.device",
        "must be \"cpu\", \"cuda\" or \"cuda:N\"");
  check(e.threads >= 0, e, "experiment.threads", "must be 0 (all cores) or positive");

  Reader t(e, "train");
  TrainConfig& tc = e.train;
  tc.epochs = t.get<int64_t>("epochs", tc.epochs);
  tc.batch_size = t.get<int64_t>("batch_size", tc.batch_size);
  tc.eval_batch_size = t.get<int64_t>("eval_batch_size", tc.eval_batch_size);
  tc.learning_rate = t.get<double>("learning_rate", tc.learning_rate);
  tc.weight_decay = t.get<double>("weight_decay", tc.weight_decay);
  tc.warmup_steps = t.get<int64_t>("warmup_steps", tc.warmup_steps);
  tc.warmup_ratio = t.get<double>("warmup_ratio", tc.warmup_ratio);
  tc.max_grad_norm = t.get<double>("max_grad_norm", tc.max_grad_norm);
  tc.adam_beta1 = t.get<double>("adam_beta1", tc.adam_beta1);
  tc.adam_beta2 = t.get<double>("adam_beta2", tc.adam_beta2);
  tc.adam_epsilon = t.get<double>("adam_epsilon", tc.adam_epsilon);
  tc.log_every = t.get<int64_t>("log_every", tc.log_every);
  t.finish();
  check(tc.epochs >= 1, e, "train.epochs", "must be at least 1");
  check(tc.batch_size >= 1, e, "train.batch_size", "must be at least 1");
  check(tc.eval_batch_size >= 1, e, "train.eval_batch_size", "must be at least 1");
  check(tc.learning_rate > 0, e, "train.learning_rate", "must be positive");
  check(tc.weight_decay >= 0, e, "train.weight_decay", "must be zero or positive");
  check(tc.warmup_steps >= 0, e, "train.warmup_steps", "must be zero or positive");
  check(tc.warmup_ratio >= 0 && tc.warmup_ratio < 1, e, "train.warmup_ratio", "must be in [0, 1)");
  check(tc.max_grad_norm >= 0, e, "train.max_grad_norm", "must be zero (no clipping) or positive");
  check(tc.adam_beta1 >= 0 && tc.adam_beta1 < 1, e, "train.adam_beta1", "must be in [0, 1)");
  check(tc.adam_beta2 >= 0 && tc.adam_beta2 < 1, e, "train.adam_beta2", "must be in [0, 1)");
  check(tc.adam_epsilon > 0, e, "train.adam_epsilon", "must be positive");
  check(tc.log_every >= 1, e, "train.log_every", "must be at least 1");

  for (const char* c : k_components) (void)e.plugin_name(c);
  return e;
}

void inject_component_value(Experiment& e, const std::string& section, const std::string& key, int64_t value,
                            const std::string& source) {
  toml::table* t = e.doc.get(section)->as_table();
  if (const toml::node* n = t->get(key)) {
    auto v = n->value_exact<int64_t>();
    if (!v) throw Error(e.where(section + "." + key) + " must be an integer");
    if (*v != value)
      throw Error(e.where(section + "." + key) + " is " + std::to_string(*v) + " but " + source + " gives " +
                  std::to_string(value) + "; remove the key to use " + std::to_string(value));
    return;
  }
  t->insert(key, value);
}

}  // namespace ftl
