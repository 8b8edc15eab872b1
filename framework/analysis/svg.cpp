// svg.cpp - inline SVG charts (see svg.hpp).
#include "analysis/svg.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace ftl::analysis {

namespace {

const char* const k_colours[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
                                 "#e377c2", "#17becf", "#7f7f7f", "#bcbd22", "#393b79", "#ad494a"};

std::string fmt(const char* f, double v) {
  char b[64];
  std::snprintf(b, sizeof b, f, v);
  return b;
}

// About five round tick values covering [lo, hi].
std::vector<double> ticks(double lo, double hi) {
  const double span = hi - lo;
  const double raw = span / 5;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (raw <= m * mag) {
      step = m * mag;
      break;
    }
  std::vector<double> t;
  for (double v = std::ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
    t.push_back(std::fabs(v) < step * 1e-9 ? 0 : v);
  return t;
}

std::string tick_label(double v) {
  const double a = std::fabs(v);
  if (a != 0 && (a < 1e-3 || a >= 1e5)) return fmt("%.0e", v);
  if (a >= 100 || v == std::floor(v)) return fmt("%.0f", v);
  return fmt("%.3g", v);
}

}  // namespace

std::string html_escape(const std::string& s) {
  std::string o;
  o.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        o += "&amp;";
        break;
      case '<':
        o += "&lt;";
        break;
      case '>':
        o += "&gt;";
        break;
      case '"':
        o += "&quot;";
        break;
      default:
        o += c;
    }
  }
  return o;
}

std::string svg_line_chart(const std::string& title, const std::string& x_label, const std::string& y_label,
                           const std::vector<Series>& series, int width, int height, const XTicks& x_ticks) {
  // Legend entries flow into rows under the plot; the plot shrinks to make room.
  std::vector<std::pair<double, double>> legend_at;  // x, row
  double lx = 60;
  int legend_rows = 1;
  for (const auto& s : series) {
    const double w = 28 + 6.5 * static_cast<double>(s.name.size());
    if (lx + w > width - 8 && lx > 60) lx = 60, ++legend_rows;
    legend_at.emplace_back(lx, legend_rows - 1);
    lx += w;
  }
  const double ml = 60, mr = 16, mt = 30, mb = 48 + 16.0 * legend_rows;
  double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
  for (const auto& s : series)
    for (size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
      if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) continue;
      x0 = std::min(x0, s.x[i]), x1 = std::max(x1, s.x[i]), y0 = std::min(y0, s.y[i]), y1 = std::max(y1, s.y[i]);
    }
  std::string o = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(width) + "\" height=\"" +
                  std::to_string(height) + "\" class=\"chart\">\n";
  o += "<text x=\"" + std::to_string(width / 2) + "\" y=\"18\" text-anchor=\"middle\" class=\"title\">" +
       html_escape(title) + "</text>\n";
  if (!std::isfinite(x0)) return o + "<text x=\"20\" y=\"60\">no data</text></svg>\n";
  if (x1 == x0) x0 -= 0.5, x1 += 0.5;
  if (x_ticks.pad) {
    const double xpad = (x1 - x0) * 0.06;
    x0 -= xpad, x1 += xpad;
  }
  if (y1 == y0) {  // flat data: a small band around the value, not +-0.5 (metrics live in [0, 1])
    const double band = std::max(std::fabs(y0) * 0.1, 1e-3);
    y0 -= band, y1 += band;
  }
  const double pad = (y1 - y0) * 0.05;
  y0 -= pad, y1 += pad;
  const double pw = width - ml - mr, ph = height - mt - mb;
  auto X = [&](double v) { return ml + (v - x0) / (x1 - x0) * pw; };
  auto Y = [&](double v) { return mt + (1 - (v - y0) / (y1 - y0)) * ph; };
  o += "<rect x=\"" + fmt("%.1f", ml) + "\" y=\"" + fmt("%.1f", mt) + "\" width=\"" + fmt("%.1f", pw) + "\" height=\"" +
       fmt("%.1f", ph) + "\" fill=\"#fafafa\" stroke=\"#888\"/>\n";
  for (double t : ticks(y0, y1)) {
    o += "<line x1=\"" + fmt("%.1f", ml) + "\" x2=\"" + fmt("%.1f", ml + pw) + "\" y1=\"" + fmt("%.1f", Y(t)) +
         "\" y2=\"" + fmt("%.1f", Y(t)) + "\" stroke=\"#e4e4e4\"/>";
    o += "<text x=\"" + fmt("%.1f", ml - 5) + "\" y=\"" + fmt("%.1f", Y(t) + 4) + "\" text-anchor=\"end\">" +
         tick_label(t) + "</text>\n";
  }
  std::vector<double> xt = x_ticks.at;
  std::vector<std::string> xl = x_ticks.labels;
  if (xt.empty()) {
    xt = ticks(x0, x1);
    for (double t : xt) xl.push_back(tick_label(t));
  }
  for (size_t i = 0; i < xt.size() && i < xl.size(); ++i) {
    const double t = xt[i];
    o += "<line x1=\"" + fmt("%.1f", X(t)) + "\" x2=\"" + fmt("%.1f", X(t)) + "\" y1=\"" + fmt("%.1f", mt + ph) +
         "\" y2=\"" + fmt("%.1f", mt + ph + 4) + "\" stroke=\"#888\"/>";
    o += "<text x=\"" + fmt("%.1f", X(t)) + "\" y=\"" + fmt("%.1f", mt + ph + 16) + "\" text-anchor=\"middle\">" +
         html_escape(xl[i]) + "</text>\n";
  }
  o += "<text x=\"" + fmt("%.1f", ml + pw / 2) + "\" y=\"" + fmt("%.1f", mt + ph + 32) +
       "\" text-anchor=\"middle\" class=\"axis\">" + html_escape(x_label) + "</text>\n";
  o += "<text transform=\"translate(14," + fmt("%.1f", mt + ph / 2) +
       ") rotate(-90)\" text-anchor=\"middle\" class=\"axis\">" + html_escape(y_label) + "</text>\n";
  for (size_t k = 0; k < series.size(); ++k) {
    const auto& s = series[k];
    const char* col = k_colours[k % 12];
    std::string pts;
    for (size_t i = 0; i < s.x.size() && i < s.y.size(); ++i)
      if (std::isfinite(s.x[i]) && std::isfinite(s.y[i])) pts += fmt("%.1f,", X(s.x[i])) + fmt("%.1f ", Y(s.y[i]));
    if (s.line)
      o +=
          std::string("<polyline fill=\"none\" stroke=\"") + col + "\" stroke-width=\"1.6\" points=\"" + pts + "\"/>\n";
    if (s.markers)
      for (size_t i = 0; i < s.x.size() && i < s.y.size(); ++i)
        if (std::isfinite(s.x[i]) && std::isfinite(s.y[i]))
          o += "<circle cx=\"" + fmt("%.1f", X(s.x[i])) + "\" cy=\"" + fmt("%.1f", Y(s.y[i])) + "\" r=\"3\" fill=\"" +
               col + "\"/>";
    const double ly = mt + ph + 56 + 16 * legend_at[k].second, lxk = legend_at[k].first;
    o += "<rect x=\"" + fmt("%.1f", lxk) + "\" y=\"" + fmt("%.1f", ly - 9) + "\" width=\"12\" height=\"10\" fill=\"" +
         col + "\"/><text x=\"" + fmt("%.1f", lxk + 16) + "\" y=\"" + fmt("%.1f", ly) + "\">" + html_escape(s.name) +
         "</text>\n";
  }
  return o + "</svg>\n";
}

std::string svg_confusion(const std::vector<std::string>& labels, const std::vector<int64_t>& counts) {
  const int c = static_cast<int>(labels.size());
  size_t longest = 0;
  for (const auto& l : labels) longest = std::max(longest, l.size());
  const double cell = c <= 4 ? 80 : c <= 10 ? 52 : 32;
  const double ml = 40 + 7.5 * static_cast<double>(longest), mt = 40;
  const double w = ml + cell * c + 20, h = mt + cell * c + 40 + 7.5 * static_cast<double>(longest);
  std::string o = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + fmt("%.0f", w) + "\" height=\"" +
                  fmt("%.0f", h) + "\" class=\"chart\">\n";
  o += "<text x=\"" + fmt("%.1f", ml + cell * c / 2) + "\" y=\"18\" text-anchor=\"middle\" class=\"title\">" +
       "predicted label</text>\n";
  o += "<text transform=\"translate(14," + fmt("%.1f", mt + cell * c / 2) +
       ") rotate(-90)\" text-anchor=\"middle\" class=\"title\">gold label</text>\n";
  for (int i = 0; i < c; ++i) {
    int64_t row = 0;
    for (int j = 0; j < c; ++j) row += counts[static_cast<size_t>(i * c + j)];
    for (int j = 0; j < c; ++j) {
      const int64_t n = counts[static_cast<size_t>(i * c + j)];
      const double share = row > 0 ? static_cast<double>(n) / static_cast<double>(row) : 0.0;
      // White to dark blue by the share of the gold row (the notebook's "Blues").
      const int r = static_cast<int>(247 - share * (247 - 8)), g = static_cast<int>(251 - share * (251 - 48)),
                b = static_cast<int>(255 - share * (255 - 107));
      char fill[16];
      std::snprintf(fill, sizeof fill, "#%02x%02x%02x", r, g, b);
      const double x = ml + cell * j, y = mt + cell * i;
      o += "<rect x=\"" + fmt("%.1f", x) + "\" y=\"" + fmt("%.1f", y) + "\" width=\"" + fmt("%.1f", cell) +
           "\" height=\"" + fmt("%.1f", cell) + "\" fill=\"" + fill + "\" stroke=\"#fff\"><title>gold " +
           html_escape(labels[i]) + ", predicted " + html_escape(labels[j]) + ": " + std::to_string(n) + " (" +
           fmt("%.1f", 100 * share) + "% of the row)</title></rect>";
      o += "<text x=\"" + fmt("%.1f", x + cell / 2) + "\" y=\"" + fmt("%.1f", y + cell / 2 + 5) +
           "\" text-anchor=\"middle\" fill=\"" + (share > 0.5 ? "#fff" : "#111") + "\">" + std::to_string(n) +
           "</text>\n";
    }
    o += "<text x=\"" + fmt("%.1f", ml - 6) + "\" y=\"" + fmt("%.1f", mt + cell * i + cell / 2 + 5) +
         "\" text-anchor=\"end\">" + html_escape(labels[i]) + "</text>\n";
    o += "<text transform=\"translate(" + fmt("%.1f", ml + cell * i + cell / 2 + 4) + "," +
         fmt("%.1f", mt + cell * c + 8) + ") rotate(45)\">" + html_escape(labels[i]) + "</text>\n";
  }
  return o + "</svg>\n";
}

std::string svg_metric_vs_key(const std::string& key, const std::string& metric, const std::vector<std::string>& values,
                              const std::vector<double>& ys, int width, int height) {
  // Numeric when every value parses completely as a number.
  std::vector<double> xs;
  bool numeric = true;
  for (const auto& v : values) {
    char* end = nullptr;
    const double d = std::strtod(v.c_str(), &end);
    if (v.empty() || end != v.c_str() + v.size() || !std::isfinite(d)) {
      numeric = false;
      break;
    }
    xs.push_back(d);
  }
  std::vector<std::string> cats;
  bool logx = false;
  if (numeric) {
    const auto [mn, mx] = std::minmax_element(xs.begin(), xs.end());
    logx = *mn > 0 && *mx / *mn >= 20;
    if (logx)
      for (auto& x : xs) x = std::log10(x);
  } else {
    cats = values;
    std::sort(cats.begin(), cats.end());
    cats.erase(std::unique(cats.begin(), cats.end()), cats.end());
    xs.clear();
    for (const auto& v : values)
      xs.push_back(static_cast<double>(std::lower_bound(cats.begin(), cats.end(), v) - cats.begin()));
  }
  // Mean per distinct x.
  std::vector<size_t> order(xs.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return xs[a] < xs[b]; });
  Series mean{"mean over runs", {}, {}, true}, runs{"one run", {}, {}, true};
  for (size_t k = 0; k < order.size();) {
    size_t j = k;
    double acc = 0;
    while (j < order.size() && xs[order[j]] == xs[order[k]]) acc += ys[order[j++]];
    mean.x.push_back(xs[order[k]]);
    mean.y.push_back(acc / static_cast<double>(j - k));
    k = j;
  }
  runs.x = xs;
  runs.y = ys;
  runs.markers = true;
  runs.line = false;
  // One tick per distinct value (mean.x holds them sorted), labelled as written.
  XTicks xt;
  xt.pad = true;
  std::string x_label = logx ? key + " (log scale)" : key;
  if (mean.x.size() <= 12) {
    size_t label_chars = 0;
    for (double x : mean.x) {
      const size_t i = static_cast<size_t>(std::find(xs.begin(), xs.end(), x) - xs.begin());  // a run with this x
      xt.at.push_back(x);
      xt.labels.push_back(values[i]);
      label_chars += values[i].size() + 2;
    }
    const double room = static_cast<double>(width - 76);                   // plot width, 6.5 px a character
    if (!cats.empty() && 6.5 * static_cast<double>(label_chars) > room) {  // long names: numbers, names below
      x_label += ":";
      for (size_t c = 0; c < cats.size(); ++c) {
        xt.labels[c] = std::to_string(c);
        x_label += (c ? ", " : " ") + std::to_string(c) + " = " + cats[c];
      }
    }
  } else if (logx) {  // many values on a log axis: ticks at the powers of ten inside the range
    for (double e = std::ceil(mean.x.front()); e <= mean.x.back(); e += 1) {
      xt.at.push_back(e);
      xt.labels.push_back(tick_label(std::pow(10.0, e)));
    }
  } else if (!cats.empty()) {
    x_label += " (" + std::to_string(cats.size()) + " values, in sorted order)";
  }
  return svg_line_chart(metric + " vs " + key, x_label, metric, {runs, mean}, width, height, xt);  // mean on top
}

std::string svg_reliability(const Calibration& cal, int width, int height) {
  const double ml = 56, mr = 16, mt = 30, mb = 50;
  const double pw = width - ml - mr, ph = height - mt - mb;
  const int bins = static_cast<int>(cal.count.size());
  auto X = [&](double v) { return ml + v * pw; };
  auto Y = [&](double v) { return mt + (1 - v) * ph; };
  std::string o = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(width) + "\" height=\"" +
                  std::to_string(height) + "\" class=\"chart\">\n";
  o += "<text x=\"" + std::to_string(width / 2) + "\" y=\"18\" text-anchor=\"middle\" class=\"title\">" +
       "reliability (ECE " + fmt("%.4f", cal.ece) + ")</text>\n";
  o += "<rect x=\"" + fmt("%.1f", ml) + "\" y=\"" + fmt("%.1f", mt) + "\" width=\"" + fmt("%.1f", pw) + "\" height=\"" +
       fmt("%.1f", ph) + "\" fill=\"#fafafa\" stroke=\"#888\"/>\n";
  for (int t = 0; t <= 5; ++t) {
    const double v = t / 5.0;
    o += "<text x=\"" + fmt("%.1f", ml - 5) + "\" y=\"" + fmt("%.1f", Y(v) + 4) + "\" text-anchor=\"end\">" +
         fmt("%.1f", v) + "</text><text x=\"" + fmt("%.1f", X(v)) + "\" y=\"" + fmt("%.1f", mt + ph + 16) +
         "\" text-anchor=\"middle\">" + fmt("%.1f", v) + "</text>\n";
  }
  for (int b = 0; b < bins; ++b) {
    if (cal.count[b] == 0) continue;
    const double bx = X(static_cast<double>(b) / bins), bw = pw / bins;
    o += "<rect x=\"" + fmt("%.1f", bx + 1) + "\" y=\"" + fmt("%.1f", Y(cal.accuracy[b])) + "\" width=\"" +
         fmt("%.1f", bw - 2) + "\" height=\"" + fmt("%.1f", Y(0) - Y(cal.accuracy[b])) +
         "\" fill=\"#1f77b4\" opacity=\"0.8\"><title>confidence " + fmt("%.3f", cal.confidence[b]) + ", accuracy " +
         fmt("%.3f", cal.accuracy[b]) + ", " + std::to_string(cal.count[b]) + " examples</title></rect>";
    o += "<circle cx=\"" + fmt("%.1f", X(cal.confidence[b])) + "\" cy=\"" + fmt("%.1f", Y(cal.confidence[b])) +
         "\" r=\"3\" fill=\"#d62728\"/>";
    o += "<text x=\"" + fmt("%.1f", bx + bw / 2) + "\" y=\"" + fmt("%.1f", Y(cal.accuracy[b]) - 3) +
         "\" text-anchor=\"middle\" class=\"small\">" + std::to_string(cal.count[b]) + "</text>\n";
  }
  o += "<line x1=\"" + fmt("%.1f", X(0)) + "\" y1=\"" + fmt("%.1f", Y(0)) + "\" x2=\"" + fmt("%.1f", X(1)) +
       "\" y2=\"" + fmt("%.1f", Y(1)) + "\" stroke=\"#555\" stroke-dasharray=\"4 3\"/>\n";
  o += "<text x=\"" + fmt("%.1f", ml + pw / 2) + "\" y=\"" + fmt("%.1f", mt + ph + 34) +
       "\" text-anchor=\"middle\" class=\"axis\">confidence (max probability)</text>\n";
  o += "<text transform=\"translate(14," + fmt("%.1f", mt + ph / 2) +
       ") rotate(-90)\" text-anchor=\"middle\" class=\"axis\">accuracy</text>\n";
  return o + "</svg>\n";
}

}  // namespace ftl::analysis
