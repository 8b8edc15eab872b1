// metric_tweeteval.cpp - the `tweeteval` metric plugin: TweetEval's official
// score per task, exactly as evaluation_script.py computes it with
// sklearn.classification_report (labels = union of gold and predictions, zero
// denominators give 0), plus every value of the `classification` metric.
//   emoji, emotion, hate, offensive: macro F1      irony: F1 of class 1 (irony)
//   sentiment: macro recall      stance, stance/<target>: (F1 of 1 against + F1 of 2 favor) / 2
// The official value is named "tweeteval" and is the headline. Official stance
// numbers need the pooled task "stance" (all five test sets), not one target.
// Where the script would fail (class 1 of irony, or 1/2 of stance, absent from
// both gold and predictions: a KeyError, score -1) the value is -1 too.
// Config keys: task (required), num_labels (the host sets it from the dataset).
#include "confusion_metric.hpp"

#include <memory>

namespace {

struct TaskSpec {
  const char* task;
  int64_t num_labels;
  const char* rule;
};

const TaskSpec k_specs[] = {{"emoji", 20, "macro_f1"},     {"emotion", 4, "macro_f1"},
                            {"hate", 2, "macro_f1"},       {"irony", 2, "f1_of_1"},
                            {"offensive", 2, "macro_f1"},  {"sentiment", 3, "macro_recall"},
                            {"stance", 3, "f1_of_1_and_2"}};

const TaskSpec* find_spec(const std::string& task) {
  const std::string base = task.rfind("stance/", 0) == 0 ? "stance" : task;
  for (const auto& s : k_specs)
    if (base == s.task) return &s;
  return nullptr;
}

double official(const TaskSpec& spec, const ftl::metric::PerClass& p,
                const std::vector<std::pair<std::string, double>>& avg) {
  const std::string rule = spec.rule;
  auto get = [&](const char* name) {
    for (const auto& [k, v] : avg)
      if (k == name) return v;
    return 0.0;
  };
  if (rule == "macro_f1") return get("macro_f1");
  if (rule == "macro_recall") return get("macro_recall");
  if (rule == "f1_of_1") return p.present[1] ? p.f1[1] : -1.0;
  return p.present[1] && p.present[2] ? (p.f1[1] + p.f1[2]) / 2 : -1.0;  // f1_of_1_and_2
}

struct TweetEvalMetric : ftl::metric::ConfusionMetric {
  const TaskSpec* spec = nullptr;
  void compute_values() override {
    const auto p = confusion.per_class();
    auto avg = confusion.averages(p);
    values.clear();
    values.emplace_back("tweeteval", official(*spec, p, avg));
    values.insert(values.end(), avg.begin(), avg.end());
  }
  const char* headline() const override { return "tweeteval"; }
};

std::unique_ptr<ftl::metric::ConfusionMetric> make(ftl::sdk::Config& c) {
  auto m = std::make_unique<TweetEvalMetric>();
  const auto task = c.require<std::string>("task");
  const auto num_labels = c.require<int64_t>("num_labels");
  c.finish();
  m->spec = find_spec(task);
  if (m->spec == nullptr)
    throw ftl::sdk::config_error("task", "task '" + task +
                                             "' is not a TweetEval task: emoji emotion hate irony offensive "
                                             "sentiment stance stance/<target>");
  if (num_labels != m->spec->num_labels)
    throw ftl::sdk::config_error("num_labels", "TweetEval " + std::string(m->spec->task) + " has " +
                                                   std::to_string(m->spec->num_labels) + " labels but the data has " +
                                                   std::to_string(num_labels) +
                                                   "; set metric.task to the dataset's task");
  m->confusion.resize(num_labels);
  return m;
}

const ftl_factory k_factories[] = {
    {sizeof(ftl_factory), FTL_KIND_METRIC, "tweeteval", "0.1.0",
     "TweetEval's official score per task (evaluation_script.py) + classification values", 0,
     &ftl::metric::ConfusionMetricSlots<make>::vtable}};

const ftl_plugin_descriptor k_descriptor = {
    sizeof(ftl_plugin_descriptor), FTL_ABI_MAJOR, FTL_ABI_MINOR, "metric_tweeteval", "", 1, k_factories};

}  // namespace

FTL_PLUGIN_ENTRY(k_descriptor)
