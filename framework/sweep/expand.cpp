// expand.cpp - sweep expansion (see expand.hpp).
#include "sweep/expand.hpp"

#include "config/experiment.hpp"
#include "util/error.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

#include <toml++/toml.h>

namespace fs = std::filesystem;

namespace ftl {

namespace {

std::string hex_hash(const std::string& s) {
  uint64_t h = 1469598103934665603ull;  // FNV-1a 64
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return std::string(buf, 12);
}

std::string toml_value(const toml::node& n) {
  if (auto d = n.value_exact<double>()) {  // shortest text that reads back the same double
    char buf[64];
    auto res = std::to_chars(buf, buf + sizeof buf, *d);
    std::string t(buf, res.ptr);
    if (t.find_first_of(".eEn") == std::string::npos) t += ".0";  // stay a TOML float
    return t;
  }
  std::ostringstream ss;
  n.visit([&](const auto& v) { ss << v; });
  return ss.str();
}

std::string where(const std::string& file, const toml::node& n, const std::string& key) {
  return file + ":" + std::to_string(n.source().begin.line) + ": " + key;
}

// The node at a dotted key of the experiment, or nullptr.
const toml::node* find_key(const toml::table& doc, const std::string& key, std::string* parent_keys) {
  const toml::table* t = &doc;
  std::stringstream ss(key);
  std::string part, walked;
  std::vector<std::string> parts;
  while (std::getline(ss, part, '.')) parts.push_back(part);
  for (size_t i = 0; i < parts.size(); ++i) {
    const toml::node* n = t->get(parts[i]);
    if (n == nullptr) {
      if (parent_keys != nullptr) {
        for (const auto& [k, v] : *t) {
          (void)v;
          *parent_keys += (parent_keys->empty() ? "" : ", ") + std::string(k.str());
        }
        *parent_keys = (walked.empty() ? "top level" : "[" + walked + "]") + ": " + *parent_keys;
      }
      return nullptr;
    }
    if (i + 1 == parts.size()) return n;
    if (!n->is_table()) return nullptr;
    t = n->as_table();
    walked += (walked.empty() ? "" : ".") + parts[i];
  }
  return nullptr;
}

}  // namespace

Sweep load_sweep(const std::string& path, const std::vector<std::string>& extra_overrides) {
  if (!fs::is_regular_file(path)) throw Error(path + ": sweep file not found; check the path");
  toml::table doc;
  try {
    doc = toml::parse_file(path);
  } catch (const toml::parse_error& err) {
    throw Error(path + ":" + std::to_string(err.source().begin.line) +
                ": invalid TOML: " + std::string(err.description()));
  }
  const toml::table* sw = doc["sweep"].as_table();
  if (sw == nullptr) throw Error(path + ": no [sweep] table; add one with mode and params (see docs/sweeps.md)");
  Sweep s;
  s.file = path;
  s.base_dir = fs::absolute(path).parent_path().string();
  s.name = sw->get("name") ? sw->get("name")->value_or(std::string()) : fs::path(path).stem().string();
  if (s.name.empty() || s.name == "." || s.name == ".." ||
      s.name.find_first_of(std::string("/\0", 2)) != std::string::npos)
    throw Error(path + ": sweep.name must be a folder name: non-empty, not '.' or '..', without '/' or NUL");
  const std::string mode = sw->get("mode") ? sw->get("mode")->value_or(std::string()) : "grid";
  if (mode != "grid" && mode != "zip" && mode != "random")
    throw Error(where(path, *sw->get("mode"), "sweep.mode") + " must be \"grid\", \"zip\" or \"random\"");
  const int64_t count = sw->get("count") ? sw->get("count")->value_or(int64_t{0}) : 0;
  const int64_t seed = sw->get("seed") ? sw->get("seed")->value_or(int64_t{0}) : 0;
  for (const auto& [k, v] : *sw) {
    const std::string key(k.str());
    if (key != "name" && key != "mode" && key != "count" && key != "seed" && key != "params" && key != "output_dir")
      throw Error(where(path, v, "sweep." + key) +
                  ": unknown key; expected name, mode, count, seed, output_dir, params");
  }
  const toml::table* params = sw->get("params") ? sw->get("params")->as_table() : nullptr;
  if (params == nullptr || params->empty())
    throw Error(path + ": [sweep.params] is missing or empty; give at least one dotted key with a list of values");
  if (mode == "random" && (count < 1 || count > k_max_sweep_points))
    throw Error(path + ": sweep.count must be between 1 and " + std::to_string(k_max_sweep_points) +
                " for mode = \"random\"");

  toml::table base = doc;
  base.erase("sweep");
  {
    std::ostringstream ss;
    ss << base;
    s.experiment_toml = ss.str();
  }
  // Every swept key must exist in the experiment (a typo would otherwise sweep nothing).
  std::vector<std::vector<std::string>> values;  // per key: TOML value texts (grid/zip)
  std::vector<const toml::node*> specs;
  for (const auto& [k, v] : *params) {
    const std::string key(k.str());
    std::string near;
    if (find_key(base, key, &near) == nullptr)
      throw Error(where(path, v, "sweep.params.\"" + key + "\"") + ": '" + key + "' is not in the experiment (" + near +
                  "); write the key in the experiment with its default to sweep it");
    s.keys.push_back(key);
    specs.push_back(&v);
    std::vector<std::string> vals;
    if (const auto* arr = v.as_array()) {
      for (const auto& item : *arr) vals.push_back(toml_value(item));
      if (vals.empty()) throw Error(where(path, v, "sweep.params.\"" + key + "\"") + ": the list is empty");
    } else if (!(mode == "random" && v.is_table())) {
      throw Error(
          where(path, v, "sweep.params.\"" + key + "\"") +
          (mode == "random" ? ": must be a list of values or a table {low, high, log}" : ": must be a list of values"));
    }
    values.push_back(vals);
  }

  std::vector<std::vector<std::string>> rows;  // per point: one value text per key
  if (mode == "grid") {
    double points = 1;
    for (const auto& vals : values) points *= static_cast<double>(std::max<size_t>(vals.size(), 1));
    if (points > static_cast<double>(k_max_sweep_points)) {
      char n[32];
      std::snprintf(n, sizeof n, "%.3g", points);
      throw Error(path + ": the grid has " + n + " points, over " + std::to_string(k_max_sweep_points) +
                  "; use fewer values, or mode = \"random\" with a count");
    }
    rows.push_back({});
    for (const auto& vals : values) {
      std::vector<std::vector<std::string>> next;
      for (const auto& r : rows)
        for (const auto& v : vals) {
          auto r2 = r;
          r2.push_back(v);
          next.push_back(r2);
        }
      rows.swap(next);
    }
  } else if (mode == "zip") {
    for (size_t i = 1; i < values.size(); ++i)
      if (values[i].size() != values[0].size())
        throw Error(path + ": zip mode needs lists of equal length; '" + s.keys[0] + "' has " +
                    std::to_string(values[0].size()) + " values, '" + s.keys[i] + "' has " +
                    std::to_string(values[i].size()));
    for (size_t j = 0; j < values[0].size(); ++j) {
      std::vector<std::string> r;
      for (const auto& vals : values) r.push_back(vals[j]);
      rows.push_back(r);
    }
  } else {
    std::mt19937_64 rng(static_cast<uint64_t>(seed));
    for (int64_t j = 0; j < count; ++j) {
      std::vector<std::string> r;
      for (size_t i = 0; i < specs.size(); ++i) {
        if (!values[i].empty()) {
          r.push_back(values[i][static_cast<size_t>(rng() % values[i].size())]);
          continue;
        }
        const toml::table& t = *specs[i]->as_table();
        auto low = t["low"].value<double>(), high = t["high"].value<double>();
        const bool log = t["log"].value_or(false);
        if (!low || !high || *high < *low || (log && *low <= 0))
          throw Error(where(path, *specs[i], "sweep.params.\"" + s.keys[i] + "\"") +
                      ": needs numbers low <= high (and low > 0 with log = true)");
        const double u = static_cast<double>(rng() >> 11) / 9007199254740992.0;  // [0, 1)
        const double x =
            log ? std::exp(std::log(*low) + u * (std::log(*high) - std::log(*low))) : *low + u * (*high - *low);
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.6g", x);
        std::string text = buf;
        if (text.find_first_of(".eE") == std::string::npos) text += ".0";  // keep it a TOML float
        r.push_back(text);
      }
      rows.push_back(r);
    }
  }

  // Resolve every point: validates host keys and yields the stable id.
  std::map<std::string, size_t> seen;
  for (const auto& r : rows) {
    SweepPoint pt;
    for (size_t i = 0; i < s.keys.size(); ++i) pt.overrides.push_back(s.keys[i] + "=" + r[i]);
    std::vector<std::string> all = pt.overrides;
    all.insert(all.end(), extra_overrides.begin(), extra_overrides.end());
    Experiment e = load_experiment_text(s.experiment_toml, s.base_dir, path, all);
    pt.id = hex_hash(e.resolved_toml());
    if (seen.count(pt.id)) continue;  // random draws may repeat a point
    seen[pt.id] = s.points.size();
    if (s.output_dir.empty()) s.output_dir = e.output_dir + "/sweeps";
    s.points.push_back(std::move(pt));
  }
  if (const toml::node* od = sw->get("output_dir")) {
    auto v = od->value<std::string>();
    if (!v) throw Error(where(path, *od, "sweep.output_dir") + " must be a string");
    s.output_dir = fs::path(*v).is_absolute() ? *v : (fs::path(s.base_dir) / *v).lexically_normal().string();
  }
  return s;
}

std::vector<SweepPoint> shard(const std::vector<SweepPoint>& points, int64_t k, int64_t n) {
  std::vector<SweepPoint> out;
  for (size_t i = 0; i < points.size(); ++i)
    if (static_cast<int64_t>(i % static_cast<size_t>(n)) == k) out.push_back(points[i]);
  return out;
}

}  // namespace ftl
