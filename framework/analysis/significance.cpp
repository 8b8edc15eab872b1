// significance.cpp - McNemar and the paired bootstrap between two runs (see significance.hpp).
#include "analysis/significance.hpp"

#include "analysis/run_components.hpp"
#include "analysis/run_file.hpp"
#include "util/error.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <utility>
#include <vector>

namespace ftl::analysis {

namespace {

std::string fmt(const char* f, double v) {
  char b[64];
  std::snprintf(b, sizeof b, f, v);
  return b;
}

// Scores resamples of both runs' test logits with run A's metric plugin, one
// instance per worker thread.
void run_bootstrap(Significance* s, const Predictions& pa, const Predictions& pb, const std::string& metric) {
  std::unique_ptr<RunComponents> rc;
  try {
    rc = run_components_load(s->path_a, "", {});
    s->plugin = run_metric_create(*rc)->factory().factory->name;
  } catch (const std::exception& e) {
    s->bootstrap_problem = std::string("cannot rebuild the metric of ") + s->path_a + ": " + e.what();
    return;
  }
  const int64_t n = pa.n, c = pa.c;
  auto make_score = [&]() -> PairScore {
    std::shared_ptr<Metric> m = run_metric_create(*rc);
    auto value_of = [m, n, c, &metric](const Predictions& p, const std::vector<int64_t>* idx) -> double {
      m->reset();
      std::vector<float> logits(static_cast<size_t>(n * c));  // [n, C] the resample's rows
      std::vector<int64_t> labels(static_cast<size_t>(n));    // [n]
      for (int64_t i = 0; i < n; ++i) {
        const int64_t j = idx ? (*idx)[static_cast<size_t>(i)] : i;
        std::copy_n(p.logits.data() + j * c, c, logits.data() + i * c);
        labels[static_cast<size_t>(i)] = p.labels[static_cast<size_t>(j)];
      }
      m->update(std::move(logits), std::move(labels), n, c);  // moved into the plugin's tensors
      for (const auto& [name, v] : m->compute())
        if (name == metric) return v;
      throw Error("metric plugin '" + std::string(m->factory().factory->name) + "' does not compute '" + metric + "'");
    };
    return [value_of, &pa, &pb](const std::vector<int64_t>* idx) {
      const double va = value_of(pa, idx);
      return std::make_pair(va, value_of(pb, idx));
    };
  };
  try {
    s->bootstrap = paired_bootstrap(n, s->resamples, k_bootstrap_seed, 0, make_score);
  } catch (const std::exception& e) {
    s->bootstrap_problem = e.what();
  }
}

}  // namespace

Significance significance_best_two(const std::string& path_a, const std::string& path_b, const std::string& metric,
                                   int64_t resamples) {
  Significance s;
  s.path_a = path_a;
  s.path_b = path_b;
  s.resamples = resamples;
  Predictions pa, pb;
  try {
    pa = predictions_read(path_a, "test", "final");
    pb = predictions_read(path_b, "test", "final");
  } catch (const Error& e) {
    s.problem = e.what();
    return s;
  }
  if (pa.n != pb.n || pa.c != pb.c || pa.labels != pb.labels) {
    s.problem = "the two best runs were tested on different examples (" + std::to_string(pa.n) + " vs " +
                std::to_string(pb.n) + ", or other labels); compare runs of the same task and test split";
    return s;
  }
  std::vector<uint8_t> ca, cb;  // labelled examples only: -1 has no gold label to be right or wrong about
  for (int64_t i = 0; i < pa.n; ++i) {
    if (pa.labels[i] < 0) continue;
    ca.push_back(argmax_row(pa.logits.data() + i * pa.c, pa.c) == pa.labels[i]);
    cb.push_back(argmax_row(pb.logits.data() + i * pb.c, pb.c) == pb.labels[i]);
  }
  s.n = static_cast<int64_t>(ca.size());
  if (s.n == 0) {
    s.problem = "the test split has no gold labels";
    return s;
  }
  s.mcnemar = mcnemar_exact(ca, cb);
  if (resamples > 0) run_bootstrap(&s, pa, pb, metric);
  return s;
}

std::string significance_text(const Significance& s, const std::string& metric) {
  if (!s.problem.empty()) return "\nno significance test: " + s.problem + "\n";
  namespace fs = std::filesystem;
  const auto& m = s.mcnemar;
  std::string o = "\nMcNemar's exact test on " + std::to_string(s.n) +
                  " test examples, best two: A = " + fs::path(s.path_a).filename().string() +
                  ", B = " + fs::path(s.path_b).filename().string() + "\n";
  o += "  A right where B is wrong: " + std::to_string(m.only_a) +
       "; B right where A is wrong: " + std::to_string(m.only_b) + "; p = " + fmt("%.4g", m.p_value) + "\n";
  if (m.only_a + m.only_b == 0)
    o += "  they are right on exactly the same test examples: no evidence of any difference in accuracy\n";
  else if (m.p_value < 0.05)
    o += "  p < 0.05: the two disagree more one-sidedly than chance would explain; the difference in accuracy is "
         "likely real\n";
  else
    o += "  p >= 0.05: the difference in accuracy could well be chance on this test set; more seeds or more test "
         "data are needed to tell them apart\n";
  if (s.resamples == 0) return o;
  if (!s.bootstrap_problem.empty()) return o + "\nno paired bootstrap: " + s.bootstrap_problem + "\n";
  const auto& b = s.bootstrap;
  o += "\npaired bootstrap of " + metric + " on the same " + std::to_string(s.n) + " test examples (" +
       std::to_string(b.resamples) + " resamples, seed " + std::to_string(k_bootstrap_seed) + ", plugin '" + s.plugin +
       "'):\n";
  const std::string p =
      b.p_value > 0 ? "p = " + fmt("%.4g", b.p_value) : "p < " + fmt("%.4g", 1.0 / static_cast<double>(b.resamples));
  o += "  A " + fmt("%.4f", b.a) + ", B " + fmt("%.4f", b.b) + ", A - B = " + fmt("%+.4f", b.delta) +
       ", 95% interval [" + fmt("%+.4f", b.low) + ", " + fmt("%+.4f", b.high) + "], " + p + "\n";
  if (b.low > 0 || b.high < 0)
    o += "  the interval excludes 0: A's " + metric + " is likely really " + (b.delta > 0 ? "higher" : "lower") +
         " than B's on data like this test set\n";
  else
    o += "  the interval includes 0: this test set cannot tell the two apart on " + metric + "\n";
  return o;
}

}  // namespace ftl::analysis
