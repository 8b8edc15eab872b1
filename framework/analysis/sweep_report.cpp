// sweep_report.cpp - comparison page over a folder of runs (see sweep_report.hpp).
#include "analysis/sweep_report.hpp"

#include "analysis/run_file.hpp"
#include "analysis/significance.hpp"
#include "analysis/svg.hpp"
#include "util/error.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <set>

namespace ftl::analysis {

std::string sweep_report_html(const std::string& dir, std::string metric, const std::string& split) {
  const auto files = run_files_expand({dir});
  std::vector<RunInfo> infos;
  for (const auto& f : files) infos.push_back(run_info_read(f, split));
  std::vector<const RunInfo*> ok;
  std::vector<const RunInfo*> skipped;
  for (const auto& r : infos) (r.state == RunState::ok ? ok : skipped).push_back(&r);
  if (metric.empty() && !ok.empty())
    metric = ok[0]->metrics.count("macro_f1") ? "macro_f1"
             : ok[0]->metric_order.empty()    ? "loss"
                                              : ok[0]->metric_order[0];
  std::vector<const RunInfo*> runs;
  for (const RunInfo* r : ok)
    if (r->metrics.count(metric) && !std::isnan(r->metrics.at(metric))) runs.push_back(r);
  if (runs.empty())
    throw Error(dir + ": no complete run with a " + split + " metric '" + metric + "' among " +
                std::to_string(files.size()) + " file(s); ftlab compare " + dir + " lists why");
  const bool lower_better = metric.size() >= 4 && metric.compare(metric.size() - 4, 4, "loss") == 0;
  std::stable_sort(runs.begin(), runs.end(), [&](const RunInfo* a, const RunInfo* b) {
    return lower_better ? a->metrics.at(metric) < b->metrics.at(metric) : a->metrics.at(metric) > b->metrics.at(metric);
  });
  const auto keys = config_keys_differing(runs);

  std::string o = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>ftlab sweep report: " +
                  html_escape(dir) +
                  "</title>\n<style>body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1150px}"
                  "h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd}"
                  "table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ddd;padding:3px 8px;"
                  "text-align:left}th{background:#f2f2f2}td.n{text-align:right}.row{display:flex;flex-wrap:wrap;"
                  "gap:16px}pre{font-size:13px;background:#f7f7f7;padding:8px;white-space:pre-wrap}svg.chart{font-size:"
                  "11px}svg .title{font-size:13px;font-weight:600}svg .axis{font-size:"
                  "12px}.note{color:#666;font-size:13px}</style></head><body>\n";
  o += "<h1>ftlab sweep report: " + html_escape(dir) + "</h1>\n<p class=\"note\">" + std::to_string(runs.size()) +
       " complete run(s); " + split + " metric <b>" + html_escape(metric) + "</b> (" +
       (lower_better ? "lower" : "higher") + " is better); " + std::to_string(keys.size()) +
       " config key(s) differ between the runs.</p>\n";

  o += "<h2>" + html_escape(metric) + " against each key that differs</h2>\n<div class=\"row\">\n";
  int charts = 0;
  for (const auto& k : keys) {
    std::vector<std::string> values;
    std::vector<double> ys;
    for (const RunInfo* r : runs) values.push_back(config_value(*r, k)), ys.push_back(r->metrics.at(metric));
    const std::set<std::string> distinct(values.begin(), values.end());
    bool numeric = true;
    for (const auto& v : values) {
      char* end = nullptr;
      std::strtod(v.c_str(), &end);
      numeric = numeric && !v.empty() && end == v.c_str() + v.size();
    }
    if (!numeric && distinct.size() == values.size() && values.size() > 1) continue;  // an identifier per run
    o += svg_metric_vs_key(k, metric, values, ys);
    ++charts;
  }
  if (charts == 0) o += "<p class=\"note\">No key to chart (only one run, or only per-run identifiers differ).</p>";
  o += "</div>\n<h2>Runs</h2>\n<table><tr><th>#</th>";
  for (const auto& k : keys) o += "<th>" + html_escape(k) + "</th>";
  o += "<th>" + html_escape(metric) + "</th><th>run</th></tr>\n";
  for (size_t i = 0; i < runs.size(); ++i) {
    o += "<tr><td class=\"n\">" + std::to_string(i + 1) + "</td>";
    for (const auto& k : keys) o += "<td>" + html_escape(config_value(*runs[i], k)) + "</td>";
    char v[32];
    std::snprintf(v, sizeof v, "%.4f", runs[i]->metrics.at(metric));
    o += std::string("<td class=\"n\">") + v + "</td><td>" +
         html_escape(std::filesystem::path(runs[i]->path).filename().string()) + "</td></tr>\n";
  }
  o += "</table>\n";
  if (runs.size() >= 2) {  // the tests compare prints, between the two best runs
    const auto sig = significance_best_two(runs[0]->path, runs[1]->path, metric, 1000);
    o += "<h2>Best two runs: is the difference real?</h2>\n<pre>" +
         html_escape(significance_text(sig, metric).substr(1)) + "</pre>\n";
  }
  if (!skipped.empty()) {
    o += "<h2>Not compared</h2>\n<ul>";
    for (const RunInfo* r : skipped) o += "<li>" + html_escape(r->path) + ": " + html_escape(r->problem) + "</li>";
    o += "</ul>\n";
  }
  o += "<p class=\"note\">Written by ftlab report. Groups over seeds, other metrics: ftlab compare " +
       html_escape(dir) + " --group-by KEY.</p>\n</body></html>\n";
  return o;
}

}  // namespace ftl::analysis
