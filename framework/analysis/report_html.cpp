// report_html.cpp - renders ReportData as one HTML file (see report_html.hpp).
#include "analysis/report_html.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>

namespace ftl::analysis {

namespace {

std::string f4(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.4f", v);
  return b;
}

const char* k_css =
    R"(body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#222;max-width:1150px}
h1{font-size:22px;margin:0 0 8px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ddd;padding:3px 8px;text-align:right}
th{background:#f2f2f2}td.l,th.l{text-align:left}.facts td{text-align:left}
.row{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}
svg.chart{font-size:11px;background:#fff}svg .title{font-size:13px;font-weight:600}svg .axis{font-size:12px}svg .small{font-size:9px}
.note{color:#666;font-size:13px}td.text{text-align:left;max-width:640px;white-space:normal;word-break:break-word})";

}  // namespace

std::string report_html(const ReportData& d) {
  std::string o = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>" + html_escape(d.title) +
                  "</title>\n<style>\n" + k_css + "\n</style></head><body>\n";
  o += "<h1>" + html_escape(d.title) + "</h1>\n<table class=\"facts\">";
  for (const auto& [k, v] : d.facts)
    o += "<tr><th class=\"l\">" + html_escape(k) + "</th><td>" + html_escape(v) + "</td></tr>";
  o += "</table>\n";

  o += "<h2>Learning curves</h2>\n<div class=\"row\">\n";
  o += svg_line_chart("training loss per step", "optimizer step", "loss", {d.train_loss});
  std::vector<Series> vl{d.validation_loss};
  if (!d.validation_loss.x.empty()) o += svg_line_chart("validation loss per evaluation", "epoch", "loss", vl);
  if (!d.validation.empty())
    o += svg_line_chart("validation metrics per evaluation", "epoch", "value", d.validation, 640, 320);
  o += "</div>\n";

  const int64_t c = static_cast<int64_t>(d.label_names.size());
  o += "<h2>Confusion matrix <span class=\"note\">(" + html_escape(d.eval_source) +
       "; rows gold, columns predicted; colour: share of the gold row)</span></h2>\n";
  o += "<div class=\"row\">" + svg_confusion(d.label_names, d.classes.confusion) + "<div>";
  o += "<table><tr><th class=\"l\">label</th><th>precision</th><th>recall</th><th>F1</th><th>support</th></tr>";
  for (int64_t k = 0; k < c; ++k)
    o += "<tr><td class=\"l\">" + html_escape(d.label_names[k]) + "</td><td>" + f4(d.classes.precision[k]) +
         "</td><td>" + f4(d.classes.recall[k]) + "</td><td>" + f4(d.classes.f1[k]) + "</td><td>" +
         std::to_string(d.classes.support[k]) + "</td></tr>";
  o += "</table><p></p><table><tr><th class=\"l\">stored metric</th><th>value</th></tr>";
  for (const auto& [k, v] : d.eval_metrics)
    o += "<tr><td class=\"l\">" + html_escape(k) + "</td><td>" + f4(v) + "</td></tr>";
  o += "</table></div></div>\n";

  o += "<h2>Calibration</h2>\n<div class=\"row\">" + svg_reliability(d.calibration) +
       "<div class=\"note\" style=\"max-width:520px\"><p>Bars: accuracy per bin (the number of examples above each); "
       "red dots: mean confidence per bin; dashed: perfect calibration. Examples are binned by the probability of the "
       "predicted "
       "label (10 equal-width bins). A calibrated model's bars reach the diagonal: of the examples predicted with "
       "80% confidence, 80% are right. Expected calibration error (ECE) = sum over bins of (bin size / N) &times; "
       "|accuracy &minus; confidence| = <b>" +
       f4(d.calibration.ece) + "</b>.</p></div></div>\n";

  o += "<h2>Most confident errors</h2>\n";
  if (!d.texts_note.empty()) o += "<p class=\"note\">" + html_escape(d.texts_note) + "</p>\n";
  o +=
      "<table><tr><th>#</th><th>example</th><th class=\"l\">gold</th><th class=\"l\">predicted</th><th>probability</th>"
      "<th class=\"l\">text</th></tr>";
  for (size_t i = 0; i < d.errors.size(); ++i) {
    const auto& e = d.errors[i];
    o += "<tr><td>" + std::to_string(i + 1) + "</td><td>" + std::to_string(e.index) + "</td><td class=\"l\">" +
         html_escape(d.label_names[e.gold]) + "</td><td class=\"l\">" + html_escape(d.label_names[e.predicted]) +
         "</td><td>" + f4(e.probability) + "</td><td class=\"text\">" + html_escape(e.text) + "</td></tr>";
  }
  if (d.errors.empty()) o += "<tr><td colspan=\"6\" class=\"l\">no errors</td></tr>";
  o += "</table>\n";

  // The numbers above, machine-readable (checked by tests/analysis/check_analysis.py).
  nlohmann::json j;
  j["labels"] = d.label_names;
  j["precision"] = d.classes.precision;
  j["recall"] = d.classes.recall;
  j["f1"] = d.classes.f1;
  j["support"] = d.classes.support;
  j["confusion"] = d.classes.confusion;
  j["ece"] = d.calibration.ece;
  j["bin_count"] = d.calibration.count;
  j["bin_accuracy"] = d.calibration.accuracy;
  j["bin_confidence"] = d.calibration.confidence;
  j["errors"] = nlohmann::json::array();
  for (const auto& e : d.errors)
    j["errors"].push_back({{"index", e.index},
                           {"gold", e.gold},
                           {"predicted", e.predicted},
                           {"probability", e.probability},
                           {"text", e.text}});
  std::string data = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  // "</" inside a script element would end it early.
  for (size_t pos = 0; (pos = data.find("</", pos)) != std::string::npos; pos += 3) data.replace(pos, 2, "<\\/");
  o += "<script type=\"application/json\" id=\"ftlab-report-data\">" + data + "</script>\n";
  o += "<p class=\"note\">Written by ftlab report from " + html_escape(d.run_path) + ".</p>\n</body></html>\n";
  return o;
}

}  // namespace ftl::analysis
