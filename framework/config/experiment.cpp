// experiment.cpp - loading, overriding and validating experiment files.
#include "config/experiment.hpp"

#include "util/error.hpp"

#include <cmath>
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
    } else if constexpr (std::is_same_v<T, bool>) {
      if (auto v = n->value_exact<bool>()) return *v;
      throw Error(at + " must be true or false");
    } else if constexpr (std::is_integral_v<T>) {
      if (auto v = n->value_exact<int64_t>()) return static_cast<T>(*v);
      throw Error(at + " must be an integer");
    } else {
      if (auto v = n->value<double>()) return *v;
      throw Error(at + " must be a number");
    }
  }

  bool is_string(const std::string& key) const {
    const toml::node* n = t_ != nullptr ? t_->get(key) : nullptr;
    return n != nullptr && n->is_string();
  }

  std::vector<double> numbers(const std::string& key) {
    used_.insert(key);
    std::vector<double> out;
    const toml::node* n = t_ != nullptr ? t_->get(key) : nullptr;
    if (n == nullptr) return out;
    const auto* arr = n->as_array();
    if (arr == nullptr) throw Error(e_.where(section_ + "." + key) + " must be an array of numbers");
    for (const auto& item : *arr) {
      auto v = item.value<double>();
      if (!v) throw Error(e_.where(section_ + "." + key) + " must be an array of numbers");
      out.push_back(*v);
    }
    return out;
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

// Upper bounds on sizes and counts, so that step arithmetic (epochs x steps per epoch,
// batch x accumulation) stays far from int64 overflow and a typo such as 2^63 is an
// error at validate time instead of "0 steps" or a division by zero after loading.
void check_train_bounds(const Experiment& e) {
  const TrainConfig& tc = e.train;
  const std::pair<const char*, std::pair<int64_t, int64_t>> counts[] = {
      {"epochs", {tc.epochs, k_max_epochs}},
      {"batch_size", {tc.batch_size, k_max_batch}},
      {"eval_batch_size", {tc.eval_batch_size, k_max_batch}},
      {"gradient_accumulation_steps", {tc.gradient_accumulation_steps, k_max_batch}},
      {"log_every", {tc.log_every, k_max_steps}},
      {"eval_steps", {tc.eval_steps, k_max_steps}},
      {"save_steps", {tc.save_steps, k_max_steps}},
      {"warmup_steps", {tc.warmup_steps, k_max_steps}},
      {"save_total_limit", {tc.save_total_limit, k_max_epochs}},
      {"early_stopping_patience", {tc.early_stopping_patience, k_max_epochs}}};
  for (const auto& [key, vm] : counts)
    check(vm.first <= vm.second, e, std::string("train.") + key, "must be at most " + std::to_string(vm.second));
  const std::pair<const char*, double> reals[] = {{"learning_rate", tc.learning_rate},
                                                  {"weight_decay", tc.weight_decay},
                                                  {"adam_epsilon", tc.adam_epsilon},
                                                  {"max_grad_norm", tc.max_grad_norm},
                                                  {"early_stopping_threshold", tc.early_stopping_threshold}};
  for (const auto& [key, v] : reals) check(std::isfinite(v), e, std::string("train.") + key, "must be finite");
  double weight_sum = 0.0;
  for (double w : tc.class_weights) {
    check(std::isfinite(w) && w >= 0.0, e, "train.class_weights", "weights must be finite and not negative");
    weight_sum += w;
  }
  check(tc.class_weights.empty() || weight_sum > 0.0, e, "train.class_weights",
        "weights must not all be 0 (the loss would be 0/0)");
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

namespace {
void finish_experiment(Experiment& e);
}  // namespace

Experiment load_experiment(const std::string& path, const std::vector<std::string>& overrides) {
  if (!fs::is_regular_file(path)) throw Error(path + ": experiment file not found; check the path");
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return load_experiment_text(ss.str(), fs::absolute(path).parent_path().string(), path, overrides);
}

Experiment load_experiment_text(const std::string& text, const std::string& base_dir, const std::string& path,
                                const std::vector<std::string>& overrides) {
  Experiment e;
  e.path = path;
  e.overrides = overrides;
  e.base_dir = base_dir;
  try {
    e.doc = toml::parse(text, path);
  } catch (const toml::parse_error& err) {
    throw Error(path + ":" + std::to_string(err.source().begin.line) + ":" + std::to_string(err.source().begin.column) +
                ": invalid TOML: " + std::string(err.description()));
  }
  for (const auto& o : overrides) apply_override(e.doc, o);
  finish_experiment(e);
  return e;
}

namespace {

// A string with a NUL byte would be cut at it by every C API it reaches
// (file names, plugin configs): refused, naming the key.
void check_no_nul(const toml::table& t, const Experiment& e, const std::string& prefix) {
  for (const auto& [k, v] : t) {
    const std::string key = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
    if (const toml::table* sub = v.as_table()) check_no_nul(*sub, e, key);
    if (const toml::array* a = v.as_array())
      for (const auto& n : *a)
        if (auto s = n.value_exact<std::string>(); s && s->find('\0') != std::string::npos)
          throw Error(e.where(key) + ": contains a NUL character; remove it");
    if (auto s = v.value_exact<std::string>(); s && s->find('\0') != std::string::npos)
      throw Error(e.where(key) + ": contains a NUL character; remove it");
  }
}

void finish_experiment(Experiment& e) {
  const std::string& path = e.path;
  check_no_nul(e.doc, e, "");

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
  check(e.threads >= 0 && e.threads <= k_max_threads, e, "experiment.threads",
        "must be 0 (all cores) or a count of threads up to " + std::to_string(k_max_threads));

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
  tc.gradient_accumulation_steps = t.get<int64_t>("gradient_accumulation_steps", tc.gradient_accumulation_steps);
  tc.lr_scheduler = t.get<std::string>("lr_scheduler", tc.lr_scheduler);
  tc.eval_strategy = t.get<std::string>("eval_strategy", tc.eval_strategy);
  tc.eval_steps = t.get<int64_t>("eval_steps", tc.eval_steps);
  tc.save_strategy = t.get<std::string>("save_strategy", tc.save_strategy);
  tc.save_steps = t.get<int64_t>("save_steps", tc.save_steps);
  tc.save_total_limit = t.get<int64_t>("save_total_limit", tc.save_total_limit);
  tc.metric_for_best_model = t.get<std::string>("metric_for_best_model", tc.metric_for_best_model);
  const bool ends_in_loss = tc.metric_for_best_model.size() >= 4 &&
                            tc.metric_for_best_model.compare(tc.metric_for_best_model.size() - 4, 4, "loss") == 0;
  tc.greater_is_better = t.get<bool>("greater_is_better", !ends_in_loss);
  tc.load_best_model_at_end = t.get<bool>("load_best_model_at_end", tc.load_best_model_at_end);
  tc.early_stopping_patience = t.get<int64_t>("early_stopping_patience", tc.early_stopping_patience);
  tc.early_stopping_threshold = t.get<double>("early_stopping_threshold", tc.early_stopping_threshold);
  tc.label_smoothing = t.get<double>("label_smoothing", tc.label_smoothing);
  if (t.is_string("class_weights")) {
    tc.class_weights_balanced = t.get<std::string>("class_weights", "") == "balanced";
    check(tc.class_weights_balanced, e, "train.class_weights", "must be \"balanced\" or an array of numbers");
  } else {
    tc.class_weights = t.numbers("class_weights");
  }
  tc.group_by_length = t.get<bool>("group_by_length", tc.group_by_length);
  tc.pad_to_multiple_of = t.get<int64_t>("pad_to_multiple_of", tc.pad_to_multiple_of);
  tc.precision = t.get<std::string>("precision", tc.precision);
  tc.optim = t.get<std::string>("optim", tc.optim);
  t.finish();
  check(tc.epochs >= 1, e, "train.epochs", "must be at least 1");
  check(tc.batch_size >= 1, e, "train.batch_size", "must be at least 1");
  check(tc.pad_to_multiple_of >= 0 && tc.pad_to_multiple_of <= 512, e, "train.pad_to_multiple_of",
        "must be 0 (auto: 8 on CUDA, 1 on CPU) or a count of tokens up to 512");
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
  check(tc.gradient_accumulation_steps >= 1, e, "train.gradient_accumulation_steps", "must be at least 1");
  check(tc.lr_scheduler == "linear" || tc.lr_scheduler == "cosine" || tc.lr_scheduler == "constant" ||
            tc.lr_scheduler == "constant_with_warmup",
        e, "train.lr_scheduler", "must be \"linear\", \"cosine\", \"constant\" or \"constant_with_warmup\"");
  for (const auto& [key, value] :
       {std::pair<std::string, std::string>{"eval_strategy", tc.eval_strategy}, {"save_strategy", tc.save_strategy}})
    check(value == "epoch" || value == "steps" || value == "no", e, "train." + key,
          "must be \"epoch\", \"steps\" or \"no\"");
  check(tc.eval_strategy != "steps" || tc.eval_steps >= 1, e, "train.eval_steps",
        "must be at least 1 when eval_strategy = \"steps\"");
  check(tc.save_strategy != "steps" || tc.save_steps >= 1, e, "train.save_steps",
        "must be at least 1 when save_strategy = \"steps\"");
  check(tc.save_total_limit >= 0, e, "train.save_total_limit", "must be 0 (keep all) or positive");
  if (tc.load_best_model_at_end) {
    check(tc.save_strategy == tc.eval_strategy && tc.eval_strategy != "no" &&
              (tc.save_strategy != "steps" || tc.save_steps % tc.eval_steps == 0),
          e, "train.load_best_model_at_end",
          "needs save_strategy equal to eval_strategy (not \"no\") and save_steps a multiple of eval_steps, "
          "so that every evaluated model is saved");
  }
  check(tc.early_stopping_patience >= 0, e, "train.early_stopping_patience", "must be 0 (off) or positive");
  check(tc.early_stopping_patience == 0 || tc.eval_strategy != "no", e, "train.early_stopping_patience",
        "needs evaluations: set eval_strategy to \"epoch\" or \"steps\"");
  check(tc.early_stopping_threshold >= 0, e, "train.early_stopping_threshold", "must be zero or positive");
  check(tc.label_smoothing >= 0 && tc.label_smoothing < 1, e, "train.label_smoothing", "must be in [0, 1)");
  for (double w : tc.class_weights) check(w >= 0, e, "train.class_weights", "weights must be zero or positive");
  check(tc.precision == "auto" || tc.precision == "fp32" || tc.precision == "bf16" || tc.precision == "fp16", e,
        "train.precision", "must be \"auto\", \"fp32\", \"bf16\" or \"fp16\"");
  check(tc.optim == "auto" || tc.optim == "adamw_fused" || tc.optim == "adamw_loop", e, "train.optim",
        "must be \"auto\", \"adamw_fused\" (CUDA, LibTorch >= 2.2) or \"adamw_loop\"");
  check(tc.optim != "adamw_fused" || e.device != "cpu", e, "train.optim",
        "the fused AdamW kernel runs on CUDA; use \"auto\" or \"adamw_loop\" on CPU");
  check(tc.precision == "auto" || tc.precision == "fp32" || e.device != "cpu", e, "train.precision",
        "bf16/fp16 autocast is for CUDA; on CPU ftlab trains in fp32 (remove the key or set device = \"cuda\")");

  check_train_bounds(e);
  for (const char* c : k_components) (void)e.plugin_name(c);
}
}  // namespace

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
