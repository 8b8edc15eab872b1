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

void RunWriter::write_config(const std::string& toml, const std::string& experiment_path, const std::string& base_dir,
                             const std::vector<std::string>& overrides) {
  h5::Handle g = h5::group(file_.id(), schema::k_config);
  h5::attr(g.id(), "experiment_toml", toml);
  h5::attr(g.id(), "experiment_path", experiment_path);
  h5::attr(g.id(), "base_dir", base_dir);
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
  ftl::write_eval(g.id(), r);
  metric_rows_[r.split].push_back({r.epoch, r.step, r.metrics, r.loss});
  h5::flush(file_);
}

void RunWriter::write_train_log(const std::vector<StepRecord>& steps, const std::vector<EpochRecord>& epochs) {
  h5::Handle g = h5::group(file_.id(), schema::k_train_log);
  write_step_log(g.id(), steps);
  h5::Handle ge = h5::group(file_.id(), schema::k_train_epochs);
  write_epoch_log(ge.id(), epochs);
}

void RunWriter::write_summary(const std::map<std::string, std::string>& text,
                              const std::map<std::string, double>& numbers) {
  h5::Handle g = h5::group(file_.id(), schema::k_summary);
  for (const auto& [k, v] : text) h5::attr(g.id(), k, v);
  for (const auto& [k, v] : numbers) h5::attr(g.id(), k, v);
}

void RunWriter::write_weight(const std::string& name, const std::vector<int64_t>& shape, const float* data) {
  h5::Handle g = h5::group(file_.id(), schema::k_weights);
  h5::write<float>(g.id(), name, shape, data);
}

void RunWriter::embed_checkpoint(const std::string& file, const std::string& name, bool best) {
  h5::Handle src = h5::open_file(file, false);
  h5::Handle parent = h5::group(file_.id(), schema::k_checkpoints);
  h5::Handle dst = h5::group(parent.id(), name);
  for (const char* part : {"weights", "optimizer", "rng"})
    if (h5::exists(src.id(), part)) h5::copy_tree(src.id(), part, dst.id(), part);
  for (const char* key : {"global_step", "batch_in_epoch", "epoch"})
    h5::attr(dst.id(), key, h5::read_attr_int(src.id(), key));
  h5::attr(dst.id(), "best", static_cast<int64_t>(best ? 1 : 0));
  if (best) h5::attr(parent.id(), "best", name);
}

void RunWriter::finish() {
  // Per-split metric tables: one row per evaluation.
  for (const auto& [split, rows] : metric_rows_) {
    h5::Handle g = h5::group(file_.id(), std::string(schema::k_metrics) + "/" + split);
    std::vector<double> epochs, losses;
    std::vector<int64_t> steps;
    for (const auto& r : rows) {
      epochs.push_back(r.epoch);
      steps.push_back(r.step);
      losses.push_back(r.loss);
    }
    const auto n = static_cast<int64_t>(rows.size());
    h5::write<double>(g.id(), "epoch", {n}, epochs.data());
    h5::write<int64_t>(g.id(), "step", {n}, steps.data());
    h5::write<double>(g.id(), "loss", {n}, losses.data());
    for (size_t k = 0; k < rows.front().metrics.size(); ++k) {
      std::vector<double> col;
      for (const auto& r : rows) col.push_back(k < r.metrics.size() ? r.metrics[k].second : 0.0);
      h5::write<double>(g.id(), rows.front().metrics[k].first, {n}, col.data());
    }
  }
  h5::attr(file_.id(), schema::k_attr_finished, now_iso8601());
  h5::attr(file_.id(), schema::k_attr_status, std::string("complete"));
  h5::close_file(file_, partial_);  // whole on disk before it gets the final name
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
