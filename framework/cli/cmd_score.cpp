// cmd_score.cpp - `ftlab score`: TweetEval's official scores from prediction
// files, as evaluation_script.py computes them.
//   ftlab score --task TASK --gold DIR --predictions FILE   one task, with per-class values
//   ftlab score --tweeteval DATA_DIR --predictions PRED_DIR all seven tasks and the TweetEval score
//   ftlab score --run RUN.h5 --gold DIR [--write-predictions PRED_DIR]
//       a finished run's test logits (argmax), written in the official layout, then scored from those files
// Prediction files are checked strictly (line count, label range, CRLF,
// spaces, final newline) with file:line errors. --json prints every value and
// table. The metric plugin is `tweeteval` unless --metric names another.
#include "cli/command.hpp"
#include "cli/options.hpp"
#include "cli/tweeteval_score.hpp"
#include "util/error.hpp"

#include <cstdio>

namespace ftl::cli {

namespace {

const char* k_usage =
    "score (--task TASK --gold DIR --predictions FILE | --tweeteval DATA_DIR --predictions PRED_DIR | --run RUN.h5 "
    "--gold DIR [--write-predictions PRED_DIR]) [--json] [--metric NAME] [--plugin-path DIR]...";

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string json_task(const tweeteval::TaskScore& s) {
  std::string j = "{\"headline\": " + json_string(s.headline) + ", \"official\": " + tweeteval::repr(s.official) +
                  ", \"examples\": " + std::to_string(s.examples) + ", \"values\": {";
  for (size_t i = 0; i < s.values.size(); ++i)
    j += (i ? ", " : "") + json_string(s.values[i].first) + ": " + tweeteval::repr(s.values[i].second);
  j += "}, \"tables\": {";
  for (size_t i = 0; i < s.tables.size(); ++i) {
    const auto& t = s.tables[i];
    j += (i ? ", " : "") + json_string(t.name) + ": {\"shape\": [";
    for (size_t k = 0; k < t.shape.size(); ++k) j += (k ? ", " : "") + std::to_string(t.shape[k]);
    j += "], \"values\": [";
    for (size_t k = 0; k < t.values.size(); ++k)
      j += (k ? ", " : "") +
           (t.integer ? std::to_string(static_cast<int64_t>(t.values[k])) : tweeteval::repr(t.values[k]));
    j += "]}";
  }
  return j + "}}";
}

const MetricTable* find_table(const tweeteval::TaskScore& s, const char* name) {
  for (const auto& t : s.tables)
    if (t.name == name) return &t;
  return nullptr;
}

void print_details(const tweeteval::TaskScore& s) {
  const MetricTable *p = find_table(s, "precision"), *r = find_table(s, "recall"), *f = find_table(s, "f1"),
                    *n = find_table(s, "support");
  if (p && r && f && n) {
    std::printf("%-8s %10s %10s %10s %8s\n", "label", "precision", "recall", "f1", "support");
    for (size_t k = 0; k < p->values.size(); ++k)
      std::printf("%-8zu %10.4f %10.4f %10.4f %8lld\n", k, p->values[k], r->values[k], f->values[k],
                  static_cast<long long>(n->values[k]));
  }
  for (const auto& [k, v] : s.values)
    std::printf("%s%s %s\n", k.c_str(), k == s.headline ? "*" : "", tweeteval::repr(v).c_str());
}

int cmd_score(int argc, char** argv) {
  po::options_description desc("ftlab score");
  desc.add_options()("task", po::value<std::string>(),
                     "one task: emoji emotion hate irony offensive sentiment stance "
                     "stance/<target>")("gold", po::value<std::string>(),
                                        "with --task: TweetEval's datasets/ folder, or the task's folder")(
      "tweeteval", po::value<std::string>(), "all tasks: TweetEval's datasets/ folder")(
      "run", po::value<std::string>(),
      "a finished run's results file: score its test predictions (task from its "
      "config unless --task)")("write-predictions", po::value<std::string>(),
                               "with --run: write the predictions in the official layout here")(
      "predictions", po::value<std::string>(),
      "with --task: the predictions file (stance: a folder); with --tweeteval: the predictions folder")(
      "metric", po::value<std::string>()->default_value("tweeteval"), "metric plugin that scores")(
      "json", po::bool_switch(), "print every value and table as JSON")(
      "plugin-path", po::value<std::vector<std::string>>()->composing(), "extra plugin folder (repeatable)");
  Parsed p = parse(argc, argv, desc, {}, k_usage);
  if (p.help) return 0;
  const bool run = p.vm.count("run") > 0, all = p.vm.count("tweeteval") > 0;
  const bool one = p.vm.count("task") > 0 && !run;
  if (int(one) + int(all) + int(run) != 1)
    throw Error(std::string("give either --task with --gold, or --tweeteval, or --run; usage: ftlab ") + k_usage);
  if ((one || run) && !p.vm.count("gold"))
    throw Error(std::string("--task/--run need --gold DIR; usage: ftlab ") + k_usage);
  if (!run && !p.vm.count("predictions")) throw Error(std::string("missing --predictions; usage: ftlab ") + k_usage);
  const std::string metric = p.vm["metric"].as<std::string>();
  const std::string pred_path = get_or(p.vm, "predictions", std::string());
  const bool json = p.vm["json"].as<bool>();

  Registry reg;
  reg.load_dirs(Registry::search_path(get_or(p.vm, "plugin-path", std::vector<std::string>{})));

  if (run) {
    const std::string h5 = p.vm["run"].as<std::string>();
    const auto r = tweeteval::read_run_test(h5);
    const std::string task = get_or(p.vm, "task", r.task);
    if (task.empty()) throw Error(h5 + ": its config has no dataset.task; give --task");
    const auto gold = tweeteval::read_gold(p.vm["gold"].as<std::string>(), task);
    if (r.num_labels != gold.num_labels)
      throw Error(h5 + ": its test logits have " + std::to_string(r.num_labels) + " columns but the gold mapping of '" +
                  task + "' has " + std::to_string(gold.num_labels) + " labels; is it a run of this task?");
    if (r.pred.size() != gold.labels.size())
      throw Error(h5 + " has " + std::to_string(r.pred.size()) + " test predictions but the gold files have " +
                  std::to_string(gold.labels.size()) + " (did the run set dataset.max_test?)");
    if (r.labels != gold.labels)
      throw Error(h5 + ": the run's test labels differ from the gold files; is --gold the data the run used?");
    std::vector<int64_t> pred = r.pred;
    if (p.vm.count("write-predictions")) {
      const std::string dir = p.vm["write-predictions"].as<std::string>();
      tweeteval::write_predictions(dir, task, gold, pred);
      pred =
          tweeteval::read_predictions(task == "stance" ? dir : tweeteval::prediction_paths(dir, task)[0], task, gold);
      std::fprintf(stderr, "predictions: %s\n", tweeteval::prediction_paths(dir, task)[0].c_str());
    }
    const auto s = tweeteval::score(reg, metric, task, gold.labels, pred, gold.num_labels);
    if (json) {
      std::printf("{\"tasks\": {%s: %s}}\n", json_string(task).c_str(), json_task(s).c_str());
    } else {
      print_details(s);
      std::printf("%s: %s (%s, %lld tweets)\n", task.c_str(), tweeteval::repr(s.official).c_str(),
                  tweeteval::metric_label(task).c_str(), static_cast<long long>(s.examples));
    }
    return 0;
  }

  if (one) {
    const std::string task = p.vm["task"].as<std::string>();
    const auto gold = tweeteval::read_gold(p.vm["gold"].as<std::string>(), task);
    const auto pred = tweeteval::read_predictions(pred_path, task, gold);
    const auto s = tweeteval::score(reg, metric, task, gold.labels, pred, gold.num_labels);
    if (json) {
      std::printf("{\"tasks\": {%s: %s}}\n", json_string(task).c_str(), json_task(s).c_str());
    } else {
      print_details(s);
      std::printf("%s: %s (%s, %lld tweets)\n", task.c_str(), tweeteval::repr(s.official).c_str(),
                  tweeteval::metric_label(task).c_str(), static_cast<long long>(s.examples));
    }
    return 0;
  }

  const std::string root = p.vm["tweeteval"].as<std::string>();
  // Read everything first, so that a bad file stops before any output.
  std::vector<tweeteval::TaskScore> scores;
  for (const auto& task : tweeteval::tasks()) {
    const auto gold = tweeteval::read_gold(root, task);
    const std::string path = task == "stance" ? pred_path : tweeteval::prediction_paths(pred_path, task)[0];
    const auto pred = tweeteval::read_predictions(path, task, gold);
    scores.push_back(tweeteval::score(reg, metric, task, gold.labels, pred, gold.num_labels));
  }
  double sum = 0;
  bool ok = true;
  for (const auto& s : scores) {
    sum += s.official;
    ok = ok && s.official != -1;
  }
  const double avg = ok ? sum / static_cast<double>(scores.size()) : -1;
  if (json) {
    std::string j = "{\"tasks\": {";
    for (size_t i = 0; i < scores.size(); ++i)
      j += (i ? ", " : "") + json_string(scores[i].task) + ": " + json_task(scores[i]);
    std::printf("%s}, \"tweeteval\": %s}\n", j.c_str(), tweeteval::repr(avg).c_str());
    return 0;
  }
  std::printf("%-10s %-24s %8s  %s\n", "task", "metric", "tweets", "score");
  for (const auto& s : scores)
    std::printf("%-10s %-24s %8lld  %s\n", s.task.c_str(), tweeteval::metric_label(s.task).c_str(),
                static_cast<long long>(s.examples), tweeteval::repr(s.official).c_str());
  std::printf("%-10s %-24s %8s  %s\n", "TweetEval", "mean of the 7 tasks", "", tweeteval::repr(avg).c_str());
  return 0;
}

}  // namespace

FTL_COMMAND(score, "score", k_usage, "TweetEval's official scores of prediction files (evaluation_script.py)",
            cmd_score);

}  // namespace ftl::cli
