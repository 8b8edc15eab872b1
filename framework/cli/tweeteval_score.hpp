// tweeteval_score.hpp - TweetEval's official scoring for `ftlab score` and
// `ftlab suite`: the dataset layout (<root>/<task>/test_labels.txt, stance
// pooled over five targets), the official predictions layout (<task>.txt,
// stance/<target>.txt: one label id per line, LF, final newline), strict
// parsing of both with file:line errors, and scores computed by a metric
// plugin (default `tweeteval`, whose headline is the official value) fed with
// one-hot logits. This file knows the TweetEval layout; it never switches on
// plugin names (the metric name is an option).
#pragma once

#include "plugins/components.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace ftl::tweeteval {

// The seven tasks in evaluation_script.py's order, and the stance targets in pooling order.
const std::vector<std::string>& tasks();
const std::vector<std::string>& stance_targets();

// Gold labels and label count of a task ("irony", "stance" pooled, "stance/abortion").
// `gold` is the datasets root (holding <task>/) or the task folder itself.
struct Gold {
  std::vector<int64_t> labels;
  std::vector<int64_t> part_sizes;  // per stance target for "stance", else one entry
  std::vector<std::string> part_paths;
  int64_t num_labels = 0;
  std::string mapping;  // the mapping.txt that gave num_labels
};
Gold read_gold(const std::string& gold, const std::string& task);

// Predictions of a task, strictly in the official format. `path` is the file,
// or for "stance" a folder holding <target>.txt (or stance/<target>.txt).
std::vector<int64_t> read_predictions(const std::string& path, const std::string& task, const Gold& gold);

// Where the official layout puts a task's predictions under `dir`.
std::vector<std::string> prediction_paths(const std::string& dir, const std::string& task);
// Writes predictions in that layout (stance split by part sizes); returns the files.
std::vector<std::string> write_predictions(const std::string& dir, const std::string& task, const Gold& gold,
                                           const std::vector<int64_t>& pred);

struct TaskScore {
  std::string task;
  std::string headline;  // the metric plugin's headline name
  double official = -1;  // the headline's value
  std::vector<std::pair<std::string, double>> values;
  std::vector<MetricTable> tables;
  int64_t examples = 0;
};

// Scores pred against gold with the metric plugin `metric` (config: task, num_labels).
TaskScore score(const Registry& reg, const std::string& metric, const std::string& task,
                const std::vector<int64_t>& gold, const std::vector<int64_t>& pred, int64_t num_labels);

// A finished run's test predictions: argmax of eval/test/final/logits [N, C]
// (ties to the lowest id), its gold labels [N], C, and its dataset.task ("" if absent).
struct RunTest {
  std::vector<int64_t> pred, labels;
  int64_t num_labels = 0;
  std::string task;
};
RunTest read_run_test(const std::string& h5_path);

// What the official value of a task is, for tables ("macro F1", ...).
std::string metric_label(const std::string& task);

// Shortest decimal that reads back as v (Python's repr of a float).
std::string repr(double v);

}  // namespace ftl::tweeteval
