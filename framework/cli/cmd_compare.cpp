// cmd_compare.cpp - `ftlab compare FILE_OR_DIR... [--metric M] [--split S]
// [--group-by KEY[,KEY]] [--csv] [--bootstrap N]`: one row per run (or per
// group: mean, sample standard deviation and count over the runs in it, e.g.
// over seeds), the config keys that differ between runs as columns, sorted by
// the metric (best first; lower is better for names ending in "loss"), then
// McNemar's exact test and a paired bootstrap of the metric between the two
// best runs on their stored test logits (analysis/significance.hpp, which
// also states its limits). Files that are incomplete, of another schema
// version or not results files are listed as "not compared", never fatal.
#include "analysis/run_file.hpp"
#include "analysis/significance.hpp"
#include "analysis/stats.hpp"
#include "cli/command.hpp"
#include "cli/options.hpp"
#include "util/error.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <set>
#include <sstream>

namespace ftl::cli {

namespace {

using analysis::RunInfo;
using analysis::RunState;

const char* k_usage =
    "compare FILE_OR_DIR... [--metric M] [--split test|validation] [--group-by KEY[,KEY]] [--csv] [--bootstrap N]";

struct Row {
  std::vector<std::string> keys;  // values of the key columns
  analysis::MeanStd value;
  const RunInfo* best = nullptr;  // the best run of the row (the run itself when not grouped)
  size_t runs = 0;
};

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string x; std::getline(in, x, ',');)
    if (!x.empty()) out.push_back(x);
  return out;
}

// "learning_rate" -> "train.learning_rate" when exactly one flattened key ends so.
std::string resolve_key(const std::string& key, const std::set<std::string>& all) {
  if (all.count(key)) return key;
  std::vector<std::string> hits;
  for (const auto& k : all)
    if (k.size() > key.size() && k.compare(k.size() - key.size() - 1, key.size() + 1, "." + key) == 0)
      hits.push_back(k);
  if (hits.size() == 1) return hits[0];
  std::string known;
  for (const auto& k : all) known += (known.empty() ? "" : ", ") + k;
  throw Error("--group-by " + key + ": " + (hits.empty() ? "no such config key" : "ambiguous key") +
              " in these runs; use one of: " + known);
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char ch : s) q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return q + "\"";
}

std::string num(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.4f", v);
  return b;
}

void print_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows, bool csv) {
  if (csv) {
    for (const auto* r : {&header}) {
      for (size_t i = 0; i < r->size(); ++i) std::printf("%s%s", i ? "," : "", csv_field((*r)[i]).c_str());
      std::printf("\n");
    }
    for (const auto& r : rows) {
      for (size_t i = 0; i < r.size(); ++i) std::printf("%s%s", i ? "," : "", csv_field(r[i]).c_str());
      std::printf("\n");
    }
    return;
  }
  std::vector<size_t> w(header.size());
  for (size_t i = 0; i < header.size(); ++i) w[i] = header[i].size();
  for (const auto& r : rows)
    for (size_t i = 0; i < r.size(); ++i) w[i] = std::max(w[i], r[i].size());
  auto line = [&](const std::vector<std::string>& r) {
    std::string s;
    for (size_t i = 0; i < r.size(); ++i) {
      s += r[i];
      if (i + 1 < r.size()) s += std::string(w[i] - r[i].size() + 2, ' ');
    }
    std::printf("%s\n", s.c_str());
  };
  line(header);
  for (const auto& r : rows) line(r);
}

int cmd_compare(int argc, char** argv) {
  po::options_description desc("ftlab compare");
  desc.add_options()("inputs", po::value<std::vector<std::string>>(), "results files or folders")(
      "metric", po::value<std::string>(), "metric to sort by (default: macro_f1 if the runs have it)")(
      "split", po::value<std::string>()->default_value("test"), "test (final) or validation (best evaluation)")(
      "group-by", po::value<std::string>(), "config key(s), comma-separated: one row per group")(
      "csv", "print CSV (the test and the skipped files go to stderr)")(
      "bootstrap", po::value<int64_t>()->default_value(1000),
      "paired bootstrap resamples of the metric between the best two (0: off)");
  Parsed p = parse(argc, argv, desc, {"inputs"}, k_usage, true);
  if (p.help) return 0;
  if (!p.vm.count("inputs")) throw Error(std::string("give results files or folders; usage: ftlab ") + k_usage);
  const std::string split = p.vm["split"].as<std::string>();
  if (split != "test" && split != "validation") throw Error("--split " + split + ": use test or validation");
  const bool csv = p.vm.count("csv") != 0;
  const int64_t resamples = p.vm["bootstrap"].as<int64_t>();
  if (resamples < 0 || resamples > 1000000) throw Error("--bootstrap must be between 0 (off) and 1000000");
  FILE* side = csv ? stderr : stdout;

  const auto files = analysis::run_files_expand(p.vm["inputs"].as<std::vector<std::string>>());
  std::vector<RunInfo> infos;
  infos.reserve(files.size());
  for (const auto& f : files) infos.push_back(analysis::run_info_read(f, split));

  std::vector<const RunInfo*> ok;
  std::vector<std::pair<std::string, std::string>> skipped;  // path, why
  for (const auto& r : infos)
    if (r.state == RunState::ok)
      ok.push_back(&r);
    else
      skipped.emplace_back(r.path, r.problem);
  std::string metric = get_or(p.vm, "metric", std::string());
  if (metric.empty() && !ok.empty()) {
    const auto& m = ok[0]->metrics;
    metric = m.count("macro_f1") ? "macro_f1" : !ok[0]->metric_order.empty() ? ok[0]->metric_order[0] : "loss";
  }
  std::vector<const RunInfo*> usable;
  for (const RunInfo* r : ok) {
    if (r->metrics.count(metric) && !std::isnan(r->metrics.at(metric)))
      usable.push_back(r);
    else
      skipped.emplace_back(r->path, "no " + split + " metric '" + metric + "'");
  }
  auto print_skipped = [&] {
    if (skipped.empty()) return;
    std::fprintf(side, "\nnot compared (%zu):\n", skipped.size());
    for (const auto& [path, why] : skipped) std::fprintf(side, "  %s: %s\n", path.c_str(), why.c_str());
  };
  if (usable.empty()) {
    print_skipped();
    throw Error(ok.empty() ? "no complete run among " + std::to_string(files.size()) +
                                 " file(s); see the list above for why each was skipped"
                           : "no complete run with a " + split + " metric '" + metric + "' among " +
                                 std::to_string(files.size()) + " file(s)");
  }
  const bool lower_better = metric.size() >= 4 && metric.compare(metric.size() - 4, 4, "loss") == 0;
  auto better = [&](double a, double b) { return lower_better ? a < b : a > b; };

  // Key columns: the group keys, or every flattened key whose value differs between runs.
  std::set<std::string> all_keys;
  for (const RunInfo* r : usable)
    for (const auto& kv : r->config) all_keys.insert(kv.first);
  std::vector<std::string> key_cols;
  const bool grouped = p.vm.count("group-by") != 0;
  if (grouped) {
    for (const auto& k : split_commas(p.vm["group-by"].as<std::string>())) key_cols.push_back(resolve_key(k, all_keys));
  } else {
    key_cols = analysis::config_keys_differing(usable);
  }

  std::vector<Row> rows;
  if (grouped) {
    std::map<std::vector<std::string>, std::vector<const RunInfo*>> groups;
    for (const RunInfo* r : usable) {
      std::vector<std::string> k;
      for (const auto& c : key_cols) k.push_back(analysis::config_value(*r, c));
      groups[k].push_back(r);
    }
    for (auto& [k, runs] : groups) {
      Row row;
      row.keys = k;
      std::vector<double> v;
      for (const RunInfo* r : runs) {
        v.push_back(r->metrics.at(metric));
        if (!row.best || better(r->metrics.at(metric), row.best->metrics.at(metric))) row.best = r;
      }
      row.value = analysis::mean_std(v);
      row.runs = runs.size();
      rows.push_back(row);
    }
  } else {
    for (const RunInfo* r : usable) {
      Row row;
      for (const auto& c : key_cols) row.keys.push_back(analysis::config_value(*r, c));
      row.value = analysis::mean_std({r->metrics.at(metric)});
      row.best = r;
      row.runs = 1;
      rows.push_back(row);
    }
  }
  std::stable_sort(rows.begin(), rows.end(),
                   [&](const Row& a, const Row& b) { return better(a.value.mean, b.value.mean); });

  std::vector<std::string> header{"#"};
  header.insert(header.end(), key_cols.begin(), key_cols.end());
  if (grouped) {
    header.insert(header.end(), {metric + " mean", "std", "n", "best run"});
  } else {
    header.insert(header.end(), {metric, "run"});
  }
  std::vector<std::vector<std::string>> table;
  for (size_t i = 0; i < rows.size(); ++i) {
    std::vector<std::string> r{std::to_string(i + 1)};
    r.insert(r.end(), rows[i].keys.begin(), rows[i].keys.end());
    const std::string name = csv ? rows[i].best->path : std::filesystem::path(rows[i].best->path).filename().string();
    if (grouped)
      r.insert(r.end(), {num(rows[i].value.mean),
                         rows[i].value.count > 1 ? num(rows[i].value.std) : std::string(csv ? "" : "-"),  // n = 1: none
                         std::to_string(rows[i].value.count), name});
    else
      r.insert(r.end(), {num(rows[i].value.mean), name});
    table.push_back(r);
  }
  if (!csv)
    std::printf("%zu run(s), %s metric %s (%s is better)%s\n", usable.size(), split.c_str(), metric.c_str(),
                lower_better ? "lower" : "higher", grouped ? "; mean and sample std over each group" : "");
  print_table(header, table, csv);
  if (rows.size() >= 2) {  // McNemar and the paired bootstrap between the best runs of the first two rows
    const auto sig = analysis::significance_best_two(rows[0].best->path, rows[1].best->path, metric, resamples);
    std::fputs(analysis::significance_text(sig, metric).c_str(), side);
  }
  print_skipped();
  return 0;
}

}  // namespace

FTL_COMMAND(compare, "compare", k_usage, "compare stored runs: a table sorted by a metric and a significance test",
            cmd_compare);

}  // namespace ftl::cli
