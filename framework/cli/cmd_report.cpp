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
#include "analysis/report_read.hpp"
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
  if (p.vm["errors"].as<int64_t>() < 0) throw Error("--errors must be 0 or more");
  const std::string split_arg = p.vm["split"].as<std::string>();
  if (split_arg != "test" && split_arg != "validation") throw Error("--split must be test or validation");
  const bool folder_only = p.vm.count("metric") || !p.vm["split"].defaulted();
  if (folder_only && !std::filesystem::is_directory(path))
    throw Error("--metric and --split apply to a sweep folder; a run's page covers its test predictions");
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

  analysis::ReportRead rr = analysis::report_read(path, p.vm["errors"].as<int64_t>());
  analysis::ReportData& d = rr.data;
  const std::string& split = rr.split;
  const int64_t n = rr.n;

  // Texts from the dataset rebuilt from the stored experiment (same order as the logits).
  try {
    auto rc = analysis::run_components_load(path, get_or(p.vm, "base-dir", std::string()),
                                            get_or(p.vm, "plugin-path", std::vector<std::string>{}));
    auto data = analysis::run_dataset_create(*rc);
    const int32_t sid = split == "test" ? FTL_SPLIT_TEST : FTL_SPLIT_VALIDATION;
    if (data->size(sid) != n)
      throw Error("the rebuilt dataset's " + split + " split has " + std::to_string(data->size(sid)) +
                  " examples, the stored logits " + std::to_string(n));
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
