// report_html.hpp - the self-contained HTML page of `ftlab report`: inline
// CSS and SVG only (no JavaScript, no network), plus a JSON block
// (<script type="application/json" id="ftlab-report-data">) with the numbers
// shown, so tests can check them against independent references.
// Limits: one run per page; texts are shown only when the dataset could be
// rebuilt (ReportData::texts_note says why not otherwise).
#pragma once

#include "analysis/stats.hpp"
#include "analysis/svg.hpp"

#include <map>
#include <string>
#include <vector>

namespace ftl::analysis {

struct ConfidentError {
  int64_t index = 0;  // example index in the split (dataset order)
  int64_t gold = 0, predicted = 0;
  double probability = 0.0;  // of the predicted label
  std::string text;
};

struct ReportData {
  std::string run_path, title;
  std::vector<std::pair<std::string, std::string>> facts;  // shown in the header table
  std::vector<std::string> label_names;
  Series train_loss;               // x: step
  std::vector<Series> validation;  // x: epoch; one series per metric (loss separately)
  Series validation_loss;
  std::string eval_source;                                   // e.g. "eval/test/final (500 examples)"
  std::vector<std::pair<std::string, double>> eval_metrics;  // the stored scalar metrics of eval_source
  ClassStats classes;
  Calibration calibration;
  std::vector<ConfidentError> errors;  // most confident first
  std::string texts_note;              // why texts are missing, or empty
};

std::string report_html(const ReportData& d);

}  // namespace ftl::analysis
