// svg.hpp - hand-written inline SVG charts for the self-contained HTML report
// (no JavaScript, no external assets): line charts with axes, ticks and a
// legend, a confusion-matrix heat map with counts, and a reliability diagram.
// Limits: linear axes only; NaN points are skipped; labels are escaped.
#pragma once

#include "analysis/stats.hpp"

#include <string>
#include <vector>

namespace ftl::analysis {

std::string html_escape(const std::string& s);

struct Series {
  std::string name;
  std::vector<double> x, y;
  bool markers = false;  // draw a dot per point (few points)
  bool line = true;      // false: dots only
};

// Ticks of the x axis: automatic (about five round values) when `at` is
// empty, else exactly these positions with these labels; `pad` leaves 6% of
// the span free at each end so points at the extremes stay off the frame.
struct XTicks {
  std::vector<double> at;
  std::vector<std::string> labels;
  bool pad = false;
};

std::string svg_line_chart(const std::string& title, const std::string& x_label, const std::string& y_label,
                           const std::vector<Series>& series, int width = 540, int height = 300,
                           const XTicks& x_ticks = {});

// counts [C, C] row-major (rows gold, columns predicted); colour = share of the row.
std::string svg_confusion(const std::vector<std::string>& labels, const std::vector<int64_t>& counts);

// A metric against one config key over runs: a dot per run, a line through
// the mean per value. Numeric values on a linear axis (log10 when all are
// positive and span 20x or more); other values as categories in sorted order.
// Up to 12 distinct values get a tick each, labelled with the value as the
// config wrote it (seeds 1, 2 rather than 1.2, 1.4; categories by name).
std::string svg_metric_vs_key(const std::string& key, const std::string& metric, const std::vector<std::string>& values,
                              const std::vector<double>& metric_values, int width = 420, int height = 300);

std::string svg_reliability(const Calibration& cal, int width = 420, int height = 340);

}  // namespace ftl::analysis
