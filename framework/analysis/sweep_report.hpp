// sweep_report.hpp - the page `ftlab report FOLDER` writes for a folder of
// runs (a sweep): the runs sorted by a metric with the config keys that differ
// between them, a chart of the metric against each of those keys (a dot per
// run, a line through the mean per value), McNemar's test and the paired
// bootstrap between the best two (analysis/significance.hpp) and the files
// that were skipped.
// Self-contained HTML like report_html.hpp. Limits: keys whose value is
// different in every run and not numeric (names, output paths) are listed in
// the table but not charted; per-run pages are made with `ftlab report RUN.h5`.
#pragma once

#include <string>

namespace ftl::analysis {

// metric empty: macro_f1 when the runs have it, else their first metric.
// Throws ftl::Error when the folder holds no complete run with the metric.
std::string sweep_report_html(const std::string& dir, std::string metric, const std::string& split);

}  // namespace ftl::analysis
