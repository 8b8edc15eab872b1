// run_file.cpp - reading results files for compare/report (see run_file.hpp).
#include "analysis/run_file.hpp"

#include "results/h5.hpp"
#include "results/records.hpp"
#include "results/schema.hpp"
#include "util/error.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <set>
#include <sstream>

namespace fs = std::filesystem;

namespace ftl::analysis {

namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string attr_or(hid_t obj, const char* name, const std::string& fallback = "") {
  return H5Aexists(obj, name) > 0 ? h5::read_attr_string(obj, name) : fallback;
}

std::vector<std::string> lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string l; std::getline(in, l);)
    if (!l.empty()) out.push_back(l);
  return out;
}

void flatten_into(const toml::table& t, const std::string& prefix, std::map<std::string, std::string>& out) {
  for (const auto& [k, node] : t) {
    const std::string key = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
    if (const toml::table* sub = node.as_table()) {
      flatten_into(*sub, key, out);
      continue;
    }
    std::ostringstream s;
    if (const toml::array* a = node.as_array())
      s << *a;
    else if (auto v = node.value_exact<std::string>())
      s << *v;  // strings without quotes: columns read better
    else if (auto d = node.value_exact<double>()) {
      char b[32];  // shortest form that reads back exactly: 0.003, not 0.0030000000000000001
      auto res = std::to_chars(b, b + sizeof b, *d);
      s << std::string(b, res.ptr);
    } else
      node.visit([&](const auto& n) { s << n; });
    out[key] = s.str();
  }
}

void read_test_metrics(hid_t root, RunInfo& r) {
  const std::string path = std::string(schema::k_eval) + "/test/final";
  if (!h5::exists(root, std::string(schema::k_eval) + "/test") || !h5::exists(root, path)) return;
  h5::Handle g = h5::open_group(root, path);
  r.metric_order = lines(attr_or(g.id(), "metrics"));
  for (const auto& k : r.metric_order) r.metrics[k] = h5::read_attr_double(g.id(), "metric/" + k);
  if (H5Aexists(g.id(), "loss") > 0) r.metrics["loss"] = h5::read_attr_double(g.id(), "loss");
}

void read_table_metrics(hid_t root, const std::string& split, RunInfo& r) {
  const std::string path = std::string(schema::k_metrics) + "/" + split;
  if (!h5::exists(root, path)) return;
  h5::Handle g = h5::open_group(root, path);
  const auto steps = h5::read<int64_t>(g.id(), "step");
  if (steps.empty()) return;
  size_t row = steps.size() - 1;
  if (h5::exists(root, schema::k_summary)) {
    h5::Handle s = h5::open_group(root, schema::k_summary);
    if (H5Aexists(s.id(), "best_step") > 0) {
      const auto best = static_cast<int64_t>(h5::read_attr_double(s.id(), "best_step"));
      auto it = std::find(steps.begin(), steps.end(), best);
      if (it != steps.end()) row = static_cast<size_t>(it - steps.begin());
    }
  }
  for (const auto& name : h5::children(root, path)) {
    if (name == "step" || name == "epoch") continue;
    const auto v = h5::read<double>(g.id(), name);
    if (row < v.size()) r.metrics[name] = v[row];
    if (name != "loss") r.metric_order.push_back(name);
  }
}

}  // namespace

std::vector<std::string> run_files_expand(const std::vector<std::string>& args) {
  std::vector<std::string> out;
  for (const auto& a : args) {
    std::error_code ec;
    if (fs::is_directory(a, ec)) {
      std::vector<std::string> found;
      for (auto it = fs::recursive_directory_iterator(a, ec); !ec && it != fs::recursive_directory_iterator();
           it.increment(ec)) {
        const std::string p = it->path().string();
        // Checkpoint folders (<run>.h5.ckpt/) hold checkpoint files, not runs.
        if (it->is_directory() && ends_with(p, ".ckpt")) {
          it.disable_recursion_pending();
          continue;
        }
        // A FIFO or device named *.h5 is listed too, so that it is reported as not a results file.
        if (!it->is_directory() && (ends_with(p, ".h5") || ends_with(p, ".h5.partial"))) found.push_back(p);
      }
      std::sort(found.begin(), found.end());
      out.insert(out.end(), found.begin(), found.end());
    } else if (fs::exists(a, ec)) {
      out.push_back(a);
    } else {
      throw Error(a + ": no such file or folder; give results files (.h5) or folders that contain them");
    }
  }
  return out;
}

RunInfo run_info_read(const std::string& path, const std::string& split) {
  RunInfo r;
  r.path = path;
  h5::Handle f;
  try {
    f = h5::open_file(path, false);
  } catch (const Error&) {
    r.state = RunState::not_results;
    r.problem = "cannot open as HDF5";
    return r;
  }
  const hid_t root = f.id();
  if (attr_or(root, schema::k_attr_format) != schema::k_format) {
    r.state = RunState::not_results;
    r.problem = "not an ftlab results file (no format = \"ftlab-results\")";
    return r;
  }
  const int64_t version =
      H5Aexists(root, schema::k_attr_schema_version) > 0 ? h5::read_attr_int(root, schema::k_attr_schema_version) : -1;
  if (version != schema::k_schema_version) {
    r.state = RunState::other_schema;
    r.problem = "schema version " + std::to_string(version) + " (this ftlab reads " +
                std::to_string(schema::k_schema_version) + "; written by ftlab " +
                attr_or(root, schema::k_attr_ftlab_version, "?") + ")";
    return r;
  }
  const std::string status = attr_or(root, schema::k_attr_status, "?");
  if (status != "complete" || ends_with(path, ".partial")) {
    r.state = RunState::incomplete;
    r.problem = "incomplete run (status " + status + ")";
    const std::string err = attr_or(root, schema::k_attr_error);
    if (!err.empty()) r.problem += ": " + err;
    return r;
  }
  if (h5::exists(root, schema::k_config)) {
    h5::Handle c = h5::open_group(root, schema::k_config);
    try {
      r.config = toml_flatten(attr_or(c.id(), "experiment_toml"));
    } catch (const Error& e) {
      r.state = RunState::not_results;
      r.problem = std::string("stored experiment_toml does not parse: ") + e.what();
      return r;
    }
  }
  if (split == "test")
    read_test_metrics(root, r);
  else
    read_table_metrics(root, split, r);
  return r;
}

std::string config_value(const RunInfo& r, const std::string& key) {
  auto it = r.config.find(key);
  return it == r.config.end() ? "-" : it->second;
}

std::vector<std::string> config_keys_differing(const std::vector<const RunInfo*>& runs) {
  std::set<std::string> all;
  for (const RunInfo* r : runs)
    for (const auto& kv : r->config) all.insert(kv.first);
  std::vector<std::string> out;
  for (const auto& k : all) {
    const std::string v0 = config_value(*runs[0], k);
    if (std::any_of(runs.begin(), runs.end(), [&](const RunInfo* r) { return config_value(*r, k) != v0; }))
      out.push_back(k);
  }
  return out;
}

std::map<std::string, std::string> toml_flatten(const std::string& text) {
  std::map<std::string, std::string> out;
  try {
    toml::table t = toml::parse(text);
    flatten_into(t, "", out);
  } catch (const toml::parse_error& e) {
    throw Error(std::string(e.description()));
  }
  return out;
}

Predictions predictions_read(const std::string& path, const std::string& split, const std::string& tag) {
  h5::Handle f = h5::open_file(path, false);
  const std::string g = std::string(schema::k_eval) + "/" + split + "/" + tag;
  if (!h5::exists(f.id(), std::string(schema::k_eval) + "/" + split) || !h5::exists(f.id(), g))
    throw Error(path + ": no " + g + " (the run stored no " + split + " predictions)");
  h5::Handle grp = h5::open_group(f.id(), g);
  Predictions p;
  std::vector<int64_t> shape;
  p.logits = h5::read<float>(grp.id(), "logits", &shape);
  p.labels = h5::read<int64_t>(grp.id(), "labels");
  check_predictions(path + ": " + g, shape, p.labels);
  p.n = shape[0];
  p.c = shape[1];
  if (h5::exists(f.id(), schema::k_data)) {  // one logit column per label name
    h5::Handle d = h5::open_group(f.id(), schema::k_data);
    const size_t names = h5::read_strings(d.id(), "label_names").size();
    if (static_cast<int64_t>(names) != p.c)
      throw Error(path + ": " + g + "/logits has " + std::to_string(p.c) + " columns but data/label_names " +
                  std::to_string(names) + " names; the file is damaged");
  }
  check_finite_logits(path + ": " + g, p.logits, p.c);
  return p;
}

}  // namespace ftl::analysis
