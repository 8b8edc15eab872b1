// tweeteval_score.cpp - see tweeteval_score.hpp.
#include "cli/tweeteval_score.hpp"

#include "results/h5.hpp"
#include "results/records.hpp"
#include "results/schema.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace ftl::tweeteval {

const std::vector<std::string>& tasks() {
  static const std::vector<std::string> t = {"emoji", "emotion", "hate", "irony", "offensive", "sentiment", "stance"};
  return t;
}

const std::vector<std::string>& stance_targets() {
  static const std::vector<std::string> t = {"abortion", "atheism", "climate", "feminist", "hillary"};
  return t;
}

namespace {

std::string read_file(const std::string& path, const std::string& hint) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) throw Error(path + ": is a folder, not a file" + hint);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open" + hint);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool is_stance_target(const std::string& task) {
  return task.rfind("stance/", 0) == 0;
}

void check_task(const std::string& task) {
  for (const auto& t : tasks())
    if (t == task) return;
  if (is_stance_target(task))
    for (const auto& t : stance_targets())
      if (task == "stance/" + t) return;
  throw Error("unknown task '" + task +
              "'; use one of emoji emotion hate irony offensive sentiment stance stance/<target> (targets: abortion "
              "atheism climate feminist hillary)");
}

// Number of labels in mapping.txt ("id<TAB>name" lines, blank lines ignored).
int64_t read_num_labels(const std::string& path) {
  const std::string s = read_file(path, "; every task folder needs mapping.txt (id<TAB>name)");
  std::vector<std::string> names;
  std::istringstream in(s);
  std::string line;
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const size_t tab = line.find('\t');
    std::string name = tab == std::string::npos ? "" : line.substr(tab + 1);
    name = name.substr(0, name.find('\t'));
    if (!name.empty() && name.back() == '\r') name.pop_back();
    if (name.empty()) throw Error(path + ":" + std::to_string(names.size() + 1) + ": expected 'id<TAB>name'");
    names.push_back(name);
  }
  if (names.size() == 2 && names[0] == "offensive" && names[1] == "not-offensive")
    throw Error(path +
                ": reversed offensive mapping (0 offensive, 1 not-offensive) from an early TweetEval commit; the label "
                "files use 0 = not-offensive, so replace this file with the current one ('0<TAB>not-offensive', "
                "'1<TAB>offensive')");
  if (names.size() < 2) throw Error(path + ": needs at least two labels");
  return static_cast<int64_t>(names.size());
}

// One label id per line, exactly as evaluation_script.py expects: bare
// integers, LF line ends, a final newline.
std::vector<int64_t> parse_ids(const std::string& path, int64_t num_labels, const std::string& mapping,
                               const std::string& fix) {
  const std::string s = read_file(path, fix);
  std::vector<int64_t> ids;
  if (s.empty()) throw Error(path + ": empty file; write one label id per line" + fix);
  size_t start = 0, line = 0;
  while (start < s.size()) {
    size_t nl = s.find('\n', start);
    ++line;
    const std::string at = path + ":" + std::to_string(line) + ": ";
    if (nl == std::string::npos)
      throw Error(at + "no final newline; evaluation_script.py would drop this line, so end the file with '\\n'");
    std::string_view v(s.data() + start, nl - start);
    start = nl + 1;
    if (!v.empty() && v.back() == '\r')
      throw Error(at + "CRLF line end; save the file with LF ('\\n') line ends (e.g. dos2unix)");
    if (v.empty()) throw Error(at + "empty line; write exactly one label id per line");
    if (v.find_first_of(" \t") != std::string_view::npos)
      throw Error(at + "spaces around the label '" + std::string(v) +
                  "'; the official script compares lines as text, so remove them");
    int64_t id = -1;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), id);
    if (ec != std::errc() || p != v.data() + v.size() || (v.size() > 1 && v[0] == '0'))
      throw Error(at + "'" + std::string(v) + "' is not a label id; write bare integers 0.." +
                  std::to_string(num_labels - 1));
    if (id < 0 || id >= num_labels)
      throw Error(at + "label " + std::to_string(id) + " is outside 0.." + std::to_string(num_labels - 1) + " (" +
                  mapping + " has " + std::to_string(num_labels) + " labels)");
    ids.push_back(id);
  }
  return ids;
}

}  // namespace

Gold read_gold(const std::string& gold, const std::string& task) {
  check_task(task);
  // gold is the datasets root, or the task's own folder
  std::string task_dir = gold + "/" + task;
  if (!fs::is_directory(task_dir)) {
    const bool own = task == "stance" ? fs::is_directory(gold + "/abortion") : fs::exists(gold + "/test_labels.txt");
    if (!own)
      throw Error("task folder " + task_dir +
                  " is missing; --gold/--tweeteval must name TweetEval's datasets/ folder "
                  "(holding emoji/, ..., stance/) or the task's own folder");
    task_dir = gold;
  }
  Gold g;
  std::vector<std::string> dirs;
  std::string mapping = task_dir + "/mapping.txt";
  if (task == "stance") {
    for (const auto& t : stance_targets()) dirs.push_back(task_dir + "/" + t);
  } else {
    dirs.push_back(task_dir);
    if (is_stance_target(task) && !fs::exists(mapping)) mapping = task_dir + "/../mapping.txt";
  }
  g.num_labels = read_num_labels(mapping);
  g.mapping = mapping;
  for (const auto& d : dirs) {
    if (!fs::is_directory(d)) throw Error("task folder " + d + " is missing; every stance target needs its folder");
    const std::string p = d + "/test_labels.txt";
    auto ids = parse_ids(p, g.num_labels, mapping, "; the gold labels come from TweetEval's datasets/ folder");
    g.part_sizes.push_back(static_cast<int64_t>(ids.size()));
    g.part_paths.push_back(p);
    g.labels.insert(g.labels.end(), ids.begin(), ids.end());
  }
  return g;
}

std::vector<std::string> prediction_paths(const std::string& dir, const std::string& task) {
  std::vector<std::string> out;
  if (task == "stance")
    for (const auto& t : stance_targets()) out.push_back(dir + "/stance/" + t + ".txt");
  else
    out.push_back(dir + "/" + task + ".txt");
  return out;
}

std::vector<int64_t> read_predictions(const std::string& path, const std::string& task, const Gold& gold) {
  std::vector<std::string> files;
  if (task == "stance") {
    const std::string dir = fs::is_directory(path + "/stance") ? path + "/stance" : path;
    if (!fs::is_directory(dir))
      throw Error(path +
                  ": for task stance, --predictions must be a folder holding <target>.txt for abortion, "
                  "atheism, climate, feminist, hillary");
    for (const auto& t : stance_targets()) files.push_back(dir + "/" + t + ".txt");
  } else {
    files.push_back(path);
  }
  const std::string fix = "; write the predictions in the official layout (docs/tweeteval.md)";
  std::vector<int64_t> pred;
  for (size_t i = 0; i < files.size(); ++i) {
    auto ids = parse_ids(files[i], gold.num_labels, gold.mapping, fix);
    if (static_cast<int64_t>(ids.size()) != gold.part_sizes[i])
      throw Error(files[i] + " has " + std::to_string(ids.size()) + " lines but " + gold.part_paths[i] + " has " +
                  std::to_string(gold.part_sizes[i]) + "; write one prediction per test example, in test-file order");
    pred.insert(pred.end(), ids.begin(), ids.end());
  }
  return pred;
}

std::vector<std::string> write_predictions(const std::string& dir, const std::string& task, const Gold& gold,
                                           const std::vector<int64_t>& pred) {
  const auto paths = prediction_paths(dir, task);
  if (paths.size() != gold.part_sizes.size()) throw Error("internal: prediction layout does not match the gold parts");
  size_t at = 0;
  for (size_t i = 0; i < paths.size(); ++i) {
    std::error_code ec;
    fs::create_directories(fs::path(paths[i]).parent_path(), ec);
    if (ec)
      throw Error(fs::path(paths[i]).parent_path().string() + ": cannot create the predictions folder (" +
                  ec.message() + ")");
    std::string text;
    for (int64_t k = 0; k < gold.part_sizes[i]; ++k) text += std::to_string(pred.at(at++)) + "\n";
    write_file_atomic(paths[i], text);
  }
  return paths;
}

TaskScore score(const Registry& reg, const std::string& metric, const std::string& task,
                const std::vector<int64_t>& gold, const std::vector<int64_t>& pred, int64_t num_labels) {
  if (gold.size() != pred.size())
    throw Error(task + ": " + std::to_string(pred.size()) + " predictions for " + std::to_string(gold.size()) +
                " gold labels");
  ComponentSpec spec;
  spec.toml = "task = \"" + task + "\"\nnum_labels = " + std::to_string(num_labels) + "\n";
  spec.where = "metric '" + metric + "'";
  Metric m(reg.find(FTL_KIND_METRIC, metric), spec);
  const auto N = static_cast<int64_t>(gold.size());
  for (int64_t i = 0; i < N; ++i)
    if (pred[static_cast<size_t>(i)] < 0 || pred[static_cast<size_t>(i)] >= num_labels)
      throw Error(task + ": prediction " + std::to_string(i) + " is label " +
                  std::to_string(pred[static_cast<size_t>(i)]) + ", outside the gold mapping's 0.." +
                  std::to_string(num_labels - 1) +
                  "; the predictions are for another task or the results file is damaged");
  std::vector<float> onehot(static_cast<size_t>(N * num_labels), 0.0f);  // [N, C]
  for (int64_t i = 0; i < N; ++i) onehot[static_cast<size_t>(i * num_labels + pred[static_cast<size_t>(i)])] = 1.0f;
  m.reset();
  m.update(onehot.data(), gold.data(), N, num_labels);
  TaskScore s;
  s.task = task;
  s.examples = N;
  s.values = m.compute();
  s.tables = m.tables();
  s.headline = m.headline();
  bool found = false;
  for (const auto& [k, v] : s.values)
    if (k == s.headline) {
      s.official = v;
      found = true;
    }
  if (!found) throw Error("metric '" + metric + "' names headline '" + s.headline + "' but does not compute it");
  return s;
}

RunTest read_run_test(const std::string& h5_path) {
  if (!fs::exists(h5_path)) throw Error(h5_path + ": no such results file");
  h5::Handle f = h5::open_file(h5_path, false);
  const std::string status =
      H5Aexists(f.id(), schema::k_attr_status) > 0 ? h5::read_attr_string(f.id(), schema::k_attr_status) : "";
  if (status != "complete")
    throw Error(h5_path + ": the run's status is '" + status + "', not complete; score a completed run");
  if (!h5::exists(f.id(), "eval/test/final/logits"))
    throw Error(h5_path + ": has no eval/test/final/logits; only a completed run has test predictions");
  RunTest r;
  std::vector<int64_t> shape;
  const auto logits = h5::read<float>(f.id(), "eval/test/final/logits", &shape);
  r.labels = h5::read<int64_t>(f.id(), "eval/test/final/labels");
  check_predictions(h5_path + ": eval/test/final", shape, r.labels);
  check_finite_logits(h5_path + ": eval/test/final", logits, shape[1]);
  r.num_labels = shape[1];
  r.pred.resize(static_cast<size_t>(shape[0]));
  for (int64_t i = 0; i < shape[0]; ++i) {
    const float* row = logits.data() + i * shape[1];
    r.pred[static_cast<size_t>(i)] = std::max_element(row, row + shape[1]) - row;  // [C] -> argmax
  }
  h5::Handle cfg = h5::open_group(f.id(), schema::k_config);
  try {
    const toml::table doc = toml::parse(h5::read_attr_string(cfg.id(), "experiment_toml"));
    r.task = doc.at_path("dataset.task").value_or(std::string());
  } catch (const toml::parse_error&) {
    r.task.clear();
  }
  return r;
}

std::string metric_label(const std::string& task) {
  if (task == "irony") return "F1 (irony)";
  if (task == "sentiment") return "macro recall";
  if (task == "stance" || is_stance_target(task)) return "avg F1 (against, favor)";
  return "macro F1";
}

std::string repr(double v) {
  char buf[64];
  auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v);
  std::string s(buf, ec == std::errc() ? p : buf);
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";  // Python prints 1.0, not 1
  return s;
}

}  // namespace ftl::tweeteval
