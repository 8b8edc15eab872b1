// writer.cpp - the results file writer (layout in schema.hpp and
// docs/results-format.md).
#include "results/writer.hpp"

#include "results/schema.hpp"
#include "util/error.hpp"
#include "util/version.hpp"

#include <chrono>
#include <ctime>
#include <filesystem>

namespace fs = std::filesystem;

namespace ftl {

namespace {

std::string now_iso8601() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

}  // namespace

RunWriter::RunWriter(std::string path) : path_(std::move(path)), partial_(path_ + ".partial") {
  fs::path parent = fs::path(path_).parent_path();
  std::error_code ec;
  if (!parent.empty()) fs::create_directories(parent, ec);
  if (ec) throw Error(parent.string() + ": cannot create the output folder (" + ec.message() + ")");
  file_ = h5::create_file(partial_);
  hid_t root = file_.id();
  h5::attr(root, schema::k_attr_format, std::string(schema::k_format));
  h5::attr(root, schema::k_attr_schema_version, static_cast<int64_t>(schema::k_schema_version));
  h5::attr(root, schema::k_attr_ftlab_version, std::string(k_ftlab_version));
  h5::attr(root, schema::k_attr_status, std::string("running"));
  h5::attr(root, schema::k_attr_created, now_iso8601());
  h5::flush(file_);
}

RunWriter::~RunWriter() {
  if (!closed_) fail("the run ended without finishing its results file");
}

void RunWriter::write_config(const std::string& toml, const std::string& experiment_path,
                             const std::vector<std::string>& overrides) {
  h5::Handle g = h5::group(file_.id(), schema::k_config);
  h5::attr(g.id(), "experiment_toml", toml);
  h5::attr(g.id(), "experiment_path", experiment_path);
  std::string o;
  for (const auto& s : overrides) o += (o.empty() ? "" : "\n") + s;
  h5::attr(g.id(), "overrides", o);
}

void RunWriter::write_plugins(const std::vector<PluginInfo>& plugins) {
  for (const auto& p : plugins) {
    h5::Handle g = h5::group(file_.id(), std::string(schema::k_plugins) + "/" + p.kind);
    h5::attr(g.id(), "name", p.name);
    h5::attr(g.id(), "version", p.version);
    h5::attr(g.id(), "library", p.library);
  }
}

void RunWriter::write_data(const std::vector<std::string>& label_names,
                           const std::map<std::string, int64_t>& split_sizes) {
  h5::Handle g = h5::group(file_.id(), schema::k_data);
  h5::write_strings(g.id(), "label_names", label_names);
  for (const auto& [split, n] : split_sizes) h5::attr(g.id(), "num_" + split, n);
}

void RunWriter::write_environment(const std::map<std::string, std::string>& env) {
  h5::Handle g = h5::group(file_.id(), schema::k_env);
  for (const auto& [k, v] : env) h5::attr(g.id(), k, v);
}

void RunWriter::write_eval(const EvalRecord& r) {
  h5::Handle g = h5::group(file_.id(), std::string(schema::k_eval) + "/" + r.split + "/" + r.tag);
  h5::write<float>(g.id(), "logits", {r.n, r.c}, r.logits.data());
  h5::write<int64_t>(g.id(), "labels", {r.n}, r.labels.data());
  for (const auto& t : r.tables) {
    if (t.integer) {
      std::vector<int64_t> v(t.values.begin(), t.values.end());
      h5::write<int64_t>(g.id(), t.name, t.shape, v.data());
    } else {
      h5::write<double>(g.id(), t.name, t.shape, t.values.data());
    }
  }
  h5::attr(g.id(), "epoch", r.epoch);
  h5::attr(g.id(), "loss", r.loss);
  h5::attr(g.id(), "seconds", r.seconds);
  for (const auto& [k, v] : r.metrics) h5::attr(g.id(), "metric/" + k, v);
  metric_rows_[r.split].push_back({r.epoch, r.metrics});
  h5::flush(file_);
}

void RunWriter::write_train_log(const std::vector<StepRecord>& steps) {
  const auto n = static_cast<int64_t>(steps.size());
  std::vector<int64_t> step;
  std::vector<double> epoch, lr;
  std::vector<float> loss, norm;
  for (const auto& s : steps) {
    step.push_back(s.step);
    epoch.push_back(s.epoch);
    loss.push_back(s.loss);
    lr.push_back(s.learning_rate);
    norm.push_back(s.grad_norm);
  }
  h5::Handle g = h5::group(file_.id(), schema::k_train_log);
  h5::write<int64_t>(g.id(), "step", {n}, step.data());
  h5::write<double>(g.id(), "epoch", {n}, epoch.data());
  h5::write<float>(g.id(), "loss", {n}, loss.data());
  h5::write<double>(g.id(), "learning_rate", {n}, lr.data());
  h5::write<float>(g.id(), "grad_norm", {n}, norm.data());
}

void RunWriter::write_weight(const std::string& name, const std::vector<int64_t>& shape, const float* data) {
  h5::Handle g = h5::group(file_.id(), schema::k_weights);
  h5::write<float>(g.id(), name, shape, data);
}

void RunWriter::finish() {
  // Per-split metric tables: one row per evaluation.
  for (const auto& [split, rows] : metric_rows_) {
    h5::Handle g = h5::group(file_.id(), std::string(schema::k_metrics) + "/" + split);
    std::vector<int64_t> epochs;
    for (const auto& r : rows) epochs.push_back(r.first);
    const auto n = static_cast<int64_t>(rows.size());
    h5::write<int64_t>(g.id(), "epoch", {n}, epochs.data());
    for (size_t k = 0; k < rows.front().second.size(); ++k) {
      std::vector<double> col;
      for (const auto& r : rows) col.push_back(k < r.second.size() ? r.second[k].second : 0.0);
      h5::write<double>(g.id(), rows.front().second[k].first, {n}, col.data());
    }
  }
  h5::attr(file_.id(), schema::k_attr_finished, now_iso8601());
  h5::attr(file_.id(), schema::k_attr_status, std::string("complete"));
  file_ = h5::Handle();  // close before renaming
  closed_ = true;
  std::error_code ec;
  fs::rename(partial_, path_, ec);
  if (ec) throw Error(partial_ + ": cannot rename to " + path_ + " (" + ec.message() + ")");
}

void RunWriter::fail(const std::string& message) noexcept {
  if (closed_) return;
  closed_ = true;
  try {
    if (file_) {
      h5::attr(file_.id(), schema::k_attr_status, std::string("failed"));
      h5::attr(file_.id(), schema::k_attr_error, message);
      h5::attr(file_.id(), schema::k_attr_finished, now_iso8601());
    }
  } catch (...) {
  }
  file_ = h5::Handle();
}

}  // namespace ftl
