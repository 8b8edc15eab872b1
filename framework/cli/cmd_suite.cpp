// cmd_suite.cpp - `ftlab suite DIR`: runs every experiment file in DIR (the
// TweetEval tasks in the official order first, then the rest by name), each
// into its own HDF5 results file, writes each run's test predictions (argmax
// of eval/test/final/logits) in the official layout (<task>.txt,
// stance/<target>.txt), and prints the TweetEval table: task x official
// metric, plus the average. The task and data come from each file's
// [dataset] task and path keys. Five per-target stance runs (dataset.task =
// "stance/<target>", as the Cardiff models are trained) are pooled into the
// official stance row when no pooled "stance" run is present. A run that fails is reported and scores -1
// (as in evaluation_script.py); the others still run. When a run saw the
// whole test set, its score comes from the written prediction files against
// the gold files; otherwise (dataset.max_test) from the run's own test labels,
// marked "subset".
#include "cli/command.hpp"
#include "cli/options.hpp"
#include "cli/tweeteval_score.hpp"
#include "train/run.hpp"
#include "util/error.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>

namespace fs = std::filesystem;

namespace ftl::cli {

namespace {

const char* k_usage =
    "suite DIR [--set KEY=VALUE]... [--tasks a,b] [--predictions OUT_DIR] [--metric NAME] [--plugin-path DIR]...";

struct Row {
  std::string task, file, results, note, data;
  double score = -1;
  bool ok = false;
  bool full = false;  // saw the whole test set: prediction files written
};

bool is_official(const std::string& task) {
  const auto& t = tweeteval::tasks();
  return std::find(t.begin(), t.end(), task) != t.end();
}

// With five complete per-target stance runs and no pooled one, the official
// stance row: their prediction files scored together, as evaluation_script.py does.
void add_pooled_stance(std::vector<Row>& rows, const Registry& reg, const std::string& metric,
                       const std::string& pred_dir) {
  std::vector<const Row*> parts;
  for (const auto& target : tweeteval::stance_targets())
    for (const auto& r : rows)
      if (r.task == "stance/" + target && r.ok && r.full) {
        parts.push_back(&r);
        break;
      }
  for (const auto& r : rows)
    if (r.task == "stance") return;
  if (parts.size() != tweeteval::stance_targets().size()) return;
  Row pooled;
  pooled.task = "stance";
  pooled.note = "pooled from the five per-target runs";
  try {
    const auto gold = tweeteval::read_gold(parts[0]->data, "stance");
    const auto pred = tweeteval::read_predictions(pred_dir, "stance", gold);
    pooled.score = tweeteval::score(reg, metric, "stance", gold.labels, pred, gold.num_labels).official;
    pooled.ok = pooled.full = true;
  } catch (const std::exception& ex) {
    pooled.note = std::string("failed to pool the stance targets: ") + ex.what();
  }
  rows.push_back(pooled);
}

std::vector<fs::path> suite_files(const std::string& dir, const std::string& only) {
  if (!fs::is_directory(dir)) throw Error(dir + ": not a folder; ftlab suite takes a folder of experiment files");
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file() && e.path().extension() == ".toml") files.push_back(e.path());
  auto rank = [](const fs::path& p) {
    const auto& t = tweeteval::tasks();
    return static_cast<size_t>(std::find(t.begin(), t.end(), p.stem().string()) - t.begin());
  };
  std::sort(files.begin(), files.end(), [&](const fs::path& a, const fs::path& b) {
    return rank(a) != rank(b) ? rank(a) < rank(b) : a.filename() < b.filename();
  });
  if (!only.empty()) {
    std::vector<fs::path> keep;
    std::string rest = only + ",";
    for (size_t at = 0, comma; (comma = rest.find(',', at)) != std::string::npos; at = comma + 1) {
      const std::string name = rest.substr(at, comma - at);
      auto it = std::find_if(files.begin(), files.end(), [&](const fs::path& p) { return p.stem() == name; });
      if (it == files.end()) throw Error("--tasks: no " + name + ".toml in " + dir);
      keep.push_back(*it);
    }
    files = keep;
  }
  if (files.empty()) throw Error(dir + ": no .toml experiment files");
  return files;
}

std::string dataset_key(const Experiment& e, const char* key) {
  const toml::node* n = e.doc.at_path(std::string("dataset.") + key).node();
  const auto v = n != nullptr ? n->value<std::string>() : std::nullopt;
  if (!v) throw Error(e.where(std::string("dataset.") + key) + ": the suite needs dataset." + key);
  return *v;
}

std::string utc_stamp() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", std::gmtime(&t));
  return buf;
}

Row run_one(const fs::path& file, const std::vector<std::string>& sets, const std::vector<std::string>& plugin_dirs,
            const Registry& reg, const std::string& metric, std::string& pred_dir) {
  Row row;
  row.file = file.string();
  row.task = file.stem().string();
  try {
    Experiment e = load_experiment(file.string(), sets);
    row.task = dataset_key(e, "task");
    const std::string data = e.resolve(dataset_key(e, "path"));
    row.data = data;
    std::fprintf(stderr, "== %s: %s\n", row.task.c_str(), file.string().c_str());
    RunOptions opt;
    opt.plugin_dirs = plugin_dirs;
    row.results = run_experiment(e, opt);
    const auto run = tweeteval::read_run_test(row.results);
    const auto &pred = run.pred, &labels = run.labels;
    const int64_t C = run.num_labels;
    if (pred_dir.empty())
      pred_dir = (fs::path(row.results).parent_path() / ("tweeteval-predictions-" + utc_stamp())).string();
    const auto gold = tweeteval::read_gold(data, row.task);
    if (pred.size() == gold.labels.size()) {
      if (labels != gold.labels)
        throw Error(row.results + ": the run's test labels differ from " + gold.part_paths[0] +
                    "; was the data changed during the run?");
      tweeteval::write_predictions(pred_dir, row.task, gold, pred);
      const auto again = tweeteval::read_predictions(
          row.task == "stance" ? pred_dir : tweeteval::prediction_paths(pred_dir, row.task)[0], row.task, gold);
      row.score = tweeteval::score(reg, metric, row.task, gold.labels, again, gold.num_labels).official;
    } else {
      row.score = tweeteval::score(reg, metric, row.task, labels, pred, C).official;
      row.note = "subset: " + std::to_string(pred.size()) + " of " + std::to_string(gold.labels.size()) +
                 " test tweets, no prediction file";
    }
    row.ok = true;
    row.full = row.note.empty();
  } catch (const std::exception& ex) {
    row.note = std::string("failed: ") + ex.what();
    std::fprintf(stderr, "ftlab: error: %s\n", ex.what());  // names the file already
  }
  return row;
}

int cmd_suite(int argc, char** argv) {
  po::options_description desc("ftlab suite");
  desc.add_options()("dir", po::value<std::string>(), "folder of experiment files (experiments/tweeteval)")(
      "set", po::value<std::vector<std::string>>()->composing(), "override a key in every file (repeatable)")(
      "tasks", po::value<std::string>(), "comma-separated file stems to run (default: all)")(
      "predictions", po::value<std::string>(),
      "folder for the official predictions layout (default: tweeteval-predictions-<time> next to the results)")(
      "metric", po::value<std::string>()->default_value("tweeteval"), "metric plugin for the table")(
      "plugin-path", po::value<std::vector<std::string>>()->composing(), "extra plugin folder (repeatable)");
  Parsed p = parse(argc, argv, desc, {"dir"}, k_usage);
  if (p.help) return 0;
  signals_cooperative();
  if (!p.vm.count("dir")) throw Error(std::string("missing the folder; usage: ftlab ") + k_usage);
  const auto files = suite_files(p.vm["dir"].as<std::string>(), get_or(p.vm, "tasks", std::string()));
  const auto sets = get_or(p.vm, "set", std::vector<std::string>{});
  const auto plugin_dirs = get_or(p.vm, "plugin-path", std::vector<std::string>{});
  const std::string metric = p.vm["metric"].as<std::string>();
  std::string pred_dir = get_or(p.vm, "predictions", std::string());
  Registry reg;
  reg.load_dirs(Registry::search_path(plugin_dirs));

  std::vector<Row> rows;
  for (const auto& f : files) rows.push_back(run_one(f, sets, plugin_dirs, reg, metric, pred_dir));

  add_pooled_stance(rows, reg, metric, pred_dir);
  // The average counts the official tasks (per-target stance rows are shown,
  // not counted); a folder with none of them averages every row.
  bool any_official = false;
  for (const auto& r : rows) any_official = any_official || is_official(r.task);
  double sum = 0;
  size_t counted = 0;
  bool all_ok = true, any_failed = false;
  std::printf("%-18s %-24s %-10s %s\n", "task", "metric", "score", "results");
  for (const auto& r : rows) {
    any_failed = any_failed || !r.ok;
    if (!any_official || is_official(r.task)) {
      all_ok = all_ok && r.ok && r.score != -1;
      sum += r.score;
      ++counted;
    }
    std::printf("%-18s %-24s %-10.4f %s%s%s\n", r.task.c_str(), tweeteval::metric_label(r.task).c_str(),
                r.ok ? r.score * 100 : -1.0, r.results.c_str(),
                r.note.empty()      ? ""
                : r.results.empty() ? ""
                                    : "  ",
                r.note.empty() ? "" : ("(" + r.note + ")").c_str());
  }
  if (all_ok)
    std::printf("%-18s %-24s %-10.4f (mean of %zu tasks, x100)\n", "TweetEval", "average",
                sum / static_cast<double>(counted) * 100, counted);
  else
    std::printf("%-18s %-24s %-10s (a task failed: -1, as evaluation_script.py)\n", "TweetEval", "average", "-1");
  if (!pred_dir.empty()) std::printf("predictions: %s\n", pred_dir.c_str());
  return all_ok && !any_failed ? 0 : 1;
}

}  // namespace

FTL_COMMAND(suite, "suite", k_usage, "run every experiment in a folder and print the TweetEval table", cmd_suite);

}  // namespace ftl::cli
