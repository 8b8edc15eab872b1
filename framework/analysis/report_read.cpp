// report_read.cpp - see report_read.hpp.
#include "analysis/report_read.hpp"

#include "results/h5.hpp"
#include "results/records.hpp"
#include "results/schema.hpp"
#include "util/error.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>

namespace ftl::analysis {

namespace {

std::string attr_or(hid_t obj, const char* name, const std::string& fallback = "-") {
  return H5Aexists(obj, name) > 0 ? h5::read_attr_string(obj, name) : fallback;
}

// Training loss per step and validation metrics per evaluation.
void read_curves(hid_t root, ReportData& d) {
  if (h5::exists(root, schema::k_train_log)) {
    h5::Handle g = h5::open_group(root, schema::k_train_log);
    d.train_loss.name = "training loss";
    for (const auto& s : read_step_log(g.id())) {
      d.train_loss.x.push_back(static_cast<double>(s.step));
      d.train_loss.y.push_back(s.loss);
    }
  }
  const std::string vpath = std::string(schema::k_metrics) + "/validation";
  if (!h5::exists(root, vpath)) return;
  h5::Handle g = h5::open_group(root, vpath);
  const auto epoch = h5::read<double>(g.id(), "epoch");
  const bool few = epoch.size() <= 30;
  for (const auto& name : h5::children(root, vpath)) {
    if (name == "epoch" || name == "step") continue;
    Series s{name, epoch, h5::read<double>(g.id(), name), few};
    if (s.y.size() != s.x.size())
      throw Error(h5::where(g.id(), name) + ": " + std::to_string(s.y.size()) + " values for " +
                  std::to_string(s.x.size()) + " evaluations; the file is damaged");
    if (name == "loss")
      d.validation_loss = s;
    else
      d.validation.push_back(s);
  }
}

// The evaluation the page is about: test/final, else the last validation one.
EvalRecord read_predictions(hid_t root, const std::string& path, std::string* split) {
  const std::string test = std::string(schema::k_eval) + "/test/final";
  if (h5::exists(root, test)) {
    *split = "test";
    h5::Handle g = h5::open_group(root, test);
    return read_eval(g.id(), path + ": " + test);
  }
  const std::string vdir = std::string(schema::k_eval) + "/validation";
  std::vector<EvalRecord> evals;
  if (h5::exists(root, vdir))
    for (const auto& tag : h5::children(root, vdir)) {
      h5::Handle g = h5::open_group(root, vdir + "/" + tag);
      evals.push_back(read_eval(g.id(), path + ": " + vdir + "/" + tag));
    }
  if (evals.empty()) throw Error(path + ": no stored predictions (eval/test/final or eval/validation/*) to report on");
  *split = "validation";
  return *std::max_element(evals.begin(), evals.end(), [](const auto& a, const auto& b) { return a.step < b.step; });
}

// The header table: run, experiment, dates, plugins, how training ended.
void read_facts(hid_t root, const std::string& path, ReportData& d) {
  h5::Handle cfg = h5::open_group(root, schema::k_config);
  const std::string exp = attr_or(cfg.id(), "experiment_path");
  d.title = "ftlab report: " + std::filesystem::path(path).filename().string();
  d.facts.push_back({"run", path});
  d.facts.push_back(
      {"experiment",
       exp + (attr_or(cfg.id(), "overrides", "").empty() ? "" : "  --set " + attr_or(cfg.id(), "overrides", ""))});
  d.facts.push_back({"written", attr_or(root, schema::k_attr_created) + " .. " +
                                    attr_or(root, schema::k_attr_finished) + " by ftlab " +
                                    attr_or(root, schema::k_attr_ftlab_version)});
  std::string plugins;
  for (const auto& kind : h5::children(root, schema::k_plugins)) {
    h5::Handle g = h5::open_group(root, std::string(schema::k_plugins) + "/" + kind);
    plugins += (plugins.empty() ? "" : ", ") + kind + " " + attr_or(g.id(), "name");
  }
  d.facts.push_back({"plugins", plugins});
  if (h5::exists(root, schema::k_summary)) {
    h5::Handle s = h5::open_group(root, schema::k_summary);
    char b[256];
    std::snprintf(b, sizeof b, "%s after %.0f steps; best %s = %.4f at step %.0f; weights: %s",
                  attr_or(s.id(), "stop_reason").c_str(), h5::read_attr_double(s.id(), "global_step"),
                  attr_or(s.id(), "metric_for_best_model").c_str(), h5::read_attr_double(s.id(), "best_metric"),
                  h5::read_attr_double(s.id(), "best_step"), attr_or(s.id(), "weights").c_str());
    d.facts.push_back({"training", b});
  }
}

}  // namespace

ReportRead report_read(const std::string& path, int64_t max_errors) {
  ReportRead rr;
  ReportData& d = rr.data;
  d.run_path = path;
  std::string& split = rr.split;
  EvalRecord ev;
  {
    h5::Handle f = h5::open_file(path, false);
    const hid_t root = f.id();
    d.label_names = h5::read_strings(h5::open_group(root, schema::k_data).id(), "label_names");
    read_facts(root, path, d);
    read_curves(root, d);
    ev = read_predictions(root, path, &split);
  }
  if (ev.c != static_cast<int64_t>(d.label_names.size()))
    throw Error(path + ": " + std::to_string(ev.c) + " logit columns but " + std::to_string(d.label_names.size()) +
                " label names; the file is damaged");
  check_finite_logits(path + ": eval/" + split + "/" + ev.tag, ev.logits, ev.c);
  d.eval_source = "eval/" + split + "/" + ev.tag + ", " + std::to_string(ev.n) + " examples";
  d.eval_metrics = ev.metrics;
  d.classes = class_stats(ev.logits.data(), ev.labels.data(), ev.n, ev.c);
  d.calibration = calibration(ev.logits.data(), ev.labels.data(), ev.n, ev.c);

  for (int64_t i = 0; i < ev.n; ++i) {
    const float* row = ev.logits.data() + i * ev.c;
    const int64_t pred = argmax_row(row, ev.c);
    if (ev.labels[i] < 0 || pred == ev.labels[i]) continue;  // -1: no gold label, nothing to call an error
    d.errors.push_back({i, ev.labels[i], pred, softmax_row(row, ev.c)[pred], ""});
  }
  std::stable_sort(d.errors.begin(), d.errors.end(),
                   [](const auto& a, const auto& b) { return a.probability > b.probability; });
  const auto keep = static_cast<size_t>(std::max<int64_t>(0, max_errors));
  if (d.errors.size() > keep) d.errors.resize(keep);

  rr.n = ev.n;
  return rr;
}

}  // namespace ftl::analysis
