// dataset_table.cpp - the `table` dataset plugin: users' own labelled text in
// CSV (RFC 4180), TSV or JSONL files, one file per split.
// Config keys: train (required), validation, test (file paths); format
// ("auto" from the extension, "csv", "tsv", "jsonl"); text_column (default
// "text"), label_column (default "label"): names, or 0-based numbers when
// header = false; header (CSV/TSV, default true); quoting (CSV/TSV, default
// true); labels (array of label names: ids follow its order, a label cell may
// hold a name or an id); without labels they are inferred from the training
// split: sorted numerically when every label is an integer, else by code point
// (as Python's sorted() does); max_train, max_validation, max_test.
// Limits: whole files are read into memory; texts are kept as written.
#include "table_readers.hpp"

#include <ftlab/dataset.hpp>

#include <algorithm>
#include <map>
#include <memory>
#include <set>

namespace {

using Split = ftl::sdk::DatasetSplit;

bool is_integer(const std::string& s, int64_t* v) {
  if (s.empty() || s.size() > 18) return false;
  size_t i = s[0] == '-' ? 1 : 0;
  if (i == s.size()) return false;
  for (size_t k = i; k < s.size(); ++k)
    if (s[k] < '0' || s[k] > '9') return false;
  *v = std::stoll(s);
  return true;
}

// The component table, read with toml++ directly because `labels` is an array.
struct Settings {
  std::string files[3];
  table::ReadOptions read;
  std::vector<std::string> labels;
  bool labels_given = false;
  int64_t limits[3] = {0, 0, 0};
};

Settings read_settings(const ftl_config* cfg) {
  if (cfg == nullptr || cfg->toml == nullptr) throw ftl::sdk::invalid_argument("config is NULL");
  toml::table t;
  try {
    t = toml::parse(std::string_view(cfg->toml, cfg->toml_len));
  } catch (const toml::parse_error& e) {
    throw ftl::sdk::config_error("",
                                 std::string("component config is not valid TOML: ") + std::string(e.description()));
  }
  const std::string base = cfg->base_dir != nullptr ? cfg->base_dir : "";
  static const std::set<std::string> known = {"train",       "validation",   "test",           "format",
                                              "text_column", "label_column", "header",         "quoting",
                                              "labels",      "max_train",    "max_validation", "max_test"};
  for (const auto& [k, v] : t) {
    (void)v;
    if (known.count(std::string(k.str())) == 0)
      throw ftl::sdk::config_error(std::string(k.str()),
                                   "unknown key '" + std::string(k.str()) + "'; remove it or check its spelling");
  }
  auto str = [&](const char* key, const std::string& fallback) {
    const toml::node* n = t.get(key);
    if (n == nullptr) return fallback;
    if (auto v = n->value_exact<std::string>()) return *v;
    throw ftl::sdk::config_error(key, std::string("'") + key + "' must be a string");
  };
  auto column = [&](const char* key, const std::string& fallback) {
    const toml::node* n = t.get(key);
    if (n != nullptr)
      if (auto v = n->value_exact<int64_t>()) return std::to_string(*v);
    return str(key, fallback);
  };
  auto boolean = [&](const char* key, bool fallback) {
    const toml::node* n = t.get(key);
    if (n == nullptr) return fallback;
    if (auto v = n->value_exact<bool>()) return *v;
    throw ftl::sdk::config_error(key, std::string("'") + key + "' must be true or false");
  };
  Settings s;
  const char* split_keys[3] = {"train", "validation", "test"};
  for (int i = 0; i < 3; ++i) {
    s.files[i] = str(split_keys[i], "");
    if (!s.files[i].empty() && s.files[i][0] != '/' && !base.empty()) s.files[i] = base + "/" + s.files[i];
  }
  if (s.files[0].empty()) throw ftl::sdk::config_error("train", "required key 'train' (the training file) is missing");
  s.read.format = str("format", "auto");
  s.read.text_column = column("text_column", "text");
  s.read.label_column = column("label_column", "label");
  s.read.header = boolean("header", true);
  s.read.quoting = boolean("quoting", true);
  if (const toml::node* n = t.get("labels")) {
    const toml::array* a = n->as_array();
    if (a == nullptr) throw ftl::sdk::config_error("labels", "'labels' must be an array of label names");
    for (const auto& e : *a) {
      auto v = e.value_exact<std::string>();
      if (!v) throw ftl::sdk::config_error("labels", "'labels' must hold strings, e.g. [\"negative\", \"positive\"]");
      if (std::find(s.labels.begin(), s.labels.end(), *v) != s.labels.end())
        throw ftl::sdk::config_error("labels", "label '" + *v + "' is listed twice");
      s.labels.push_back(*v);
    }
    if (s.labels.size() < 2) throw ftl::sdk::config_error("labels", "'labels' needs at least two names");
    s.labels_given = true;
  }
  const char* limit_keys[3] = {"max_train", "max_validation", "max_test"};
  for (int i = 0; i < 3; ++i) {
    const toml::node* n = t.get(limit_keys[i]);
    if (n == nullptr) continue;
    auto v = n->value_exact<int64_t>();
    if (!v || *v < 0) throw ftl::sdk::config_error(limit_keys[i], "must be 0 (all examples) or a positive count");
    s.limits[i] = *v;
  }
  if (s.read.format != "auto" && s.read.format != "csv" && s.read.format != "tsv" && s.read.format != "jsonl")
    throw ftl::sdk::config_error("format", "format must be \"auto\", \"csv\", \"tsv\" or \"jsonl\"");
  return s;
}

// Sorted unique labels of the training rows (numeric order if all are integers).
std::vector<std::string> infer_labels(const std::vector<table::Row>& rows, const std::string& path) {
  std::set<std::string> seen;
  for (const auto& r : rows) seen.insert(r.label);
  std::vector<std::string> names(seen.begin(), seen.end());  // std::string order = UTF-8 byte order = code points
  bool all_int = true;
  int64_t v = 0;
  for (const auto& n : names) all_int = all_int && is_integer(n, &v);
  if (all_int)
    std::sort(names.begin(), names.end(),
              [](const std::string& a, const std::string& b) { return std::stoll(a) < std::stoll(b); });
  if (names.size() < 2)
    throw ftl::sdk::data_error(path + ": the training split has " + std::to_string(names.size()) +
                               " distinct label(s); a classifier needs at least two (or list them in 'labels')");
  return names;
}

std::unique_ptr<ftl::sdk::MemoryDataset> load(const ftl_config* cfg, const ftl_host_api*) {
  Settings s = read_settings(cfg);
  auto d = std::make_unique<ftl::sdk::MemoryDataset>();
  std::vector<table::Row> rows[3];
  for (int i = 0; i < 3; ++i) {
    if (s.files[i].empty()) continue;
    table::ReadOptions ro = s.read;
    if (ro.format == "auto") {
      ro.format = table::format_from_name(s.files[i]);
      if (ro.format.empty())
        throw ftl::sdk::config_error("format", s.files[i] +
                                                   ": cannot tell the format from the name; set format = \"csv\", "
                                                   "\"tsv\" or \"jsonl\"");
    }
    rows[i] = table::read_table(s.files[i], ro);
  }
  if (rows[0].empty()) throw ftl::sdk::data_error(s.files[0] + ": the training file has no examples");
  d->label_names = s.labels_given ? s.labels : infer_labels(rows[0], s.files[0]);
  std::map<std::string, int64_t> ids;
  for (size_t k = 0; k < d->label_names.size(); ++k) ids[d->label_names[k]] = static_cast<int64_t>(k);
  const auto C = static_cast<int64_t>(d->label_names.size());
  for (int i = 0; i < 3; ++i) {
    Split& sp = d->splits[i];
    size_t n = rows[i].size();
    if (s.limits[i] > 0) n = std::min(n, static_cast<size_t>(s.limits[i]));
    sp.texts.reserve(n);
    sp.labels.reserve(n);
    for (size_t r = 0; r < n; ++r) {
      const table::Row& row = rows[i][r];
      auto it = ids.find(row.label);
      int64_t id = 0;
      if (it != ids.end()) {
        id = it->second;
      } else if (s.labels_given && is_integer(row.label, &id) && id >= 0 && id < C) {
        // an id given directly
      } else {
        throw ftl::sdk::data_error(s.files[i] + ":" + std::to_string(row.line) + ": label '" + row.label +
                                   "' is not one of the " + std::to_string(C) + " labels" +
                                   (s.labels_given ? " listed in 'labels'" : " of the training file") +
                                   "; fix the row or list every label in 'labels'");
      }
      sp.texts.push_back(row.text);
      sp.labels.push_back(id);
    }
  }
  return d;
}

const ftl_factory k_factories[] = {{sizeof(ftl_factory), FTL_KIND_DATASET, "table", "0.1.0",
                                    "your own CSV (RFC 4180) / TSV / JSONL files: text and label columns",
                                    FTL_CAP_THREAD_SAFE, &ftl::sdk::MemoryDatasetSlots<load>::vtable}};

const ftl_plugin_descriptor k_descriptor = {
    sizeof(ftl_plugin_descriptor), FTL_ABI_MAJOR, FTL_ABI_MINOR, "dataset_table", "", 1, k_factories};

}  // namespace

FTL_PLUGIN_ENTRY(k_descriptor)
