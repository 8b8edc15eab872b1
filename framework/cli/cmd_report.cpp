// cmd_report.cpp - `ftlab report RUN.h5 [--out report.html]`: one
// self-contained HTML page about a finished run (analysis/report_html.hpp):
// learning curves (training loss per step, validation loss and metrics per
// evaluation), the confusion matrix as a heat map with counts, per-class
// precision / recall / F1, a reliability diagram with ECE and the most
// confident errors with their texts. Everything is computed from the stored
// logits (eval/test/final, or the last validation evaluation when the run
// has no test predictions); texts come from the dataset rebuilt from the
// stored experiment, in dataset order like the logits.
// Given a folder (a sweep), it writes the comparison page instead
// (analysis/sweep_report.hpp: the metric against each swept key).
// Limits: when the dataset cannot be rebuilt the page says why and shows
// example indices without texts.
#include "analysis/report_html.hpp"
#include "analysis/run_components.hpp"
#include "analysis/run_file.hpp"
#include "analysis/sweep_report.hpp"
#include "cli/command.hpp"
#include "cli/options.hpp"
#include "results/h5.hpp"
#include "results/records.hpp"
#include "results/schema.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>

namespace ftl::cli {

namespace {

const char* k_usage =
    "report RUN.h5|FOLDER [--out report.html] [--errors N] [--metric M] [--split S] [--base-dir DIR] "
    "[--plugin-path DIR]...";

std::string attr_or(hid_t obj, const char* name, const std::string& fallback = "-") {
  return H5Aexists(obj, name) > 0 ? h5::read_attr_string(obj, name) : fallback;
}

// Training loss per step and validation metrics per evaluation.
void read_curves(hid_t root, analysis::ReportData& d) {
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
    analysis::Series s{name, epoch, h5::read<double>(g.id(), name), few};
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

int cmd_report(int argc, char** argv) {
  po::options_description desc("ftlab report");
  desc.add_options()("run", po::value<std::string>(), "results file of a finished run (.h5)")(
      "out", po::value<std::string>(), "HTML file to write (default: RUN.html next to the run)")(
      "errors", po::value<int64_t>()->default_value(20), "how many of the most confident errors to list")(
      "metric", po::value<std::string>(), "folder: the metric charted (default: macro_f1 if the runs have it)")(
      "split", po::value<std::string>()->default_value("test"), "folder: test or validation (as ftlab compare)")(
      "base-dir", po::value<std::string>(), "folder the stored experiment's relative paths resolve against")(
      "plugin-path", po::value<std::vector<std::string>>()->composing(), "extra plugin folder (repeatable)");
  Parsed p = parse(argc, argv, desc, {"run"}, k_usage);
  if (p.help) return 0;
  if (!p.vm.count("run")) throw Error(std::string("missing the results file; usage: ftlab ") + k_usage);
  const std::string path = p.vm["run"].as<std::string>();
  if (std::filesystem::is_directory(path)) {  // a sweep folder: the comparison page
    std::string out = get_or(p.vm, "out", std::string());
    if (out.empty()) out = (std::filesystem::path(path) / "report.html").string();
    const std::string html =
        analysis::sweep_report_html(path, get_or(p.vm, "metric", std::string()), p.vm["split"].as<std::string>());
    write_file_atomic(out, html);
    std::printf("report: %s\n", out.c_str());
    return 0;
  }
  const auto info = analysis::run_info_read(path, "test");
  if (info.state != analysis::RunState::ok) throw Error(path + ": " + info.problem + "; report needs a complete run");
  std::string out = get_or(p.vm, "out", std::string());
  if (out.empty()) out = std::filesystem::path(path).replace_extension(".html").string();

  analysis::ReportData d;
  d.run_path = path;
  std::string split;
  EvalRecord ev;
  {
    h5::Handle f = h5::open_file(path, false);
    const hid_t root = f.id();
    d.label_names = h5::read_strings(h5::open_group(root, schema::k_data).id(), "label_names");
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
    read_curves(root, d);
    ev = read_predictions(root, path, &split);
  }
  if (ev.c != static_cast<int64_t>(d.label_names.size()))
    throw Error(path + ": " + std::to_string(ev.c) + " logit columns but " + std::to_string(d.label_names.size()) +
                " label names; the file is damaged");
  check_finite_logits(path + ": eval/" + split + "/" + ev.tag, ev.logits, ev.c);
  d.eval_source = "eval/" + split + "/" + ev.tag + ", " + std::to_string(ev.n) + " examples";
  d.eval_metrics = ev.metrics;
  d.classes = analysis::class_stats(ev.logits.data(), ev.labels.data(), ev.n, ev.c);
  d.calibration = analysis::calibration(ev.logits.data(), ev.labels.data(), ev.n, ev.c);

  for (int64_t i = 0; i < ev.n; ++i) {
    const float* row = ev.logits.data() + i * ev.c;
    const int64_t pred = analysis::argmax_row(row, ev.c);
    if (ev.labels[i] < 0 || pred == ev.labels[i]) continue;  // -1: no gold label, nothing to call an error
    d.errors.push_back({i, ev.labels[i], pred, analysis::softmax_row(row, ev.c)[pred], ""});
  }
  std::stable_sort(d.errors.begin(), d.errors.end(),
                   [](const auto& a, const auto& b) { return a.probability > b.probability; });
  const auto keep = static_cast<size_t>(std::max<int64_t>(0, p.vm["errors"].as<int64_t>()));
  if (d.errors.size() > keep) d.errors.resize(keep);

  // Texts from the dataset rebuilt from the stored experiment (same order as the logits).
  try {
    auto rc = analysis::run_components_load(path, get_or(p.vm, "base-dir", std::string()),
                                            get_or(p.vm, "plugin-path", std::vector<std::string>{}));
    auto data = analysis::run_dataset_create(*rc);
    const int32_t sid = split == "test" ? FTL_SPLIT_TEST : FTL_SPLIT_VALIDATION;
    if (data->size(sid) != ev.n)
      throw Error("the rebuilt dataset's " + split + " split has " + std::to_string(data->size(sid)) +
                  " examples, the stored logits " + std::to_string(ev.n));
    for (auto& e : d.errors) {
      const Example ex = data->example(sid, e.index);
      if (ex.label != e.gold)
        throw Error("example " + std::to_string(e.index) + " has another gold label in the rebuilt dataset");
      e.text = std::string(ex.text);
    }
  } catch (const Error& e) {
    for (auto& er : d.errors) er.text.clear();
    d.texts_note = std::string("texts unavailable: ") + e.what();
    std::fprintf(stderr, "report: %s\n", d.texts_note.c_str());
  }

  write_file_atomic(out, analysis::report_html(d));
  std::printf("report: %s\n", out.c_str());
  return 0;
}

}  // namespace

FTL_COMMAND(report, "report", k_usage,
            "one self-contained HTML page about a run: curves, confusion, per-class scores, calibration, errors",
            cmd_report);

}  // namespace ftl::cli
