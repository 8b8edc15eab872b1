// records.cpp - HDF5 form of evaluations, step logs and epoch logs.
#include "results/records.hpp"

#include "util/error.hpp"

#include <hdf5.h>

#include <cmath>
#include <cstdint>

namespace ftl {

void write_eval(hid_t g, const EvalRecord& r) {
  h5::write<float>(g, "logits", {r.n, r.c}, r.logits.data());
  h5::write<int64_t>(g, "labels", {r.n}, r.labels.data());
  std::string table_names;
  for (const auto& t : r.tables) {
    table_names += (table_names.empty() ? "" : "\n") + t.name;
    if (t.integer) {
      std::vector<int64_t> v(t.values.begin(), t.values.end());
      h5::write<int64_t>(g, t.name, t.shape, v.data());
    } else {
      h5::write<double>(g, t.name, t.shape, t.values.data());
    }
  }
  h5::attr(g, "split", r.split);
  h5::attr(g, "tag", r.tag);
  h5::attr(g, "epoch", r.epoch);
  h5::attr(g, "step", r.step);
  h5::attr(g, "loss", r.loss);
  h5::attr(g, "seconds", r.seconds);
  h5::attr(g, "tables", table_names);
  std::string metric_names;
  for (const auto& [k, v] : r.metrics) {
    metric_names += (metric_names.empty() ? "" : "\n") + k;
    h5::attr(g, "metric/" + k, v);
  }
  h5::attr(g, "metrics", metric_names);  // keeps the plugin's order
}

std::vector<std::string> split_lines(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < s.size()) {
    size_t nl = s.find('\n', start);
    if (nl == std::string::npos) nl = s.size();
    out.push_back(s.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

void check_predictions(const std::string& where, const std::vector<int64_t>& shape,
                       const std::vector<int64_t>& labels) {
  if (shape.size() != 2 || shape[1] < 1)
    throw Error(where + "/logits has " + std::to_string(shape.size()) + " dimensions or no columns; expected [N, C]");
  if (static_cast<int64_t>(labels.size()) != shape[0])
    throw Error(where + "/labels has " + std::to_string(labels.size()) + " entries but logits has " +
                std::to_string(shape[0]) + " rows; the file is damaged");
  for (size_t i = 0; i < labels.size(); ++i)
    if (labels[i] < -1 || labels[i] >= shape[1])
      throw Error(where + "/labels[" + std::to_string(i) + "] = " + std::to_string(labels[i]) + " is outside 0.." +
                  std::to_string(shape[1] - 1) + " (the logits' classes); the file is damaged");
}

void check_finite_logits(const std::string& where, const std::vector<float>& logits, int64_t c) {
  size_t bad = 0, first = 0;
  for (size_t i = 0; i < logits.size(); ++i)
    if (!std::isfinite(logits[i]) && bad++ == 0) first = i;
  if (bad > 0)
    throw Error(where + "/logits holds " + std::to_string(bad) + " NaN or infinite values (first in row " +
                std::to_string(c > 0 ? first / static_cast<size_t>(c) : 0) +
                "): the model diverged; these predictions cannot be scored");
}

EvalRecord read_eval(hid_t g, const std::string& where) {
  EvalRecord r;
  std::vector<int64_t> shape;
  r.logits = h5::read<float>(g, "logits", &shape);
  r.labels = h5::read<int64_t>(g, "labels");
  check_predictions(where, shape, r.labels);
  r.n = shape[0];
  r.c = shape[1];
  r.split = h5::read_attr_string(g, "split");
  r.tag = h5::read_attr_string(g, "tag");
  r.epoch = h5::read_attr_double(g, "epoch");
  r.step = h5::read_attr_int(g, "step");
  r.loss = h5::read_attr_double(g, "loss");
  r.seconds = h5::read_attr_double(g, "seconds");
  for (const auto& k : split_lines(h5::read_attr_string(g, "metrics")))
    r.metrics.emplace_back(k, h5::read_attr_double(g, "metric/" + k));
  for (const auto& name : split_lines(h5::read_attr_string(g, "tables"))) {
    EvalRecord::Table t;
    t.name = name;
    h5::Handle ds(H5Dopen2(g, name.c_str(), H5P_DEFAULT), H5Dclose);
    h5::Handle type(H5Dget_type(ds.id()), H5Tclose);
    t.integer = H5Tget_class(type.id()) == H5T_INTEGER;
    if (t.integer) {
      auto v = h5::read<int64_t>(g, name, &t.shape);
      t.values.assign(v.begin(), v.end());
    } else {
      t.values = h5::read<double>(g, name, &t.shape);
    }
    r.tables.push_back(std::move(t));
  }
  return r;
}

void write_step_log(hid_t g, const std::vector<StepRecord>& steps) {
  const auto n = static_cast<int64_t>(steps.size());
  std::vector<int64_t> step;
  std::vector<double> epoch, lr;
  std::vector<float> loss, norm, scale;
  std::vector<int32_t> skipped;
  for (const auto& s : steps) {
    step.push_back(s.step);
    epoch.push_back(s.epoch);
    loss.push_back(s.loss);
    lr.push_back(s.learning_rate);
    norm.push_back(s.grad_norm);
    scale.push_back(s.loss_scale);
    skipped.push_back(s.skipped);
  }
  h5::write<int64_t>(g, "step", {n}, step.data());
  h5::write<double>(g, "epoch", {n}, epoch.data());
  h5::write<float>(g, "loss", {n}, loss.data());
  h5::write<double>(g, "learning_rate", {n}, lr.data());
  h5::write<float>(g, "grad_norm", {n}, norm.data());
  h5::write<float>(g, "loss_scale", {n}, scale.data());
  h5::write<int32_t>(g, "skipped", {n}, skipped.data());
}

namespace {

// One column of a log table: 1-D and, after the first, as long as the first
// (a damaged file is an Error naming the dataset, never a read past the end).
template <typename T>
std::vector<T> read_column(hid_t g, const std::string& name, size_t* rows) {
  std::vector<int64_t> shape;
  auto v = h5::read<T>(g, name, &shape);
  if (shape.size() != 1)
    throw Error(h5::where(g, name) + ": a log column must be 1-D, found " + std::to_string(shape.size()) +
                " dimensions; the file is damaged");
  if (*rows == SIZE_MAX) *rows = v.size();
  if (v.size() != *rows)
    throw Error(h5::where(g, name) + ": " + std::to_string(v.size()) + " rows, the other columns " +
                std::to_string(*rows) + "; the file is damaged");
  return v;
}

}  // namespace

std::vector<StepRecord> read_step_log(hid_t g) {
  size_t n = SIZE_MAX;
  auto step = read_column<int64_t>(g, "step", &n);
  auto epoch = read_column<double>(g, "epoch", &n);
  auto loss = read_column<float>(g, "loss", &n);
  auto lr = read_column<double>(g, "learning_rate", &n);
  auto norm = read_column<float>(g, "grad_norm", &n);
  auto scale = read_column<float>(g, "loss_scale", &n);
  auto skipped = read_column<int32_t>(g, "skipped", &n);
  std::vector<StepRecord> out;
  for (size_t i = 0; i < step.size(); ++i)
    out.push_back({step[i], epoch[i], loss[i], lr[i], norm[i], scale[i], skipped[i]});
  return out;
}

void write_epoch_log(hid_t g, const std::vector<EpochRecord>& epochs) {
  const auto n = static_cast<int64_t>(epochs.size());
  std::vector<int64_t> epoch, samples, tokens, slots;
  std::vector<double> seconds, sps, tps, padded;
  for (const auto& e : epochs) {
    epoch.push_back(e.epoch);
    seconds.push_back(e.seconds);
    samples.push_back(e.samples);
    tokens.push_back(e.tokens);
    slots.push_back(e.token_slots);
    sps.push_back(e.samples_per_second());
    tps.push_back(e.tokens_per_second());
    padded.push_back(e.padded_fraction());
  }
  h5::write<int64_t>(g, "epoch", {n}, epoch.data());
  h5::write<double>(g, "seconds", {n}, seconds.data());
  h5::write<int64_t>(g, "samples", {n}, samples.data());
  h5::write<int64_t>(g, "tokens", {n}, tokens.data());
  h5::write<int64_t>(g, "token_slots", {n}, slots.data());
  h5::write<double>(g, "samples_per_second", {n}, sps.data());
  h5::write<double>(g, "tokens_per_second", {n}, tps.data());
  h5::write<double>(g, "padded_fraction", {n}, padded.data());
}

std::vector<EpochRecord> read_epoch_log(hid_t g) {
  size_t n = SIZE_MAX;
  auto epoch = read_column<int64_t>(g, "epoch", &n);
  auto seconds = read_column<double>(g, "seconds", &n);
  auto samples = read_column<int64_t>(g, "samples", &n);
  auto tokens = read_column<int64_t>(g, "tokens", &n);
  auto slots = read_column<int64_t>(g, "token_slots", &n);
  std::vector<EpochRecord> out;
  for (size_t i = 0; i < epoch.size(); ++i) out.push_back({epoch[i], seconds[i], samples[i], tokens[i], slots[i]});
  return out;
}

}  // namespace ftl
